//! Black-box tests of the load client: its binary, against small servers written
//! here (the real servers are in the scenarios, `tests/tests/many_clients.rs`).
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::thread;
use std::time::Instant;

use lab_test::Program;

const PATH: &str = env!("CARGO_BIN_EXE_load-client");

// The rubric `lab-grade load-client` grades with: one test per stage.
lab_grade::rubric_tests!(
    "load-client",
    env!("CARGO_BIN_EXE_load-client"),
    [counts_every_request, counts_wrong_replies_as_failed,] + client_basics
);

/// A one-shot server for `requests` requests: replies `reply(message)` and closes.
fn server(requests: usize, reply: fn(&str) -> String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut cs = stream.unwrap();
            let mut buffer = [0; 2048];
            let n = cs.read(&mut buffer).unwrap();
            let msg = String::from_utf8_lossy(&buffer[..n]).into_owned();
            cs.write_all(reply(&msg).as_bytes()).unwrap();
        }
    });
    addr
}

/// Runs the load client with `args` and returns its output (it must exit `code`).
fn run(args: &[&str], code: i32) -> String {
    let mut client = Program::start(PATH, args);
    let status = client.wait_exit();
    let output = client.seen().join("\n");
    assert_eq!(status.code(), Some(code), "{args:?}: {output}");
    output
}

/// The fields of a flat JSON object of numbers, in order.
fn json_fields(json: &str) -> Vec<(String, f64)> {
    let inner = json
        .trim()
        .strip_prefix('{')
        .unwrap()
        .strip_suffix('}')
        .unwrap();
    inner
        .split(',')
        .map(|field| {
            let (key, value) = field.split_once(':').unwrap();
            (key.trim_matches('"').to_string(), value.parse().unwrap())
        })
        .collect()
}

#[test]
fn json_gives_exactly_the_fields_and_counts_every_request() {
    let addr = server(40, |msg| format!("ECHO: {msg}\n"));
    let port = addr.port().to_string();
    let out = run(
        &[
            "--port",
            &port,
            "--clients",
            "4",
            "--requests",
            "40",
            "--json",
        ],
        0,
    );
    let fields = json_fields(&out);
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "requests_per_sec",
            "p50_ms",
            "p90_ms",
            "p99_ms",
            "max_ms",
            "ok",
            "failed"
        ],
        "{out}"
    );
    let value = |key: &str| fields.iter().find(|(k, _)| k == key).unwrap().1;
    assert_eq!((value("ok"), value("failed")), (40.0, 0.0), "{out}");
    assert!(value("requests_per_sec") > 0.0, "{out}");
    assert!(
        value("p50_ms") <= value("p90_ms") && value("p90_ms") <= value("p99_ms"),
        "{out}"
    );
    assert!(value("p99_ms") <= value("max_ms"), "{out}");
}

#[test]
fn wrong_replies_are_counted_as_such() {
    let addr = server(10, |_| "nope\n".to_string());
    let port = addr.port().to_string();
    let out = run(&["--port", &port, "--clients", "2", "--requests", "10"], 1);
    assert!(
        out.contains(
            "ok: 0, failed: 10 (refused 0, reset 0, timed out 0, wrong reply 10, other 0)"
        ),
        "{out}"
    );
    assert!(
        out.contains("first wrong reply: expected \"ECHO: Message"),
        "{out}"
    );
}

#[test]
fn any_reply_and_a_custom_message_are_accepted() {
    let addr = server(6, |msg| format!("you said {msg}"));
    let port = addr.port().to_string();
    let out = run(
        &[
            "--port",
            &port,
            "--clients",
            "3",
            "--requests",
            "6",
            "--message",
            "hi {n}",
            "--any-reply",
        ],
        0,
    );
    assert!(out.contains("ok: 6, failed: 0"), "{out}");
}

