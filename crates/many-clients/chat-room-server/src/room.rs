//! The room: who is in it, and delivering each line to everyone else.
//!
//! Every member has a thread that reads what it sends (in `main.rs`) and a thread
//! that writes what the room sends it ([`deliver`]), fed by a bounded queue of
//! lines, its *outbox*. Saying something puts the line in every other member's
//! outbox with `try_send`, which never waits: a member who stops reading fills its
//! socket's buffers, then its outbox, and is dropped from the room, instead of
//! making the one who spoke (and so the whole room) wait for it.

use std::collections::HashMap;
use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Lines waiting for a member who is slow to read; one more and it is dropped.
pub const OUTBOX: usize = 256;

/// How long writing to a member may block before it counts as gone.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// A member, as the room knows it.
struct Member {
    name: String,
    addr: SocketAddr,
    outbox: SyncSender<Arc<str>>,
    /// The member's socket, to cut it off when it is dropped.
    socket: TcpStream,
}

/// Who is in the room, shared by every client's thread.
#[derive(Default)]
pub struct Room {
    members: Mutex<HashMap<u64, Member>>,
}

/// A new member's queue of lines: the room keeps the sending end, [`deliver`] the other.
pub fn outbox() -> (SyncSender<Arc<str>>, Receiver<Arc<str>>) {
    sync_channel(OUTBOX)
}

/// The writing thread of a member: sends it each line of its outbox until the
/// member leaves (the outbox closes) or cannot be written to.
pub fn deliver(mut stream: TcpStream, lines: Receiver<Arc<str>>) {
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    for line in lines {
        let sent = stream.write_all(line.as_bytes());
        lab_common::trace::send("cs", line.as_bytes(), &sent);
        if sent.is_err() {
            // Gone, or not reading: the reading thread sees the socket close and leaves.
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
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
        outbox: SyncSender<Arc<str>>,
        socket: TcpStream,
    ) -> String {
        let mut members = self.members();
        let mut name = if wanted.is_empty() {
            format!("guest{id}")
        } else {
            wanted.to_string()
        };
        if members.values().any(|m| m.name == name) {
            name = format!("{name}-{id}");
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
            let Some(member) = members.remove(&id) else {
                continue;
            };
            // Cut it off: its reading thread sees the socket close, and its writer stops.
            let _ = member.socket.shutdown(Shutdown::Both);
            if slow {
                println!(
                    "Dropped {} ({}): it stopped reading, {OUTBOX} lines were waiting for it",
                    member.name, member.addr
                );
                let notice = format!("* {} was dropped: it stopped reading\n", member.name);
                pending.push((id, notice.into()));
            } else {
                println!("{} left", member.name);
                pending.push((id, format!("* {} left the room\n", member.name).into()));
            }
        }
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

    fn join(room: &Room, id: u64, name: &str) -> (Receiver<Arc<str>>, TcpStream) {
        let (server_side, member_side) = pair();
        let (tx, rx) = outbox();
        let addr = server_side.peer_addr().unwrap();
        room.join(id, name, addr, tx, server_side);
        (rx, member_side)
    }

    fn lines(rx: &Receiver<Arc<str>>) -> Vec<String> {
        rx.try_iter().map(|l| l.to_string()).collect()
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
}
