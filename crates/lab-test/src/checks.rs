//! The checks every request/reply server of the lessons must pass, written once.
//!
//! A server here reads one message per client, answers it and closes the
//! connection (the Session 10 servers). Each package's tests describe their server
//! with a [`OneShotServer`] and call these checks from tests named like a rubric.
//!
//! ```no_run
//! use lab_test::checks::OneShotServer;
//!
//! const SERVER: OneShotServer = OneShotServer {
//!     path: "target/debug/echo-server1", // env!("CARGO_BIN_EXE_echo-server1") in a test
//!     args: &[],
//!     reply: |msg| format!("ECHO: {msg}\n"),
//! };
//!
//! #[test]
//! fn survives_invalid_utf8() {
//!     SERVER.survives_invalid_utf8();
//! }
//! ```

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;

use crate::{Program, connect, read_to_end, reset, talk};

/// A server that answers each client's one message and closes the connection.
#[derive(Debug, Clone, Copy)]
pub struct OneShotServer {
    /// The binary to run.
    pub path: &'static str,
    /// Flags to start it with (besides `--port 0`).
    pub args: &'static [&'static str],
    /// What it answers to a message, byte for byte.
    pub reply: fn(&str) -> String,
}

impl OneShotServer {
    /// Starts the server on port 0 with its flags and `extra` ones.
    pub fn start(&self, extra: &[&str]) -> Program {
        let args: Vec<&str> = self.args.iter().chain(extra).copied().collect();
        Program::server(self.path, &args)
    }

    /// Sends `message` as a new client and checks the reply, byte for byte.
    pub fn assert_replies(&self, server: &Program, message: &str) {
        let reply = talk(server.addr(), message.as_bytes());
        assert_eq!(
            String::from_utf8_lossy(&reply),
            (self.reply)(message),
            "reply to {message:?}"
        );
    }

    /// Answers a message and prints `Message received: <msg>`.
    pub fn replies_to_a_message(&self) {
        let mut server = self.start(&[]);
        self.assert_replies(&server, "Test");
        server.expect_line("Message received: Test");
    }

    /// Serves several clients, one after the other.
    pub fn serves_clients_one_after_another(&self) {
        let mut server = self.start(&[]);
        for i in 0..3 {
            self.assert_replies(&server, &format!("Message {i}"));
            server.expect_line(&format!("Message received: Message {i}"));
        }
    }

    /// Invalid UTF-8 is decoded with replacement characters, never a crash.
    pub fn survives_invalid_utf8(&self) {
        let mut server = self.start(&[]);
        let reply = talk(server.addr(), b"Hi \xFF\xFE there");
        assert_eq!(
            String::from_utf8_lossy(&reply),
            (self.reply)("Hi \u{FFFD}\u{FFFD} there")
        );
        server.expect_line("Message received: Hi \u{FFFD}\u{FFFD} there");
        self.assert_replies(&server, "after");
    }

    /// A client that connects and closes without sending gets a console line, and
    /// the server goes on.
    pub fn survives_an_empty_connection(&self) {
        let mut server = self.start(&[]);
        let mut client = connect(server.addr());
        client.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(
            read_to_end(&mut client),
            b"",
            "an empty message gets no reply"
        );
        server.expect_line("The client closed the connection without sending a message");
        self.assert_replies(&server, "next");
    }

    /// A client that resets the connection gets a console line, and the server goes on.
    pub fn survives_a_reset(&self) {
        let mut server = self.start(&[]);
        let client = connect(server.addr());
        // Reset once the server is reading from this client.
        server.expect_line("A client has connected to the server!");
        reset(client);
        server.expect_line("Could not read the message: the client reset the connection");
        self.assert_replies(&server, "next");
    }

    /// A 1 MiB message: the server reads one message (at most 2048 bytes) of it,
    /// and goes on with the next client.
    pub fn survives_a_huge_message(&self) {
        let mut server = self.start(&[]);
        let addr = server.addr();
        let sender = thread::spawn(move || {
            let mut client = connect(addr);
            // The server closes after one read: the rest of the write may be refused.
            let _ = client.write_all(&vec![b'x'; 1 << 20]);
            let _ = client.read_to_end(&mut Vec::new());
        });
        let line = server.expect_line_containing("Message received: ");
        let msg = line.trim_start_matches("Message received: ");
        assert!(
            !msg.is_empty() && msg.len() <= 2048 && msg.bytes().all(|b| b == b'x'),
            "one message is at most 2048 bytes, got {} bytes",
            msg.len()
        );
        sender.join().unwrap();
        self.assert_replies(&server, "next");
    }

