//! The grader, proved on real programs: the lessons' own Python programs (graded
//! where this machine has Python 3), where they work and where they break, and a
//! deliberately broken Rust echo server 1, which fails exactly the stage its
//! mistake breaks. (Every one of our programs passes its own rubric in its own
//! tests.)
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lab_grade::runner::{Launch, PortChoice};
use lab_grade::{Failure, Outcome, Report, StageKind};

/// Generous, so that a loaded machine does not fail a program that works.
const PATIENCE: Duration = lab_grade::testing::PATIENCE;

/// Short: the lessons' Python never gives up on a silent client, and each
/// silent-client stage waits this long for nothing.
const SILENT: Duration = Duration::from_secs(3);

/// Grades `program` as `launch` starts it, on the stages in `only` (all if empty).
fn grade(program: &str, launch: Launch, only: &[&str]) -> Report {
    let rubric = lab_grade::testing::rubric(program);
    let mut ctx = rubric.ctx(launch, PATIENCE);
    ctx.silent = SILENT;
    let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    rubric.grade(&ctx, &only)
}

/// The lessons' Python programs, in the scenarios' folder.
fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/python")
        .join(name)
}

/// `python3`, where this machine has Python 3.
fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).starts_with("Python 3"))
    })
}

/// The Python program `name` run with the port as its argument.
fn python_launch(name: &str) -> Option<Launch> {
    let python = python()?;
    let argv: Vec<OsString> = vec![python.into(), script(name).into(), "{port}".into()];
    Some(Launch::command(argv, 1))
}

/// The page's Python server `name`, which binds the port its argument gives
/// (`0`: any free one) and prints `Listening on <address>`, as ours do: started
/// on port 0, no port is guessed.
fn python_server(name: &str) -> Option<Launch> {
    let mut launch = python_launch(name)?;
    launch.port = PortChoice::Zero;
    Some(launch)
}

/// The stages of `report` that ended as `wanted` says.
fn stages(report: &Report, wanted: fn(&Outcome) -> bool) -> Vec<&'static str> {
    report
        .stages
        .iter()
        .filter(|s| wanted(&s.outcome))
        .map(|s| s.id)
        .collect()
}

fn failed(report: &Report) -> Vec<&'static str> {
    stages(report, |o| matches!(o, Outcome::Failed(_)))
}

/// The failure of stage `id`.
fn failure<'r>(report: &'r Report, id: &str) -> &'r Failure {
    let stage = report.stages.iter().find(|s| s.id == id).unwrap();
    match &stage.outcome {
        Outcome::Failed(failure) => failure,
        other => panic!("{id}: {other:?}\n{}", report.human()),
    }
}

/// Builds the deliberately broken echo server 1 (an example of this package).
fn broken_echo_server1() -> PathBuf {
    escargot::CargoBuild::new()
        .package("lab-grade")
        .example("broken-echo-server1")
        .current_release()
        .run()
        .unwrap()
        .path()
        .to_path_buf()
}

fn broken(mistake: &str) -> Launch {
    let mut launch = Launch::ours(broken_echo_server1(), true);
    launch.argv.extend(["--mistake".into(), mistake.into()]);
    launch
}

