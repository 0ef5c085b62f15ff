//! The command line itself: help, exit codes, completions, man page.

use super::support::{palett, text};

#[test]
fn help_leads_with_examples_and_lists_exit_codes() {
    let out = palett(&["--help"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(
        stdout.contains("Examples:") && stdout.contains("palett run scenarios/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Exit codes:") && stdout.contains("3  a file was invalid"),
        "{stdout}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["run"][..],
        &["run", "scenarios", "--samples", "0"],
        &["table", "x.ron", "--profile", "p", "--years", "0"],
        &["frobnicate"],
    ] {
        let out = palett(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out).1);
    }
}

#[test]
fn missing_path_is_reported_and_exits_3() {
    let out = palett(&["validate", "no/such/dir"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr.contains("no/such/dir: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn completions_and_man_page_are_generated() {
    let out = palett(&["completions", "bash"]);
    assert!(out.status.success());
    assert!(text(&out).0.contains("_palett()"));
    let out = palett(&["man"]);
    assert!(out.status.success());
    assert!(text(&out).0.contains(".TH palett 1"));
}
