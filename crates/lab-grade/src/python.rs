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
    use std::process::Command;

    /// Runs `code` in Python 3 with the startup module for a program of `role`
    /// whose stage port is `port` and lesson port 8080; gives its output, or
    /// `None` without Python 3.
    fn python(role: &str, port: u16, code: &str) -> Option<String> {
        let folder = startup_folder()?;
        let out = Command::new("python3")
            .args(["-c", code])
            .env("PYTHONPATH", path_with(&folder, None))
            .env("LAB_GRADE_PORT", port.to_string())
            .env("LAB_GRADE_LESSON_PORT", "8080")
            .env("LAB_GRADE_ROLE", role)
            .output()
            .ok()?;
        Some(
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    }

    #[test]
    fn a_servers_bind_is_moved_to_loopback_and_the_stages_port() {
        let port = crate::runner::free_port(false).unwrap();
        // A LAN IP and the lesson's port, as the lesson writes them: bound here
        // instead (binding sends nothing anywhere).
        let code = "import socket\ns = socket.socket()\ns.bind(('192.168.124.179', 8080))\nprint(s.getsockname())";
        let Some(out) = python("server", port, code) else {
            return;
        };
        assert_eq!(out.trim(), format!("('127.0.0.1', {port})"), "{out}");
    }

    #[test]
    fn where_a_connection_goes_is_decided_before_anything_is_sent() {
        // Only the decision is asked: no connection is made to any address.
        let code = "import socket, sitecustomize as s\n\
            sock = socket.socket()\n\
            print(s._on_this_machine('127.0.0.1'), s._on_this_machine('192.0.2.1'))\n\
            print(s._redirect(sock, ('192.168.1.45', 8080)))\n\
            print(s._redirect(sock, ('127.0.0.1', 8080)))";
        let Some(out) = python("client", 20001, code) else {
            return;
        };
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "True False", "{out}");
        assert_eq!(
            lines[1], "('127.0.0.1', 20001)",
            "a client's lesson port goes to the grader's server"
        );
        assert_eq!(lines[2], "('127.0.0.1', 20001)");
        let code = "import socket, sitecustomize as s\n\
            try:\n    s._redirect(socket.socket(), ('192.0.2.1', 80))\n\
            except ConnectionRefusedError as e:\n    print('refused', e)";
        let out = python("server", 20002, code).unwrap();
        assert!(
            out.contains("lab-grade: refused a connection to 192.0.2.1:80"),
            "{out}"
        );
        assert!(out.contains("refused [Errno 111]"), "{out}");
    }

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
