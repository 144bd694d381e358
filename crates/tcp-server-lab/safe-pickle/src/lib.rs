//! Python pickles over a socket, safely: the TCP server lab's `pickle.loads` and
//! `pickle.dumps`, for bytes that come from anyone.
//!
//! The lab sends Python values across the network with `pickle`. Our programs
//! read and write the same bytes with serde-pickle, in four steps, one module each:
//!
//! - [`framing`]: read one whole pickle from the stream (a pickle ends with its
//!   STOP opcode; TCP may deliver it in pieces), at most [`MAX_ALLOC_MEM`] bytes;
//! - [`guard`]: check what the pickle would do before decoding it, and refuse the
//!   ones that import or call anything, nest too deep or unfold too far (read the
//!   module's page: it says why Python's own `pickle.loads` must never see bytes
//!   from the network);
//! - [`loads`]: the guard, then serde-pickle's decoding, into a [`Value`];
//! - [`repr`](mod@repr): the value as Python's `repr()` shows it.
//!
//! [`opcodes`] is the table of the pickle machine's instructions that the first
//! two share.
//!
//! ```
//! use safe_pickle::{dict, dumps, loads, repr::repr};
//! use serde_pickle::Value;
//!
//! let reply = dict([("clientid", Value::I64(5000))]);
//! let bytes = dumps(&reply).unwrap();
//! assert_eq!(repr(&loads(&bytes).unwrap()), "{'clientid': 5000}");
//! assert!(loads(b"cos\nsystem\n(S'rm -rf ~'\ntR.").is_err());
//! ```

pub mod framing;
pub mod guard;
pub mod opcodes;
pub mod repr;

use std::collections::BTreeMap;

pub use serde_pickle::{HashableValue, Value};

/// The most bytes a pickle may have: the lab's `MAX_ALLOC_MEM`, the size of its
/// `recv()`.
pub const MAX_ALLOC_MEM: usize = 4096;

/// The most bytes an acknowledgement may have: a server acknowledges every value
/// it accepted, and `{'clientid': ..., 'received': <value>}` is longer than the
/// value's own pickle (up to 4096 bytes), more so when the value came in a compact
/// protocol and holds many small parts; the [`guard`] bounds a value to 65,536
/// parts and bytes, which no pickle of theirs takes 1 MiB to write.
pub const MAX_REPLY: usize = 1 << 20;

/// Python's `pickle.loads`, for bytes from anyone: the value the pickle holds, or
/// one line that says what is wrong with it.
///
/// The [`guard`] checks the pickle first, so that nothing it holds can make the
/// program run out of stack or memory; serde-pickle then decodes it, and never
/// imports or calls anything.
pub fn loads(pickle: &[u8]) -> Result<Value, String> {
    loads_up_to(pickle, MAX_ALLOC_MEM)
}

/// [`loads`], for a pickle of up to `limit` bytes ([`MAX_REPLY`] for a server's
/// acknowledgement).
pub fn loads_up_to(pickle: &[u8], limit: usize) -> Result<Value, String> {
    let loaded = load(pickle, limit);
    if lab_common::trace::enabled() {
        let gave = match &loaded {
            Ok(value) => format!("-> {}", lab_common::trace::escaped(&repr::repr(value))),
            Err(why) => format!("-> refused: {}", lab_common::trace::text(why)),
        };
        let call = format!("pickle.loads({})", lab_common::trace::bytes(pickle));
        lab_common::trace::line(None, &call, &gave);
    }
    loaded
}

/// [`loads_up_to`], without the trace.
fn load(pickle: &[u8], limit: usize) -> Result<Value, String> {
    if pickle.len() > limit {
        return Err(format!(
            "longer than {limit} bytes ({} bytes)",
            pickle.len()
        ));
    }
    guard::check(pickle).map_err(shorten)?;
    serde_pickle::value_from_slice(pickle, serde_pickle::DeOptions::new())
        .map_err(|e| shorten(format!("not a valid pickle: {e}")))
}

/// Python's `pickle.dumps`: the pickle of `value` (protocol 3, which Python 3
/// reads), if it has at most [`MAX_ALLOC_MEM`] bytes, the most the other side's
/// `recv(4096)` reads.
pub fn dumps(value: &Value) -> Result<Vec<u8>, String> {
    dumps_up_to(value, MAX_ALLOC_MEM)
}

/// [`dumps`], if the pickle has at most `limit` bytes ([`MAX_REPLY`] for an
/// acknowledgement).
pub fn dumps_up_to(value: &Value, limit: usize) -> Result<Vec<u8>, String> {
    let pickle = serde_pickle::value_to_vec(value, serde_pickle::SerOptions::new())
        .map_err(|e| format!("cannot pickle the value: {e}"))?;
    lab_common::trace!("pickle.dumps({})", lab_common::trace::escaped(&repr::repr(value))
        => "-> {}", lab_common::trace::bytes(&pickle));
    if pickle.len() > limit {
        return Err(format!(
            "the pickle would have {} bytes, more than the {limit} the other side reads",
            pickle.len()
        ));
    }
    Ok(pickle)
}

/// The most characters an error says: it goes back to the client, pickled, and
/// may quote what the client sent.
const MAX_ERROR: usize = 200;

/// `why`, cut to [`MAX_ERROR`] characters.
pub(crate) fn shorten(mut why: String) -> String {
    if let Some((cut, _)) = why.char_indices().nth(MAX_ERROR) {
        why.truncate(cut);
        why.push_str("...");
    }
    why
}

/// A Python dict with string keys, such as `{'clientid': 5000}`.
pub fn dict<const N: usize>(items: [(&str, Value); N]) -> Value {
    Value::Dict(BTreeMap::from(
        items.map(|(key, value)| (HashableValue::String(key.into()), value)),
    ))
}

#[cfg(test)]
// Tests report failures by panicking.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn loads_refuses_what_is_longer_than_the_lab_reads() {
        let mut long = vec![b'('];
        long.extend(vec![b'N'; 5000]);
        long.extend(b"l.");
        assert_eq!(
            loads(&long),
            Err("longer than 4096 bytes (5003 bytes)".into())
        );
    }

    #[test]
    fn loads_reports_what_serde_pickle_finds_wrong() {
        // SHORT_BINUNICODE of bytes that are not UTF-8.
        let error = loads(b"\x80\x03\x8c\x01\xff.").unwrap_err();
        assert!(error.starts_with("not a valid pickle: "), "{error}");
    }

    #[test]
    fn errors_are_kept_short() {
        // INT, with 3000 letters for a number: serde-pickle quotes them.
        let long_literal = format!("I{}\n.", "x".repeat(3000));
        let error = loads(long_literal.as_bytes()).unwrap_err();
        assert!(
            error.len() <= MAX_ERROR + 3,
            "{} bytes: {error}",
            error.len()
        );
        assert!(error.ends_with("..."), "{error}");
        assert_eq!(shorten("caf\u{e9}".into()), "caf\u{e9}");
    }

    #[test]
    fn dumps_refuses_what_the_other_side_could_not_read_in_one_piece() {
        let big = Value::String("x".repeat(5000));
        let error = dumps(&big).unwrap_err();
        assert!(error.starts_with("the pickle would have 5"), "{error}");
    }

    #[test]
    fn dumps_and_loads_give_back_the_value() {
        let value = Value::List(vec![Value::I64(-1), Value::String("x".repeat(300))]);
        assert_eq!(loads(&dumps(&value).unwrap()), Ok(value));
    }
}
