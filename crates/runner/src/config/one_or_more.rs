//! A value written once, `(…)`, or as a list of them, `[(…), (…)]`: two
//! inflow drivers on one track, say.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// One `T` written as a struct, or several written as a list of them.
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMore<T> {
    /// `(…)`.
    One(T),
    /// `[(…), (…)]`.
    More(Vec<T>),
}

impl<T> OneOrMore<T> {
    /// Every value, in the order written.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMore::One(t) => std::slice::from_ref(t),
            OneOrMore::More(v) => v,
        }
    }

    /// Whether it was written as a list (its items then have indices in
    /// paths: `drivers.school[1]`).
    pub fn is_list(&self) -> bool {
        matches!(self, OneOrMore::More(_))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMore<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OneOrMoreVisitor(PhantomData))
    }
}

struct OneOrMoreVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMoreVisitor<T> {
    type Value = OneOrMore<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("one `(…)` or a list `[(…), (…)]`")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMore::One)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMore::More)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DriverSpec;

    #[test]
    fn one_driver_or_a_list_of_them() {
        let one: OneOrMore<DriverSpec> = ron::from_str("(strength: 0.5, lag: 3)").expect("one");
        assert_eq!(one.as_slice().len(), 1);
        assert!(!one.is_list());
        let two: OneOrMore<DriverSpec> =
            ron::from_str("[(strength: 0.3, lag: 2), (strength: 0.2, lag: 8)]").expect("two");
        assert_eq!(
            two.as_slice().iter().map(|d| d.lag).collect::<Vec<_>>(),
            [2, 8]
        );
        let e = ron::from_str::<OneOrMore<DriverSpec>>("(strenght: 0.5)").expect_err("misspelt");
        assert!(e.to_string().contains("strength"), "{e}");
    }
}
