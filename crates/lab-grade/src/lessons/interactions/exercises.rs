//! The interactions page's three exercises, plain lines both ways: the password
//! server and client (port 41268), rock, paper, scissors (11268) and Kalah
//! (mancala, 11269).

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::super::{against, printed};
use crate::hostile::{self, Service};
use crate::net::show;
use crate::reference::Handler;
use crate::stage::{Failure, Needs, Server, Stage};
use crate::{Kind, Rubric, basics};

const PASSWORD_PORT: u16 = 41268;
const RPS_PORT: u16 = 11268;
const MANCALA_PORT: u16 = 11269;

/// The password the password server is graded with: the grader gives it to the
/// programs it starts as `LAB_PASSWORD` (or start it with a file that holds it).
pub const PASSWORD: &str = "open sesame";

/// The reply to a move that is not one.
const NOT_A_MOVE: &str = "not a move: play rock, paper or scissors";

/// Kalah's prompt to the player to move.
const PROMPT: &str = "Your move (pit 1-6): ";

/// The exercises' rubrics.
pub fn rubrics() -> Vec<Rubric> {
    vec![
        password_server(),
        password_client(),
        rps_server(),
        rps_client(),
        mancala_server(),
        mancala_client(),
    ]
}

/// A client of a line-based server.
struct Lines {
    reader: BufReader<TcpStream>,
}

impl Lines {
    fn connect(server: &mut Server) -> Result<Lines, Failure> {
        let stream = server.connect("a new client")?;
        Ok(Lines {
            reader: BufReader::new(stream.into()),
        })
    }

    fn send(&mut self, line: &str) {
        let _ = self
            .reader
            .get_mut()
            .write_all(format!("{line}\n").as_bytes());
    }

    /// The next line, without its line ending; `Ok(None)` when the server closed.
    fn next_line(&mut self) -> io::Result<Option<String>> {
        let mut line = Vec::new();
        if self.reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
    }

    /// The next line, or a failure saying what came instead of `expected`.
    fn line(&mut self, server: &mut Server, sent: &str, expected: &str) -> Result<String, Failure> {
        match self.next_line() {
            Ok(Some(line)) => Ok(line),
            Ok(None) => Err(server.fail(
                sent,
                expected,
                "the connection closed",
                "answer each line with a line",
            )),
            Err(e) => Err(server.fail(
                sent,
                expected,
                e.to_string(),
                "answer each line with a line",
            )),
        }
    }

    /// Whether the server closes the connection now (nothing more comes).
    fn closes(&mut self) -> bool {
        matches!(self.next_line(), Ok(None))
    }
}

/// A stage that expects the line `expected` in answer to `line`.
fn expect_answer(
    server: &mut Server,
    client: &mut Lines,
    line: &str,
    expected: &str,
    hint: &str,
) -> Result<(), Failure> {
    client.send(line);
    let sent = format!("the line {line:?}");
    let got = client.line(server, &sent, &format!("the line {expected:?}"))?;
    if got == expected {
        return Ok(());
    }
    Err(server.fail(
        sent,
        format!("the line {expected:?}"),
        format!("{got:?}"),
        hint,
    ))
}

fn listens() -> Stage {
    Stage::new("listens", "it starts and listens", |ctx| {
        ctx.server(&[]).map(drop)
    })
}

