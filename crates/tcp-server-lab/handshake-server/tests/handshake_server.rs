//! Black-box tests of the handshake server: its binary, on port 0, over real TCP,
//! with pickles as Python writes them, and hostile ones.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::thread;

use lab_test::{Program, connect, random_bytes, read_to_end};
use safe_pickle::framing::{PickleReader, Received};
use safe_pickle::{Value, dict, dumps, loads, repr::repr};

const PATH: &str = env!("CARGO_BIN_EXE_handshake-server");

// The rubric `lab-grade handshake-server` grades with: one test per stage.
lab_grade::rubric_tests!(
    "handshake-server",
    env!("CARGO_BIN_EXE_handshake-server"),
    [
        listens,
        sends_the_client_id_first,
        acknowledges_each_value,
        prints_each_value,
        answers_bad_bytes_with_an_error,
    ] + hostile
        + server_basics
);

/// A client of the server, as the lab's: it has read its handshake.
struct Client {
    reader: PickleReader<TcpStream>,
    id: u16,
}

impl Client {
    /// Connects and checks the handshake: `{'clientid': <our port>}`, first.
    fn connect(server: &mut Program) -> Client {
        let stream = connect(server.addr());
        let id = stream.local_addr().unwrap().port();
        let mut client = Client {
            reader: PickleReader::new(stream),
            id,
        };
        let handshake = client.reply();
        assert_eq!(repr(&handshake), format!("{{'clientid': {id}}}"));
        server.expect_line(&format!("Client {id} connected from 127.0.0.1"));
        client
    }

    fn send(&mut self, bytes: &[u8]) {
        self.reader.get_mut().write_all(bytes).unwrap();
    }

    /// The server's next pickle, decoded.
    fn reply(&mut self) -> Value {
        match self.reader.next_pickle() {
            Received::Pickle(pickle) => loads(&pickle).unwrap(),
            other => panic!("expected a pickle from the server, got {other:?}"),
        }
    }

    /// Sends `bytes` and returns the reply.
    fn ask(&mut self, bytes: &[u8]) -> Value {
        self.send(bytes);
        self.reply()
    }

    /// The reply that acknowledges `value`.
    fn received(&self, value: Value) -> Value {
        dict([
            ("clientid", Value::I64(self.id.into())),
            ("received", value),
        ])
    }

    /// Sends `bytes`, which must get an error reply; returns what it says.
    fn refused(&mut self, bytes: &[u8]) -> String {
        let reply = self.ask(bytes);
        self.error_in(reply)
    }

    /// What the error reply `reply` says, after checking its id.
    fn error_in(&self, reply: Value) -> String {
        let shown = repr(&reply);
        let prefix = format!("{{'clientid': {}, 'error': ", self.id);
        assert!(shown.starts_with(&prefix), "not an error reply: {shown}");
        match reply {
            Value::Dict(mut d) => {
                match d.remove(&safe_pickle::HashableValue::String("error".into())) {
                    Some(Value::String(why)) => why,
                    other => panic!("{other:?}"),
                }
            }
            other => panic!("{other:?}"),
        }
    }

    /// A value sent and acknowledged: the connection still works.
    fn still_works(&mut self) {
        let value = Value::String("still here".into());
        assert_eq!(self.ask(&dumps(&value).unwrap()), self.received(value));
    }
}

fn text(s: &str) -> Value {
    Value::String(s.into())
}

#[test]
fn acknowledges_each_value_with_the_clients_id_and_prints_its_repr() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    let scores = Value::List(vec![Value::I64(90), Value::I64(85)]);
    for (value, shown) in [
        (text("text"), "'text'"),
        (Value::I64(-42), "-42"),
        (Value::F64(2.5), "2.5"),
        (Value::None, "None"),
        (Value::Bool(true), "True"),
        (Value::Tuple(vec![Value::I64(1), Value::I64(2)]), "(1, 2)"),
        (
            dict([("name", text("Ada")), ("scores", scores)]),
            "{'name': 'Ada', 'scores': [90, 85]}",
        ),
        (
            text(&"long ".repeat(600)),
            &format!("'{}'", "long ".repeat(600)),
        ),
    ] {
        let reply = client.ask(&dumps(&value).unwrap());
        assert_eq!(reply, client.received(value));
        server.expect_line(&format!("Client {} sent: {shown}", client.id));
    }
}

