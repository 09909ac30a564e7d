//! Metric math: the expressions of GetMetricData queries, of metric math alarms and of target
//! tracking policies' customized metrics (`m1 / m2 * 100`, `SUM([m1, m2])`). Arithmetic
//! (`+ - * /`, unary minus, parentheses) on numbers and time series; a series with a number
//! applies to each point, two series pair the points of the same timestamp (a timestamp only
//! one of them has is dropped, as is a division by zero); `SUM`, `AVG`, `MIN`, `MAX` of one
//! series give a number, of an array of series a series (each timestamp over the series that
//! have it); `ABS`; `FILL(series, value)` gives every period of the query a value.

/// A time series: (period start, value), in time order.
pub type Points = Vec<(f64, f64)>;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    Id(String),
    Unary(Box<Expr>),
    Binary(char, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
    Array(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Series(Points),
    Array(Vec<Points>),
}

const FUNCTIONS: [&str; 6] = ["SUM", "AVG", "MIN", "MAX", "ABS", "FILL"];

/// How deep parentheses, brackets and calls may nest: the parser and the evaluation recurse
/// once per level, and a stack (WASM's is 1 MiB) must not run out on hostile input.
const MAX_NESTING: usize = 32;

/// Reads an expression; the error says what is wrong and where.
pub fn parse(text: &str) -> Result<Expr, String> {
    let tokens = tokens(text)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    let expr = parser.sum()?;
    match parser.tokens.get(parser.at) {
        None => Ok(expr),
        Some(token) => Err(format!("unexpected '{token}' in '{text}'")),
    }
}

fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if "+-*/()[],".contains(c) {
            tokens.push(c.to_string());
            continue;
        }
        if !(c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            return Err(format!(
                "'{c}' at position {start} of '{text}' is not metric math"
            ));
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if next.is_ascii_alphanumeric() || next == '_' || next == '.' {
                end = i + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        tokens.push(text[start..end].to_string());
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Result<String, String> {
        let token = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or("the expression ends too early")?;
        self.at += 1;
        Ok(token)
    }

    fn expect(&mut self, wanted: &str) -> Result<(), String> {
        match self.next()? {
            token if token == wanted => Ok(()),
            token => Err(format!("expected '{wanted}', found '{token}'")),
        }
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        while let Some(op @ ("+" | "-")) = self.peek() {
            let op = op.chars().next().unwrap_or('+');
            self.at += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while let Some(op @ ("*" | "/")) = self.peek() {
            let op = op.chars().next().unwrap_or('*');
            self.at += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(format!(
                "the expression nests deeper than {MAX_NESTING} levels"
            ));
        }
        let expr = if self.peek() == Some("-") {
            self.at += 1;
            self.unary().map(|inner| Expr::Unary(Box::new(inner)))
        } else {
            self.atom()
        };
        self.depth -= 1;
        expr
    }

    fn atom(&mut self) -> Result<Expr, String> {
        let token = self.next()?;
        match token.as_str() {
            "(" => {
                let inner = self.sum()?;
                self.expect(")")?;
                Ok(inner)
            }
            "[" => Ok(Expr::Array(self.list("]")?)),
            _ if token.starts_with(|c: char| c.is_ascii_digit() || c == '.') => token
                .parse()
                .map(Expr::Number)
                .map_err(|_| format!("'{token}' is not a number")),
            _ if self.peek() == Some("(") => {
                if !FUNCTIONS.contains(&token.as_str()) {
                    return Err(format!(
                        "{token} is not a function ecsim simulates ({})",
                        FUNCTIONS.join(", ")
                    ));
                }
                self.at += 1;
                Ok(Expr::Call(token, self.list(")")?))
            }
            _ if token.starts_with(|c: char| c.is_ascii_lowercase()) => Ok(Expr::Id(token)),
            _ => Err(format!("unexpected '{token}'")),
        }
    }

    fn list(&mut self, close: &str) -> Result<Vec<Expr>, String> {
        let mut items = Vec::new();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(items);
        }
        loop {
            items.push(self.sum()?);
            match self.next()? {
                token if token == close => return Ok(items),
                token if token == "," => continue,
                token => return Err(format!("expected ',' or '{close}', found '{token}'")),
            }
        }
    }
}

/// The ids an expression reads.
pub fn ids(expr: &Expr, into: &mut Vec<String>) {
    match expr {
        Expr::Number(_) => {}
        Expr::Id(id) => into.push(id.clone()),
        Expr::Unary(inner) => ids(inner, into),
        Expr::Binary(_, left, right) => {
            ids(left, into);
            ids(right, into);
        }
        Expr::Call(_, items) | Expr::Array(items) => items.iter().for_each(|e| ids(e, into)),
    }
}

/// Evaluates `expr`, the ids answered by `lookup`, over the period starts `grid` (FILL's).
pub fn evaluate(
    expr: &Expr,
    lookup: &dyn Fn(&str) -> Option<Points>,
    grid: &[f64],
) -> Result<Value, String> {
    Ok(match expr {
        Expr::Number(n) => Value::Number(*n),
        Expr::Id(id) => {
            Value::Series(lookup(id).ok_or_else(|| format!("no query has the id {id}"))?)
        }
        Expr::Unary(inner) => map(evaluate(inner, lookup, grid)?, |v| Some(-v))?,
        Expr::Binary(op, left, right) => binary(
            *op,
            evaluate(left, lookup, grid)?,
            evaluate(right, lookup, grid)?,
        )?,
        Expr::Array(items) => {
            let mut all = Vec::new();
            for item in items {
                match evaluate(item, lookup, grid)? {
                    Value::Series(points) => all.push(points),
                    Value::Array(more) => all.extend(more),
                    Value::Number(_) => {
                        return Err("an array holds time series, not numbers".into())
                    }
                }
            }
            Value::Array(all)
        }
        Expr::Call(name, args) => {
            let values = args
                .iter()
                .map(|a| evaluate(a, lookup, grid))
                .collect::<Result<Vec<_>, _>>()?;
            call(name, values, grid)?
        }
    })
}

fn map(value: Value, f: impl Fn(f64) -> Option<f64>) -> Result<Value, String> {
    Ok(match value {
        Value::Number(n) => Value::Number(f(n).unwrap_or(f64::NAN)),
        Value::Series(points) => Value::Series(
            points
                .into_iter()
                .filter_map(|(t, v)| f(v).map(|v| (t, v)))
                .collect(),
        ),
        Value::Array(_) => {
            return Err("arithmetic on an array: aggregate it first (SUM, AVG, MIN, MAX)".into())
        }
    })
}

fn apply(op: char, a: f64, b: f64) -> Option<f64> {
    match op {
        '+' => Some(a + b),
        '-' => Some(a - b),
        '*' => Some(a * b),
        _ => (b != 0.0).then(|| a / b),
    }
}

fn binary(op: char, left: Value, right: Value) -> Result<Value, String> {
    match (left, right) {
        (Value::Number(a), Value::Number(b)) => {
            Ok(Value::Number(apply(op, a, b).unwrap_or(f64::NAN)))
        }
        (Value::Series(points), Value::Number(b)) => {
            map(Value::Series(points), |a| apply(op, a, b))
        }
        (Value::Number(a), Value::Series(points)) => {
            map(Value::Series(points), |b| apply(op, a, b))
        }
        (Value::Series(a), Value::Series(b)) => {
            let mut out = Vec::new();
            let mut right = b.iter().peekable();
            for (t, x) in a {
                while right.next_if(|(u, _)| *u < t).is_some() {}
                if let Some(&&(_, y)) = right.peek().filter(|(u, _)| *u == t) {
                    out.extend(apply(op, x, y).map(|v| (t, v)));
                }
            }
            Ok(Value::Series(out))
        }
        _ => Err("arithmetic on an array: aggregate it first (SUM, AVG, MIN, MAX)".into()),
    }
}

fn call(name: &str, mut values: Vec<Value>, grid: &[f64]) -> Result<Value, String> {
    let one = |values: &mut Vec<Value>| match values.len() {
        1 => Ok(values.remove(0)),
        n => Err(format!("{name} takes one argument, got {n}")),
    };
    match name {
        "ABS" => map(one(&mut values)?, |v| Some(v.abs())),
        "FILL" => {
            let [Value::Series(points), Value::Number(fill)] = values.as_slice() else {
                return Err("FILL takes a time series and a number".into());
            };
            // Both in time order: one walk.
            let mut given = points.iter().peekable();
            Ok(Value::Series(
                grid.iter()
                    .map(|&t| {
                        while given.next_if(|(u, _)| *u < t).is_some() {}
                        let found = given.next_if(|(u, _)| *u == t);
                        (t, found.map_or(*fill, |(_, v)| *v))
                    })
                    .collect(),
            ))
        }
        _ => {
            let aggregate = |vs: &[f64]| -> f64 {
                match name {
                    "SUM" => vs.iter().sum(),
                    "AVG" => vs.iter().sum::<f64>() / vs.len() as f64,
                    "MIN" => vs.iter().copied().fold(f64::INFINITY, f64::min),
                    _ => vs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                }
            };
            match one(&mut values)? {
                Value::Number(n) => Ok(Value::Number(n)),
                Value::Series(points) if points.is_empty() => Ok(Value::Number(f64::NAN)),
                Value::Series(points) => {
                    let vs: Vec<f64> = points.iter().map(|p| p.1).collect();
                    Ok(Value::Number(aggregate(&vs)))
                }
                Value::Array(all) => {
                    // Every point of every series, by time (stable: series order within a time).
                    let mut points: Points = all.into_iter().flatten().collect();
                    points.sort_by(|a, b| a.0.total_cmp(&b.0));
                    Ok(Value::Series(
                        points
                            .chunk_by(|a, b| a.0 == b.0)
                            .map(|same| {
                                let vs: Vec<f64> = same.iter().map(|p| p.1).collect();
                                (same[0].0, aggregate(&vs))
                            })
                            .collect(),
                    ))
                }
            }
        }
    }
}

/// A value as the series a query answers: a number is given at every period of the grid.
pub fn as_points(value: Value, grid: &[f64]) -> Result<Points, String> {
    match value {
        Value::Series(points) => Ok(points),
        Value::Number(n) if n.is_nan() => Ok(Vec::new()),
        Value::Number(n) => Ok(grid.iter().map(|&t| (t, n)).collect()),
        Value::Array(_) => {
            Err("the expression gives an array: aggregate it (SUM, AVG, MIN, MAX)".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Points {
        let m1: Points = vec![(0.0, 10.0), (60.0, 20.0), (120.0, 30.0)];
        let m2: Points = vec![(0.0, 2.0), (60.0, 0.0), (180.0, 5.0)];
        let lookup = move |id: &str| match id {
            "m1" => Some(m1.clone()),
            "m2" => Some(m2.clone()),
            _ => None,
        };
        let grid = [0.0, 60.0, 120.0, 180.0];
        let expr = parse(text).unwrap_or(Expr::Number(f64::NAN));
        as_points(
            evaluate(&expr, &lookup, &grid).unwrap_or(Value::Number(f64::NAN)),
            &grid,
        )
        .unwrap_or_default()
    }

    #[test]
    fn arithmetic_pairs_timestamps_and_drops_division_by_zero() {
        assert_eq!(run("m1 / m2"), vec![(0.0, 5.0)]);
        assert_eq!(
            run("(m1 + 2) * 10"),
            vec![(0.0, 120.0), (60.0, 220.0), (120.0, 320.0)]
        );
        assert_eq!(
            run("-m1 + 100"),
            vec![(0.0, 90.0), (60.0, 80.0), (120.0, 70.0)]
        );
    }

    #[test]
    fn aggregates_and_fill() {
        assert_eq!(
            run("SUM([m1, m2])"),
            vec![(0.0, 12.0), (60.0, 20.0), (120.0, 30.0), (180.0, 5.0)]
        );
        assert_eq!(
            run("AVG(m1)"),
            vec![(0.0, 20.0), (60.0, 20.0), (120.0, 20.0), (180.0, 20.0)]
        );
        assert_eq!(
            run("FILL(m2, 1)"),
            vec![(0.0, 2.0), (60.0, 0.0), (120.0, 1.0), (180.0, 5.0)]
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}m1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep)
            .err()
            .unwrap_or_default()
            .contains("nests deeper than 32"));
        let negations = format!("{}m1", "-".repeat(10_000));
        assert!(parse(&negations).is_err());
        assert_eq!(
            run(&format!("{}m1{}", "(".repeat(20), ")".repeat(20))).len(),
            3
        );
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert_eq!(
            parse("m1 +").err().as_deref(),
            Some("the expression ends too early")
        );
        assert!(parse("RATE(m1)")
            .err()
            .unwrap_or_default()
            .contains("RATE is not a function"));
        assert!(parse("m1 % 2").err().unwrap_or_default().contains("'%'"));
    }
}
