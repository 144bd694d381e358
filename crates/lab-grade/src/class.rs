//! A whole class at once: every student's folder of a roster (one folder a
//! student, as `gh classroom clone student-repos` makes them), every program
//! of an assignment, a few gradings at a time, into a folder an instructor
//! keeps: one `--json` report per student and program, the gradebook and the
//! class report ([`gradebook`](crate::gradebook)).
//!
//! The gradings run in this one process, so the free ports they take come from
//! one counter and never collide. A missing file is a grading that could not
//! start (zero points, and the reason), not a crash; a grading that goes on
//! past its time limit is given up (zero points) and the class goes on; what a
//! program printed is kept to a bounded size in every report.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use anyhow::{Context, anyhow};
use serde_json::{Value, json};

use crate::points::{Points, Score};
use crate::report::{Report, StageResult};
use crate::stage::{Failure, Outcome, StageKind};
use crate::{Launch, Rubric};

/// The longest text (a reply, a console line) a report keeps, in bytes.
pub const MAX_TEXT: usize = 8 * 1024;

/// One program of the assignment: its rubric's name and its file in a
/// student's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The program, as the course names it (`echo-server2`).
    pub name: String,
    /// Its file, relative to a student's folder (`Session-10/echo-server2.py`).
    pub file: PathBuf,
}

impl Assignment {
    /// Parses `echo-server2=Session-10/echo-server2.py`.
    pub fn parse(text: &str) -> Result<Assignment, String> {
        let (name, file) = text.split_once('=').ok_or_else(|| {
            format!("{text:?}: write PROGRAM=FILE, e.g. echo-server2=Session-10/echo-server2.py")
        })?;
        if Rubric::of(name).is_none() {
            return Err(format!("no rubric for {name:?} (see lab-grade --list)"));
        }
        if file.is_empty() {
            return Err(format!("{text:?}: the file is missing after `=`"));
        }
        Ok(Assignment {
            name: name.to_string(),
            file: PathBuf::from(file),
        })
    }
}

/// Which students a machine grades: every `of`-th from the `index`-th (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 1.
    pub index: usize,
    /// How many shards.
    pub of: usize,
}

impl Shard {
    /// Parses `I/N`, 1 ≤ I ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("{text:?}: write I/N with 1 <= I <= N, e.g. 2/4");
        let (index, of) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = index.trim().parse().map_err(|_| bad())?;
        let of: usize = of.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > of {
            return Err(bad());
        }
        Ok(Shard { index, of })
    }

    /// Whether the student at `position` (from 0, in name order) is this shard's.
    pub fn takes(&self, position: usize) -> bool {
        position % self.of == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.of)
    }
}

/// How a class is graded.
#[derive(Debug, Clone)]
pub struct Class {
    /// The programs of the assignment.
    pub programs: Vec<Assignment>,
    /// What each kind is worth.
    pub points: Points,
    /// The kinds the verdict requires besides the lesson's.
    pub required: Vec<StageKind>,
    /// The longest any one wait of a stage may take.
    pub patience: Duration,
    /// How long the silent-client stage waits [`None`: the patience].
    pub silent: Option<Duration>,
    /// The longest one grading may take before it is given up.
    pub limit: Duration,
    /// How many gradings at once.
    pub jobs: usize,
    /// The Python that runs a `.py` file.
    pub python: OsString,
    /// Only these students, if sharded.
    pub shard: Option<Shard>,
}

/// The students of `roster`: its folders (not the hidden ones), in name order,
/// those of `shard` only.
pub fn students(roster: &Path, shard: Option<Shard>) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let entries = std::fs::read_dir(roster)
        .with_context(|| format!("cannot read the roster folder {}", roster.display()))?;
    let mut all: Vec<(String, PathBuf)> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    all.sort();
    Ok(all
        .into_iter()
        .enumerate()
        .filter(|(i, _)| shard.is_none_or(|s| s.takes(*i)))
        .map(|(_, student)| student)
        .collect())
}

