//! Many clients at once, end to end: the load client against the real echo
//! servers (its JSON, its sweep and chart), and two chat room clients talking
//! through the real room.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::Program;
use scenarios::{output_of, program, start};

#[test]
fn load_client_json_against_the_threaded_echo_server() {
    let server = Program::server(program("threaded-echo-server"), &[]);
    let client = start(
        "load-client",
        &[
            "--port",
            &server.port(),
            "--clients",
            "8",
            "--requests",
            "200",
            "--json",
        ],
    );
    let output = output_of(client);
    assert_eq!(output.len(), 1, "one JSON object: {output:?}");
    let json = &output[0];
    // The exact fields are load-client's own test; here: every request answered.
    assert!(json.starts_with("{\"requests_per_sec\":"), "{json}");
    assert!(json.ends_with(",\"ok\":200,\"failed\":0}"), "{json}");
}

#[test]
fn load_client_slow_clients_are_all_served_by_every_echo_server() {
    for name in ["echo-server2", "threaded-echo-server", "async-echo-server"] {
        let server = Program::server(program(name), &[]);
        let client = start(
            "load-client",
            &[
                "--port",
                &server.port(),
                "--clients",
                "4",
                "--requests",
                "8",
                "--wait-ms",
                "5",
                "--slow-clients",
                "1",
                "--slow-ms",
                "50",
            ],
        );
        let output = output_of(client).join("\n");
        assert!(output.contains("ok: 8, failed: 0"), "{name}: {output}");
        assert!(
            output.contains("4 clients at once against 127.0.0.1:")
                && output.contains("each waiting 5 ms before sending, 1 of them 50 ms"),
            "{name}: {output}"
        );
    }
}

#[test]
fn load_client_sweep_draws_every_server_into_an_svg_chart() {
    let threaded = Program::server(program("threaded-echo-server"), &[]);
    let tokio = Program::server(program("async-echo-server"), &[]);
    let dir = std::env::temp_dir().join(format!("many-clients-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let chart = dir.join("sweep.svg");
    let client = start(
        "load-client",
        &[
            "sweep",
            "--server",
            &format!("threaded={}", threaded.port()),
            "--server",
            &format!("tokio={}", tokio.port()),
            "--clients",
            "1,4",
            "--requests",
            "40",
            "--out",
            chart.to_str().unwrap(),
        ],
    );
    let output = output_of(client);
    let svg = std::fs::read_to_string(&chart).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    for (name, clients) in [("threaded", 1), ("threaded", 4), ("tokio", 1), ("tokio", 4)] {
        let row = output.iter().find(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.first() == Some(&name) && words.get(1) == Some(&clients.to_string().as_str())
        });
        let row =
            row.unwrap_or_else(|| panic!("no row for {name} with {clients} clients: {output:?}"));
        assert!(row.ends_with(" 0"), "no request may fail: {row}");
    }
    assert!(svg.starts_with("<svg") && svg.contains("threaded") && svg.contains("tokio"));
}

#[test]
fn two_chat_room_clients_talk_through_the_room() {
    let mut room = Program::server(program("chat-room-server"), &[]);
    let mut ann = start("chat-room-client", &["--port", &room.port()]);
    ann.expect_line("Welcome to the chat room! What is your name?");
    ann.write_stdin("ann\n");
    ann.expect_line("Welcome, ann! Nobody else is here yet.");

    let mut bob = start("chat-room-client", &["--port", &room.port()]);
    bob.write_stdin("bob\n");
    bob.expect_line("Welcome, bob! Also here: ann.");
    ann.expect_line("* bob joined the room");

    bob.write_stdin("hello ann\n");
    ann.expect_line("bob: hello ann");
    ann.write_stdin("hi bob\n");
    bob.expect_line("ann: hi bob");
    room.expect_line("ann: hi bob");

    // bob's input ends: he leaves, and ann hears it.
    bob.close_stdin();
    bob.expect_line("Server disconnected");
    assert!(bob.wait_exit().success());
    ann.expect_line("* bob left the room");
    ann.close_stdin();
    output_of(ann);
}