#[test]
fn refuses_an_address_that_is_not_this_machine_without_sending_anything() {
    // 192.0.2.1 and 2001:db8::1 are documentation addresses: nobody answers there.
    // A refusal comes at once; an attempt would wait the whole (long) timeout.
    for ip in ["192.0.2.1", "2001:db8::1", "example.com", "0.0.0.0"] {
        let started = Instant::now();
        let out = run(
            &[
                "--ip",
                ip,
                "--timeout",
                "60",
                "--clients",
                "1",
                "--requests",
                "1",
            ],
            1,
        );
        assert_eq!(out.lines().count(), 1, "one line: {out}");
        assert!(
            out.starts_with(&format!(
                "Error: refusing to load {ip}: load-client only targets this machine"
            )),
            "{out}"
        );
        assert!(out.contains("--allow-remote"), "{out}");
        assert!(
            started.elapsed() < lab_test::TIMEOUT,
            "the refusal took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn sweep_refuses_an_address_that_is_not_this_machine() {
    let dir = std::env::temp_dir().join(format!("load-client-refuse-{}", std::process::id()));
    let out_file = dir.join("never.svg");
    let out = run(
        &[
            "sweep",
            "--ip",
            "192.0.2.1",
            "--server",
            "far=8080",
            "--out",
            out_file.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        out.starts_with("Error: refusing to load 192.0.2.1:"),
        "{out}"
    );
    assert!(!out_file.exists(), "no chart for a refused sweep");
}

#[test]
fn bad_load_flags_exit_with_status_2() {
    for args in [
        &["--clients", "0"][..],
        &["--clients", "lots"],
        &["--duration", "forever"],
        &["--duration", "7200"],
        &["--requests", "0"],
        &["sweep"],
        &["sweep", "--server", "nameless"],
    ] {
        let out = run(args, 2);
        assert!(out.starts_with("error: "), "{args:?}: {out}");
    }
}

#[test]
fn help_shows_the_message_placeholder_as_written() {
    let help = run(&["--help"], 0);
    assert!(
        help.contains(
            "the request's number takes the place of the n in braces [default: \"Message {n}\"]"
        ),
        "expected --message's help to name {{n}}, got:\n{help}"
    );
}

/// A client's port is its server's: 0 is no server's port, and the words say so
/// (not a server's "0: any free port").
#[test]
fn a_port_of_0_or_out_of_range_is_refused_in_a_client_s_words() {
    for args in [
        &["--port", "0"][..],
        &["--port", "99999"],
        &["sweep", "--server", "echo=0"],
    ] {
        let out = run(args, 2);
        assert!(
            out.contains("1 to 65535") && !out.contains("any free port"),
            "{args:?}: expected a client's words about its server's port, got: {out}"
        );
    }
}

/// The progress bar (on a terminal only: `script` gives the run one) shows whole
/// requests per second, not indicatif's `17,328.0583/s`.
#[cfg(target_os = "linux")]
#[test]
fn the_progress_bar_shows_a_rate_a_person_reads() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        return eprintln!("skipped: no `script` (util-linux) to give the run a terminal");
    }
    let addr = server(2000, |msg| format!("ECHO: {msg}\n"));
    let command = format!("{PATH} --port {} --requests 2000 --clients 4", addr.port());
    let mut terminal = std::process::Command::new("script");
    terminal.args(["-qec", &command, "/dev/null"]);
    let mut run = Program::spawn(terminal);
    assert!(run.wait_exit().success(), "{:?}", run.seen());
    let screen = run.seen().join("\n");
    let rates: Vec<&str> = screen
        .split(|c: char| c.is_whitespace() || c == '\r')
        .filter(|word| word.ends_with("/s"))
        .collect();
    assert!(!rates.is_empty(), "no rate on the terminal: {screen:?}");
    for rate in rates {
        let number = rate.trim_end_matches("/s");
        assert!(
            number.chars().all(|c| c.is_ascii_digit() || c == '.') && number.len() <= 8,
            "expected a rate such as 17328/s, got {rate:?}"
        );
    }
}

/// An echo server for as many connections as come, until the test ends.
fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut cs) = stream else { continue };
            thread::spawn(move || {
                let mut buffer = [0; 2048];
                if let Ok(n) = cs.read(&mut buffer) {
                    let msg = String::from_utf8_lossy(&buffer[..n]).into_owned();
                    let _ = cs.write_all(format!("ECHO: {msg}\n").as_bytes());
                }
            });
        }
    });
    addr
}

/// The value of the attribute `name` in the SVG element `element`.
fn attribute(element: &str, name: &str) -> Option<f64> {
    let element = format!(" {element}");
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    element[start..].split('"').next()?.parse().ok()
}

/// Every SVG element `<tag ...>` of `svg`.
fn elements<'a>(svg: &'a str, tag: &str) -> Vec<&'a str> {
    svg.split(&format!("<{tag} "))
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .collect()
}

/// The sweep's chart, read as its SVG: every client count measured is labelled,
/// both axes say they are logarithmic, each server has its own marker (a circle,
/// a triangle...) on every point, and every marker is inside the chart.
#[test]
fn the_sweep_chart_labels_each_count_and_marks_each_server_inside_the_chart() {
    let addr = echo_server();
    let dir = std::env::temp_dir().join(format!("load-client-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("sweep.svg");
    let port = addr.port();
    run(
        &[
            "sweep",
            "--server",
            &format!("first={port}"),
            "--server",
            &format!("second={port}"),
            "--clients",
            "1,2,4,8",
            "--requests",
            "16",
            "--out",
            out.to_str().unwrap(),
        ],
        0,
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    let texts: Vec<&str> = svg
        .split("<text ")
        .skip(1)
        .filter_map(|t| t.split('>').nth(1))
        .map(|t| t.split('<').next().unwrap_or_default().trim())
        .collect();
    for count in ["1", "2", "4", "8"] {
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

    // The first server's points are circles, the second's triangles (polygons): 4
    // points each, and one more of each in the legend.
    let width = attribute(&svg, "width").unwrap();
    let circles = elements(&svg, "circle");
    let triangles = elements(&svg, "polygon");
    assert_eq!(circles.len(), 5, "the first server's circles: {circles:#?}");
    assert_eq!(
        triangles.len(),
        5,
        "the second server's triangles: {triangles:#?}"
    );
    // Inside the chart: clear of the 20-pixel margin on the right.
    for circle in circles {
        let right = attribute(circle, "cx").unwrap() + attribute(circle, "r").unwrap();
        assert!(
            right < width - 20.0,
            "a circle past the chart's edge: {circle}"
        );
    }
    for triangle in triangles {
        let start = triangle.find("points=\"").unwrap() + 8;
        let corners = triangle[start..].split('"').next().unwrap();
        for corner in corners.split_whitespace() {
            let x: f64 = corner.split(',').next().unwrap().parse().unwrap();
            assert!(
                x < width - 20.0,
                "a triangle past the chart's edge: {triangle}"
            );
        }
    }
}
