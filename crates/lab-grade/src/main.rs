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
//!
//! Every grading is worth points (`--points lesson=70,robustness=30,conventions=0`
//! by default), shown on the report's last line; `--classroom` prints the results
//! GitHub Classroom's autograding reporter reads. `lab-grade class` grades a
//! whole class's folders at once and writes a gradebook and a report page;
//! `lab-grade merge` joins the folders of shards graded on several machines.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use clap::Parser;
use lab_grade::class::{Assignment, Class, Shard};
use lab_grade::points::{Points, Score};
use lab_grade::{Launch, Rubric, StageKind, Status, lessons};

const EXAMPLES: &str = "Examples:
  lab-grade echo-server2 -- python3 echo-server2.py          the student's file as written
  lab-grade echo-server2 --require robustness -- python3 echo-server2.py
  lab-grade dealer -- ./dealer {port}                        a program told its port
  lab-grade echo-server2 --flags -- ./echo-server2 --port {port}
  lab-grade --list                                           every program, its port and stages
  lab-grade echo-server2 --classroom -- python3 echo-server2.py >> \"$GITHUB_OUTPUT\"
  lab-grade class submissions --program echo-server2=Session-10/echo-server2.py --out grades
  lab-grade merge shard-1 shard-2 --out grades

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

    /// How long the silent-client stage waits, in seconds [default: the patience].
    #[arg(long, value_name = "SECONDS", value_parser = lab_common::args::parse_seconds)]
    silent: Option<Duration>,

    /// Also require the stages of this kind for a pass: robustness,
    /// conventions (may be repeated, or given as a list: robustness,conventions).
    #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = parse_kind)]
    require: Vec<StageKind>,

    /// List the programs and their stages (with --json: as JSON), and exit.
    #[arg(long)]
    list: bool,

    /// What each kind of stage is worth, shared equally among its stages: a
    /// list, or a file holding one.
    #[arg(long, value_name = "POINTS", default_value = "lesson=70,robustness=30,conventions=0", value_parser = Points::from_arg)]
    points: Points,

    /// Print the results GitHub Classroom's autograding reporter reads, as
    /// lines to append to $GITHUB_OUTPUT (one per kind: lesson=<base64>, ...;
    /// `result=` when one kind only is worth points); the report goes to stderr,
    /// and the exit status is 0 (the reporter fails the check).
    #[arg(long, conflicts_with = "json")]
    classroom: bool,
}

/// lab-grade class: grades every student's folder of a roster (one folder a
/// student, as `gh classroom clone student-repos` makes them), every program of
/// an assignment, and writes a gradebook, a report page and every report.
#[derive(Parser)]
#[command(name = "lab-grade class", after_help = CLASS_EXAMPLES)]
struct ClassArgs {
    /// The folder holding one folder per student.
    roster: PathBuf,

    /// A program and its file in each student's folder (may be repeated):
    /// echo-server2=Session-10/echo-server2.py. A `.py` file runs with --python.
    #[arg(long = "program", value_name = "PROGRAM=FILE", required = true, value_parser = Assignment::parse)]
    programs: Vec<Assignment>,

    /// Where to write gradebook.csv, report.html, class.json and json/.
    #[arg(long, value_name = "DIR", default_value = "class-report")]
    out: PathBuf,

    /// How many gradings at once [default: the cores].
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,

    /// Grade every N-th student (in name order) from the I-th: I/N, from 1.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    shard: Option<Shard>,

    /// What each kind of stage is worth: a list, or a file holding one.
    #[arg(long, value_name = "POINTS", default_value = "lesson=70,robustness=30,conventions=0", value_parser = Points::from_arg)]
    points: Points,

    /// Also require the stages of this kind for a pass.
    #[arg(long, value_name = "KIND", value_delimiter = ',', value_parser = parse_kind)]
    require: Vec<StageKind>,

    /// The longest any one wait of a stage may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = lab_common::args::parse_seconds)]
    patience: Duration,

    /// How long the silent-client stage waits, in seconds [default: the patience].
    #[arg(long, value_name = "SECONDS", value_parser = lab_common::args::parse_seconds)]
    silent: Option<Duration>,

    /// The longest one grading may take, in seconds: then it is given up (zero points).
    #[arg(long, value_name = "SECONDS", default_value = "120", value_parser = lab_common::args::parse_seconds)]
    limit: Duration,

    /// The Python that runs a student's `.py` file.
    #[arg(long, value_name = "COMMAND", default_value = "python3")]
    python: OsString,
}

/// lab-grade merge: joins the --out folders of `lab-grade class --shard I/N`
/// into one gradebook and one report page.
#[derive(Parser)]
#[command(name = "lab-grade merge")]
struct MergeArgs {
    /// The shards' folders.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,

    /// Where to write the joined gradebook.csv, report.html, class.json and json/.
    #[arg(long, value_name = "DIR", default_value = "class-report")]
    out: PathBuf,
}

