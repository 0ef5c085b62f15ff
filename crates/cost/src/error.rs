//! Errors of the cost model: each names the item it concerns and what
//! would be valid, so the runner can point at the place in the file.

use crate::{ActorId, ActorSet};

/// The actor an error concerns: its index, and its name once the caller
/// has supplied the names ([`CostError::with_actor_names`]); shown as
/// `` `kommun` `` when named, `actor 2` otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRef {
    /// The actor's index.
    pub id: ActorId,
    /// Its name, when known.
    pub name: Option<String>,
}

impl ActorRef {
    /// An actor known only by index.
    pub fn new(id: ActorId) -> ActorRef {
        ActorRef { id, name: None }
    }
}

impl std::fmt::Display for ActorRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(n) => write!(f, "`{n}`"),
            None => write!(f, "actor {}", self.id.0),
        }
    }
}

/// " of <actor>" for a value that belongs to an actor, else nothing.
fn of_actor(a: &Option<ActorRef>) -> String {
    a.as_ref().map(|a| format!(" of {a}")).unwrap_or_default()
}

/// What can be wrong with actors, profiles, catalogues and groups.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CostError {
    /// An actor name that is empty or uses characters outside `[a-z0-9_]`.
    #[error("`{0}` is not a valid actor name: use lower-case letters, digits and `_`")]
    InvalidActorName(String),
    /// An actor added twice.
    #[error("actor `{0}` is already defined")]
    DuplicateActor(String),
    /// `total` is reserved for the sum over actors.
    #[error("`total` is reserved for the sum over actors and cannot name an actor")]
    ReservedActor,
    /// A discount rate that is negative or not finite.
    #[error("the discount rate must be a finite number of at least 0 (e.g. 0.04 for 4 %); got {0}")]
    InvalidRate(f64),
    /// A profile with no years.
    #[error("a profile must be at least 1 year long")]
    EmptyProfile,
    /// An actor index beyond the actor set.
    #[error("actor number {index} does not exist (there are {n_actors} actors)")]
    UnknownActor {
        /// The index given.
        index: usize,
        /// How many actors there are.
        n_actors: usize,
    },
    /// A vector of the wrong length.
    #[error("{what}{}: expected {expected} values but got {found}", of_actor(.actor))]
    Length {
        /// Which vector (e.g. "the cumulative values").
        what: String,
        /// The actor it belongs to, if any.
        actor: Option<ActorRef>,
        /// The valid length(s), as text.
        expected: String,
        /// The length given.
        found: usize,
    },
    /// A number that is not finite, or negative where it must not be.
    #[error("{what}{} must be {valid}; got {value}", of_actor(.actor))]
    InvalidValue {
        /// What the number is.
        what: String,
        /// The actor it belongs to, if any.
        actor: Option<ActorRef>,
        /// What would be valid.
        valid: &'static str,
        /// The value given.
        value: f64,
    },
    /// Checkpoint years not strictly increasing, or below 1.
    #[error("checkpoint years must be strictly increasing and at least 1; checkpoint {index} is year {year}{}", .previous.map(|p| format!(", after year {p}")).unwrap_or_default())]
    CheckpointOrder {
        /// 0-based index of the offending checkpoint.
        index: usize,
        /// Its year.
        year: u32,
        /// The year before it, if any.
        previous: Option<u32>,
    },
    /// A cumulative value that falls between two checkpoints.
    #[error(
        "the cumulative value of {actor} falls from {from} at year {year_from} to {to} at year {year_to}, which means a negative annual cost; if that is intended, state it with `allow_decrease: true`"
    )]
    FallingCumulative {
        /// The actor.
        actor: ActorRef,
        /// Earlier checkpoint year.
        year_from: u32,
        /// Its cumulative value.
        from: f64,
        /// Later checkpoint year.
        year_to: u32,
        /// Its (lower) cumulative value.
        to: f64,
    },
    /// A catalogue item defined twice.
    #[error("catalogue item `{0}` is already defined")]
    DuplicateItem(String),
    /// A catalogue item index that does not exist.
    #[error("catalogue item number {0} does not exist")]
    UnknownItem(usize),
    /// A group refers to a profile that does not exist.
    #[error("group `{group}` refers to profile number {profile}, but there are only {n_profiles}")]
    UnknownProfile {
        /// The group.
        group: String,
        /// The profile index given.
        profile: usize,
        /// How many profiles there are.
        n_profiles: usize,
    },
    /// A profile whose actor count differs from the model's.
    #[error("profile number {profile} has {found} actors but the model has {expected}")]
    ActorCount {
        /// The profile index.
        profile: usize,
        /// Actors in the model.
        expected: usize,
        /// Actors in the profile.
        found: usize,
    },
    /// A stock year outside the profile.
    #[error(
        "group `{group}`: stock_year {year} is outside its profile, which has years 1 to {len}"
    )]
    StockYear {
        /// The group.
        group: String,
        /// The year given.
        year: u32,
        /// The profile length.
        len: usize,
    },
    /// A feed to a group that does not exist, or to itself.
    #[error("group `{group}` feeds {target}, which is not another group of the model")]
    FeedTarget {
        /// The feeding group.
        group: String,
        /// The target as given.
        target: String,
    },
    /// Feed shares summing above 1.
    #[error(
        "the feed shares of group `{group}` sum to {sum}; a group cannot send more than all its cases (at most 1)"
    )]
    FeedSum {
        /// The group.
        group: String,
        /// The sum.
        sum: f64,
    },
    /// Feeds that form a cycle: the groups on it, in order, the first
    /// repeated at the end (recruits → members → recruits).
    #[error("feeds form a cycle: {}; feeds must not lead back to a group they came from", .0.join(" → "))]
    FeedCycle(Vec<String>),
    /// Two groups with the same name (messages name groups, so names must
    /// tell them apart).
    #[error("group `{0}` is defined twice")]
    DuplicateGroup(String),
    /// An index (of a group, profile, feed or year) that does not exist.
    #[error("{what} number {index} does not exist (valid: {valid})")]
    OutOfRange {
        /// What kind of thing, e.g. "group" or "year of the inflow of group `a`".
        what: String,
        /// The index given.
        index: usize,
        /// The valid range, as text.
        valid: String,
    },
    /// An intervention effect that cannot be applied to its group.
    #[error("group `{group}`, {effect}: {problem}")]
    InvalidEffect {
        /// The group the effect acts on.
        group: String,
        /// Which effect, e.g. "turn effect 1" (0-based, in the order of
        /// `GroupEffects::turn` / `GroupEffects::prevent`), or "inflow factor".
        effect: String,
        /// What is wrong and what would be valid.
        problem: String,
    },
}

