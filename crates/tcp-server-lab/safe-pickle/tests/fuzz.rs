//! Fuzzing the decoding: random bytes, random instruction sequences and mutated
//! real pickles go through the framing, the guard and serde-pickle, and none may
//! crash, hang or grow without bound. Seeded, so every run tries the same inputs.
//!
//! A crash here would be an abort of the whole test binary (a stack overflow or
//! running out of memory cannot be caught), which cargo reports as a failure.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use safe_pickle::framing::{PickleReader, Received};
use safe_pickle::{MAX_ALLOC_MEM, Value, dumps, loads, repr::repr};

/// pickle.dumps('x' * 3000, protocol=3)
const LONG_STRING: [u8; 3010] = {
    let mut pickle = [b'x'; 3010];
    let (head, tail) = (b"\x80\x03X\xb8\x0b\x00\x00", b"q\x00.");
    let mut i = 0;
    while i < head.len() {
        pickle[i] = head[i];
        i += 1;
    }
    pickle[3007] = tail[0];
    pickle[3008] = tail[1];
    pickle[3009] = tail[2];
    pickle
};

/// Real pickles, as Python 3.11 writes them, to mutate: every protocol, every
/// common type (`pickle.dumps(v, protocol=p)`).
const CORPUS: &[&[u8]] = &[
    // {'name': 'Ada', 'scores': [90, 85]}, protocol 0
    b"(dp0\nVname\np1\nVAda\np2\nsVscores\np3\n(lp4\nI90\naI85\nas.",
    // the same, protocol 4
    b"\x80\x04\x95#\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04name\x94\x8c\x03Ada\x94\x8c\x06scores\x94]\x94(KZKUeu.",
    // (1, 'two', 3.0, None, True), protocol 2
    b"\x80\x02(K\x01X\x03\x00\x00\x00twoq\x00G@\x08\x00\x00\x00\x00\x00\x00N\x88tq\x01.",
    // {1, 2}, protocol 2: builtins.set called on a list
    b"\x80\x02c__builtin__\nset\nq\x00]q\x01(K\x01K\x02e\x85q\x02Rq\x03.",
    // b'by\x00tes', protocol 1: _codecs.encode
    b"c_codecs\nencode\nq\x00(X\x06\x00\x00\x00by\x00tesq\x01X\x06\x00\x00\x00latin1q\x02tq\x03Rq\x04.",
    // [10**30, -5, 2.5e-07], protocol 3
    b"\x80\x03]q\x00(\x8a\x0d\x00\x00\x00@\xea\xedtF\xd0\x9c,\x9f\x0cJ\xfb\xff\xff\xffG>\x90\xc6\xf7\xa0\xb5\xed\x8de.",
    // a = [1]; [[a, a], [a, a]], protocol 5: the memo, used again
    b"\x80\x05\x95\x18\x00\x00\x00\x00\x00\x00\x00]\x94(]\x94(]\x94K\x01ah\x02e]\x94(h\x02h\x02ee.",
    // frozenset({3}), protocol 4
    b"\x80\x04\x95\x06\x00\x00\x00\x00\x00\x00\x00(K\x03\x91\x94.",
    // 'x' * 3000, protocol 3: a long string
    &LONG_STRING,
];

