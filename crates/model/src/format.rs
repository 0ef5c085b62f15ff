//! Numbers for people: shares as percentages without floating-point noise
//! (3.5, not 3.5000000000000004).

/// `share` (0–1) as a percentage, rounded to 6 significant digits and
/// without trailing zeros: 0.035 → "3.5", 0.04 → "4".
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if !p.is_finite() {
        return format!("{p}");
    }
    // Round to 6 significant digits, then let `{}` print the shortest form.
    let digits = if p == 0.0 {
        0
    } else {
        5 - p.abs().log10().floor() as i32
    };
    let scale = 10f64.powi(digits.clamp(-300, 300));
    let rounded = (p * scale).round() / scale;
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percentages_without_float_noise() {
        assert_eq!(percent(0.035), "3.5");
        assert_eq!(percent(0.04), "4");
        assert_eq!(percent(3.5), "350");
        assert_eq!(percent(0.0), "0");
        assert_eq!(percent(0.123456789), "12.3457");
    }
}
