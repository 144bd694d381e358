//! Stages: one check each, and what a failure tells a student.
//!
//! A [`Stage`] checks one thing a program must do. It runs with a [`Ctx`] (how to
//! start the program, how long to wait) and either passes or gives a [`Failure`]:
//! what was sent, what was expected, what came back, a hint a student can act
//! on, and the program's own last lines of output (a Python traceback or a Rust
//! panic included).

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::net::{self, Reply, show};
use crate::runner::{Launch, Program, StartError, Waited, describe};

/// How many of the program's last lines a failure shows.
pub const TAIL: usize = 12;

/// How many of the program's last trace lines a failure shows.
pub const TRACE_TAIL: usize = 16;

/// How many times its patience the grader waits for a program to start.
pub const STARTUP: u32 = 3;

/// What a stage needs to run at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing: it runs on any program.
    Nothing,
    /// The course's shared flags (`--help`, `--timeout`, ...) and console
    /// conventions, which our programs have and a lesson's Python does not.
    Flags,
    /// Signals (Ctrl-C sent by the grader): Unix only.
    Signals,
    /// Both: a convention of ours that needs signals.
    FlagsAndSignals,
}

/// What a stage is about, so that a verdict judges what the lesson asks and
/// shows the rest as what to learn next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StageKind {
    /// What the lesson's page asks of the program: the reply's content, the
    /// information it asks to print, looping or finishing, a clean stop on Ctrl-C
    /// where the lesson teaches it. The verdict is this kind's by default.
    Lesson,
    /// What a server must survive that the lesson does not ask (invalid UTF-8, a
    /// reset, a silent client...): what to learn next.
    Robustness,
    /// Our programs' conventions: the shared flags and messages, the lesson's
    /// exact wording, colour.
    Conventions,
}

impl StageKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [StageKind; 3] = [
        StageKind::Lesson,
        StageKind::Robustness,
        StageKind::Conventions,
    ];

    /// Its name, as reports and `--require` write it.
    pub fn name(self) -> &'static str {
        match self {
            StageKind::Lesson => "lesson",
            StageKind::Robustness => "robustness",
            StageKind::Conventions => "conventions",
        }
    }

    /// The kind named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<StageKind> {
        StageKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for StageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The check a stage runs.
pub type Check = Box<dyn Fn(&Ctx) -> Result<(), Failure> + Send + Sync>;

/// One check of a rubric.
pub struct Stage {
    /// Its name: a Rust identifier, as the cargo test that runs it is named.
    pub id: &'static str,
    /// What it checks, in a few words.
    pub checks: &'static str,
    /// What it is about: the lesson, robustness or our conventions.
    pub kind: StageKind,
    /// What it needs to run.
    pub needs: Needs,
    /// The check.
    pub run: Check,
}

impl fmt::Debug for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stage")
            .field("id", &self.id)
            .field("checks", &self.checks)
            .field("kind", &self.kind)
            .field("needs", &self.needs)
            .finish_non_exhaustive()
    }
}

impl Stage {
    /// A stage of the lesson kind that runs on any program.
    pub fn new(
        id: &'static str,
        checks: &'static str,
        run: impl Fn(&Ctx) -> Result<(), Failure> + Send + Sync + 'static,
    ) -> Stage {
        Stage {
            id,
            checks,
            kind: StageKind::Lesson,
            needs: Needs::Nothing,
            run: Box::new(run),
        }
    }

    /// The same stage, needing `needs`. A stage that needs our shared flags is
    /// about our conventions.
    pub fn needs(mut self, needs: Needs) -> Stage {
        self.needs = needs;
        if matches!(needs, Needs::Flags | Needs::FlagsAndSignals) {
            self.kind = StageKind::Conventions;
        }
        self
    }

    /// The same stage, of kind `kind`.
    pub fn kind(mut self, kind: StageKind) -> Stage {
        self.kind = kind;
        self
    }

    /// Whether it needs the course's shared flags (`--flags`).
    pub fn needs_flags(&self) -> bool {
        matches!(self.needs, Needs::Flags | Needs::FlagsAndSignals)
    }

    /// Whether it sends signals (Unix only).
    pub fn needs_signals(&self) -> bool {
        matches!(self.needs, Needs::Signals | Needs::FlagsAndSignals)
    }

