//! Benchmark: `lab-grade class` on a class of 50 students × 4 Session 10
//! programs, against the same gradings run one after another as single
//! `lab-grade <program> -- python3 <file>` commands; and the class's peak memory.
//!
//! Run it:   cargo bench -p scenarios --bench class_grading
//!
//! The class is built from the student-style corpus, `tests/python/students/<program>/*.py`
//! (student k takes variant k mod n of each program), with the lessons' own
//! `happy_server.py` and `echo_server2.py` standing in for a program the corpus
//! does not have yet. Both sides use the same `--patience` (5 s). The single
//! gradings are run once per distinct file, and their sum is each file's time
//! times the students who have it (every student with the same variant grades
//! the same file); `BENCH_EVERY_SINGLE=1` runs all 200 instead. Peak memory is
//! the grader process's own (VmHWM, Linux), the students' programs apart.
// A benchmark reports failures by panicking, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const STUDENTS: usize = 50;
const PROGRAMS: [&str; 4] = [
    "happy-server",
    "echo-server1",
    "echo-server2",
    "echo-server3",
];
const PATIENCE: &str = "5";

fn main() {
    if Command::new("python3").arg("--version").output().is_err() {
        println!("class_grading: skipped, no python3 on this machine");
        return;
    }
    // Only the grader is needed: not the whole workspace's binaries.
    let grader = escargot::CargoBuild::new()
        .package("lab-grade")
        .bin("lab-grade")
        .current_release()
        .run()
        .unwrap()
        .path()
        .to_path_buf();
    let root = std::env::temp_dir().join(format!("lab-grade-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let variants = variants(&root.join("variants"));
    let roster = root.join("roster");
    for k in 0..STUDENTS {
        let folder = roster.join(format!("student-{k:02}")).join("Session-10");
        std::fs::create_dir_all(&folder).unwrap();
        for program in PROGRAMS {
            let list = &variants[program];
            std::fs::copy(&list[k % list.len()], folder.join(format!("{program}.py"))).unwrap();
        }
    }
    let stubs = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/stubs");

    // The class, as an instructor runs it (jobs: the cores).
    let mut class = Command::new(&grader);
    class
        .arg("class")
        .arg(&roster)
        .arg("--out")
        .arg(root.join("out"));
    class.args(["--patience", PATIENCE]);
    for program in PROGRAMS {
        class
            .arg("--program")
            .arg(format!("{program}=Session-10/{program}.py"));
    }
    class
        .env("PYTHONPATH", &stubs)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let started = Instant::now();
    let mut child = class.spawn().unwrap();
    let mut peak_kib = 0;
    while child.try_wait().unwrap().is_none() {
        peak_kib = peak_kib.max(vm_hwm(child.id()).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(100));
    }
    let class_time = started.elapsed().as_secs_f64();
    let csv = std::fs::read_to_string(root.join("out/gradebook.csv")).unwrap();
    assert_eq!(csv.lines().count(), STUDENTS + 1, "a row per student");

    // The same gradings one after another.
    let every = std::env::var_os("BENCH_EVERY_SINGLE").is_some();
    let mut singles = 0.0;
    let mut count = 0;
    let mut timed: BTreeMap<PathBuf, f64> = BTreeMap::new();
    for k in 0..STUDENTS {
        for program in PROGRAMS {
            let list = &variants[program];
            let file = &list[k % list.len()];
            let seconds = match timed.get(file) {
                Some(&seconds) if !every => seconds,
                _ => {
                    let started = Instant::now();
                    let status = Command::new(&grader)
                        .arg(program)
                        .args(["--patience", PATIENCE, "--json", "--"])
                        .arg("python3")
                        .arg(file)
                        .env("PYTHONPATH", &stubs)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .unwrap();
                    assert!(status.code().is_some_and(|c| c <= 2), "{status}");
                    count += 1;
                    let seconds = started.elapsed().as_secs_f64();
                    timed.insert(file.clone(), seconds);
                    seconds
                }
            };
            singles += seconds;
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    let files: usize = variants.values().map(Vec::len).sum();
    println!(
        "class_grading: {STUDENTS} students × {} programs ({files} distinct files), --patience {PATIENCE}",
        PROGRAMS.len()
    );
    println!("  lab-grade class (jobs = cores)        {class_time:>8.1} s wall");
    println!(
        "  single gradings one after another     {singles:>8.1} s ({} run{})",
        count,
        if every {
            ""
        } else {
            ", the rest the same files' times"
        }
    );
    println!(
        "  class / singles                       {:>8.3}",
        class_time / singles
    );
    match peak_kib {
        0 => println!("  peak memory of the class's grader     (not measured: no /proc)"),
        kib => println!(
            "  peak memory of the class's grader     {:>8.1} MiB",
            kib as f64 / 1024.0
        ),
    }
}

/// The corpus's files of each program, or a stand-in from the lessons' own.
fn variants(generated: &Path) -> BTreeMap<&'static str, Vec<PathBuf>> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("python");
    std::fs::create_dir_all(generated).unwrap();
    let echo2 = std::fs::read_to_string(python.join("echo_server2.py"))
        .unwrap()
        .replace("PORT = int(sys.argv[1])", "PORT = 8080");
    let stand_in = generated.join("echo_server2.py");
    std::fs::write(&stand_in, echo2).unwrap();
    PROGRAMS
        .into_iter()
        .map(|program| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(python.join("students").join(program))
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "py"))
                .collect();
            files.sort();
            if files.is_empty() {
                files.push(if program == "happy-server" {
                    python.join("happy_server.py")
                } else {
                    stand_in.clone()
                });
            }
            (program, files)
        })
        .collect()
}

/// The peak resident memory of process `pid`, in KiB (Linux).
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
