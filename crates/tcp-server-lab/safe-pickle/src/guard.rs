//! The pickle guard: what a pickle would do, checked before it is decoded.
//!
//! # Why Python's `pickle.loads` must never see bytes from the network
//!
//! A pickle is not data: it is a program for a small stack machine, and Python's
//! unpickler runs it. Two of its instructions make it run anything at all:
//! `GLOBAL` (`c`) imports any name from any module, and `REDUCE` (`R`) calls it.
//! These 29 bytes
//!
//! ```text
//! cos\nsystem\n(S'echo pwned'\ntR.
//! ```
//!
//! make `pickle.loads` run `os.system('echo pwned')`: whoever can send bytes to a
//! Python server that unpickles them can run any command on it. Python's own
//! documentation says so in a red box: *never unpickle data that could have come
//! from an untrusted or unauthenticated source*. The lab's server does exactly
//! that, which is fine between your own two programs on your own machine, and is
//! the first thing to change before anyone else can connect.
//!
//! serde-pickle, which our programs use, never imports or calls anything: it reads
//! `os.system` as an opaque name. But running no code is not enough to be safe. In
//! the lab's 4096 bytes a hostile pickle can still:
//!
//! - nest thousands of levels deep (`N` and 4,000 times `TUPLE1`): serde-pickle
//!   builds its values recursively, and the stack overflows. That aborts the whole
//!   server: a stack overflow is not a panic, and no `catch_unwind` catches it;
//! - duplicate its top value forty times over (`DUP` and `TUPLE2`: 84 bytes ask for
//!   2^40 values): memory runs out, which aborts the server too;
//! - claim a string of 4 GiB (`X\xff\xff\xff\xff`): a reader that believes the
//!   length waits for, and makes room for, bytes that never come;
//! - build an object of any class (`NEWOBJ`, `BUILD`): serde-pickle quietly turns
//!   it into a dict, which is not what was sent.
//!
//! So before serde-pickle sees a pickle, [`check`] runs it on a model of the
//! machine that keeps only the *shape* of each value (who holds whom), never the
//! values themselves, and refuses the pickle if it would import or call anything
//! but the few harmless builtins below, build an object, nest deeper than
//! [`MAX_DEPTH`] or unfold to more than [`MAX_UNFOLDED`] values and bytes. The
//! model takes time and memory in proportion to the pickle's length, and never
//! recurses, whatever the bytes say.
//!
//! This is the "restricting globals" idea of Python's documentation (an
//! `Unpickler` whose `find_class` allows only a list of safe names), plus the
//! limits that Python leaves to its recursion limit and to the memory of the
//! machine.

use std::collections::HashMap;

use crate::MAX_ALLOC_MEM;
use crate::opcodes::{self, Instruction, Step};
use crate::repr::str_repr;

/// The deepest a value may nest, in levels: `[[1]]` has 3 (two lists and the 1).
/// Python's `repr()` itself gives up past about 1000 levels.
pub const MAX_DEPTH: usize = 100;

/// The most a value may unfold to, counting one per value and one per byte of
/// text, bytes and long integers. A pickle may refer to one value many times (its
/// memo); each reference is a copy once decoded.
pub const MAX_UNFOLDED: u64 = 65_536;

/// The globals a pickle may name: builtins that Python's own pickler uses to write
/// plain data in the older protocols (a set in protocol 2 is `builtins.set` called
/// on a list), and which serde-pickle rebuilds as data without calling anything.
pub const ALLOWED_GLOBALS: [(&str, &str); 7] = [
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "bytearray"),
    ("__builtin__", "set"),
    ("__builtin__", "frozenset"),
    ("__builtin__", "bytearray"),
    ("_codecs", "encode"),
];

/// One value of the model: only what it holds, never what it is.
#[derive(Debug, Default)]
struct Node {
    /// The values it holds (items, keys and values, arguments).
    children: Vec<usize>,
    /// Bytes of text, bytes or long integer it carries.
    payload: u64,
    /// For a short string: its text (STACK_GLOBAL takes module and name from strings).
    text: Option<String>,
    /// For an allowed global: which one.
    global: Option<String>,
}

