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
//! the grader's own reference server); without it the program is expected on its
//! lesson's port. Exit status 0 when every required stage passes, 1 otherwise.

use std::ffi::OsString;
use std::time::Duration;

use anyhow::{Context, anyhow};
use clap::Parser;
use lab_grade::{Launch, Rubric, lessons};

const EXAMPLES: &str = "Examples:
  lab-grade echo-server2 -- python3 echo-server2.py          on the lesson's port (8080)
  lab-grade dealer -- python3 dealer.py {port}               on a free port, stages in parallel
  lab-grade echo-server2 --flags -- ./echo-server2 --port {port}
  lab-grade --list                                           every program, its port and stages

Exit status: 0 when every required stage passes, 1 otherwise.
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

    /// List the programs and their stages, and exit.
    #[arg(long)]
    list: bool,
}

fn main() -> lab_common::Result {
    // `lab-grade --list | head`: stop quietly when the reader has had enough.
    lab_common::console::stop_when_closed();
    let args = Args::parse();
    if args.list {
        for rubric in lessons::all() {
            println!(
                "{} ({}, port {})",
                rubric.program, rubric.lesson, rubric.port
            );
            for stage in &rubric.stages {
                let required = if stage.required { "" } else { " (optional)" };
                println!("  {:28} {}{required}", stage.id, stage.checks);
            }
        }
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
    let ctx = rubric.ctx(launch, args.patience);
    let report = rubric.grade(&ctx, &args.stages);
    if args.json {
        println!("{:#}", report.json());
    } else {
        print!("{}", report.human());
    }
    if !report.passed() {
        std::process::exit(1);
    }
    Ok(())
}
