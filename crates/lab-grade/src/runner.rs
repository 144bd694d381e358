//! The program runner: starts the program under test, reads its console, and
//! waits for it, every wait bounded; the program is killed when dropped.
//!
//! A [`Launch`] says how to start a program (a command in which `{port}` stands
//! for the port); a [`Program`] is one running copy of it. Its stdout and stderr
//! share one pipe, read line by line by a thread, so the lines come in the order the
//! program wrote them, as on a terminal. `PYTHONUNBUFFERED=1` is set, so a Python
//! program's lines arrive as it prints them, not when its buffer fills.
//!
//! Nothing here panics: every failure is an error the grader reports.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::{Duration, Instant};

/// What stands for the port in a command.
pub const PORT: &str = "{port}";

/// How the program under test learns its port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortChoice {
    /// `{port}` is in the command: a free port (a server) or the reference
    /// server's port (a client) replaces it.
    Placeholder,
    /// `{port}` becomes `0` and the program's `Listening on <address>` line says
    /// where it listens (our own programs: parallel-safe, nothing to guess).
    Zero,
    /// The command has no `{port}`: the program uses its lesson's port.
    Lesson(u16),
    /// A Python program with no `{port}`: the grader's startup module moves its
    /// `bind()` to a free port of the grader's (and a client's connections to
    /// the grader's server), so it runs unchanged, each stage on its own port.
    Moved,
}

/// How to start the program under test.
#[derive(Debug, Clone)]
pub struct Launch {
    /// The program and its arguments; `{port}` may appear in any of them.
    pub argv: Vec<OsString>,
    /// Where the port comes from.
    pub port: PortChoice,
    /// The program takes the course's shared flags (`--port`, `--timeout`,
    /// `--help`, ...), so stages may add them.
    pub flags: bool,
    /// It is a server (a client is graded against the grader's own server).
    pub server: bool,
    /// Its lesson's port, where a lesson's client connects.
    pub lesson_port: u16,
    /// What it is started with in its environment besides the grader's own
    /// (the rubric's: the password server's password).
    pub env: Vec<(String, String)>,
}

impl Launch {
    /// A command as a user gives it: `{port}` in it is replaced; otherwise a
    /// Python program is moved to the grader's ports (see [`PortChoice::Moved`]),
    /// and any other program is expected on `lesson_port`.
    pub fn command(argv: Vec<OsString>, lesson_port: u16) -> Launch {
        let placeholder = argv.iter().any(|arg| arg.to_string_lossy().contains(PORT));
        Launch {
            port: if placeholder {
                PortChoice::Placeholder
            } else if is_python(&argv) {
                PortChoice::Moved
            } else {
                PortChoice::Lesson(lesson_port)
            },
            argv,
            flags: false,
            server: true,
            lesson_port,
            env: Vec::new(),
        }
    }

    /// Whether the stages may run at once: each copy of the program has its own
    /// port (on a fixed port, two copies of a server cannot run at once).
    pub fn parallel(&self) -> bool {
        !matches!(self.port, PortChoice::Lesson(_))
    }

    /// One of our programs (`path`): `--port {port}` is added and the shared
    /// flags are there. A server is started on port 0 and read its listening line.
    pub fn ours(path: impl Into<OsString>, server: bool) -> Launch {
        Launch {
            argv: vec![path.into(), "--port".into(), PORT.into()],
            port: if server {
                PortChoice::Zero
            } else {
                PortChoice::Placeholder
            },
            flags: true,
            server,
            lesson_port: 0,
            env: Vec::new(),
        }
    }

