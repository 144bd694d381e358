//! Black-box tests of the async echo server: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::checks::OneShotServer;

const SERVER: OneShotServer = OneShotServer {
    path: env!("CARGO_BIN_EXE_async-echo-server"),
    args: &[],
    reply: |msg| format!("ECHO: {msg}\n"),
};

// The same replies, console lines and robustness as echo server 2.
lab_test::one_shot_server_tests!(SERVER, port: 8080, name: "async-echo-server");

#[test]
fn serves_many_clients_while_some_stay_silent() {
    SERVER.serves_others_while_some_stay_silent(50);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_accepting_and_finishes_every_client_in_progress() {
    SERVER.serves_every_client_in_progress_after_ctrl_c(
        "No more clients: waiting for the clients in progress to finish",
    );
}
