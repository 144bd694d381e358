//! Test helpers for black-box tests of the socket-labs programs (dev-only).
//!
//! A test starts the real binary on port 0, reads the listening line it prints to
//! learn its address, talks to it over real TCP or UDP, and reads its console. Every
//! wait here has a timeout ([`TIMEOUT`]), and a [`Program`] is killed when it is
//! dropped, so a failing test never hangs and never leaves a server behind.
//!
//! ```no_run
//! use lab_test::{Program, talk};
//!
//! let mut server = Program::server(env!("CARGO_PKG_NAME"), &[]); // a path in real tests
//! let reply = talk(server.addr(), b"Test");
//! assert_eq!(reply, b"HELLO. I am the Happy Server :-)\n");
//! server.expect_line("Message received: Test");
//! ```
// Tests report failures by panicking: here unwrap/expect are the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod checks;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::process::{Command, ExitStatus};
use std::thread;
use std::time::Duration;

use lab_grade::net;

/// How long any wait in a test may take before the test fails: generous, so that a
/// loaded CI machine does not fail a correct program, and finite, so none hangs.
pub const TIMEOUT: Duration = lab_grade::testing::PATIENCE;

/// A program under test, started as a child process with its output piped: the
/// grader's runner ([`lab_grade::Program`]), which fails the test instead of
/// returning errors.
///
/// Its stdout and stderr share one pipe, read line by line (the console a student
/// would see, in the order the program wrote it); [`expect_line`](Program::expect_line)
/// waits for a line.
#[derive(Debug)]
pub struct Program {
    pub(crate) inner: lab_grade::Program,
}

impl Program {
    /// Starts the program at `path` with `args`, with stdin piped (see
    /// [`write_stdin`](Program::write_stdin)); it does not wait for anything.
    ///
    /// Without `LAB_TRACE`, whatever the test's environment: these tests read the
    /// console line by line, and a trace line on stderr would land in the middle of
    /// a prompt's line (`> > again`). `--trace` in `args` still traces (the
    /// scenarios test the trace that way), and so does [`spawn`](Program::spawn)
    /// with `LAB_TRACE` set on its command.
    pub fn start(path: impl AsRef<OsStr>, args: &[&str]) -> Program {
        let mut command = Command::new(path);
        command.args(args).env_remove("LAB_TRACE");
        Program::spawn(command)
    }

    /// Starts `command` (to set its environment, say), with its standard streams
    /// piped; it does not wait for anything.
    pub fn spawn(command: Command) -> Program {
        let shown = format!("{command:?}");
        let inner = lab_grade::Program::spawn_with_traces_inline(command)
            .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
        Program { inner }
    }

    /// Starts a server on port 0 (`--port 0` is added to `args`) and waits for its
    /// listening line, `Listening on <address>`, to learn where it listens.
    ///
    /// Fails the test if the line does not come within [`TIMEOUT`] or the program
    /// exits first, showing everything it printed.
    pub fn server(path: impl AsRef<OsStr>, args: &[&str]) -> Program {
        let mut all = vec!["--port", "0"];
        all.extend_from_slice(args);
        let mut program = Program::start(path, &all);
        program.wait_listening();
        program
    }

    /// Waits for the listening line and remembers the address it names.
    pub fn wait_listening(&mut self) -> SocketAddr {
        self.inner
            .wait_ready(None, false, TIMEOUT)
            .unwrap_or_else(|waited| self.fail(&format!("the listening line: {waited}")))
    }

    /// The server's port, as a command-line argument for its clients.
    pub fn port(&self) -> String {
        self.addr().port().to_string()
    }

    /// The address to reach the server at (loopback if it listens on every network).
    pub fn addr(&self) -> SocketAddr {
        self.inner
            .addr()
            .expect("the program has not printed its listening line")
    }

    /// Waits for the next line that is exactly `wanted`, and fails the test if the
    /// program exits or [`TIMEOUT`] passes first.
    pub fn expect_line(&mut self, wanted: &str) -> String {
        self.expect(|line| line == wanted, &format!("the line {wanted:?}"))
    }

    /// Waits for the next line that contains `part` (see [`expect_line`](Program::expect_line)).
    pub fn expect_line_containing(&mut self, part: &str) -> String {
        self.expect(
            |line| line.contains(part),
            &format!("a line containing {part:?}"),
        )
    }

    /// Waits for the next line that `matches` accepts and returns it.
    pub fn expect(&mut self, matches: impl Fn(&str) -> bool, what: &str) -> String {
        self.inner
            .wait_for(matches, TIMEOUT)
            .unwrap_or_else(|waited| self.fail(&format!("{what}: {waited}")))
    }

    /// Every line read so far (the ones [`expect_line`](Program::expect_line) went past too).
    pub fn seen(&self) -> &[String] {
        self.inner.seen()
    }

