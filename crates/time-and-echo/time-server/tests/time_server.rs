//! Black-box tests of the time server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(unix)]
use std::process::Command;

#[cfg(unix)]
use jiff::Zoned;
use lab_test::{Program, talk};

const PATH: &str = env!("CARGO_BIN_EXE_time-server");

// The rubric `lab-grade time-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "time-server",
    env!("CARGO_BIN_EXE_time-server"),
    [
        listens,
        sends_the_time,
        sends_the_time_in_a_crlf_line,
        sends_a_nice_day,
        prints_who_connected,
        serves_clients_in_turn,
    ] + hostile
        + server_basics
);

/// Reads a time written as Python's time.ctime() writes it, in the zone `tz`.
#[cfg(unix)]
fn parse_ctime(text: &str, tz: &str) -> Zoned {
    assert_eq!(text.len(), 24, "not in time.ctime() form: {text:?}");
    let time = jiff::civil::DateTime::strptime("%a %b %e %H:%M:%S %Y", text)
        .unwrap_or_else(|e| panic!("not in time.ctime() form: {text:?}: {e}"));
    time.in_tz(tz).unwrap()
}

/// The server's reply, split into its lines; each must end in CRLF.
fn crlf_lines(reply: &[u8]) -> Vec<String> {
    let text = String::from_utf8(reply.to_vec()).expect("the reply is ASCII");
    assert!(text.ends_with("\r\n"), "{text:?}");
    let lines: Vec<String> = text.split_terminator("\r\n").map(str::to_string).collect();
    assert!(
        lines.iter().all(|l| !l.contains('\n')),
        "a line ends in LF only: {text:?}"
    );
    lines
}

#[cfg(unix)]
fn server_in_zone(tz: &str) -> Program {
    let mut command = Command::new(PATH);
    command.args(["--port", "0"]).env("TZ", tz);
    let mut server = Program::spawn(command);
    server.wait_listening();
    server
}

#[cfg(unix)]
#[test]
fn tells_the_local_time_of_its_time_zone() {
    let utc = server_in_zone("UTC");
    let tokyo = server_in_zone("Asia/Tokyo");
    let in_utc = parse_ctime(&crlf_lines(&talk(utc.addr(), b""))[0], "UTC");
    let in_tokyo = parse_ctime(&crlf_lines(&talk(tokyo.addr(), b""))[0], "Asia/Tokyo");
    // The same moment (within a few seconds), written 9 hours apart.
    let apart = in_tokyo.timestamp().as_second() - in_utc.timestamp().as_second();
    assert!(
        apart.abs() <= 5,
        "not the same moment: {in_utc} vs {in_tokyo}"
    );
    let wall = in_tokyo
        .datetime()
        .duration_since(in_utc.datetime())
        .as_secs();
    assert!(
        (9 * 3600 - 5..=9 * 3600 + 5).contains(&wall),
        "{in_utc} vs {in_tokyo}"
    );
}

#[test]
fn a_client_that_sends_data_still_gets_the_time() {
    let server = Program::server(PATH, &[]);
    let lines = crlf_lines(&talk(server.addr(), b"What time is it?"));
    assert_eq!(lines[1], "Have a nice day!");
}

/// It reads nothing from a client, so it offers no --timeout: its --help does not
/// show one, and the flag is refused (status 2) instead of silently doing nothing.
#[test]
fn offers_no_timeout_it_would_not_use() {
    let mut help = Program::start(PATH, &["--help"]);
    assert!(help.wait_exit().success());
    let text = help.seen().join("\n");
    assert!(!text.contains("--timeout"), "{text}");
    let mut with_timeout = Program::start(PATH, &["--timeout", "5"]);
    assert_eq!(with_timeout.wait_exit().code(), Some(2));
}
