//! Black-box tests of the chat room server: its binary, on port 0, with raw TCP
//! clients that send and read lines exactly as `nc` does.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

use lab_test::{Program, connect};

const PATH: &str = env!("CARGO_BIN_EXE_chat-room-server");

// The rubric `lab-grade chat-room-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "chat-room-server",
    env!("CARGO_BIN_EXE_chat-room-server"),
    [listens, broadcasts_each_line, announces_joins_and_leaves,] + hostile + server_basics
);

/// A member of the room, as `nc` would be: lines in, lines out.
struct Member {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Member {
    /// Connects, reads the greeting, sends `name`, and reads the welcome line.
    fn join(addr: SocketAddr, name: &str) -> (Member, String) {
        Member::join_on(connect(addr), name)
    }

    /// [`Member::join`] with a 16 KiB receive buffer, as a busy machine's member
    /// may have, instead of one the system grows to megabytes on loopback.
    fn join_small(addr: SocketAddr, name: &str) -> (Member, String) {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None).unwrap();
        socket.set_recv_buffer_size(16 * 1024).unwrap();
        socket.connect(&addr.into()).unwrap();
        let stream: TcpStream = socket.into();
        stream.set_read_timeout(Some(lab_test::TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(lab_test::TIMEOUT)).unwrap();
        Member::join_on(stream, name)
    }

    fn join_on(stream: TcpStream, name: &str) -> (Member, String) {
        let mut member = Member {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        };
        assert_eq!(
            member.line(),
            "Welcome to the chat room! What is your name?"
        );
        member.say(name);
        let welcome = member.line();
        (member, welcome)
    }

    fn say(&mut self, line: &str) {
        self.writer
            .write_all(format!("{line}\n").as_bytes())
            .unwrap();
    }

    /// The next line from the room (without its newline).
    fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).unwrap();
        assert!(n > 0, "the room closed the connection");
        line.trim_end_matches('\n').to_string()
    }
}

#[test]
fn each_line_goes_to_every_other_member_with_the_name() {
    let mut server = Program::server(PATH, &[]);
    let (mut ann, welcome) = Member::join(server.addr(), "ann");
    assert_eq!(welcome, "Welcome, ann! Nobody else is here yet.");
    let (mut bob, welcome) = Member::join(server.addr(), "bob");
    assert_eq!(welcome, "Welcome, bob! Also here: ann.");
    assert_eq!(ann.line(), "* bob joined the room");
    // nc sends \r\n on some systems: the \r is not part of the name or the line.
    let (mut cat, welcome) = Member::join(server.addr(), "cat\r");
    assert_eq!(welcome, "Welcome, cat! Also here: ann, bob.");
    assert_eq!(ann.line(), "* cat joined the room");
    assert_eq!(bob.line(), "* cat joined the room");

    ann.say("hello room");
    assert_eq!(bob.line(), "ann: hello room");
    assert_eq!(cat.line(), "ann: hello room");
    server.expect_line("ann: hello room");

    // ann does not get her own line back: her next line is bob's.
    bob.say("hi ann");
    assert_eq!(ann.line(), "bob: hi ann");
    assert_eq!(cat.line(), "bob: hi ann");

    drop(cat);
    assert_eq!(ann.line(), "* cat left the room");
    assert_eq!(bob.line(), "* cat left the room");
    server.expect_line("cat left");
}

#[test]
fn control_characters_reach_nobody_as_they_are() {
    let server = Program::server(PATH, &[]);
    let (mut ann, _) = Member::join(server.addr(), "ann");
    let (mut bob, _) = Member::join(server.addr(), "bob");
    ann.line();
    bob.say("\x1b]0;pwned\x07 hi");
    assert_eq!(ann.line(), "bob: \\u{1b}]0;pwned\\u{7} hi");
}

