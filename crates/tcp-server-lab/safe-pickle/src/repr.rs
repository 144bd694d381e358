//! Values shown as Python's `repr()` shows them.
//!
//! The lab's Python prints what it receives, and Python prints a value as its
//! `repr()`: `'text'` with quotes, `None`, `True`, `(1,)` for a tuple of one,
//! `1e-05` for a small float. [`repr`] writes a decoded pickle the same way, so our
//! console reads like the lab's. Like Python's, it escapes control and invisible
//! characters (`'\x1b'`, `'\u200b'`), so a value never drives the terminal.
//!
//! One difference: serde-pickle keeps a dict's keys sorted, not in the order they
//! were sent, so a dict shows its keys sorted, as Python's `pprint` shows them.

use serde_pickle::{HashableValue, Value};

/// A value as Python's `repr()` shows it.
///
/// It recurses once per level of nesting: the [`guard`](crate::guard) bounds how
/// deep a decoded value can be.
///
/// ```
/// use safe_pickle::repr::repr;
/// use serde_pickle::Value;
///
/// let value = Value::Tuple(vec![Value::I64(1), Value::String("two".into()), Value::None]);
/// assert_eq!(repr(&value), "(1, 'two', None)");
/// assert_eq!(repr(&Value::Tuple(vec![Value::Bool(true)])), "(True,)");
/// assert_eq!(repr(&Value::F64(1e-5)), "1e-05");
/// ```
pub fn repr(value: &Value) -> String {
    match value {
        Value::None => "None".into(),
        Value::Bool(b) => bool_repr(*b).into(),
        Value::I64(i) => i.to_string(),
        Value::Int(i) => i.to_string(),
        Value::F64(f) => float_repr(*f),
        Value::Bytes(b) => bytes_repr(b),
        Value::String(s) => str_repr(s),
        Value::List(items) => sequence("[", items.iter().map(repr), "]"),
        Value::Tuple(items) => tuple(items.iter().map(repr)),
        Value::Set(items) => set("", items.iter().map(hashable_repr)),
        Value::FrozenSet(items) => set("frozenset", items.iter().map(hashable_repr)),
        Value::Dict(map) => sequence(
            "{",
            map.iter()
                .map(|(k, v)| format!("{}: {}", hashable_repr(k), repr(v))),
            "}",
        ),
    }
}

/// A dict key or set item as Python's `repr()` shows it.
pub fn hashable_repr(value: &HashableValue) -> String {
    match value {
        HashableValue::None => "None".into(),
        HashableValue::Bool(b) => bool_repr(*b).into(),
        HashableValue::I64(i) => i.to_string(),
        HashableValue::Int(i) => i.to_string(),
        HashableValue::F64(f) => float_repr(*f),
        HashableValue::Bytes(b) => bytes_repr(b),
        HashableValue::String(s) => str_repr(s),
        HashableValue::Tuple(items) => tuple(items.iter().map(hashable_repr)),
        HashableValue::FrozenSet(items) => set("frozenset", items.iter().map(hashable_repr)),
    }
}

fn bool_repr(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn sequence(open: &str, items: impl Iterator<Item = String>, close: &str) -> String {
    format!("{open}{}{close}", items.collect::<Vec<_>>().join(", "))
}

fn tuple(items: impl Iterator<Item = String>) -> String {
    let items: Vec<_> = items.collect();
    match items.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    }
}

/// `{1, 2}`, `set()`, `frozenset({1})`, `frozenset()`.
fn set(name: &str, items: impl Iterator<Item = String>) -> String {
    let items: Vec<_> = items.collect();
    match (name, items.is_empty()) {
        ("", true) => "set()".into(),
        (_, true) => format!("{name}()"),
        ("", false) => sequence("{", items.into_iter(), "}"),
        (_, false) => format!("{name}({})", sequence("{", items.into_iter(), "}")),
    }
}

/// A float as Python's `repr()` shows it: the shortest digits that read back as
/// the same float, in positional notation from 1e-4 up to 1e16 (`0.0001`,
/// `1000000000000000.0`) and in scientific notation outside (`1e-05`, `1e+16`).
///
/// ```
/// use safe_pickle::repr::float_repr;
///
/// assert_eq!(float_repr(0.1), "0.1");
/// assert_eq!(float_repr(2.0), "2.0");
/// assert_eq!(float_repr(1.5e300), "1.5e+300");
/// assert_eq!(float_repr(f64::NAN), "nan");
/// ```
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    // Rust's `{:e}` gives the same shortest digits as Python: only the layout differs.
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if f == 0.0 || (-4..16).contains(&exponent) {
        let fixed = f.to_string();
        if fixed.contains('.') {
            fixed
        } else {
            format!("{fixed}.0")
        }
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

/// A string as Python's `repr()` shows it: in single quotes (double quotes if it
/// holds a `'` and no `"`), with `\\`, the quote, `\n`, `\t`, `\r` and every
/// control or invisible character escaped.
///
/// ```
/// use safe_pickle::repr::str_repr;
///
/// assert_eq!(str_repr("text"), "'text'");
/// assert_eq!(str_repr("it's"), "\"it's\"");
/// assert_eq!(str_repr("a\tb\u{1b}[2J\u{e9}"), "'a\\tb\\x1b[2J\u{e9}'");
/// ```
pub fn str_repr(s: &str) -> String {
    let quote = quote_for(s.contains('\''), s.contains('"'));
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let code = u32::from(c);
                let escaped = match code {
                    0..=0xff => format!("\\x{code:02x}"),
                    0x100..=0xffff => format!("\\u{code:04x}"),
                    _ => format!("\\U{code:08x}"),
                };
                out.push_str(&escaped);
            }
        }
    }
    out.push(quote);
    out
}

