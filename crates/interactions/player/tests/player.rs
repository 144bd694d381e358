//! Black-box tests of the player: its binary, driven through its standard input,
//! against the grader's reference dealer, whose secret the stage chooses.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// The rubric `lab-grade player` grades with: one test per stage.
lab_grade::rubric_tests!(
    "player",
    env!("CARGO_BIN_EXE_player"),
    [
        guesses_until_found,
        says_it_is_ready,
        prints_each_answer,
        skips_empty_lines,
        says_when_the_dealer_goes_away,
        says_when_the_guesses_run_out,
    ] + client_basics
);

/// The dealer goes away (its second Ctrl-C) while the person is thinking of a
/// guess: the player says so at once, not after the next guess is typed (its
/// input stays open here, with nothing typed).
#[test]
fn a_dealer_that_goes_away_while_the_person_thinks_is_noticed_at_once() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dealer = std::thread::spawn(move || {
        let (mut player, _) = listener.accept().unwrap();
        player.set_read_timeout(Some(lab_test::TIMEOUT)).unwrap();
        let mut guess = [0; 80];
        let n = player.read(&mut guess).unwrap();
        assert_eq!(&guess[..n], b"5");
        player.write_all(b"the secret is lower").unwrap();
        // Then the dealer stops at once, the player's next guess not yet typed.
    });
    let mut player = lab_test::Program::start(env!("CARGO_BIN_EXE_player"), &["--port", &port]);
    player.write_stdin("5\n");
    player.expect_line_containing("> the secret is lower");
    dealer.join().unwrap();
    let status = player.wait_exit();
    assert_eq!(status.code(), Some(1), "{:?}", player.seen());
    assert!(
        player
            .seen()
            .iter()
            .any(|line| line.contains("Error: the dealer went away")),
        "expected the player to say the dealer went away, got {:?}",
        player.seen()
    );
}
