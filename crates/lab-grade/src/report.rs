//! The grade: every stage's outcome, as text for a person (coloured only on a
//! terminal, never with NO_COLOR: the `colored` crate decides) or as one JSON
//! document for CI.
//!
//! Stages have a kind ([`StageKind`]): the verdict is the lesson kind's, plus
//! the kinds an instructor requires (`--require robustness`); the other kinds
//! are shown as what to learn next.

use std::fmt::Write as _;

use colored::Colorize;
use serde_json::json;

use crate::stage::{Outcome, StageKind};

/// One stage's result.
#[derive(Debug)]
pub struct StageResult {
    /// The stage's name.
    pub id: &'static str,
    /// What it checks.
    pub checks: &'static str,
    /// What it is about.
    pub kind: StageKind,
    /// How it went.
    pub outcome: Outcome,
}

impl StageResult {
    /// Whether it passed.
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed)
    }

    /// Whether it counts (it was not skipped for lack of `--flags` or signals).
    pub fn counts(&self) -> bool {
        !matches!(self.outcome, Outcome::Skipped(_))
    }
}

/// How a grading ended, as one word: what CI and GitHub Classroom read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every stage of the required kinds passed.
    Pass,
    /// Some stage of a required kind failed.
    Fail,
    /// The program could not be started at all.
    Error,
}

impl Status {
    /// `pass`, `fail` or `error`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }
}

/// How many stages of one kind passed, of those that counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Stages that passed.
    pub passed: usize,
    /// Stages that counted (passed, failed or not run; not the skipped ones).
    pub total: usize,
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
    /// The kinds the verdict requires besides the lesson's.
    pub required: Vec<StageKind>,
}

impl Report {
    /// Whether stages of `kind` decide the verdict.
    pub fn requires(&self, kind: StageKind) -> bool {
        kind == StageKind::Lesson || self.required.contains(&kind)
    }

    /// Whether every stage of the required kinds passed (a skipped one does not
    /// count against).
    pub fn passed(&self) -> bool {
        self.stages
            .iter()
            .all(|s| !self.requires(s.kind) || s.passed() || !s.counts())
    }

    /// Pass, fail, or error when the program could not be started at all.
    pub fn status(&self) -> Status {
        if self.cannot_start().is_some() {
            Status::Error
        } else if self.passed() {
            Status::Pass
        } else {
            Status::Fail
        }
    }

    /// The failure that says the program could not be started, if that is so
    /// (the first stage found it, and the others were not run).
    pub fn cannot_start(&self) -> Option<&crate::Failure> {
        match &self.stages.first()?.outcome {
            Outcome::Failed(failure) if failure.cannot_start => Some(&**failure),
            _ => None,
        }
    }

    /// How many stages passed, and how many counted, in all.
    pub fn counts(&self) -> (usize, usize) {
        let counted = self.stages.iter().filter(|s| s.counts()).count();
        let passed = self.stages.iter().filter(|s| s.passed()).count();
        (passed, counted)
    }

    /// How many stages of `kind` passed, of those that counted.
    pub fn tally(&self, kind: StageKind) -> Tally {
        let of_kind = self.stages.iter().filter(|s| s.kind == kind && s.counts());
        Tally {
            passed: of_kind.clone().filter(|s| s.passed()).count(),
            total: of_kind.count(),
        }
    }

