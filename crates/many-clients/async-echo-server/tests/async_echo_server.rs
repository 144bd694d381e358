//! Black-box tests of the async echo server: its binary, on port 0, over real TCP.

// The same replies, console lines and robustness as echo server 2, for many
// clients at once.
// The rubric `lab-grade async-echo-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "async-echo-server",
    env!("CARGO_BIN_EXE_async-echo-server"),
    [
        listens,
        replies,
        prints_message,
        serves_clients_in_turn,
        counts_connections,
        finishes_client_on_ctrl_c,
        serves_others_while_some_stay_silent,
        finishes_every_client_in_progress_on_ctrl_c,
        closes_without_a_reset,
        escapes_control_characters,
    ] + hostile
        + server_basics
);