/// The command that runs `file`: Python for a `.py`, the file itself otherwise.
pub fn command_for(file: &Path, python: &OsString) -> Vec<OsString> {
    let python_file = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("py"));
    if python_file {
        vec![python.clone(), file.as_os_str().to_owned()]
    } else {
        vec![file.as_os_str().to_owned()]
    }
}

/// A report of `rubric` where no stage ran: the first says `failure` (it
/// could not start when `cannot_start`), the others `not run` (those a
/// grading would skip are skipped, so the maximum is the same as a real one's).
fn unrun(rubric: &Rubric, command: String, required: &[StageKind], failure: Failure) -> Report {
    let stages = rubric
        .stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            let outcome = if stage.needs_flags() {
                Outcome::Skipped("a convention of our programs: add --flags".into())
            } else if stage.needs_signals() && !cfg!(unix) {
                Outcome::Skipped("it sends Ctrl-C as a signal: Unix only".into())
            } else if i == 0 {
                Outcome::Failed(Box::new(failure.clone()))
            } else {
                Outcome::NotRun(format!(
                    "see `{}`",
                    rubric.stages.first().map_or("", |s| s.id)
                ))
            };
            StageResult {
                id: stage.id,
                checks: stage.checks,
                kind: stage.kind,
                outcome,
            }
        })
        .collect();
    Report {
        program: rubric.program.to_string(),
        command,
        stages,
        required: required.to_vec(),
    }
}

/// Grades one student's program: the report as `--json` gives it, with its
/// points and whose it is.
pub fn grade_one(class: &Class, student: &str, folder: &Path, program: &Assignment) -> Value {
    let Some(rubric) = Rubric::of(&program.name) else {
        return json!({"student": student, "program": program.name, "status": "error"});
    };
    let file = folder.join(&program.file);
    let argv = command_for(&file, &class.python);
    let display = Launch::command(argv.clone(), rubric.port).display();
    let mut given_up = false;
    let report = if file.is_file() {
        let limit = class.limit;
        let patience = class.patience;
        let silent = class.silent;
        let required = class.required.clone();
        let name = program.name.clone();
        let (tx, rx) = mpsc::channel();
        // Created if the grading is given up: its Python programs end (see `cap`).
        static GRADINGS: AtomicUsize = AtomicUsize::new(0);
        let stop = std::env::temp_dir().join(format!(
            "lab-grade-stop-{}-{}",
            std::process::id(),
            GRADINGS.fetch_add(1, Ordering::SeqCst)
        ));
        let stop_file = stop.to_string_lossy().into_owned();
        // On a thread of its own, so that a grading that goes on too long is
        // given up: its stages end by themselves (each wait is bounded) and
        // kill their programs then.
        let spawned = std::thread::Builder::new().spawn(move || {
            let Some(rubric) = Rubric::of(&name) else {
                return;
            };
            let mut ctx = rubric.ctx(Launch::command(argv, rubric.port), patience);
            ctx.required = required;
            // A student's Python that prints without end is cut (see `cap`).
            if crate::runner::is_python(&ctx.launch.argv) {
                if let Some(path) = crate::cap::python_path() {
                    ctx.launch
                        .env
                        .push(("PYTHONPATH".into(), path.to_string_lossy().into_owned()));
                    ctx.launch
                        .env
                        .push(("LAB_GRADE_STOP_FILE".into(), stop_file));
                }
            }
            if let Some(silent) = silent {
                ctx.silent = silent;
            }
            let _ = tx.send(rubric.grade(&ctx, &[]));
        });
        match spawned
            .map_err(|e| e.to_string())
            .and_then(|_| rx.recv_timeout(limit).map_err(|_| String::new()))
        {
            Ok(report) => report,
            Err(_) => {
                // Its programs end within a second, and its stages with them.
                let _ = std::fs::write(&stop, "given up");
                let cleanup = stop.clone();
                let _ = std::thread::Builder::new().spawn(move || {
                    std::thread::sleep(Duration::from_secs(30));
                    let _ = std::fs::remove_file(cleanup);
                });
                let failure = Failure::new(
                    "",
                    format!("the grading to end within {} s", limit.as_secs()),
                    "it was still going on: given up",
                    "a program that never ends or floods its console stalls every stage: run it by hand",
                );
                given_up = true;
                unrun(&rubric, display.clone(), &class.required, failure)
            }
        }
    } else {
        let mut failure = Failure::new(
            "",
            format!("the file {}", program.file.display()),
            format!("no such file in {student}'s folder"),
            "was it committed, under this name and in this folder?",
        );
        failure.cannot_start = true;
        failure.crash = Some(format!("no file {}", program.file.display()));
        unrun(&rubric, display, &class.required, failure)
    };
    let mut value = report.json();
    value["points"] = Score::of(&report, &class.points).json();
    value["student"] = json!(student);
    value["file"] = json!(program.file.to_string_lossy());
    if given_up {
        // Not a verdict on the program's stages: an error, as one that cannot start.
        value["status"] = json!("error");
        value["given_up"] = json!(true);
        value["verdict"] = json!(format!(
            "ERROR: the grading did not end within {} s, so it was given up (0 points): does the program never end, or flood its console?",
            class.limit.as_secs()
        ));
    }
    bound(&mut value);
    value
}