    /// Why the stage cannot run in `ctx`, if it cannot.
    pub fn skipped(&self, ctx: &Ctx) -> Option<String> {
        if self.needs_flags() && !ctx.launch.flags {
            return Some("a convention of our programs: add --flags".into());
        }
        if self.needs_signals() && !cfg!(unix) {
            return Some("it sends Ctrl-C as a signal: Unix only".into());
        }
        None
    }

    /// Runs the stage, or says why it is skipped.
    pub fn grade(&self, ctx: &Ctx) -> Outcome {
        if let Some(why) = self.skipped(ctx) {
            return Outcome::Skipped(why);
        }
        // A stage is our code: should it panic, that is reported, not a crash of the grader.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.run)(ctx))) {
            Ok(Ok(())) => Outcome::Passed,
            Ok(Err(failure)) => Outcome::Failed(Box::new(failure)),
            Err(_) => Outcome::Failed(Box::new(Failure::new(
                "",
                "",
                "",
                "the grader itself failed in this stage: please report it",
            ))),
        }
    }
}

/// How a stage ended.
#[derive(Debug)]
pub enum Outcome {
    /// It passed.
    Passed,
    /// It failed, and why.
    Failed(Box<Failure>),
    /// It did not run, and why: it needs what this grading does not give
    /// (`--flags`, signals). It counts neither way.
    Skipped(String),
    /// It was not run because the program could not be started at all (one
    /// failure says why): it counts as not passed.
    NotRun(String),
}

/// What a failed stage tells a student.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// What the grader sent (or did).
    pub sent: String,
    /// What it expected.
    pub expected: String,
    /// What came back.
    pub got: String,
    /// What to look at.
    pub hint: String,
    /// Why the program crashed, if it did: a Python exception, a Rust panic.
    pub crash: Option<String>,
    /// The program's exit status, if it exited.
    pub exit: Option<String>,
    /// The program's last lines of output.
    pub output: Vec<String>,
    /// The program could not be started at all (not found, a SyntaxError, a
    /// missing module, a bind error): no other stage can say more.
    pub cannot_start: bool,
    /// The program's last socket calls, as its trace shows them (a program
    /// built on `lab-common`; the grader starts every program with `LAB_TRACE=1`).
    pub trace: Vec<String>,
}

impl Failure {
    /// A failure with no program output attached.
    pub fn new(
        sent: impl Into<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
        hint: impl Into<String>,
    ) -> Failure {
        Failure {
            sent: sent.into(),
            expected: expected.into(),
            got: got.into(),
            hint: hint.into(),
            ..Failure::default()
        }
    }

    /// Attaches `program`'s last lines, its exit status and its crash (after
    /// letting it finish printing); a port in use gets its hint.
    pub fn with_output(mut self, program: &mut Program) -> Failure {
        program.settle();
        self.exit = program.exited().map(describe);
        let traces = program.traces();
        self.trace = traces[traces.len().saturating_sub(TRACE_TAIL)..].to_vec();
        let seen = program.seen();
        self.output = seen[seen.len().saturating_sub(TAIL)..].to_vec();
        self.crash = crash_line(seen);
        if let Some(advice) = self.crash.as_deref().and_then(startup_advice) {
            self.cannot_start = true;
            self.hint = format!("{advice}. {}", self.hint);
        }
        if seen.iter().any(|l| l.contains("Address already in use")) {
            self.hint = format!(
                "its port was in use: if by the copy the stage before ran (its connections linger a minute), set SO_REUSEADDR before bind(), as Session 10 shows, or put {{port}} in the command. {}",
                self.hint
            );
        }
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let none = String::new();
        for (label, text) in [
            ("sent", &self.sent),
            ("expected", &self.expected),
            ("got", &self.got),
            ("crashed", self.crash.as_ref().unwrap_or(&none)),
            ("exited", self.exit.as_ref().unwrap_or(&none)),
            ("hint", &self.hint),
        ] {
            if !text.is_empty() {
                writeln!(f, "{label:>9}: {text}")?;
            }
        }
        if self.output.is_empty() {
            writeln!(f, "{:>9}: (it printed nothing)", "output")?;
        } else {
            writeln!(f, "{:>9}: its last lines:", "output")?;
            for line in &self.output {
                // The program's own text: never let it drive the reader's terminal.
                writeln!(f, "           | {}", lab_common::printable(&plain(line)))?;
            }
        }
        if !self.trace.is_empty() {
            writeln!(f, "{:>9}: its last socket calls:", "trace")?;
            for line in &self.trace {
                let call = plain(line);
                let call = call
                    .strip_prefix(lab_common::trace::MARKER)
                    .unwrap_or(&call);
                writeln!(f, "           | {}", lab_common::printable(call))?;
            }
        }
        Ok(())
    }
}

