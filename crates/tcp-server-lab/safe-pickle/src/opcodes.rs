//! The pickle machine's instructions, and how to step over one.
//!
//! A pickle is a little program for a stack machine: each instruction is one byte
//! (an *opcode*: `N` pushes None, `]` an empty list, `a` appends, `.` STOP ends the
//! program), followed by its argument, if it has one. Where an argument ends
//! depends on the opcode: a fixed number of bytes, a line ending in `\n`, or a
//! length written in front of the bytes. [`next`] reads one instruction and says
//! where the next one starts; [`framing`](crate::framing) uses it to find a
//! pickle's STOP, and [`guard`](crate::guard) to check what the program would do.
//!
//! The table is Python's own, from `Lib/pickle.py` (protocols 0 to 5).

/// How an opcode's argument is written after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// No argument.
    None,
    /// Exactly this many bytes.
    Fixed(usize),
    /// One line, up to and including `\n`.
    Line,
    /// Two lines (a module name, then a name in it).
    TwoLines,
    /// A length in this many little-endian bytes, then that many bytes.
    Prefixed(usize),
}

/// One opcode: its byte, its name in Python's `pickletools`, and its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opcode {
    /// The byte that encodes it.
    pub code: u8,
    /// Its name, as `pickletools.dis` shows it.
    pub name: &'static str,
    /// How its argument is written.
    pub arg: Arg,
}

macro_rules! opcodes {
    ($($name:ident = $code:literal, $arg:expr;)*) => {
        $(
            #[doc = concat!("`", stringify!($name), "`")]
            pub const $name: u8 = $code;
        )*

        /// The opcode of `byte`, or `None` if no protocol from 0 to 5 has it.
        pub fn opcode(byte: u8) -> Option<Opcode> {
            match byte {
                $($code => Some(Opcode { code: $code, name: stringify!($name), arg: $arg }),)*
                _ => None,
            }
        }
    };
}

opcodes! {
    MARK = b'(', Arg::None;
    STOP = b'.', Arg::None;
    POP = b'0', Arg::None;
    POP_MARK = b'1', Arg::None;
    DUP = b'2', Arg::None;
    FLOAT = b'F', Arg::Line;
    INT = b'I', Arg::Line;
    BININT = b'J', Arg::Fixed(4);
    BININT1 = b'K', Arg::Fixed(1);
    LONG = b'L', Arg::Line;
    BININT2 = b'M', Arg::Fixed(2);
    NONE = b'N', Arg::None;
    PERSID = b'P', Arg::Line;
    BINPERSID = b'Q', Arg::None;
    REDUCE = b'R', Arg::None;
    STRING = b'S', Arg::Line;
    BINSTRING = b'T', Arg::Prefixed(4);
    SHORT_BINSTRING = b'U', Arg::Prefixed(1);
    UNICODE = b'V', Arg::Line;
    BINUNICODE = b'X', Arg::Prefixed(4);
    APPEND = b'a', Arg::None;
    BUILD = b'b', Arg::None;
    GLOBAL = b'c', Arg::TwoLines;
    DICT = b'd', Arg::None;
    EMPTY_DICT = b'}', Arg::None;
    APPENDS = b'e', Arg::None;
    GET = b'g', Arg::Line;
    BINGET = b'h', Arg::Fixed(1);
    INST = b'i', Arg::TwoLines;
    LONG_BINGET = b'j', Arg::Fixed(4);
    LIST = b'l', Arg::None;
    EMPTY_LIST = b']', Arg::None;
    OBJ = b'o', Arg::None;
    PUT = b'p', Arg::Line;
    BINPUT = b'q', Arg::Fixed(1);
    LONG_BINPUT = b'r', Arg::Fixed(4);
    SETITEM = b's', Arg::None;
    TUPLE = b't', Arg::None;
    EMPTY_TUPLE = b')', Arg::None;
    SETITEMS = b'u', Arg::None;
    BINFLOAT = b'G', Arg::Fixed(8);
    PROTO = 0x80, Arg::Fixed(1);
    NEWOBJ = 0x81, Arg::None;
    EXT1 = 0x82, Arg::Fixed(1);
    EXT2 = 0x83, Arg::Fixed(2);
    EXT4 = 0x84, Arg::Fixed(4);
    TUPLE1 = 0x85, Arg::None;
    TUPLE2 = 0x86, Arg::None;
    TUPLE3 = 0x87, Arg::None;
    NEWTRUE = 0x88, Arg::None;
    NEWFALSE = 0x89, Arg::None;
    LONG1 = 0x8a, Arg::Prefixed(1);
    LONG4 = 0x8b, Arg::Prefixed(4);
    BINBYTES = b'B', Arg::Prefixed(4);
    SHORT_BINBYTES = b'C', Arg::Prefixed(1);
    SHORT_BINUNICODE = 0x8c, Arg::Prefixed(1);
    BINUNICODE8 = 0x8d, Arg::Prefixed(8);
    BINBYTES8 = 0x8e, Arg::Prefixed(8);
    EMPTY_SET = 0x8f, Arg::None;
    ADDITEMS = 0x90, Arg::None;
    FROZENSET = 0x91, Arg::None;
    NEWOBJ_EX = 0x92, Arg::None;
    STACK_GLOBAL = 0x93, Arg::None;
    MEMOIZE = 0x94, Arg::None;
    FRAME = 0x95, Arg::Fixed(8);
    BYTEARRAY8 = 0x96, Arg::Prefixed(8);
    NEXT_BUFFER = 0x97, Arg::None;
    READONLY_BUFFER = 0x98, Arg::None;
}