#[test]
fn a_reply_without_its_space_fails_the_reply_stage_only() {
    let report = grade("echo-server1", broken("no-space"), &[]);
    // The lesson's stage, and its byte-for-byte twin among the conventions.
    assert_eq!(
        failed(&report),
        ["replies", "replies_byte_for_byte"],
        "{}",
        report.human()
    );
    let failure = failure(&report, "replies");
    assert_eq!(failure.got, r#""ECHO:Test\n", then the connection closed"#);
    assert!(failure.hint.contains("differs from byte 5"), "{failure}");
    // Built on lab-common, it traces its socket calls: the report shows them,
    // apart from its console.
    let calls = failure.trace.join("\n");
    assert!(
        calls.contains("cs.recv(2048)") && calls.contains("b'Test'"),
        "{failure}"
    );
    assert!(calls.contains("b'ECHO:Test\\n'"), "{failure}");
    assert!(
        failure.output.iter().all(|l| !l.starts_with("trace")),
        "{failure}"
    );
    assert!(
        failure
            .to_string()
            .contains("    trace: its last socket calls:"),
        "{failure}"
    );
    assert!(!report.passed());
}

#[test]
fn a_panic_on_invalid_utf8_fails_that_stage_only_and_says_it_panicked() {
    let report = grade("echo-server1", broken("utf8-panic"), &[]);
    assert_eq!(failed(&report), ["invalid_utf8"], "{}", report.human());
    let failure = failure(&report, "invalid_utf8");
    let crash = failure.crash.as_deref().unwrap_or_default();
    assert!(
        crash.starts_with("a Rust panic: called `Result::unwrap()`"),
        "{failure}"
    );
    assert_eq!(failure.exit.as_deref(), Some("exit status 101"));
    assert!(
        failure.output.iter().any(|l| l.contains("panicked at")),
        "{failure}"
    );
}

#[test]
#[ignore = "slow (seconds of waiting): run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn the_lessons_happy_server_passes_the_lesson_and_misses_robustness() {
    let Some(python) = python() else { return };
    // Exactly as the lesson writes it (its PORT = 8080): the grader's startup
    // module moves it to a free port of each stage's, so the stages run at once.
    let launch = Launch::command(vec![python.into(), script("happy_server.py").into()], 8080);
    assert_eq!(launch.port, PortChoice::Moved);
    let report = grade("happy-server", launch, &[]);

    assert!(report.passed(), "{}", report.human());
    assert_eq!(
        failed(&report),
        [
            "invalid_utf8",
            "reset",
            "silent_client",
            "closes_without_a_reset"
        ],
        "{}",
        report.human()
    );
    let crash = |id| failure(&report, id).crash.clone().unwrap_or_default();
    assert!(
        crash("invalid_utf8")
            .starts_with("UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff")
    );
    assert!(crash("reset").starts_with("ConnectionResetError"));
    assert!(
        failure(&report, "silent_client")
            .hint
            .contains("settimeout")
    );
    for id in [
        "invalid_utf8",
        "reset",
        "silent_client",
        "closes_without_a_reset",
    ] {
        let stage = report.stages.iter().find(|s| s.id == id).unwrap();
        assert_eq!(stage.kind, StageKind::Robustness, "{id}");
    }
    // What the lesson teaches works: the reply, the console line, the loop,
    // Ctrl-C (a signal: Unix only), and the lesson's own words.
    let passed = stages(&report, |o| matches!(o, Outcome::Passed));
    let mut lesson = vec![
        "listens",
        "replies",
        "prints_message",
        "closes_the_connection",
        "serves_clients_in_turn",
        "replies_byte_for_byte",
        "prints_the_lessons_words",
    ];
    if cfg!(unix) {
        lesson.extend(["stops_on_ctrl_c", "says_stopped_by_the_user"]);
    }
    for id in lesson {
        assert!(passed.contains(&id), "{id}: {}", report.human());
    }
    // The course's own flags are not the lesson's: not graded here.
    let skipped = stages(&report, |o| matches!(o, Outcome::Skipped(_)));
    let mut expected = vec![
        "escapes_control_characters",
        "finishes_client_on_ctrl_c",
        "help",
        "version",
        "bad_arguments",
        "port_in_use",
    ];
    if !cfg!(unix) {
        expected.extend(["stops_on_ctrl_c", "says_stopped_by_the_user"]);
    }
    expected.push("stops_on_sigterm");
    assert_eq!(skipped, expected);
}

#[test]
fn a_students_echo_server2_that_never_flushes_is_graded_by_its_port() {
    let Some(launch) = python_launch("echo_server2.py") else {
        return;
    };
    let only = [
        "replies",
        "prints_message",
        "counts_connections",
        "invalid_utf8",
        "nul_bytes",
    ];
    let report = grade("echo-server2", launch, &only);
    assert_eq!(failed(&report), ["invalid_utf8"], "{}", report.human());
    assert!(
        failure(&report, "invalid_utf8")
            .output
            .iter()
            .any(|l| l.starts_with("Traceback"))
    );
}

