//! The servers a client is graded against, run by the grader itself (a thread
//! each): they behave as the lesson's servers do, and record what the client sent.
//!
//! A reference server listens on a free port (or on the lesson's port, when the
//! client under test has no `{port}`), serves clients one at a time with a
//! handler, and stops when [`Reference::finish`] is called, giving back what each
//! client sent.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::runner::PortChoice;
use crate::stage::{Ctx, Failure};

/// Serves one client on its connection; gives back what it received.
pub type Handler = Arc<dyn Fn(&mut TcpStream) -> Vec<u8> + Send + Sync>;

/// A reference TCP server, running.
#[derive(Debug)]
pub struct Reference {
    /// Its address.
    pub addr: SocketAddr,
    /// The port the grader's own wake-up connection comes from, once it stops.
    stop: Arc<AtomicU16>,
    serving: Option<JoinHandle<Vec<Vec<u8>>>>,
}

/// Where a reference server listens for the client `ctx` starts.
fn reference_addr(ctx: &Ctx) -> SocketAddr {
    let port = match ctx.launch.port {
        PortChoice::Lesson(port) => port,
        _ => 0,
    };
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

fn no_reference(e: &io::Error, addr: SocketAddr) -> Failure {
    Failure::new(
        "",
        format!("the grader's reference server on {addr}"),
        e.to_string(),
        "the grader could not listen there: is another server on that port?",
    )
}

impl Reference {
    /// Starts a reference server for the client `ctx` starts, serving each
    /// connection with `handler` (with the grader's patience as its timeouts).
    pub fn start(ctx: &Ctx, handler: Handler) -> Result<Reference, Failure> {
        let wanted = reference_addr(ctx);
        let listener = TcpListener::bind(wanted).map_err(|e| no_reference(&e, wanted))?;
        let addr = listener
            .local_addr()
            .map_err(|e| no_reference(&e, wanted))?;
        let stop = Arc::new(AtomicU16::new(0));
        let stopping = Arc::clone(&stop);
        let patience = ctx.patience;
        let serving = thread::spawn(move || {
            let mut received = Vec::new();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                // Clients that came before the wake-up connection are still served.
                let from = stream.peer_addr().map(|a| a.port()).unwrap_or_default();
                if from == stopping.load(Ordering::SeqCst) {
                    break;
                }
                let _ = stream.set_read_timeout(Some(patience));
                let _ = stream.set_write_timeout(Some(patience));
                received.push(handler(&mut stream));
            }
            received
        });
        Ok(Reference {
            addr,
            stop,
            serving: Some(serving),
        })
    }

    /// Stops the server, and gives back what each client sent, in order.
    pub fn finish(mut self) -> Vec<Vec<u8>> {
        self.stop_serving()
    }

    fn stop_serving(&mut self) -> Vec<Vec<u8>> {
        let Some(serving) = self.serving.take() else {
            return Vec::new();
        };
        // Wake its accept(): a connection of our own, from a port it knows.
        if let Ok(waker) = wake_socket(socket2::Type::STREAM, &self.stop) {
            let _ = waker.connect_timeout(&self.addr.into(), Duration::from_secs(5));
        }
        serving.join().unwrap_or_default()
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        self.stop_serving();
    }
}

/// A socket on loopback whose port is stored in `stop` before it is used: the
/// reference server stops at what comes from that port.
fn wake_socket(kind: socket2::Type, stop: &AtomicU16) -> io::Result<socket2::Socket> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, kind, None)?;
    socket.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())?;
    let port = socket
        .local_addr()?
        .as_socket()
        .map(|a| a.port())
        .ok_or_else(|| io::Error::other("not an IP address"))?;
    stop.store(port, Ordering::SeqCst);
    Ok(socket)
}

/// The Session 10 servers: one message (one read of 2048 bytes), the reply
/// `reply(message)`, then close.
pub fn one_shot(reply: fn(&str) -> String) -> Handler {
    Arc::new(move |stream| {
        let mut buffer = [0; 2048];
        let n = stream.read(&mut buffer).unwrap_or(0);
        let msg = String::from_utf8_lossy(&buffer[..n]);
        let _ = stream.write_all(reply(&msg).as_bytes());
        buffer[..n].to_vec()
    })
}

/// A server that sends `data` and closes, reading nothing (the time servers).
pub fn sending(data: &'static [u8]) -> Handler {
    Arc::new(move |stream| {
        let _ = stream.write_all(data);
        Vec::new()
    })
}

/// A server that reads until the client closes, and sends nothing.
pub fn recording() -> Handler {
    Arc::new(|stream| {
        let mut received = Vec::new();
        let _ = stream.read_to_end(&mut received);
        received
    })
}

/// The page's `echo_server.py`: echoes every read until the client closes.
pub fn echo() -> Handler {
    Arc::new(|stream| {
        let mut received = Vec::new();
        let mut buffer = [0; 1024];
        while let Ok(n) = stream.read(&mut buffer) {
            if n == 0 || stream.write_all(&buffer[..n]).is_err() {
                break;
            }
            received.extend_from_slice(&buffer[..n]);
        }
        received
    })
}

