//! `--trace` end to end, one test per lesson: a real run of a server and its
//! client, both traced, shows the lesson's calls in order (not the exact spacing),
//! and the two traces agree on the bytes that went between them.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::Command;

use lab_test::Program;
use scenarios::{output_of, program, start};

/// The trace lines among a program's console lines. Its stdout and stderr share
/// one pipe, so a trace line may follow a prompt that ends without a newline
/// (`> `): it is taken from its word `trace` on.
fn trace_lines(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .filter_map(|line| line.find("trace  ").map(|at| &line[at..]))
        .collect()
}

/// Checks that each of `calls` is in a trace line, in this order (others may come
/// between); says which was missing, with the whole trace.
fn assert_in_order(lines: &[String], calls: &[&str]) {
    let trace = trace_lines(lines);
    let mut from = 0;
    for call in calls {
        match trace[from..].iter().position(|line| line.contains(call)) {
            Some(at) => from += at,
            None => panic!(
                "expected a trace line containing {call:?} after line {from}; the trace:\n{}",
                trace.join("\n")
            ),
        }
    }
}

/// Checks that some trace line contains `part`.
fn assert_traced(lines: &[String], part: &str) {
    let trace = trace_lines(lines);
    assert!(
        trace.iter().any(|line| line.contains(part)),
        "expected a trace line containing {part:?}; the trace:\n{}",
        trace.join("\n")
    );
}

/// A client of ours with `--trace`, to its end: everything it printed.
fn traced_client(name: &str, server: &Program) -> Vec<String> {
    output_of(start(name, &["--trace", "--port", &server.port()]))
}

#[test]
fn session_10_echo_server2_and_five_shot_client_trace_the_same_bytes() {
    let mut server = Program::server(program("echo-server2"), &["--trace"]);
    let client = traced_client("five-shot-client", &server);
    server.expect_line("Message received: Message 4");
    server.expect_line_containing("cs.close()");
    assert_in_order(
        server.seen(),
        &[
            "step 1  ls = socket(AF_INET, SOCK_STREAM)",
            "ls.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)",
            "step 2  ls.bind(('127.0.0.1', 0))",
            "step 3  ls.listen(128)",
            "step 4  cs, address = ls.accept()",
            "step 5  cs, address = ls.accept()",
            "step 6  cs.recv(2048)",
            "step 7  cs.sendall(",
            "cs.close()",
        ],
    );
    assert_in_order(
        &client,
        &[
            "s = socket(AF_INET, SOCK_STREAM)",
            "s.connect(",
            "s.sendall(",
            "s.recv() until b''",
        ],
    );
    for i in 0..5 {
        // What the client sent is what the server received, and the other way round.
        assert_traced(&client, &format!("s.sendall(b'Message {i}')"));
        assert_traced(server.seen(), &format!("-> 9 bytes b'Message {i}'"));
        assert_traced(
            server.seen(),
            &format!("cs.sendall(b'ECHO: Message {i}\\n')"),
        );
        assert_traced(
            &client,
            &format!("-> 16 bytes b'ECHO: Message {i}\\n', then b''"),
        );
    }
}

#[test]
fn control_characters_a_client_sends_are_escaped_in_the_trace() {
    let mut server = Program::server(program("echo-server2"), &["--trace"]);
    let reply = lab_test::talk(server.addr(), b"\x1b[2J\x07hi\r");
    assert_eq!(reply, b"ECHO: \x1b[2J\x07hi\r\n");
    server.expect_line_containing("cs.close()");
    assert_traced(server.seen(), r"-> 8 bytes b'\x1b[2J\x07hi\r'");
    assert_traced(server.seen(), r"cs.sendall(b'ECHO: \x1b[2J\x07hi\r\n')");
    for line in trace_lines(server.seen()) {
        assert!(
            !line.contains(|c: char| c.is_control()),
            "a trace line holds a control character: {line:?}"
        );
    }
}

#[test]
fn lab_trace_1_turns_the_trace_on_without_the_flag() {
    let mut command = Command::new(program("echo-server2"));
    command.args(["--port", "0"]).env("LAB_TRACE", "1");
    let mut server = Program::spawn(command);
    server.wait_listening();
    assert_eq!(lab_test::talk(server.addr(), b"Test"), b"ECHO: Test\n");
    server.expect_line_containing("cs.close()");
    assert_traced(
        server.seen(),
        "step 6  cs.recv(2048)                             -> 4 bytes b'Test'",
    );
}