    /// The command with `{port}` replaced by `port`, and `extra` arguments added.
    pub fn to_command(&self, port: u16, extra: &[&str]) -> Command {
        let port = port.to_string();
        let mut args = self.argv.iter().map(|arg| match arg.to_str() {
            Some(text) if text.contains(PORT) => OsString::from(text.replace(PORT, &port)),
            _ => arg.clone(),
        });
        let mut command = Command::new(args.next().unwrap_or_default());
        // A Rust panic's backtrace would push the program's own lines out of the report.
        command.args(args).args(extra).env("RUST_BACKTRACE", "0");
        // Colour even on the grader's pipe, so a stage can see it: `colored` (ours)
        // and Python's termcolor both honour these; NO_COLOR would win over them.
        command
            .env("FORCE_COLOR", "1")
            .env("CLICOLOR_FORCE", "1")
            .env_remove("NO_COLOR");
        // A program built on lab-common traces its socket calls (on stderr): a
        // failure shows them. Other programs ignore it.
        command.env(lab_common::trace::ENV, "1");
        // What the grader's startup module reads (a Python program's sockets moved
        // to loopback and to this port); other programs ignore it.
        if self.port != PortChoice::Zero && port != "0" {
            command
                .env("LAB_GRADE_PORT", &port)
                .env("LAB_GRADE_LESSON_PORT", self.lesson_port.to_string())
                .env(
                    "LAB_GRADE_ROLE",
                    if self.server { "server" } else { "client" },
                );
        }
        let own_path = self.env.iter().find(|(k, _)| k == "PYTHONPATH");
        let moved = self.port != PortChoice::Zero && port != "0";
        if let (true, Some(folder)) = (moved, crate::python::startup_folder()) {
            let first = own_path.map(|(_, v)| std::path::PathBuf::from(v));
            command.env("PYTHONPATH", crate::python::path_with(&folder, first));
        } else if let Some((_, path)) = own_path {
            command.env("PYTHONPATH", path);
        }
        command.envs(
            self.env
                .iter()
                .filter(|(k, _)| k != "PYTHONPATH")
                .map(|(k, v)| (k, v)),
        );
        command
    }

    /// The command as a person would type it, for reports.
    pub fn display(&self) -> String {
        let words: Vec<String> = self
            .argv
            .iter()
            .map(|arg| {
                let arg = arg.to_string_lossy();
                if arg.is_empty() || arg.contains(char::is_whitespace) {
                    format!("{arg:?}")
                } else {
                    arg.into_owned()
                }
            })
            .collect();
        words.join(" ")
    }
}

/// Whether `argv` runs a Python program: `python3 x.py`, `python x.py`,
/// `py x.py`, or a script `x.py` run by its `#!` line.
pub fn is_python(argv: &[OsString]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    let name = std::path::Path::new(first)
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.starts_with("python") || name == "py" || name == "py.exe" || name.ends_with(".py")
}

/// Where [`free_port`] looks: below every system's ephemeral ports (Linux's start
/// at 32768, macOS's and Windows' at 49152), so that no program given port 0 by
/// the system can take it between our look and the program's bind.
const FREE_PORTS: std::ops::Range<u16> = 20000..32000;

/// A free port on loopback (TCP, or UDP), for a program under test to bind.
///
/// The port is free when this returns, not reserved: the program binds it a
/// moment later. So the ports are handed out in turn from a random start, never
/// twice in a row within this process, and outside the system's ephemeral range.
pub fn free_port(udp: bool) -> io::Result<u16> {
    use std::sync::atomic::{AtomicU32, Ordering};
    // How many ports were handed out, plus a random start (u32::MAX: not yet drawn).
    static NEXT: AtomicU32 = AtomicU32::new(u32::MAX);
    let span = u32::from(FREE_PORTS.end - FREE_PORTS.start);
    let start = crate::net::random_bytes(4);
    let start = u32::from_le_bytes([start[0], start[1], start[2], start[3]]) % span;
    let _ = NEXT.compare_exchange(u32::MAX, start, Ordering::SeqCst, Ordering::SeqCst);
    for _ in 0..span {
        let offset = NEXT.fetch_add(1, Ordering::SeqCst) % span;
        let port = FREE_PORTS.start + u16::try_from(offset).unwrap_or_default();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let free = if udp {
            UdpSocket::bind(addr).is_ok()
        } else {
            TcpListener::bind(addr).is_ok()
        };
        if free {
            return Ok(port);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        "no free port on loopback",
    ))
}

