//! Bad input gets `FILE:LINE:COL: message` naming what is wrong and what
//! would be valid; one bad file never stops the others.

use super::support::{Scratch, palett, root, text};

const LIB: &str = r#"Library(
    profiles: {
        "flat": Annual(years: 5, amounts: { "kommun": [1000] }),
    },
)
"#;

/// Validates `body` as a scenario next to a library `lib.ron`; returns
/// (exit code, stderr, scenario path as printed).
fn validate(body: &str) -> (Option<i32>, String, String) {
    let s = Scratch::new();
    s.write("lib.ron", LIB);
    let p = s.write("bad.ron", body);
    let out = palett(&["validate", p.to_str().expect("utf-8 path")]);
    let (_, stderr) = text(&out);
    (out.status.code(), stderr, p.display().to_string())
}

/// Asserts one diagnostic at `line` of the scenario file containing every `needle`.
fn expect_error(body: &str, line: usize, needles: &[&str]) {
    let (code, stderr, path) = validate(body);
    assert_eq!(code, Some(3), "invalid file exits 3: {stderr}");
    let prefix = format!("{path}:{line}:");
    let hit = stderr
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no diagnostic at {prefix} in:\n{stderr}"));
    for n in needles {
        assert!(hit.contains(n), "`{n}` missing from: {hit}");
    }
}

#[test]
fn ron_syntax_error() {
    expect_error(
        "Scenario(\n    name: \"x\",\n    groups: { \"a\": (profile: \"flat\" stock: 1) },\n)\n",
        3,
        &["Expected"],
    );
}

#[test]
fn unknown_field_lists_valid_ones() {
    expect_error(
        "Scenario(\n    include: [\"lib.ron\"],\n    groups: {\n        \"a\": (profile: \"flat\", stok: 1),\n    },\n)\n",
        4,
        &["unknown field `stok`", "stock"],
    );
}

#[test]
fn negative_discount_rate() {
    expect_error(
        "Scenario(\n    settings: (\n        discount_rate: -0.01,\n    ),\n)\n",
        3,
        &["discount rate", "at least 0", "-0.01"],
    );
}

#[test]
fn checkpoints_out_of_order() {
    expect_error(
        "Scenario(\n    profiles: {\n        \"p\": Checkpoints(rate: 0.04, years: [1, 5, 3],\n            cumulative: { \"kommun\": [1, 2, 3] }),\n    },\n)\n",
        3,
        &["profile `p`", "increasing"],
    );
}

#[test]
fn falling_cumulative_value() {
    expect_error(
        "Scenario(\n    profiles: {\n        \"p\": Checkpoints(rate: 0.04, years: [1, 2, 3],\n            cumulative: { \"kommun\": [100, 200, 150] }),\n    },\n)\n",
        4,
        &["profile `p`", "kommun", "allow_decrease"],
    );
}

#[test]
fn falling_cumulative_value_allowed_when_stated() {
    let (code, stderr, _) = validate(
        "Scenario(\n    profiles: {\n        \"p\": Checkpoints(rate: 0.04, years: [1, 2, 3], allow_decrease: true,\n            cumulative: { \"kommun\": [100, 200, 150] }),\n    },\n)\n",
    );
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn group_names_missing_profile() {
    expect_error(
        "Scenario(\n    include: [\"lib.ron\"],\n    groups: {\n        \"a\": (\n            profile: \"flta\",\n        ),\n    },\n)\n",
        5,
        &["profile `flta`", "does not exist", "flat"],
    );
}

#[test]
fn feed_cycle_is_named() {
    expect_error(
        "Scenario(\n    include: [\"lib.ron\"],\n    groups: {\n        \"a\": (profile: \"flat\", feeds: [(to: \"b\", share: 0.1)]),\n        \"b\": (profile: \"flat\", feeds: [(to: \"a\", share: 0.1)]),\n    },\n)\n",
        4,
        &["cycle", "a", "b"],
    );
}

#[test]
fn missing_included_file() {
    expect_error(
        "Scenario(\n    include: [\n        \"nowhere.ron\",\n    ],\n)\n",
        3,
        &["nowhere.ron", "not found"],
    );
}

#[test]
fn error_inside_an_included_library_points_into_it() {
    let s = Scratch::new();
    let lib = s.write(
        "lib/bad-lib.ron",
        "Library(\n    profiles: {\n        \"p\": Annual(years: 2, amounts: { \"kommunen\": [1] }),\n    },\n)\n",
    );
    let p = s.write("main.ron", "Scenario(include: [\"lib/bad-lib.ron\"])\n");
    let out = palett(&["validate", p.to_str().expect("utf-8")]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3));
    let name = lib.file_name().and_then(|n| n.to_str()).expect("name");
    assert!(
        stderr.lines().any(|l| l.contains(name)
            && l.contains(":3:")
            && l.contains("unknown actor `kommunen`")
            && l.contains("kommun")),
        "{stderr}"
    );
}

