//! One actor's (or catalogue item's) values in an `Annual` or `Resources`
//! profile: a list by year of the case, or one value for every year.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::Scalar;

/// `[180000, 150000]` (years 1, 2, …; nothing after the list) or
/// `(every_year: 180000)`; any value may be a distribution.
#[derive(Debug, Clone, PartialEq)]
pub enum PerYearSpec {
    /// Values for years 1..=n of the case; 0 after them.
    Years(Vec<Scalar>),
    /// The same value in every year of the profile.
    EveryYear(Scalar),
}

impl PerYearSpec {
    /// The values written: the list, or the one every-year value.
    pub fn values(&self) -> &[Scalar] {
        match self {
            PerYearSpec::Years(v) => v,
            PerYearSpec::EveryYear(x) => std::slice::from_ref(x),
        }
    }
}

impl<'de> Deserialize<'de> for PerYearSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PerYearVisitor)
    }
}

struct PerYearVisitor;

impl<'de> Visitor<'de> for PerYearVisitor {
    type Value = PerYearSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of values by year (`[180000, 150000]`) or `(every_year: 180000)`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PerYearSpec, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
        while let Some(x) = seq.next_element::<Scalar>()? {
            v.push(x);
        }
        Ok(PerYearSpec::Years(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PerYearSpec, A::Error> {
        let mut value = None;
        while let Some(key) = map.next_key::<String>()? {
            if key != "every_year" {
                return Err(de::Error::unknown_field(&key, &["every_year"]));
            }
            if value.is_some() {
                return Err(de::Error::duplicate_field("every_year"));
            }
            value = Some(map.next_value::<Scalar>()?);
        }
        value
            .map(PerYearSpec::EveryYear)
            .ok_or_else(|| de::Error::missing_field("every_year"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PerYearSpec, ron::error::SpannedError> {
        ron::from_str(text)
    }

    #[test]
    fn a_list_or_every_year() {
        assert_eq!(
            parse("[1, 2.5]").expect("list"),
            PerYearSpec::Years(vec![Scalar::Number(1.0), Scalar::Number(2.5)])
        );
        assert_eq!(
            parse("(every_year: 100)").expect("every year"),
            PerYearSpec::EveryYear(Scalar::Number(100.0))
        );
    }

    #[test]
    fn anything_else_says_what_is_valid() {
        let e = parse("(every_yaer: 100)").expect_err("misspelt");
        assert!(e.to_string().contains("every_year"), "{e}");
        let e = parse("100").expect_err("a bare number");
        assert!(e.to_string().contains("every_year"), "{e}");
    }
}
