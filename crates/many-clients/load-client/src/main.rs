//! # Load client (many clients at once)
//!
//! The measuring tool of the lesson: it opens `--clients` connections at once
//! against a request/reply server, each client doing requests one after the other
//! (connect, send a message, read the reply until the server closes), and reports
//! what a student needs to compare servers: requests per second, latency
//! percentiles, and failures by kind.
//!
//! `--slow-clients N --slow-ms MS` makes N of the clients wait MS after connecting
//! before they send, as a person typing does. One such client stalls a server that
//! serves one client at a time, and every client behind it; not a threaded one.
//! (When every client waits the same short time, `--wait-ms`, the system's accept
//! queue hides it: the sequential server only picks up clients whose wait is over.)
//!
//! Run it:   cargo run -p echo-server2                    (in a first terminal)
//!           cargo run --release -p load-client -- --clients 32 --wait-ms 10 --slow-clients 1 --slow-ms 300
//!           (then the same against cargo run -p threaded-echo-server)
//! A chart:  load-client sweep --server echo-server2=8081 --server threaded-echo-server=8082
//!
//! It only loads this machine (127.0.0.1, ::1, localhost) unless `--allow-remote`.

mod chart;
mod load;
mod report;
mod sweep;
mod target;

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::anyhow;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use lab_common::args::parse_seconds;

use load::Plan;

/// Load client: many clients at once against a request/reply server; requests per
/// second, latency percentiles and failures by kind.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// The server's IP address (or localhost)
    #[arg(long, visible_alias = "host", default_value = "127.0.0.1")]
    ip: String,

    /// The server's port
    #[arg(long, default_value_t = 8080, value_parser = lab_common::args::parse_server_port,
          allow_negative_numbers = true)]
    port: u16,

    /// How many clients are connected at once (one thread each)
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    clients: u32,

    /// Print one JSON object (requests_per_sec, p50_ms, p90_ms, p99_ms, max_ms, ok, failed)
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    workload: Workload,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the same load for several client counts against several servers, prints
    /// a table, and draws requests per second against clients as an SVG chart
    Sweep(sweep::SweepArgs),
}

/// What each client does, and for how long (the same for a run and a sweep).
#[derive(Debug, Clone, clap::Args)]
struct Workload {
    /// Stop after this many requests, all clients together [default: 1000, unless --duration]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    requests: Option<u64>,

    /// Run for this many seconds (at most 3600) instead of a number of requests
    #[arg(long, value_name = "SECONDS", value_parser = parse_duration)]
    duration: Option<Duration>,

    /// Milliseconds every client waits between connecting and sending
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=60_000))]
    wait_ms: u64,

    /// How many of the clients are slow: they wait --slow-ms instead
    #[arg(long, value_name = "N", default_value_t = 0)]
    slow_clients: u32,

    /// Milliseconds a slow client waits between connecting and sending
    #[arg(long, value_name = "MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(0..=60_000))]
    slow_ms: u64,

    /// The message each request sends; the request's number takes the place of the n in braces
    #[arg(long, default_value = "Message {n}")]
    message: String,

    /// The reply expected, byte for byte ({message} is the message; \n is a newline)
    #[arg(long, default_value = r"ECHO: {message}\n")]
    expect: String,

    /// Accept any reply (for a server whose replies vary)
    #[arg(long, conflicts_with = "expect")]
    any_reply: bool,

    /// Seconds to wait for the server: to connect, and for each read and write
    #[arg(long = "timeout", value_name = "SECONDS", default_value = "5", value_parser = parse_seconds)]
    timeout: Duration,

    /// Allow an address that is not this machine (only one you run yourself)
    #[arg(long)]
    allow_remote: bool,
}

impl Workload {
    /// The plan of a run of `clients` clients against `host`:`port`, or the line
    /// that says why that address is refused.
    fn plan(&self, host: &str, port: u16, clients: u32) -> anyhow::Result<Plan> {
        let addr = target::check(host, port, self.allow_remote)?;
        Ok(Plan {
            addr,
            clients,
            requests: self.requests.or(if self.duration.is_none() {
                Some(1000)
            } else {
                None
            }),
            duration: self.duration,
            wait: Duration::from_millis(self.wait_ms),
            slow_clients: self.slow_clients.min(clients),
            slow_wait: Duration::from_millis(self.slow_ms),
            message: unescape(&self.message),
            expect: (!self.any_reply).then(|| unescape(&self.expect)),
            timeout: self.timeout,
        })
    }
}

