//! Black-box tests of the password server: its binary, on port 0, over real TCP,
//! a try per line as `nc` sends them, or one `send()` without a newline as the
//! page's `tcp_client.py` does. The password comes from a file or from the
//! environment, as a person gives it.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::Command;
use std::thread;

use lab_test::{LineConnection, Program, connect};

const PATH: &str = env!("CARGO_BIN_EXE_password-server");
/// The first line of this file is `open sesame`; its second line is not the password.
const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/password.txt");
const PASSWORD: &str = "open sesame";
const WITH_FILE: &[&str] = &["--password-file", FILE];

// The rubric `lab-grade password-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "password-server",
    env!("CARGO_BIN_EXE_password-server"),
    [
        listens,
        grants_the_password,
        denies_a_wrong_password,
        sends_away_after_three_wrong_tries,
        keeps_the_password_off_the_console,
    ] + hostile
        + server_basics
);

/// The server started with `args`, with LAB_PASSWORD set to `env` (or unset).
fn start(args: &[&str], env: Option<&str>) -> Program {
    let mut command = Command::new(PATH);
    command.args(["--port", "0"]).args(args);
    match env {
        Some(password) => command.env("LAB_PASSWORD", password),
        None => command.env_remove("LAB_PASSWORD"),
    };
    let mut program = Program::spawn(command);
    program.wait_listening();
    program
}

/// The password server reading the test's file.
fn server() -> Program {
    start(WITH_FILE, None)
}

/// Sends `guess` as one line and returns the answer line.
fn try_password(client: &mut LineConnection, guess: &str) -> String {
    client.send(guess);
    client.read_line()
}

#[test]
fn the_password_from_the_file_is_granted_and_the_connection_closes() {
    let server = server();
    let mut client = LineConnection::connect(server.addr());
    assert_eq!(try_password(&mut client, PASSWORD), "access granted");
    assert_eq!(client.next_line(), None, "closed after access granted");
}

#[test]
fn only_the_first_line_of_the_file_is_the_password() {
    let server = server();
    let mut client = LineConnection::connect(server.addr());
    let second = "second line is not the password";
    assert_eq!(try_password(&mut client, second), "access denied");
    assert_eq!(try_password(&mut client, PASSWORD), "access granted");
}

#[test]
fn the_password_from_lab_password_is_granted() {
    let server = start(&[], Some("from the env"));
    let mut client = LineConnection::connect(server.addr());
    assert_eq!(try_password(&mut client, PASSWORD), "access denied");
    assert_eq!(try_password(&mut client, "from the env"), "access granted");
}

#[test]
fn without_a_password_the_server_refuses_to_start_in_one_line() {
    // Its standard input is a pipe, not a terminal: nobody can type a password.
    let mut command = Command::new(PATH);
    command.args(["--port", "0"]).env_remove("LAB_PASSWORD");
    let mut program = Program::spawn(command);
    assert_eq!(program.wait_exit().code(), Some(1));
    let console = program.seen();
    assert_eq!(console.len(), 1, "{console:?}");
    assert!(
        console[0].starts_with("Error: no password: "),
        "{console:?}"
    );
}

#[test]
fn an_empty_or_missing_password_file_is_refused_in_one_line() {
    let empty = std::env::temp_dir().join(format!("password-server-empty-{}", std::process::id()));
    std::fs::write(&empty, "\nsecond\n").unwrap();
    let missing = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/no-such-file");
    for (file, error) in [
        (empty.to_str().unwrap(), "Error: the password is empty"),
        (missing, "Error: cannot read the password file"),
    ] {
        let mut command = Command::new(PATH);
        command.args(["--port", "0", "--password-file", file]);
        let mut program = Program::spawn(command);
        assert_eq!(program.wait_exit().code(), Some(1), "{file}");
        let console = program.seen();
        assert_eq!(console.len(), 1, "{console:?}");
        assert!(console[0].starts_with(error), "{console:?}");
    }
    std::fs::remove_file(empty).unwrap();
}

#[test]
fn tries_sets_how_many_wrong_tries_a_client_has() {
    let server = start(&["--password-file", FILE, "--tries", "1"], None);
    let mut client = LineConnection::connect(server.addr());
    assert_eq!(try_password(&mut client, "wrong"), "access denied");
    assert_eq!(client.read_to_close(), ["too many tries: goodbye"]);
    // The next client has its own tries.
    let mut next = LineConnection::connect(server.addr());
    assert_eq!(try_password(&mut next, PASSWORD), "access granted");
}