#[test]
fn distribution_with_bad_parameters() {
    expect_error(
        "Scenario(\n    include: [\"lib.ron\"],\n    groups: {\n        \"a\": (profile: \"flat\",\n            stock: Pert(5, 2, 1)),\n    },\n)\n",
        5,
        &["Pert"],
    );
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let s = Scratch::new();
    s.write("good.ron", "Scenario(name: \"good\")\n");
    s.write("bad.ron", "Scenario(nme: \"bad\")\n");
    s.write("also-good.ron", "Scenario()\n");
    let out = palett(&["validate", s.dir.path().to_str().expect("utf-8")]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout.contains("3 files checked: 2 valid, 1 invalid"),
        "{stdout}"
    );
    assert!(
        stderr.contains("bad.ron:1:10: unknown field `nme`"),
        "{stderr}"
    );
}

const GROUPS: &str =
    "    include: [\"lib.ron\"],\n    groups: { \"g\": (profile: \"flat\", stock: 10) },\n";

#[test]
fn wrong_type() {
    expect_error(
        &format!("Scenario(\n{GROUPS}    settings: (horizon: \"ten\"),\n)\n"),
        4,
        &["`horizon` takes a whole number", "found `\"ten\"`"],
    );
}

#[test]
fn unknown_intervention_in_a_mix() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{ \"police\": (track: \"safety\", weight: 1) }},\n    mixes: {{\n        \"m\": (interventions: [\"police\", \"polise\"]),\n    }},\n)\n"
        ),
        6,
        &["`polise`", "does not exist", "police"],
    );
}

#[test]
fn unknown_actor() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{\n        \"police\": (track: \"safety\",\n            cost: {{ \"polisen\": 100 }}),\n    }},\n)\n"
        ),
        6,
        &["unknown actor `polisen`", "rattsvasende"],
    );
}

#[test]
fn unknown_track() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{\n        \"x\": (track: \"skola\"),\n    }},\n)\n"
        ),
        5,
        &["unknown track `skola`", "school", "communication"],
    );
}

#[test]
fn correlation_with_a_path_that_does_not_exist() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{ \"x\": (track: \"safety\", reach: Pert(0.1, 0.2, 0.3)) }},\n    correlations: [\n        (between: (\"interventions.x.reach\", \"interventions.x.succes\"), rank: 0.5),\n    ],\n)\n"
        ),
        6,
        &[
            "`interventions.x.succes`",
            "not an uncertain input",
            "interventions.x.reach",
        ],
    );
}

#[test]
fn probability_distribution_outside_zero_one() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{\n        \"x\": (track: \"safety\", effect: Turn(group: \"g\"),\n            success: Normal(0.5, 0.2)),\n    }},\n)\n"
        ),
        6,
        &[
            "success probability",
            "between 0 and 1",
            "Normal(0.5, 0.2)",
            "Beta",
        ],
    );
}

#[test]
fn invalid_distribution_parameters_say_what_is_valid() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{\n        \"x\": (track: \"safety\", reach: Beta(-1, 2)),\n    }},\n)\n"
        ),
        5,
        &["Beta"],
    );
}

#[test]
fn correlation_matrix_not_positive_definite_names_the_inputs() {
    let s = Scratch::new();
    s.write("lib.ron", LIB);
    let p = s.write(
        "bad.ron",
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{ \"x\": (track: \"safety\", reach: Pert(0.1, 0.2, 0.3), success: Pert(0.1, 0.2, 0.3), delay: Pert(0, 1, 2)) }},\n    correlations: [\n        (between: (\"interventions.x.reach\", \"interventions.x.success\"), rank: 0.9),\n        (between: (\"interventions.x.reach\", \"interventions.x.delay\"), rank: 0.9),\n        (between: (\"interventions.x.success\", \"interventions.x.delay\"), rank: -0.9),\n    ],\n)\n"
        ),
    );
    let out = palett(&["validate", p.to_str().expect("utf-8")]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(&format!("{}:5:", p.display())), "{stderr}");
    assert!(
        stderr.contains("positive definite") && stderr.contains("interventions.x.reach"),
        "{stderr}"
    );
}

#[test]
fn unknown_metric_in_an_assertion() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    assertions: [\n        Metric(mix: \"do_nothing\", metric: \"npv.median\", at_least: 0),\n    ],\n)\n"
        ),
        5,
        &["unknown statistic `median`", "p50"],
    );
}

