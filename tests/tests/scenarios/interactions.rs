//! The client/server interactions page end to end: each client against its
//! server, and ours against the page's own Python programs, both ways.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::Program;
use scenarios::{output_of, play_by_bisection, program, python, start};

#[test]
fn tcp_client_sends_the_typed_line_to_tcp_server() {
    let mut server = Program::server(program("tcp-server"), &[]);
    let mut client = start("tcp-client", &["--port", &server.port()]);
    client.expect_line("client is connected");
    client.write_stdin("Hello from the client\n");
    output_of(client);
    server.expect_line("server received \"Hello from the client\"");
    assert!(server.wait_exit().success());
}

#[test]
fn player_finds_the_secret_of_the_dealer_by_bisection() {
    let mut dealer = Program::server(program("dealer"), &[]);
    let mut player = start("player", &["--port", &dealer.port()]);
    let secret = play_by_bisection(&mut player);
    output_of(player);
    dealer.expect_line(&format!("the secret is {secret}"));
    assert!(dealer.wait_exit().success());
}

#[test]
fn pages_tcp_client_py_sends_to_our_tcp_server() {
    let mut server = Program::server(program("tcp-server"), &[]);
    let Some(client) = python("tcp_client.py", &[&server.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut client = Program::spawn(client);
    client.expect_line("client is connected");
    client.write_stdin("typed in Python\n");
    output_of(client);
    server.expect_line("server received \"typed in Python\"");
}

#[test]
fn our_tcp_client_sends_to_pages_tcp_server_py() {
    let Some(server) = python("tcp_server.py", &["0"]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut server = Program::spawn(server);
    server.wait_listening();
    let mut client = start("tcp-client", &["--port", &server.port()]);
    client.write_stdin("typed in Rust\n");
    output_of(client);
    // The page's server prints exactly what came: no newline was sent.
    server.expect_line("server received \"typed in Rust\"");
}

#[test]
fn pages_player_py_finds_the_secret_of_our_dealer() {
    let mut dealer = Program::server(program("dealer"), &[]);
    let Some(player) = python("player.py", &[&dealer.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut player = Program::spawn(player);
    let secret = play_by_bisection(&mut player);
    output_of(player); // the page's player ends on exactly 'found the secret'
    dealer.expect_line(&format!("the secret is {secret}"));
    assert!(dealer.wait_exit().success());
}

#[test]
fn our_player_finds_the_secret_of_pages_dealer_py() {
    let Some(dealer) = python("dealer.py", &["0"]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut dealer = Program::spawn(dealer);
    dealer.wait_listening();
    let mut player = start("player", &["--port", &dealer.port()]);
    let secret = play_by_bisection(&mut player);
    output_of(player);
    dealer.expect_line(&format!("the secret is {secret}"));
    assert!(dealer.wait_exit().success());
}