#[test]
fn reads_pickles_of_python_protocols_0_to_5() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    // pickle.dumps({'name': 'Ada', 'scores': [90, 85]}, protocol=p), p = 0, 1, 2, 5
    for pickle in [
        &b"(dp0\nVname\np1\nVAda\np2\nsVscores\np3\n(lp4\nI90\naI85\nas."[..],
        b"}q\x00(X\x04\x00\x00\x00nameq\x01X\x03\x00\x00\x00Adaq\x02X\x06\x00\x00\x00scoresq\x03]q\x04(KZKUeu.",
        b"\x80\x02}q\x00(X\x04\x00\x00\x00nameq\x01X\x03\x00\x00\x00Adaq\x02X\x06\x00\x00\x00scoresq\x03]q\x04(KZKUeu.",
        b"\x80\x05\x95#\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04name\x94\x8c\x03Ada\x94\x8c\x06scores\x94]\x94(KZKUeu.",
    ] {
        let reply = client.ask(pickle);
        assert_eq!(repr(&reply), format!("{{'clientid': {}, 'received': {{'name': 'Ada', 'scores': [90, 85]}}}}", client.id));
    }
    // {1, 2} in protocol 2 is builtins.set called on a list: allowed, and shown as a set.
    let set = client.ask(b"\x80\x02c__builtin__\nset\nq\x00]q\x01(K\x01K\x02e\x85q\x02Rq\x03.");
    assert_eq!(
        repr(&set),
        format!("{{'clientid': {}, 'received': {{1, 2}}}}", client.id)
    );
}

#[test]
fn reads_a_pickle_that_comes_in_pieces_whole() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    client.reader.get_mut().set_nodelay(true).unwrap();
    let value = dict([("piece", text("by piece"))]);
    for byte in dumps(&value).unwrap() {
        client.send(&[byte]);
    }
    assert_eq!(client.reply(), client.received(value));
}

#[test]
fn answers_two_pickles_that_come_in_one_piece() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    let mut both = dumps(&Value::I64(1)).unwrap();
    both.extend(dumps(&Value::I64(2)).unwrap());
    client.send(&both);
    assert_eq!(client.reply(), client.received(Value::I64(1)));
    assert_eq!(client.reply(), client.received(Value::I64(2)));
}

/// The hostile pickles of the lesson: each gets an error reply that says what was
/// wrong, a console line, and the connection goes on.
#[test]
fn refuses_hostile_pickles_and_the_connection_goes_on() {
    let mut nested = b"\x80\x02N".to_vec();
    nested.extend(vec![0x85; 4000]); // TUPLE1, 4000 times: 4000 levels deep
    nested.push(b'.');
    let mut dup_bomb = b"\x80\x02N".to_vec();
    dup_bomb.extend(b"2\x86".repeat(40)); // 2^40 values
    dup_bomb.push(b'.');
    let mut memo_bomb = b"\x80\x02Nq\x00".to_vec();
    for i in 0..40u8 {
        memo_bomb.extend([b'h', i, b'h', i, 0x86, b'q', i + 1]);
    }
    memo_bomb.push(b'.');
    let cases: [(&str, &[u8], &str); 9] = [
        (
            "nested 4000 levels",
            &nested,
            "nests deeper than 100 levels",
        ),
        (
            "a 4 GiB string",
            b"\x80\x03X\xff\xff\xff\xff",
            "BINUNICODE claims 4294967295 bytes",
        ),
        (
            "a 2^64 bytes object",
            b"\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\xff",
            "BINBYTES8 claims",
        ),
        (
            "os.system",
            b"cos\nsystem\n(S'echo pwned'\ntR.",
            "the global os.system",
        ),
        (
            "posix.system",
            b"\x80\x04\x8c\x05posix\x8c\x06system\x93\x8c\x02id\x85R.",
            "the global posix.system",
        ),
        (
            "an object",
            b"\x80\x02}}b.",
            "to build an object of a class (BUILD",
        ),
        ("DUP doubling", &dup_bomb, "DUP"),
        ("memo doubling", &memo_bomb, "unfolds to more than 65536"),
        ("a list in itself", b"\x80\x02]q\x00h\x00a.", "recursive"),
    ];
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    for (name, pickle, wanted) in cases {
        let why = client.refused(pickle);
        assert!(why.contains(wanted), "{name}: {why}");
        server.expect_line_containing(&format!("Client {} sent a bad pickle: ", client.id));
        client.still_works();
    }
}

#[test]
fn random_bytes_and_invalid_utf8_get_an_error_reply() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    let why = client.refused(b"\xff\xfe invalid UTF-8 \xc3\x28");
    assert_eq!(
        why,
        "not a pickle: byte 0xff at offset 0 is no pickle opcode"
    );
    // A string whose bytes are not UTF-8 (SHORT_BINUNICODE).
    let why = client.refused(b"\x80\x03\x8c\x02\xc3\x28.");
    assert!(why.contains("not UTF-8"), "{why}");
    // Random bytes, small enough to come in one read.
    let mut random = random_bytes(200);
    random[0] = 0xff; // not a pickle from its first byte, whatever the rest
    let why = client.refused(&random);
    assert!(why.starts_with("not a pickle"), "{why}");
    client.still_works();
}