/// The model of the pickle machine, run one instruction at a time (as the
/// instructions arrive, so that a bad one is refused at once).
///
/// ```
/// use safe_pickle::guard::Guard;
/// use safe_pickle::opcodes::{self, Step};
///
/// let mut guard = Guard::default();
/// let Ok(Step::Op(append, _)) = opcodes::next(b"a", 0, 4096) else { panic!() };
/// // APPEND with nothing to append, nor anything to append it to:
/// assert!(guard.step(append).unwrap_err().contains("too few values"));
/// ```
#[derive(Debug, Default)]
pub struct Guard {
    nodes: Vec<Node>,
    stack: Vec<usize>,
    marks: Vec<usize>,
    memo: HashMap<u64, usize>,
}

/// Checks what the pickle `bytes` (one whole pickle, ending with STOP) would do,
/// and says what is wrong with it, in one line, if anything is.
///
/// ```
/// use safe_pickle::guard::check;
///
/// // pickle.dumps([1, 'two'], protocol=2)
/// assert_eq!(check(b"\x80\x02]q\x00(K\x01X\x03\x00\x00\x00twoq\x01e."), Ok(()));
/// // os.system('echo pwned')
/// let refused = check(b"cos\nsystem\n(S'echo pwned'\ntR.").unwrap_err();
/// assert!(refused.starts_with("refused: the pickle asks for the global os.system"));
/// ```
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let mut guard = Guard::default();
    let mut offset = 0;
    loop {
        match opcodes::next(bytes, offset, MAX_ALLOC_MEM) {
            Ok(Step::Op(op, next)) => {
                if guard.step(op)? {
                    return Ok(());
                }
                offset = next;
            }
            Ok(Step::Incomplete) => return Err("the pickle is cut short (no STOP)".into()),
            Err(malformed) => return Err(malformed.to_string()),
        }
    }
}

impl Guard {
    /// Runs one instruction on the model: an error says what is wrong with it;
    /// `true` means that it was the STOP, and that the whole pickle is safe to decode.
    pub fn step(&mut self, op: Instruction<'_>) -> Result<bool, String> {
        if op.op.code == opcodes::STOP {
            let root = self.pop(op)?;
            self.check_unfolded(root)?;
            return Ok(true);
        }
        self.run(op)?;
        Ok(false)
    }

