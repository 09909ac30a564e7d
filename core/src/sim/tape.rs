//! An answer as a flat list of tokens, for a binding that builds its own language's objects
//! (Python's dicts): written by one serde serializer monomorphised per response type, so the
//! binding walks a list instead of answering a dynamically dispatched call per member.
//!
//! A struct is `Dict`, then each member as `Name` and its value, then `End`; a map is `Dict`,
//! then each key and value, then `End`; a sequence `List` (a tuple `Tuple`) … `End`; an enum's
//! unit variant `Variant`, any other variant `Tagged` followed by its value (serde's external
//! tagging, `{variant: value}`). Texts are ranges of `Tape::text`, bytes of `Tape::bytes`.

use serde::ser::{self, Serialize};
use std::fmt;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    /// An integer past 64 bits, as `Wide`: an `i128` here would align every token to 16 bytes
    /// and make each a third larger (32 bytes instead of 24).
    WideInt(Wide),
    Float(f64),
    Text(Range<usize>),
    Bytes(Range<usize>),
    /// A struct member's name; its value follows.
    Name(&'static str),
    /// A unit variant, as its name.
    Variant(&'static str),
    /// `{variant: value}`: the value follows.
    Tagged(&'static str),
    List,
    Tuple,
    Dict,
    End,
}

/// An `i128` as two halves, aligned as a `u64` is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wide([u64; 2]);

impl Wide {
    pub fn new(value: i128) -> Wide {
        Wide([value as u64, (value >> 64) as u64])
    }

    pub fn get(self) -> i128 {
        i128::from(self.0[1] as i64) << 64 | i128::from(self.0[0])
    }
}

/// One answer's tokens and the texts they point into; cleared and written again per answer, so
/// a binding keeps one and its buffers.
#[derive(Default, Debug)]
pub struct Tape {
    pub tokens: Vec<Token>,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Tape {
    /// Replaces what the tape holds with `value`.
    pub fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.tokens.clear();
        self.text.clear();
        self.bytes.clear();
        value.serialize(&mut *self)
    }

    pub fn text_of(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    pub fn bytes_of(&self, range: &Range<usize>) -> &[u8] {
        self.bytes.get(range.clone()).unwrap_or_default()
    }

    fn push(&mut self, token: Token) -> Result<(), Error> {
        self.tokens.push(token);
        Ok(())
    }
}

/// A value serde could not write (a `u128` past `i128`, a custom error of a response type).
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Numbers, each widened to its token's type.
macro_rules! numbers {
    ($($method:ident($narrow:ty) => $token:ident as $wide:ty),*) => {$(
        fn $method(self, v: $narrow) -> Result<(), Error> {
            self.push(Token::$token(<$wide>::from(v)))
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut Tape {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = &'a mut Tape;
    type SerializeTuple = &'a mut Tape;
    type SerializeTupleStruct = &'a mut Tape;
    type SerializeTupleVariant = &'a mut Tape;
    type SerializeMap = &'a mut Tape;
    type SerializeStruct = &'a mut Tape;
    type SerializeStructVariant = &'a mut Tape;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.push(Token::Bool(v))
    }
    numbers!(
        serialize_i8(i8) => Int as i64,
        serialize_i16(i16) => Int as i64,
        serialize_i32(i32) => Int as i64,
        serialize_i64(i64) => Int as i64,
        serialize_u8(u8) => UInt as u64,
        serialize_u16(u16) => UInt as u64,
        serialize_u32(u32) => UInt as u64,
        serialize_u64(u64) => UInt as u64,
        serialize_f32(f32) => Float as f64,
        serialize_f64(f64) => Float as f64
    );
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.push(Token::WideInt(Wide::new(v)))
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        let v =
            i128::try_from(v).map_err(|_| Error(format!("{v} is past what an answer holds")))?;
        self.push(Token::WideInt(Wide::new(v)))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        let start = self.text.len();
        self.text.push_str(v);
        self.push(Token::Text(start..self.text.len()))
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        // Written into the tape's text where it ends up, instead of into a string first.
        let start = self.text.len();
        fmt::Write::write_fmt(&mut self.text, format_args!("{value}"))
            .map_err(|_| Error("a value's text could not be written".into()))?;
        self.push(Token::Text(start..self.text.len()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(v);
        self.push(Token::Bytes(start..self.bytes.len()))
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.push(Token::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.push(Token::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.push(Token::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.push(Token::Variant(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.tokens.push(Token::Tagged(variant));
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Error> {
        self.tokens.push(Token::List);
        Ok(self)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self, Error> {
        self.tokens.push(Token::Tuple);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Error> {
        self.tokens.push(Token::Tagged(variant));
        self.serialize_tuple(len)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Error> {
        self.tokens.push(Token::Dict);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Error> {
        self.tokens.push(Token::Tagged(variant));
        self.serialize_map(Some(len))
    }
}

/// serde's four sequence traits: each element as it comes, then `End`.
macro_rules! elements {
    ($($serde_trait:ident :: $method:ident),*) => {$(
        impl ser::$serde_trait for &mut Tape {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Error> {
                self.push(Token::End)
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// serde's two struct traits: each member's name, then its value; then `End`.
macro_rules! members {
    ($($serde_trait:ident),*) => {$(
        impl ser::$serde_trait for &mut Tape {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.tokens.push(Token::Name(key));
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Error> {
                self.push(Token::End)
            }
        }
    )*};
}

members!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for &mut Tape {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Error> {
        self.push(Token::End)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn wide_integers_come_back_whole_in_a_token_of_24_bytes() {
        for value in [
            i128::MIN,
            -(1 << 70) - 3,
            -1,
            0,
            1,
            1 << 64,
            (1 << 70) + 5,
            i128::MAX,
        ] {
            let mut tape = Tape::default();
            tape.write(&value).unwrap();
            assert_eq!(tape.tokens, [Token::WideInt(Wide::new(value))]);
            assert_eq!(Wide::new(value).get(), value);
        }
        assert_eq!(std::mem::size_of::<Token>(), 24);
    }

    #[test]
    fn a_struct_is_its_members_names_and_values_a_map_its_keys_and_values() {
        #[derive(serde::Serialize)]
        enum Kind {
            Plain,
            Wrapped(u8),
        }
        #[derive(serde::Serialize)]
        struct Doc {
            name: &'static str,
            kinds: Vec<Kind>,
            labels: serde_json::Value,
        }
        let mut tape = Tape::default();
        let doc = Doc {
            name: "web",
            kinds: vec![Kind::Plain, Kind::Wrapped(7)],
            labels: json!({"team": "a", "n": -1.5}),
        };
        tape.write(&doc).unwrap();
        let name = |t: &Token| match t {
            Token::Text(range) => Some(tape.text_of(range).to_string()),
            _ => None,
        };
        assert_eq!(tape.tokens[0], Token::Dict);
        assert_eq!(tape.tokens[1], Token::Name("name"));
        assert_eq!(name(&tape.tokens[2]).as_deref(), Some("web"));
        assert_eq!(
            &tape.tokens[3..9],
            &[
                Token::Name("kinds"),
                Token::List,
                Token::Variant("Plain"),
                Token::Tagged("Wrapped"),
                Token::UInt(7),
                Token::End
            ]
        );
        assert_eq!(tape.tokens[9], Token::Name("labels"));
        assert_eq!(tape.tokens[10], Token::Dict);
        assert_eq!(tape.tokens.last(), Some(&Token::End));
        assert!(tape.tokens.contains(&Token::Float(-1.5)));
        // Written again, the tape holds only the new value.
        tape.write(&5_u8).unwrap();
        assert_eq!(tape.tokens, vec![Token::UInt(5)]);
        assert!(tape.text.is_empty());
    }
}
