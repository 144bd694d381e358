//! Running a rubric as cargo tests: [`rubric_tests!`](crate::rubric_tests)
//! writes one `#[test]` per stage, and each fails with the grader's own report.
// Tests report failures by panicking: here a panic is the point.
#![allow(clippy::panic)]

use std::time::Duration;

use crate::runner::Launch;
use crate::stage::Outcome;
use crate::{Kind, Report, Rubric};

/// How long any one wait may take in a test: generous, so a loaded CI machine
/// does not fail a correct program, and finite, so no test hangs.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The rubric of `program`, or a failed test.
pub fn rubric(program: &str) -> Rubric {
    Rubric::of(program).unwrap_or_else(|| panic!("lab-grade has no rubric for {program}"))
}

/// Grades `program` as started by `launch`, on the stages in `only` (all if empty).
pub fn grade(program: &str, launch: Launch, patience: Duration, only: &[&str]) -> Report {
    let rubric = rubric(program);
    let ctx = rubric.ctx(launch, patience);
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    rubric.grade(&ctx, &only)
}

/// Runs the stage `id` of `program`'s rubric on our binary at `path`; fails the
/// test with the grader's report unless it passes (or is skipped here).
pub fn run_stage(program: &str, path: &str, id: &str) {
    let rubric = rubric(program);
    let launch = Launch::ours(path, rubric.kind != Kind::Client);
    let report = grade(program, launch, PATIENCE, &[id]);
    let Some(stage) = report.stages.first() else {
        panic!("{program}'s rubric has no stage {id}");
    };
    match &stage.outcome {
        Outcome::Passed => {}
        Outcome::Skipped(why) => eprintln!("skipped: {why}"),
        Outcome::Failed(_) => {
            colored::control::set_override(false);
            panic!("\n{}", report.human());
        }
    }
}

/// Fails unless `listed` names every stage of `program`'s rubric, and only those.
pub fn all_listed(program: &str, listed: &[&str]) {
    let rubric = rubric(program);
    let stages: Vec<&str> = rubric.stages.iter().map(|s| s.id).collect();
    let missing: Vec<&&str> = stages.iter().filter(|s| !listed.contains(s)).collect();
    let unknown: Vec<&&str> = listed.iter().filter(|s| !stages.contains(s)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "the list of {program}'s rubric stages in its tests is out of date: add {missing:?}, remove {unknown:?}"
    );
}

/// Writes a program's rubric as cargo tests, in a module `rubric`: one `#[test]`
/// per stage, named as the stage, plus one that fails if the list misses a
/// stage of the rubric.
///
/// ```ignore
/// lab_grade::rubric_tests!("echo-server1", env!("CARGO_BIN_EXE_echo-server1"), [
///     listens, replies, prints_message, // ...
/// ]);
/// ```
#[macro_export]
macro_rules! rubric_tests {
    ($program:literal, $path:expr, [$($stage:ident),* $(,)?]) => {
        /// The program's rubric (`lab-grade`), one test per stage.
        mod rubric {
            $(
                #[test]
                fn $stage() {
                    $crate::testing::run_stage($program, $path, stringify!($stage));
                }
            )*

            #[test]
            fn every_stage_of_the_rubric_has_a_test() {
                $crate::testing::all_listed($program, &[$(stringify!($stage)),*]);
            }
        }
    };
}
