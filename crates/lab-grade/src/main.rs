//! # lab-grade: grades a student's program with the course's rubric
//!
//! Runs any program, in any language, and checks it stage by stage over real
//! sockets, as the cargo tests check ours:
//!
//!     lab-grade echo-server2 -- python3 echo_server2.py            (on the lesson's port)
//!     lab-grade echo-server2 -- python3 echo_server2.py {port}     (on a free port)
//!     lab-grade echo-server2 --flags -- target/debug/echo-server2 --port {port}
//!
//! `{port}` in the command is replaced by a free port (for a client, the port of
//! the grader's own reference server). Without it, a Python program is moved to
//! the grader's ports by its startup module (the file runs unchanged), and any
//! other program is expected on its lesson's port.
//!
//! Every stage has a kind: `lesson` (what the lesson asks), `robustness` (what
//! to learn next) and `conventions` (our flags, the lesson's exact wording,
//! colour). Exit status 0 when every lesson stage passes (and every stage of the
//! kinds given to `--require`), 1 otherwise, 2 when the program could not be
//! started at all.

use std::ffi::OsString;
use std::time::Duration;

use anyhow::{Context, anyhow};
use clap::Parser;
use lab_grade::{Launch, Rubric, StageKind, Status, lessons};

const EXAMPLES: &str = "Examples:
  lab-grade echo-server2 -- python3 echo-server2.py          the student's file as written
  lab-grade echo-server2 --require robustness -- python3 echo-server2.py
  lab-grade dealer -- ./dealer {port}                        a program told its port
  lab-grade echo-server2 --flags -- ./echo-server2 --port {port}
  lab-grade --list                                           every program, its port and stages

Stage kinds: lesson (what the lesson asks: decides the verdict), robustness
(what to learn next), conventions (our flags, the lesson's exact wording, colour).
Exit status: 0 when every lesson stage passes (and every stage of the kinds
given to --require), 1 otherwise, 2 when the program could not be started.
The guide: docs/instructors.md";

/// lab-grade: grades a program of the socket labs, in any language, with the
/// rubric the course's own tests use.
#[derive(Parser)]
#[command(version, after_help = EXAMPLES)]
struct Args {
    /// The program to grade, as the course names it (echo-server2, dealer, ...).
    #[arg(required_unless_present = "list")]
    program: Option<String>,

    /// The command that runs it; `{port}` in it is replaced by the port to use.
    #[arg(last = true)]
    command: Vec<OsString>,

    /// The program takes the course's shared flags (--port, --timeout, --help,
    /// ...) and console lines: grade those too.
    #[arg(long)]
    flags: bool,

    /// Print one JSON document with every stage, for CI.
    #[arg(long)]
    json: bool,

    /// The port the program listens on (or, for a client, connects to) when the
    /// command has no `{port}` [default: the lesson's].
    #[arg(long)]
    port: Option<u16>,

    /// Run only this stage (may be repeated).
    #[arg(long = "stage", value_name = "ID")]
    stages: Vec<String>,

    /// The longest any one wait may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = lab_common::args::parse_seconds)]
    patience: Duration,

    /// Also require the stages of this kind for a pass: robustness,
    /// conventions (may be repeated, or given as a list: robustness,conventions).
    #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = parse_kind)]
    require: Vec<StageKind>,

    /// List the programs and their stages (with --json: as JSON), and exit.
    #[arg(long)]
    list: bool,
}

/// A kind `--require` accepts: the lesson's is always required.
fn parse_kind(name: &str) -> Result<StageKind, String> {
    match StageKind::from_name(name) {
        Some(StageKind::Lesson) | None => Err(format!(
            "{name:?} is not a kind to require: robustness or conventions (lesson is always required)"
        )),
        Some(kind) => Ok(kind),
    }
}

/// Every program, its lesson and port, and its stages with their kinds.
fn list(json: bool) {
    let all = lessons::all();
    if json {
        let programs: Vec<_> = all
            .iter()
            .map(|rubric| {
                let stages: Vec<_> = rubric
                    .stages
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "id": s.id,
                            "checks": s.checks,
                            "kind": s.kind.name(),
                            "needs_flags": s.needs_flags(),
                            "needs_signals": s.needs_signals(),
                        })
                    })
                    .collect();
                serde_json::json!({
                    "program": rubric.program,
                    "lesson": rubric.lesson,
                    "port": rubric.port,
                    "stages": stages,
                })
            })
            .collect();
        println!("{:#}", serde_json::Value::Array(programs));
        return;
    }
    for rubric in all {
        println!(
            "{} ({}, port {})",
            rubric.program, rubric.lesson, rubric.port
        );
        for stage in &rubric.stages {
            let flags = if stage.needs_flags() {
                " (needs --flags)"
            } else {
                ""
            };
            println!(
                "  {:28} {:11} {}{flags}",
                stage.id,
                stage.kind.name(),
                stage.checks
            );
        }
    }
}

fn main() -> lab_common::Result {
    // `lab-grade --list | head`: stop quietly when the reader has had enough.
    lab_common::console::stop_when_closed();
    let args = Args::parse();
    if args.list {
        list(args.json);
        return Ok(());
    }
    let name = args.program.context("name the program to grade")?;
    let rubric = Rubric::of(&name).ok_or_else(|| {
        let names: Vec<_> = lessons::all().iter().map(|r| r.program).collect();
        anyhow!(
            "no rubric for {name:?}: the programs are {}",
            names.join(", ")
        )
    })?;
    if args.command.is_empty() {
        return Err(anyhow!(
            "give the command that runs it after `--`, for instance: lab-grade {name} -- python3 {}.py {{port}}",
            name.replace('-', "_")
        )
        .into());
    }
    if let Some(unknown) = args
        .stages
        .iter()
        .find(|id| !rubric.stages.iter().any(|s| s.id == id.as_str()))
    {
        return Err(anyhow!("{name} has no stage {unknown:?} (see --list)").into());
    }
    let mut launch = Launch::command(args.command, args.port.unwrap_or(rubric.port));
    launch.flags = args.flags;
    let mut ctx = rubric.ctx(launch, args.patience);
    ctx.required = args.require;
    let report = rubric.grade(&ctx, &args.stages);
    if args.json {
        println!("{:#}", report.json());
    } else {
        print!("{}", report.human());
    }
    match report.status() {
        Status::Pass => Ok(()),
        Status::Fail => std::process::exit(1),
        Status::Error => std::process::exit(2),
    }
}