#[test]
fn a_member_who_stops_reading_is_dropped_and_the_room_goes_on() {
    let mut server = Program::server(PATH, &[]);
    let addr = server.addr();
    // sleepy joins and then never reads again.
    let (sleepy, _) = Member::join(addr, "sleepy");
    let (mut listener, _) = Member::join(addr, "listener");
    let (mut talker, _) = Member::join(addr, "talker");
    let _ = listener.line(); // * talker joined the room

    // talker talks, long lines, one at a time: each is heard by listener before the
    // next is sent, so listener, who reads, keeps up, and only sleepy, who does not,
    // falls behind until the room drops it (bounded: at most 64,000 lines).
    let line = "x".repeat(1000);
    let mut dropped = false;
    for _ in 0..64_000 {
        talker.say(&line);
        loop {
            let heard = listener.line();
            if heard == "* sleepy was dropped: it stopped reading" {
                dropped = true;
            } else if heard == format!("talker: {line}") {
                break;
            }
        }
        if dropped {
            break;
        }
    }
    assert!(dropped, "sleepy was never dropped");
    server.expect_line_containing("Dropped sleepy (");

    // The room goes on for the others.
    talker.say("still here");
    while listener.line() != "talker: still here" {}

    // sleepy's connection is closed: after what was in flight, the end.
    let mut rest = Vec::new();
    let mut sleepy = sleepy.reader;
    let end = sleepy.read_to_end(&mut rest);
    assert!(
        end.is_ok() || matches!(&end, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
        "sleepy's connection should be closed: {end:?}"
    );
}

#[test]
fn a_full_room_turns_the_next_client_away() {
    let server = Program::server(PATH, &["--max-clients", "1"]);
    let (_ann, _) = Member::join(server.addr(), "ann");
    let mut late = connect(server.addr());
    let mut reply = String::new();
    late.read_to_string(&mut reply).unwrap();
    assert_eq!(reply, "The room is full: try again later\n");
}

/// Turned-away clients that stay connected do not hold the door: each polite close
/// lingers up to a second, and 30 of them one after the other would keep the next
/// newcomer waiting longer than a test's patience (20 s).
#[test]
fn turned_away_clients_who_stay_do_not_hold_up_the_next_newcomer() {
    let server = Program::server(PATH, &["--max-clients", "1"]);
    let (_ann, _) = Member::join(server.addr(), "ann");
    let staying: Vec<TcpStream> = (0..30).map(|_| connect(server.addr())).collect();
    let mut late = connect(server.addr());
    let mut reply = String::new();
    BufReader::new(&mut late).read_line(&mut reply).unwrap();
    assert_eq!(reply, "The room is full: try again later\n");
    drop(staying);
}

/// One long line is cut into 1,024 lines at once: a member who reads gets each of
/// them, instead of being dropped because they came faster than it read.
#[test]
fn a_huge_line_reaches_every_member_who_reads() {
    // The server's console, read line by line (lab-grade's runner), to see how far it got.
    let mut command = std::process::Command::new(PATH);
    command.args(["--port", "0"]);
    let mut server = lab_grade::Program::spawn(command).unwrap();
    let addr = server.wait_ready(None, false, lab_test::TIMEOUT).unwrap();
    let (mut ann, _) = Member::join_small(addr, "ann");
    let (bob, _) = Member::join(addr, "bob");
    assert_eq!(ann.line(), "* bob joined the room");
    let mut writer = bob.writer.try_clone().unwrap();
    let flood = std::thread::spawn(move || {
        let mut huge = vec![b'x'; 1 << 20];
        huge.push(b'\n');
        writer.write_all(&huge).unwrap();
        writer
    });
    // ann reads, but a little late: once the room has passed on 600 of bob's lines,
    // or half a second went by without that (the room waits for ann to catch up).
    let said = std::cell::Cell::new(0);
    let _ = server.wait_for(
        |line| {
            said.set(said.get() + usize::from(line.starts_with("bob: ")));
            said.get() >= 600
        },
        std::time::Duration::from_millis(500),
    );
    let piece = format!("bob: {}", "x".repeat(1024));
    for n in 0..1024 {
        let line = ann.line();
        assert!(
            line == piece,
            "line {n} of 1024: expected bob's 1024 x, got {line:.60?}; the server's last lines: {:?}",
            server
                .seen()
                .iter()
                .rev()
                .take(3)
                .map(|l| l.chars().take(60).collect::<String>())
                .collect::<Vec<_>>()
        );
    }
    let _writer = flood.join().unwrap();
    drop(bob);
}

#[test]
fn a_member_who_resets_leaves_and_the_room_goes_on() {
    let server = Program::server(PATH, &[]);
    let (mut ann, _) = Member::join(server.addr(), "ann");
    let (bob, _) = Member::join(server.addr(), "bob");
    assert_eq!(ann.line(), "* bob joined the room");
    lab_test::reset(bob.writer);
    drop(bob.reader);
    assert_eq!(ann.line(), "* bob left the room");
    let (_cat, welcome) = Member::join(server.addr(), "cat");
    assert_eq!(welcome, "Welcome, cat! Also here: ann.");
}

#[test]
fn names_are_unique_and_never_empty() {
    let server = Program::server(PATH, &[]);
    let (_ann, _) = Member::join(server.addr(), "ann");
    let (_ann2, welcome) = Member::join(server.addr(), "ann");
    assert!(welcome.starts_with("Welcome, ann-"), "{welcome}");
    let (_nobody, welcome) = Member::join(server.addr(), "   ");
    assert!(welcome.starts_with("Welcome, guest"), "{welcome}");
}

/// The issue's sequence: a guest, then someone who picks the name the room would make
/// up for the next `zed`, then two `zed`s: the second `zed` must not get a taken name.
#[test]
fn a_made_up_name_is_never_one_a_member_chose() {
    let server = Program::server(PATH, &[]);
    let (_guest, welcome) = Member::join(server.addr(), "");
    let k: u64 = welcome
        .strip_prefix("Welcome, guest")
        .and_then(|rest| rest.split('!').next())
        .and_then(|k| k.parse().ok())
        .unwrap_or_else(|| panic!("expected a guest's welcome, got {welcome:?}"));
    let chosen = format!("zed-{}", k + 3);
    let (_early, welcome) = Member::join(server.addr(), &chosen);
    assert!(
        welcome.starts_with(&format!("Welcome, {chosen}!")),
        "{welcome}"
    );
    let (_zed, _) = Member::join(server.addr(), "zed");
    let (_zed2, welcome) = Member::join(server.addr(), "zed");
    let name = welcome
        .strip_prefix("Welcome, ")
        .and_then(|rest| rest.split('!').next())
        .unwrap_or_default();
    assert!(
        name.starts_with("zed-") && name != chosen,
        "expected a new name for the second zed, not {chosen:?}; got {welcome:?}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_says_goodbye_to_every_member_and_stops() {
    let mut server = Program::server(PATH, &[]);
    let (mut ann, _) = Member::join(server.addr(), "ann");
    let (mut bob, _) = Member::join(server.addr(), "bob");
    assert_eq!(ann.line(), "* bob joined the room");
    server.interrupt();
    for member in [&mut ann, &mut bob] {
        assert_eq!(member.line(), "* The server is stopping: goodbye");
    }
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}

#[test]
fn long_lines_are_cut_and_invalid_utf8_is_replaced() {
    let server = Program::server(PATH, &[]);
    let (mut ann, _) = Member::join(server.addr(), "ann");
    let (mut bob, _) = Member::join(server.addr(), "bob");
    ann.line();
    bob.writer.write_all(&[b'x'; 3000]).unwrap();
    bob.writer.write_all(b"\nbad \xFF\xFE bytes\n").unwrap();
    let expected_parts = [1024, 1024, 952];
    for len in expected_parts {
        assert_eq!(ann.line(), format!("bob: {}", "x".repeat(len)));
    }
    assert_eq!(ann.line(), "bob: bad \u{FFFD}\u{FFFD} bytes");
}

#[test]
fn a_client_that_leaves_before_giving_a_name_changes_nothing() {
    let server = Program::server(PATH, &[]);
    let mut early = connect(server.addr());
    early.shutdown(std::net::Shutdown::Write).unwrap();
    let mut greeting = String::new();
    early.read_to_string(&mut greeting).unwrap();
    assert_eq!(greeting, "Welcome to the chat room! What is your name?\n");
    let (_ann, welcome) = Member::join(server.addr(), "ann");
    assert_eq!(welcome, "Welcome, ann! Nobody else is here yet.");
}
