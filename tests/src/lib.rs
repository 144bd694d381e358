//! Finds the socket-labs programs for the scenarios and benchmarks.
//!
//! Cargo builds for a package's tests only that package's own binaries, so the
//! scenarios, which need two programs at once, build theirs with escargot: every
//! binary of the workspace in one `cargo build`, once per test run, in the same
//! profile as the tests themselves. After `cargo test --workspace` has built them
//! all, that build only checks they are fresh.
// Tests report failures by panicking.
#![allow(clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use escargot::format::Message;

/// The path of the binary `name` (a package of the workspace), built if needed.
///
/// Panics, failing the test, if the workspace's binaries cannot be built or none
/// is called `name`.
pub fn program(name: &str) -> PathBuf {
    static BUILT: LazyLock<HashMap<String, PathBuf>> = LazyLock::new(build_every_binary);
    BUILT
        .get(name)
        .unwrap_or_else(|| panic!("the workspace has no binary called {name}"))
        .clone()
}

/// Builds every binary of the workspace in one cargo invocation, and gives each
/// one's path by name.
fn build_every_binary() -> HashMap<String, PathBuf> {
    let messages = escargot::CargoBuild::new()
        .arg("--workspace")
        .bins()
        .current_release()
        .exec()
        .unwrap_or_else(|e| panic!("cannot build the workspace's programs: {e}"));
    let mut built = HashMap::new();
    for message in messages {
        let message = message.unwrap_or_else(|e| panic!("building the programs: {e}"));
        if let Ok(Message::CompilerArtifact(artifact)) = message.decode() {
            if let Some(path) = artifact.executable {
                built.insert(artifact.target.name.to_string(), path.to_path_buf());
            }
        }
    }
    built
}

/// Starts our program `name` with `args` (see [`lab_test::Program::start`]).
pub fn start(name: &str, args: &[&str]) -> lab_test::Program {
    lab_test::Program::start(program(name), args)
}

/// Waits for a client to finish, checks that it exits 0, and returns what it printed.
pub fn output_of(mut client: lab_test::Program) -> Vec<String> {
    let status = client.wait_exit();
    assert!(
        status.success(),
        "the client exited with {status}: {:?}",
        client.seen()
    );
    client.seen().to_vec()
}

/// A command that runs the lesson's Python program `script` (in `tests/python/`)
/// with `args`, or `None` where this machine has no Python 3.
pub fn python(script: &str, args: &[&str]) -> Option<std::process::Command> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    ["python3", "python"].into_iter().find_map(|interpreter| {
        let is_python3 = std::process::Command::new(interpreter)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).starts_with("Python 3"));
        is_python3.then(|| {
            let mut command = std::process::Command::new(interpreter);
            command.arg("-u").arg(&path).args(args);
            command
        })
    })
}

/// Plays the guessing game through a player program (ours or the page's) by
/// bisection, typing the guesses on its standard input; returns the secret.
pub fn play_by_bisection(player: &mut lab_test::Program) -> i64 {
    player.expect_line_containing("player is ready to guess");
    let (mut low, mut high) = (0, 9);
    for _ in 0..4 {
        let middle = (low + high) / 2;
        player.write_stdin(&format!("{middle}\n"));
        let line = player.expect_line_containing("> ");
        match line.rsplit("> ").next().unwrap_or_default() {
            "too low" => low = middle + 1,
            "too high" => high = middle - 1,
            "found the secret" => return middle,
            other => panic!("unexpected answer {other:?} in {line:?}"),
        }
    }
    panic!("bisection over 0..=9 takes at most 4 guesses");
}

/// For the benchmarks: starts the program `name` (release build) with its output
/// sent to /dev/null, on a port reserved for it, and waits until it accepts
/// connections. Kill the child when done.
pub fn start_quietly(name: &str) -> (std::process::Child, std::net::SocketAddr) {
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};
    // The program prints to /dev/null, so it cannot tell us its port: reserve one.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = std::process::Command::new(program(name))
        .args(["--port", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(addr).is_err() {
        assert!(
            Instant::now() < deadline,
            "{name} did not start listening on {addr}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, addr)
}

/// For the benchmarks: the median of `values`, and all of them on one line.
pub fn median_and_list(values: &[f64]) -> (f64, String) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let list = values
        .iter()
        .map(|v| format!("{v:.0}"))
        .collect::<Vec<_>>()
        .join(" ");
    (sorted[sorted.len() / 2], list)
}
