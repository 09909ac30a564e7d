//! Python values into the core's JSON values. Requests are nearly always plain dicts, lists,
//! texts and numbers: those are read here directly; anything else (a mapping that is not a
//! dict, a tuple, an int past 64 bits, NaN, a nesting past the core's bound) goes through the
//! core's bounded reader (`ecsim_core::api::input`) over pythonize, which also words the
//! refusals. A direct read is about a quarter of the general one's cost (docs/benchmarks.md).

use crate::to_py_err;
use ecsim_core::api::input::{read_input, InputError, MAX_DEPTH};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use serde_json::{Map, Number, Value};

/// A Python value as JSON, bounded: too deep, self-referencing, NaN, infinite or huge integers
/// raise InvalidParameterException naming where; what is not JSON-like at all raises TypeError.
pub fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Some(json) = plain(value, 0) {
        return Ok(json);
    }
    read_input(&mut pythonize::Depythonizer::from_object(value)).map_err(|e| match e {
        InputError::Refused(error) => to_py_err(value.py(), error),
        InputError::NotJsonLike(why) => {
            pyo3::exceptions::PyTypeError::new_err(format!("not a JSON-like value: {why}"))
        }
    })
}

/// `value` read directly, or None when the general reader must read it.
fn plain(value: &Bound<'_, PyAny>, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Ok(text) = value.cast_exact::<PyString>() {
        return Some(Value::String(text.to_cow().ok()?.into_owned()));
    }
    if let Ok(dict) = value.cast_exact::<PyDict>() {
        let mut members = Map::new();
        for (key, member) in dict.iter() {
            let key = key.cast_exact::<PyString>().ok()?.to_cow().ok()?;
            members.insert(key.into_owned(), plain(&member, depth + 1)?);
        }
        return Some(Value::Object(members));
    }
    if let Ok(list) = value.cast_exact::<PyList>() {
        let items = list.iter().map(|item| plain(&item, depth + 1));
        return items.collect::<Option<Vec<_>>>().map(Value::Array);
    }
    if value.is_none() {
        return Some(Value::Null);
    }
    if let Ok(truth) = value.cast_exact::<PyBool>() {
        return Some(Value::Bool(truth.is_true()));
    }
    if value.is_exact_instance_of::<PyInt>() {
        return match value.extract::<i64>() {
            Ok(number) => Some(Value::from(number)),
            Err(_) => value.extract::<u64>().ok().map(Value::from),
        };
    }
    if let Ok(number) = value.cast_exact::<PyFloat>() {
        return Number::from_f64(number.value()).map(Value::Number);
    }
    None
}
