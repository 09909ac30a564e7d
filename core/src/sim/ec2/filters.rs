//! The Describe actions' filters as EC2 and EC2 Auto Scaling read them: a resource is listed
//! when, for every filter, one of its values under the filter's name matches one of the
//! filter's values, where `*` matches any run of characters and `?` any one.

use crate::error::EcsimError;

pub(crate) struct Filters(Vec<(String, Vec<String>)>);

impl Filters {
    /// The filters of a request, each name checked against those the action knows (`tag:<key>`
    /// is known wherever `tag:` is listed).
    pub fn read(
        given: impl IntoIterator<Item = (Option<String>, Option<Vec<String>>)>,
        known: &[&str],
        invalid: impl Fn(String) -> EcsimError,
    ) -> Result<Filters, EcsimError> {
        let mut filters = Vec::new();
        for (name, values) in given {
            let name = name.unwrap_or_default();
            let is_known = known
                .iter()
                .any(|k| *k == name || (*k == "tag:" && name.starts_with("tag:")));
            if !is_known {
                return Err(invalid(format!(
                    "The filter '{name}' is invalid; this action filters on {}.",
                    known.join(", ")
                )));
            }
            filters.push((name, values.unwrap_or_default()));
        }
        Ok(Filters(filters))
    }

    /// Whether the resource passes every filter; `values_of` gives its values under a name.
    pub fn pass(&self, values_of: impl Fn(&str) -> Vec<String>) -> bool {
        self.0.iter().all(|(name, wanted)| {
            let values = values_of(name);
            values
                .iter()
                .any(|value| wanted.iter().any(|pattern| wildcard(pattern, value)))
        })
    }
}

fn wildcard(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // matched[j]: pattern[..i] matches text[..j], row by row.
    let mut matched = vec![false; text.len() + 1];
    matched[0] = true;
    for p in &pattern {
        let mut next = vec![false; text.len() + 1];
        next[0] = matched[0] && *p == '*';
        for j in 1..=text.len() {
            next[j] = match p {
                '*' => next[j - 1] || matched[j],
                '?' => matched[j - 1],
                c => matched[j - 1] && *c == text[j - 1],
            };
        }
        matched = next;
    }
    matched[text.len()]
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards_match_as_ec2_documents() {
        assert!(wildcard("m5.*", "m5.large"));
        assert!(wildcard("*.large", "m5.large"));
        assert!(wildcard("m?.large", "m5.large"));
        assert!(!wildcard("m?.large", "m5a.large"));
        assert!(wildcard("running", "running"));
        assert!(!wildcard("run", "running"));
        assert!(wildcard("*", ""));
    }
}