#[test]
fn a_pickle_longer_than_4096_bytes_is_refused_and_the_connection_goes_on() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    let mut long = vec![b'('];
    long.extend(vec![b'N'; 5000]);
    long.extend(b"l.");
    let why = client.refused(&long);
    assert_eq!(
        why,
        "longer than 4096 bytes: no STOP opcode in the first 4096 bytes"
    );
    // The rest of it is read as the next pickle, which makes no sense either.
    let why = client.refused(b"");
    // 5000 - 4095 None, then LIST.
    assert_eq!(why, "LIST at offset 905 without a MARK");
    client.still_works();
}

#[test]
fn a_pickle_cut_short_by_the_end_of_the_connection_gets_an_error_reply() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    let pickle = dumps(&text("cut")).unwrap();
    client.send(&pickle[..pickle.len() - 2]);
    client.reader.get_mut().shutdown(Shutdown::Write).unwrap();
    let reply = client.reply();
    let why = client.error_in(reply);
    let cut = pickle.len() - 2;
    assert_eq!(
        why,
        format!("the pickle is cut short: the connection ended after {cut} bytes, before its STOP")
    );
    server.expect_line(&format!("Client {} disconnected", client.id));
    Client::connect(&mut server).still_works();
}

#[test]
fn a_pickle_cut_short_by_a_silence_gets_an_error_reply_after_the_timeout() {
    let mut server = Program::server(PATH, &["--timeout", "1"]);
    let mut client = Client::connect(&mut server);
    client.send(b"\x80\x03X\x05\x00\x00\x00abc");
    let reply = client.reply();
    let why = client.error_in(reply);
    assert!(
        why.contains("cut short: nothing more came in time after 10 bytes"),
        "{why}"
    );
    server.expect_line(&format!(
        "Client {} sent nothing in time: giving up on it",
        client.id
    ));
    assert!(matches!(client.reader.next_pickle(), Received::Closed));
}

#[test]
fn an_empty_connection_is_a_client_that_disconnected() {
    let mut server = Program::server(PATH, &[]);
    let mut empty = connect(server.addr());
    let port = empty.local_addr().unwrap().port();
    empty.shutdown(Shutdown::Write).unwrap();
    // The handshake, and nothing else.
    let got = read_to_end(&mut empty);
    assert_eq!(
        loads(&got).map(|v| repr(&v)),
        Ok(format!("{{'clientid': {port}}}"))
    );
    server.expect_line(&format!("Client {port} disconnected"));
    Client::connect(&mut server).still_works();
}

#[test]
fn survives_a_huge_message() {
    let mut server = Program::server(PATH, &[]);
    let client = Client::connect(&mut server);
    let id = client.id;
    let mut stream = client.reader.into_inner();
    let mut sender = stream.try_clone().unwrap();
    // 1 MiB of 'x', which is no opcode: each read of it gets an error reply. Read
    // them while sending, or both sides' buffers fill up.
    let sending = thread::spawn(move || {
        sender.write_all(&vec![b'x'; 1 << 20]).unwrap();
        sender.shutdown(Shutdown::Write).unwrap();
    });
    let replies = read_to_end(&mut stream);
    sending.join().unwrap();
    let mut reader = PickleReader::new(&replies[..]);
    let mut errors = 0;
    while let Received::Pickle(pickle) = reader.next_pickle() {
        let reply = repr(&loads(&pickle).unwrap());
        assert_eq!(
            reply,
            format!(
                "{{'clientid': {id}, 'error': 'not a pickle: byte 0x78 at offset 0 is no pickle opcode'}}"
            )
        );
        errors += 1;
    }
    // At least one error for every 4096 bytes; the reads may be smaller.
    assert!(errors >= 256, "{errors} error replies");
    server.expect_line(&format!("Client {id} disconnected"));
    Client::connect(&mut server).still_works();
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_serving_answers_the_value_then_stops() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    server.interrupt();
    // It says what it will do: answer this client's next value, then stop.
    server.expect_line(
        "Ctrl-C: the server will stop once this client has sent its next value (answered) \
         or left (press Ctrl-C again to stop it now)",
    );
    // The server sees Ctrl-C once its handler has run: from then on, the next value
    // it answers is the last, and the connection closes after the answer.
    let value = dumps(&Value::I64(7)).unwrap();
    for _ in 0..10_000 {
        client.send(&value);
        match client.reader.next_pickle() {
            Received::Pickle(pickle) => {
                assert_eq!(loads(&pickle), Ok(client.received(Value::I64(7))));
            }
            Received::Closed => break,
            other => panic!("{other:?}"),
        }
    }
    server.expect_line("Server stopped by the user");
    assert!(server.wait_exit().success());
}

