//! A bound on what a Python program prints, for `lab-grade class`: a student's
//! loop on `recv()` that never stops at `b''` prints without end, and every line
//! it prints is kept by the grader while a stage runs. Python imports the
//! module `usercustomize` at start-up (after the grader's `sitecustomize`)
//! from `PYTHONPATH`; ours passes on a program's first million characters of
//! console output, says once that the rest is not shown, and drops it.
//!
//! It also ends the program when the file named by `LAB_GRADE_STOP_FILE`
//! appears (the class gives up a grading that went on too long: its programs
//! end, their connections close, and the grading's stages end with them) or
//! when the grader itself is gone.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The module's source, shipped inside the grader.
pub const MODULE: &str = include_str!("cap/usercustomize.py");

/// The folder holding the module, written once per version of it, or `None`
/// if it could not be written (then a program's output is not bounded).
pub fn folder() -> Option<PathBuf> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let hash = MODULE.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            let folder = std::env::temp_dir().join(format!("lab-grade-cap-{hash:016x}"));
            let file = folder.join("usercustomize.py");
            if std::fs::read_to_string(&file).is_ok_and(|text| text == MODULE) {
                return Some(folder);
            }
            std::fs::create_dir_all(&folder).ok()?;
            // Whole under another name, then renamed: no grader reads half a file.
            let partial = folder.join(format!("usercustomize.{}.tmp", std::process::id()));
            std::fs::write(&partial, MODULE).ok()?;
            std::fs::rename(&partial, &file).ok()?;
            Some(folder)
        })
        .clone()
}

/// What a launch's own `PYTHONPATH` is for a program whose output is bounded:
/// this module's folder (the runner puts the grader's startup folder before it,
/// and the grader's own `PYTHONPATH` after it).
pub fn python_path() -> Option<OsString> {
    folder().map(PathBuf::into_os_string)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::process::Command;

    #[test]
    fn the_module_is_written_in_its_folder() {
        let path = PathBuf::from(python_path().unwrap());
        assert_eq!(
            std::fs::read_to_string(path.join("usercustomize.py")).unwrap(),
            MODULE
        );
    }

    #[test]
    fn a_python_program_ends_when_its_stop_file_appears() {
        let stop = std::env::temp_dir().join(format!("lab-grade-cap-stop-{}", std::process::id()));
        let _ = std::fs::remove_file(&stop);
        let Ok(mut child) = Command::new("python3")
            .args(["-c", "while True: pass"])
            .env("PYTHONPATH", python_path().unwrap())
            .env("LAB_GRADE_STOP_FILE", &stop)
            .spawn()
        else {
            eprintln!("note: no python3 here: the stop file is not tried");
            return;
        };
        std::fs::write(&stop, "").unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let _ = std::fs::remove_file(&stop);
        assert_eq!(
            status.and_then(|s| s.code()),
            Some(3),
            "it ended on its own"
        );
    }

    #[test]
    fn a_python_program_that_prints_without_end_is_cut() {
        let Ok(out) = Command::new("python3")
            .args(["-c", "import sys\nfor i in range(10**6): print('x' * 99)\nprint('never', file=sys.stderr)"])
            .env("PYTHONPATH", python_path().unwrap())
            .env("LAB_GRADE_OUTPUT_LIMIT", "1000")
            .output()
        else {
            eprintln!("note: no python3 here: the output bound is not tried");
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.len() < 1200, "{} bytes", text.len());
        assert!(
            text.ends_with("more than 1000 characters; the rest is not shown]\n"),
            "{text}"
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success());
    }
}