    fn run(&mut self, op: Instruction<'_>) -> Result<(), String> {
        use opcodes::*;
        match op.op.code {
            PROTO => match op.arg.first() {
                Some(&v) if v <= 5 => {}
                Some(&v) => return Err(format!("unsupported pickle protocol: {v}")),
                None => {}
            },
            FRAME => {}
            MARK => {
                if self.marks.len() >= MAX_DEPTH {
                    return Err(format!("refused: more than {MAX_DEPTH} MARKs open at once"));
                }
                self.marks.push(self.stack.len());
            }
            // POP with nothing above the last MARK pops the MARK, as serde-pickle does.
            POP if self.marks.last().copied().unwrap_or(0) == self.stack.len() => {
                drop(self.pop_mark(op)?)
            }
            POP => drop(self.pop(op)?),
            POP_MARK => drop(self.pop_mark(op)?),
            // Python's pickler never writes DUP; a pickle that uses it may only be
            // trying to double its size with every byte.
            DUP => return Err(refused("DUP, which Python's pickle never writes", op)),

            // The memo: values stored under a number and used again.
            PUT | BINPUT | LONG_BINPUT | MEMOIZE => {
                let id = match op.op.code {
                    MEMOIZE => self.memo.len() as u64,
                    _ => memo_id(op)?,
                };
                // Only a value above the last MARK can be stored.
                let top = self.pop(op)?;
                self.stack.push(top);
                self.memo.insert(id, top);
            }
            GET | BINGET | LONG_BINGET => {
                let id = memo_id(op)?;
                let node = *self.memo.get(&id).ok_or_else(|| {
                    format!("{} of memo {id}, which was never stored", op.op.name)
                })?;
                self.stack.push(node);
            }

            // Plain values.
            NONE | NEWTRUE | NEWFALSE | INT | BININT | BININT1 | BININT2 | FLOAT | BINFLOAT
            | EMPTY_TUPLE | EMPTY_LIST | EMPTY_DICT | EMPTY_SET => self.push(Node::default()),
            LONG | LONG1 | LONG4 | BINBYTES | SHORT_BINBYTES | BINBYTES8 | BYTEARRAY8 | STRING
            | BINSTRING | SHORT_BINSTRING => self.push(Node {
                payload: op.arg.len() as u64,
                ..Node::default()
            }),
            UNICODE | BINUNICODE | SHORT_BINUNICODE | BINUNICODE8 => self.push(Node {
                payload: op.arg.len() as u64,
                text: (op.arg.len() <= 64).then(|| String::from_utf8_lossy(op.arg).into_owned()),
                ..Node::default()
            }),

            // Containers: they hold what they take from the stack.
            TUPLE1 | TUPLE2 | TUPLE3 => {
                let n = op.op.code - TUPLE1 + 1;
                let mut children = (0..n)
                    .map(|_| self.pop(op))
                    .collect::<Result<Vec<_>, _>>()?;
                children.reverse();
                self.push_holding(children);
            }
            TUPLE | LIST | DICT | FROZENSET => {
                let children = self.pop_mark(op)?;
                self.push_holding(children);
            }
            APPEND => {
                let item = self.pop(op)?;
                self.top(op)?.children.push(item);
            }
            SETITEM => {
                let value = self.pop(op)?;
                let key = self.pop(op)?;
                self.top(op)?.children.extend([key, value]);
            }
            APPENDS | SETITEMS | ADDITEMS => {
                let items = self.pop_mark(op)?;
                self.top(op)?.children.extend(items);
            }

            // Importing and calling: only the allowed builtins.
            GLOBAL => {
                let text = String::from_utf8_lossy(op.arg);
                let (module, name) = text.split_once('\n').unwrap_or((&text, ""));
                self.push_global(module, name, op)?;
            }
            STACK_GLOBAL => {
                let name = self.pop(op)?;
                let module = self.pop(op)?;
                let text = |n: usize| self.nodes[n].text.clone().unwrap_or_default();
                let (module, name) = (text(module), text(name));
                self.push_global(&module, &name, op)?;
            }
            REDUCE => {
                let args = self.pop(op)?;
                let callable = self.pop(op)?;
                if self.nodes[callable].global.is_none() {
                    return Err(refused("REDUCE: a call of something not allowed", op));
                }
                self.push_holding(vec![args]);
            }
            INST | OBJ | NEWOBJ | NEWOBJ_EX | BUILD => {
                return Err(refused("to build an object of a class", op));
            }
            PERSID | BINPERSID | EXT1 | EXT2 | EXT4 | NEXT_BUFFER | READONLY_BUFFER => {
                return Err(refused("an object from outside the pickle", op));
            }
            _ => return Err(format!("unsupported opcode {}", op.op.name)),
        }
        Ok(())
    }

    fn push(&mut self, node: Node) {
        self.stack.push(self.nodes.len());
        self.nodes.push(node);
    }

    fn push_holding(&mut self, children: Vec<usize>) {
        self.push(Node {
            children,
            ..Node::default()
        });
    }

    fn push_global(&mut self, module: &str, name: &str, op: Instruction<'_>) -> Result<(), String> {
        let global = format!("{module}.{name}");
        if !ALLOWED_GLOBALS.contains(&(module, name)) {
            let shown = str_repr(&global.chars().take(60).collect::<String>());
            let shown = shown.trim_matches(|c| c == '\'' || c == '"');
            return Err(format!(
                "refused: the pickle asks for the global {shown} ({} at offset {}); \
                 a pickle from the network may hold plain data only",
                op.op.name, op.offset
            ));
        }
        self.push(Node {
            global: Some(global),
            ..Node::default()
        });
        Ok(())
    }

    fn pop(&mut self, op: Instruction<'_>) -> Result<usize, String> {
        // Values below the last MARK belong to an outer level.
        if self.marks.last() == Some(&self.stack.len()) {
            return Err(underflow(op));
        }
        self.stack.pop().ok_or_else(|| underflow(op))
    }

