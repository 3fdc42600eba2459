//! Integers in JSON bodies as JSON Schema defines them: any number with a zero fractional
//! part. `3` and `3.0` are the same integer to a schema (and to JavaScript, which has no
//! other kind), so a body a schema-driven client sends with `3.0` is read as `3`, while
//! `3.5`, or a number outside the field's type, is still refused (400 `invalid_json`).
//!
//! Use with `#[serde(deserialize_with = "whole::number")]`, or `whole::optional` (with
//! `default`) for a field that may be absent or `null`.

use std::{fmt, marker::PhantomData};

use serde::{Deserializer, de};

/// Reads an integer of type `T` written as a whole number.
pub fn number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    deserializer.deserialize_any(Whole(PhantomData))
}

/// Reads an optional integer of type `T` written as a whole number; `null` is `None`.
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    deserializer.deserialize_option(Optional(PhantomData))
}

struct Whole<T>(PhantomData<T>);

impl<T: TryFrom<i64> + TryFrom<u64>> de::Visitor<'_> for Whole<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an integer that fits {}", std::any::type_name::<T>())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        // Whole numbers within ±2^53 are exact in an f64; beyond that no i32/u32 fits anyway.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        if value.fract() == 0.0 && value.abs() <= EXACT {
            return self.visit_i64(value as i64);
        }
        Err(E::invalid_value(de::Unexpected::Float(value), &self))
    }
}

struct Optional<T>(PhantomData<T>);

impl<'de, T: TryFrom<i64> + TryFrom<u64>> de::Visitor<'de> for Optional<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "null or an integer that fits {}",
            std::any::type_name::<T>()
        )
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        number(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        #[serde(deserialize_with = "number")]
        size: i32,
        #[serde(default, deserialize_with = "optional")]
        position: Option<i32>,
    }

    fn read(json: &str) -> Result<Body, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn whole_numbers_are_integers_in_any_notation() {
        let body = read(r#"{"size": 4.0, "position": 2}"#).expect("whole numbers");
        assert_eq!(
            body,
            Body {
                size: 4,
                position: Some(2)
            }
        );
        assert_eq!(read(r#"{"size": -3}"#).expect("negative").size, -3);
        assert_eq!(read(r#"{"size": 1e2}"#).expect("exponent").size, 100);
        assert_eq!(
            read(r#"{"size": 1, "position": null}"#)
                .expect("null")
                .position,
            None
        );
        assert_eq!(read(r#"{"size": 1}"#).expect("absent").position, None);
    }

    #[test]
    fn fractions_strings_and_overflow_are_refused() {
        for bad in [
            r#"{"size": 4.5}"#,
            r#"{"size": "4"}"#,
            r#"{"size": 2147483648}"#,
            r#"{"size": -2147483649.0}"#,
            r#"{"size": 1, "position": 1.5}"#,
            r#"{"size": 1e300}"#,
        ] {
            assert!(read(bad).is_err(), "{bad} was accepted");
        }
    }
}
