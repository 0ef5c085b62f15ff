//! Actors: who pays (docs/model.md §6; the default seven are the report's).

use crate::CostError;

/// The default seven actors of the seed report, in its table order.
pub const DEFAULT_ACTORS: [&str; 7] = [
    "arbetsformedlingen",
    "forsakringskassan",
    "kommun",
    "region",
    "rattsvasende",
    "ovriga",
    "produktionsvarde",
];

/// Index of an actor in an [`ActorSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorId(pub usize);

/// The actors of a scenario: by default the seven, then any the scenario
/// adds (a landlord, say), in the order added; or exactly the ones a
/// scenario lists, in its order ([`ActorSet::empty`], then
/// [`ActorSet::add`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorSet {
    names: Vec<String>,
}

impl Default for ActorSet {
    /// The default seven.
    fn default() -> Self {
        ActorSet {
            names: DEFAULT_ACTORS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl ActorSet {
    /// Adds an actor. Names are lower-case `[a-z0-9_]`; `total` is reserved.
    pub fn add(&mut self, name: &str) -> Result<ActorId, CostError> {
        if name == "total" {
            return Err(CostError::ReservedActor);
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(CostError::InvalidActorName(name.to_string()));
        }
        if self.index_of(name).is_some() {
            return Err(CostError::DuplicateActor(name.to_string()));
        }
        self.names.push(name.to_string());
        Ok(ActorId(self.names.len() - 1))
    }

    /// The actor called `name`.
    pub fn index_of(&self, name: &str) -> Option<ActorId> {
        self.names.iter().position(|n| n == name).map(ActorId)
    }

    /// Number of actors.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// An empty set, to be filled with [`ActorSet::add`] in the order a
    /// scenario lists its actors.
    pub fn empty() -> Self {
        ActorSet { names: Vec::new() }
    }

    /// True when the set has no actor (only [`ActorSet::empty`] before
    /// anything is added).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Names in index order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of `id`.
    ///
    /// # Panics
    /// If `id` is not an actor of this set (ids come from [`ActorSet::add`]
    /// or [`ActorSet::index_of`], which only give valid ones).
    pub fn name(&self, id: ActorId) -> &str {
        &self.names[id.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seven_then_extras() {
        let mut s = ActorSet::default();
        assert_eq!(s.len(), 7);
        assert_eq!(s.index_of("kommun"), Some(ActorId(2)));
        assert_eq!(s.add("landlord"), Ok(ActorId(7)));
        assert_eq!(s.name(ActorId(7)), "landlord");
        assert_eq!(
            s.add("landlord"),
            Err(CostError::DuplicateActor("landlord".into()))
        );
        assert_eq!(s.add("total"), Err(CostError::ReservedActor));
        assert!(matches!(
            s.add("Land Lord"),
            Err(CostError::InvalidActorName(_))
        ));
    }
}