    fn pop_mark(&mut self, op: Instruction<'_>) -> Result<Vec<usize>, String> {
        let mark = self
            .marks
            .pop()
            .ok_or_else(|| format!("{} at offset {} without a MARK", op.op.name, op.offset))?;
        Ok(self.stack.split_off(mark))
    }

    fn top(&mut self, op: Instruction<'_>) -> Result<&mut Node, String> {
        let top = *self.stack.last().ok_or_else(|| underflow(op))?;
        Ok(&mut self.nodes[top])
    }

    /// How deep `root` nests, and how much it unfolds to once every memo
    /// reference is a copy: walked without recursion, each node once.
    fn check_unfolded(&self, root: usize) -> Result<(), String> {
        #[derive(Clone, Copy, PartialEq)]
        enum Seen {
            No,
            Entered,
            Done { depth: usize, size: u64 },
        }
        let mut seen = vec![Seen::No; self.nodes.len()];
        let mut path = vec![(root, 0)];
        seen[root] = Seen::Entered;
        while let Some(&mut (node, ref mut next_child)) = path.last_mut() {
            if let Some(&child) = self.nodes[node].children.get(*next_child) {
                *next_child += 1;
                match seen[child] {
                    Seen::Entered => {
                        return Err("the pickle holds itself (a recursive structure)".into());
                    }
                    Seen::No => {
                        if path.len() >= MAX_DEPTH {
                            return Err(format!(
                                "refused: the pickle nests deeper than {MAX_DEPTH} levels"
                            ));
                        }
                        seen[child] = Seen::Entered;
                        path.push((child, 0));
                    }
                    Seen::Done { .. } => {}
                }
                continue;
            }
            // All children done: this node's depth and size.
            path.pop();
            let mut depth = 0;
            let mut size = 1 + self.nodes[node].payload;
            for &child in &self.nodes[node].children {
                if let Seen::Done { depth: d, size: s } = seen[child] {
                    depth = depth.max(d);
                    size = size.saturating_add(s);
                }
            }
            let depth = depth + 1;
            if depth + path.len() > MAX_DEPTH {
                return Err(format!(
                    "refused: the pickle nests deeper than {MAX_DEPTH} levels"
                ));
            }
            if size > MAX_UNFOLDED {
                return Err(format!(
                    "refused: the pickle unfolds to more than {MAX_UNFOLDED} values and bytes"
                ));
            }
            seen[node] = Seen::Done { depth, size };
        }
        Ok(())
    }
}

fn memo_id(op: Instruction<'_>) -> Result<u64, String> {
    use opcodes::{BINGET, BINPUT, LONG_BINGET, LONG_BINPUT};
    match (op.op.code, op.arg) {
        (BINGET | BINPUT, &[id]) => Ok(u64::from(id)),
        (LONG_BINGET | LONG_BINPUT, &[a, b, c, d]) => {
            Ok(u64::from(u32::from_le_bytes([a, b, c, d])))
        }
        _ => std::str::from_utf8(op.arg)
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .ok_or_else(|| format!("{} at offset {}: not a memo number", op.op.name, op.offset)),
    }
}

fn underflow(op: Instruction<'_>) -> String {
    format!(
        "{} at offset {} finds too few values on the stack",
        op.op.name, op.offset
    )
}

fn refused(what: &str, op: Instruction<'_>) -> String {
    format!(
        "refused: the pickle asks for {what} ({} at offset {}); \
         a pickle from the network may hold plain data only",
        op.op.name, op.offset
    )
}

