//! Black-box tests of the TCP client: its binary, driven through its standard
//! input, against the grader's reference server, which records what it receives.

// The rubric `lab-grade tcp-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "tcp-client",
    env!("CARGO_BIN_EXE_tcp-client"),
    [
        sends_the_line,
        prints_the_lesson_lines,
        drops_a_windows_line_ending,
        sends_only_the_first_line,
        says_when_standard_input_is_empty,
    ] + client_basics
);