    /// A client that never sends holds the server for its `--timeout` only: then it
    /// is closed and the next client is served.
    pub fn gives_up_on_a_silent_client(&self) {
        let mut server = self.start(&["--timeout", "1"]);
        let mut silent = connect(server.addr());
        server.expect_line("A client has connected to the server!");
        // This client waits in the queue until the server gives up on the silent one.
        self.assert_replies(&server, "next");
        server.expect_line("The client sent nothing for 1 s: giving up on it");
        assert_eq!(read_to_end(&mut silent), b"", "the silent client is closed");
    }

    /// Ctrl-C while a client is connected: the client is served to the end, then
    /// the server stops gracefully.
    #[cfg(unix)]
    pub fn finishes_the_client_before_stopping(&self) {
        let mut server = self.start(&[]);
        let mut client = connect(server.addr());
        server.expect_line("A client has connected to the server!");
        server.interrupt();
        client.write_all(b"last words").unwrap();
        let reply = read_to_end(&mut client);
        assert_eq!(String::from_utf8_lossy(&reply), (self.reply)("last words"));
        expect_graceful_stop(&mut server, self.path, self.args);
    }
}

/// Checks for a server that serves many clients at once (a thread pool, tokio
/// tasks): flags in `self.args` and `--timeout 60` for the silent ones.
impl OneShotServer {
    /// Connects `silent` clients that send nothing, then serves three more clients
    /// while they wait; then each silent client sends and is answered.
    pub fn serves_others_while_some_stay_silent(&self, silent: usize) {
        let mut server = self.start(&["--timeout", "60"]);
        let mut waiting = self.connect_clients(&mut server, silent);
        for i in 0..3 {
            self.assert_replies(&server, &format!("while {silent} are silent {i}"));
        }
        self.each_sends_and_is_answered(&mut waiting, "late");
    }

    /// Ctrl-C with three clients connected and silent: the server prints
    /// `stopping_line`, refuses new clients, serves each connected one to the end,
    /// then prints `Server stopped by the user` and exits 0.
    #[cfg(unix)]
    pub fn serves_every_client_in_progress_after_ctrl_c(&self, stopping_line: &str) {
        let mut server = self.start(&["--timeout", "60"]);
        let mut clients = self.connect_clients(&mut server, 3);
        server.interrupt();
        server.expect_line(stopping_line);
        // The listening socket is closed: a new client is refused.
        assert!(
            std::net::TcpStream::connect_timeout(&server.addr(), crate::TIMEOUT).is_err(),
            "a client could still connect after Ctrl-C"
        );
        self.each_sends_and_is_answered(&mut clients, "last");
        server.expect_line("Server stopped by the user");
        let status = server.wait_exit();
        assert!(status.success(), "stopped with {status}");
    }

    /// Connects `n` clients, waiting for the server's `CONNECTION <i>.` line for each.
    fn connect_clients(&self, server: &mut Program, n: usize) -> Vec<std::net::TcpStream> {
        (1..=n)
            .map(|i| {
                let client = connect(server.addr());
                server.expect_line_containing(&format!("CONNECTION {i}."));
                client
            })
            .collect()
    }

    /// Each client sends `<word> <i>` and must get the server's reply to it.
    fn each_sends_and_is_answered(&self, clients: &mut [std::net::TcpStream], word: &str) {
        for (i, client) in clients.iter_mut().enumerate() {
            let message = format!("{word} {i}");
            client.write_all(message.as_bytes()).unwrap();
            let reply = read_to_end(client);
            assert_eq!(String::from_utf8_lossy(&reply), (self.reply)(&message));
        }
    }
}

/// Starting a second server on a port in use fails with one clear line and
/// status 1 (no panic, no backtrace).
pub fn reports_a_port_in_use(path: &str, args: &[&str]) {
    let server = Program::server(path, args);
    let port = server.addr().port().to_string();
    let mut second_args = args.to_vec();
    second_args.extend(["--port", &port]);
    let mut second = Program::start(path, &second_args);
    let status = second.wait_exit();
    assert_eq!(status.code(), Some(1));
    let console = second.seen().join("\n");
    assert!(
        console.starts_with(&format!("Error: port {port} is already in use")),
        "{console}"
    );
    assert!(!console.contains("panicked"), "{console}");
}

