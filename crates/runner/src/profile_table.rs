//! `palett table`: one profile's cumulative present value per actor at
//! chosen years, laid out like the report's tables.

use palett_cost::Discounting;
use serde::Serialize;

use palett_model::Scenario;

use crate::error::TableError;

/// Cumulative PV of one case of a profile, per actor, at chosen years.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileTable {
    /// Profile name.
    pub profile: String,
    /// Discount rate used (share per year).
    pub rate: f64,
    /// Scale applied (central value of the profile's scale).
    pub scale: f64,
    /// The years (profile years of one case), as asked.
    pub years: Vec<u32>,
    /// One row per actor, then `total`.
    pub rows: Vec<TableRow>,
}

/// One actor's cumulative PV at each year, SEK.
#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    /// Actor name, or `total`.
    pub actor: String,
    /// Cumulative PV at each of [`ProfileTable::years`], SEK.
    pub cumulative_pv: Vec<f64>,
}

/// Computes the table for `profile` at `years`; `rate` overrides the
/// scenario's (central) discount rate.
pub fn profile_table(
    s: &Scenario,
    profile: &str,
    years: &[u32],
    rate: Option<f64>,
) -> Result<ProfileTable, TableError> {
    let Some(def) = s.profile(profile) else {
        return Err(TableError::UnknownProfile {
            file: s.file.clone(),
            profile: profile.to_string(),
            known: s.profiles.iter().map(|p| p.name.clone()).collect(),
        });
    };
    let central = s.params.central_values();
    let rate = rate.unwrap_or_else(|| s.discount_rate.get(&central));
    let d = Discounting::new(rate).map_err(TableError::Rate)?;
    let scale = def.scale.get(&central);
    let by_actor = def.profile.scaled(scale).cumulative_pv_at(years, &d);
    let mut rows: Vec<TableRow> = s
        .actors
        .names()
        .iter()
        .zip(by_actor)
        .map(|(a, v)| TableRow {
            actor: a.clone(),
            cumulative_pv: v,
        })
        .collect();
    let total = (0..years.len())
        .map(|k| rows.iter().map(|r| r.cumulative_pv[k]).sum())
        .collect();
    rows.push(TableRow {
        actor: "total".into(),
        cumulative_pv: total,
    });
    Ok(ProfileTable {
        profile: profile.to_string(),
        rate,
        scale,
        years: years.to_vec(),
        rows,
    })
}

/// Groups digits in threes with a space, as the report prints SEK: `1 340 733`.
pub fn thousands(v: f64) -> String {
    let r = v.round();
    let neg = r < 0.0;
    let digits = format!("{:.0}", r.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    if neg && out != "0" {
        format!("-{out}")
    } else {
        out
    }
}

impl ProfileTable {
    /// Text: actors as rows, years as columns, SEK rounded, thousands separated.
    pub fn to_text(&self) -> String {
        let head: Vec<String> = self.years.iter().map(|y| format!("year {y}")).collect();
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.cumulative_pv.iter().map(|v| thousands(*v)).collect())
            .collect();
        let w0 = self
            .rows
            .iter()
            .map(|r| r.actor.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let widths: Vec<usize> = (0..self.years.len())
            .map(|k| {
                cells
                    .iter()
                    .map(|c| c[k].len())
                    .chain([head[k].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = format!(
            "Profile `{}`: cumulative present value of one case, SEK ({}% discount rate, year 1 undiscounted{})\n",
            self.profile,
            self.rate * 100.0,
            if self.scale != 1.0 {
                format!(", scale {}", self.scale)
            } else {
                String::new()
            }
        );
        out.push_str(&format!("{:<w0$}", "actor"));
        for (k, h) in head.iter().enumerate() {
            out.push_str(&format!("  {:>w$}", h, w = widths[k]));
        }
        out.push('\n');
        for (r, c) in self.rows.iter().zip(&cells) {
            if r.actor == "total" {
                out.push_str(&"-".repeat(w0 + widths.iter().map(|w| w + 2).sum::<usize>()));
                out.push('\n');
            }
            out.push_str(&format!("{:<w0$}", r.actor));
            for (k, v) in c.iter().enumerate() {
                out.push_str(&format!("  {:>w$}", v, w = widths[k]));
            }
            out.push('\n');
        }
        out
    }

    /// CSV: `actor,year,cumulative_pv`, SEK with two decimals.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("actor,year,cumulative_pv\n");
        for r in &self.rows {
            for (y, v) in self.years.iter().zip(&r.cumulative_pv) {
                out.push_str(&format!("{},{},{:.2}\n", r.actor, y, v));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_thousands_like_the_report() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(9246.4), "9 246");
        assert_eq!(thousands(1340733.0), "1 340 733");
        assert_eq!(thousands(-123456.0), "-123 456");
        assert_eq!(thousands(-0.2), "0");
    }
}