/// Bytes as Python's `repr()` shows them: `b'...'`, printable ASCII as is, the
/// rest as `\xNN`.
///
/// ```
/// use safe_pickle::repr::bytes_repr;
///
/// assert_eq!(bytes_repr(b"ok\n\xff"), "b'ok\\n\\xff'");
/// ```
pub fn bytes_repr(bytes: &[u8]) -> String {
    let quote = quote_for(bytes.contains(&b'\''), bytes.contains(&b'"'));
    let mut out = format!("b{quote}");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

fn quote_for(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double { '"' } else { '\'' }
}

/// Whether Python's `str.isprintable()` is true for `c`, for the characters that
/// matter on a terminal: control characters, invisible spaces and format
/// characters (zero-width, bidirectional overrides), private use. (Python also
/// escapes the code points Unicode has not assigned yet; that needs Unicode's
/// tables, and those show as a box, harmlessly.)
fn is_printable(c: char) -> bool {
    let invisible = matches!(u32::from(c),
        0x00a0 | 0x00ad | 0x034f | 0x061c | 0x115f | 0x1160 | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x206f | 0x3000 | 0x3164
        | 0xfe00..=0xfe0f | 0xfeff | 0xfff9..=0xfffb | 0xe000..=0xf8ff
        | 0xe0000..=0xe0fff | 0xf0000..=0x10ffff);
    !c.is_control() && !invisible
}

#[cfg(test)]
// Tests report failures by panicking.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn the_lessons_values_read_like_python() {
        let dict = Value::Dict(BTreeMap::from([
            (HashableValue::String("name".into()), s("Ada")),
            (
                HashableValue::String("scores".into()),
                Value::List(vec![Value::I64(90), Value::I64(85)]),
            ),
        ]));
        assert_eq!(repr(&dict), "{'name': 'Ada', 'scores': [90, 85]}");
        assert_eq!(repr(&s("text")), "'text'");
        assert_eq!(repr(&Value::None), "None");
        assert_eq!(repr(&Value::Bool(true)), "True");
        let pair = Value::Tuple(vec![Value::I64(1), Value::I64(2)]);
        assert_eq!(repr(&pair), "(1, 2)");
        let list = Value::List(vec![Value::I64(1), Value::F64(2.5)]);
        assert_eq!(repr(&list), "[1, 2.5]");
    }

    #[test]
    fn empty_and_single_containers_read_like_python() {
        assert_eq!(repr(&Value::Tuple(vec![])), "()");
        assert_eq!(repr(&Value::List(vec![])), "[]");
        assert_eq!(repr(&Value::Dict(BTreeMap::new())), "{}");
        assert_eq!(repr(&Value::Set(BTreeSet::new())), "set()");
        assert_eq!(repr(&Value::FrozenSet(BTreeSet::new())), "frozenset()");
        let one = BTreeSet::from([HashableValue::I64(1), HashableValue::I64(2)]);
        assert_eq!(repr(&Value::Set(one.clone())), "{1, 2}");
        assert_eq!(repr(&Value::FrozenSet(one)), "frozenset({1, 2})");
        let key = HashableValue::Tuple(vec![HashableValue::None]);
        let dict = Value::Dict(BTreeMap::from([(key, Value::Bytes(b"x".to_vec()))]));
        assert_eq!(repr(&dict), "{(None,): b'x'}");
    }

    #[test]
    fn floats_read_like_python() {
        for (f, python) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e-4, "0.0001"),
            (1.5e-5, "1.5e-05"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (123456789.125, "123456789.125"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(float_repr(f), python, "{f:e}");
        }
    }

    #[test]
    fn strings_are_quoted_and_escaped_like_python() {
        assert_eq!(str_repr(""), "''");
        assert_eq!(str_repr("both ' and \""), "'both \\' and \"'");
        assert_eq!(str_repr("say \"hi\""), "'say \"hi\"'");
        assert_eq!(str_repr("back\\slash"), "'back\\\\slash'");
        assert_eq!(str_repr("\u{7}\u{7f}\u{85}"), "'\\x07\\x7f\\x85'");
        assert_eq!(str_repr("zero\u{200b}width"), "'zero\\u200bwidth'");
        assert_eq!(str_repr("rtl\u{202e}"), "'rtl\\u202e'");
        assert_eq!(str_repr("private\u{f0000}"), "'private\\U000f0000'");
        assert_eq!(
            str_repr("caf\u{e9} \u{65e5}\u{672c} \u{1f600}"),
            "'caf\u{e9} \u{65e5}\u{672c} \u{1f600}'"
        );
    }

    #[test]
    fn bytes_are_quoted_and_escaped_like_python() {
        assert_eq!(bytes_repr(b""), "b''");
        assert_eq!(bytes_repr(b"it's"), "b\"it's\"");
        assert_eq!(bytes_repr(b"\x00\x7f\x80\\"), "b'\\x00\\x7f\\x80\\\\'");
    }

    #[test]
    fn big_integers_read_like_python() {
        let big: Value = serde_pickle::value_from_slice(
            b"\x80\x02\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01.",
            serde_pickle::DeOptions::new(),
        )
        .unwrap();
        assert_eq!(repr(&big), "18446744073709551616");
    }
}