#[cfg(test)]
// Tests report failures by panicking.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> Vec<u8> {
        let mut pickle = b"\x80\x02N".to_vec();
        pickle.extend(vec![opcodes::TUPLE1; levels]);
        pickle.push(b'.');
        pickle
    }

    #[test]
    fn plain_data_of_every_protocol_passes() {
        // pickle.dumps({'name': 'Ada', 'scores': [90, 85]}, protocol=p) for p = 0 and 4.
        let p0 = b"(dp0\nVname\np1\nVAda\np2\nsVscores\np3\n(lp4\nI90\naI85\nas.";
        let p4 = b"\x80\x04\x95\x22\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x04name\x94\x8c\x03Ada\x94\x8c\x06scores\x94]\x94(KZKUeu.";
        assert_eq!(check(p0), Ok(()));
        assert_eq!(check(p4), Ok(()));
    }

    #[test]
    fn a_set_written_as_a_call_of_builtins_set_passes() {
        // pickle.dumps({1, 2}, protocol=2)
        let set = b"\x80\x02c__builtin__\nset\nq\x00]q\x01(K\x01K\x02e\x85q\x02Rq\x03.";
        assert_eq!(check(set), Ok(()));
    }

    #[test]
    fn globals_are_refused_and_named() {
        let global = check(b"cos\nsystem\n(S'echo pwned'\ntR.").unwrap_err();
        assert!(
            global.contains("the global os.system (GLOBAL at offset 0)"),
            "{global}"
        );
        let stack_global =
            check(b"\x80\x04\x8c\x05posix\x8c\x06system\x93\x8c\x02id\x85R.").unwrap_err();
        assert!(
            stack_global.contains("the global posix.system (STACK_GLOBAL"),
            "{stack_global}"
        );
        // A name with control characters is shown escaped.
        let hidden = check(b"cos\x1b[2J\nsystem\n.").unwrap_err();
        assert!(hidden.contains("os\\x1b[2J.system"), "{hidden}");
    }

    #[test]
    fn objects_of_classes_are_refused() {
        // class C: pass; c = C(); c.a = 1; pickle.dumps(c, protocol=2)
        let obj = b"\x80\x02c__main__\nC\nq\x00)\x81q\x01}q\x02X\x01\x00\x00\x00aK\x01sb.";
        let refused = check(obj).unwrap_err();
        assert!(refused.contains("the global __main__.C"), "{refused}");
        assert!(check(b"\x80\x02)}\x81.").unwrap_err().contains("NEWOBJ"));
        assert!(check(b"\x80\x02}}b.").unwrap_err().contains("BUILD"));
        assert!(check(b"\x80\x02N)R.").unwrap_err().contains("REDUCE"));
    }

    #[test]
    fn deep_nesting_is_refused_and_shallow_passes() {
        assert_eq!(check(&nested(MAX_DEPTH - 1)), Ok(()));
        let deep = check(&nested(4090)).unwrap_err();
        assert_eq!(deep, "refused: the pickle nests deeper than 100 levels");
        let mut marks = vec![b'('; 2000];
        marks.extend(vec![b'l'; 2000]);
        marks.push(b'.');
        assert!(check(&marks).unwrap_err().contains("MARKs open"));
    }

    #[test]
    fn doubling_by_dup_or_by_the_memo_is_refused() {
        let mut dup = b"\x80\x02N".to_vec();
        for _ in 0..40 {
            dup.extend(b"2\x86");
        }
        dup.push(b'.');
        assert!(check(&dup).unwrap_err().contains("DUP"));
        // ]q0, then 40 times: a tuple of two references to the last one.
        let mut memo = b"\x80\x02Nq\x00".to_vec();
        for i in 0..40u8 {
            memo.extend([b'h', i, b'h', i, 0x86, b'q', i + 1]);
        }
        memo.push(b'.');
        let refused = check(&memo).unwrap_err();
        assert!(refused.contains("unfolds to more than 65536"), "{refused}");
    }

    #[test]
    fn a_value_that_holds_itself_is_refused() {
        let refused = check(b"\x80\x02]q\x00h\x00a.").unwrap_err();
        assert!(refused.contains("recursive"), "{refused}");
    }

    #[test]
    fn broken_programs_are_errors() {
        assert!(check(b"a.").unwrap_err().contains("too few values"));
        assert!(check(b"(.").unwrap_err().contains("too few values"));
        assert!(check(b"l.").unwrap_err().contains("without a MARK"));
        assert!(check(b"h\x05.").unwrap_err().contains("never stored"));
        assert!(check(b"\x80\x07N.").unwrap_err().contains("protocol: 7"));
        assert!(check(b"\x80\x02N").unwrap_err().contains("cut short"));
        assert!(check(b"\xff").unwrap_err().contains("no pickle opcode"));
    }
}
