//! Answers into Python objects (dicts, lists, tuples, strings, numbers, None), read from the
//! core's token tape (`ecsim_core::sim::tape`), with the strings an answer repeats made once. A
//! struct's member names (and enum variants) are `&'static str` in the tape, so they are found by
//! their address instead of being decoded and hashed for every dict; a member whose text is the
//! same as the last time that member was written (a task's `clusterArn`, `lastStatus`,
//! `launchType`, …) gets the same Python string again. A struct's dict is copied from a template
//! of the same members, made the first time that shape was read and holding that document's
//! unchangeable values (texts, numbers), so only the members whose value is another object are
//! written. Measured on RunTask ×10 (ten task documents): see docs/benchmarks.md.

use ecsim_core::sim::tape::{Tape, Token};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyNone, PyString, PyTuple};
use rustc_hash::FxHashMap;

/// Longer texts are not kept as a member's last value (a policy document, a log): comparing
/// them would cost about what making them does.
const LONGEST_KEPT_VALUE: usize = 256;

/// Entries of the direct-mapped front of `Strings::by_name`: 2^RECENT_BITS.
const RECENT_BITS: u32 = 10;
const RECENT_NAMES: usize = 1 << RECENT_BITS;

/// The most room a reader starts its stacks with: a list of thousands of tasks is read once in
/// a while, and the calls after it should not each reserve that much.
const MOST_STACK_ROOM: usize = 1024;

/// Shapes of struct kept at most (a program's structs and the members they leave out make a
/// bounded set; this bounds it whatever the answers).
const MOST_SHAPES: usize = 4096;

/// The Python strings kept between answers, and a template dict for each shape of struct read.
pub struct Strings {
    slots: Vec<Slot>,
    /// By the address and length of the static name (the program's names: a bounded set).
    by_name: FxHashMap<(usize, usize), usize>,
    /// The last name seen at each address hash, before `by_name` is asked: a struct's member
    /// names are looked up for every document, and most answers use a few dozen of them.
    recent: Vec<(usize, usize, usize)>,
    /// By the hash of a struct's member slots: those slots, and the dict a document of that
    /// shape is copied from. A copy takes the key table at its final size at once, where
    /// inserting keys one by one into a new dict grows it three times for a task's two dozen
    /// members; and the template holds the first document's unchangeable values (texts,
    /// numbers), so that a member whose value is that very object again (the cluster's ARN,
    /// a status, the moment) is not written at all.
    shapes: FxHashMap<u64, Shape>,
    /// The deepest the reader's member and item stacks went: the next reader starts with that
    /// room instead of growing to it again.
    stack_room: (usize, usize),
}

impl Default for Strings {
    fn default() -> Strings {
        Strings {
            slots: Vec::new(),
            by_name: FxHashMap::default(),
            recent: vec![(0, 0, 0); RECENT_NAMES],
            shapes: FxHashMap::default(),
            stack_room: (0, 0),
        }
    }
}

struct Shape {
    members: Vec<usize>,
    template: Py<PyDict>,
    /// Per member, the template's value when it is one a document may share (None: the
    /// template holds `None` there, to be written over).
    kept: Vec<Option<Py<PyAny>>>,
}

struct Slot {
    name: Py<PyString>,
    /// The text of the last value written under this name, and its Python string.
    last: Option<(String, Py<PyString>)>,
    /// The last number with a fraction written under this name (a call's moment, repeated
    /// by every task it started).
    last_float: Option<(u64, Py<PyFloat>)>,
}

impl Strings {
    #[inline]
    fn slot(&mut self, py: Python<'_>, name: &'static str) -> usize {
        let address = (name.as_ptr() as usize, name.len());
        // A multiplicative hash: names lie packed side by side in the program's text, and
        // their addresses' low bits alone sent names of one document to the same entry.
        let mixed = (address.0 as u64 ^ (address.1 as u64).rotate_left(32))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let recent = (mixed >> (64 - RECENT_BITS)) as usize;
        let (at, len, slot) = self.recent[recent];
        if (at, len) == address {
            return slot;
        }
        self.slot_of_new(py, name, recent)
    }