#[test]
fn the_line_ending_is_not_part_of_the_try_but_spaces_are() {
    let server = server();
    let mut client = LineConnection::connect(server.addr());
    assert_eq!(try_password(&mut client, " open sesame"), "access denied");
    client.send_bytes(b"open sesame\r\n");
    assert_eq!(client.read_line(), "access granted");
}

#[test]
fn several_tries_in_one_write_are_each_answered() {
    let server = server();
    let mut client = LineConnection::connect(server.addr());
    client.send_bytes(b"one\ntwo\n");
    assert_eq!(client.read_line(), "access denied");
    assert_eq!(client.read_line(), "access denied");
    assert_eq!(try_password(&mut client, PASSWORD), "access granted");
}

/// The page's `tcp_client.py`: one `send()` without a newline, then `recv()`.
#[test]
fn a_try_without_a_newline_is_answered() {
    let server = server();
    let mut client = connect(server.addr());
    for (guess, answer) in [("open", "access denied\n"), (PASSWORD, "access granted\n")] {
        client.write_all(guess.as_bytes()).unwrap();
        assert_eq!(lab_test::read_once(&mut client), answer, "{guess}");
    }
}

/// A try is compared as bytes: an invalid byte is not the `�` (U+FFFD) that
/// shows it when decoded.
#[test]
fn an_invalid_byte_does_not_match_the_replacement_character_of_a_password() {
    let server = start(&[], Some("caf\u{FFFD}"));
    let mut client = LineConnection::connect(server.addr());
    client.send_bytes(b"caf\xFF\n");
    assert_eq!(client.read_line(), "access denied");
    client.send_bytes(b"caf\xFF");
    assert_eq!(client.read_line(), "access denied");
    assert_eq!(try_password(&mut client, "caf\u{FFFD}"), "access granted");
}

#[test]
fn the_console_shows_each_outcome_and_the_client_but_never_a_password() {
    let mut server = server();
    let mut client = LineConnection::connect(server.addr());
    let me = client.stream().local_addr().unwrap();
    let guesses = ["my-first-guess", "\u{1b}]0;pwned\u{7}"];
    for guess in guesses {
        try_password(&mut client, guess);
    }
    try_password(&mut client, PASSWORD);
    server.expect_line(&format!("client {me} connected"));
    server.expect_line(&format!("client {me}: access denied (wrong try 1 of 3)"));
    server.expect_line(&format!("client {me}: access denied (wrong try 2 of 3)"));
    server.expect_line(&format!("client {me}: access granted"));
    let console = server.seen().join("\n");
    for secret in [
        PASSWORD,
        "open",
        "sesame",
        "my-first-guess",
        "pwned",
        "\u{1b}",
    ] {
        assert!(
            !console.contains(secret),
            "{secret:?} on the console:\n{console}"
        );
    }
}

// The shared rubric: nothing a client sends stops the server.

#[test]
fn invalid_utf8_is_a_wrong_try() {
    let server = server();
    let mut client = LineConnection::connect(server.addr());
    client.send_bytes(b"open \xFF\xFEsesame\n");
    assert_eq!(client.read_line(), "access denied");
    assert_eq!(try_password(&mut client, PASSWORD), "access granted");
}

#[test]
fn a_huge_try_is_one_wrong_try_and_the_client_may_try_again() {
    let server = server();
    let addr = server.addr();
    let mut huge = LineConnection::connect(addr);
    let mut writer = huge.stream().try_clone().unwrap();
    let sending = thread::spawn(move || writer.write_all(&vec![b'x'; 1 << 20]).unwrap());
    assert_eq!(huge.read_line(), "access denied");
    sending.join().unwrap();
    assert_eq!(try_password(&mut huge, PASSWORD), "access granted");
}

/// Ctrl-C while a client thinks: the client is told, and the server stops.
#[cfg(unix)]
#[test]
fn ctrl_c_while_a_client_thinks_tells_it_and_stops_the_server() {
    let mut server = server();
    let mut client = LineConnection::connect(server.addr());
    assert_eq!(try_password(&mut client, "wrong"), "access denied");
    server.interrupt();
    assert_eq!(client.read_to_close(), ["the server is stopping: goodbye"]);
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}
