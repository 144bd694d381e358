//! The grader judged on programs written the way students write them
//! (`tests/python/students/<program>/<variant>.py`): their own wording, spacing
//! and case, no newline after a reply, a LAN IP or `gethostname()`, a port of
//! their own, termcolor, `listen(1)`, a Python 2 `print`, and real mistakes.
//! Each file is graded as written (the grader moves it to its own ports), and
//! gets the verdict a teacher would give: what the lesson asks decides it;
//! every lesson failure is a real defect of that program.
//!
//! To keep the suite quick, each grading runs its rubric's lesson stages and
//! the few others the case is about, and `cargo test --workspace` runs a few
//! of these tests: the others are marked ignored, and run by `.ci/run` and by
//! `cargo test --workspace -- --include-ignored`. Needs Python 3 (skipped without it); a
//! program that imports termcolor gets the tests' stand-in module.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lab_grade::runner::{Launch, PortChoice};
use lab_grade::{Outcome, Report, StageKind, Status};

/// Generous, so that a loaded machine does not fail a program that works.
const PATIENCE: Duration = lab_grade::testing::PATIENCE;

/// How long a server may take to give up on a silent client, here.
const SILENT: Duration = Duration::from_secs(3);

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).starts_with("Python 3"))
    })
}

fn folder(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/python")
        .join(name)
}

/// Grades the corpus file `file` (under `students/`) as `program`, on the
/// rubric's lesson stages (unless `extra` has `-lesson`) plus `extra`; `None`
/// without Python 3.
fn grade(program: &str, file: &str, extra: &[&str], require: &[StageKind]) -> Option<Report> {
    let python = python()?;
    let rubric = lab_grade::testing::rubric(program);
    let path = folder("students").join(file);
    assert!(path.is_file(), "{}", path.display());
    let launch = Launch::command(vec![python.into(), path.into()], rubric.port);
    assert_eq!(launch.port, PortChoice::Moved, "graded as written");
    let mut ctx = rubric.ctx(launch, PATIENCE);
    ctx.silent = SILENT;
    ctx.required = require.to_vec();
    // termcolor, without pip: the tests' stand-in.
    ctx.launch.env.push((
        "PYTHONPATH".into(),
        folder("stubs").to_string_lossy().into_owned(),
    ));
    let mut only: Vec<String> = rubric
        .stages
        .iter()
        .filter(|s| s.kind == StageKind::Lesson && !extra.contains(&"-lesson"))
        .map(|s| s.id.to_string())
        .collect();
    only.extend(
        extra
            .iter()
            .filter(|s| **s != "-lesson")
            .map(|s| s.to_string()),
    );
    Some(rubric.grade(&ctx, &only))
}

/// The stages of `kind` that failed.
fn failed(report: &Report, kind: StageKind) -> Vec<&'static str> {
    report
        .stages
        .iter()
        .filter(|s| s.kind == kind && matches!(s.outcome, Outcome::Failed(_)))
        .map(|s| s.id)
        .collect()
}

fn passed(report: &Report, id: &str) -> bool {
    report
        .stages
        .iter()
        .any(|s| s.id == id && matches!(s.outcome, Outcome::Passed))
}

/// The lesson's Ctrl-C stop, where signals exist.
fn ctrl_c() -> &'static [&'static str] {
    if cfg!(unix) {
        &["stops_on_ctrl_c"]
    } else {
        &[]
    }
}

/// Checks the verdict: `status`, and exactly `lesson` failed among the lesson stages.
fn verdict(report: &Report, status: Status, lesson: &[&str]) {
    let text = report.human();
    assert_eq!(report.status(), status, "{text}");
    assert_eq!(failed(report, StageKind::Lesson), lesson, "{text}");
    // Every failure says what to fix.
    for stage in &report.stages {
        if let Outcome::Failed(failure) = &stage.outcome {
            assert!(!failure.hint.is_empty(), "{}: no hint\n{text}", stage.id);
        }
    }
}