/// One instruction of a pickle, as found in its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instruction<'a> {
    /// The opcode.
    pub op: Opcode,
    /// Where it starts in the pickle.
    pub offset: usize,
    /// Its argument: for a line, without the `\n`; for a length-prefixed one, the
    /// bytes after the length; for two lines, both, with the `\n` between them.
    pub arg: &'a [u8],
}

/// What [`next`] found at an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// A whole instruction, and where the next one starts.
    Op(Instruction<'a>, usize),
    /// The bytes end inside this instruction: more must come to read it.
    Incomplete,
}

/// Why bytes are not a pickle at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// This byte is no opcode of any protocol.
    UnknownOpcode {
        /// The byte.
        byte: u8,
        /// Where it is.
        offset: usize,
    },
    /// A length-prefixed argument claims more bytes than `limit`.
    TooLong {
        /// The opcode that claims it.
        name: &'static str,
        /// How many bytes it claims.
        claimed: u64,
        /// How many bytes a whole pickle may have.
        limit: usize,
    },
    /// A length-prefixed argument has a negative length (BINSTRING, LONG4).
    NegativeLength {
        /// The opcode.
        name: &'static str,
    },
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::UnknownOpcode { byte, offset } => write!(
                f,
                "not a pickle: byte {byte:#04x} at offset {offset} is no pickle opcode"
            ),
            Malformed::TooLong {
                name,
                claimed,
                limit,
            } => write!(
                f,
                "{name} claims {claimed} bytes, but a whole pickle may have at most {limit}"
            ),
            Malformed::NegativeLength { name } => write!(f, "{name} has a negative length"),
        }
    }
}

/// Reads the instruction at `offset` of `bytes` (`offset < bytes.len()`).
///
/// A length-prefixed argument that claims more than `limit` bytes is
/// [`Malformed::TooLong`] at once: no need to wait for gigabytes that may never
/// come, or to make room for them.
///
/// ```
/// use safe_pickle::opcodes::{self, Step};
///
/// // SHORT_BINUNICODE, length 2, "hi", then STOP
/// let pickle = b"\x8c\x02hi.";
/// let Ok(Step::Op(op, next)) = opcodes::next(pickle, 0, 4096) else { panic!() };
/// assert_eq!((op.op.name, op.arg, next), ("SHORT_BINUNICODE", &b"hi"[..], 4));
/// assert_eq!(opcodes::next(&pickle[..3], 0, 4096), Ok(Step::Incomplete));
/// ```
pub fn next(bytes: &[u8], offset: usize, limit: usize) -> Result<Step<'_>, Malformed> {
    let Some(&byte) = bytes.get(offset) else {
        return Ok(Step::Incomplete);
    };
    let op = opcode(byte).ok_or(Malformed::UnknownOpcode { byte, offset })?;
    let start = offset + 1;
    let rest = &bytes[start..];
    let found = |arg_start: usize, arg_end: usize, next: usize| {
        Step::Op(
            Instruction {
                op,
                offset,
                arg: &bytes[arg_start..arg_end],
            },
            next,
        )
    };
    Ok(match op.arg {
        Arg::None => found(start, start, start),
        Arg::Fixed(n) if rest.len() >= n => found(start, start + n, start + n),
        Arg::Line => match rest.iter().position(|&b| b == b'\n') {
            Some(end) => found(start, start + end, start + end + 1),
            None => Step::Incomplete,
        },
        Arg::TwoLines => {
            let mut newlines = rest.iter().enumerate().filter(|&(_, &b)| b == b'\n');
            match (newlines.next(), newlines.next()) {
                (Some(_), Some((end, _))) => found(start, start + end, start + end + 1),
                _ => Step::Incomplete,
            }
        }
        Arg::Prefixed(n) if rest.len() >= n => {
            let mut le = [0u8; 8];
            le[..n].copy_from_slice(&rest[..n]);
            let length = u64::from_le_bytes(le);
            // BINSTRING and LONG4 write a signed 32-bit length.
            if n == 4 && matches!(byte, BINSTRING | LONG4) && length >= 1 << 31 {
                return Err(Malformed::NegativeLength { name: op.name });
            }
            let fits = usize::try_from(length).ok().filter(|&l| l <= limit);
            let Some(length) = fits else {
                return Err(Malformed::TooLong {
                    name: op.name,
                    claimed: length,
                    limit,
                });
            };
            if rest.len() - n >= length {
                let arg_start = start + n;
                found(arg_start, arg_start + length, arg_start + length)
            } else {
                Step::Incomplete
            }
        }
        Arg::Fixed(_) | Arg::Prefixed(_) => Step::Incomplete,
    })
}

