//! The four outcome tracks and the channels interventions act through (model.md §5).

use std::fmt;
use std::str::FromStr;

use crate::SynergyError;

/// One of the four outcome tracks of model.md §5, each with a state
/// x_k(t) ∈ [−1, 1] (0 = the deprived area's baseline, 1 = the national norm).
///
/// The order (and [`Track::index`]) is fixed: school, housing, labour, safety.
/// Every per-track array and every 4×4 matrix in this crate uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Track {
    /// School results (index 0).
    School,
    /// Housing: the landlord's and tenants' side of the area (index 1). Also
    /// modulates the turnover drain of every track (the happiness paradox).
    Housing,
    /// Labour: jobs and internships (index 2).
    Labour,
    /// Safety and justice: police, courts, gangs (index 3).
    Safety,
}

impl Track {
    /// All tracks in index order.
    pub const ALL: [Track; 4] = [Track::School, Track::Housing, Track::Labour, Track::Safety];

    /// The position of this track in per-track arrays and matrices (0..4).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The track at `index`, if `index < 4`.
    pub const fn from_index(index: usize) -> Option<Track> {
        match index {
            0 => Some(Track::School),
            1 => Some(Track::Housing),
            2 => Some(Track::Labour),
            3 => Some(Track::Safety),
            _ => None,
        }
    }

    /// The lower-case name used in scenario files: `school`, `housing`, `labour`, `safety`.
    pub const fn name(self) -> &'static str {
        match self {
            Track::School => "school",
            Track::Housing => "housing",
            Track::Labour => "labour",
            Track::Safety => "safety",
        }
    }
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Track {
    type Err = SynergyError;

    /// Parses a track name, ignoring ASCII case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Track::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| SynergyError::UnknownTrack(s.to_string()))
    }
}

/// Where an intervention acts: on one of the four tracks, or on coordination
/// between the actors (the communication track of model.md §5, which has no
/// outcome state of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Drives the state of one track.
    Track(Track),
    /// Drives coordination c(t) only.
    Communication,
}

impl Channel {
    /// The name used in scenario files: a track name or `communication`.
    pub const fn name(self) -> &'static str {
        match self {
            Channel::Track(k) => k.name(),
            Channel::Communication => "communication",
        }
    }

    /// The track this channel acts on, or `None` for communication.
    pub const fn track(self) -> Option<Track> {
        match self {
            Channel::Track(k) => Some(k),
            Channel::Communication => None,
        }
    }
}

impl From<Track> for Channel {
    fn from(k: Track) -> Self {
        Channel::Track(k)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Channel {
    type Err = SynergyError;

    /// Parses a track name or `communication`, ignoring ASCII case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("communication") {
            return Ok(Channel::Communication);
        }
        s.parse::<Track>()
            .map(Channel::Track)
            .map_err(|_| SynergyError::UnknownChannel(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in Track::ALL {
            assert_eq!(k.name().parse::<Track>(), Ok(k));
            assert_eq!(Track::from_index(k.index()), Some(k));
            assert_eq!(k.name().parse::<Channel>(), Ok(Channel::Track(k)));
        }
        assert_eq!(
            " Communication ".parse::<Channel>(),
            Ok(Channel::Communication)
        );
        assert!("police".parse::<Track>().is_err());
        assert!("communication".parse::<Track>().is_err());
        assert!(matches!(
            "x".parse::<Channel>(),
            Err(SynergyError::UnknownChannel(_))
        ));
        assert_eq!(Track::from_index(4), None);
    }
}
