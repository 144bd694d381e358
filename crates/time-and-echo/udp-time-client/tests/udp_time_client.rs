//! Black-box tests of the UDP time client: its binary, against the grader's
//! reference UDP servers, which answer, stay silent, or lose the first datagram.

// The rubric `lab-grade udp-time-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "udp-time-client",
    env!("CARGO_BIN_EXE_udp-time-client"),
    [
        prints_the_time,
        tries_again_when_the_answer_is_lost,
        gives_up_after_its_tries,
        says_when_nothing_listens,
    ] + command_line
);