fn password_server() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        let mut client = Lines::connect(server)?;
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        expect_answer(
            server,
            &mut client,
            PASSWORD,
            "access granted",
            "answer the right password with `access granted`",
        )
    });
    let service = Service {
        lines: true,
        ..Service::new(serve)
    };
    let mut stages = vec![
        listens(),
        Stage::new(
            "grants_the_password",
            "the password gets `access granted`, then the connection closes",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = Lines::connect(&mut server)?;
                expect_answer(
                    &mut server,
                    &mut client,
                    PASSWORD,
                    "access granted",
                    "compare the try, without its newline, with the password",
                )?;
                if client.closes() {
                    return Ok(());
                }
                Err(server.fail(
                    "the password",
                    "the connection closed after `access granted`",
                    "it stayed open",
                    "close the connection once access is granted",
                ))
            },
        ),
        Stage::new(
            "denies_a_wrong_password",
            "a wrong password gets `access denied`, and the client may try again",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = Lines::connect(&mut server)?;
                expect_answer(
                    &mut server,
                    &mut client,
                    "open sesame!",
                    "access denied",
                    "a wrong try gets `access denied`",
                )?;
                expect_answer(
                    &mut server,
                    &mut client,
                    PASSWORD,
                    "access granted",
                    "after a wrong try, the client tries again on the same connection",
                )
            },
        ),
        Stage::new(
            "sends_away_after_three_wrong_tries",
            "the third wrong try gets `access denied` and `too many tries: goodbye`, then the connection closes",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = Lines::connect(&mut server)?;
                for guess in ["one", "two", "three"] {
                    expect_answer(
                        &mut server,
                        &mut client,
                        guess,
                        "access denied",
                        "a wrong try gets `access denied`",
                    )?;
                }
                let sent = "three wrong tries";
                let got = client.line(&mut server, sent, "`too many tries: goodbye`")?;
                if got == "too many tries: goodbye" && client.closes() {
                    return Ok(());
                }
                Err(server.fail(
                    sent,
                    "the line `too many tries: goodbye`, then the connection closed",
                    format!("{got:?}"),
                    "after 3 wrong tries, say goodbye and close",
                ))
            },
        ),
        Stage::new(
            "keeps_the_password_off_the_console",
            "the console shows each try's outcome, never the password or what was typed",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = Lines::connect(&mut server)?;
                let port = client
                    .reader
                    .get_ref()
                    .local_addr()
                    .map(|a| a.port())
                    .unwrap_or_default();
                expect_answer(
                    &mut server,
                    &mut client,
                    "my secret guess",
                    "access denied",
                    "",
                )?;
                expect_answer(&mut server, &mut client, PASSWORD, "access granted", "")?;
                let sent = "a wrong try, then the password";
                for outcome in ["denied", "granted"] {
                    server.expect_line(
                        sent,
                        &format!("with {outcome:?} and the client's port {port}"),
                        |l| l.contains(outcome) && l.contains(&port.to_string()),
                    )?;
                }
                let leaked = server
                    .program
                    .seen()
                    .iter()
                    .find(|l| l.contains(PASSWORD) || l.contains("my secret guess"))
                    .cloned();
                match leaked {
                    None => Ok(()),
                    Some(line) => Err(server.fail(
                        sent,
                        "no console line with the password or the try",
                        line,
                        "a console is seen by others: show the outcome, not what was typed",
                    )),
                }
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(
        "password-server",
        PASSWORD_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "password-server",
        lesson: "interactions",
        port: PASSWORD_PORT,
        kind: Kind::TcpServer,
        env: vec![("LAB_PASSWORD", PASSWORD)],
        stages,
    }
}

/// A line-based server for one client: answers each line it receives with the
/// next of `answers` (sent as they are), then closes. Gives back the lines, one a line.
fn answering(answers: &'static [&'static str]) -> Handler {
    Arc::new(move |stream| {
        let mut received = Vec::new();
        let mut reader = BufReader::new(&*stream);
        for answer in answers {
            match reader.read_until(b'\n', &mut received) {
                Ok(n) if n > 0 => {}
                _ => break,
            }
            if (&*stream).write_all(answer.as_bytes()).is_err() {
                break;
            }
        }
        received
    })
}

