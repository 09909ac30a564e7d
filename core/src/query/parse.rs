//! A recursive-descent parser with errors that point at the character and say what was expected.

use super::{Argument, Comparison, Expr, Operator, QueryError, Subject, MAX_EXPRESSION_CHARS};
use regex_lite::RegexBuilder;

/// Parses a cluster query language expression.
pub fn parse(expression: &str) -> Result<Expr, QueryError> {
    let chars: Vec<char> = expression.chars().collect();
    if chars.len() > MAX_EXPRESSION_CHARS {
        return Err(QueryError {
            position: MAX_EXPRESSION_CHARS,
            message: format!(
                "Expressions are at most {MAX_EXPRESSION_CHARS} characters; this one has {}",
                chars.len()
            ),
        });
    }
    let mut parser = Parser { chars, at: 0 };
    let expr = parser.or()?;
    parser.skip_space();
    if parser.at < parser.chars.len() {
        return Err(parser.error("Expected 'and', 'or' or the end of the expression"));
    }
    Ok(expr)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

/// Characters that end a bare word (a value, a subject, an operator word).
fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || c == '[' || c == ']' || c == ','
}

impl Parser {
    fn error(&self, message: impl Into<String>) -> QueryError {
        let found = match self.chars.get(self.at) {
            Some(c) => format!(", found '{c}'"),
            None => ", found the end of the expression".to_string(),
        };
        QueryError {
            position: self.at,
            message: format!("{}{found}", message.into()),
        }
    }

    fn skip_space(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn rest_starts_with(&self, text: &str) -> bool {
        (self.at..)
            .zip(text.chars())
            .all(|(index, expected)| self.chars.get(index) == Some(&expected))
    }

    /// Consumes `keyword` if it is next; word keywords must end at a word boundary.
    fn eat(&mut self, keyword: &str) -> bool {
        self.skip_space();
        if !self.rest_starts_with(keyword) {
            return false;
        }
        let end = self.at + keyword.chars().count();
        let is_word = keyword.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
        if is_word && self.chars.get(end).is_some_and(|&c| !ends_word(c)) {
            return false;
        }
        self.at = end;
        true
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut terms = vec![self.and()?];
        while self.eat("||") || self.eat("or") {
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Expr::Or(terms)
        })
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut terms = vec![self.unary()?];
        while self.eat("&&") || self.eat("and") {
            terms.push(self.unary()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Expr::And(terms)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        self.skip_space();
        if self.eat("not")
            || (self.rest_starts_with("!") && !self.rest_starts_with("!=") && self.eat("!"))
        {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let inner = self.or()?;
            if !self.eat(")") {
                return Err(self.error("Expected ')'"));
            }
            return Ok(inner);
        }
        self.comparison().map(Expr::Compare)
    }

    fn word(&mut self) -> String {
        self.skip_space();
        let start = self.at;
        while self.chars.get(self.at).is_some_and(|&c| !ends_word(c)) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn comparison(&mut self) -> Result<Comparison, QueryError> {
        self.skip_space();
        let subject_at = self.at;
        let subject = self.subject()?;
        self.skip_space();
        let operator_at = self.at;
        let Some(operator) = Operator::SPELLINGS
            .iter()
            .find(|(spelling, _)| self.eat(spelling))
            .map(|(_, op)| *op)
        else {
            self.at = operator_at;
            return Err(self.error(
                "Expected an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~ or their word forms)",
            ));
        };
        if subject == Subject::RegisteredAt
            && matches!(operator, Operator::Matches | Operator::NotMatches)
        {
            self.at = subject_at;
            return Err(
                self.error("registeredAt is a date: compare it with ==, !=, <, <=, > or >=")
            );
        }
        let argument = match operator {
            Operator::Exists | Operator::NotExists => Argument::None,
            Operator::In | Operator::NotIn => Argument::List(self.list()?),
            Operator::Matches | Operator::NotMatches => self.pattern()?,
            _ => Argument::Value(self.value()?),
        };
        Ok(Comparison {
            subject,
            operator,
            argument,
        })
    }

    fn subject(&mut self) -> Result<Subject, QueryError> {
        let start = self.at;
        let word = self.word();
        let subject = match word.as_str() {
            "agentConnected" => Subject::AgentConnected,
            "agentVersion" => Subject::AgentVersion,
            "ec2InstanceId" => Subject::Ec2InstanceId,
            "registeredAt" => Subject::RegisteredAt,
            "runningTasksCount" => Subject::RunningTasksCount,
            "task:group" => Subject::TaskGroup,
            _ => match word.strip_prefix("attribute:") {
                Some(name) if valid_attribute_name(name) => Subject::Attribute(name.to_string()),
                Some(_) => {
                    self.at = start + "attribute:".len();
                    return Err(self.error("Expected an attribute name of 1 to 128 letters, digits, '-', '_', '/' or '.'"));
                }
                None => {
                    self.at = start;
                    return Err(self.error(
                        "Expected a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group), '(' or 'not'",
                    ));
                }
            },
        };
        Ok(subject)
    }

    /// A bare word or a quoted string.
    fn value(&mut self) -> Result<String, QueryError> {
        self.skip_space();
        if let Some(&quote) = self.chars.get(self.at).filter(|&&c| c == '\'' || c == '"') {
            let start = self.at;
            self.at += 1;
            let from = self.at;
            while self.chars.get(self.at).is_some_and(|&c| c != quote) {
                self.at += 1;
            }
            if self.at >= self.chars.len() {
                self.at = start;
                return Err(self.error(format!(
                    "Expected a closing {quote} for the string that starts here"
                )));
            }
            let text = self.chars[from..self.at].iter().collect();
            self.at += 1;
            return Ok(text);
        }
        let word = self.word();
        if word.is_empty() {
            return Err(self.error("Expected a value"));
        }
        Ok(word)
    }

    fn list(&mut self) -> Result<Vec<String>, QueryError> {
        if !self.eat("[") {
            return Err(self.error("Expected a list such as [a, b]"));
        }
        let mut items = vec![self.value()?];
        while self.eat(",") {
            items.push(self.value()?);
        }
        if !self.eat("]") {
            return Err(self.error("Expected ',' or ']'"));
        }
        Ok(items)
    }

    fn pattern(&mut self) -> Result<Argument, QueryError> {
        self.skip_space();
        let start = self.at;
        let text = self.value()?;
        RegexBuilder::new(&format!("^(?:{text})$"))
            .size_limit(1 << 20)
            .build()
            .map(Argument::Pattern)
            .map_err(|e| {
                let detail = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                QueryError {
                    position: start,
                    message: format!("Invalid regular expression '{text}': {detail}"),
                }
            })
    }
}

/// Custom attribute names: 1 to 128 of `[A-Za-z0-9-_/.]` (and the built-in `ecs.*` names).
pub fn valid_attribute_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
}
