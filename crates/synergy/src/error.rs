//! Errors from validating synergy parameters and drives.

use thiserror::Error;

/// Why a set of synergy parameters, a schedule or a drive was rejected.
///
/// Every variant names the parameter with the field names of
/// [`SynergyParams`](crate::SynergyParams), [`Schedule`](crate::Schedule) and
/// [`Drive`](crate::Drive) (plus the track where the field is per track, e.g.
/// `alpha for track housing`), the bad value and the valid range, so that a
/// caller can point at the place in its own input file.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SynergyError {
    /// A real-valued parameter lies outside its valid range (or is NaN/infinite).
    #[error("{parameter} is {value}, but must be {range}")]
    OutOfRange {
        /// The parameter, e.g. `alpha for track housing` or `w from school to labour`.
        parameter: String,
        /// The rejected value.
        value: f64,
        /// The valid range in words or interval notation, e.g. `in (0, 1]`.
        range: &'static str,
    },
    /// A whole-number parameter (a lag or a year) lies outside its valid range.
    #[error("{parameter} is {value}, but must be {range}")]
    IntegerOutOfRange {
        /// The parameter, e.g. `lags from school to safety`.
        parameter: String,
        /// The rejected value.
        value: u64,
        /// The valid range, e.g. `at least 1 (whole years)`.
        range: &'static str,
    },
    /// A matrix or vector given as nested lists does not have four entries per
    /// dimension (one per track, in the order school, housing, labour, safety).
    #[error(
        "{parameter} must be {expected} (one entry per track: school, housing, labour, safety), but is {found}"
    )]
    WrongShape {
        /// The parameter, e.g. `w` or `boost`.
        parameter: String,
        /// The expected shape, e.g. `4×4`.
        expected: &'static str,
        /// The shape found, e.g. `3 rows` or `row 2 with 5 entries`.
        found: String,
    },
    /// A repression impulse was attached to a communication drive; communication
    /// has no track state for a "worse before better" impulse to act on (model.md §5).
    #[error(
        "repression on a communication drive: communication has no track state for the impulse to act on; attach it to a school, housing, labour or safety drive"
    )]
    RepressionOnCommunication,
    /// A track name that is not one of `school`, `housing`, `labour`, `safety`.
    #[error("unknown track `{0}`: expected one of school, housing, labour, safety")]
    UnknownTrack(String),
    /// A channel name that is not a track name or `communication`.
    #[error(
        "unknown channel `{0}`: expected one of school, housing, labour, safety, communication"
    )]
    UnknownChannel(String),
    /// The tipping test's look-ahead ([`TippingRule::lookahead`](crate::TippingRule::lookahead))
    /// is 0 or longer than [`TippingRule::MAX_LOOKAHEAD`](crate::TippingRule::MAX_LOOKAHEAD).
    #[error(
        "tipping.lookahead is {value} years, but must be between 1 and {max} years (the range of a scenario's horizon)"
    )]
    TippingLookahead {
        /// The rejected look-ahead (years).
        value: u32,
        /// The longest look-ahead allowed (years).
        max: u32,
    },
    /// The tipping test's level ([`TippingRule::level`](crate::TippingRule::level))
    /// is not strictly between the baseline (0) and the national norm (1).
    #[error("tipping.level is {value}, but must be in (0, 1) (state units)")]
    TippingLevel {
        /// The rejected level.
        value: f64,
    },
}

impl SynergyError {
    /// The name of the offending parameter, if the error is about one.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            Self::OutOfRange { parameter, .. }
            | Self::IntegerOutOfRange { parameter, .. }
            | Self::WrongShape { parameter, .. } => Some(parameter),
            Self::RepressionOnCommunication => Some("repression"),
            Self::TippingLookahead { .. } => Some("tipping.lookahead"),
            Self::TippingLevel { .. } => Some("tipping.level"),
            Self::UnknownTrack(_) | Self::UnknownChannel(_) => None,
        }
    }
}

/// Checks that `value` is finite and satisfies `ok`, or builds the error.
pub(crate) fn check(
    parameter: impl FnOnce() -> String,
    value: f64,
    ok: bool,
    range: &'static str,
) -> Result<(), SynergyError> {
    if value.is_finite() && ok {
        Ok(())
    } else {
        Err(SynergyError::OutOfRange {
            parameter: parameter(),
            value,
            range,
        })
    }
}