/// What every input must give: an answer, never a crash; and a value that can be
/// shown, pickled again and read back as the same value.
fn survives(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(value) = loads(bytes) {
        let shown = repr(&value);
        let again = dumps(&value).map_err(TestCaseError::fail)?;
        if again.len() <= MAX_ALLOC_MEM && !shown.contains("nan") {
            prop_assert_eq!(loads(&again), Ok(value));
        }
    }
    // The framing hands out whole pickles of at most 4096 bytes, then the end.
    let mut reader = PickleReader::new(bytes);
    for _ in 0..=bytes.len() {
        match reader.next_pickle() {
            Received::Pickle(pickle) => {
                prop_assert!(pickle.len() <= MAX_ALLOC_MEM);
                let _ = loads(&pickle);
            }
            Received::Invalid(why) => prop_assert!(!why.is_empty()),
            Received::Closed => return Ok(()),
            other => prop_assert!(false, "a slice neither times out nor fails: {other:?}"),
        }
    }
    Err(TestCaseError::fail("the framing did not come to the end"))
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        rng_seed: RngSeed::Fixed(0x5ca1ab1e),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Any byte at all: mostly not even a pickle.
#[test]
fn random_bytes_never_crash_the_decoding() {
    runner(1000)
        .run(&vec(any::<u8>(), 0..600), |bytes| survives(&bytes))
        .unwrap();
}

/// Instructions that make sense one by one, with small arguments, in any order:
/// deep nesting, memo games, marks, globals, reductions.
#[test]
fn random_instruction_sequences_never_crash_the_decoding() {
    let instruction = prop_oneof![
        // Opcodes without an argument, and the most hostile ones more often.
        4 => prop::sample::select(b"(.012NQRabde}lo]st)u\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98".to_vec())
            .prop_map(|op| vec![op]),
        3 => prop::sample::select(vec![0x85u8, b'a', b'(', b'l', b't', b'e', b']', b'N'])
            .prop_flat_map(|op| (Just(op), 1..2000usize))
            .prop_map(|(op, n)| vec![op; n]),
        // Pieces that double the value each time they are repeated.
        1 => (prop::sample::select(vec![&b"2\x86"[..], b"q\x00h\x00h\x00\x86", b"\x94h\x00h\x00\x87"]), 1..64usize)
            .prop_map(|(piece, n)| piece.repeat(n)),
        // Memo and small fixed arguments.
        3 => (prop::sample::select(b"hqKUCJM\x80\x8a".to_vec()), 0..4u8).prop_map(|(op, n)| vec![op, n, 0, 0, 0]),
        // Strings and lines.
        2 => (prop::sample::select(b"\x8cXB".to_vec()), 0..8u8).prop_map(|(op, n)| {
            let mut i = vec![op, n, 0, 0, 0];
            i.truncate(if op == 0x8c { 2 } else { 5 });
            i.extend(std::iter::repeat_n(b'x', usize::from(n)));
            i
        }),
        1 => prop::sample::select(vec![
            b"cos\nsystem\n".to_vec(),
            b"c__builtin__\nset\n".to_vec(),
            b"c_codecs\nencode\n".to_vec(),
            b"I12\n".to_vec(),
            b"Fnan\n".to_vec(),
            b"L123456789012345678901234567890L\n".to_vec(),
            b"Vcaf\\u00e9\n".to_vec(),
            b"S'a\\x00'\n".to_vec(),
            b"p0\n".to_vec(),
            b"g0\n".to_vec(),
            b"\x95\x00\x00\x00\x00\x00\x00\x00\x00".to_vec(),
            b"\x8e\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
        ]),
    ];
    let program = vec(instruction, 0..24).prop_map(|ops| {
        let mut bytes: Vec<u8> = ops.concat();
        bytes.push(b'.');
        bytes
    });
    runner(1500)
        .run(&program, |bytes| survives(&bytes))
        .unwrap();
}

/// Real pickles, changed a little: a byte flipped, bytes cut, inserted, repeated.
#[test]
fn mutated_real_pickles_never_crash_the_decoding() {
    let mutation = (
        prop::sample::select(CORPUS.to_vec()),
        vec(
            (
                0..5u8,
                any::<prop::sample::Index>(),
                any::<u8>(),
                1..64usize,
            ),
            1..4,
        ),
    )
        .prop_map(|(pickle, changes)| {
            let mut bytes = pickle.to_vec();
            for (kind, at, byte, n) in changes {
                let i = at.index(bytes.len() + 1);
                match kind {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    2 => bytes.truncate(i),
                    3 => {
                        // Repeat a piece many times: nesting and memo games.
                        let piece = bytes[i..(i + 3).min(bytes.len())].to_vec();
                        for _ in 0..n {
                            bytes.splice(i..i, piece.iter().copied());
                        }
                    }
                    _ => {
                        let end = (i + n).min(bytes.len());
                        bytes.drain(i..end);
                    }
                }
            }
            bytes
        });
    runner(1500)
        .run(&mutation, |bytes| survives(&bytes))
        .unwrap();
}

#[test]
fn the_corpus_itself_decodes() {
    for pickle in CORPUS {
        let value = loads(pickle).unwrap_or_else(|e| panic!("{pickle:?}: {e}"));
        assert!(!matches!(value, Value::None), "{pickle:?}");
    }
}