fn password_client() -> Rubric {
    let mut stages = vec![
        Stage::new(
            "tries_until_granted",
            "sends each typed line as a try until `access granted`, prints the answers, status 0",
            |ctx| {
                let server = answering(&["access denied\n", "access granted\n"]);
                let (mut finished, received) =
                    against(ctx, server, &[], b"guess\nopen sesame\nmore\n")?;
                let sent = "the client, typing `guess`, `open sesame`, `more`";
                let got = received.first().cloned().unwrap_or_default();
                if got != b"guess\nopen sesame\n" {
                    return Err(finished.fail(
                        sent,
                        show(b"guess\nopen sesame\n", 60),
                        show(&got, 60),
                        "send each try as a line, and stop once granted",
                    ));
                }
                for answer in ["access denied", "access granted"] {
                    printed(&mut finished, sent, answer, "print each answer")?;
                }
                finished.succeeded(sent)
            },
        ),
        Stage::new("asks_with_the_prompt", "asks `Password: `", |ctx| {
            let server = answering(&["access granted\n"]);
            let (mut finished, _) = against(ctx, server, &[], b"open sesame\n")?;
            printed(
                &mut finished,
                "the client",
                "Password: ",
                "ask with the exercise's prompt",
            )
        }),
        Stage::new(
            "fails_when_sent_away",
            "a server that says `too many tries: goodbye` and closes: the words printed, status 1",
            |ctx| {
                let server = answering(&[
                    "access denied\n",
                    "access denied\ntoo many tries: goodbye\n",
                ]);
                let (mut finished, _) = against(ctx, server, &[], b"a\nb\nc\n")?;
                let sent = "the client, against a server that sends it away after 2 tries";
                printed(
                    &mut finished,
                    sent,
                    "too many tries: goodbye",
                    "print what the server says",
                )?;
                if finished.code == Some(1) {
                    return Ok(());
                }
                let status = finished.status.clone();
                Err(finished.fail(sent, "status 1", status, "access was not granted: exit 1"))
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(basics::client("password-client", PASSWORD_PORT));
    Rubric {
        program: "password-client",
        lesson: "interactions",
        port: PASSWORD_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

/// The outcome for a player playing `theirs` against the server's `mine`.
fn outcome(mine: &str, theirs: &str) -> &'static str {
    let beats = |a: &str, b: &str| {
        matches!(
            (a, b),
            ("rock", "scissors") | ("paper", "rock") | ("scissors", "paper")
        )
    };
    if mine == theirs {
        "a draw"
    } else if beats(theirs, mine) {
        "you win"
    } else {
        "you lose"
    }
}

/// Checks an rps reply to the move `theirs`, given the score before it;
/// gives back the score after it, or what is wrong.
fn check_rps(reply: &str, theirs: &str, score: [u32; 3]) -> Result<[u32; 3], String> {
    let rest = reply
        .strip_prefix("server plays ")
        .ok_or("no `server plays ` at the start")?;
    let (mine, rest) = rest.split_once(": ").ok_or("no `: ` after the move")?;
    if !["rock", "paper", "scissors"].contains(&mine) {
        return Err(format!("{mine:?} is not a move"));
    }
    let expected_outcome = outcome(mine, theirs);
    let mut after = score;
    match expected_outcome {
        "you win" => after[0] += 1,
        "you lose" => after[1] += 1,
        _ => after[2] += 1,
    }
    let expected = format!(
        "{expected_outcome} (score: you {}, server {}, draws {})",
        after[0], after[1], after[2]
    );
    if rest == expected {
        Ok(after)
    } else {
        Err(format!(
            "after `server plays {mine}: `, {expected:?} was due"
        ))
    }
}

/// Plays `moves` on `client`, checking each reply and the score kept.
fn play_rps(server: &mut Server, client: &mut Lines, moves: &[&str]) -> Result<(), Failure> {
    let mut score = [0; 3];
    for played in moves {
        client.send(played);
        let sent = format!("the move {played:?}");
        let expected = "`server plays <move>: <outcome> (score: you <n>, server <m>, draws <k>)`";
        let reply = client.line(server, &sent, expected)?;
        let theirs = played.trim().to_lowercase();
        score = check_rps(&reply, &theirs, score).map_err(|why| {
            server.fail(
                &sent,
                expected,
                format!("{reply:?}: {why}"),
                "one line per move: the server's move, the outcome, the score kept for this connection",
            )
        })?;
    }
    Ok(())
}

fn rps_server() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        let mut client = Lines::connect(server)?;
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        play_rps(server, &mut client, &["rock"])
    });
    let service = Service {
        lines: true,
        ..Service::new(serve)
    };
    let mut stages = vec![
        listens(),
        Stage::new(
            "plays_and_keeps_the_score",
            "answers each move with `server plays <move>: <outcome> (score: ...)`, the score kept",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = Lines::connect(&mut server)?;
                play_rps(
                    &mut server,
                    &mut client,
                    &["rock", "paper", "scissors", "rock", "paper", "scissors"],
                )
            },
        ),
        Stage::new(
            "takes_moves_in_any_case",
            "`ROCK` and ` Paper ` are moves too",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = Lines::connect(&mut server)?;
                play_rps(&mut server, &mut client, &["ROCK", " Paper ", "sCiSsOrS"])
            },
        ),
        Stage::new(
            "answers_what_is_not_a_move",
            "anything else gets `not a move: play rock, paper or scissors`, the score unchanged",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = Lines::connect(&mut server)?;
                for bad in ["lizard", "", "rockpaper"] {
                    expect_answer(
                        &mut server,
                        &mut client,
                        bad,
                        NOT_A_MOVE,
                        "a line that is not a move gets the exercise's answer",
                    )?;
                }
                // The score starts from nothing still.
                play_rps(&mut server, &mut client, &["rock"])
            },
        ),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(
        "rps-server",
        RPS_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "rps-server",
        lesson: "interactions",
        port: RPS_PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

const RPS_REPLY: &str = "server plays paper: a draw (score: you 0, server 0, draws 1)\n";

fn rps_client() -> Rubric {
    let mut stages = vec![
        Stage::new(
            "sends_each_move_as_a_line",
            "sends each typed move as a line and prints each reply",
            |ctx| {
                let server = answering(&[RPS_REPLY, RPS_REPLY, RPS_REPLY]);
                let (mut finished, received) = against(ctx, server, &[], b"rock\nScissors \n")?;
                let sent = "the client, typing `rock`, `Scissors `";
                let got = received.first().cloned().unwrap_or_default();
                if got != b"rock\nScissors \n" {
                    return Err(finished.fail(
                        sent,
                        show(b"rock\nScissors \n", 60),
                        show(&got, 60),
                        "send each move as typed, one line each",
                    ));
                }
                printed(
                    &mut finished,
                    sent,
                    RPS_REPLY.trim_end(),
                    "print each reply",
                )?;
                finished.succeeded(sent)
            },
        ),
        Stage::new(
            "asks_with_the_prompt",
            "asks `Your move (rock, paper, scissors): `",
            |ctx| {
                let server = answering(&[RPS_REPLY]);
                let (mut finished, _) = against(ctx, server, &[], b"rock\n")?;
                printed(
                    &mut finished,
                    "the client",
                    "Your move (rock, paper, scissors): ",
                    "ask with the exercise's prompt",
                )
            },
        ),
        Stage::new(
            "an_empty_line_ends_the_game",
            "an empty line ends the game: nothing more sent, status 0",
            |ctx| {
                let server = answering(&[RPS_REPLY, RPS_REPLY]);
                let (mut finished, received) = against(ctx, server, &[], b"paper\n\nrock\n")?;
                let sent = "the client, typing `paper`, an empty line, `rock`";
                let got = received.first().cloned().unwrap_or_default();
                if got != b"paper\n" {
                    return Err(finished.fail(
                        sent,
                        show(b"paper\n", 60),
                        show(&got, 60),
                        "an empty line ends the game",
                    ));
                }
                finished.succeeded(sent)
            },
        ),
    ];
    stages.extend(basics::client("rps-client", RPS_PORT));
    Rubric {
        program: "rps-client",
        lesson: "interactions",
        port: RPS_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

/// Reads `player`'s lines until one starts with one of `starts`; `None` if the
/// connection closes first.
fn read_to(
    server: &mut Server,
    player: &mut Lines,
    sent: &str,
    starts: &[&str],
) -> Result<Option<String>, Failure> {
    loop {
        match player.next_line() {
            Ok(Some(line)) if starts.iter().any(|s| line.starts_with(s)) => return Ok(Some(line)),
            Ok(Some(_)) => {}
            Ok(None) => return Ok(None),
            Err(e) => {
                return Err(server.fail(
                    sent,
                    format!("a line starting with one of {starts:?}"),
                    e.to_string(),
                    "send the player to move the prompt `Your move (pit 1-6): `",
                ));
            }
        }
    }
}

/// Seats two players (after `delay`) and gives back player 1, prompted to move,
/// and player 2. A player 1 left from before is found out once the game starts:
/// then the second client is player 1 of the next game, and a third comes.
fn seat_two(server: &mut Server, delay: Duration) -> Result<(Lines, Lines), Failure> {
    let mut one = Lines::connect(server)?;
    if !delay.is_zero() {
        thread::sleep(delay);
    }
    let mut two = Lines::connect(server)?;
    let sent = "two players";
    if read_to(server, &mut one, sent, &[PROMPT])?.is_some() {
        return Ok((one, two));
    }
    let three = Lines::connect(server)?;
    match read_to(server, &mut two, sent, &[PROMPT])? {
        Some(_) => Ok((two, three)),
        None => Err(server.fail(
            sent,
            format!("a line starting with {PROMPT:?} to player 1"),
            "the connection closed",
            "when two players have come, the game starts: prompt player 1",
        )),
    }
}

/// Plays a whole game against the computer, taking at each prompt the next pit
/// in turn (an empty pit gets the prompt again); gives back the `Game over: ` line.
fn play_mancala(server: &mut Server, me: &mut Lines) -> Result<String, Failure> {
    let sent = "a whole game against the computer, pits 1 to 6 in turn";
    let mut pit = 1;
    for _ in 0..400 {
        match read_to(server, me, sent, &[PROMPT, "Game over: "])? {
            Some(line) if line.starts_with("Game over: ") => return Ok(line),
            Some(_) => {
                me.send(&pit.to_string());
                pit = pit % 6 + 1;
            }
            None => {
                return Err(server.fail(
                    sent,
                    "the game goes on to a `Game over: ` line",
                    "the connection closed",
                    "a game ends with a line starting `Game over: `",
                ));
            }
        }
    }
    Err(server.fail(
        sent,
        "a `Game over: ` line within 400 prompts",
        "no end",
        "when one side is empty, the game ends",
    ))
}

fn mancala_server() -> Rubric {
    let serve: hostile::Serve =
        Arc::new(|server: &mut Server, delay: Duration| seat_two(server, delay).map(drop));
    let service = Service {
        lines: true,
        ..Service::new(serve)
    };
    let mut stages = vec![
        listens(),
        Stage::new(
            "prompts_player_1",
            "when two players have come, player 1 gets `Your move (pit 1-6): `",
            |ctx| {
                let mut server = ctx.server(&[])?;
                seat_two(&mut server, Duration::ZERO).map(drop)
            },
        ),
        Stage::new(
            "asks_again_after_a_bad_move",
            "a move that is not a pit 1-6 gets a line saying so and the prompt again",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let (mut one, _two) = seat_two(&mut server, Duration::ZERO)?;
                for bad in ["three", "0", "7"] {
                    one.send(bad);
                    let sent = format!("the move {bad:?}");
                    let why = one.line(&mut server, &sent, "a line saying what is wrong")?;
                    let again = read_to(&mut server, &mut one, &sent, &[PROMPT])?;
                    if why.starts_with(PROMPT) || again.is_none() {
                        return Err(server.fail(
                            sent,
                            format!("a line saying what is wrong, then {PROMPT:?} again"),
                            format!("{why:?}"),
                            "tell the player what is wrong with the move, and ask again",
                        ));
                    }
                }
                Ok(())
            },
        ),
        Stage::new(
            "plays_to_game_over",
            "a whole game (`--vs-computer`) ends with `Game over: ` and the stores as `<a> to <b>`",
            |ctx| {
                let mut server = ctx.server(&["--vs-computer"])?;
                let mut me = Lines::connect(&mut server)?;
                let over = play_mancala(&mut server, &mut me)?;
                let stores: Vec<u32> = over
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|n| n.parse().ok())
                    .collect();
                let counted =
                    over.contains(" to ") && stores.iter().rev().take(2).sum::<u32>() == 48;
                if counted {
                    return Ok(());
                }
                Err(server.fail(
                    "a whole game",
                    "`Game over: ` naming the winner and the stores as `<a> to <b>` (48 stones)",
                    over,
                    "at the end, every stone is in a store: say the two counts",
                ))
            },
        ),
    ];
    // A player 1 waiting for player 2 is not read until the game starts: one who
    // only ends its sending (an empty connection, a half-close) is found out then,
    // and a stage waiting for the server to close it would wait its whole
    // patience. A reset and the other harms are graded; its tests cover those two.
    stages.extend(
        hostile::stages(&service)
            .into_iter()
            .filter(|s| !["empty_connection", "half_close"].contains(&s.id)),
    );
    stages.extend(basics::server(
        "mancala-server",
        MANCALA_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "mancala-server",
        lesson: "interactions",
        port: MANCALA_PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// A Kalah server for one client: sends `script`, line by line; after each
/// prompt, reads the pit. Gives back the pits, one a line.
fn kalah(script: &'static [&'static str]) -> Handler {
    Arc::new(move |stream| {
        let mut pits = Vec::new();
        let mut reader = BufReader::new(&*stream);
        for line in script {
            if (&*stream)
                .write_all(format!("{line}\n").as_bytes())
                .is_err()
            {
                break;
            }
            if *line == PROMPT {
                match reader.read_until(b'\n', &mut pits) {
                    Ok(n) if n > 0 => {}
                    _ => break,
                }
            }
        }
        pits
    })
}

const GAME: &[&str] = &[
    "Welcome to Kalah: you are player 1, the computer is player 2.",
    "  player 2     6    5    4    3    2    1",
    PROMPT,
    "Pit 9 is not there",
    PROMPT,
    "Move: player 1 plays pit 3.",
    "Game over: player 1 wins, 30 to 18",
];

fn mancala_client() -> Rubric {
    let mut stages = vec![Stage::new(
        "answers_each_prompt_with_a_line",
        "prints what the server sends; answers each prompt with a typed line",
        |ctx| {
            let (mut finished, received) = against(ctx, kalah(GAME), &[], b"9\n3\n4\n")?;
            let sent = "the client, typing 9, 3, 4, against a server prompting twice";
            let got = received.first().cloned().unwrap_or_default();
            if got != b"9\n3\n" {
                return Err(finished.fail(
                    sent,
                    show(b"9\n3\n", 60),
                    show(&got, 60),
                    "send one typed line per prompt, only when prompted",
                ));
            }
            for line in ["Pit 9 is not there", "Game over: player 1 wins, 30 to 18"] {
                printed(&mut finished, sent, line, "print what the server sends")?;
            }
            finished.succeeded(sent)
        },
    )];
    stages.extend(basics::client("mancala-client", MANCALA_PORT));
    Rubric {
        program: "mancala-client",
        lesson: "interactions",
        port: MANCALA_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}
