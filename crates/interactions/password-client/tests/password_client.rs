//! Black-box tests of the password client: its binary, its tries piped to its
//! standard input, against a server written here that answers from a script.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::thread::JoinHandle;

use assert_cmd::Command;

const PATH: &str = env!("CARGO_BIN_EXE_password-client");

// The rubric `lab-grade password-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "password-client",
    env!("CARGO_BIN_EXE_password-client"),
    [
        tries_until_granted,
        asks_with_the_prompt,
        fails_when_sent_away,
    ] + client_basics
);

/// A server for one client that answers the lines it receives with `answers`, in
/// order, then closes; gives back the lines it received.
fn server(answers: &'static [&'static str]) -> (SocketAddr, JoinHandle<Vec<String>>) {
    lab_test::serve_one_client(move |mut client| {
        let mut received = Vec::new();
        for answer in answers {
            let Some(line) = client.next_line() else {
                break;
            };
            received.push(line);
            client.send_bytes(answer.as_bytes());
        }
        received
    })
}

fn client(addr: SocketAddr) -> Command {
    lab_test::client(PATH, addr)
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn prints_the_goodbye_after_too_many_tries_and_exits_1() {
    let (addr, server) = server(&[
        "access denied\n",
        "access denied\ntoo many tries: goodbye\n",
    ]);
    let assert = client(addr).write_stdin("a\nb\nc\n").assert().code(1);
    assert_eq!(
        stdout(&assert),
        "Password: access denied\nPassword: access denied\ntoo many tries: goodbye\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stderr),
        "",
        "the server's words say it all"
    );
    assert_eq!(server.join().unwrap().len(), 2);
}

#[test]
fn says_when_its_input_ends_and_exits_1() {
    let (addr, server) = server(&["access denied\n", "access granted\n"]);
    let assert = client(addr).write_stdin("guess\n").assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("standard input ended"), "{stderr}");
    server.join().unwrap();
}

#[test]
fn says_when_the_server_closes_without_an_answer() {
    let (addr, server) = server(&[]);
    let assert = client(addr).write_stdin("guess\n").assert().code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.starts_with("Error: the server"), "{stderr}");
    server.join().unwrap();
}