#[test]
fn unknown_group_in_an_assertion() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    assertions: [\n        Metric(mix: \"do_nothing\", metric: \"cost_pv_by_group.h.mean\", at_least: 0),\n    ],\n)\n"
        ),
        5,
        &["unknown group `h`", "groups: g"],
    );
}

#[test]
fn misspelt_field_suggests_the_right_one() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{ \"police\": (track: \"safety\", wieght: 1) }},\n)\n"
        ),
        4,
        &["unknown field `wieght`", "did you mean `weight`?"],
    );
}

#[test]
fn misspelt_name_suggests_the_right_one() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{ \"police\": (track: \"safety\", weight: 1) }},\n    mixes: {{ \"m\": (interventions: [\"polise\"]) }},\n)\n"
        ),
        5,
        &["`polise`", "did you mean `police`?"],
    );
}

/// A misspelt profile is one mistake: the group, the intervention and the
/// mixes that use it are not reported as missing as well.
#[test]
fn misspelt_profile_gives_one_error() {
    let body = "Scenario(\n    include: [\"lib.ron\"],\n    groups: { \"a\": (profile: \"flta\", stock: 1) },\n    interventions: { \"p\": (track: \"safety\", effect: Prevent(group: \"a\"), weight: 1) },\n    mixes: { \"m\": (interventions: [\"p\"]), \"n\": (interventions: [\"p\"]) },\n)\n";
    let (code, stderr, path) = validate(body);
    assert_eq!(code, Some(3), "{stderr}");
    let diagnostics: Vec<&str> = stderr.lines().filter(|l| l.starts_with(&path)).collect();
    assert_eq!(diagnostics.len(), 1, "one diagnostic expected:\n{stderr}");
    assert!(diagnostics[0].contains("did you mean `flat`?"), "{stderr}");
}

#[test]
fn unknown_distribution_lists_the_valid_ones() {
    expect_error(
        "Scenario(\n    include: [\"lib.ron\"],\n    groups: { \"g\": (profile: \"flat\", inflow: Poisson(8)) },\n)\n",
        3,
        &["Pert(min, mode, max)", "LogNormal", "Discrete"],
    );
}

#[test]
fn a_misspelt_subcommand_names_the_closest() {
    let o = palett(&["rnu", "scenarios/"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("did you mean `run`?"), "{err}");
    let o = palett(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("did you mean"));
}

#[test]
fn a_fraction_where_a_whole_number_belongs_names_field_and_value() {
    expect_error(
        "Scenario(\n    settings: (\n        horizon: 30.5,\n    ),\n)\n",
        3,
        &[":3:18:", "`horizon` takes a whole number", "found `30.5`"],
    );
    expect_error(
        "Scenario(\n    settings: (\n        horizon:  Pert(10, 20, 30),\n    ),\n)\n",
        3,
        &[
            ":3:19:",
            "`horizon` takes a whole number",
            "found `Pert(10, 20, 30)`",
        ],
    );
}

#[test]
fn a_wrong_first_word_is_found_after_the_header_comments() {
    expect_error(
        "// header\n// more header\n\nScenaro(\n    name: \"x\",\n)\n",
        4,
        &[":4:1:", "found `Scenaro`", "did you mean `Scenario`?"],
    );
}

#[test]
fn a_pair_correlated_twice_points_at_the_second_entry() {
    expect_error(
        "Scenario(\n    interventions: {\n        \"a\": (track: \"school\", reach: Uniform(0.1, 0.5), success: Uniform(0.1, 0.3)),\n    },\n    correlations: [\n        (between: (\"interventions.a.reach\", \"interventions.a.success\"), rank: 0.3),\n        (between: (\"interventions.a.success\", \"interventions.a.reach\"), rank: 0.2),\n    ],\n)\n",
        7,
        &[
            "already correlated by correlations[0]",
            "give each pair once",
        ],
    );
}

#[test]
fn an_unclosed_block_comment_is_reported_where_it_opens() {
    expect_error(
        "Scenario(\n    name: \"x\",\n    /* unclosed\n    settings: (horizon: 20),\n)\n",
        3,
        &[":3:5:", "never closed"],
    );
}

#[test]
fn settings_actors_must_name_known_actors_once() {
    expect_error(
        "Scenario(\n    settings: (\n        actors: [\"komun\", \"region\"],\n    ),\n)\n",
        3,
        &["unknown actor `komun`", "did you mean `kommun`?"],
    );
    expect_error(
        "Scenario(\n    settings: (\n        actors: [\"region\", \"region\"],\n    ),\n)\n",
        3,
        &["`region` is listed twice"],
    );
    expect_error(
        "Scenario(\n    settings: (\n        actors: [],\n    ),\n)\n",
        3,
        &["keeps no accounts", "kommun"],
    );
}

const PER_YEAR: &str = r#"Scenario(
    settings: (horizon: 10),
    profiles: {
        "old": Annual(years: 3, amounts: { "kommun": [1000] }),
        "new": Annual(years: 3, amounts: { "kommun": (every_year: 1000), "region": [500, 200] }),
    },
)
"#;

