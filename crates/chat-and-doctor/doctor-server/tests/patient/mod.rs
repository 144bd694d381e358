//! A patient of a doctor server, for the tests of both doctor servers: it checks
//! the greeting and that every reply is one Lambert's Doctor could give.

use std::io::Write;
use std::net::TcpStream;

use doctor::Doctor;
use lab_test::{Program, connect, read_once};

/// A client of a doctor server, remembering what it said.
pub struct Patient {
    /// The connection.
    pub stream: TcpStream,
    said: Vec<String>,
}

impl Patient {
    /// Connects to `server` and checks the Doctor's greeting, byte for byte.
    pub fn new(server: &Program) -> Patient {
        let mut stream = connect(server.addr());
        assert_eq!(read_once(&mut stream), doctor::GREETING, "the greeting");
        Patient {
            stream,
            said: Vec::new(),
        }
    }

    /// Sends `message` and checks that the reply (one read) is one the Doctor may
    /// give after what this patient said before.
    pub fn say(&mut self, message: &str) -> String {
        let mut dr = Doctor::new(Some(0));
        for said in &self.said {
            dr.reply(said);
        }
        let possible = dr.possible_replies(message);
        self.stream.write_all(message.as_bytes()).unwrap();
        let reply = read_once(&mut self.stream);
        assert!(
            possible.contains(&reply),
            "the reply to {message:?} was {reply:?}, not one of {possible:#?}"
        );
        self.said.push(message.to_string());
        reply
    }
}
