//! Black-box tests of the doctor server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod patient;

use lab_test::{Program, connect, read_once, read_to_end};
use patient::Patient;

const PATH: &str = env!("CARGO_BIN_EXE_doctor-server");

// The rubric `lab-grade doctor-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "doctor-server",
    env!("CARGO_BIN_EXE_doctor-server"),
    [
        listens,
        greets,
        answers_as_the_doctor,
        prints_the_slides_lines,
        serves_clients_in_turn,
    ] + hostile
        + server_basics
);

/// A long conversation with a seeded Doctor: every reply is one Lambert's Doctor
/// could give, earlier sentences only from the fifth on.
fn conversation(server: &Program) -> Vec<String> {
    let mut patient = Patient::new(server);
    (0..30)
        .map(|i| patient.say(&format!("I think my number {i} is mine.\n")))
        .collect()
}

#[test]
fn a_seed_makes_the_whole_conversation_repeatable() {
    let first = conversation(&Program::server(PATH, &["--seed", "11"]));
    let again = conversation(&Program::server(PATH, &["--seed", "11"]));
    assert_eq!(first, again);
    let hedge = |reply: &String| doctor::HEDGES.contains(&reply.as_str());
    let earlier = |reply: &String| reply.starts_with("Earlier you said that you think your number");
    // (`say` checked that each reply is one of the three kinds.)
    assert!(first.iter().any(hedge), "no hedge in {first:#?}");
    assert!(
        first.iter().any(earlier),
        "no earlier sentence in {first:#?}"
    );
    let qualifier = |reply: &&String| !hedge(reply) && !earlier(reply);
    assert!(
        first.iter().any(|r| qualifier(&r)),
        "no qualifier in {first:#?}"
    );
}

#[test]
fn each_client_gets_a_new_doctor_with_no_history() {
    let server = Program::server(PATH, &["--seed", "4"]);
    assert_eq!(conversation(&server), conversation(&server));
}

/// Control characters are only text: answered, never a crash.
#[test]
fn answers_control_characters() {
    let server = Program::server(PATH, &[]);
    let mut patient = Patient::new(&server);
    patient.say("\u{1b}]0;pwned\u{7}\u{1b}[2J I am\r\u{8} here\u{0}\n");
    patient.say("after\n");
}

#[cfg(unix)]
#[test]
fn ctrl_c_lets_the_session_in_progress_end() {
    let mut server = Program::server(PATH, &[]);
    let mut patient = Patient::new(&server);
    patient.say("I am first\n");
    server.interrupt();
    patient.say("I am still here\n");
    drop(patient);
    server.expect_line("Client disconnected");
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}

#[test]
fn the_next_client_waits_for_the_one_in_session() {
    let mut server = Program::server(PATH, &[]);
    let mut first = Patient::new(&server);
    let mut second = connect(server.addr());
    first.say("I am first\n");
    // One client at a time: the second is not greeted while the first is in session.
    second.set_nonblocking(true).unwrap();
    let waiting = std::io::Read::read(&mut second, &mut [0; 100]);
    assert_eq!(waiting.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    second.set_nonblocking(false).unwrap();
    first.stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut first.stream), b"");
    server.expect_line("Client disconnected");
    assert_eq!(read_once(&mut second), doctor::GREETING);
}