#[test]
fn the_pages_dealer_crashes_on_a_guess_that_is_not_a_number() {
    let Some(launch) = python_server("dealer.py") else {
        return;
    };
    let only = [
        "plays_a_game",
        "prints_the_secret",
        "finishes_after_the_game",
        "answers_a_non_number",
    ];
    let report = grade("dealer", launch, &only);
    assert_eq!(
        failed(&report),
        ["answers_a_non_number"],
        "{}",
        report.human()
    );
    let failure = failure(&report, "answers_a_non_number");
    assert_eq!(
        failure.crash.as_deref(),
        Some("ValueError: invalid literal for int() with base 10: 'five'")
    );
    assert_eq!(failure.got, "nothing: the dealer closed the connection");
}

/// No failure of `report` shows the errno of a read that timed out (EAGAIN)
/// instead of what came.
fn assert_no_errno(report: &Report) {
    for stage in &report.stages {
        if let Outcome::Failed(failure) = &stage.outcome {
            assert!(
                !failure.got.contains("os error 11)") && !failure.got.contains("temporarily"),
                "{}: {failure}",
                stage.id
            );
        }
    }
}

/// The stages of the exercises' servers graded here: all but the burst, whose
/// clients a server with `listen(2)` keeps waiting for the whole patience.
const EXERCISE_STAGES: &[&str] = &[
    "listens",
    "grants_the_password",
    "denies_a_wrong_password",
    "sends_away_after_three_wrong_tries",
    "plays_and_keeps_the_score",
    "takes_moves_in_any_case",
    "answers_what_is_not_a_move",
    "empty_connection",
    "invalid_utf8",
    "reset",
    "huge_message",
    "half_close",
    "nul_bytes",
    "slow_client",
    "silent_client",
];

/// A password server in the page's style (one recv() a try, replies without a
/// newline): what the exercise asks passes; what breaks is robustness, each
/// failure showing what came.
#[test]
#[ignore = "slow (seconds of waiting): run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn a_password_server_in_the_pages_style_passes_what_the_exercise_asks() {
    let Some(launch) = python_server("password_server.py") else {
        return;
    };
    let report = grade("password-server", launch, EXERCISE_STAGES);
    let failed = failed(&report);
    for id in [
        "listens",
        "grants_the_password",
        "denies_a_wrong_password",
        "sends_away_after_three_wrong_tries",
    ] {
        assert!(!failed.contains(&id), "{id}: {}", report.human());
    }
    // It decodes without errors='replace': a crash, said as one.
    assert!(failed.contains(&"invalid_utf8"), "{}", report.human());
    assert_no_errno(&report);
}

/// A rock, paper, scissors server in the page's style: the moves, the outcome,
/// the score and what is not a move pass.
#[test]
#[ignore = "slow (seconds of waiting): run by .ci/run and by `cargo test --workspace -- --include-ignored`"]
fn an_rps_server_in_the_pages_style_passes_what_the_exercise_asks() {
    let Some(launch) = python_server("rps_server.py") else {
        return;
    };
    let report = grade("rps-server", launch, EXERCISE_STAGES);
    let failed = failed(&report);
    for id in [
        "listens",
        "plays_and_keeps_the_score",
        "takes_moves_in_any_case",
        "answers_what_is_not_a_move",
    ] {
        assert!(!failed.contains(&id), "{id}: {}", report.human());
    }
    assert_no_errno(&report);
}

#[test]
fn the_pages_servers_do_what_the_page_does_and_no_more() {
    let Some(time) = python_server("server.py") else {
        return;
    };
    let only = [
        "sends_the_time",
        "sends_a_nice_day",
        "prints_who_connected",
        "serves_clients_in_turn",
    ];
    let report = grade("time-server", time, &only);
    // The nice day is the slides' addition: optional.
    assert_eq!(failed(&report), ["sends_a_nice_day"], "{}", report.human());
    assert!(report.passed(), "{}", report.human());

    let echo = python_server("echo_server.py").unwrap();
    let only = [
        "echoes",
        "echoes_each_message_as_it_comes",
        "prints_who_connected",
        "serves_clients_in_turn",
    ];
    let report = grade("stream-echo-server", echo, &only);
    // The page's echo server serves one client and finishes: the loop is
    // what to learn next, not the page's lesson.
    assert_eq!(
        failed(&report),
        ["serves_clients_in_turn"],
        "{}",
        report.human()
    );
    assert!(report.passed(), "{}", report.human());
    let finished = failure(&report, "serves_clients_in_turn");
    assert_eq!(finished.exit.as_deref(), Some("exit status 0"));
    assert!(
        finished
            .hint
            .starts_with("the server had finished (status 0)"),
        "{finished}"
    );

    let tcp = python_server("tcp_server.py").unwrap();
    let only = [
        "prints_the_message",
        "finishes_after_one_message",
        "receives_at_most_80_bytes",
        "invalid_utf8",
    ];
    let report = grade("tcp-server", tcp, &only);
    assert_eq!(failed(&report), ["invalid_utf8"], "{}", report.human());
    let crash = failure(&report, "invalid_utf8")
        .crash
        .clone()
        .unwrap_or_default();
    assert!(crash.starts_with("UnicodeDecodeError"), "{crash}");
}