/// The most bytes of one console line the grader keeps (the rest is dropped).
pub const MAX_LINE: usize = 8 * 1024;

/// The most console lines the grader keeps of one program; the rest is read
/// and dropped, so that a program flooding its console never fills the
/// grader's memory nor blocks on a full pipe.
pub const MAX_LINES: usize = 20_000;

/// A program's output, line by line, bounded: each line cut after
/// [`MAX_LINE`] bytes, and after [`MAX_LINES`] lines nothing more kept (one
/// last line says so).
struct BoundedLines<R> {
    reader: R,
    kept: usize,
}

impl<R: BufRead> BoundedLines<R> {
    fn new(reader: R) -> Self {
        BoundedLines { reader, kept: 0 }
    }

    /// The next line (without its `\n`), or `None` at the end of the output.
    fn next_line(&mut self) -> Option<Vec<u8>> {
        loop {
            let line = self.read_line()?;
            self.kept += 1;
            if self.kept <= MAX_LINES {
                return Some(line);
            }
            if self.kept == MAX_LINES + 1 {
                let note =
                    format!("(lab-grade: more than {MAX_LINES} lines: the rest is not kept)");
                return Some(note.into_bytes());
            }
        }
    }

    /// One line, at most [`MAX_LINE`] bytes of it kept.
    fn read_line(&mut self) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        let mut any = false;
        loop {
            let buffer = match self.reader.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return any.then_some(line),
            };
            if buffer.is_empty() {
                return any.then_some(line);
            }
            any = true;
            let (piece, used, end) = match buffer.iter().position(|&b| b == b'\n') {
                Some(at) => (&buffer[..at], at + 1, true),
                None => (buffer, buffer.len(), false),
            };
            let room = MAX_LINE.saturating_sub(line.len());
            line.extend_from_slice(&piece[..piece.len().min(room)]);
            self.reader.consume(used);
            if end {
                return Some(line);
            }
        }
    }
}

/// A line the program printed: its console's, or its trace's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Printed {
    Console(String),
    Trace(String),
}

/// Takes the trace lines out of the program's output. A trace line starts with
/// `trace  `; it may also come right after a prompt that has no newline
/// (`Password: trace  step 6 ...`), as stderr and stdout share the pipe: the
/// prompt is then joined to the next console line, as a person would see it
/// without the trace.
#[derive(Debug, Default)]
struct TraceSplit {
    pending: String,
}

impl TraceSplit {
    fn line(&mut self, line: String) -> Vec<Printed> {
        match line.find(lab_common::trace::MARKER) {
            Some(0) => vec![Printed::Trace(line)],
            Some(at) => {
                self.pending.push_str(&line[..at]);
                vec![Printed::Trace(line[at..].to_string())]
            }
            None => {
                let mut whole = std::mem::take(&mut self.pending);
                whole.push_str(&line);
                vec![Printed::Console(whole)]
            }
        }
    }

    fn rest(self) -> Option<Printed> {
        (!self.pending.is_empty()).then_some(Printed::Console(self.pending))
    }
}

/// Why a wait ended without what it waited for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waited {
    /// The time ran out.
    TimedOut(Duration),
    /// The program exited (its status, as text) before.
    Exited(String),
}

impl std::fmt::Display for Waited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Waited::TimedOut(limit) => write!(f, "nothing within {} s", limit.as_secs_f64()),
            Waited::Exited(status) => write!(f, "the program exited ({status})"),
        }
    }
}

/// A running copy of the program under test.
#[derive(Debug)]
pub struct Program {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Printed>,
    seen: Vec<String>,
    traces: Vec<String>,
    addr: Option<SocketAddr>,
    status: Option<ExitStatus>,
}

impl Program {
    /// Starts `command` with its standard streams piped; it waits for nothing.
    /// Its trace lines, if it traces, come apart from its console lines
    /// ([`Program::traces`]).
    pub fn spawn(command: Command) -> io::Result<Program> {
        Program::start(command, true)
    }

    /// [`Program::spawn`], but the trace lines stay among the console lines, in
    /// the order they came: for a test of the trace itself.
    pub fn spawn_with_traces_inline(command: Command) -> io::Result<Program> {
        Program::start(command, false)
    }

