//! Black-box tests of echo server 2: its binary, on port 0, over real TCP.

// The rubric `lab-grade echo-server2` grades with: one test per stage.
lab_grade::rubric_tests!(
    "echo-server2",
    env!("CARGO_BIN_EXE_echo-server2"),
    [
        listens,
        replies,
        prints_message,
        closes_the_connection,
        replies_byte_for_byte,
        prints_the_lessons_words,
        prints_the_message_in_green,
        serves_clients_in_turn,
        counts_connections,
        finishes_client_on_ctrl_c,
        closes_without_a_reset,
        escapes_control_characters,
    ] + hostile
        + server_basics
);