const CLASS_EXAMPLES: &str = "Examples:
  gh classroom clone student-repos -a 123456        (makes a folder of students' folders)
  lab-grade class session-10-submissions \\
      --program happy-server=Session-10/happy-server.py \\
      --program echo-server2=Session-10/echo-server2.py --out grades
  lab-grade class submissions --program echo-server2=echo.py --shard 2/4 --out shard-2
  lab-grade merge shard-1 shard-2 shard-3 shard-4 --out grades

A missing file is zero points with its reason. The gradebook has, per student,
each program's points and passed/total per kind, then the total and the maximum.";

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

/// `lab-grade class ...`: grades the class, writes its folder.
fn class(args: ClassArgs) -> lab_common::Result {
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let class = Class {
        programs: args.programs,
        points: args.points,
        required: args.require,
        patience: args.patience,
        silent: args.silent,
        limit: args.limit,
        jobs,
        python: args.python,
        shard: args.shard,
    };
    let students = lab_grade::class::students(&args.roster, class.shard)?;
    let count = students.len() * class.programs.len();
    // A progress bar on a terminal only: a CI log gets the summary line alone.
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(count as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} gradings, {elapsed} (about {eta} to go)",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let gradings = lab_grade::class::grade(&class, &args.roster, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let programs: Vec<String> = class.programs.iter().map(|p| p.name.clone()).collect();
    let manifest = serde_json::json!({
        "roster": args.roster.to_string_lossy(),
        "programs": class.programs.iter().map(|p| serde_json::json!({
            "name": p.name, "file": p.file.to_string_lossy(),
        })).collect::<Vec<_>>(),
        "points": class.points.to_string(),
        "shard": class.shard.map(|s| s.to_string()),
        "students": students.iter().map(|(name, _)| name).collect::<Vec<_>>(),
    });
    lab_grade::class::write(&args.out, &programs, &manifest, &gradings)?;
    let errors = gradings.iter().filter(|g| g["status"] == "error").count();
    let passed = gradings.iter().filter(|g| g["status"] == "pass").count();
    eprintln!(
        "graded {} students × {} programs in {:.0} s ({jobs} at once): {passed} passed, {} failed, {errors} could not start or are missing",
        students.len(),
        programs.len(),
        started.elapsed().as_secs_f64(),
        gradings.len() - passed - errors,
    );
    eprintln!(
        "wrote {0}/gradebook.csv, {0}/report.html and {0}/json/",
        args.out.display()
    );
    Ok(())
}

/// `lab-grade merge ...`: joins shards' folders.
fn merge(args: MergeArgs) -> lab_common::Result {
    let (programs, gradings) = lab_grade::class::merge(&args.dirs)?;
    let students: std::collections::BTreeSet<&str> = gradings
        .iter()
        .filter_map(|g| g["student"].as_str())
        .collect();
    let manifest = serde_json::json!({
        "merged": args.dirs.iter().map(|d| d.to_string_lossy()).collect::<Vec<_>>(),
        "programs": programs.iter().map(|p| serde_json::json!({"name": p})).collect::<Vec<_>>(),
        "students": students,
    });
    lab_grade::class::write(&args.out, &programs, &manifest, &gradings)?;
    eprintln!(
        "merged {} folders: {} students × {} programs into {}",
        args.dirs.len(),
        students.len(),
        programs.len(),
        args.out.display()
    );
    Ok(())
}

fn main() -> lab_common::Result {
    // `lab-grade --list | head`: stop quietly when the reader has had enough.
    lab_common::console::stop_when_closed();
    // `class` and `merge` are subcommands; anything else is a program to grade.
    let mut argv = std::env::args_os();
    let first = argv.nth(1);
    match first.as_ref().and_then(|a| a.to_str()) {
        Some("class") => return class(ClassArgs::parse_from(std::env::args_os().skip(1))),
        Some("merge") => return merge(MergeArgs::parse_from(std::env::args_os().skip(1))),
        _ => {}
    }
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
    if let Some(silent) = args.silent {
        ctx.silent = silent;
    }
    let report = rubric.grade(&ctx, &args.stages);
    let score = Score::of(&report, &args.points);
    if args.classroom {
        // The student reads the report in the step's log; the lines go to $GITHUB_OUTPUT.
        eprint!(
            "{}",
            lab_grade::points::insert_before_totals(&report.human(), &score.line())
        );
        print!("{}", lab_grade::classroom::lines(&report, &args.points));
        // The reporter's step fails the check; this step must let it run.
        return Ok(());
    }
    if args.json {
        let mut value = report.json();
        value["points"] = score.json();
        println!("{value:#}");
    } else {
        // The points, then the totals per kind and the verdict: the report's last lines.
        print!(
            "{}",
            lab_grade::points::insert_before_totals(&report.human(), &score.line())
        );
    }
    match report.status() {
        Status::Pass => Ok(()),
        Status::Fail => std::process::exit(1),
        Status::Error => std::process::exit(2),
    }
}
