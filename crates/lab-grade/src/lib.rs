//! The grader of socket-labs: one rubric per program, run by the cargo tests and
//! by `lab-grade` alike.
//!
//! A [`Rubric`] is the list of a program's [`Stage`]s, each checking one thing
//! over real sockets, black-box: it works on our Rust binaries, on a student's
//! Rust or on the Python the course teaches. `lab-grade <program> -- <command>`
//! runs a rubric on any command; [`rubric_tests!`] turns a rubric into one
//! `#[test]` per stage in a program's own tests.
//!
//! - [`runner`]: starts the program, reads its console, waits (bounded), kills it.
//! - [`net`]: the grader's side of a connection.
//! - [`python`]: a Python program graded as written, moved to the grader's ports.
//! - [`stage`]: a stage, and what a failure tells a student.
//! - [`hostile`]: what every server must survive, the same for all.
//! - [`basics`]: the command line and Ctrl-C, as every program of ours has them.
//! - [`reference`](mod@reference): the servers a client is graded against.
//! - [`lessons`]: each lesson's rubrics.
//! - [`report`]: the grade as text or JSON.

// A stage's failure carries its whole story (sent, expected, got, output): it is
// the rare path, returned once per stage, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod basics;
pub mod hostile;
pub mod lessons;
pub mod net;
pub mod python;
pub mod reference;
pub mod report;
pub mod runner;
pub mod stage;
pub mod testing;

use std::time::Duration;

pub use report::{Report, StageResult, Status};
pub use runner::{Launch, Program};
pub use stage::{Ctx, Failure, Outcome, Stage, StageKind};

/// What kind of program a rubric grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A TCP server: the grader is its client.
    TcpServer,
    /// A UDP server.
    UdpServer,
    /// A client: the grader runs the server it talks to.
    Client,
}

/// The stages of one program.
#[derive(Debug)]
pub struct Rubric {
    /// The program's name (its package's).
    pub program: &'static str,
    /// Its lesson's folder.
    pub lesson: &'static str,
    /// Its lesson's port.
    pub port: u16,
    /// Server or client.
    pub kind: Kind,
    /// Its stages, in the order they are reported.
    pub stages: Vec<Stage>,
    /// What the program is started with in its environment (the password the
    /// password server is graded with), whatever its command.
    pub env: Vec<(&'static str, &'static str)>,
}

impl Rubric {
    /// The rubric of the program `name`, if there is one.
    pub fn of(name: &str) -> Option<Rubric> {
        lessons::all().into_iter().find(|r| r.program == name)
    }

    /// What a stage runs with, for a program started by `launch`.
    pub fn ctx(&self, mut launch: Launch, patience: Duration) -> Ctx {
        launch.server = self.kind != Kind::Client;
        launch.lesson_port = self.port;
        launch.env = self
            .env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Ctx {
            launch,
            patience,
            silent: patience,
            udp: self.kind == Kind::UdpServer,
            required: Vec::new(),
        }
    }

    /// Runs every stage (those in `only`, when it is not empty), in parallel when
    /// each can have its own port, and reports them in the rubric's order.
    ///
    /// The first stage runs alone first: when it finds that the program cannot
    /// be started at all (not found, a SyntaxError, a missing module, its port
    /// held by another program), that one failure is the report, and the other
    /// stages are marked not run instead of repeating it.
    pub fn grade(&self, ctx: &Ctx, only: &[String]) -> Report {
        let chosen: Vec<&Stage> = self
            .stages
            .iter()
            .filter(|s| only.is_empty() || only.iter().any(|id| id == s.id))
            .collect();
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(chosen.len());
        if let Some((first, rest)) = chosen.split_first() {
            outcomes.push(first.grade(ctx));
            let cannot_start =
                matches!(outcomes.first(), Some(Outcome::Failed(f)) if f.cannot_start);
            if cannot_start {
                let why = format!("the program could not be started: see `{}`", first.id);
                outcomes.extend(rest.iter().map(|stage| match stage.skipped(ctx) {
                    Some(skipped) => Outcome::Skipped(skipped),
                    None => Outcome::NotRun(why.clone()),
                }));
            } else if ctx.launch.parallel() {
                outcomes.extend(in_parallel(rest, ctx));
            } else {
                // On a fixed port, two copies of a server cannot run at once.
                outcomes.extend(rest.iter().map(|stage| stage.grade(ctx)));
            }
        }
        Report {
            program: self.program.to_string(),
            command: ctx.launch.display(),
            stages: chosen
                .iter()
                .zip(outcomes)
                .map(|(stage, outcome)| StageResult {
                    id: stage.id,
                    checks: stage.checks,
                    kind: stage.kind,
                    outcome,
                })
                .collect(),
            required: ctx.required.clone(),
        }
    }
}

/// Runs `stages` on a few threads at once (twice the cores, at most 8): each
/// starts its own copy of the program, and too many at once would slow them all.
fn in_parallel(stages: &[&Stage], ctx: &Ctx) -> Vec<Outcome> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get() * 2)
        .min(8);
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new(stages.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(stage) = stages.get(i) else { break };
                    let outcome = stage.grade(ctx);
                    if let Ok(mut outcomes) = outcomes.lock() {
                        outcomes[i] = Some(outcome);
                    }
                }
            });
        }
    });
    outcomes
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| {
                Outcome::Failed(Box::new(Failure::new(
                    "",
                    "",
                    "",
                    "the grader itself failed in this stage: please report it",
                )))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn every_program_has_one_rubric_with_unique_stage_names() {
        let all = lessons::all();
        for rubric in &all {
            let mut ids: Vec<_> = rubric.stages.iter().map(|s| s.id).collect();
            ids.sort_unstable();
            let count = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), count, "{}: a stage name twice", rubric.program);
            assert_eq!(
                all.iter().filter(|r| r.program == rubric.program).count(),
                1
            );
        }
        assert!(Rubric::of("echo-server2").is_some());
        assert!(Rubric::of("no-such-program").is_none());
    }
}
