//! The room: who is in it, and delivering each line to everyone else.
//!
//! Every member has a thread that reads what it sends (in `main.rs`) and a thread
//! that writes what the room sends it ([`deliver`]), fed by a bounded queue of
//! lines, its *outbox*. Saying something puts the line in every other member's
//! outbox with `try_send`, which never waits: a member who stops reading fills its
//! socket's buffers, then its outbox, and is dropped from the room, instead of
//! making the one who spoke (and so the whole room) wait for it.
//!
//! One who says a lot at once (a 1 MiB line, cut into 1,024 lines) would fill
//! the outboxes of members who *do* read faster than their writers drain them.
//! So after each line, the thread of the one who spoke waits, outside the room's
//! lock, until every other member's outbox is at most half full
//! ([`Room::wait_for_readers`]): a flood slows down its sender only, and a
//! member whose outbox does not drain in [`CATCH_UP`] has stopped reading, and is
//! dropped.

use std::collections::HashMap;
use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Lines waiting for a member who is slow to read; one more and it is dropped.
pub const OUTBOX: usize = 256;

/// How long one who speaks waits for a member's outbox to drain to half before
/// that member counts as having stopped reading (less than [`WRITE_TIMEOUT`]).
pub const CATCH_UP: Duration = Duration::from_secs(3);

/// How long writing to a member may block before it counts as gone.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// How many lines wait in a member's outbox, so that one who speaks can wait for
/// it to drain; `None` once its writer has ended.
#[derive(Default)]
pub struct Backlog {
    waiting: Mutex<Option<usize>>,
    drained: Condvar,
}

