//! The pages (`README.md`, `docs/`) as a newcomer reads them: every `nc` command a
//! page shows is run here as the page writes it (only its port is the test
//! server's), with the `nc` the README names (netcat-openbsd), and must end as the
//! page says. Without `nc` (or bash) on the machine, those tests say so and skip.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use lab_test::Program;
use scenarios::program;

/// The repository's root folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The pages: the README and every page of `docs/`, with their names.
fn pages() -> Vec<(String, String)> {
    let mut pages = vec![(
        "README.md".to_string(),
        std::fs::read_to_string(root().join("README.md")).unwrap(),
    )];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let name = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
            pages.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    pages
}

/// Every command of the pages that runs `nc` without a person typing into it:
/// `<input> | nc ...` and `nc -d ...`, in a code block (without its `# comment`)
/// or in a `code span`.
fn nc_commands(page: &str) -> Vec<String> {
    let runs_nc = |text: &str| text.contains("| nc ") || text.starts_with("nc -d ");
    let mut commands = Vec::new();
    let mut in_block = false;
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            let command = line.split("  #").next().unwrap_or_default().trim();
            if runs_nc(command) {
                commands.push(command.to_string());
            }
        } else {
            for (i, span) in line.split('`').enumerate() {
                if i % 2 == 1 && runs_nc(span) {
                    commands.push(span.to_string());
                }
            }
        }
    }
    commands
}

/// A page's command, the server it talks to (ours, with arguments) and the
/// lesson's port that the command names.
struct PageCommand {
    command: &'static str,
    server: &'static str,
    port: u16,
    /// What its output must hold (stdout and stderr, in order).
    expect: &'static [&'static str],
}

/// Each `nc` command of the pages, and what the page says it gives.
const COMMANDS: &[PageCommand] = &[
    PageCommand {
        command: r#"printf "Test" | nc 127.0.0.1 8080"#,
        server: "happy-server",
        port: 8080,
        expect: &["HELLO. I am the Happy Server :-)"],
    },
    PageCommand {
        command: r"head -c 5000 /dev/zero | tr '\0' x | nc -N 127.0.0.1 8080",
        server: "happy-server",
        port: 8080,
        expect: &["HELLO. I am the Happy Server :-)"],
    },
    PageCommand {
        command: r"printf 'caf\xe9' | nc 127.0.0.1 8080",
        server: "happy-server",
        port: 8080,
        expect: &["HELLO. I am the Happy Server :-)"],
    },
    PageCommand {
        command: r#"printf "Test" | nc 127.0.0.1 8080      # ECHO: Test"#,
        server: "echo-server1",
        port: 8080,
        expect: &["ECHO: Test"],
    },
    PageCommand {
        command: r#"printf "hi" | nc 127.0.0.1 41267"#,
        server: "tcp-server",
        port: 41267,
        expect: &[],
    },
    PageCommand {
        command: r#"printf "5\n3\n" | nc -N 127.0.0.1 11267"#,
        server: "dealer",
        port: 11267,
        expect: &[],
    },
    PageCommand {
        command: r"printf 'hello' | nc -N 127.0.0.1 12000 | xxd",
        server: "handshake-server",
        port: 12000,
        expect: &[],
    },
    PageCommand {
        command: r#"printf "what time is it?" | nc -N 127.0.0.1 9999"#,
        server: "time-server",
        port: 9999,
        expect: &["Have a nice day!"],
    },
    PageCommand {
        command: "nc -d 127.0.0.1 9999",
        server: "time-server",
        port: 9999,
        expect: &["Have a nice day!"],
    },
];

/// Whether `program` runs on this machine (it starts, whatever it says).
fn installed(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok()
}

/// Runs a page's `command` (bash, as a student's terminal does) against a server on
/// `port` instead of the lesson's, and returns what it printed; it must end (within
/// the tests' patience) with status 0.
fn run_as_written(command: &str, lesson_port: u16, port: u16) -> Vec<String> {
    let command = command.split("  #").next().unwrap().trim();
    let command = command.replace(
        &format!("127.0.0.1 {lesson_port}"),
        &format!("127.0.0.1 {port}"),
    );
    let mut shell = Command::new("bash");
    shell.args(["-c", &command]);
    let mut run = Program::spawn(shell);
    let status = run.wait_exit();
    assert!(
        status.success(),
        "{command}: expected it to end with status 0, got {status}: {:?}",
        run.seen()
    );
    run.seen().to_vec()
}

/// `nc` and bash, or the note that says why the test is skipped.
fn tools() -> bool {
    if !installed("nc", "-h") || !installed("bash", "--version") {
        eprintln!("skipped: this machine has no nc (Debian: apt install netcat-openbsd) or bash");
        return false;
    }
    true
}

#[test]
fn every_nc_command_of_the_pages_is_run_by_a_test() {
    let tested: Vec<&str> = COMMANDS.iter().map(|c| c.command).collect();
    let mut untested = Vec::new();
    for (name, page) in pages() {
        for command in nc_commands(&page) {
            if !tested
                .iter()
                .any(|t| t.split("  #").next().unwrap().trim() == command)
            {
                untested.push(format!("{name}: {command}"));
            }
        }
    }
    assert!(
        untested.is_empty(),
        "expected every nc command of the pages in COMMANDS, with what it gives; \
         not there: {untested:#?}"
    );
}