    fn start(mut command: Command, split_traces: bool) -> io::Result<Program> {
        // One pipe for both stdout and stderr (as `2>&1` does).
        let (console, writer) = io::pipe()?;
        command
            .stdin(Stdio::piped())
            .stdout(writer.try_clone()?)
            .stderr(writer)
            // Python buffers its output when it is not on a terminal: lines would
            // come late, or never if it is killed. This makes it print them at once.
            .env("PYTHONUNBUFFERED", "1");
        // Its own process group, as a terminal gives a command: Ctrl-C reaches all
        // of it, and so does the end, even the program `cargo run` or a shell started.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let spawned = command.spawn();
        // Close our copies of the pipe's writing end, so reading ends when the program does.
        drop(command);
        let mut child = spawned?;
        let (tx, lines) = channel();
        thread::spawn(move || {
            let mut split = TraceSplit::default();
            let mut lines = BoundedLines::new(BufReader::new(console));
            // Lossy: a program may print what a client sent, valid UTF-8 or not.
            while let Some(line) = lines.next_line() {
                let line = String::from_utf8_lossy(&line)
                    .trim_end_matches('\r')
                    .to_string();
                let printed = if split_traces {
                    split.line(line)
                } else {
                    vec![Printed::Console(line)]
                };
                if printed.into_iter().any(|p| tx.send(p).is_err()) {
                    return;
                }
            }
            if let Some(rest) = split.rest() {
                let _ = tx.send(rest);
            }
        });
        let stdin = child.stdin.take();
        Ok(Program {
            child,
            stdin,
            lines,
            seen: Vec::new(),
            traces: Vec::new(),
            addr: None,
            status: None,
        })
    }

    /// Starts the server `launch` describes, with `extra` arguments, and waits
    /// (at most `limit`) until it is ready: until it prints `Listening on <address>`,
    /// or, where the port is known, until the port is taken.
    pub fn start_server(
        launch: &Launch,
        extra: &[&str],
        udp: bool,
        limit: Duration,
    ) -> Result<Program, StartError> {
        // Another program listening there would answer in this program's place.
        let held = |port: u16| {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            !udp && std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
        };
        let port = match launch.port {
            PortChoice::Placeholder | PortChoice::Moved => {
                // A port the grader chose: another program that took it meanwhile
                // (on a busy machine) is no fault of this one's: choose again.
                let mut port = free_port(udp).map_err(StartError::NoPort)?;
                for _ in 0..5 {
                    if !held(port) {
                        break;
                    }
                    port = free_port(udp).map_err(StartError::NoPort)?;
                }
                port
            }
            PortChoice::Zero => 0,
            PortChoice::Lesson(port) => port,
        };
        if port != 0 && held(port) {
            return Err(StartError::PortHeld(port));
        }
        let known = (port != 0).then(|| SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
        // Taken already (a connection of the copy before in TIME_WAIT, another
        // program): that it is taken will not say that this program took it.
        let taken_before = known.is_some_and(|addr| port_taken(addr, udp));
        let mut program =
            Program::spawn(launch.to_command(port, extra)).map_err(StartError::Spawn)?;
        let ready = program.wait_ready(known, udp, limit).and_then(|addr| {
            if taken_before && program.seen().iter().all(|l| listening_addr(l).is_none()) {
                // Let it get to accept(), or fail to bind and say so.
                program.wait_blocked(limit);
                if let Some(status) = program.exited() {
                    return Err(Waited::Exited(describe(status)));
                }
            }
            Ok(addr)
        });
        match ready {
            Ok(_) => Ok(program),
            Err(waited) => Err(StartError::NotReady(waited, Box::new(program))),
        }
    }

    /// Waits (at most `limit`) for the `Listening on` line, or, when `known` is
    /// given, for that port to be taken by the program, and remembers the address.
    pub fn wait_ready(
        &mut self,
        known: Option<SocketAddr>,
        udp: bool,
        limit: Duration,
    ) -> Result<SocketAddr, Waited> {
        let deadline = Instant::now() + limit;
        // Lines already read may hold it (a caller may have waited for others first).
        if let Some(addr) = self.seen.iter().find_map(|line| listening_addr(line)) {
            self.addr = Some(addr);
            return Ok(addr);
        }
        loop {
            if let Some(addr) = known.filter(|addr| port_taken(*addr, udp)) {
                self.addr = Some(addr);
                return Ok(addr);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Waited::TimedOut(limit));
            }
            // Without a known port only the line can say it; with one, look again soon.
            let step = if known.is_some() {
                left.min(Duration::from_millis(20))
            } else {
                left
            };
            match self.next_line(step) {
                Ok(line) => {
                    if let Some(addr) = listening_addr(&line) {
                        self.addr = Some(addr);
                        return Ok(addr);
                    }
                }
                Err(Waited::TimedOut(_)) => {}
                Err(exited) => return Err(exited),
            }
        }
    }

