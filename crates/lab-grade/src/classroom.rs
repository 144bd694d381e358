//! GitHub Classroom: a grading as the results its autograding reporter
//! (`classroom-resources/autograding-grading-reporter`) reads.
//!
//! The reporter reads each runner's result from `<RUNNER>_RESULTS`: base64 of
//! `{"version": 1, "status", "max_score", "tests": [...]}`. It prints a table
//! whose points come from the *count* of passed tests (`passed / tests ×
//! max_score`) and posts to Classroom the *sum* of the tests' scores. The two
//! agree only when a result's tests all weigh the same, so a grading is one
//! result per kind of stage (`lesson=...`, `robustness=...`), each test worth
//! its kind's points divided by its kind's stages; when only one kind is
//! worth points, that kind's result is named `result`. Kinds worth nothing
//! are sent too (`max_score` 0: shown, not counted). Every test has `line_no: 0`,
//! which the reporter reads as "no line" (without it, it prints `line undefined`).

use serde_json::json;

use crate::points::{Points, Score};
use crate::report::{Report, Status};
use crate::stage::Outcome;

/// One result: its output's name (`lesson`, `robustness`, `conventions`, or
/// `result`) and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Result {
    /// The step output's name.
    pub name: String,
    /// What the reporter decodes.
    pub json: serde_json::Value,
}

/// The results of `report` with `points`: one per kind that has a stage that
/// counts.
pub fn results(report: &Report, points: &Points) -> Vec<Result> {
    let score = Score::of(report, points);
    let paid = points.kinds_with_points();
    let single = paid.len() == 1;
    score
        .kinds
        .iter()
        .filter(|k| k.total > 0)
        .map(|k| {
            let status = match report.status() {
                Status::Error => "error",
                // A kind the verdict does not require never fails the check.
                _ if report.requires(k.kind) && k.passed < k.total => "fail",
                _ => "pass",
            };
            let each = k.max / k.total as f64;
            let tests: Vec<_> = report
                .stages
                .iter()
                .filter(|s| s.kind == k.kind && s.counts())
                .map(|s| {
                    let message = match &s.outcome {
                        Outcome::Passed => String::new(),
                        Outcome::Failed(failure) => failure.to_string(),
                        Outcome::NotRun(why) => format!("not run: {why}"),
                        Outcome::Skipped(why) => format!("skipped: {why}"),
                    };
                    json!({
                        "name": format!("{}: {}", s.id, s.checks),
                        "status": if s.passed() { "pass" } else { "fail" },
                        "score": if s.passed() { each } else { 0.0 },
                        "message": message,
                        "line_no": 0,
                        "filename": "",
                        "execution_time": "",
                    })
                })
                .collect();
            let name = if single && paid.contains(&k.kind) {
                "result".to_string()
            } else {
                k.kind.name().to_string()
            };
            Result {
                name,
                json: json!({
                    "version": 1,
                    "status": status,
                    "max_score": k.max,
                    "tests": tests,
                }),
            }
        })
        .collect()
}

