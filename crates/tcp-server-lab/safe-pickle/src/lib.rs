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

/// Python's `pickle.loads`, for bytes from anyone: the value the pickle holds, or
/// one line that says what is wrong with it.
///
/// The [`guard`] checks the pickle first, so that nothing it holds can make the
/// program run out of stack or memory; serde-pickle then decodes it, and never
/// imports or calls anything.
pub fn loads(pickle: &[u8]) -> Result<Value, String> {
    if pickle.len() > MAX_ALLOC_MEM {
        return Err(format!(
            "longer than {MAX_ALLOC_MEM} bytes ({} bytes)",
            pickle.len()
        ));
    }
    guard::check(pickle)?;
    serde_pickle::value_from_slice(pickle, serde_pickle::DeOptions::new())
        .map_err(|e| format!("not a valid pickle: {e}"))
}

/// Python's `pickle.dumps`: the pickle of `value` (protocol 3, which Python 3 reads).
pub fn dumps(value: &Value) -> Result<Vec<u8>, String> {
    serde_pickle::value_to_vec(value, serde_pickle::SerOptions::new())
        .map_err(|e| format!("cannot pickle {}: {e}", repr::repr(value)))
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
    fn dumps_and_loads_give_back_the_value() {
        let value = Value::List(vec![Value::I64(-1), Value::String("x".repeat(300))]);
        assert_eq!(loads(&dumps(&value).unwrap()), Ok(value));
    }
}
