//! Reading a value that crosses a binding (a Python object, a JS value) into JSON, bounded: a
//! value nested deeper than [`MAX_DEPTH`] (a self-referencing one included) is refused before the
//! reader's recursion can overflow the stack, and NaN and the infinities, which JSON cannot hold
//! and which would otherwise become null, are refused naming the member.

use crate::diagnostics::{push_index, push_key};
use crate::error::EcsimError;
use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// How deep an input may nest: AWS's deepest request shapes are about a dozen levels.
pub const MAX_DEPTH: usize = 100;

/// Options (a struct whose members all have defaults: validation options, a simulation's
/// configuration) from JSON, with an error that names the member at fault
/// (`seed: invalid value: integer -1, expected u64`): each member is read on its own first.
pub fn read_options<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    let Value::Object(members) = &value else {
        return Err(format!("options must be an object, got {value}"));
    };
    for (name, member) in members {
        let mut single = Map::new();
        single.insert(name.clone(), member.clone());
        if let Err(error) = serde_json::from_value::<T>(Value::Object(single)) {
            return Err(format!("{name}: {error} (got {member})"));
        }
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Why an input could not be read.
#[derive(Debug)]
pub enum InputError {
    /// A value JSON holds, refused by ecsim's bounds (InvalidParameterException).
    Refused(EcsimError),
    /// Something that is not a JSON-like value at all (the binding's type error).
    NotJsonLike(String),
}

/// Reads any self-describing input (pythonize's, serde-wasm-bindgen's) into a JSON value.
pub fn read_input<'de, D: Deserializer<'de>>(input: D) -> Result<Value, InputError> {
    let mut path = String::from("$");
    let mut refusal = None;
    let read = Reader {
        path: &mut path,
        depth: 0,
        refusal: &mut refusal,
    }
    .deserialize(input);
    read.map_err(|e: D::Error| match refusal {
        Some(message) => InputError::Refused(EcsimError::invalid_parameter(message)),
        None => InputError::NotJsonLike(e.to_string()),
    })
}

struct Reader<'a> {
    path: &'a mut String,
    depth: usize,
    /// Set when ecsim refuses the input, to tell its refusals from the reader's own errors.
    refusal: &'a mut Option<String>,
}

impl Reader<'_> {
    fn child(&mut self) -> Reader<'_> {
        Reader {
            path: self.path,
            depth: self.depth + 1,
            refusal: self.refusal,
        }
    }

    fn refuse<E: Error>(self, message: String) -> E {
        let error = E::custom(&message);
        *self.refusal = Some(message);
        error
    }
}

impl<'de> DeserializeSeed<'de> for Reader<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            let message = format!(
                "The input nests deeper than {MAX_DEPTH} levels (or refers to itself) at {}.",
                self.path
            );
            return Err(self.refuse(message));
        }
        input.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Reader<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON-like value")
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E: Error>(self, v: i128) -> Result<Value, E> {
        match i64::try_from(v)
            .map(Value::from)
            .or_else(|_| u64::try_from(v).map(Value::from))
        {
            Ok(value) => Ok(value),
            Err(_) => {
                let message = format!("{v} at {} is beyond the integers AWS accepts.", self.path);
                Err(self.refuse(message))
            }
        }
    }

    fn visit_u128<E: Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => Ok(Value::from(v)),
            Err(_) => {
                let message = format!("{v} at {} is beyond the integers AWS accepts.", self.path);
                Err(self.refuse(message))
            }
        }
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Value, E> {
        match Number::from_f64(v) {
            Some(number) => Ok(Value::Number(number)),
            None => {
                let message = format!(
                    "{v} at {} is not a number AWS accepts: give a finite number.",
                    self.path
                );
                Err(self.refuse(message))
            }
        }
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, input: D) -> Result<Value, D::Error> {
        self.deserialize(input)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut items: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let length = self.path.len();
            push_index(self.path, out.len());
            let item = items.next_element_seed(self.child())?;
            self.path.truncate(length);
            match item {
                Some(item) => out.push(item),
                None => return Ok(Value::Array(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut members: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = members.next_key::<String>()? {
            let length = self.path.len();
            push_key(self.path, &key);
            let value = members.next_value_seed(self.child())?;
            self.path.truncate(length);
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_json_and_refuses_what_json_cannot_hold() {
        let value = json!({"a": [1, -2, 2.5, "x", null, true, {"b": {}}]});
        assert_eq!(read_input(value.clone()).unwrap(), value);
        let mut deep = json!(1);
        for _ in 0..(MAX_DEPTH + 1) {
            deep = json!([deep]);
        }
        let Err(InputError::Refused(error)) = read_input(deep) else {
            panic!("a deep input is refused");
        };
        assert!(
            error.message.contains("deeper than 100"),
            "{}",
            error.message
        );
    }
}