/// A signal, as a person sends it.
#[cfg(unix)]
#[derive(Debug, Clone, Copy)]
pub enum Signal {
    /// SIGINT: Ctrl-C in the terminal.
    Interrupt,
    /// SIGTERM: `kill`.
    Terminate,
}

/// The signal, while the server waits for clients: `Server stopped by the user`,
/// status 0, and the port can be bound again at once.
#[cfg(unix)]
pub fn stops_gracefully_on(path: &str, args: &[&str], signal: Signal) {
    let mut server = Program::server(path, args);
    match signal {
        Signal::Interrupt => server.interrupt(),
        Signal::Terminate => server.terminate(),
    }
    expect_graceful_stop(&mut server, path, args);
}

#[cfg(unix)]
fn expect_graceful_stop(server: &mut Program, path: &str, args: &[&str]) {
    let port = server.addr().port().to_string();
    server.expect_line("Server stopped by the user");
    let status = server.wait_exit();
    assert!(status.success(), "stopped with {status}");
    // A new server gets the same port at once (SO_REUSEADDR, for TCP).
    let mut again_args = args.to_vec();
    again_args.extend(["--port", &port]);
    let mut again = Program::start(path, &again_args);
    assert_eq!(again.wait_listening().port(), server.addr().port());
}

/// `--help` names the shared flags and the lesson's default port, and exits 0.
pub fn help_shows_the_flags_and_default_port(path: &str, port: u16) {
    let mut program = Program::start(path, &["--help"]);
    assert!(program.wait_exit().success());
    let help = program.seen().join("\n");
    for flag in ["--ip", "--port", "--help", "--version"] {
        assert!(
            help.contains(flag),
            "--help does not mention {flag}:\n{help}"
        );
    }
    assert!(help.contains(&format!("[default: {port}]")), "{help}");
}

/// `--version` prints the program's name and version, and exits 0.
pub fn version_names_the_program(path: &str, name: &str) {
    let mut program = Program::start(path, &["--version"]);
    assert!(program.wait_exit().success());
    let line = program.seen().join("\n");
    assert!(line.starts_with(&format!("{name} ")), "{line}");
}

/// A port that is not a number, or an unknown flag, ends the program with
/// status 2, a line that names the flag, and a pointer to `--help`.
pub fn bad_arguments_exit_with_status_2(path: &str) {
    for args in [
        &["--port", "eighty"][..],
        &["--port", "70000"],
        &["--frobnicate"],
    ] {
        let mut program = Program::start(path, args);
        assert_eq!(program.wait_exit().code(), Some(2), "{args:?}");
        let console = program.seen().join("\n");
        assert!(console.starts_with("error: "), "{args:?}: {console}");
        assert!(
            console.contains(args[0]) && console.contains("--help"),
            "{args:?}: {console}"
        );
    }
}

/// Writes the command-line checks every client passes as `#[test]` functions:
/// `--help` with the lesson's `port`, `--version` with the program's `name`, and
/// bad flags.
///
/// ```ignore
/// lab_test::client_basics_tests!(env!("CARGO_BIN_EXE_time-client"), port: 9999, name: "time-client");
/// ```
#[macro_export]
macro_rules! client_basics_tests {
    ($path:expr, port: $port:expr, name: $name:expr) => {
        #[test]
        fn help_shows_the_flags_and_default_port() {
            $crate::checks::help_shows_the_flags_and_default_port($path, $port);
        }

        #[test]
        fn version_names_the_program() {
            $crate::checks::version_names_the_program($path, $name);
        }

        #[test]
        fn bad_arguments_exit_with_status_2() {
            $crate::checks::bad_arguments_exit_with_status_2($path);
        }
    };
}

/// Writes the checks every server passes as `#[test]` functions: the command line
/// (`--help` with the lesson's `port`, `--version` with the program's `name`, bad
/// flags), a port in use, and a graceful stop on Ctrl-C and on SIGTERM.
///
/// ```ignore
/// lab_test::server_basics_tests!(env!("CARGO_BIN_EXE_time-server"), &[], port: 9999, name: "time-server");
/// ```
#[macro_export]
macro_rules! server_basics_tests {
    ($path:expr, $args:expr, port: $port:expr, name: $name:expr) => {
        $crate::client_basics_tests!($path, port: $port, name: $name);

        #[test]
        fn reports_a_port_in_use_in_one_line() {
            $crate::checks::reports_a_port_in_use($path, $args);
        }

        #[cfg(unix)]
        #[test]
        fn stops_gracefully_on_ctrl_c() {
            $crate::checks::stops_gracefully_on($path, $args, $crate::checks::Signal::Interrupt);
        }

        #[cfg(unix)]
        #[test]
        fn stops_gracefully_on_sigterm() {
            $crate::checks::stops_gracefully_on($path, $args, $crate::checks::Signal::Terminate);
        }
    };
}

