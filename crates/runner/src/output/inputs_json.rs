//! inputs.json: every uncertain input of the scenario with its
//! distribution and central value, the assumptions a report lists
//! (docs/output-format.md). Kept apart from summary.json so the summary's
//! golden files stay about results only.

use serde::Serialize;

use super::{Output, OutputError, RunReport};

/// inputs.json.
#[derive(Debug, Clone, Copy, Default)]
pub struct InputsJson;

/// One uncertain input.
#[derive(Serialize)]
struct Input<'a> {
    path: &'a str,
    file: String,
    distribution: String,
    central: f64,
}

#[derive(Serialize)]
struct Inputs<'a> {
    uncertain_inputs: Vec<Input<'a>>,
}

impl Output for InputsJson {
    fn name(&self) -> &'static str {
        "inputs.json"
    }

    fn file_name(&self) -> Option<&'static str> {
        Some("inputs.json")
    }

    fn render(&self, report: &RunReport<'_>) -> Result<Vec<u8>, OutputError> {
        let inputs = Inputs {
            uncertain_inputs: report
                .scenario
                .params
                .entries
                .iter()
                .map(|p| Input {
                    path: &p.path,
                    file: p.file.display().to_string(),
                    distribution: p.distribution.to_string(),
                    central: p.distribution.central(),
                })
                .collect(),
        };
        let json = serde_json::to_string_pretty(&inputs).map_err(|source| OutputError::Json {
            output: "inputs.json",
            source,
        })?;
        Ok((json + "\n").into_bytes())
    }
}
