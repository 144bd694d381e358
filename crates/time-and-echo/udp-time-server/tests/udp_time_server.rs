//! Black-box tests of the UDP time server: its binary, on port 0, over real UDP.

// The rubric `lab-grade udp-time-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "udp-time-server",
    env!("CARGO_BIN_EXE_udp-time-server"),
    [
        listens,
        answers_a_datagram,
        answers_an_empty_datagram,
        answers_the_largest_datagram,
        answers_invalid_utf8,
        answers_every_client,
        survives_a_client_gone,
        burst,
    ] + server_basics
);