    fn fail(&self, what: &str) -> ! {
        let console: String = self.seen().iter().map(|l| format!("    {l}\n")).collect();
        panic!("waited for {what}; the program printed:\n{console}")
    }

    /// Waits for the program to exit, reading the rest of what it prints, and
    /// returns its status. Fails the test after [`TIMEOUT`].
    pub fn wait_exit(&mut self) -> ExitStatus {
        self.inner
            .wait_exit(TIMEOUT)
            .unwrap_or_else(|waited| self.fail(&format!("the program to exit: {waited}")))
    }

    /// Writes `text` to the program's standard input.
    pub fn write_stdin(&mut self, text: &str) {
        self.inner.write_stdin(text.as_bytes()).unwrap();
    }

    /// Closes the program's standard input (end of file).
    pub fn close_stdin(&mut self) {
        self.inner.close_stdin();
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    #[cfg(unix)]
    pub fn interrupt(&self) {
        self.inner.interrupt().unwrap();
    }

    /// Sends SIGTERM, as `kill` does.
    #[cfg(unix)]
    pub fn terminate(&self) {
        self.inner.terminate().unwrap();
    }
}

pub use lab_grade::runner::listening_addr;

/// The client program at `path`, pointed at the server at `server` (`--port`), run
/// by assert_cmd with [`TIMEOUT`] as a limit.
///
/// Without `LAB_TRACE`: these tests compare what the client prints, stderr
/// included, exactly; its trace lines are tested in the scenarios (`tests/`).
pub fn client(path: &str, server: SocketAddr) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(path);
    command
        .args(["--port", &server.port().to_string()])
        .env_remove("LAB_TRACE")
        .timeout(TIMEOUT);
    command
}

/// Connects to `addr`, with [`TIMEOUT`] on the connection and on every read and write.
pub fn connect(addr: SocketAddr) -> TcpStream {
    net::connect(addr, TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"))
        .into()
}

/// Reads until the other side closes the connection (every read with a timeout).
pub fn read_to_end(stream: &mut TcpStream) -> Vec<u8> {
    let reply = net::read_to_end(stream);
    if let Some(error) = reply.error {
        panic!(
            "reading until the server closes: {error} (after {:?})",
            reply.data
        );
    }
    reply.data
}

/// One exchange as the lessons' clients do it: connect, send `message`, read the
/// reply until the server closes the connection.
pub fn talk(addr: SocketAddr, message: &[u8]) -> Vec<u8> {
    let mut stream = connect(addr);
    stream.write_all(message).unwrap();
    read_to_end(&mut stream)
}

pub use lab_grade::net::{random_bytes, reset};

/// An address on loopback where nothing listens: connecting to it is refused.
///
/// The port stays reserved (bound, but not listening) while the returned socket
/// lives, so no other test can start a server there in the meantime.
pub fn refusing_addr() -> (socket2::Socket, SocketAddr) {
    lab_grade::basics::refusing_addr().unwrap()
}

/// A UDP socket on loopback with [`TIMEOUT`] on its reads, to talk to a UDP server.
pub fn udp_socket(server: SocketAddr) -> UdpSocket {
    let socket = UdpSocket::bind(net::loopback_for(server)).unwrap();
    socket.set_read_timeout(Some(TIMEOUT)).unwrap();
    socket
}

/// Sends `data` through an echo connection to `addr` from a second thread while
/// reading, closes the sending side, and returns everything read until the server
/// closes. Sending it all before reading would fill both sides' buffers and stall.
pub fn echo_through(addr: SocketAddr, data: Vec<u8>) -> Vec<u8> {
    let reply = net::echo_through(addr, data, TIMEOUT).unwrap();
    if let Some(error) = reply.error {
        panic!("echoing: {error} (after {} bytes)", reply.data.len());
    }
    reply.data
}

/// A connection to a server whose messages are lines (as `nc` sends and shows
/// them), with [`TIMEOUT`] on every read and write.
///
/// ```no_run
/// let mut rps = lab_test::LineConnection::connect("127.0.0.1:11268".parse().unwrap());
/// rps.send("rock");
/// assert!(rps.read_line().starts_with("server plays "));
/// ```
#[derive(Debug)]
pub struct LineConnection {
    reader: BufReader<TcpStream>,
    /// Every line read so far, for failure messages.
    seen: Vec<String>,
}

impl LineConnection {
    /// Connects to `addr` (see [`connect`]).
    pub fn connect(addr: SocketAddr) -> LineConnection {
        LineConnection::new(connect(addr))
    }

    /// Talks in lines over `stream`, with [`TIMEOUT`] on its reads and writes.
    pub fn new(stream: TcpStream) -> LineConnection {
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(TIMEOUT)).unwrap();
        LineConnection {
            reader: BufReader::new(stream),
            seen: Vec::new(),
        }
    }

    /// Sends `line` followed by `\n`.
    pub fn send(&mut self, line: &str) {
        self.send_bytes(format!("{line}\n").as_bytes());
    }

    /// Sends `bytes` as they are.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.reader.get_mut().write_all(bytes).unwrap();
    }

    /// The next line, without its `\n`, or `None` when the server has closed the
    /// connection. Fails the test after [`TIMEOUT`] or on invalid UTF-8.
    pub fn next_line(&mut self) -> Option<String> {
        let mut line = String::new();
        let size = self
            .reader
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("reading a line: {e}; lines so far:\n{}", self.lines()));
        if size == 0 {
            return None;
        }
        let line = line.strip_suffix('\n').unwrap_or(&line).to_string();
        self.seen.push(line.clone());
        Some(line)
    }

    /// The next line; fails the test if the server closes the connection first.
    pub fn read_line(&mut self) -> String {
        self.next_line().unwrap_or_else(|| {
            panic!(
                "the server closed the connection; lines so far:\n{}",
                self.lines()
            )
        })
    }

    /// Reads lines until one that starts with `start`, and returns them all (that
    /// one last). Fails the test if the connection closes first.
    pub fn read_until(&mut self, start: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let Some(line) = self.next_line() else {
                panic!(
                    "the server closed the connection before a line starting with {start:?}; \
                     lines so far:\n{}",
                    self.lines()
                );
            };
            let found = line.starts_with(start);
            lines.push(line);
            if found {
                return lines;
            }
        }
    }

    /// Reads until the server closes the connection, and returns the lines read.
    pub fn read_to_close(&mut self) -> Vec<String> {
        std::iter::from_fn(|| self.next_line()).collect()
    }

    /// The socket (for its address, or to close one direction).
    pub fn stream(&self) -> &TcpStream {
        self.reader.get_ref()
    }

    /// The socket itself (to reset it).
    pub fn into_stream(self) -> TcpStream {
        self.reader.into_inner()
    }

    /// Every line read so far, one per line, for failure messages.
    pub fn lines(&self) -> String {
        self.seen.iter().map(|l| format!("    {l}\n")).collect()
    }
}