#[test]
fn every_nc_command_of_the_pages_ends_as_the_page_says() {
    if !tools() {
        return;
    }
    for page_command in COMMANDS {
        let server = Program::server(program(page_command.server), &[]);
        let output = run_as_written(
            page_command.command,
            page_command.port,
            server.addr().port(),
        );
        for wanted in page_command.expect {
            assert!(
                output.iter().any(|line| line.contains(wanted)),
                "{}: expected {wanted:?} in its output, got {output:?}",
                page_command.command
            );
        }
    }
}

/// The lab's "thing to try": the handshake and an error reply, both pickled, and
/// `nc` ends (with `-N`) instead of waiting for the server's 300 s.
#[test]
fn the_tcp_server_lab_s_hello_shows_the_handshake_and_an_error() {
    if !tools() || !installed("xxd", "-v") {
        return eprintln!("skipped: no xxd");
    }
    let server = Program::server(program("handshake-server"), &[]);
    let command = r"printf 'hello' | nc -N 127.0.0.1 12000 | xxd";
    let output = run_as_written(command, 12000, server.addr().port());
    // xxd's text column: the last 16 characters of each line.
    let text: String = output
        .iter()
        .filter_map(|line| line.split("  ").last())
        .collect();
    for wanted in ["clientid", "error"] {
        assert!(text.contains(wanted), "expected {wanted:?} in {output:#?}");
    }
}

/// The README says how to get `nc` where a page first uses it.
#[test]
fn the_readme_says_how_to_install_nc_where_it_first_uses_it() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let first_use = readme.find("| nc ").expect("the README uses nc");
    let install = readme.find("netcat-openbsd");
    assert!(
        install.is_some_and(|at| at.abs_diff(first_use) < 1000),
        "expected the README to name netcat-openbsd near its first nc (at byte {first_use}), \
         got {install:?}"
    );
}

/// The project's files never point a reader at files the repository does not have.
#[test]
fn no_file_points_outside_the_repository() {
    let mut pointing = Vec::new();
    let mut folders = vec![root()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "target" && name != ".git" {
                    folders.push(path);
                }
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                if text.contains(&format!("..{}shared{}", '/', '/')) {
                    pointing.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        pointing.is_empty(),
        "expected no file to cite the shared folder next to the repository (a reader \
         does not have it), got {pointing:?}"
    );
}

/// The pages' `git diff -I '^//!'` commands, run as written from the repository's
/// folder, show the lesson's change and never a line of a `//!` header.
#[test]
fn the_pages_diffs_show_no_header_lines() {
    if !installed("git", "--version") || !installed("bash", "--version") {
        return eprintln!("skipped: no git or bash on this machine");
    }
    let mut diffs = 0;
    for (name, page) in pages() {
        for command in page
            .lines()
            .filter(|l| l.starts_with("git diff --no-index"))
        {
            diffs += 1;
            let output = Command::new("bash")
                .args(["-c", command])
                .current_dir(root())
                .output()
                .unwrap();
            // git diff --no-index: status 1 when the files differ.
            assert_eq!(
                output.status.code(),
                Some(1),
                "{name}: {command}: {output:?}"
            );
            let shown = String::from_utf8_lossy(&output.stdout);
            let header: Vec<&str> = shown
                .lines()
                .filter(|l| l.starts_with("+//!") || l.starts_with("-//!"))
                .collect();
            assert!(
                header.is_empty(),
                "{name}: {command}: expected no header line, got {header:#?}"
            );
        }
    }
    assert!(
        diffs >= 5,
        "expected the pages' diff commands, found {diffs}"
    );
}

/// The many-clients page's chart, as committed: each client count measured is a
/// label, both axes say they are logarithmic, and the three servers have markers of
/// their own (8 points each, and one in the legend).
#[test]
fn the_page_s_chart_labels_every_count_and_marks_every_server() {
    let svg = std::fs::read_to_string(root().join("docs/many-clients-sweep.svg")).unwrap();
    let texts: Vec<&str> = svg
        .split("<text ")
        .skip(1)
        .filter_map(|t| t.split('>').nth(1))
        .map(|t| t.split('<').next().unwrap_or_default().trim())
        .collect();
    for count in ["1", "2", "4", "8", "16", "32", "64", "128"] {
        assert!(
            texts.contains(&count),
            "no label {count} on the chart: {texts:?}"
        );
    }
    for axis in [
        "clients at once (log scale",
        "requests per second (log scale",
    ] {
        assert!(
            texts.iter().any(|t| t.starts_with(axis)),
            "expected an axis named {axis:?}..., got {texts:?}"
        );
    }
    // echo-server2: circles; the threaded server: triangles (polygons).
    assert_eq!(svg.matches("<circle ").count(), 9, "echo-server2's circles");
    assert_eq!(
        svg.matches("<polygon ").count(),
        9,
        "the threaded server's triangles"
    );
}