fn main() -> lab_common::Result {
    let args = Args::parse();
    if let Some(Command::Sweep(sweep)) = &args.command {
        return Ok(sweep::run(sweep)?);
    }

    // -- Check the address first: nothing is sent to a machine that is not this one
    let plan = args.workload.plan(&args.ip, args.port, args.clients)?;

    // -- The clients, all at once
    let progress = progress_bar(&plan, !args.json);
    let summary = load::run(&plan, &progress)?;
    progress.finish_and_clear();

    // -- The report
    if args.json {
        println!("{}", summary.json());
    } else {
        println!("load-client: {}", describe(&plan));
        print!("{}", summary.text());
    }
    if summary.ok == 0 {
        if let Some(failure) = summary.first_failure() {
            return Err(anyhow!(explain(failure, &plan)).into());
        }
    }
    Ok(())
}

/// A progress bar on stderr, drawn only on a terminal (and only if `wanted`).
fn progress_bar(plan: &Plan, wanted: bool) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match plan.requests.filter(|_| plan.duration.is_none()) {
        Some(requests) => ProgressBar::new(requests).with_style(
            progress_style("{bar:40} {pos}/{len} requests, {rate}")
                .unwrap_or_else(ProgressStyle::default_bar),
        ),
        None => ProgressBar::new_spinner().with_style(
            progress_style("{spinner} {pos} requests, {rate}, {elapsed}")
                .unwrap_or_else(ProgressStyle::default_spinner),
        ),
    }
}

/// A progress bar's style from `template`, whose `{rate}` shows requests per
/// second as a person reads them (`17328/s`; indicatif's own `{per_sec}` shows
/// `17,328.0583/s`).
fn progress_style(template: &str) -> Option<ProgressStyle> {
    let style = ProgressStyle::with_template(template).ok()?;
    Some(style.with_key(
        "rate",
        |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = out.write_str(&report::rate(state.per_sec()));
        },
    ))
}

/// What the run was, in one line.
fn describe(plan: &Plan) -> String {
    let line = format!("{} clients at once against {}", plan.clients, plan.addr);
    match describe_wait(plan) {
        wait if wait.is_empty() => line,
        wait => format!("{line}, {wait}"),
    }
}

/// How long the clients wait before sending, in words (empty if they do not).
fn describe_wait(plan: &Plan) -> String {
    let slow = plan.slow_clients;
    let (slow_ms, wait_ms) = (plan.slow_wait.as_millis(), plan.wait.as_millis());
    match (wait_ms, slow) {
        (0, 0) => String::new(),
        (_, 0) => format!("each waiting {wait_ms} ms before sending"),
        (0, _) => format!("{slow} of them waiting {slow_ms} ms before sending"),
        _ => format!("each waiting {wait_ms} ms before sending, {slow} of them {slow_ms} ms"),
    }
}

/// Why no request was answered, with what to do.
fn explain(failure: &report::Failure, plan: &Plan) -> String {
    use report::Failure::*;
    match failure {
        Refused => format!(
            "nothing is listening on {} (connection refused): is the server running?",
            plan.addr
        ),
        TimedOut => format!("no request was answered by {} in time", plan.addr),
        Reset => format!("{} closed or reset every connection", plan.addr),
        WrongReply { expected, got } => format!(
            "no reply was the expected one (expected {expected:?}, got {got:?}): \
             see --expect and --any-reply"
        ),
        Other(error) => format!("no request was answered: {error}"),
    }
}

/// Reads a duration in seconds, at most an hour.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_seconds(text)?;
    if duration > Duration::from_secs(3600) {
        return Err(format!("at most 3600 seconds, not {text}"));
    }
    Ok(duration)
}

/// `\n`, `\r`, `\t` and `\\` in a flag's text, as the characters they name.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn unescape_reads_the_usual_escapes() {
        assert_eq!(unescape(r"ECHO: {message}\n"), "ECHO: {message}\n");
        assert_eq!(unescape(r"a\tb\r\n\\n\q\"), "a\tb\r\n\\n\\q\\");
    }
}
