//! Line and column of given JSON paths in JSON text, found in one pass without building a tree.
//! Templates in JSON are read with serde_json (several times faster than the YAML reader);
//! only the paths that carry findings, and their ancestors, are looked up afterwards.

use super::source::Position;
use crate::diagnostics::{push_index, push_key};
use std::collections::{HashMap, HashSet};

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
    line: u32,
    line_start: usize,
    path: String,
    wanted: &'a HashSet<String>,
    found: HashMap<String, Position>,
    /// Where the last column was counted, and how many characters of its line precede it.
    counted_at: usize,
    counted_chars: usize,
}

/// The positions of `wanted` paths (`$.Resources.TD.Properties.Cpu`) in `text`, which must be valid JSON.
pub fn json_positions(text: &str, wanted: &HashSet<String>) -> HashMap<String, Position> {
    let mut scanner = Scanner {
        text: text.as_bytes(),
        at: 0,
        line: 1,
        line_start: 0,
        path: String::from("$"),
        wanted,
        found: HashMap::new(),
        counted_at: 0,
        counted_chars: 0,
    };
    scanner.value();
    scanner.found
}

impl Scanner<'_> {
    fn peek(&self) -> u8 {
        self.text.get(self.at).copied().unwrap_or(0)
    }

    fn skip_space(&mut self) {
        while let Some(&byte) = self.text.get(self.at) {
            match byte {
                b'\n' => {
                    self.line += 1;
                    self.line_start = self.at + 1;
                }
                b' ' | b'\t' | b'\r' | b',' | b':' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn record(&mut self) {
        if self.wanted.contains(&self.path) {
            // Characters are counted on from the last position recorded on this line, so that a
            // minified template (one line, thousands of findings) is read in linear time.
            if self.counted_at < self.line_start {
                self.counted_at = self.line_start;
                self.counted_chars = 0;
            }
            self.counted_chars += self.text[self.counted_at..self.at]
                .iter()
                .filter(|&&b| (b & 0xC0) != 0x80)
                .count();
            self.counted_at = self.at;
            let column = self.counted_chars + 1;
            let column = u32::try_from(column).unwrap_or(u32::MAX);
            self.found
                .entry(self.path.clone())
                .or_insert((self.line, column));
        }
    }

    /// Skips a string and returns its text, decoding escapes only when there are any.
    fn string(&mut self) -> std::borrow::Cow<'_, str> {
        let start = self.at;
        self.at += 1;
        let mut escaped = false;
        let mut any_escape = false;
        while let Some(&byte) = self.text.get(self.at) {
            self.at += 1;
            match byte {
                b'\\' if !escaped => {
                    escaped = true;
                    any_escape = true;
                }
                b'"' if !escaped => break,
                _ => escaped = false,
            }
        }
        let raw = &self.text[start..self.at];
        if any_escape {
            std::borrow::Cow::Owned(serde_json::from_slice(raw).unwrap_or_default())
        } else {
            String::from_utf8_lossy(raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default())
        }
    }

    /// Whether anything at or below the current path is wanted (the wanted set holds every
    /// ancestor of what it wants, so a path outside it has nothing wanted below it).
    fn wanted_here(&self) -> bool {
        self.wanted.contains(&self.path)
    }

    /// Skips a value without tracking paths, counting lines on the way.
    fn skip_value(&mut self) {
        self.skip_space();
        match self.peek() {
            b'"' => {
                self.string();
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(&byte) = self.text.get(self.at) {
                    match byte {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return;
                            }
                        }
                        b'\n' => {
                            self.line += 1;
                            self.line_start = self.at + 1;
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | 0
                ) {
                    self.at += 1;
                }
            }
        }
    }

    fn value(&mut self) {
        self.skip_space();
        match self.peek() {
            b'{' => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.peek() {
                        b'}' | 0 => break,
                        _ => {}
                    }
                    let len = self.path.len();
                    let key_at = self.at;
                    let key = self.string().into_owned();
                    push_key(&mut self.path, &key);
                    let after_key = self.at;
                    if self.wanted_here() {
                        self.at = key_at;
                        self.record();
                        self.at = after_key;
                        self.value();
                    } else {
                        self.skip_value();
                    }
                    self.path.truncate(len);
                }
                self.at += 1;
            }
            b'[' => {
                self.at += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.peek() {
                        b']' | 0 => break,
                        _ => {}
                    }
                    let len = self.path.len();
                    push_index(&mut self.path, index);
                    if self.wanted_here() {
                        self.record();
                        self.value();
                    } else {
                        self.skip_value();
                    }
                    self.path.truncate(len);
                    index += 1;
                }
                self.at += 1;
            }
            b'"' => {
                self.string();
            }
            _ => {
                while !matches!(
                    self.peek(),
                    b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t' | 0
                ) {
                    self.at += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_elements_with_character_columns() {
        let text = "{\n  \"a\": {\"é\": 1, \"b\\\"c\": [10, {\"d\": true}]},\n  \"x\": \"y\"\n}";
        let wanted: HashSet<String> = [
            "$",
            "$.a",
            r#"$.a["b\"c"]"#,
            r#"$.a["b\"c"][1].d"#,
            r#"$.a["b\"c"][1]"#,
            "$.x",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let found = json_positions(text, &wanted);
        assert_eq!(found["$.a"], (2, 3));
        assert_eq!(found[r#"$.a["b\"c"][1]"#], (2, 30));
        assert_eq!(found[r#"$.a["b\"c"][1].d"#], (2, 31));
        assert_eq!(found["$.x"], (3, 3));
    }
}
