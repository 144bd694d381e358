//! Black-box tests of the time client: its binary, against the grader's reference
//! time servers.

// The rubric `lab-grade time-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "time-client",
    env!("CARGO_BIN_EXE_time-client"),
    [
        prints_the_time,
        prints_the_rest,
        works_with_the_pages_server,
        says_when_the_server_sends_nothing,
    ] + client_basics
);
