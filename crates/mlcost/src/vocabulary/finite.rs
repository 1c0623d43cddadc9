//! The last line of defence against a figure that is not a number: every result the engine
//! returns is walked as serde sees it, and the first NaN or infinity becomes an error naming the
//! figure, instead of `null` in JSON, `inf` in a table or a silently dropped CSV row.
//!
//! Why walk the serialized form rather than check each figure where it is computed? Bounds at the
//! resolve step keep the inputs sane, but a product of sane inputs can still overflow, and a new
//! figure added without a check would slip through. Every figure a front end can show passes
//! through `Serialize`, so this sees them all, and stays right as reports grow.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

use crate::vocabulary::error::{Error, Problem};

/// `value` if every number in it is finite; else an error naming the first figure that is not
/// (its path in the result, `training.energy_kwh`), under `section`.
pub fn checked<T: Serialize>(section: &'static str, value: T) -> Result<T, Error> {
    let mut walker = Walker { path: vec![Segment::Key(section)], found: None };
    // The walk stops at the first non-finite number; nothing else can fail.
    let _ = value.serialize(&mut walker);
    match walker.found {
        None => Ok(value),
        Some(path) => Err(Error::new(path, Problem::ResultOutOfRange)),
    }
}

/// One step of a path. Why not strings? The walk runs on every estimate (thousands of fields, on
/// every keystroke in the app), and struct keys and indices need no allocation; only map keys
/// (plan names) are owned.
enum Segment {
    Key(&'static str),
    Index(usize),
    Name(String),
}

/// Where the walk is, and the first non-finite figure's path.
struct Walker {
    path: Vec<Segment>,
    found: Option<String>,
}

impl Walker {
    fn number(&mut self, value: f64) -> Result<(), Stop> {
        if value.is_finite() {
            return Ok(());
        }
        let mut path = String::new();
        for segment in &self.path {
            match segment {
                Segment::Index(i) => path.push_str(&format!("[{i}]")),
                Segment::Key(key) => push_key(&mut path, key),
                Segment::Name(name) => push_key(&mut path, name),
            }
        }
        self.found = Some(path);
        Err(Stop)
    }

    fn within<T: Serialize + ?Sized>(&mut self, segment: Segment, value: &T) -> Result<(), Stop> {
        self.path.push(segment);
        let result = value.serialize(&mut *self);
        self.path.pop();
        result
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Ends the walk: a non-finite number was found.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a figure is not finite")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Stop
    }
}

/// A sequence, tuple or map being walked: its elements' index.
struct Elements<'a> {
    walker: &'a mut Walker,
    index: usize,
    key: Option<String>,
}

impl Elements<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let segment = Segment::Index(self.index);
        self.index += 1;
        self.walker.within(segment, value)
    }
}

impl<'a> ser::Serializer for &'a mut Walker {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Elements<'a>;
    type SerializeTuple = Elements<'a>;
    type SerializeTupleStruct = Elements<'a>;
    type SerializeTupleVariant = Elements<'a>;
    type SerializeMap = Elements<'a>;
    type SerializeStruct = Elements<'a>;
    type SerializeStructVariant = Elements<'a>;

    fn serialize_f64(self, v: f64) -> Result<(), Stop> {
        self.number(v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Stop> {
        self.number(f64::from(v))
    }
    fn serialize_bool(self, _: bool) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.within(Segment::Key(variant), value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Elements<'a>, Stop> {
        Ok(Elements { walker: self, index: 0, key: None })
    }
    fn serialize_tuple(self, _: usize) -> Result<Elements<'a>, Stop> {
        Ok(Elements { walker: self, index: 0, key: None })
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Elements<'a>, Stop> {
        Ok(Elements { walker: self, index: 0, key: None })
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Elements<'a>, Stop> {
        Ok(Elements { walker: self, index: 0, key: None })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Elements<'a>, Stop> {
        Ok(Elements { walker: self, index: 0, key: None })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Elements<'a>, Stop> {
        Ok(Elements { walker: self, index: 0, key: None })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Elements<'a>, Stop> {
        Ok(Elements { walker: self, index: 0, key: None })
    }
}

impl ser::SerializeSeq for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTuple for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeMap for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        // Keys are names (plans, regions): read as text, else the value goes by its position.
        self.key = key.serialize(KeyText).ok();
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let segment = self.key.take().map_or(Segment::Index(self.index), Segment::Name);
        self.index += 1;
        self.walker.within(segment, value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStruct for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.walker.within(Segment::Key(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Elements<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.walker.within(Segment::Key(key), value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// A map key as text: strings (and unit variants) are; anything else is not a name.
struct KeyText;

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Stop;
    type SerializeSeq = Impossible<String, Stop>;
    type SerializeTuple = Impossible<String, Stop>;
    type SerializeTupleStruct = Impossible<String, Stop>;
    type SerializeTupleVariant = Impossible<String, Stop>;
    type SerializeMap = Impossible<String, Stop>;
    type SerializeStruct = Impossible<String, Stop>;
    type SerializeStructVariant = Impossible<String, Stop>;

    fn serialize_str(self, v: &str) -> Result<String, Stop> {
        Ok(v.to_owned())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<String, Stop> {
        Ok(v.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Stop> {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_i8(self, _: i8) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_i16(self, _: i16) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_i32(self, _: i32) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_i64(self, _: i64) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_u8(self, _: u8) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_u16(self, _: u16) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_u32(self, _: u32) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_u64(self, _: u64) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_f32(self, _: f32) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_f64(self, _: f64) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_char(self, _: char) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_none(self) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_unit(self) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Stop> {
        Err(Stop)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Stop> {
        Err(Stop)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Stop> {
        Err(Stop)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Stop> {
        Err(Stop)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Stop> {
        Err(Stop)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Stop> {
        Err(Stop)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Stop> {
        Err(Stop)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Stop> {
        Err(Stop)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[derive(Debug, Serialize)]
    #[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
    struct Figures {
        cost: f64,
        hourly: Vec<Option<f64>>,
        by_plan: BTreeMap<String, f64>,
    }

    #[test]
    fn the_first_figure_that_is_not_a_number_is_named() {
        let figures = |cost: f64, hour: f64, spot: f64| Figures {
            cost,
            hourly: vec![Some(1.0), None, Some(hour)],
            by_plan: BTreeMap::from([("spot".to_owned(), spot)]),
        };
        assert!(checked("training", figures(1.0, 2.0, 3.0)).is_ok());
        let named = |f: Figures| checked("training", f).unwrap_err().field;
        assert_eq!(named(figures(f64::NAN, 2.0, 3.0)), "training.cost");
        assert_eq!(named(figures(1.0, f64::INFINITY, 3.0)), "training.hourly[2]");
        assert_eq!(named(figures(1.0, 2.0, f64::NEG_INFINITY)), "training.by_plan.spot");
    }
}