/// Writes the whole rubric of a [`OneShotServer`] as `#[test]` functions, one per
/// check (`replies_to_a_message`, `survives_invalid_utf8`, ...), plus
/// [`server_basics_tests!`](crate::server_basics_tests).
///
/// ```ignore
/// const SERVER: OneShotServer = OneShotServer { ... };
/// lab_test::one_shot_server_tests!(SERVER, port: 8080, name: "happy-server");
/// ```
#[macro_export]
macro_rules! one_shot_server_tests {
    ($server:expr, port: $port:expr, name: $name:expr) => {
        $crate::server_basics_tests!($server.path, $server.args, port: $port, name: $name);

        $crate::one_shot_server_tests!(@checks $server;
            replies_to_a_message,
            serves_clients_one_after_another,
            survives_invalid_utf8,
            survives_an_empty_connection,
            survives_a_reset,
            survives_a_huge_message,
            gives_up_on_a_silent_client,
        );

        #[cfg(unix)]
        #[test]
        fn finishes_the_current_client_before_stopping() {
            $server.finishes_the_client_before_stopping();
        }
    };
    (@checks $server:expr; $($check:ident,)*) => {
        $(
            #[test]
            fn $check() {
                $server.$check();
            }
        )*
    };
}

/// A TCP client given no server says so in one line ("is the server running?")
/// and exits with status 1. Its standard input gets `1\n`, for clients that read it.
pub fn says_when_no_server_is_running(path: &str) {
    let (_reserved, addr) = crate::refusing_addr();
    let mut client = Program::start(path, &["--port", &addr.port().to_string()]);
    // Only an offer: a client that does not read its input may have exited already.
    let _ = client.inner.write_stdin(b"1\n");
    client.close_stdin();
    assert_eq!(client.wait_exit().code(), Some(1));
    let console = client.seen().join("\n");
    assert!(
        console.ends_with(&format!(
            "Error: nothing is listening on {addr} (connection refused): is the server running?"
        )),
        "{console}"
    );
    assert!(!console.contains("panicked"), "{console}");
}

/// A server that greets each client and then answers each of its messages on the
/// same connection until the client leaves (the slides' doctor servers), printing
/// `Client disconnected` when it does.
///
/// ```no_run
/// use lab_test::checks::ConversationServer;
///
/// const SERVER: ConversationServer = ConversationServer {
///     path: "target/debug/doctor-server", // env!("CARGO_BIN_EXE_doctor-server") in a test
///     args: &["--seed", "7"],
///     greeting: "Good morning, I hope you are well today.\nWhat can I do for you?",
///     replies: |_earlier, _message| vec!["Please tell me more.".to_string()],
/// };
/// lab_test::conversation_server_tests!(SERVER, port: 21566, name: "doctor-server");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ConversationServer {
    /// The binary to run.
    pub path: &'static str,
    /// Flags to start it with (besides `--port 0`).
    pub args: &'static [&'static str],
    /// What it sends first, byte for byte.
    pub greeting: &'static str,
    /// Every reply it may give to `message` once the client has said `earlier`.
    pub replies: fn(earlier: &[String], message: &str) -> Vec<String>,
}

/// A client talking to a [`ConversationServer`], remembering what it said.
#[derive(Debug)]
pub struct Conversation {
    /// The connection.
    pub stream: TcpStream,
    /// What the client has said so far.
    pub said: Vec<String>,
    replies: fn(&[String], &str) -> Vec<String>,
}

impl Conversation {
    /// Sends `message` and checks that the reply is one the server may give (one read).
    pub fn say(&mut self, message: &str) -> String {
        self.say_bytes(message.as_bytes())
    }

    /// [`say`](Conversation::say) with bytes that need not be UTF-8: the server
    /// decodes them with `�` for invalid bytes.
    pub fn say_bytes(&mut self, message: &[u8]) -> String {
        let text = String::from_utf8_lossy(message).into_owned();
        let possible = (self.replies)(&self.said, &text);
        self.stream.write_all(message).unwrap();
        let reply = crate::read_once(&mut self.stream);
        assert!(
            possible.contains(&reply),
            "the reply to {text:?} was {reply:?}, not one of {possible:#?}"
        );
        self.said.push(text);
        reply
    }
}

