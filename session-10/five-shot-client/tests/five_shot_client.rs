//! Black-box tests of the five-shot client: its binary, against the grader's
//! reference echo server, which records what each connection sends.

// The rubric `lab-grade five-shot-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "five-shot-client",
    env!("CARGO_BIN_EXE_five-shot-client"),
    [
        sends_five_messages,
        prints_replies,
        finishes_with_status_0,
        prints_a_reply_without_newline_on_its_line,
        says_when_the_server_closes_without_a_reply,
    ] + client_basics
);