    /// The stages of `kind` that counted and did not pass.
    pub fn not_passed(&self, kind: StageKind) -> Vec<&'static str> {
        self.stages
            .iter()
            .filter(|s| s.kind == kind && s.counts() && !s.passed())
            .map(|s| s.id)
            .collect()
    }

    /// One line per kind, as `lesson 6/6 · robustness 6/9 · conventions 1/3`
    /// (a kind with no stage that counted is left out).
    pub fn totals(&self) -> String {
        StageKind::ALL
            .iter()
            .filter_map(|&kind| {
                let tally = self.tally(kind);
                (tally.total > 0).then(|| format!("{kind} {}/{}", tally.passed, tally.total))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The verdict, in words a student understands.
    pub fn verdict(&self) -> String {
        if let Some(failure) = self.cannot_start() {
            let why = failure.crash.as_deref().unwrap_or(failure.got.as_str());
            return format!(
                "ERROR: the program could not be started ({why}), so nothing else was tried: fix that first"
            );
        }
        let mut failed_required = Vec::new();
        for kind in StageKind::ALL.into_iter().filter(|&k| self.requires(k)) {
            failed_required.extend(self.not_passed(kind));
        }
        if !failed_required.is_empty() {
            return format!(
                "FAIL: {} {} what the grading requires: {}. Each one above says what to change.",
                failed_required.len(),
                if failed_required.len() == 1 {
                    "stage falls short of"
                } else {
                    "stages fall short of"
                },
                failed_required.join(", ")
            );
        }
        let next: Vec<&str> = StageKind::ALL
            .into_iter()
            .filter(|&k| !self.requires(k))
            .flat_map(|k| self.not_passed(k))
            .collect();
        let what = if self.required.is_empty() {
            "the program does what the lesson asks".to_string()
        } else {
            let kinds: Vec<&str> = self.required.iter().map(|k| k.name()).collect();
            format!(
                "the program does what the lesson asks, and passes every {} stage",
                kinds.join(" and ")
            )
        };
        if next.is_empty() {
            format!("PASS: {what}.")
        } else {
            format!(
                "PASS: {what}. What to learn next: {} (not required here).",
                next.join(", ")
            )
        }
    }

    /// The report as a person reads it.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Grading {}: {}", self.program.bold(), self.command);
        let width = self.stages.iter().map(|s| s.id.len()).max().unwrap_or(0);
        for stage in &self.stages {
            let required = self.requires(stage.kind);
            let (mark, detail) = match &stage.outcome {
                Outcome::Passed => ("PASS".green(), None),
                Outcome::Failed(failure) if required => ("FAIL".red(), Some(failure.to_string())),
                Outcome::Failed(failure) => ("MISS".yellow(), Some(failure.to_string())),
                Outcome::Skipped(_) => ("SKIP".dimmed(), None),
                Outcome::NotRun(_) => ("----".dimmed(), None),
            };
            let why = match &stage.outcome {
                Outcome::Skipped(why) => format!(" (skipped: {why})").dimmed().to_string(),
                Outcome::NotRun(why) => format!(" (not run: {why})").dimmed().to_string(),
                _ => String::new(),
            };
            let kind = format!("{:11}", stage.kind.name());
            let _ = writeln!(
                out,
                "  {mark} {:width$}  {}  {}{why}",
                stage.id,
                kind.dimmed(),
                stage.checks
            );
            if let Some(detail) = detail {
                for line in detail.lines() {
                    let _ = writeln!(out, "       {line}");
                }
            }
        }
        let _ = writeln!(out, "{}", self.totals());
        let verdict = self.verdict();
        let verdict = match self.status() {
            Status::Pass => verdict.green().bold(),
            Status::Fail | Status::Error => verdict.red().bold(),
        };
        let _ = writeln!(out, "{verdict}");
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
                    "kind": stage.kind.name(),
                    "required": self.requires(stage.kind),
                });
                match &stage.outcome {
                    Outcome::Passed => value["result"] = json!("passed"),
                    Outcome::Skipped(why) => {
                        value["result"] = json!("skipped");
                        value["reason"] = json!(why);
                    }
                    Outcome::NotRun(why) => {
                        value["result"] = json!("not_run");
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
                            "trace": failure.trace,
                            "text": failure.to_string(),
                        });
                    }
                }
                value
            })
            .collect();
        let (passed, counted) = self.counts();
        let mut kinds = serde_json::Map::new();
        for kind in StageKind::ALL {
            let tally = self.tally(kind);
            kinds.insert(
                kind.name().into(),
                json!({
                    "passed": tally.passed,
                    "total": tally.total,
                    "required": self.requires(kind),
                }),
            );
        }
        let required: Vec<&str> = StageKind::ALL
            .into_iter()
            .filter(|&k| self.requires(k))
            .map(StageKind::name)
            .collect();
        json!({
            "program": self.program,
            "command": self.command,
            "status": self.status().name(),
            "passed": self.passed(),
            "verdict": self.verdict(),
            "required": required,
            "kinds": kinds,
            "stages_passed": passed,
            "stages_run": counted,
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
        let stage = |id, kind, outcome| StageResult {
            id,
            checks: "something",
            kind,
            outcome,
        };
        Report {
            program: "echo-server1".into(),
            command: "./server {port}".into(),
            stages: vec![
                stage("listens", StageKind::Lesson, Outcome::Passed),
                stage("replies", StageKind::Lesson, Outcome::Passed),
                stage(
                    "reset",
                    StageKind::Robustness,
                    Outcome::Failed(Box::new(Failure::new("a", "b", "c", "d"))),
                ),
                stage("burst", StageKind::Robustness, Outcome::Passed),
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

    #[test]
    fn by_default_only_the_lesson_decides() {
        let mut report = report();
        assert!(report.passed());
        assert_eq!(report.status(), Status::Pass);
        assert_eq!(report.counts(), (4, 5));
        report.required = vec![StageKind::Robustness];
        assert!(!report.passed(), "robustness required: reset counts");
        report.required = vec![StageKind::Conventions];
        assert!(report.passed(), "a skipped stage does not count against");
    }

    #[test]
    fn a_failed_lesson_stage_fails_the_grade() {
        let mut report = report();
        report.stages[1].outcome = Outcome::Failed(Box::new(Failure::new("a", "b", "c", "d")));
        assert!(!report.passed());
        assert!(
            report.verdict().starts_with("FAIL: 1 stage"),
            "{}",
            report.verdict()
        );
        assert!(report.verdict().contains("replies"));
    }

    #[test]
    fn the_totals_line_has_one_part_per_kind() {
        assert_eq!(
            report().totals(),
            "lesson 2/2 · robustness 1/2 · conventions 1/1"
        );
    }

    #[test]
    fn a_program_that_cannot_start_is_an_error() {
        let mut report = report();
        let mut failure = Failure::new("the command", "it listens", "it exited", "hint");
        failure.cannot_start = true;
        failure.crash = Some("ModuleNotFoundError: No module named 'termcolor'".into());
        report.stages[0].outcome = Outcome::Failed(Box::new(failure));
        report.stages[1].outcome = Outcome::NotRun("the program did not start".into());
        assert_eq!(report.status(), Status::Error);
        assert_eq!(
            report.tally(StageKind::Lesson),
            Tally {
                passed: 0,
                total: 2
            }
        );
        assert!(
            report.verdict().contains("No module named"),
            "{}",
            report.verdict()
        );
    }

    #[test]
    fn the_text_names_every_stage_its_kind_and_the_verdict() {
        colored::control::set_override(false);
        let text = report().human();
        assert!(
            text.contains("  PASS listens  lesson       something\n"),
            "{text}"
        );
        assert!(
            text.contains("  MISS reset    robustness   something\n"),
            "{text}"
        );
        assert!(text.contains("            got: c\n"), "{text}");
        assert!(
            text.ends_with(
                "lesson 2/2 · robustness 1/2 · conventions 1/1\nPASS: the program does what the lesson asks. What to learn next: reset (not required here).\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_json_has_every_stage_and_its_kind() {
        let value = report().json();
        assert_eq!(value["passed"], true);
        assert_eq!(value["status"], "pass");
        assert_eq!(value["stages"].as_array().unwrap().len(), 6);
        assert_eq!(value["stages"][2]["kind"], "robustness");
        assert_eq!(value["stages"][2]["failure"]["expected"], "b");
        assert_eq!(value["stages"][4]["result"], "skipped");
        assert_eq!(value["kinds"]["robustness"]["passed"], 1);
        assert_eq!(value["kinds"]["robustness"]["total"], 2);
        assert_eq!(value["required"], json!(["lesson"]));
    }
}