#[test]
fn without_trace_nothing_is_traced() {
    let mut command = Command::new(program("echo-server2"));
    command.args(["--port", "0"]).env_remove("LAB_TRACE");
    let mut server = Program::spawn(command);
    server.wait_listening();
    assert_eq!(lab_test::talk(server.addr(), b"Test"), b"ECHO: Test\n");
    server.expect_line("Waiting for Clients to connect");
    server.expect_line("Waiting for Clients to connect");
    assert_eq!(trace_lines(server.seen()), Vec::<&str>::new());
}

#[test]
fn time_and_echo_stream_echo_traces_recv_and_sendall_and_the_half_close() {
    let mut server = Program::server(program("stream-echo-server"), &["--trace"]);
    let client = traced_client("stream-echo-client", &server);
    server.expect_line_containing("conn.close()");
    assert_in_order(
        server.seen(),
        &[
            "ls.listen(",
            "ls.accept()",
            "conn.recv(65536)",
            "-> 12 bytes b'Hello, world'",
            "conn.sendall(b'Hello, world')",
            "conn.recv(65536)                          -> b''",
            "conn.close()",
        ],
    );
    assert_in_order(
        &client,
        &[
            "s.connect(",
            "s.sendall(b'Hello, world')                -> 12 bytes",
            "s.shutdown(SHUT_WR)",
            "-> 12 bytes b'Hello, world', then b''",
        ],
    );
}

#[test]
fn time_and_echo_udp_traces_sendto_and_recvfrom_on_both_sides() {
    let mut server = Program::server(program("udp-time-server"), &["--trace"]);
    let client = traced_client("udp-time-client", &server);
    server.expect_line_containing("s.sendto(");
    assert_in_order(
        server.seen(),
        &[
            "step 1  s = socket(AF_INET, SOCK_DGRAM)",
            "step 2  s.bind(",
            "s.recvfrom(",
            "-> 16 bytes b'What time is it?', from ('127.0.0.1', ",
            "s.sendto(b'",
        ],
    );
    assert_in_order(
        &client,
        &[
            "s = socket(AF_INET, SOCK_DGRAM)",
            "s.sendto(b'What time is it?', ('127.0.0.1', ",
            "s.recvfrom(2048)",
        ],
    );
}

#[test]
fn tcp_server_lab_traces_the_pickles_and_their_repr() {
    let mut server = Program::server(program("handshake-server"), &["--trace"]);
    let client = traced_client("handshake-client", &server);
    server.expect_line_containing("cs.close()");
    let port = client
        .iter()
        .find_map(|line| line.strip_prefix("The server gave me client id "))
        .expect("the client id")
        .to_string();
    assert_in_order(
        server.seen(),
        &[
            "step 5  cs, address = ls.accept()",
            &format!("pickle.dumps({{'clientid': {port}}})"),
            "step 7  cs.sendall(b'\\x80\\x03}",
            "sock.recv(4096)",
            "pickle.loads(b'\\x80\\x03X\\r\\x00\\x00\\x00Hello, server",
            "-> 'Hello, server'",
        ],
    );
    assert_in_order(
        &client,
        &[
            "s.connect(",
            &format!("-> {{'clientid': {port}}}"),
            "pickle.dumps('Hello, server')",
            "s.sendall(b'\\x80\\x03X\\r\\x00\\x00\\x00Hello, server",
        ],
    );
}

#[test]
fn interactions_tcp_client_and_tcp_server_trace_the_typed_line() {
    let mut server = Program::server(program("tcp-server"), &["--trace"]);
    let mut client = start("tcp-client", &["--trace", "--port", &server.port()]);
    client.expect_line("client is connected");
    client.write_stdin("caf\u{e9} \u{1b}[31m\n");
    let client = output_of(client);
    server.expect_line_containing("cs.close()");
    let sent = r"b'caf\xc3\xa9 \x1b[31m'";
    assert_traced(&client, &format!("client.sendall({sent})"));
    assert_in_order(
        server.seen(),
        &[
            "step 5  cs, address = ls.accept()",
            &format!("-> 11 bytes {sent}"),
            "cs.close()",
        ],
    );
}

#[test]
fn chat_and_doctor_traces_both_directions() {
    let mut server = Program::server(program("doctor-server"), &["--trace", "--seed", "1"]);
    let mut client = start("chat-client", &["--trace", "--port", &server.port()]);
    client.expect_line("What can I do for you?");
    client.write_stdin("I am sad\n");
    client.expect(|line| line.starts_with("> "), "a reply");
    client.write_stdin("\n");
    let client = output_of(client);
    server.expect_line_containing("cs.close()");
    // The greeting: sent by the server, received by the client.
    assert_in_order(
        server.seen(),
        &[
            "step 7  cs.sendall(b'Good morning",
            "cs.recv(",
            "-> 9 bytes b'I am sad\\n'",
            "step 7  cs.sendall(b'",
        ],
    );
    assert_in_order(
        &client,
        &[
            "server.recv(1024)",
            "b'Good morning",
            "server.sendall(b'I am sad\\n')",
            "server.recv(1024)",
        ],
    );
}