/// The line that says why a program crashed: a Python exception after its
/// traceback, or a Rust panic.
pub fn crash_line(lines: &[String]) -> Option<String> {
    if let Some(at) = lines.iter().rposition(|l| l.starts_with("Traceback ")) {
        // The exception is the first line after the traceback that is not indented.
        return lines[at + 1..]
            .iter()
            .find(|l| !l.starts_with(' ') && !l.starts_with('\t') && !l.is_empty())
            .cloned()
            .or_else(|| Some("a Python exception".to_string()));
    }
    // A file Python cannot even compile: no traceback, just the error.
    let compile = ["SyntaxError: ", "IndentationError: ", "TabError: "];
    if let Some(line) = lines
        .iter()
        .find(|l| compile.iter().any(|c| l.starts_with(c)))
    {
        return Some(line.clone());
    }
    let panic = lines.iter().position(|l| l.contains("panicked at"))?;
    let message = lines.get(panic + 1).filter(|l| !l.starts_with("note:"));
    Some(match message {
        Some(message) => format!("a Rust panic: {message}"),
        None => format!("a Rust {}", lines[panic].trim_start_matches("thread ")),
    })
}

/// What to do about a crash that stops a program before it can do anything (a
/// Python 2 `print`, a missing module, a syntax error), or `None` for another crash.
pub fn startup_advice(crash: &str) -> Option<String> {
    if crash.contains("Missing parentheses in call to 'print'") {
        return Some(
            "this is Python 2 code (a `print` without parentheses): the course uses Python 3, \
             where it is print(...); run it with python3 after that change"
                .into(),
        );
    }
    if let Some(rest) = crash.split("No module named ").nth(1) {
        let module = rest.trim_matches(|c: char| c == '\'' || c == '"' || c.is_whitespace());
        let package = module.split('.').next().unwrap_or(module);
        return Some(format!(
            "the program imports `{module}`, which is not installed: `pip install {package}` \
             (or remove the import)"
        ));
    }
    let syntax = ["SyntaxError", "IndentationError", "TabError", "ImportError"];
    if syntax.iter().any(|e| crash.starts_with(e)) {
        return Some(
            "Python cannot even start the program: fix the line its error names (run it by hand to see it)"
                .into(),
        );
    }
    None
}

/// Console text without colour codes, so a line matches however it is coloured.
pub fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What a stage runs with.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// How to start the program under test.
    pub launch: Launch,
    /// The longest any one wait may take.
    pub patience: Duration,
    /// How long a client may wait behind a silent one (at most `patience`).
    pub silent: Duration,
    /// Whether the program is a UDP server.
    pub udp: bool,
    /// The kinds the verdict requires besides the lesson's (`--require`).
    pub required: Vec<StageKind>,
}