#[cfg(test)]
// Tests report failures by panicking.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn step(bytes: &[u8]) -> Result<Step<'_>, Malformed> {
        next(bytes, 0, 4096)
    }

    #[test]
    fn every_opcode_byte_is_known_by_its_python_name() {
        assert_eq!(opcode(b'.').map(|o| o.name), Some("STOP"));
        assert_eq!(opcode(0x93).map(|o| o.name), Some("STACK_GLOBAL"));
        assert_eq!(opcode(b'c').map(|o| o.arg), Some(Arg::TwoLines));
        // 68 opcodes in protocols 0 to 5.
        assert_eq!((0..=255u8).filter_map(opcode).count(), 68);
    }

    #[test]
    fn a_byte_that_is_no_opcode_is_malformed() {
        assert_eq!(
            step(b"\xff"),
            Err(Malformed::UnknownOpcode {
                byte: 0xff,
                offset: 0
            })
        );
    }

    #[test]
    fn fixed_arguments_need_all_their_bytes() {
        assert_eq!(step(b"J\x01\x00\x00"), Ok(Step::Incomplete));
        let Ok(Step::Op(op, 5)) = step(b"J\x01\x00\x00\x00.") else {
            panic!("BININT with its 4 bytes")
        };
        assert_eq!(op.arg, b"\x01\x00\x00\x00");
    }

    #[test]
    fn lines_end_at_their_newline() {
        assert_eq!(step(b"I42"), Ok(Step::Incomplete));
        let Ok(Step::Op(op, 4)) = step(b"I42\n.") else {
            panic!("INT 42")
        };
        assert_eq!(op.arg, b"42");
        let Ok(Step::Op(op, 11)) = step(b"cos\nsystem\n") else {
            panic!("GLOBAL os system")
        };
        assert_eq!(op.arg, b"os\nsystem");
        assert_eq!(step(b"cos\nsys"), Ok(Step::Incomplete));
    }

    #[test]
    fn a_length_beyond_the_limit_is_refused_without_waiting() {
        let claim = step(b"X\xff\xff\xff\xff");
        assert_eq!(
            claim,
            Err(Malformed::TooLong {
                name: "BINUNICODE",
                claimed: 0xffff_ffff,
                limit: 4096
            })
        );
        let huge = step(b"\x8e\xff\xff\xff\xff\xff\xff\xff\xff");
        assert!(matches!(huge, Err(Malformed::TooLong { claimed, .. }) if claimed == u64::MAX));
        assert_eq!(
            step(b"T\x00\x00\x00\x80"),
            Err(Malformed::NegativeLength { name: "BINSTRING" })
        );
    }

    #[test]
    fn a_length_within_the_limit_waits_for_its_bytes() {
        assert_eq!(step(b"X\x03\x00\x00\x00ab"), Ok(Step::Incomplete));
        assert_eq!(step(b"X\x03\x00"), Ok(Step::Incomplete));
        let Ok(Step::Op(op, 8)) = step(b"X\x03\x00\x00\x00abc") else {
            panic!("BINUNICODE abc")
        };
        assert_eq!(op.arg, b"abc");
    }
}