#[test]
fn the_pages_clients_pass_against_the_graders_reference_servers() {
    for (program, script) in [
        ("time-client", "client.py"),
        ("stream-echo-client", "echo_client.py"),
        ("tcp-client", "tcp_client.py"),
        ("player", "player.py"),
    ] {
        let Some(launch) = python_launch(script) else {
            return;
        };
        let report = grade(program, launch, &[]);
        assert!(report.passed(), "{}", report.human());
        assert!(failed(&report).is_empty(), "{}", report.human());
    }
}

/// Runs the lab-grade binary with `args`, and gives its status and stdout.
fn lab_grade(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lab-grade"));
    command
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        output.status.code().unwrap_or(-1),
        stdout + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn the_binary_exits_1_on_a_failed_stage_and_0_when_all_pass() {
    let path = broken_echo_server1();
    let path = path.to_str().unwrap();
    let command = [path, "--mistake", "no-space", "--port", "{port}"];
    let mut args = vec![
        "echo-server1",
        "--flags",
        "--stage",
        "replies",
        "--stage",
        "listens",
        "--",
    ];
    args.extend(command);
    let (status, text) = lab_grade(&args, &[]);
    assert_eq!(status, 1, "{text}");
    assert!(text.contains("  FAIL replies "), "{text}");
    assert!(text.contains("  PASS listens "), "{text}");
    assert!(
        text.ends_with(
            "lesson 1/2\nFAIL: 1 stage falls short of what the grading requires: replies. Each one above says what to change.\n"
        ),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no colour when not on a terminal: {text}"
    );

    let mut args = vec!["echo-server1", "--flags", "--stage", "listens", "--"];
    args.extend(command);
    assert_eq!(lab_grade(&args, &[]).0, 0);
}

#[test]
fn json_is_one_document_with_every_stage() {
    let path = broken_echo_server1();
    let args = [
        "echo-server1",
        "--json",
        "--stage",
        "replies",
        "--stage",
        "help",
        "--",
        path.to_str().unwrap(),
        "--mistake",
        "no-space",
        "--port",
        "{port}",
    ];
    let (status, text) = lab_grade(&args, &[]);
    assert_eq!(status, 1);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["program"], "echo-server1");
    assert_eq!(report["passed"], false);
    assert_eq!(report["stages"][0]["id"], "replies");
    assert_eq!(report["stages"][0]["result"], "failed");
    assert_eq!(report["stages"][0]["kind"], "lesson");
    assert_eq!(
        report["stages"][0]["failure"]["expected"],
        "\"ECHO: Test\" (a newline after it or not)"
    );
    assert_eq!(report["stages"][1]["result"], "skipped", "without --flags");
}