    #[cold]
    fn slot_of_new(&mut self, py: Python<'_>, name: &'static str, recent: usize) -> usize {
        let address = (name.as_ptr() as usize, name.len());
        let slot = match self.by_name.get(&address) {
            Some(&slot) => slot,
            None => {
                self.slots.push(Slot {
                    name: PyString::intern(py, name).unbind(),
                    last: None,
                    last_float: None,
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
        let hash = members
            .iter()
            .fold(members.len() as u64, |hash, (slot, _)| {
                (hash.rotate_left(7) ^ *slot as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            });
        let known = self.shapes.get(&hash).filter(|known| {
            known.members.len() == members.len()
                && known.members.iter().zip(members).all(|(a, (b, _))| a == b)
        });
        if let Some(shape) = known {
            let dict = shape.template.bind(py).copy()?;
            for ((slot, value), kept) in members.iter().zip(&shape.kept) {
                if !kept.as_ref().is_some_and(|kept| kept.is(value)) {
                    dict.set_item(self.slots[*slot].name.bind(py), value)?;
                }
            }
            return Ok(dict);
        }
        let dict = PyDict::new(py);
        for (slot, value) in members {
            dict.set_item(self.slots[*slot].name.bind(py), value)?;
        }
        if self.shapes.len() < MOST_SHAPES {
            let template = dict.copy()?;
            let mut kept = Vec::with_capacity(members.len());
            for (slot, value) in members {
                if shareable(value) {
                    kept.push(Some(value.clone().unbind()));
                } else {
                    template.set_item(self.slots[*slot].name.bind(py), PyNone::get(py))?;
                    kept.push(None);
                }
            }
            let members = members.iter().map(|(slot, _)| *slot).collect();
            let template = template.unbind();
            self.shapes.insert(
                hash,
                Shape {
                    members,
                    template,
                    kept,
                },
            );
        }
        Ok(dict)
    }

    #[inline]
    fn member_text<'py>(
        &mut self,
        py: Python<'py>,
        member: usize,
        text: &str,
    ) -> Bound<'py, PyString> {
        if let Some((kept, string)) = &self.slots[member].last {
            if same_text(kept, text) {
                return string.bind(py).clone();
            }
        }
        self.new_member_text(py, member, text)
    }

    fn new_member_text<'py>(
        &mut self,
        py: Python<'py>,
        member: usize,
        text: &str,
    ) -> Bound<'py, PyString> {
        let string = PyString::new(py, text);
        if text.len() <= LONGEST_KEPT_VALUE {
            match &mut self.slots[member].last {
                Some((kept, kept_string)) => {
                    kept.clear();
                    kept.push_str(text);
                    *kept_string = string.clone().unbind();
                }
                last => *last = Some((text.to_string(), string.clone().unbind())),
            }
        }
        string
    }

    fn member_float<'py>(
        &mut self,
        py: Python<'py>,
        member: usize,
        value: f64,
    ) -> Bound<'py, PyAny> {
        let last = &mut self.slots[member].last_float;
        match last {
            Some((bits, float)) if *bits == value.to_bits() => float.bind(py).clone().into_any(),
            _ => {
                let float = PyFloat::new(py, value);
                *last = Some((value.to_bits(), float.clone().unbind()));
                float.into_any()
            }
        }
    }
}

/// Whether two texts are the same, their last bytes compared first: where a member's texts
/// differ (ARNs), they differ in their ids, at the end of a long common prefix.
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if let (Some(a_tail), Some(b_tail)) = (a.last_chunk::<8>(), b.last_chunk::<8>()) {
        if a_tail != b_tail {
            return false;
        }
    }
    a == b
}

/// Whether a template may hold `value` for the documents copied from it: an object nobody can
/// change (a text no longer than the kept ones, a number, a truth value, None).
fn shareable(value: &Bound<'_, PyAny>) -> bool {
    value.is_none()
        || value.is_exact_instance_of::<PyInt>()
        || value.is_exact_instance_of::<PyFloat>()
        || value.is_exact_instance_of::<PyBool>()
        || value
            .cast_exact::<PyString>()
            .is_ok_and(|text| text.len().is_ok_and(|len| len <= LONGEST_KEPT_VALUE))
}

/// What `tape` holds, as Python objects.
pub fn to_python<'py>(
    py: Python<'py>,
    strings: &mut Strings,
    tape: &Tape,
) -> PyResult<Bound<'py, PyAny>> {
    let (member_room, item_room) = strings.stack_room;
    let mut reader = Reader {
        py,
        strings,
        tape,
        tokens: &tape.tokens,
        at: 0,
        members: Vec::with_capacity(member_room),
        items: Vec::with_capacity(item_room),
        error: None,
    };
    let read = reader.value(None);
    let room = |stack: usize| stack.min(MOST_STACK_ROOM);
    reader.strings.stack_room = (
        room(reader.members.capacity()),
        room(reader.items.capacity()),
    );
    match read {
        Ok(value) => Ok(value),
        Err(Stop) => Err(reader.error.take().unwrap_or_else(|| malformed(reader.at))),
    }
}