/// The page's dealer with the secret `secret`, answering at most `answers`
/// guesses; gives back the guesses, one per line.
pub fn dealer(secret: i64, answers: usize) -> Handler {
    Arc::new(move |stream| {
        let mut guesses = Vec::new();
        for _ in 0..answers {
            let mut guess = [0; 80];
            let n = stream.read(&mut guess).unwrap_or(0);
            if n == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&guess[..n]).into_owned();
            let reply = match text.trim().parse::<i64>() {
                Ok(n) if n < secret => "too low",
                Ok(n) if n > secret => "too high",
                Ok(_) => "found the secret",
                Err(_) => "not a whole number: guess a whole number from 0 to 9",
            };
            guesses.extend_from_slice(text.as_bytes());
            guesses.push(b'\n');
            if stream.write_all(reply.as_bytes()).is_err() || reply == "found the secret" {
                break;
            }
        }
        guesses
    })
}

/// A reference UDP server: ignores the first `lose` datagrams, answers the
/// others with `answer`.
#[derive(Debug)]
pub struct UdpReference {
    /// Its address.
    pub addr: SocketAddr,
    /// The port the grader's own wake-up datagram comes from, once it stops.
    stop: Arc<AtomicU16>,
    serving: Option<JoinHandle<usize>>,
}

impl UdpReference {
    /// Starts it for the client `ctx` starts; with `answer` as `None` it never answers.
    pub fn start(
        ctx: &Ctx,
        lose: usize,
        answer: Option<&'static [u8]>,
    ) -> Result<UdpReference, Failure> {
        let wanted = reference_addr(ctx);
        let socket = UdpSocket::bind(wanted).map_err(|e| no_reference(&e, wanted))?;
        let addr = socket.local_addr().map_err(|e| no_reference(&e, wanted))?;
        let stop = Arc::new(AtomicU16::new(0));
        let stopping = Arc::clone(&stop);
        let serving = thread::spawn(move || {
            let mut got = 0;
            let mut request = [0; 2048];
            while let Ok((_, from)) = socket.recv_from(&mut request) {
                if from.port() == stopping.load(Ordering::SeqCst) {
                    break;
                }
                got += 1;
                if let Some(answer) = answer.filter(|_| got > lose) {
                    let _ = socket.send_to(answer, from);
                }
            }
            got
        });
        Ok(UdpReference {
            addr,
            stop,
            serving: Some(serving),
        })
    }

    /// Stops it; gives back how many datagrams it received.
    pub fn finish(mut self) -> usize {
        self.stop_serving()
    }

    fn stop_serving(&mut self) -> usize {
        let Some(serving) = self.serving.take() else {
            return 0;
        };
        // Wake its recv_from(): a datagram of our own, from a port it knows.
        if let Ok(waker) = wake_socket(socket2::Type::DGRAM, &self.stop) {
            let _ = waker.send_to(b"", &self.addr.into());
        }
        serving.join().unwrap_or_default()
    }
}

impl Drop for UdpReference {
    fn drop(&mut self) {
        self.stop_serving();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::runner::Launch;

    fn ctx() -> Ctx {
        Ctx {
            launch: Launch::ours("client", false),
            patience: Duration::from_secs(20),
            silent: Duration::from_secs(20),
            udp: false,
            required: Vec::new(),
        }
    }

    #[test]
    fn a_one_shot_reference_records_and_replies() {
        let server = Reference::start(&ctx(), one_shot(|m| format!("ECHO: {m}\n"))).unwrap();
        let reply = crate::net::talk(server.addr, b"Test", Duration::from_secs(20)).unwrap();
        assert_eq!(reply.data, b"ECHO: Test\n");
        assert_eq!(server.finish(), [b"Test".to_vec()]);
    }

    #[test]
    fn the_reference_dealer_plays() {
        let server = Reference::start(&ctx(), dealer(3, 10)).unwrap();
        let mut player = TcpStream::connect(server.addr).unwrap();
        let mut answer = [0; 80];
        for (guess, expected) in [
            ("5", "too high"),
            ("x", "not a whole"),
            ("3", "found the secret"),
        ] {
            player.write_all(guess.as_bytes()).unwrap();
            let n = player.read(&mut answer).unwrap();
            assert!(String::from_utf8_lossy(&answer[..n]).starts_with(expected));
        }
        drop(player);
        assert_eq!(server.finish(), [b"5\nx\n3\n".to_vec()]);
    }

    #[test]
    fn a_udp_reference_loses_then_answers() {
        let server = UdpReference::start(&ctx(), 1, Some(b"time")).unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        client.send_to(b"1", server.addr).unwrap();
        client.send_to(b"2", server.addr).unwrap();
        let mut answer = [0; 16];
        let n = client.recv(&mut answer).unwrap();
        assert_eq!(&answer[..n], b"time");
        assert_eq!(server.finish(), 2);
    }
}