impl CostError {
    /// The actor the error concerns, if any.
    pub fn actor(&self) -> Option<ActorId> {
        match self {
            CostError::Length { actor, .. } | CostError::InvalidValue { actor, .. } => {
                actor.as_ref().map(|a| a.id)
            }
            CostError::FallingCumulative { actor, .. } => Some(actor.id),
            CostError::UnknownActor { index, .. } => Some(ActorId(*index)),
            _ => None,
        }
    }

    /// The group (by name) the error concerns, if any: for a feed cycle,
    /// the first group on it.
    pub fn group(&self) -> Option<&str> {
        match self {
            CostError::UnknownProfile { group, .. }
            | CostError::StockYear { group, .. }
            | CostError::FeedTarget { group, .. }
            | CostError::FeedSum { group, .. }
            | CostError::InvalidEffect { group, .. } => Some(group),
            CostError::FeedCycle(groups) => groups.first().map(String::as_str),
            CostError::DuplicateGroup(g) => Some(g),
            _ => None,
        }
    }

    /// The same error with the actor it concerns named from `actors`, so its
    /// message names the actor as the scenario file does.
    pub fn with_actor_names(mut self, actors: &ActorSet) -> CostError {
        let name = |a: &mut ActorRef| {
            a.name = actors.names().get(a.id.0).cloned();
        };
        match &mut self {
            CostError::Length { actor: Some(a), .. }
            | CostError::InvalidValue { actor: Some(a), .. }
            | CostError::FallingCumulative { actor: a, .. } => name(a),
            _ => {}
        }
        self
    }
}