    /// The next line the program prints, waiting at most `limit`.
    /// The trace lines (`LAB_TRACE`, of a program built on `lab-common`) come
    /// apart, in [`Program::traces`].
    pub fn next_line(&mut self, limit: Duration) -> Result<String, Waited> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(Printed::Console(line)) => {
                    self.seen.push(line.clone());
                    return Ok(line);
                }
                Ok(Printed::Trace(line)) => self.traces.push(line),
                Err(RecvTimeoutError::Timeout) => return Err(Waited::TimedOut(limit)),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Waited::Exited(self.reap(limit)));
                }
            }
        }
    }

    /// The trace lines read so far: each socket call of a program built on
    /// `lab-common`, which the grader starts with `LAB_TRACE=1`.
    pub fn traces(&self) -> &[String] {
        &self.traces
    }

    /// Waits (at most `limit`) for the next line that `matches` accepts.
    pub fn wait_for(
        &mut self,
        matches: impl Fn(&str) -> bool,
        limit: Duration,
    ) -> Result<String, Waited> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_line(left) {
                Ok(line) if matches(&line) => return Ok(line),
                Ok(_) => {}
                Err(Waited::TimedOut(_)) => return Err(Waited::TimedOut(limit)),
                Err(exited) => return Err(exited),
            }
        }
    }

    /// Waits (at most `limit`) for the program to exit, reading the rest of what
    /// it prints.
    pub fn wait_exit(&mut self, limit: Duration) -> Result<ExitStatus, Waited> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_line(left) {
                Ok(_) => {}
                Err(Waited::TimedOut(_)) => return Err(Waited::TimedOut(limit)),
                Err(Waited::Exited(_)) => break,
            }
        }
        // The pipe closed; the status follows at once.
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_secs(1));
        self.reap(left);
        self.status.ok_or(Waited::TimedOut(limit))
    }

    /// Reads what the program has printed by now, waiting a little for the lines
    /// still on their way (a traceback printed as it crashes): until its output
    /// ends, or nothing new comes for a moment. Used before a failure is shown.
    pub fn settle(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            match self.next_line(Duration::from_millis(200)) {
                Ok(_) => {}
                Err(Waited::Exited(_)) => {
                    self.reap(Duration::from_millis(500));
                    return;
                }
                Err(Waited::TimedOut(_)) => break,
            }
        }
        let _ = self.exited();
    }

    /// Waits (at most `limit`) until the program is blocked, waiting on something
    /// (a server in `accept()`), as it is when a person presses Ctrl-C. On Linux
    /// the system says so; elsewhere this waits for its console to be quiet a moment.
    pub fn wait_blocked(&mut self, limit: Duration) {
        let deadline = Instant::now() + limit;
        #[cfg(target_os = "linux")]
        {
            let pid = self.child.id();
            let stat = format!("/proc/{pid}/stat");
            // Blocked for a while in a row (200 ms): not just between two steps.
            // A server waiting in accept() (or a UDP one in recvfrom()) is told
            // at once by the kernel's wait channel of one of its threads.
            let mut blocked = 0;
            while Instant::now() < deadline {
                if waits_for_a_client(pid) {
                    return;
                }
                let Ok(text) = std::fs::read_to_string(&stat) else {
                    return;
                };
                // The state is the first field after the command's name in parentheses.
                let state = text
                    .rsplit_once(')')
                    .and_then(|(_, rest)| rest.trim_start().chars().next());
                if state == Some('R') {
                    blocked = 0;
                } else {
                    blocked += 1;
                    if blocked == 40 {
                        return;
                    }
                }
                thread::sleep(Duration::from_millis(5));
            }
        }
        #[cfg(not(target_os = "linux"))]
        while self
            .next_line(Duration::from_millis(200).min(limit))
            .is_ok()
        {
            if Instant::now() >= deadline {
                return;
            }
        }
    }

    /// The exit status if the program has exited, without waiting.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Waits (at most `limit`) for the status of a program whose output ended.
    fn reap(&mut self, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        while self.exited().is_none() && Instant::now() < deadline {
            // The output closed: the exit is a matter of moments.
            thread::sleep(Duration::from_millis(5));
        }
        match self.status {
            Some(status) => describe(status),
            None => "it closed its output".to_string(),
        }
    }

    /// Every line read so far.
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// The address the server is reached at, once it is ready.
    pub fn addr(&self) -> Option<SocketAddr> {
        self.addr
    }

    /// Sets the address the server is reached at.
    pub fn set_addr(&mut self, addr: SocketAddr) {
        self.addr = Some(addr);
    }

    /// Writes `text` to the program's standard input.
    pub fn write_stdin(&mut self, text: &[u8]) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin was closed"))?;
        stdin.write_all(text)?;
        stdin.flush()
    }

    /// Closes the program's standard input (end of file).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    #[cfg(unix)]
    pub fn interrupt(&self) -> io::Result<()> {
        self.signal(libc::SIGINT)
    }

    /// Sends SIGTERM, as `kill` does.
    #[cfg(unix)]
    pub fn terminate(&self) -> io::Result<()> {
        self.signal(libc::SIGTERM)
    }

    #[cfg(unix)]
    #[allow(unsafe_code)]
    fn signal(&self, signal: libc::c_int) -> io::Result<()> {
        let pid = libc::pid_t::try_from(self.child.id()).map_err(io::Error::other)?;
        // To the whole process group (-pid), as a terminal sends Ctrl-C.
        // SAFETY: kill(2) only sends a signal; it touches no memory of ours.
        if unsafe { libc::kill(-pid, signal) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        // The whole group: what the program started itself ends with it.
        #[cfg(unix)]
        let _ = self.signal(libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why a server could not be started and made ready.
#[derive(Debug)]
pub enum StartError {
    /// No free port could be found.
    NoPort(io::Error),
    /// The command could not be started (not found, not executable...).
    Spawn(io::Error),
    /// It started, but was not ready in time, or exited first.
    NotReady(Waited, Box<Program>),
    /// Another program was already listening on the port it must use.
    PortHeld(u16),
}

/// An exit status as a person reads it: `status 1`, or the signal that killed it.
pub fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => " (SIGABRT: an abort, such as a stack overflow)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV: a crash)",
                _ => "",
            };
            return format!("killed by signal {signal}{name}");
        }
    }
    status.to_string()
}