impl Ctx {
    /// Starts the server under test (with `extra` arguments) and waits until it
    /// is ready.
    pub fn server(&self, extra: &[&str]) -> Result<Server, Failure> {
        // Starting may take longer than a reply: an interpreter on a busy machine.
        let startup = self.patience * STARTUP;
        match Program::start_server(&self.launch, extra, self.udp, startup) {
            Ok(program) => Ok(Server {
                addr: program.addr().unwrap_or_else(|| ([127, 0, 0, 1], 0).into()),
                program,
                patience: self.patience,
            }),
            Err(StartError::NoPort(e)) => Err(Failure::new(
                "",
                "a free port to start the program on",
                e.to_string(),
                "this machine has no free port on loopback",
            )),
            Err(StartError::Spawn(e)) => Err(Failure {
                cannot_start: true,
                ..Failure::new(
                    format!("the command: {}", self.launch.display()),
                    "the program starts",
                    e.to_string(),
                    "check the command: is the program there, and can it run?",
                )
            }),
            Err(StartError::PortHeld(port)) => Err(Failure {
                cannot_start: true,
                ..Failure::new(
                    format!("the command: {}", self.launch.display()),
                    format!("port {port} free for the program to listen on"),
                    format!(
                        "another program was already listening on port {port} before the grader started this one"
                    ),
                    format!(
                        "stop the program that holds port {port} (another server, an earlier run) and grade again, or put {{port}} in the command"
                    ),
                )
            }),
            Err(StartError::NotReady(waited, mut program)) => {
                let hint = match (&waited, self.launch.port) {
                    (Waited::TimedOut(_), crate::runner::PortChoice::Lesson(port)) => format!(
                        "the grader waited for port {port} (the lesson's): does the program listen there? Or put {{port}} in the command where the port goes"
                    ),
                    (Waited::TimedOut(_), _) => {
                        "does it listen on the port the command gives it? (or print `Listening on <ip>:<port>`)".to_string()
                    }
                    (Waited::Exited(_), _) => "it stopped before listening: look at its output".to_string(),
                };

                let mut failure = Failure::new(
                    format!("the command: {}", self.launch.display()),
                    "the server listens",
                    waited.to_string(),
                    hint,
                )
                .with_output(&mut program);
                // It exited before listening, or never listened: nothing else can be tried.
                failure.cannot_start = true;
                Err(failure)
            }
        }
    }

    /// Runs the program (a client, or a server asked for `--help`) with the port
    /// `port` and `extra` arguments, writes `stdin` to it and closes it, and waits
    /// for it to exit.
    pub fn run(&self, port: u16, extra: &[&str], stdin: &[u8]) -> Result<Finished, Failure> {
        let command = self.launch.to_command(port, extra);
        let mut program = Program::spawn(command).map_err(|e| Failure {
            cannot_start: true,
            ..Failure::new(
                format!("the command: {}", self.launch.display()),
                "the program starts",
                e.to_string(),
                "check the command: is the program there, and can it run?",
            )
        })?;
        // A program that does not read its input may have exited already: only an offer.
        let _ = program.write_stdin(stdin);
        program.close_stdin();
        match program.wait_exit(self.patience) {
            Ok(status) => Ok(Finished {
                code: status.code(),
                status: describe(status),
                console: program.seen().iter().map(|l| plain(l)).collect(),
                program,
            }),
            Err(waited) => Err(Failure::new(
                format!(
                    "the program, with the arguments {extra:?} and input {}",
                    show(stdin, 40)
                ),
                "it finishes by itself",
                waited.to_string(),
                "does it wait for something that does not come?",
            )
            .with_output(&mut program)),
        }
    }

    /// Whether a stage may use the course's shared flags.
    pub fn flags(&self) -> bool {
        self.launch.flags
    }
}

/// A program that ran to its end.
#[derive(Debug)]
pub struct Finished {
    /// Its exit code (`None` if a signal ended it).
    pub code: Option<i32>,
    /// Its exit status, as a person reads it.
    pub status: String,
    /// Its console, colour codes removed.
    pub console: Vec<String>,
    /// The program itself, for [`Finished::fail`].
    pub program: Program,
}

impl Finished {
    /// Whether a console line contains `part`.
    pub fn printed(&self, part: &str) -> bool {
        self.console.iter().any(|line| line.contains(part))
    }

    /// A failure, with the program's output and status attached.
    pub fn fail(
        &mut self,
        sent: impl Into<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
        hint: impl Into<String>,
    ) -> Failure {
        Failure::new(sent, expected, got, hint).with_output(&mut self.program)
    }

    /// Fails unless the program exited with status 1, without a crash, having
    /// printed a line with `part` (a client saying what went wrong).
    pub fn failed_saying(&mut self, sent: &str, part: &str, hint: &str) -> Result<(), Failure> {
        let crashed = crash_line(&self.console).is_some();
        if self.code == Some(1) && self.printed(part) && !crashed {
            return Ok(());
        }
        let status = self.status.clone();
        let expected = format!("status 1 and a line with {part:?}");
        Err(self.fail(sent, expected, status, hint))
    }

    /// Fails unless the program exited with status 0 without a crash.
    pub fn succeeded(&mut self, sent: &str) -> Result<(), Failure> {
        if self.code == Some(0) && crash_line(&self.console).is_none() {
            return Ok(());
        }
        let status = self.status.clone();
        Err(self.fail(
            sent,
            "it finishes with status 0",
            status,
            "look at its output",
        ))
    }
}