/// Cuts every text of `value` longer than [`MAX_TEXT`] bytes, saying so.
pub fn bound(value: &mut Value) {
    match value {
        Value::String(text) if text.len() > MAX_TEXT => {
            let mut end = MAX_TEXT;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let more = text.len() - end;
            text.truncate(end);
            text.push_str(&format!("… ({more} bytes more, not kept)"));
        }
        Value::Array(items) => items.iter_mut().for_each(bound),
        Value::Object(map) => map.values_mut().for_each(bound),
        _ => {}
    }
}

/// Grades every student of `roster` on every program, `class.jobs` at a time,
/// calling `done` after each grading; the gradings in student, then program order.
pub fn grade(class: &Class, roster: &Path, done: &(dyn Fn() + Sync)) -> anyhow::Result<Vec<Value>> {
    let students = students(roster, class.shard)?;
    let tasks: Vec<(usize, usize)> = (0..students.len())
        .flat_map(|s| (0..class.programs.len()).map(move |p| (s, p)))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Value>>> = Mutex::new(vec![None; tasks.len()]);
    std::thread::scope(|scope| {
        for _ in 0..class.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&(s, p)) = tasks.get(i) else { break };
                    let (name, folder) = &students[s];
                    let value = grade_one(class, name, folder, &class.programs[p]);
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(value);
                    }
                    done();
                }
            });
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| anyhow!("a grading thread failed"))?;
    Ok(results.into_iter().flatten().collect())
}