/// A few hundred hostile, random and mutated pickles at the real server, one
/// connection each: every one gets well-formed replies with its id, and the server
/// serves a normal client at the end. Deterministic: the same inputs every run.
#[test]
fn fuzz_a_few_hundred_bad_pickles_and_the_server_survives() {
    let seeds: Vec<Vec<u8>> = vec![
        dumps(&dict([
            ("name", text("Ada")),
            ("scores", Value::List(vec![Value::I64(90)])),
        ]))
        .unwrap(),
        b"(dp0\nVname\np1\nVAda\np2\nsVscores\np3\n(lp4\nI90\naI85\nas.".to_vec(),
        b"\x80\x02c__builtin__\nset\nq\x00]q\x01(K\x01K\x02e\x85q\x02Rq\x03.".to_vec(),
        b"cos\nsystem\n(S'echo pwned'\ntR.".to_vec(),
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut random = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    let mut server = Program::server(PATH, &[]);
    for case in 0..300 {
        let mut bytes = seeds[random(seeds.len())].clone();
        match case % 4 {
            0 => bytes = (0..random(600)).map(|_| random(256) as u8).collect(),
            1 => bytes.truncate(random(bytes.len() + 1)),
            2 => {
                for _ in 0..=random(4) {
                    let at = random(bytes.len());
                    bytes[at] = random(256) as u8;
                }
            }
            _ => {
                let at = random(bytes.len());
                let piece = bytes[at..(at + 2).min(bytes.len())].to_vec();
                for _ in 0..random(2000) {
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
        }
        let mut stream = connect(server.addr());
        let id = stream.local_addr().unwrap().port();
        // The server may stop reading (a pickle too long): what it did not read is lost.
        let _ = stream.write_all(&bytes);
        let _ = stream.shutdown(Shutdown::Write);
        let replies = read_to_end(&mut stream);
        let mut reader = PickleReader::new(&replies[..]);
        let mut count = 0;
        while let Received::Pickle(pickle) = reader.next_pickle() {
            let reply = repr(&loads(&pickle).unwrap());
            let expected = format!("{{'clientid': {id}");
            assert!(
                reply.starts_with(&expected),
                "case {case}: {reply} for {bytes:?}"
            );
            count += 1;
        }
        let least = if bytes.is_empty() { 1 } else { 2 };
        assert!(count >= least, "case {case}: {count} replies to {bytes:?}");
    }
    Client::connect(&mut server).still_works();
}

/// A FRAME that claims 2^62 bytes can never be whole: the reply comes at once, not
/// after the server's 300 s (`--timeout`) of waiting for bytes that never come.
#[test]
fn a_frame_claiming_more_than_4096_bytes_gets_an_error_at_once() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    let mut claim = b"\x80\x04\x95".to_vec();
    claim.extend_from_slice(&(1u64 << 62).to_le_bytes());
    client.send(&claim);
    let reply = repr(&client.reply());
    assert!(
        reply.contains("'error': 'FRAME claims 4611686018427387904 bytes"),
        "expected an error about the FRAME's claim, got {reply}"
    );
    // The connection goes on.
    client.send(&dumps(&Value::I64(1)).unwrap());
    assert_eq!(
        repr(&client.reply()),
        format!("{{'clientid': {}, 'received': 1}}", client.id)
    );
}

/// A valid pickle of exactly 4096 bytes is accepted, so it is acknowledged, though
/// the acknowledgement is longer than 4096 bytes.
#[test]
fn a_value_of_4096_bytes_is_acknowledged() {
    let mut server = Program::server(PATH, &[]);
    let mut client = Client::connect(&mut server);
    // Protocol 3: \x80\x03, BINUNICODE with its 4-byte length, the text, STOP.
    let text = "a".repeat(4096 - 2 - 5 - 1);
    let pickle = dumps(&Value::String(text.clone())).unwrap();
    assert_eq!(pickle.len(), 4096, "the test's pickle");
    client.send(&pickle);
    let stream = client.reader.into_inner();
    let mut reader = PickleReader::with_limit(stream, safe_pickle::MAX_REPLY);
    let ack = match reader.next_pickle() {
        Received::Pickle(ack) => safe_pickle::loads_up_to(&ack, safe_pickle::MAX_REPLY).unwrap(),
        other => panic!("expected the acknowledgement, got {other:?}"),
    };
    assert_eq!(
        repr(&ack),
        format!("{{'clientid': {}, 'received': '{text}'}}", client.id)
    );
}
