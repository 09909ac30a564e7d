//! Answers into Python objects: dicts, lists, strings, numbers, None, as `pythonize` builds
//! them, with the strings an answer repeats made once. A struct's member names (and enum
//! variants) are `&'static str` in serde, so they are found by their address instead of being
//! decoded and hashed for every dict; a member whose text is the same as the last time that
//! member was written (a task's `clusterArn`, `lastStatus`, `launchType`, …) gets the same
//! Python string again. Measured on RunTask ×10 (ten task documents): see docs/benchmarks.md.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyNone, PyString, PyTuple};
use rustc_hash::FxHashMap;
use serde::ser::{self, Serialize};
use std::fmt;

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

    fn value<'py>(&mut self, py: Python<'py>, member: usize, text: &str) -> Bound<'py, PyString> {
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

/// `value` as Python objects.
pub fn to_python<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    strings: &mut Strings,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    value
        .serialize(Writer {
            py,
            strings,
            member: None,
        })
        .map_err(|e| e.0)
}

pub struct Error(PyErr);

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

type Written<'py> = Result<Bound<'py, PyAny>, Error>;

/// Writes one value; `member`: the name it is written under, when it is a struct's member.
struct Writer<'a, 'py> {
    py: Python<'py>,
    strings: &'a mut Strings,
    member: Option<usize>,
}

impl<'a, 'py> Writer<'a, 'py> {
    fn nested(&mut self, member: Option<usize>) -> Writer<'_, 'py> {
        Writer {
            py: self.py,
            strings: self.strings,
            member,
        }
    }

    fn name(&mut self, name: &'static str) -> Bound<'py, PyString> {
        let at = self.strings.slot(self.py, name);
        self.strings.slots[at].name.bind(self.py).clone()
    }

    /// `{variant: value}`, as serde's externally tagged enums read.
    fn tagged(mut self, variant: &'static str, value: Bound<'py, PyAny>) -> Written<'py> {
        let dict = PyDict::new(self.py);
        dict.set_item(self.name(variant), value)?;
        Ok(dict.into_any())
    }
}

impl<'a, 'py> ser::Serializer for Writer<'a, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = Items<'a, 'py>;
    type SerializeTuple = Items<'a, 'py>;
    type SerializeTupleStruct = Items<'a, 'py>;
    type SerializeTupleVariant = Items<'a, 'py>;
    type SerializeMap = Members<'a, 'py>;
    type SerializeStruct = Members<'a, 'py>;
    type SerializeStructVariant = Members<'a, 'py>;

    fn serialize_bool(self, v: bool) -> Written<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Written<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Written<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Written<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Written<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_i128(self, v: i128) -> Written<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u8(self, v: u8) -> Written<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Written<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Written<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Written<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u128(self, v: u128) -> Written<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_f32(self, v: f32) -> Written<'py> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Written<'py> {
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn serialize_char(self, v: char) -> Written<'py> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Written<'py> {
        Ok(match self.member {
            Some(member) => self.strings.value(self.py, member, v),
            None => PyString::new(self.py, v),
        }
        .into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> Written<'py> {
        Ok(PyBytes::new(self.py, v).into_any())
    }
    fn serialize_none(self) -> Written<'py> {
        Ok(PyNone::get(self.py).to_owned().into_any())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Written<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Written<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Written<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Written<'py> {
        Ok(self.name(variant).into_any())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Written<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Written<'py> {
        let inner = value.serialize(self.nested(None))?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Items<'a, 'py>, Error> {
        Ok(Items::new(self, len.unwrap_or(0), None, false))
    }
    fn serialize_tuple(self, len: usize) -> Result<Items<'a, 'py>, Error> {
        Ok(Items::new(self, len, None, true))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Items<'a, 'py>, Error> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Items<'a, 'py>, Error> {
        Ok(Items::new(self, len, Some(variant), true))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Members<'a, 'py>, Error> {
        Ok(Members::new(self, None))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Members<'a, 'py>, Error> {
        Ok(Members::new(self, None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Members<'a, 'py>, Error> {
        Ok(Members::new(self, Some(variant)))
    }
}

/// A list (a tuple for tuples), tagged with its variant for a tuple variant.
pub struct Items<'a, 'py> {
    writer: Writer<'a, 'py>,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
    tuple: bool,
}

impl<'a, 'py> Items<'a, 'py> {
    fn new(
        writer: Writer<'a, 'py>,
        len: usize,
        variant: Option<&'static str>,
        tuple: bool,
    ) -> Self {
        Items {
            writer,
            items: Vec::with_capacity(len),
            variant,
            tuple,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let item = value.serialize(self.writer.nested(None))?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Written<'py> {
        let py = self.writer.py;
        let built = if self.tuple {
            PyTuple::new(py, self.items)?.into_any()
        } else {
            PyList::new(py, self.items)?.into_any()
        };
        match self.variant {
            Some(variant) => self.writer.tagged(variant, built),
            None => Ok(built),
        }
    }
}

/// serde's four sequence traits, each written the same way.
macro_rules! items {
    ($($serde_trait:ident :: $method:ident),*) => {$(
        impl<'py> ser::$serde_trait for Items<'_, 'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Written<'py> {
                self.finish()
            }
        }
    )*};
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A dict, tagged with its variant for a struct variant.
pub struct Members<'a, 'py> {
    writer: Writer<'a, 'py>,
    dict: Bound<'py, PyDict>,
    variant: Option<&'static str>,
    /// A map's key, between `serialize_key` and `serialize_value`.
    key: Option<Bound<'py, PyAny>>,
}

impl<'a, 'py> Members<'a, 'py> {
    fn new(writer: Writer<'a, 'py>, variant: Option<&'static str>) -> Self {
        let dict = PyDict::new(writer.py);
        Members {
            writer,
            dict,
            variant,
            key: None,
        }
    }

    fn member<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let slot = self.writer.strings.slot(self.writer.py, name);
        let value = value.serialize(self.writer.nested(Some(slot)))?;
        let name = self.writer.strings.slots[slot].name.bind(self.writer.py);
        self.dict.set_item(name, value)?;
        Ok(())
    }

    fn finish(self) -> Written<'py> {
        let built = self.dict.into_any();
        match self.variant {
            Some(variant) => self.writer.tagged(variant, built),
            None => Ok(built),
        }
    }
}

impl<'py> ser::SerializeMap for Members<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(self.writer.nested(None))?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value came without its key"))?;
        let value = value.serialize(self.writer.nested(None))?;
        self.dict.set_item(key, value)?;
        Ok(())
    }
    fn end(self) -> Written<'py> {
        self.finish()
    }
}

/// serde's two struct traits, written the same way.
macro_rules! members {
    ($($serde_trait:ident),*) => {$(
        impl<'py> ser::$serde_trait for Members<'_, 'py> {
            type Ok = Bound<'py, PyAny>;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.member(key, value)
            }
            fn end(self) -> Written<'py> {
                self.finish()
            }
        }
    )*};
}

members!(SerializeStruct, SerializeStructVariant);