/// A running server under test, with the stages' ways to talk to it.
#[derive(Debug)]
pub struct Server {
    /// The running program.
    pub program: Program,
    /// Where it is reached.
    pub addr: SocketAddr,
    /// The longest any one wait may take.
    pub patience: Duration,
}

impl Server {
    /// A failure, with this server's output and status attached.
    pub fn fail(
        &mut self,
        sent: impl Into<String>,
        expected: impl Into<String>,
        got: impl Into<String>,
        hint: impl Into<String>,
    ) -> Failure {
        Failure::new(sent, expected, got, hint).with_output(&mut self.program)
    }

    /// Connects as a new client.
    pub fn connect(&mut self, sent: &str) -> Result<net::Conn, Failure> {
        net::connect(self.addr, self.patience).map_err(|e| self.unreachable(sent, &e))
    }

    /// The failure for a server that accepts no connection.
    pub fn unreachable(&mut self, sent: &str, e: &std::io::Error) -> Failure {
        let addr = self.addr;
        let hint = if e.kind() == std::io::ErrorKind::TimedOut {
            "the server did not take this connection in time: it is busy with another client, and its queue of waiting clients (listen()'s backlog) is full"
        } else {
            "the server does not accept connections any more: did it stop or crash?"
        };
        self.fail(sent, format!("a connection to {addr}"), e.to_string(), hint)
    }

    /// Connects, sends `message`, and reads the reply: until the server closes,
    /// or once it came, until nothing more comes for a moment ([`net::QUIET`]);
    /// whether the server closes is the stage about closing's to check.
    pub fn talk(&mut self, message: &[u8]) -> Result<Reply, Failure> {
        net::ask(self.addr, message, self.patience, net::QUIET).map_err(|e| {
            self.unreachable(&format!("a new client sending {}", show(message, 60)), &e)
        })
    }

    /// Checks that a new client sending `message` gets exactly `expected`, byte
    /// for byte.
    pub fn expect_reply(&mut self, message: &[u8], expected: &[u8]) -> Result<(), Failure> {
        let reply = self.talk(message)?;
        self.check_reply(message, &reply, expected)
    }

    /// Checks that a new client sending `message` gets the text `expected`, with
    /// or without a line ending after it (typography the lesson leaves free).
    pub fn expect_reply_text(&mut self, message: &[u8], expected: &str) -> Result<(), Failure> {
        let reply = self.talk(message)?;
        let text = reply.data.strip_suffix(b"\n").unwrap_or(&reply.data);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let wanted = expected.trim_end_matches(['\r', '\n']);
        if text == wanted.as_bytes() && !reply.reset() {
            return Ok(());
        }
        let hint = reply_hint(&reply, wanted.as_bytes(), self.patience);
        Err(self.fail(
            format!("a new client sending {}", show(message, 60)),
            format!(
                "{} (a newline after it or not)",
                show(wanted.as_bytes(), 80)
            ),
            describe_reply(&reply),
            hint,
        ))
    }

    /// Checks a reply against what was expected, with a hint for what differs.
    pub fn check_reply(
        &mut self,
        message: &[u8],
        reply: &Reply,
        expected: &[u8],
    ) -> Result<(), Failure> {
        if reply.data == expected && (reply.error.is_none() || reply.stayed_open()) {
            return Ok(());
        }
        let hint = reply_hint(reply, expected, self.patience);
        Err(self.fail(
            format!("a new client sending {}", show(message, 60)),
            show(expected, 80),
            describe_reply(reply),
            hint,
        ))
    }

    /// Every console line the server has printed by now (after letting the
    /// lines on their way come), colour codes removed.
    pub fn console(&mut self) -> Vec<String> {
        self.program.settle();
        self.program.seen().iter().map(|l| plain(l)).collect()
    }

    /// Waits for a console line that `matches` accepts (colour codes removed).
    pub fn expect_line(
        &mut self,
        sent: &str,
        what: &str,
        matches: impl Fn(&str) -> bool,
    ) -> Result<String, Failure> {
        let already = self.program.seen().len();
        match self
            .program
            .wait_for(|line| matches(&plain(line)), self.patience)
        {
            Ok(line) => Ok(plain(&line)),
            Err(waited) => {
                let printed = self.program.seen()[already..].len();
                Err(self.fail(
                    sent,
                    format!("a console line {what}"),
                    format!("{waited}; {printed} other line(s) printed"),
                    "the console line the lesson shows is missing: compare your print() with the lesson's",
                ))
            }
        }
    }
}