impl Backlog {
    fn waiting(&self) -> MutexGuard<'_, Option<usize>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn add(&self) {
        if let Some(n) = self.waiting().as_mut() {
            *n += 1;
        }
    }

    fn remove(&self) {
        if let Some(n) = self.waiting().as_mut() {
            *n = n.saturating_sub(1);
        }
        self.drained.notify_all();
    }

    fn close(&self) {
        *self.waiting() = None;
        self.drained.notify_all();
    }

    /// Waits until at most `most` lines wait, the writer has ended, or `deadline`;
    /// `false` if more still wait.
    fn wait_below(&self, most: usize, deadline: Instant) -> bool {
        let mut waiting = self.waiting();
        while waiting.is_some_and(|n| n > most) {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            waiting = self
                .drained
                .wait_timeout(waiting, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}

/// The room's end of a member's queue of lines.
pub struct Outbox {
    lines: SyncSender<Arc<str>>,
    backlog: Arc<Backlog>,
}

impl Outbox {
    /// Queues `line` without waiting; an error if the queue is full or its writer gone.
    pub fn try_send(&self, line: Arc<str>) -> Result<(), TrySendError<Arc<str>>> {
        self.lines.try_send(line)?;
        self.backlog.add();
        Ok(())
    }
}

/// The writer's end of a member's queue of lines.
pub struct Inbox {
    lines: Receiver<Arc<str>>,
    backlog: Arc<Backlog>,
}

/// A member, as the room knows it.
struct Member {
    name: String,
    addr: SocketAddr,
    outbox: Outbox,
    /// The member's socket, to cut it off when it is dropped.
    socket: TcpStream,
}

/// Who is in the room, shared by every client's thread.
#[derive(Default)]
pub struct Room {
    members: Mutex<HashMap<u64, Member>>,
}

/// A new member's queue of lines: the room keeps the sending end, [`deliver`] the other.
pub fn outbox() -> (Outbox, Inbox) {
    let (lines, receiver) = sync_channel(OUTBOX);
    let backlog = Arc::new(Backlog {
        waiting: Mutex::new(Some(0)),
        drained: Condvar::new(),
    });
    let inbox = Inbox {
        lines: receiver,
        backlog: Arc::clone(&backlog),
    };
    (Outbox { lines, backlog }, inbox)
}

/// The writing thread of a member: sends it each line of its outbox until the
/// member leaves (the outbox closes) or cannot be written to.
pub fn deliver(mut stream: TcpStream, inbox: Inbox) {
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_ok() {
        for line in &inbox.lines {
            let sent = stream.write_all(line.as_bytes());
            lab_common::trace::send("cs", line.as_bytes(), &sent);
            if sent.is_err() {
                // Gone, or not reading: the reading thread sees the socket close and leaves.
                let _ = stream.shutdown(Shutdown::Both);
                break;
            }
            inbox.backlog.remove();
        }
    }
    // -- Nobody waits for this member's outbox to drain any more
    inbox.backlog.close();
}

impl Room {
    /// An empty room.
    pub fn new() -> Room {
        Room::default()
    }

    fn members(&self) -> MutexGuard<'_, HashMap<u64, Member>> {
        self.members.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds member `id` under `wanted` as its name (made unique), tells the others,
    /// and greets it. Returns the name it got.
    pub fn join(
        &self,
        id: u64,
        wanted: &str,
        addr: SocketAddr,
        outbox: Outbox,
        socket: TcpStream,
    ) -> String {
        let mut members = self.members();
        let mut name = if wanted.is_empty() {
            format!("guest{id}")
        } else {
            wanted.to_string()
        };
        // -- Taken? `<name>-<id>`, and if a member already chose that too, the next number
        let taken = |name: &str| members.values().any(|m| m.name == name);
        if taken(&name) {
            let wanted = name;
            name = (id..)
                .map(|n| format!("{wanted}-{n}"))
                .find(|candidate| !taken(candidate))
                .unwrap_or_else(|| format!("{wanted}-{id}"));
        }
        let mut others: Vec<&str> = members.values().map(|m| m.name.as_str()).collect();
        others.sort_unstable();
        let welcome = if others.is_empty() {
            format!("Welcome, {name}! Nobody else is here yet.\n")
        } else {
            format!("Welcome, {name}! Also here: {}.\n", others.join(", "))
        };
        // The outbox is new and empty: this cannot fill it.
        let _ = outbox.try_send(welcome.into());
        members.insert(
            id,
            Member {
                name: name.clone(),
                addr,
                outbox,
                socket,
            },
        );
        println!("{name} joined from {addr}");
        broadcast(&mut members, id, &format!("* {name} joined the room\n"));
        name
    }

    /// Member `id` says `line`: every other member gets `<name>: <line>`.
    pub fn say(&self, id: u64, line: &str) {
        let mut members = self.members();
        let Some(name) = members.get(&id).map(|m| m.name.clone()) else {
            return; // dropped meanwhile
        };
        println!("{name}: {line}");
        broadcast(&mut members, id, &format!("{name}: {line}\n"));
    }

    /// Member `id` leaves (if it was not dropped already); the others are told.
    pub fn leave(&self, id: u64) {
        let mut members = self.members();
        if let Some(member) = members.remove(&id) {
            println!("{} left", member.name);
            broadcast(
                &mut members,
                id,
                &format!("* {} left the room\n", member.name),
            );
        }
    }

    /// Waits until the outbox of every member but `id` is at most half full: the
    /// one who speaks goes at the pace of those who read, instead of their outboxes
    /// overflowing. A member still behind after [`CATCH_UP`] has stopped reading,
    /// and is dropped. Call it without holding the room.
    pub fn wait_for_readers(&self, id: u64) {
        let backlogs: Vec<(u64, Arc<Backlog>)> = self
            .members()
            .iter()
            .filter(|&(&other, _)| other != id)
            .map(|(&other, member)| (other, Arc::clone(&member.outbox.backlog)))
            .collect();
        let deadline = Instant::now() + CATCH_UP;
        let behind: Vec<u64> = backlogs
            .into_iter()
            .filter(|(_, backlog)| !backlog.wait_below(OUTBOX / 2, deadline))
            .map(|(other, _)| other)
            .collect();
        if !behind.is_empty() {
            let mut members = self.members();
            for other in behind {
                drop_member(&mut members, other, true);
            }
        }
    }

    /// Sends `line` to every member (a message from the server).
    pub fn announce(&self, line: &str) {
        broadcast(&mut self.members(), u64::MAX, line);
    }

    /// How many members are in the room.
    #[cfg(test)]
    pub fn count(&self) -> usize {
        self.members().len()
    }
}

/// Puts `text` in the outbox of every member but `from`, never waiting. Members
/// whose outbox is full are dropped, and the others told, which may drop more:
/// at most every member once, so this ends.
fn broadcast(members: &mut HashMap<u64, Member>, from: u64, text: &str) {
    let mut pending = vec![(from, Arc::<str>::from(text))];
    while let Some((from, text)) = pending.pop() {
        let mut dropped = Vec::new();
        for (&id, member) in members.iter() {
            if id == from {
                continue;
            }
            match member.outbox.try_send(Arc::clone(&text)) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => dropped.push((id, true)),
                Err(TrySendError::Disconnected(_)) => dropped.push((id, false)),
            }
        }
        for (id, slow) in dropped {
            if let Some(notice) = cut_off(members, id, slow) {
                pending.push((id, notice.into()));
            }
        }
    }
}

/// Drops member `id` (`slow`: it stopped reading; or it is gone) and tells the others.
fn drop_member(members: &mut HashMap<u64, Member>, id: u64, slow: bool) {
    if let Some(notice) = cut_off(members, id, slow) {
        broadcast(members, id, &notice);
    }
}

/// Removes member `id` and closes its connection; the notice for the others.
fn cut_off(members: &mut HashMap<u64, Member>, id: u64, slow: bool) -> Option<String> {
    let member = members.remove(&id)?;
    // Cut it off: its reading thread sees the socket close, and its writer stops.
    let _ = member.socket.shutdown(Shutdown::Both);
    if slow {
        println!(
            "Dropped {} ({}): it stopped reading, its lines were waiting for it",
            member.name, member.addr
        );
        Some(format!(
            "* {} was dropped: it stopped reading\n",
            member.name
        ))
    } else {
        println!("{} left", member.name);
        Some(format!("* {} left the room\n", member.name))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected pair of sockets: the room's side and the member's.
    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let member = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        (listener.accept().unwrap().0, member)
    }

    fn join(room: &Room, id: u64, name: &str) -> (Inbox, TcpStream) {
        let (server_side, member_side) = pair();
        let (tx, rx) = outbox();
        let addr = server_side.peer_addr().unwrap();
        room.join(id, name, addr, tx, server_side);
        (rx, member_side)
    }

    fn lines(rx: &Inbox) -> Vec<String> {
        let lines: Vec<String> = rx.lines.try_iter().map(|l| l.to_string()).collect();
        for _ in &lines {
            rx.backlog.remove();
        }
        lines
    }

    #[test]
    fn lines_go_to_everyone_else() {
        let room = Room::new();
        let (a, _a) = join(&room, 1, "ann");
        let (b, _b) = join(&room, 2, "bob");
        assert_eq!(
            lines(&a),
            [
                "Welcome, ann! Nobody else is here yet.\n",
                "* bob joined the room\n"
            ]
        );
        assert_eq!(lines(&b), ["Welcome, bob! Also here: ann.\n"]);
        room.say(1, "hi");
        assert_eq!(lines(&a), Vec::<String>::new());
        assert_eq!(lines(&b), ["ann: hi\n"]);
        room.leave(1);
        assert_eq!(lines(&b), ["* ann left the room\n"]);
        assert_eq!(room.count(), 1);
    }

    #[test]
    fn names_are_made_unique() {
        let room = Room::new();
        let (_a, _sa) = join(&room, 1, "ann");
        let (b, _sb) = join(&room, 2, "ann");
        let (c, _sc) = join(&room, 3, "");
        assert_eq!(lines(&b)[0], "Welcome, ann-2! Also here: ann.\n");
        assert!(lines(&c)[0].starts_with("Welcome, guest3!"));
    }

    #[test]
    fn a_made_up_name_is_unique_even_when_someone_chose_it() {
        let room = Room::new();
        let (_a, _sa) = join(&room, 1, "zed-3");
        let (_b, _sb) = join(&room, 2, "zed");
        let (c, _sc) = join(&room, 3, "zed");
        assert_eq!(lines(&c)[0], "Welcome, zed-4! Also here: zed, zed-3.\n");
    }

    #[test]
    fn a_member_whose_outbox_is_full_is_dropped_and_the_others_told() {
        let room = Room::new();
        let (_slow, _s) = join(&room, 1, "slow"); // nobody reads this outbox
        let (fast, _f) = join(&room, 2, "fast");
        let (_talker, _t) = join(&room, 3, "talker");
        let mut heard = lines(&fast).len();
        for i in 0..OUTBOX + 10 {
            room.say(3, &format!("line {i}"));
            heard += lines(&fast).len(); // fast reads as it goes
        }
        assert_eq!(room.count(), 2, "slow is dropped");
        assert!(heard >= OUTBOX + 10, "fast heard every line");
        room.say(3, "after");
        let last = lines(&fast);
        assert!(last.contains(&"talker: after\n".to_string()), "{last:?}");
    }

    #[test]
    fn one_who_speaks_waits_for_a_reader_to_catch_up_not_for_one_who_left() {
        let room = Room::new();
        let (reader, _r) = join(&room, 1, "reader");
        let (_talker, _t) = join(&room, 2, "talker");
        let _ = lines(&reader);
        for i in 0..OUTBOX / 2 + 1 {
            room.say(2, &format!("line {i}"));
        }
        let catching_up = std::thread::spawn(move || {
            let mut got = 0;
            while got < OUTBOX / 2 + 1 {
                got += lines(&reader).len();
            }
            reader
        });
        room.wait_for_readers(2); // returns once the reader has read enough
        let reader = catching_up.join().unwrap();
        reader.backlog.close(); // its writer ended: nothing to wait for
        for i in 0..OUTBOX / 2 + 1 {
            room.say(2, &format!("again {i}"));
        }
        room.wait_for_readers(2);
    }
}
