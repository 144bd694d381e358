//! Black-box tests of echo server 2: its binary, on port 0, over real TCP.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::checks::OneShotServer;

const SERVER: OneShotServer = OneShotServer {
    path: env!("CARGO_BIN_EXE_echo-server2"),
    args: &[],
    reply: |msg| format!("ECHO: {msg}\n"),
};

// The rubric `lab-grade echo-server2` grades with: one test per stage.
lab_grade::rubric_tests!(
    "echo-server2",
    env!("CARGO_BIN_EXE_echo-server2"),
    [
        listens,
        replies,
        prints_message,
        serves_clients_in_turn,
        counts_connections,
        empty_connection,
        invalid_utf8,
        reset,
        huge_message,
        half_close,
        nul_bytes,
        burst,
        slow_client,
        silent_client,
        finishes_client_on_ctrl_c,
        help,
        version,
        bad_arguments,
        port_in_use,
        stops_on_ctrl_c,
        stops_on_sigterm,
    ]
);

#[test]
fn counts_connections_and_shows_each_client_ip_and_port() {
    let mut server = SERVER.start(&[]);
    for n in 1..=3 {
        let mut client = lab_test::connect(server.addr());
        let me = client.local_addr().unwrap();
        std::io::Write::write_all(&mut client, b"hi").unwrap();
        assert_eq!(lab_test::read_to_end(&mut client), b"ECHO: hi\n");
        server.expect_line(&format!(
            "CONNECTION {n}. Client IP,PORT: {}, {}",
            me.ip(),
            me.port()
        ));
    }
}