/// A server written in a test, to test a client: runs `serve` in a thread on the
/// first client that connects to a new loopback listener. Gives the address to
/// point the client at, and the thread, which returns what `serve` returns (what
/// the client sent, say).
///
/// ```no_run
/// let (addr, server) = lab_test::serve_one_client(|mut client| {
///     let line = client.read_line();
///     client.send("an answer");
///     line
/// });
/// // ... run the client against `addr`, then:
/// assert_eq!(server.join().unwrap(), "what the client sent");
/// ```
pub fn serve_one_client<T: Send + 'static>(
    serve: impl FnOnce(LineConnection) -> T + Send + 'static,
) -> (SocketAddr, thread::JoinHandle<T>) {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        serve(LineConnection::new(stream))
    });
    (addr, server)
}

/// Reads what the other side sends next: one read (with [`TIMEOUT`]), as the
/// lessons' `recv()` does, decoded lossily. Fails the test if the connection is
/// closed instead.
pub fn read_once(stream: &mut TcpStream) -> String {
    let mut buffer = vec![0; 64 * 1024];
    let size = stream
        .read(&mut buffer)
        .unwrap_or_else(|e| panic!("waiting for a reply: {e}"));
    assert_ne!(size, 0, "the connection was closed instead of a reply");
    String::from_utf8_lossy(&buffer[..size]).into_owned()
}

/// One turn of a conversation: sends `message` and returns the reply (one read).
pub fn ask(stream: &mut TcpStream, message: &str) -> String {
    stream.write_all(message.as_bytes()).unwrap();
    read_once(stream)
}

/// Starts the server at `path` on port 0, reads its listening line, then closes
/// its standard output (as `| head` does once it has read enough) and connects a
/// client: the server must stop quietly with status 141, as a program stopped by
/// a broken pipe does, never with a panic and a backtrace, never half alive.
pub fn stops_quietly_when_its_console_closes(path: &str) {
    use std::process::Stdio;
    use std::time::Instant;

    let mut child = Command::new(path)
        .args(["--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = listening_addr(&line).unwrap_or_else(|| panic!("no listening line: {line:?}"));
    drop(stdout);
    // Wait (bounded) for the server to stop, giving it a client to print about
    // again and again: the end of the pipe we closed may live on for a moment in a
    // child that another test is starting (a fork holds a copy until its exec),
    // and lines printed meanwhile still find a reader; the next ones will not.
    let deadline = Instant::now() + TIMEOUT;
    let mut clients = Vec::new();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within {TIMEOUT:?} once its console was closed");
        }
        if let Ok(mut client) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            let _ = client.write_all(b"Test");
            clients.push(client);
        }
        thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "it panicked: {stderr}");
    assert_eq!(status.code(), Some(141), "{stderr}");
}
