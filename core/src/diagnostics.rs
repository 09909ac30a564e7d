//! Diagnostics are data: a stable code, a severity, a JSON path, a message and a fix.
//!
//! Each code belongs to exactly one [`Rule`], and each rule carries its own documentation
//! (what it checks, why, an invalid and a fixed example, the AWS source); `docs/rules.md` is
//! generated from these records, and the test suite replays every example.

use serde::{Deserialize, Serialize};
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// AWS would reject the input.
    Error,
    /// AWS accepts the input, but it is almost surely not what was meant.
    Warning,
    /// AWS accepts the input, but it weakens security; modelled on the AWS Security Hub ECS controls.
    Security,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Security => "security",
        }
    }
}

/// One finding about an input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The rule's stable code, e.g. `TD301`.
    pub code: String,
    pub severity: Severity,
    /// Where, as a JSON path into the input: `$.containerDefinitions[0].portMappings[1].hostPort`.
    pub path: String,
    pub message: String,
    /// How to fix it, when there is something specific to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The fix as an edit an editor can apply, when there is one obvious fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// One edit of the input at a JSON path (the diagnostics' path syntax). Editors offer it as a
/// quick fix; `title` says what it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Fix {
    /// Sets the member (or element) at `path` to `value`, adding the member when it is missing.
    Set {
        title: String,
        path: String,
        value: serde_json::Value,
    },
    /// Removes the member at `path`.
    Remove { title: String, path: String },
    /// Renames the member at `path` to `to`, keeping its value.
    Rename {
        title: String,
        path: String,
        to: String,
    },
}

impl Fix {
    /// The same edit with its paths (and a renamed member's new name) rewritten by `rewrite`,
    /// which maps a whole path: CloudFormation templates name members their own way.
    pub fn rewritten(self, rewrite: impl Fn(&str) -> String) -> Fix {
        match self {
            Fix::Set { title, path, value } => Fix::Set {
                title,
                path: rewrite(&path),
                value,
            },
            Fix::Remove { title, path } => Fix::Remove {
                title,
                path: rewrite(&path),
            },
            Fix::Rename { title: _, path, to } => {
                let parent = &path[..path.rfind(['.', '[']).unwrap_or(path.len())];
                let mut renamed = parent.to_string();
                push_key(&mut renamed, &to);
                let renamed = rewrite(&renamed);
                let to = renamed
                    .rsplit_once('.')
                    .map_or(to.clone(), |(_, last)| last.to_string());
                Fix::Rename {
                    title: format!("Rename to '{to}'"),
                    path: rewrite(&path),
                    to,
                }
            }
        }
    }
}

impl Diagnostic {
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the diagnostic's own path to `value`.
    pub fn fix_set(
        mut self,
        title: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.fix = Some(Fix::Set {
            title: title.into(),
            path: self.path.clone(),
            value: value.into(),
        });
        self
    }

    /// Sets another path (a sibling or a parent's member) to `value`.
    pub fn fix_set_at(
        mut self,
        title: impl Into<String>,
        path: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.fix = Some(Fix::Set {
            title: title.into(),
            path: path.into(),
            value: value.into(),
        });
        self
    }

    /// Removes the member at the diagnostic's own path.
    pub fn fix_remove(mut self, title: impl Into<String>) -> Self {
        self.fix = Some(Fix::Remove {
            title: title.into(),
            path: self.path.clone(),
        });
        self
    }

    /// Renames the member at the diagnostic's own path.
    pub fn fix_rename(mut self, to: &str) -> Self {
        self.fix = Some(Fix::Rename {
            title: format!("Rename to '{to}'"),
            path: self.path.clone(),
            to: to.to_string(),
        });
        self
    }
}

/// A documented rule. The examples are task definitions (API shape) that the test suite
/// validates: `invalid` must raise this rule's code, `valid` must not.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    /// A short kebab-case name, e.g. `awsvpc-host-port`.
    pub name: &'static str,
    pub severity: Severity,
    /// What the rule checks, one sentence.
    pub summary: &'static str,
    /// Why it matters, and where ecsim reads AWS's documentation a particular way.
    pub why: &'static str,
    pub invalid: &'static str,
    pub valid: &'static str,
    /// The AWS documentation the rule follows.
    pub source: &'static str,
}

impl Rule {
    pub fn at(&self, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: self.code.to_string(),
            severity: self.severity,
            path: path.into(),
            message: message.into(),
            help: None,
            fix: None,
        }
    }
}

/// Appends `.key` to a JSON path, or `["key"]` when the key is not a plain identifier.
pub fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        let quoted = serde_json::Value::String(key.to_string()).to_string();
        let _ = write!(path, "[{quoted}]");
    }
}

/// Appends `[index]` to a JSON path.
pub fn push_index(path: &mut String, index: usize) {
    let _ = write!(path, "[{index}]");
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = word.to_ascii_lowercase();
    let (distance, best) = candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lowered, &c.to_ascii_lowercase()),
                c,
            )
        })
        .min_by_key(|(d, _)| *d)?;
    let tolerance = (word.chars().count() / 3).max(2);
    (distance <= tolerance).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_quote_keys_that_are_not_identifiers() {
        let mut path = String::from("$");
        push_key(&mut path, "options");
        push_key(&mut path, "awslogs-group");
        push_index(&mut path, 2);
        assert_eq!(path, r#"$.options["awslogs-group"][2]"#);
    }

    #[test]
    fn nearest_finds_typos_and_case_slips_but_not_strangers() {
        let names = ["networkMode", "memory", "cpu"];
        assert_eq!(nearest("netwrkMode", names), Some("networkMode"));
        assert_eq!(nearest("Memory", names), Some("memory"));
        assert_eq!(nearest("placement", names), None);
    }
}