/// Writes the class's outputs into `out`: `class.json` (what was graded),
/// `json/<student>/<program>.json`, `gradebook.csv` and `report.html`.
pub fn write(
    out: &Path,
    programs: &[String],
    manifest: &Value,
    gradings: &[Value],
) -> anyhow::Result<()> {
    std::fs::create_dir_all(out.join("json"))
        .with_context(|| format!("cannot create {}", out.display()))?;
    let write = |path: PathBuf, text: String| {
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write(out.join("class.json"), format!("{manifest:#}\n"))?;
    for grading in gradings {
        let student = grading["student"].as_str().unwrap_or("unknown");
        let program = grading["program"].as_str().unwrap_or("unknown");
        let folder = out.join("json").join(safe_name(student));
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        write(
            folder.join(format!("{}.json", safe_name(program))),
            format!("{grading:#}\n"),
        )?;
    }
    let book = crate::gradebook::Book::new(programs.to_vec(), gradings.to_vec());
    write(out.join("gradebook.csv"), book.csv())?;
    write(out.join("report.html"), book.html())?;
    Ok(())
}

/// A name safe as one file name: what is not a letter, digit, `-`, `_` or `.` becomes `_`.
fn safe_name(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.chars().all(|c| c == '.') {
        format!("_{name}")
    } else {
        name
    }
}

/// What a class folder (or a shard's) holds: its programs, in order, and its
/// gradings.
pub fn load(dir: &Path) -> anyhow::Result<(Vec<String>, Vec<Value>)> {
    let manifest_path = dir.join("class.json");
    let text = std::fs::read_to_string(&manifest_path).with_context(|| {
        format!(
            "{} has no class.json: is it the --out folder of `lab-grade class`?",
            dir.display()
        )
    })?;
    let manifest: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON", manifest_path.display()))?;
    let programs: Vec<String> = manifest["programs"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut gradings = Vec::new();
    let json_dir = dir.join("json");
    let mut files = Vec::new();
    if json_dir.is_dir() {
        for student in std::fs::read_dir(&json_dir)? {
            let student = student?.path();
            if !student.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&student)? {
                let file = file?.path();
                if file.extension().is_some_and(|e| e == "json") {
                    files.push(file);
                }
            }
        }
    }
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let value: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", file.display()))?;
        gradings.push(value);
    }
    Ok((programs, gradings))
}

