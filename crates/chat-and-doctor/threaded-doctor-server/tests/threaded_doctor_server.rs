//! Black-box tests of the threaded doctor server: its binary, on port 0, with many
//! clients at once over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../doctor-server/tests/patient/mod.rs"]
mod patient;

use lab_test::Program;
use patient::Patient;

const PATH: &str = env!("CARGO_BIN_EXE_threaded-doctor-server");

// The rubric `lab-grade threaded-doctor-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "threaded-doctor-server",
    env!("CARGO_BIN_EXE_threaded-doctor-server"),
    [
        listens,
        greets,
        answers_as_the_doctor,
        prints_the_slides_lines,
        serves_clients_in_turn,
        sees_patients_at_once,
    ] + hostile
        + server_basics
);

#[test]
fn twenty_patients_at_once_each_with_their_own_history() {
    let mut server = Program::server(PATH, &["--seed", "3"]);
    // All twenty are greeted while all are connected: each has a thread.
    let mut patients: Vec<_> = (0..20).map(|_| Patient::new(&server)).collect();
    // They take turns; every reply, "Earlier you said that ..." included, comes
    // from the patient's own sentences (`say` checks it against its own history).
    let mut memories = 0;
    for turn in 0..30 {
        for (i, patient) in patients.iter_mut().enumerate() {
            let reply = patient.say(&format!("I am patient {i} and this is my turn {turn}\n"));
            if reply.starts_with("Earlier you said that ") {
                assert!(
                    reply.contains(&format!("you are patient {i} and")),
                    "{reply}"
                );
                memories += 1;
            }
        }
    }
    assert!(memories > 0, "no Doctor ever remembered");
    drop(patients);
    for _ in 0..20 {
        server.expect_line("Client disconnected");
    }
}

#[test]
fn a_seed_gives_each_patient_the_same_doctor_whatever_the_others_say() {
    let server = Program::server(PATH, &["--seed", "8"]);
    let mut first = Patient::new(&server);
    let mut other = Patient::new(&server);
    let mut second = Patient::new(&server);
    let (mut to_first, mut to_second) = (Vec::new(), Vec::new());
    for i in 0..12 {
        let sentence = format!("my cat ate {i} mice\n");
        to_first.push(first.say(&sentence));
        other.say("I feel nothing\n");
        to_second.push(second.say(&sentence));
    }
    assert_eq!(to_first, to_second);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_accepting_and_lets_the_sessions_in_progress_end() {
    let mut server = Program::server(PATH, &[]);
    let port = server.addr().port();
    let mut first = Patient::new(&server);
    let mut second = Patient::new(&server);
    server.interrupt();
    server.expect_line(
        "Sessions in progress: 2; waiting for them to end (Ctrl-C again stops at once)",
    );
    // New patients are refused...
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    // ... and those in session are still answered until they leave.
    first.say("I am still here\n");
    drop(first);
    second.say("me too\n");
    second.stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(lab_test::read_to_end(&mut second.stream), b"");
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}

#[cfg(unix)]
#[test]
fn ctrl_c_waits_for_a_silent_patient_no_longer_than_the_timeout() {
    let mut server = Program::server(PATH, &["--timeout", "1"]);
    let mut silent = Patient::new(&server);
    server.interrupt();
    server.expect_line_containing("Sessions in progress: 1");
    server.expect_line("The client sent nothing for 1 s: giving up on it");
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
    assert_eq!(lab_test::read_to_end(&mut silent.stream), b"");
}