impl ConversationServer {
    /// Starts the server on port 0 with its flags and `extra` ones.
    pub fn start(&self, extra: &[&str]) -> Program {
        let args: Vec<&str> = self.args.iter().chain(extra).copied().collect();
        Program::server(self.path, &args)
    }

    /// Connects as a new client and checks the greeting, byte for byte.
    pub fn connect(&self, server: &Program) -> Conversation {
        let mut stream = connect(server.addr());
        assert_eq!(crate::read_once(&mut stream), self.greeting, "the greeting");
        Conversation {
            stream,
            said: Vec::new(),
            replies: self.replies,
        }
    }

    /// Greets a client, answers its messages, and prints `Client disconnected`
    /// when it leaves; then the next client is greeted.
    pub fn greets_and_answers_until_the_client_leaves(&self) {
        let mut server = self.start(&[]);
        let mut client = self.connect(&server);
        for message in ["I am sad about my dog\n", "My mother hates me.\n", "Hi\n"] {
            client.say(message);
        }
        drop(client);
        server.expect_line("Client disconnected");
        self.connect(&server).say("next\n");
    }

    /// Invalid UTF-8 is decoded with replacement characters, never a crash.
    pub fn survives_invalid_utf8(&self) {
        let server = self.start(&[]);
        let mut client = self.connect(&server);
        client.say_bytes(b"caf\xC3\xA9 \xFF\xFE is mine\n");
        client.say("after\n");
    }

    /// Control characters are only text: answered, never a crash.
    pub fn survives_control_characters(&self) {
        let server = self.start(&[]);
        let mut client = self.connect(&server);
        client.say("\u{1b}]0;pwned\u{7}\u{1b}[2J I am\r\u{8} here\u{0}\n");
        client.say("after\n");
    }

    /// A client that leaves without a word: the server goes on with the next.
    pub fn survives_an_empty_connection(&self) {
        let mut server = self.start(&[]);
        let mut client = connect(server.addr());
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let greeting = read_to_end(&mut client);
        assert_eq!(String::from_utf8_lossy(&greeting), self.greeting);
        server.expect_line("Client disconnected");
        self.connect(&server).say("next\n");
    }

    /// A client that resets the connection: a console line, and the next client.
    pub fn survives_a_reset(&self) {
        let mut server = self.start(&[]);
        let client = self.connect(&server);
        reset(client.stream);
        server.expect_line("Could not read the message: the client reset the connection");
        self.connect(&server).say("next\n");
    }

    /// A 1 MiB message is read a buffer at a time, each piece answered; then the
    /// next client is served.
    pub fn survives_a_huge_message(&self) {
        let server = self.start(&[]);
        let client = self.connect(&server);
        let mut sender = client.stream.try_clone().unwrap();
        let sending = thread::spawn(move || {
            sender.write_all(&vec![b'x'; 1 << 20]).unwrap();
            sender.shutdown(std::net::Shutdown::Write).unwrap();
        });
        let mut stream = client.stream;
        let replies = read_to_end(&mut stream);
        sending.join().unwrap();
        assert!(!replies.is_empty(), "the pieces are answered");
        self.connect(&server).say("next\n");
    }

    /// A client that never sends holds its session for `--timeout` only: then it
    /// is closed.
    pub fn gives_up_on_a_silent_client(&self) {
        let mut server = self.start(&["--timeout", "1"]);
        let mut silent = self.connect(&server);
        server.expect_line("The client sent nothing for 1 s: giving up on it");
        assert_eq!(
            read_to_end(&mut silent.stream),
            b"",
            "the silent client is closed"
        );
        self.connect(&server).say("next\n");
    }
}

/// Writes the rubric of a [`ConversationServer`] as `#[test]` functions, one per
/// check, plus [`server_basics_tests!`](crate::server_basics_tests).
#[macro_export]
macro_rules! conversation_server_tests {
    ($server:expr, port: $port:expr, name: $name:expr) => {
        $crate::server_basics_tests!($server.path, $server.args, port: $port, name: $name);

        $crate::one_shot_server_tests!(@checks $server;
            greets_and_answers_until_the_client_leaves,
            survives_invalid_utf8,
            survives_control_characters,
            survives_an_empty_connection,
            survives_a_reset,
            survives_a_huge_message,
            gives_up_on_a_silent_client,
        );
    };
}