struct Reader<'a, 'py> {
    py: Python<'py>,
    strings: &'a mut Strings,
    tape: &'a Tape,
    tokens: &'a [Token],
    at: usize,
    /// The members of the structs being read, innermost last.
    members: Vec<(usize, Bound<'py, PyAny>)>,
    /// The items of the lists and tuples being read, innermost last.
    items: Vec<Bound<'py, PyAny>>,
    /// Why the read stopped, once it has.
    error: Option<PyErr>,
}

/// The read stopped: `Reader::error` says why. A unit error keeps every step's result in a
/// register (a `PyErr` would make each one a copy through memory).
struct Stop;

type Step<T> = Result<T, Stop>;

/// A tape the core wrote wrongly: an ecsim defect.
fn malformed(at: usize) -> PyErr {
    PyValueError::new_err(format!(
        "ecsim: the answer's tape is malformed at token {at}"
    ))
}

impl<'a, 'py> Reader<'a, 'py> {
    #[cold]
    fn stop(&mut self, error: PyErr) -> Stop {
        self.error = Some(error);
        Stop
    }

    #[cold]
    fn malformed(&mut self) -> Stop {
        self.stop(malformed(self.at))
    }

    fn name(&mut self, name: &'static str) -> Bound<'py, PyString> {
        let at = self.strings.slot(self.py, name);
        self.strings.slots[at].name.bind(self.py).clone()
    }

    /// The next value; `member`: the name it is written under, when it is a struct's member.
    fn value(&mut self, member: Option<usize>) -> Step<Bound<'py, PyAny>> {
        let py = self.py;
        let tape = self.tape;
        let Some(token) = self.tokens.get(self.at) else {
            return Err(self.malformed());
        };
        self.at += 1;
        Ok(match token {
            Token::Null => PyNone::get(py).to_owned().into_any(),
            Token::Bool(v) => PyBool::new(py, *v).to_owned().into_any(),
            Token::Int(v) => PyInt::new(py, *v).into_any(),
            Token::UInt(v) => PyInt::new(py, *v).into_any(),
            Token::WideInt(v) => PyInt::new(py, v.get()).into_any(),
            Token::Float(v) => match member {
                Some(member) => self.strings.member_float(py, member, *v),
                None => PyFloat::new(py, *v).into_any(),
            },
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
                let value = self.value(None)?;
                let dict = PyDict::new(py);
                dict.set_item(key, value).map_err(|e| self.stop(e))?;
                dict.into_any()
            }
            Token::List => {
                let first = self.items()?;
                let list = PyList::new(py, self.items.drain(first..));
                list.map_err(|e| self.stop(e))?.into_any()
            }
            Token::Tuple => {
                let first = self.items()?;
                let tuple = PyTuple::new(py, self.items.drain(first..));
                tuple.map_err(|e| self.stop(e))?.into_any()
            }
            Token::Dict => self.dict()?.into_any(),
            Token::Name(_) | Token::End => {
                self.at -= 1;
                return Err(self.malformed());
            }
        })
    }

    /// Reads a sequence's items onto `items` up to its `End`; returns where they start.
    fn items(&mut self) -> Step<usize> {
        let first = self.items.len();
        loop {
            match self.tokens.get(self.at) {
                Some(Token::End) => {
                    self.at += 1;
                    return Ok(first);
                }
                Some(_) => {
                    let item = self.value(None)?;
                    self.items.push(item);
                }
                None => return Err(self.malformed()),
            }
        }
    }

    /// A struct (members named by `Name` tokens) or a map (keys as values).
    fn dict(&mut self) -> Step<Bound<'py, PyDict>> {
        let py = self.py;
        if !matches!(self.tokens.get(self.at), Some(Token::Name(_))) {
            let dict = PyDict::new(py);
            let first = self.items()?;
            if (self.items.len() - first) % 2 == 1 {
                return Err(self.malformed());
            }
            let mut pairs = self.items.drain(first..);
            while let (Some(key), Some(value)) = (pairs.next(), pairs.next()) {
                if let Err(e) = dict.set_item(key, value) {
                    drop(pairs);
                    return Err(self.stop(e));
                }
            }
            return Ok(dict);
        }
        let first = self.members.len();
        loop {
            match self.tokens.get(self.at) {
                Some(Token::Name(name)) => {
                    self.at += 1;
                    let slot = self.strings.slot(py, name);
                    let value = self.value(Some(slot))?;
                    self.members.push((slot, value));
                }
                Some(Token::End) => {
                    self.at += 1;
                    break;
                }
                _ => return Err(self.malformed()),
            }
        }
        let dict = self.strings.struct_dict(py, &self.members[first..]);
        self.members.truncate(first);
        dict.map_err(|e| self.stop(e))
    }
}