/// A reply as the failure shows it.
pub fn describe_reply(reply: &Reply) -> String {
    let ending = match reply.error {
        None => "then the connection closed".to_string(),
        Some(_) if reply.timed_out() && reply.data.is_empty() => {
            "and the connection stayed open".into()
        }
        Some(_) if reply.timed_out() => {
            "then nothing more for a while, the connection still open".into()
        }
        Some(_) if reply.reset() => "then the connection was reset".into(),
        Some(kind) => format!("then an error: {kind}"),
    };
    if reply.data.is_empty() {
        format!("nothing, {ending}")
    } else {
        format!("{}, {ending}", show(&reply.data, 80))
    }
}

/// What a student should look at when `reply` is not `expected`.
pub fn reply_hint(reply: &Reply, expected: &[u8], patience: Duration) -> String {
    if reply.data.is_empty() {
        return if reply.timed_out() {
            format!(
                "no reply within {} s: does the server send its reply, and close the connection?",
                patience.as_secs_f64()
            )
        } else if reply.reset() {
            "the server reset the connection without replying: did it crash?".into()
        } else {
            "the server closed the connection without replying: did it crash? its output ends below"
                .into()
        };
    }
    if reply.data == expected {
        return if reply.timed_out() {
            "the reply is right, but the connection stayed open: close the client's socket after replying".into()
        } else {
            "the reply is right, but the connection was reset: close it gently, after reading the message".into()
        };
    }
    let at = reply
        .data
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .unwrap_or(reply.data.len().min(expected.len()));
    let wanted = expected
        .get(at..)
        .map(|rest| show(&rest[..rest.len().min(12)], 20));
    let came = reply
        .data
        .get(at..)
        .map(|rest| show(&rest[..rest.len().min(12)], 20));
    match (wanted, came) {
        (Some(w), Some(c)) if at < expected.len() && at < reply.data.len() => {
            format!("the reply differs from byte {at} on: expected {w}, got {c}")
        }
        (Some(w), _) if at < expected.len() => {
            format!("the reply stops short at byte {at}: {w} is missing")
        }
        _ => format!("the reply has extra bytes after byte {at}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn finds_a_python_exception() {
        let out = lines(
            "Message received: x\nTraceback (most recent call last):\n  File \"s.py\", line 3, in <module>\n    msg = msg_raw.decode()\nUnicodeDecodeError: 'utf-8' codec can't decode byte 0xff",
        );
        assert_eq!(
            crash_line(&out).unwrap(),
            "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff"
        );
    }

    #[test]
    fn finds_a_rust_panic() {
        let out = lines(
            "A client\nthread 'main' panicked at src/main.rs:9:5:\ninvalid utf-8\nnote: run with `RUST_BACKTRACE=1`",
        );
        assert_eq!(crash_line(&out).unwrap(), "a Rust panic: invalid utf-8");
        assert_eq!(crash_line(&lines("all fine")), None);
    }

    #[test]
    fn plain_removes_colour_codes() {
        assert_eq!(
            plain("Message received: \u{1b}[32mTest\u{1b}[0m"),
            "Message received: Test"
        );
        assert_eq!(plain("no colour"), "no colour");
    }

    #[test]
    fn the_hint_points_at_the_first_difference() {
        let reply = Reply {
            data: b"ECHO:Test\n".to_vec(),
            error: None,
        };
        let hint = reply_hint(&reply, b"ECHO: Test\n", Duration::from_secs(1));
        assert_eq!(
            hint,
            r#"the reply differs from byte 5 on: expected " Test\n", got "Test\n""#
        );
        let closed = Reply {
            data: Vec::new(),
            error: None,
        };
        assert!(reply_hint(&closed, b"x", Duration::from_secs(1)).contains("did it crash?"));
    }

    #[test]
    fn a_failure_shows_each_part() {
        let mut failure = Failure::new("a", "b", "c", "d");
        failure.output = vec!["last".into()];
        let text = failure.to_string();
        assert!(text.contains("     sent: a\n"), "{text}");
        assert!(text.contains("           | last\n"), "{text}");
    }
}
