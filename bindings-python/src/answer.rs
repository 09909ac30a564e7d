//! Answers into Python objects (dicts, lists, tuples, strings, numbers, None), read from the
//! core's token tape (`ecsim_core::sim::tape`), with the strings an answer repeats made once. A
//! struct's member names (and enum variants) are `&'static str` in the tape, so they are found by
//! their address instead of being decoded and hashed for every dict; a member whose text is the
//! same as the last time that member was written (a task's `clusterArn`, `lastStatus`,
//! `launchType`, …) gets the same Python string again. Measured on RunTask ×10 (ten task
//! documents): see docs/benchmarks.md.

use ecsim_core::sim::tape::{Tape, Token};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyNone, PyString, PyTuple};
use rustc_hash::FxHashMap;

/// Longer texts are not kept as a member's last value (a policy document, a log): comparing
/// them would cost about what making them does.
const LONGEST_KEPT_VALUE: usize = 256;

/// The Python strings kept between answers.
#[derive(Default)]
pub struct Strings {
    slots: Vec<Slot>,
    /// By the address and length of the static name (the program's names: a bounded set).
    by_name: FxHashMap<(usize, usize), usize>,
}

struct Slot {
    name: Py<PyString>,
    /// The text of the last value written under this name, and its Python string.
    last: Option<(String, Py<PyString>)>,
}

impl Strings {
    fn slot(&mut self, py: Python<'_>, name: &'static str) -> usize {
        let address = (name.as_ptr() as usize, name.len());
        if let Some(&at) = self.by_name.get(&address) {
            return at;
        }
        self.slots.push(Slot {
            name: PyString::intern(py, name).unbind(),
            last: None,
        });
        self.by_name.insert(address, self.slots.len() - 1);
        self.slots.len() - 1
    }

    fn member_text<'py>(
        &mut self,
        py: Python<'py>,
        member: usize,
        text: &str,
    ) -> Bound<'py, PyString> {
        let slot = &mut self.slots[member];
        if let Some((kept, string)) = &mut slot.last {
            if kept == text {
                return string.bind(py).clone();
            }
        }
        let string = PyString::new(py, text);
        if text.len() <= LONGEST_KEPT_VALUE {
            match &mut slot.last {
                Some((kept, kept_string)) => {
                    kept.clear();
                    kept.push_str(text);
                    *kept_string = string.clone().unbind();
                }
                None => slot.last = Some((text.to_string(), string.clone().unbind())),
            }
        }
        string
    }
}

/// What `tape` holds, as Python objects.
pub fn to_python<'py>(
    py: Python<'py>,
    strings: &mut Strings,
    tape: &Tape,
) -> PyResult<Bound<'py, PyAny>> {
    Reader {
        py,
        strings,
        tape,
        at: 0,
    }
    .value(None)
}

struct Reader<'a, 'py> {
    py: Python<'py>,
    strings: &'a mut Strings,
    tape: &'a Tape,
    at: usize,
}

/// A tape the core wrote wrongly: an ecsim defect.
fn malformed(at: usize) -> PyErr {
    PyValueError::new_err(format!(
        "ecsim: the answer's tape is malformed at token {at}"
    ))
}

impl<'a, 'py> Reader<'a, 'py> {
    fn next(&mut self) -> PyResult<&'a Token> {
        let tape = self.tape;
        let token = tape.tokens.get(self.at).ok_or_else(|| malformed(self.at))?;
        self.at += 1;
        Ok(token)
    }

    /// Whether the container being read ends here (and steps over its `End`).
    fn ends(&mut self) -> PyResult<bool> {
        match self.tape.tokens.get(self.at) {
            Some(Token::End) => {
                self.at += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err(malformed(self.at)),
        }
    }

    fn name(&mut self, name: &'static str) -> Bound<'py, PyString> {
        let at = self.strings.slot(self.py, name);
        self.strings.slots[at].name.bind(self.py).clone()
    }

    /// The next value; `member`: the name it is written under, when it is a struct's member.
    fn value(&mut self, member: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let tape = self.tape;
        Ok(match self.next()? {
            Token::Null => PyNone::get(py).to_owned().into_any(),
            Token::Bool(v) => PyBool::new(py, *v).to_owned().into_any(),
            Token::Int(v) => PyInt::new(py, *v).into_any(),
            Token::UInt(v) => PyInt::new(py, *v).into_any(),
            Token::WideInt(v) => PyInt::new(py, *v).into_any(),
            Token::Float(v) => PyFloat::new(py, *v).into_any(),
            Token::Text(range) => {
                let text = tape.text_of(range);
                match member {
                    Some(member) => self.strings.member_text(py, member, text),
                    None => PyString::new(py, text),
                }
                .into_any()
            }
            Token::Bytes(range) => PyBytes::new(py, tape.bytes_of(range)).into_any(),
            Token::Variant(name) => self.name(name).into_any(),
            Token::Tagged(name) => {
                let key = self.name(name);
                let dict = PyDict::new(py);
                dict.set_item(key, self.value(None)?)?;
                dict.into_any()
            }
            Token::List => PyList::new(py, self.items()?)?.into_any(),
            Token::Tuple => PyTuple::new(py, self.items()?)?.into_any(),
            Token::Dict => self.dict()?.into_any(),
            Token::Name(_) | Token::End => return Err(malformed(self.at - 1)),
        })
    }

    fn items(&mut self) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let mut items = Vec::new();
        while !self.ends()? {
            items.push(self.value(None)?);
        }
        Ok(items)
    }

    fn dict(&mut self) -> PyResult<Bound<'py, PyDict>> {
        let py = self.py;
        let dict = PyDict::new(py);
        while !self.ends()? {
            if let Some(Token::Name(name)) = self.tape.tokens.get(self.at) {
                self.at += 1;
                let slot = self.strings.slot(py, name);
                let value = self.value(Some(slot))?;
                dict.set_item(self.strings.slots[slot].name.bind(py), value)?;
            } else {
                let key = self.value(None)?;
                let value = self.value(None)?;
                dict.set_item(key, value)?;
            }
        }
        Ok(dict)
    }
}