/// Joins class folders (shards of one class): the programs in the order they
/// first appear, and every grading (a student graded in two folders: the
/// later folder's).
pub fn merge(dirs: &[PathBuf]) -> anyhow::Result<(Vec<String>, Vec<Value>)> {
    let mut programs: Vec<String> = Vec::new();
    let mut by_key: std::collections::BTreeMap<(String, String), Value> = Default::default();
    for dir in dirs {
        let (more, gradings) = load(dir)?;
        for program in more {
            if !programs.contains(&program) {
                programs.push(program);
            }
        }
        for grading in gradings {
            let key = (
                grading["student"].as_str().unwrap_or_default().to_string(),
                grading["program"].as_str().unwrap_or_default().to_string(),
            );
            by_key.insert(key, grading);
        }
    }
    Ok((programs, by_key.into_values().collect()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("lab-grade-class-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn class(programs: &[&str]) -> Class {
        Class {
            programs: programs
                .iter()
                .map(|p| Assignment::parse(p).unwrap())
                .collect(),
            points: Points::default(),
            required: Vec::new(),
            patience: Duration::from_secs(5),
            silent: None,
            limit: Duration::from_secs(60),
            jobs: 2,
            python: "python3".into(),
            shard: None,
        }
    }

    #[test]
    fn an_assignment_names_a_known_program_and_its_file() {
        let a = Assignment::parse("echo-server2=Session-10/echo-server2.py").unwrap();
        assert_eq!(a.name, "echo-server2");
        assert_eq!(a.file, PathBuf::from("Session-10/echo-server2.py"));
        assert!(
            Assignment::parse("nope=x.py")
                .unwrap_err()
                .contains("no rubric")
        );
        assert!(
            Assignment::parse("echo-server2")
                .unwrap_err()
                .contains("PROGRAM=FILE")
        );
        assert!(
            Assignment::parse("echo-server2=")
                .unwrap_err()
                .contains("missing")
        );
    }

    #[test]
    fn shards_take_every_nth_student_and_together_all_of_them() {
        assert!(Shard::parse("0/4").is_err());
        assert!(Shard::parse("5/4").is_err());
        assert!(Shard::parse("x").is_err());
        let shards: Vec<Shard> = (1..=3)
            .map(|i| Shard::parse(&format!("{i}/3")).unwrap())
            .collect();
        for position in 0..20 {
            let takers = shards.iter().filter(|s| s.takes(position)).count();
            assert_eq!(takers, 1, "student {position}");
        }
        assert!(shards[0].takes(0) && shards[0].takes(3) && shards[1].takes(1));
        assert_eq!(shards[2].to_string(), "3/3");
    }

    #[test]
    fn the_students_are_the_roster_s_folders_in_name_order() {
        let roster = temp("roster");
        for name in ["carol", "alice", ".git", "bob"] {
            std::fs::create_dir_all(roster.join(name)).unwrap();
        }
        std::fs::write(roster.join("README.md"), "not a student").unwrap();
        let names = |shard| -> Vec<String> {
            students(&roster, shard)
                .unwrap()
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        assert_eq!(names(None), ["alice", "bob", "carol"]);
        assert_eq!(names(Some(Shard { index: 2, of: 2 })), ["bob"]);
        assert!(students(&roster.join("none"), None).is_err());
        let _ = std::fs::remove_dir_all(&roster);
    }

    #[test]
    fn a_python_file_runs_with_python_and_another_as_itself() {
        let python: OsString = "python3".into();
        assert_eq!(
            command_for(Path::new("a/b.py"), &python),
            vec![OsString::from("python3"), OsString::from("a/b.py")]
        );
        assert_eq!(
            command_for(Path::new("a/server"), &python),
            vec![OsString::from("a/server")]
        );
    }

    #[test]
    fn a_missing_file_is_a_zero_with_its_reason() {
        let roster = temp("missing");
        std::fs::create_dir_all(roster.join("dave")).unwrap();
        let class = class(&["echo-server2=Session-10/echo-server2.py"]);
        let value = grade_one(&class, "dave", &roster.join("dave"), &class.programs[0]);
        assert_eq!(value["status"], "error");
        assert_eq!(value["student"], "dave");
        assert_eq!(value["points"]["earned"], 0.0);
        assert_eq!(value["points"]["max"], 100.0);
        assert!(
            value["verdict"]
                .as_str()
                .unwrap()
                .contains("no file Session-10/echo-server2.py")
        );
        assert_eq!(value["stages"][1]["result"], "not_run");
        let _ = std::fs::remove_dir_all(&roster);
    }

    #[test]
    fn long_texts_are_cut() {
        let mut value = json!({"a": ["é".repeat(MAX_TEXT), "short"]});
        bound(&mut value);
        let cut = value["a"][0].as_str().unwrap();
        assert!(cut.len() < MAX_TEXT + 100 && cut.ends_with("bytes more, not kept)"));
        assert_eq!(value["a"][1], "short");
    }

    #[test]
    fn names_become_safe_file_names() {
        assert_eq!(safe_name("echo-server2"), "echo-server2");
        assert_eq!(safe_name("a/b c"), "a_b_c");
        assert_eq!(safe_name(".."), "_..");
    }

    #[test]
    fn written_folders_load_and_merge_back() {
        let roster = temp("merge-roster");
        for name in ["ann", "ben", "cat"] {
            std::fs::create_dir_all(roster.join(name)).unwrap();
        }
        let mut shards = Vec::new();
        for i in 1..=2 {
            let mut class = class(&["echo-server2=missing.py", "happy-server=missing.py"]);
            class.shard = Some(Shard { index: i, of: 2 });
            let gradings = grade(&class, &roster, &|| {}).unwrap();
            let out = roster.with_extension(format!("out{i}"));
            let manifest =
                json!({"programs": [{"name": "echo-server2"}, {"name": "happy-server"}]});
            write(
                &out,
                &["echo-server2".into(), "happy-server".into()],
                &manifest,
                &gradings,
            )
            .unwrap();
            shards.push(out);
        }
        let (programs, gradings) = merge(&shards).unwrap();
        assert_eq!(programs, ["echo-server2", "happy-server"]);
        let students: std::collections::BTreeSet<_> = gradings
            .iter()
            .map(|g| g["student"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(gradings.len(), 6);
        assert_eq!(
            students.into_iter().collect::<Vec<_>>(),
            ["ann", "ben", "cat"]
        );
        assert!(load(&roster).is_err(), "not a class folder");
        let _ = std::fs::remove_dir_all(&roster);
        for out in shards {
            let _ = std::fs::remove_dir_all(out);
        }
    }
}