/// Whether a thread of process `pid` waits in the kernel for a client: in
/// `accept()`, or for a datagram (Linux's wait channels say so).
#[cfg(target_os = "linux")]
fn waits_for_a_client(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("wchan"))
            .is_ok_and(|w| w.contains("accept") || w.contains("wait_for_more_packets"))
    })
}

/// Whether something holds `addr` (bound or listening): binding it fails.
fn port_taken(addr: SocketAddr, udp: bool) -> bool {
    let error = if udp {
        UdpSocket::bind(addr).err()
    } else {
        TcpListener::bind(addr).err()
    };
    error.is_some_and(|e| e.kind() == io::ErrorKind::AddrInUse)
}

/// The address in a listening line such as `Listening on 127.0.0.1:8080 (UDP)`,
/// turned into one a client can reach: loopback for 0.0.0.0 and ::.
pub fn listening_addr(line: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once("Listening on ")?;
    let mut addr: SocketAddr = rest.split_whitespace().next()?.parse().ok()?;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    Some(addr)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const LIMIT: Duration = Duration::from_secs(20);

    fn python() -> Option<&'static str> {
        ["python3", "python"].into_iter().find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).starts_with("Python 3"))
        })
    }

    #[test]
    fn a_flood_of_output_is_kept_bounded() {
        let long = vec![b'x'; MAX_LINE * 3];
        let mut text = long.clone();
        text.extend_from_slice(b"\nshort\nlast without newline");
        let mut lines = BoundedLines::new(std::io::Cursor::new(text));
        assert_eq!(lines.next_line().unwrap().len(), MAX_LINE);
        assert_eq!(lines.next_line().unwrap(), b"short");
        assert_eq!(lines.next_line().unwrap(), b"last without newline");
        assert_eq!(lines.next_line(), None);
        let many = "a\n".repeat(MAX_LINES + 50);
        let mut lines = BoundedLines::new(std::io::Cursor::new(many.into_bytes()));
        let kept: Vec<Vec<u8>> = std::iter::from_fn(|| lines.next_line()).collect();
        assert_eq!(kept.len(), MAX_LINES + 1);
        assert!(String::from_utf8_lossy(&kept[MAX_LINES]).contains("not kept"));
    }

    #[test]
    fn trace_lines_come_apart_and_a_prompt_joins_the_next_line() {
        let mut split = TraceSplit::default();
        let console = |s: &str| Printed::Console(s.to_string());
        let trace = |s: &str| Printed::Trace(s.to_string());
        assert_eq!(split.line("hello".into()), [console("hello")]);
        assert_eq!(
            split.line("trace  step 1  ls = socket()".into()),
            [trace("trace  step 1  ls = socket()")]
        );
        assert_eq!(
            split.line("Password: trace  step 7  s.sendall(b'x')".into()),
            [trace("trace  step 7  s.sendall(b'x')")]
        );
        assert_eq!(
            split.line("access granted".into()),
            [console("Password: access granted")]
        );
        assert_eq!(split.line("> trace  x".into()), [trace("trace  x")]);
        assert_eq!(split.rest(), Some(console("> ")));
    }

    #[test]
    fn the_port_placeholder_is_replaced_everywhere() {
        let launch = Launch::command(
            vec!["python3".into(), "s.py".into(), "--at=:{port}".into()],
            8080,
        );
        assert_eq!(launch.port, PortChoice::Placeholder);
        let command = launch.to_command(1234, &["-v"]);
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["s.py", "--at=:1234", "-v"]);
        assert_eq!(launch.display(), "python3 s.py --at=:{port}");
    }

    #[test]
    fn without_the_placeholder_the_lesson_port_is_used() {
        let launch = Launch::command(vec!["./server".into()], 8080);
        assert_eq!(launch.port, PortChoice::Lesson(8080));
        assert!(!launch.flags);
        assert_eq!(Launch::ours("x", true).port, PortChoice::Zero);
    }

    #[test]
    fn reads_the_listening_line() {
        assert_eq!(
            listening_addr("Listening on 0.0.0.0:80 (UDP)"),
            Some("127.0.0.1:80".parse().unwrap())
        );
        assert_eq!(
            listening_addr("Listening on [::]:81"),
            Some("[::1]:81".parse().unwrap())
        );
        assert_eq!(listening_addr("Listening soon"), None);
    }

    #[test]
    fn free_ports_are_outside_the_ephemeral_range_and_never_the_same_twice() {
        let ports: Vec<u16> = (0..50).map(|_| free_port(false).unwrap()).collect();
        assert!(ports.iter().all(|p| FREE_PORTS.contains(p)), "{ports:?}");
        let mut unique = ports.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ports.len(), "{ports:?}");
    }

    #[test]
    fn a_port_held_by_a_listener_is_taken() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        assert!(port_taken(held.local_addr().unwrap(), false));
        let port = free_port(false).unwrap();
        assert!(!port_taken(
            SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            false
        ));
    }

    #[test]
    fn a_python_program_that_never_flushes_is_read_as_it_prints() {
        let Some(python) = python() else { return };
        let mut command = Command::new(python);
        // print() without flush, then a long wait: buffered, the line would never come.
        command.args([
            "-c",
            "import time\nprint('Listening on 127.0.0.1:9')\nprint('ready')\ntime.sleep(60)",
        ]);
        let mut program = Program::spawn(command).unwrap();
        let addr = program.wait_ready(None, false, LIMIT).unwrap();
        assert_eq!(addr.port(), 9);
        assert_eq!(program.wait_for(|l| l == "ready", LIMIT).unwrap(), "ready");
        assert!(program.exited().is_none(), "it is still running");
    }

    #[test]
    fn a_server_without_a_listening_line_is_ready_when_its_port_is_taken() {
        let Some(python) = python() else { return };
        let launch = Launch::command(
            vec![
                python.into(),
                "-c".into(),
                "import socket, sys, time\ns = socket.socket()\ns.bind(('127.0.0.1', int(sys.argv[1])))\ns.listen()\ntime.sleep(60)".into(),
                "{port}".into(),
            ],
            1,
        );
        let program = Program::start_server(&launch, &[], false, LIMIT).unwrap();
        let addr = program.addr().unwrap();
        std::net::TcpStream::connect(addr).unwrap();
    }

    #[test]
    fn stdout_and_stderr_come_in_order_and_the_exit_is_seen() {
        let Some(python) = python() else { return };
        let mut command = Command::new(python);
        command.args([
            "-c",
            "import sys\nprint('one')\nprint('two', file=sys.stderr)\nprint('three')\nsys.exit(3)",
        ]);
        let mut program = Program::spawn(command).unwrap();
        let status = program.wait_exit(LIMIT).unwrap();
        assert_eq!(status.code(), Some(3));
        assert_eq!(program.seen(), ["one", "two", "three"]);
        assert_eq!(describe(status), "exit status 3");
    }

    #[test]
    fn a_wait_is_bounded_and_says_when_the_program_exited() {
        let Some(python) = python() else { return };
        let mut command = Command::new(python);
        command.args(["-c", "print('bye')"]);
        let mut program = Program::spawn(command).unwrap();
        let waited = program.wait_for(|l| l == "never", LIMIT).unwrap_err();
        assert_eq!(waited, Waited::Exited("exit status 0".to_string()));
        let mut command = Command::new(python);
        command.args(["-c", "import time\ntime.sleep(60)"]);
        let mut silent = Program::spawn(command).unwrap();
        let short = Duration::from_millis(50);
        assert_eq!(
            silent.next_line(short).unwrap_err(),
            Waited::TimedOut(short)
        );
    }

    #[cfg(unix)]
    #[test]
    fn what_the_program_started_ends_with_it() {
        // A shell that starts a server, as `cargo run` does: killing the shell
        // alone would leave the server holding its port.
        let port = free_port(false).unwrap();
        let script = format!(
            "python3 -c 'import socket, time\ns = socket.socket()\ns.bind((\"127.0.0.1\", {port}))\ns.listen()\ntime.sleep(60)'; echo done"
        );
        if python().is_none() {
            return;
        }
        let launch = Launch::command(vec!["sh".into(), "-c".into(), script.into()], port);
        let program = Program::start_server(&launch, &[], false, LIMIT).unwrap();
        drop(program);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        // The server is gone with the shell: the port is free again.
        let deadline = Instant::now() + LIMIT;
        while port_taken(addr, false) {
            assert!(Instant::now() < deadline, "the server outlived its shell");
            thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_missing_program_is_an_error_not_a_panic() {
        let launch = Launch::command(vec!["/no/such/program-here".into()], 1);
        assert!(matches!(
            Program::start_server(&launch, &[], false, LIMIT),
            Err(StartError::Spawn(_))
        ));
    }
}