#[test]
fn colour_only_on_a_terminal_or_when_forced_and_never_with_no_color() {
    let path = broken_echo_server1();
    let args = [
        "echo-server1",
        "--flags",
        "--stage",
        "listens",
        "--",
        path.to_str().unwrap(),
        "--mistake",
        "no-space",
        "--port",
        "{port}",
    ];
    let (_, forced) = lab_grade(&args, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\u{1b}["), "{forced}");
    // (colored lets CLICOLOR_FORCE win over NO_COLOR: a person forcing colour means it.)
    let (_, no_color) = lab_grade(&args, &[("NO_COLOR", "1")]);
    assert!(!no_color.contains('\u{1b}'), "{no_color}");
}

#[test]
fn an_unknown_program_or_a_missing_command_is_one_clear_line() {
    let (status, text) = lab_grade(&["echo-server9", "--", "true"], &[]);
    assert_eq!(status, 1);
    assert!(
        text.starts_with("Error: no rubric for \"echo-server9\": the programs are happy-server, "),
        "{text}"
    );
    let (status, text) = lab_grade(&["dealer"], &[]);
    assert_eq!(status, 1);
    assert!(
        text.contains("give the command that runs it after `--`"),
        "{text}"
    );
    let (status, text) = lab_grade(&["--list"], &[]);
    assert_eq!(status, 0);
    assert!(text.contains("dealer (interactions, port 11267)"), "{text}");
}

/// Every program of the lessons' folders (a package with a `src/main.rs`) has a
/// rubric, and every rubric is a program's: `lab-grade <program>` grades them all.
#[test]
fn every_program_of_the_lessons_has_a_rubric() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let lessons = [
        "session-10",
        "crates/time-and-echo",
        "crates/tcp-server-lab",
        "crates/interactions",
        "crates/chat-and-doctor",
        "crates/many-clients",
    ];
    let mut programs: Vec<String> = lessons
        .iter()
        .flat_map(|lesson| std::fs::read_dir(root.join(lesson)).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|package| package.join("src/main.rs").is_file())
        .map(|package| package.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    programs.sort();
    let mut rubrics: Vec<String> = lab_grade::lessons::all()
        .iter()
        .map(|r| r.program.to_string())
        .collect();
    rubrics.sort();
    assert_eq!(rubrics, programs);
}

/// A lesson's server without SO_REUSEADDR, on a fixed port (a command the
/// grader does not move: `sh -c ...`), graded stage after stage on that port:
/// the grader closes its side first, so no connection waits in TIME_WAIT on
/// the server's side and every stage's copy can bind the port again.
#[cfg(unix)]
#[test]
fn on_a_fixed_port_a_server_without_reuseaddr_starts_again_for_every_stage() {
    let Some(python) = python() else { return };
    let port = lab_grade::runner::free_port(false).unwrap();
    let lesson = std::fs::read_to_string(script("happy_server.py")).unwrap();
    let without = lesson
        .replace(
            "ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "pass",
        )
        .replace("\nPORT = 8080\n", &format!("\nPORT = {port}\n"));
    assert!(!without.contains("SO_REUSEADDR"));
    let copy = std::env::temp_dir().join(format!("happy_server_fixed_{port}.py"));
    std::fs::write(&copy, without).unwrap();
    let command = format!("exec {python} {}", copy.display());
    let launch = Launch::command(vec!["sh".into(), "-c".into(), command.into()], port);
    assert_eq!(launch.port, PortChoice::Lesson(port));
    // Stages that each end with connections the server closed first.
    let only = [
        "listens",
        "replies",
        "prints_message",
        "closes_the_connection",
        "serves_clients_in_turn",
        "burst",
        "half_close",
        "replies_byte_for_byte",
    ];
    let report = grade("happy-server", launch, &only);
    let _ = std::fs::remove_file(copy);
    assert_eq!(failed(&report), [] as [&str; 0], "{}", report.human());
}

/// Another program already listening on the lesson's port would answer in the
/// student's program's place: one clear failure, and nothing else is run.
#[test]
fn a_port_held_by_another_program_is_one_clear_failure() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let launch = Launch::command(vec!["/no/such/server".into()], port);
    let report = grade("echo-server1", launch, &[]);
    assert_eq!(
        report.status(),
        lab_grade::Status::Error,
        "{}",
        report.human()
    );
    let failure = failure(&report, "listens");
    assert!(
        failure.got.contains(&format!(
            "another program was already listening on port {port}"
        )),
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

/// `--list --json`: every program, and each stage's kind and whether it needs `--flags`.
#[test]
fn the_list_shows_each_stages_kind() {
    let (status, text) = lab_grade(&["--list", "--json"], &[]);
    assert_eq!(status, 0, "{text}");
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let echo = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["program"] == "echo-server1")
        .unwrap();
    let stage = |id: &str| {
        echo["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(stage("replies")["kind"], "lesson");
    assert_eq!(stage("reset")["kind"], "robustness");
    assert_eq!(stage("help")["kind"], "conventions");
    assert_eq!(stage("help")["needs_flags"], true);
    assert_eq!(stage("prints_the_message_in_green")["needs_flags"], false);
    let (_, text) = lab_grade(&["--list"], &[]);
    assert!(
        text.contains("  replies                      lesson      "),
        "{text}"
    );
}
