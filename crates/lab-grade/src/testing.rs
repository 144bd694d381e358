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
        Outcome::Failed(_) | Outcome::NotRun(_) => {
            colored::control::set_override(false);
            panic!("\n{}", report.human());
        }
    }
}

/// The groups of stages many rubrics share, by name: `hostile`
/// ([`hostile::stages`](crate::hostile::stages)), `server_basics`
/// ([`basics::server`](crate::basics::server)), `client_basics`
/// ([`basics::client`](crate::basics::client)) and `command_line`
/// ([`basics::command_line`](crate::basics::command_line)). The names come from
/// the same list as the tests [`rubric_tests!`](crate::rubric_tests) writes.
pub const GROUPS: &[(&str, &[&str])] = &[
    ("hostile", crate::__rubric_group!(hostile names)),
    ("server_basics", crate::__rubric_group!(server_basics names)),
    ("client_basics", crate::__rubric_group!(client_basics names)),
    ("command_line", crate::__rubric_group!(command_line names)),
];

/// Fails unless `listed` and the stages of the `groups` name every stage of
/// `program`'s rubric, and only those.
pub fn all_listed(program: &str, listed: &[&str], groups: &[&str]) {
    let rubric = rubric(program);
    let mut all = listed.to_vec();
    for group in groups {
        let (_, ids) = GROUPS
            .iter()
            .find(|(name, _)| name == group)
            .unwrap_or_else(|| panic!("no group of stages {group}"));
        all.extend_from_slice(ids);
    }
    let stages: Vec<&str> = rubric.stages.iter().map(|s| s.id).collect();
    let missing: Vec<&&str> = stages.iter().filter(|s| !all.contains(s)).collect();
    let unknown: Vec<&&str> = all.iter().filter(|s| !stages.contains(s)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "the list of {program}'s rubric stages in its tests is out of date: add {missing:?}, remove {unknown:?}"
    );
}

/// Writes a program's rubric as cargo tests, in a module `rubric`: one `#[test]`
/// per stage, named as the stage, plus one that fails if the list misses a
/// stage of the rubric. The stages many rubrics share are named by their group
/// (see [`GROUPS`]) after a `+`.
///
/// ```ignore
/// lab_grade::rubric_tests!("echo-server1", env!("CARGO_BIN_EXE_echo-server1"), [
///     listens, replies, prints_message, serves_clients_in_turn, finishes_client_on_ctrl_c,
/// ] + hostile + server_basics);
/// ```
#[macro_export]
macro_rules! rubric_tests {
    ($program:literal, $path:expr, [$($stage:ident),* $(,)?] $(+ $group:ident)*) => {
        /// The program's rubric (`lab-grade`), one test per stage.
        mod rubric {
            $crate::__rubric_group!(@ids [$($stage),*] tests $program, $path);
            $( $crate::__rubric_group!($group tests $program, $path); )*

            #[test]
            fn every_stage_of_the_rubric_has_a_test() {
                $crate::testing::all_listed(
                    $program,
                    &[$(stringify!($stage)),*],
                    &[$(stringify!($group)),*],
                );
            }
        }
    };
}

/// The stages of each group, written once: as tests, or as their names.
#[doc(hidden)]
#[macro_export]
macro_rules! __rubric_group {
    (hostile $($then:tt)*) => {
        $crate::__rubric_group! {@ids [
            empty_connection, invalid_utf8, reset, huge_message, half_close,
            nul_bytes, burst, slow_client, silent_client
        ] $($then)*}
    };
    (server_basics $($then:tt)*) => {
        $crate::__rubric_group! {@ids [
            help, version, bad_arguments, port_in_use, stops_on_ctrl_c,
            says_stopped_by_the_user, stops_on_sigterm
        ] $($then)*}
    };
    (client_basics $($then:tt)*) => {
        $crate::__rubric_group! {@ids [help, version, bad_arguments, no_server] $($then)*}
    };
    (command_line $($then:tt)*) => {
        $crate::__rubric_group! {@ids [help, version, bad_arguments] $($then)*}
    };
    (@ids [$($id:ident),*] names) => {
        &[$(stringify!($id)),*]
    };
    (@ids [$($id:ident),*] tests $program:literal, $path:expr) => {
        $(
            #[test]
            fn $id() {
                $crate::testing::run_stage($program, $path, stringify!($id));
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    use super::GROUPS;
    use crate::basics;
    use crate::hostile::{self, Service};

    fn group(name: &str) -> Vec<&'static str> {
        GROUPS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name}"))
            .1
            .to_vec()
    }

    #[test]
    fn each_group_names_the_stages_its_module_makes() {
        let service = Service {
            serve: std::sync::Arc::new(|_, _| Ok(())),
            burst: 1,
            one_client: false,
            one_message: false,
            silent_args: &[],
            typed: b"",
            lines: false,
        };
        let ids = |stages: Vec<crate::Stage>| stages.iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(hostile::stages(&service)), group("hostile"));
        let server = basics::server("x", 1, crate::stage::Needs::Signals);
        assert_eq!(ids(server), group("server_basics"));
        assert_eq!(ids(basics::client("x", 1)), group("client_basics"));
        assert_eq!(ids(basics::command_line("x", 1)), group("command_line"));
    }
}
