//! Answers into Python objects (dicts, lists, tuples, strings, numbers, None), read from the
//! core's token tape (`ecsim_core::sim::tape`), with the strings an answer repeats made once. A
//! struct's member names (and enum variants) are `&'static str` in the tape, so they are found by
//! their address instead of being decoded and hashed for every dict; a member whose text is the
//! same as the last time that member was written (a task's `clusterArn`, `lastStatus`,
//! `launchType`, …) gets the same Python string again. A struct's dict is copied from an empty
//! one of the same members, made the first time that shape was read. Measured on RunTask ×10
//! (ten task documents): see docs/benchmarks.md.

use ecsim_core::sim::tape::{Tape, Token};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyNone, PyString, PyTuple};
use rustc_hash::FxHashMap;

/// Longer texts are not kept as a member's last value (a policy document, a log): comparing
/// them would cost about what making them does.
const LONGEST_KEPT_VALUE: usize = 256;

/// Entries of the direct-mapped front of `Strings::by_name` (a power of two).
const RECENT_NAMES: usize = 1024;

/// Shapes of struct kept at most (a program's structs and the members they leave out make a
/// bounded set; this bounds it whatever the answers).
const MOST_SHAPES: usize = 4096;

/// The Python strings kept between answers, and an empty dict for each shape of struct read.
#[derive(Default)]
pub struct Strings {
    slots: Vec<Slot>,
    /// By the address and length of the static name (the program's names: a bounded set).
    by_name: FxHashMap<(usize, usize), usize>,
    /// The last name seen at each address hash, before `by_name` is asked: a struct's member
    /// names are looked up for every document, and most answers use a few dozen of them.
    recent: Vec<(usize, usize, usize)>,
    /// By the hash of a struct's member slots: those slots, and a dict of those keys (values
    /// None) that a document of that shape is copied from. A copy takes the key table at its
    /// final size at once, where inserting keys one by one into a new dict grows it three times
    /// for a task's two dozen members.
    shapes: FxHashMap<u64, Shape>,
}

struct Shape {
    members: Vec<usize>,
    empty: Py<PyDict>,
}

struct Slot {
    name: Py<PyString>,
    /// The text of the last value written under this name, and its Python string.
    last: Option<(String, Py<PyString>)>,
}

impl Strings {
    fn slot(&mut self, py: Python<'_>, name: &'static str) -> usize {
        let address = (name.as_ptr() as usize, name.len());
        if self.recent.is_empty() {
            self.recent = vec![(0, 0, 0); RECENT_NAMES];
        }
        let recent = (address.0 >> 3 ^ address.1) & (RECENT_NAMES - 1);
        let (at, len, slot) = self.recent[recent];
        if (at, len) == address {
            return slot;
        }
        let slot = match self.by_name.get(&address) {
            Some(&slot) => slot,
            None => {
                self.slots.push(Slot {
                    name: PyString::intern(py, name).unbind(),
                    last: None,
                });
                self.by_name.insert(address, self.slots.len() - 1);
                self.slots.len() - 1
            }
        };
        self.recent[recent] = (address.0, address.1, slot);
        slot
    }

    /// A new dict holding `members` (slot, value), in their order.
    fn struct_dict<'py>(
        &mut self,
        py: Python<'py>,
        members: &[(usize, Bound<'py, PyAny>)],
    ) -> PyResult<Bound<'py, PyDict>> {
        let shape = members
            .iter()
            .fold(members.len() as u64, |hash, (slot, _)| {
                (hash.rotate_left(7) ^ *slot as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            });
        let known = self.shapes.get(&shape).filter(|known| {
            known.members.len() == members.len()
                && known.members.iter().zip(members).all(|(a, (b, _))| a == b)
        });
        let dict = match known {
            Some(known) => known.empty.bind(py).copy()?,
            None => PyDict::new(py),
        };
        for (slot, value) in members {
            dict.set_item(self.slots[*slot].name.bind(py), value)?;
        }
        if known.is_none() && self.shapes.len() < MOST_SHAPES {
            let empty = dict.copy()?;
            for (slot, _) in members {
                empty.set_item(self.slots[*slot].name.bind(py), PyNone::get(py))?;
            }
            let members = members.iter().map(|(slot, _)| *slot).collect();
            let empty = empty.unbind();
            self.shapes.insert(shape, Shape { members, empty });
        }
        Ok(dict)
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
        members: Vec::new(),
    }
    .value(None)
}

struct Reader<'a, 'py> {
    py: Python<'py>,
    strings: &'a mut Strings,
    tape: &'a Tape,
    at: usize,
    /// The members of the structs being read, innermost last.
    members: Vec<(usize, Bound<'py, PyAny>)>,
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

    /// A struct (members named by `Name` tokens) or a map (keys as values).
    fn dict(&mut self) -> PyResult<Bound<'py, PyDict>> {
        let py = self.py;
        if !matches!(self.tape.tokens.get(self.at), Some(Token::Name(_))) {
            let dict = PyDict::new(py);
            while !self.ends()? {
                let key = self.value(None)?;
                let value = self.value(None)?;
                dict.set_item(key, value)?;
            }
            return Ok(dict);
        }
        let first = self.members.len();
        while !self.ends()? {
            let Some(Token::Name(name)) = self.tape.tokens.get(self.at) else {
                return Err(malformed(self.at));
            };
            self.at += 1;
            let slot = self.strings.slot(py, name);
            let value = self.value(Some(slot))?;
            self.members.push((slot, value));
        }
        let dict = self.strings.struct_dict(py, &self.members[first..]);
        self.members.truncate(first);
        dict
    }
}
