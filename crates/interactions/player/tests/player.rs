//! Black-box tests of the player: its binary, driven through its standard input,
//! against the grader's reference dealer, whose secret the stage chooses.

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