/// `palett table FILE --profile P --years 3`: the row of `actor`, in SEK.
fn cumulative_pv(file: &str, profile: &str, actor: &str) -> f64 {
    let out = palett(&["table", file, "--profile", profile, "--years", "3"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(actor))
        .unwrap_or_else(|| panic!("no row {actor} in {stdout}"));
    row.split_whitespace()
        .skip(1)
        .collect::<String>()
        .parse()
        .expect("a number")
}

#[test]
fn every_year_and_lists_of_their_own_length() {
    let s = Scratch::new();
    let p = s.write("per-year.ron", PER_YEAR);
    let file = p.to_str().expect("utf-8");
    // 1000 + 1000/1.04 + 1000/1.04² at the default 4 %; 500 + 200/1.04.
    assert_eq!(cumulative_pv(file, "new", "kommun"), 2886.0);
    assert_eq!(cumulative_pv(file, "new", "region"), 692.0);
    // The old one-value list still means every year, with a warning that
    // says where and how to write it now.
    assert_eq!(cumulative_pv(file, "old", "kommun"), 2886.0);
    let out = palett(&["validate", file]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let warning = format!(
        "{}:4:54: warning: `[1000]` is read as 1000 in every one",
        p.display()
    );
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(stderr.contains("(every_year: 1000)"), "{stderr}");
    // No warning for the new spellings.
    assert_eq!(stderr.matches("warning").count(), 1, "{stderr}");
}

/// A mix with no interventions is valid but almost surely unfinished: it
/// warns, at its list.
#[test]
fn an_empty_mix_warns() {
    let s = Scratch::new();
    let text_of = std::fs::read_to_string(root().join("scenarios/herrgarden.ron")).expect("file");
    let body = text_of.replacen(
        "interventions: [\"social_housing_programme\"],",
        "interventions: [],",
        1,
    );
    assert_ne!(body, text_of, "herrgarden's housing_alone mix");
    let p = s.write("empty-mix.ron", &body);
    let line = body
        .lines()
        .position(|l| l.contains("interventions: [],"))
        .expect("the line")
        + 1;
    let out = palett(&["validate", p.to_str().expect("utf-8")]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:{line}:", p.display()))
            && stderr.contains("warning: mix `housing_alone` has no interventions"),
        "{stderr}"
    );
}

#[test]
fn a_one_value_list_of_a_distribution_warns_by_what_it_is() {
    let s = Scratch::new();
    let p = s.write(
        "one-draw.ron",
        "Scenario(\n    profiles: {\n        \"p\": Annual(years: 3, amounts: { \"kommun\": [Uniform(1, 2)] }),\n    },\n)\n",
    );
    let out = palett(&["validate", p.to_str().expect("utf-8")]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let warning = format!(
        "{}:3:52: warning: a one-value list is read as its one draw in every one of the 3 years; \
         write `(every_year: …)`",
        p.display()
    );
    assert!(stderr.contains(&warning), "{stderr}");
}

#[test]
fn every_year_misspelt_or_a_list_too_long() {
    expect_error(
        "Scenario(\n    profiles: {\n        \"p\": Annual(years: 3, amounts: { \"kommun\": (every_yaer: 1) }),\n    },\n)\n",
        3,
        &["unknown field `every_yaer`", "did you mean `every_year`?"],
    );
    expect_error(
        "Scenario(\n    profiles: {\n        \"p\": Annual(years: 2, amounts: { \"kommun\": [1, 2, 3] }),\n    },\n)\n",
        3,
        &["1 to 2"],
    );
}

#[test]
fn success_share_is_a_share_of_a_success_profile() {
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{\n        \"x\": (track: \"safety\", effect: Turn(group: \"g\"), success_profile: \"flat\", success_share: 1.5),\n    }},\n)\n"
        ),
        5,
        &[":5:98:", "share of successes", "between 0 and 1"],
    );
    expect_error(
        &format!(
            "Scenario(\n{GROUPS}    interventions: {{\n        \"x\": (track: \"safety\", effect: Turn(group: \"g\"), success_share: 0.5),\n    }},\n)\n"
        ),
        5,
        &["give the intervention a success_profile too"],
    );
}
