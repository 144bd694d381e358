//! The grade: every stage's outcome, as text for a person (coloured only on a
//! terminal, never with NO_COLOR: the `colored` crate decides) or as one JSON
//! document for CI.

use std::fmt::Write as _;

use colored::Colorize;
use serde_json::json;

use crate::stage::Outcome;

/// One stage's result.
#[derive(Debug)]
pub struct StageResult {
    /// The stage's name.
    pub id: &'static str,
    /// What it checks.
    pub checks: &'static str,
    /// Whether it is required.
    pub required: bool,
    /// How it went.
    pub outcome: Outcome,
}

/// A program's grade.
#[derive(Debug)]
pub struct Report {
    /// The program graded (its rubric's name).
    pub program: String,
    /// The command that ran it.
    pub command: String,
    /// Every stage, in the rubric's order.
    pub stages: Vec<StageResult>,
}

impl Report {
    /// Whether every required stage passed (a skipped one does not count against).
    pub fn passed(&self) -> bool {
        self.stages
            .iter()
            .all(|s| !s.required || !matches!(s.outcome, Outcome::Failed(_)))
    }

    /// How many stages passed, and how many ran.
    pub fn counts(&self) -> (usize, usize) {
        let ran = self
            .stages
            .iter()
            .filter(|s| !matches!(s.outcome, Outcome::Skipped(_)))
            .count();
        let passed = self
            .stages
            .iter()
            .filter(|s| matches!(s.outcome, Outcome::Passed))
            .count();
        (passed, ran)
    }

    /// The report as a person reads it.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Grading {}: {}", self.program.bold(), self.command);
        let width = self.stages.iter().map(|s| s.id.len()).max().unwrap_or(0);
        for stage in &self.stages {
            let (mark, detail) = match &stage.outcome {
                Outcome::Passed => ("PASS".green(), None),
                Outcome::Failed(failure) => (
                    if stage.required {
                        "FAIL".red()
                    } else {
                        "FAIL (optional)".yellow()
                    },
                    Some(failure.to_string()),
                ),
                Outcome::Skipped(_) => ("SKIP".dimmed(), None),
            };
            let why = match &stage.outcome {
                Outcome::Skipped(why) => format!(" (skipped: {why})").dimmed().to_string(),
                _ => String::new(),
            };
            let _ = writeln!(out, "  {mark} {:width$}  {}{why}", stage.id, stage.checks);
            if let Some(detail) = detail {
                for line in detail.lines() {
                    let _ = writeln!(out, "       {line}");
                }
            }
        }
        let (passed, ran) = self.counts();
        let verdict = if self.passed() {
            "every required stage passed".green().bold()
        } else {
            "some required stages failed".red().bold()
        };
        let _ = writeln!(out, "{passed} of {ran} stages passed: {verdict}");
        out
    }

    /// The report as one JSON document.
    pub fn json(&self) -> serde_json::Value {
        let stages: Vec<_> = self
            .stages
            .iter()
            .map(|stage| {
                let mut value = json!({
                    "id": stage.id,
                    "checks": stage.checks,
                    "required": stage.required,
                });
                match &stage.outcome {
                    Outcome::Passed => value["result"] = json!("passed"),
                    Outcome::Skipped(why) => {
                        value["result"] = json!("skipped");
                        value["reason"] = json!(why);
                    }
                    Outcome::Failed(failure) => {
                        value["result"] = json!("failed");
                        value["failure"] = json!({
                            "sent": failure.sent,
                            "expected": failure.expected,
                            "got": failure.got,
                            "hint": failure.hint,
                            "crash": failure.crash,
                            "exit": failure.exit,
                            "output": failure.output,
                        });
                    }
                }
                value
            })
            .collect();
        let (passed, ran) = self.counts();
        json!({
            "program": self.program,
            "command": self.command,
            "passed": self.passed(),
            "stages_passed": passed,
            "stages_run": ran,
            "stages": stages,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::stage::Failure;

    fn report() -> Report {
        let stage = |id, required, outcome| StageResult {
            id,
            checks: "something",
            required,
            outcome,
        };
        Report {
            program: "echo-server1".into(),
            command: "./server {port}".into(),
            stages: vec![
                stage("listens", true, Outcome::Passed),
                stage(
                    "replies",
                    true,
                    Outcome::Failed(Box::new(Failure::new("a", "b", "c", "d"))),
                ),
                stage("help", true, Outcome::Skipped("flags".into())),
                stage("nice", false, Outcome::Passed),
            ],
        }
    }

    #[test]
    fn a_failed_required_stage_fails_the_grade() {
        let mut report = report();
        assert!(!report.passed());
        assert_eq!(report.counts(), (2, 3));
        report.stages[1].required = false;
        assert!(report.passed(), "optional failures and skips do not count");
    }

    #[test]
    fn the_text_names_every_stage_and_the_failure() {
        colored::control::set_override(false);
        let text = report().human();
        assert!(text.contains("  PASS listens  something\n"), "{text}");
        assert!(text.contains("  FAIL replies  something\n"), "{text}");
        assert!(text.contains("            got: c\n"), "{text}");
        assert!(
            text.ends_with("2 of 3 stages passed: some required stages failed\n"),
            "{text}"
        );
    }

    #[test]
    fn the_json_has_every_stage() {
        let value = report().json();
        assert_eq!(value["passed"], false);
        assert_eq!(value["stages"].as_array().unwrap().len(), 4);
        assert_eq!(value["stages"][1]["failure"]["expected"], "b");
        assert_eq!(value["stages"][2]["result"], "skipped");
    }
}
