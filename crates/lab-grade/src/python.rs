//! Grading a Python program as the student wrote it: the grader's startup
//! module (`sitecustomize`, imported by Python before the program runs) moves
//! its server socket to loopback and the stage's own port, sends a client's
//! connections to the grader's server, and refuses any address off this
//! machine. So `lab-grade echo-server2 -- python3 echo-server2.py` needs no
//! `{port}`, no `sed` and no change to the file, and its stages run at once.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The module's source, shipped inside the grader.
pub const STARTUP: &str = include_str!("python/sitecustomize.py");

/// The folder holding the startup module, written once per grader (the same
/// file for every grader of this version: a name made from its content), or
/// `None` if it could not be written (then Python programs run unmoved).
pub fn startup_folder() -> Option<PathBuf> {
    static FOLDER: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOLDER
        .get_or_init(|| {
            let folder =
                std::env::temp_dir().join(format!("lab-grade-python-{:016x}", fnv(STARTUP)));
            let file = folder.join("sitecustomize.py");
            if std::fs::read_to_string(&file).is_ok_and(|text| text == STARTUP) {
                return Some(folder);
            }
            std::fs::create_dir_all(&folder).ok()?;
            // Written whole under another name, then renamed: a grader running at
            // the same time never reads half a file.
            let partial = folder.join(format!("sitecustomize.{}.tmp", std::process::id()));
            std::fs::write(&partial, STARTUP).ok()?;
            std::fs::rename(&partial, &file).ok()?;
            Some(folder)
        })
        .clone()
}

/// `PYTHONPATH` with `folder` first, then `then` (the rubric's or the
/// caller's own), then what the grader's own environment had.
pub fn path_with(folder: &Path, then: Option<PathBuf>) -> OsString {
    let mut paths = vec![folder.to_path_buf()];
    paths.extend(then);
    if let Some(old) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(paths).unwrap_or_else(|_| folder.as_os_str().to_owned())
}

/// FNV-1a: a name for the folder that changes with the module's text.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn the_module_is_written_once_and_found_first() {
        let folder = startup_folder().unwrap();
        let text = std::fs::read_to_string(folder.join("sitecustomize.py")).unwrap();
        assert_eq!(text, STARTUP);
        let path = path_with(&folder, Some("/stubs".into()));
        let mut paths = std::env::split_paths(&path);
        assert_eq!(paths.next().unwrap(), folder);
        assert_eq!(paths.next().unwrap(), PathBuf::from("/stubs"));
    }
}
