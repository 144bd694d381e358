//! Black-box tests of the doctor server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use doctor::Doctor;
use lab_test::checks::ConversationServer;
use lab_test::{Program, ask, connect, read_once, read_to_end};

const PATH: &str = env!("CARGO_BIN_EXE_doctor-server");

/// Lambert's greeting, byte for byte: no newline at the end.
const GREETING: &str = "Good morning, I hope you are well today.\nWhat can I do for you?";

/// Every reply the Doctor may give to `message` after `earlier`.
fn replies(earlier: &[String], message: &str) -> Vec<String> {
    let mut dr = Doctor::new(Some(0));
    for said in earlier {
        dr.reply(said);
    }
    dr.possible_replies(message)
}

const SERVER: ConversationServer = ConversationServer {
    path: PATH,
    args: &[],
    greeting: GREETING,
    replies,
};

lab_test::conversation_server_tests!(SERVER, port: 21566, name: "doctor-server");

#[test]
fn prints_the_slides_lines() {
    let mut server = Program::server(PATH, &[]);
    server.expect_line("Waiting for connection . . .");
    let client = SERVER.connect(&server);
    let me = client.stream.local_addr().unwrap();
    server.expect_line(&format!("... connected from {me}"));
    drop(client);
    server.expect_line("Client disconnected");
    server.expect_line("Waiting for connection . . .");
}

#[test]
fn answers_with_a_hedge_or_the_sentence_with_persons_changed() {
    let server = Program::server(PATH, &[]);
    let mut patient = connect(server.addr());
    assert_eq!(read_once(&mut patient), GREETING);
    let reply = ask(&mut patient, "I am sad about my dog\n");
    let possible = [
        "Please tell me more.",
        "Many of my patients tell me the same thing.",
        "Please continue.",
        "Why do you say that you are sad about your dog",
        "You seem to think that you are sad about your dog",
        "Can you explain why you are sad about your dog",
    ];
    assert!(possible.contains(&reply.as_str()), "{reply:?}");
}

/// A long conversation with a seeded Doctor: every reply is one Lambert's Doctor
/// could give, earlier sentences only from the fifth on.
fn conversation(server: &Program) -> Vec<String> {
    let mut patient = SERVER.connect(server);
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

#[cfg(unix)]
#[test]
fn ctrl_c_lets_the_session_in_progress_end() {
    let mut server = Program::server(PATH, &[]);
    let mut patient = SERVER.connect(&server);
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
    let mut first = SERVER.connect(&server);
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
    assert_eq!(read_once(&mut second), GREETING);
}