#[test]
fn the_lessons_own_program_with_a_lan_ip_passes() {
    let Some(report) = grade("happy-server", "happy-server/lan_ip.py", &[], &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    assert!(
        report
            .human()
            .ends_with("PASS: the program does what the lesson asks.\n")
    );
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn its_own_words_no_newline_and_gethostname_pass_the_lesson_not_the_conventions() {
    let extra = ["replies_byte_for_byte", "prints_the_lessons_words"];
    let path = "happy-server/hostname_own_words.py";
    let Some(report) = grade("happy-server", path, &extra, &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    assert_eq!(failed(&report, StageKind::Conventions), extra);
    // Required, the conventions decide.
    let report = grade("happy-server", path, &extra, &[StageKind::Conventions]).unwrap();
    assert_eq!(report.status(), Status::Fail, "{}", report.human());
}

#[test]
fn python_2_is_one_failure_that_says_so() {
    let Some(report) = grade("happy-server", "happy-server/python2.py", &[], &[]) else {
        return;
    };
    verdict(&report, Status::Error, &["listens"]);
    let Outcome::Failed(failure) = &report.stages[0].outcome else {
        panic!("{}", report.human());
    };
    assert!(
        failure.hint.starts_with("this is Python 2 code"),
        "{failure}"
    );
    assert!(
        report.stages[1..]
            .iter()
            .all(|s| matches!(s.outcome, Outcome::NotRun(_) | Outcome::Skipped(_))),
        "{}",
        report.human()
    );
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn one_client_then_exit_fails_the_loop_and_the_stop() {
    let Some(report) = grade("happy-server", "happy-server/one_client.py", &[], &[]) else {
        return;
    };
    let mut lesson = vec!["serves_clients_in_turn"];
    lesson.extend(ctrl_c());
    verdict(&report, Status::Fail, &lesson);
    let text = report.human();
    assert!(
        text.contains("the server had finished (status 0) before this client"),
        "{text}"
    );
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn termcolor_and_no_newline_pass_green_included() {
    let extra = ["prints_the_message_in_green", "replies_byte_for_byte"];
    let path = "echo-server1/termcolor_no_newline.py";
    let Some(report) = grade("echo-server1", path, &extra, &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    assert!(
        passed(&report, "prints_the_message_in_green"),
        "{}",
        report.human()
    );
    assert_eq!(
        failed(&report, StageKind::Conventions),
        ["replies_byte_for_byte"]
    );
}

#[test]
fn a_reply_without_the_colon_fails_the_reply_only() {
    let path = "echo-server1/wrong_reply.py";
    let Some(report) = grade("echo-server1", path, &[], &[]) else {
        return;
    };
    verdict(&report, Status::Fail, &["replies"]);
    assert!(report.human().contains("the reply differs from byte 4"));
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn lower_case_without_colour_passes_the_lesson_and_misses_green() {
    let extra = ["prints_the_message_in_green"];
    let path = "echo-server1/plain_lowercase.py";
    let Some(report) = grade("echo-server1", path, &extra, &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    assert_eq!(failed(&report, StageKind::Conventions), extra);
}

#[test]
fn the_count_and_port_pass_whatever_the_spacing_case_and_lines() {
    for path in [
        "echo-server2/print_commas.py",
        "echo-server2/count_on_its_own_line.py",
    ] {
        let Some(report) = grade("echo-server2", path, &[], &[]) else {
            return;
        };
        verdict(&report, Status::Pass, &[]);
    }
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn no_count_or_the_servers_own_address_fails_the_count() {
    for path in ["echo-server2/no_count.py", "echo-server2/server_address.py"] {
        let Some(report) = grade("echo-server2", path, &[], &[]) else {
            return;
        };
        verdict(&report, Status::Fail, &["counts_connections"]);
    }
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn a_socket_never_closed_fails_the_closing_stage_only() {
    let path = "echo-server2/forgets_close.py";
    let Some(report) = grade("echo-server2", path, &[], &[]) else {
        return;
    };
    verdict(&report, Status::Fail, &["closes_the_connection"]);
    assert!(report.human().contains("close the client's socket"));
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn a_robust_server_passes_robustness_too() {
    let robustness: Vec<&str> = lab_grade::testing::rubric("echo-server2")
        .stages
        .iter()
        .filter(|s| s.kind == StageKind::Robustness)
        .map(|s| s.id)
        .collect();
    let path = "echo-server2/robust.py";
    let Some(report) = grade("echo-server2", path, &robustness, &[StageKind::Robustness]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    assert_eq!(failed(&report, StageKind::Robustness), [] as [&str; 0]);
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn has_or_have_the_list_passes_and_never_finishing_fails() {
    let Some(report) = grade("echo-server3", "echo-server3/has_list.py", &[], &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    let report = grade("echo-server3", "echo-server3/never_finishes.py", &[], &[]).unwrap();
    verdict(&report, Status::Fail, &["lists_clients_and_finishes"]);
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn the_blogs_time_server_passes_with_its_own_words_and_a_newline() {
    let extra = ["sends_the_time_in_a_crlf_line"];
    let path = "time-server/lowercase_lf.py";
    let Some(report) = grade("time-server", path, &extra, &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    assert_eq!(failed(&report, StageKind::Conventions), extra);
    let report = grade("time-server", "time-server/seconds.py", &[], &[]).unwrap();
    verdict(&report, Status::Fail, &["sends_the_time"]);
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn a_udp_time_server_with_a_lan_ip_passes() {
    let path = "udp-time-server/lan_ip.py";
    let Some(report) = grade("udp-time-server", path, &[], &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn the_pages_one_client_echo_server_passes_its_lesson() {
    let path = "stream-echo-server/page_style.py";
    let extra = ["serves_clients_in_turn"];
    let Some(report) = grade("stream-echo-server", path, &extra, &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    // Serving the next client is what to learn next.
    assert_eq!(failed(&report, StageKind::Robustness), extra);
}

#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn a_dealer_in_its_own_words_passes_and_one_comparing_backwards_fails_the_game() {
    let Some(report) = grade("dealer", "dealer/own_words.py", &[], &[]) else {
        return;
    };
    verdict(&report, Status::Pass, &[]);
    let report = grade("dealer", "dealer/backwards.py", &[], &[]).unwrap();
    verdict(&report, Status::Fail, &["plays_a_game"]);
}

/// A server that never gives up on a silent client fails `silent_client` every
/// time, and one that gives up in time passes every time.
#[test]
#[ignore = "the grader's corpus, a minute more: run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn the_silent_client_verdict_is_the_same_every_time() {
    if python().is_none() {
        return;
    }
    // Three gradings of each at once: the same verdict every time.
    let reports: Vec<(bool, Report)> = std::thread::scope(|scope| {
        let gradings: Vec<_> = (0..6)
            .map(|i| {
                scope.spawn(move || {
                    let gives_up = i % 2 == 0;
                    let (program, file) = if gives_up {
                        ("echo-server2", "echo-server2/robust.py")
                    } else {
                        ("happy-server", "happy-server/lan_ip.py")
                    };
                    (
                        gives_up,
                        grade(program, file, &["silent_client"], &[]).unwrap(),
                    )
                })
            })
            .collect();
        gradings.into_iter().map(|g| g.join().unwrap()).collect()
    });
    for (gives_up, report) in reports {
        let failed = failed(&report, StageKind::Robustness);
        if gives_up {
            assert!(failed.is_empty(), "{}", report.human());
        } else {
            assert_eq!(failed, ["silent_client"], "{}", report.human());
        }
    }
}

/// Every file of the corpus is graded by a test above.
#[test]
fn every_corpus_program_has_its_verdict() {
    let here = include_str!("students.rs");
    let root = folder("students");
    for program in std::fs::read_dir(&root).unwrap() {
        let program = program.unwrap().path();
        for file in std::fs::read_dir(&program).unwrap() {
            let file = file.unwrap().path();
            let name = format!(
                "{}/{}",
                program.file_name().unwrap().to_string_lossy(),
                file.file_name().unwrap().to_string_lossy()
            );
            assert!(here.contains(&format!("\"{name}\"")), "{name} has no test");
        }
    }
}