/// The lines to append to `$GITHUB_OUTPUT`: `NAME=<base64>` per result.
pub fn lines(report: &Report, points: &Points) -> String {
    results(report, points)
        .iter()
        .map(|r| format!("{}={}\n", r.name, base64(r.json.to_string().as_bytes())))
        .collect()
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Node's `Buffer.from(text, "base64")` reads it.
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional), or `None` if it is not base64.
pub fn unbase64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end().trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut bits = 0u32;
    let mut count = 0;
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)?;
        bits = bits << 6 | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::report::StageResult;
    use crate::stage::{Failure, StageKind};

    fn report() -> Report {
        let stage = |id, kind, outcome| StageResult {
            id,
            checks: "checks it",
            kind,
            outcome,
        };
        let failed =
            || Outcome::Failed(Box::new(Failure::new("hi", "ECHO: hi", "nothing", "loop")));
        Report {
            program: "echo-server2".into(),
            command: "python3 echo-server2.py".into(),
            stages: vec![
                stage("replies", StageKind::Lesson, Outcome::Passed),
                stage("loops", StageKind::Lesson, Outcome::Passed),
                stage("counts", StageKind::Lesson, failed()),
                stage("reset", StageKind::Robustness, Outcome::Passed),
                stage("invalid_utf8", StageKind::Robustness, failed()),
                stage(
                    "help",
                    StageKind::Conventions,
                    Outcome::Skipped("flags".into()),
                ),
                stage("green", StageKind::Conventions, Outcome::Passed),
            ],
            required: Vec::new(),
        }
    }

    /// What the reporter computes: its table's points (from the count of passed
    /// tests) and the points it posts (the sum of the scores).
    fn reporter_points(result: &serde_json::Value) -> (f64, f64) {
        let tests = result["tests"].as_array().unwrap();
        let max = result["max_score"].as_f64().unwrap();
        let passed = tests.iter().filter(|t| t["status"] == "pass").count();
        let table = passed as f64 / tests.len() as f64 * max;
        let posted = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
        (table, posted)
    }

    #[test]
    fn one_result_per_kind_whose_table_and_posted_points_agree() {
        let results = results(&report(), &Points::default());
        let names: Vec<_> = results.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["lesson", "robustness", "conventions"]);
        let lesson = &results[0].json;
        assert_eq!(lesson["version"], 1);
        assert_eq!(lesson["status"], "fail");
        assert_eq!(lesson["max_score"], 70.0);
        assert_eq!(lesson["tests"].as_array().unwrap().len(), 3);
        let (table, posted) = reporter_points(lesson);
        assert!((table - posted).abs() < 1e-9, "{table} vs {posted}");
        assert!((posted - 70.0 * 2.0 / 3.0).abs() < 1e-9);
        let failing = &lesson["tests"][2];
        assert_eq!(failing["name"], "counts: checks it");
        assert_eq!(failing["status"], "fail");
        assert_eq!(failing["score"], 0.0);
        assert_eq!(failing["line_no"], 0);
        let message = failing["message"].as_str().unwrap();
        for part in [
            "sent: hi",
            "expected: ECHO: hi",
            "got: nothing",
            "hint: loop",
        ] {
            assert!(message.contains(part), "{part} in {message}");
        }
        // Robustness is not required: its failure shows, but does not fail the check.
        assert_eq!(results[1].json["status"], "pass");
        assert_eq!(results[1].json["tests"][1]["status"], "fail");
        assert_eq!(reporter_points(&results[1].json), (15.0, 15.0));
        // Conventions are worth nothing by default; the skipped stage is left out.
        assert_eq!(results[2].json["max_score"], 0.0);
        assert_eq!(results[2].json["tests"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_required_kind_fails_its_result_and_a_program_that_cannot_start_is_an_error() {
        let mut report = report();
        report.required = vec![StageKind::Robustness];
        assert_eq!(
            results(&report, &Points::default())[1].json["status"],
            "fail"
        );
        let mut failure = Failure::new("", "", "", "");
        failure.cannot_start = true;
        report.stages[0].outcome = Outcome::Failed(Box::new(failure));
        for result in results(&report, &Points::default()) {
            assert_eq!(result.json["status"], "error");
        }
    }

    #[test]
    fn one_kind_with_points_is_the_single_result() {
        let points = Points::parse("lesson=100").unwrap();
        let results = results(&report(), &points);
        let names: Vec<_> = results.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["result", "robustness", "conventions"]);
        assert_eq!(results[0].json["max_score"], 100.0);
        assert_eq!(results[1].json["max_score"], 0.0);
    }

    #[test]
    fn the_lines_decode_to_the_results() {
        let text = lines(&report(), &Points::default());
        let all = results(&report(), &Points::default());
        assert_eq!(text.lines().count(), all.len());
        for (line, result) in text.lines().zip(&all) {
            let (name, encoded) = line.split_once('=').unwrap();
            assert_eq!(name, result.name);
            let decoded: serde_json::Value =
                serde_json::from_slice(&unbase64(encoded).unwrap()).unwrap();
            assert_eq!(decoded, result.json);
        }
    }

    #[test]
    fn base64_is_the_standard_one() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
            ("é?>", "w6k/Pg=="),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
            assert_eq!(unbase64(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(unbase64("not base64!"), None);
    }
}