#[test]
fn many_clients_async_server_names_the_task_of_each_call() {
    let mut server = Program::server(program("async-echo-server"), &["--trace"]);
    // Two clients at once: both connected before either sends.
    let mut first = lab_test::connect(server.addr());
    let mut second = lab_test::connect(server.addr());
    second.write_all(b"two").unwrap();
    first.write_all(b"one").unwrap();
    assert_eq!(lab_test::read_to_end(&mut second), b"ECHO: two\n");
    assert_eq!(lab_test::read_to_end(&mut first), b"ECHO: one\n");
    drop((first, second));
    server.expect_line_containing("cs.close()");
    server.expect_line_containing("cs.close()");
    assert_in_order(
        server.seen(),
        &["step 4  [task ", "ls.accept().await", "step 5  [task "],
    );
    let task_of = |data: &str| {
        let line = trace_lines(server.seen())
            .into_iter()
            .find(|line| line.contains(data))
            .unwrap_or_else(|| panic!("no trace line with {data}"))
            .to_string();
        line.split('[')
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap()
            .to_string()
    };
    let (one, two) = (task_of("b'one'"), task_of("b'two'"));
    assert_ne!(one, two, "each client has its own task");
    assert_eq!(task_of("cs.sendall(b'ECHO: one\\n')"), one);
    assert_eq!(task_of("cs.sendall(b'ECHO: two\\n')"), two);
}

#[test]
fn many_clients_threaded_server_names_the_worker() {
    let mut server = Program::server(program("threaded-echo-server"), &["--trace"]);
    assert_eq!(lab_test::talk(server.addr(), b"Test"), b"ECHO: Test\n");
    server.expect_line_containing("cs.close()");
    assert_in_order(
        server.seen(),
        &[
            "step 5  cs, address = ls.accept()",
            "[worker ",
            "cs.recv(2048)",
            "[worker ",
            "cs.sendall(b'ECHO: Test\\n')",
        ],
    );
}

#[test]
fn a_megabyte_is_one_short_trace_line() {
    let mut server = Program::server(program("stream-echo-server"), &["--trace"]);
    let echoed = lab_test::echo_through(server.addr(), vec![b'\n'; 1 << 20]);
    assert_eq!(echoed.len(), 1 << 20);
    server.expect_line_containing("conn.close()");
    for line in trace_lines(server.seen()) {
        assert!(line.len() < 200, "a long trace line: {} bytes", line.len());
    }
}

#[test]
fn the_password_programs_trace_the_length_of_a_password_never_the_password() {
    let mut command = Command::new(program("password-server"));
    command
        .args(["--port", "0", "--trace"])
        .env("LAB_PASSWORD", "sesame");
    let mut server = Program::spawn(command);
    server.wait_listening();
    let mut client = start("password-client", &["--trace", "--port", &server.port()]);
    client.write_stdin("open up\nsesame\n");
    client.close_stdin();
    let client = output_of(client);
    server.expect_line_containing("cs.close()");
    assert_traced(&client, "s.sendall((8 bytes, not shown))");
    assert_traced(&client, "s.sendall((7 bytes, not shown))");
    assert_traced(server.seen(), "-> 8 bytes (8 bytes, not shown)");
    assert_traced(server.seen(), "-> 7 bytes (7 bytes, not shown)");
    for line in trace_lines(server.seen())
        .into_iter()
        .chain(trace_lines(&client))
    {
        assert!(
            !line.contains("sesame") && !line.contains("open up"),
            "a trace line shows a password: {line}"
        );
    }
}

#[test]
fn interactions_password_server_traces_a_try_without_a_newline_but_never_the_try() {
    let mut command = Command::new(program("password-server"));
    command
        .args(["--port", "0", "--trace"])
        .env("LAB_PASSWORD", "open sesame");
    let mut server = Program::spawn(command);
    server.wait_listening();
    // The page's tcp_client.py: one send() without a newline, then recv().
    let mut client = lab_test::connect(server.addr());
    client.write_all(b"open sesame").unwrap();
    assert_eq!(lab_test::read_once(&mut client), "access granted\n");
    server.expect_line_containing("access granted");
    assert_in_order(
        server.seen(),
        &[
            "cs.recv(4096)",
            "-> 11 bytes",
            "nothing more for 100 ms: the message ends",
        ],
    );
    let console = server.seen().join("\n");
    assert!(!console.contains("sesame"), "{console}");
}
