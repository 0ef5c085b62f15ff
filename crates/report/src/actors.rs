//! The actors' names explained: the keys a scenario uses, what the Swedish
//! name means, and who that is (docs/report.md lists the same).

/// One actor of the standard set.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    /// The key in scenario files and results.
    pub key: &'static str,
    /// The Swedish name.
    pub swedish: &'static str,
    /// Who it is, in English.
    pub english: &'static str,
    /// What it pays for.
    pub pays_for: &'static str,
}

/// The report's seven actors, in the order results list them.
pub const STANDARD: [Actor; 7] = [
    Actor {
        key: "arbetsformedlingen",
        swedish: "Arbetsförmedlingen",
        english: "employment service",
        pays_for: "job search support, labour-market programmes",
    },
    Actor {
        key: "forsakringskassan",
        swedish: "Försäkringskassan",
        english: "social insurance",
        pays_for: "sickness, activity and disability benefits",
    },
    Actor {
        key: "kommun",
        swedish: "Kommun",
        english: "municipality",
        pays_for: "social services, schools, income support",
    },
    Actor {
        key: "region",
        swedish: "Landsting / Region",
        english: "health care region",
        pays_for: "health care, psychiatry",
    },
    Actor {
        key: "rattsvasende",
        swedish: "Rättsväsende",
        english: "police and justice",
        pays_for: "police, prosecutors, courts, prisons, probation",
    },
    Actor {
        key: "ovriga",
        swedish: "Övriga",
        english: "others",
        pays_for: "the public, victims, businesses",
    },
    Actor {
        key: "produktionsvarde",
        swedish: "Produktionsvärde",
        english: "lost production",
        pays_for: "society's loss of what people would have produced",
    },
];

/// The standard actor with key `key`, if it is one.
pub fn lookup(key: &str) -> Option<&'static Actor> {
    STANDARD.iter().find(|a| a.key == key)
}

/// A label for charts and tables: `kommun (municipality)`; a scenario's own
/// actor (a landlord, say) keeps its key.
pub fn label(key: &str) -> String {
    match lookup(key) {
        Some(a) => format!("{} ({})", a.key, a.english),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_actors_are_explained_and_others_keep_their_key() {
        assert_eq!(label("kommun"), "kommun (municipality)");
        assert_eq!(label("rattsvasende"), "rattsvasende (police and justice)");
        assert_eq!(label("landlord"), "landlord");
    }
}
