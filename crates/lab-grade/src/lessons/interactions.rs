//! The interactions page (`crates/interactions/`): the TCP server and client
//! (port 41267) and the guessing game's dealer and player (port 11267); the
//! page's exercises are in [`exercises`].

pub mod exercises;

use std::io::Write;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use super::{against, printed};
use crate::hostile::{self, Service};
use crate::net::{self, Replies, show};
use crate::reference;
use crate::stage::{Failure, Finished, Needs, Server, Stage, StageKind};
use crate::{Kind, Rubric, basics};

const TCP_PORT: u16 = 41267;
const GAME_PORT: u16 = 11267;

/// The dealer's three answers, as the page writes them.
const ANSWERS: [&str; 3] = ["too low", "too high", "found the secret"];

/// The rubrics of the interactions page.
pub fn rubrics() -> Vec<Rubric> {
    let mut all = vec![tcp_server(), tcp_client(), dealer(), player()];
    all.extend(exercises::rubrics());
    all
}

fn tcp_server() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        let mut client = server.connect("a new client")?;
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        let _ = client.write_all(b"next");
        let _ = net::read_to_end(&mut client);
        server
            .expect_line(
                "a new client sending \"next\"",
                "`server received \"next\"`",
                |l| l.contains("received") && l.contains("next"),
            )
            .map(drop)
    });
    let service = Service {
        one_client: true,
        one_message: true,
        ..Service::new(serve)
    };
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "prints_the_message",
            "prints `server received \"<message>\"`",
            |ctx| {
                let mut server = ctx.server(&[])?;
                server.talk(b"hello there")?;
                server
                    .expect_line(
                        "a client sending \"hello there\"",
                        "`server received \"hello there\"`",
                        |l| l.contains("received") && l.contains("\"hello there\""),
                    )
                    .map(drop)
            },
        ),
        Stage::new(
            "finishes_after_one_message",
            "sends nothing back and finishes with status 0",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let got = server.talk(b"hello there")?;
                if !got.data.is_empty() {
                    let shown = show(&got.data, 60);
                    return Err(server.fail(
                        "a client sending \"hello there\"",
                        "no reply",
                        shown,
                        "the page's server sends nothing back",
                    ));
                }
                match server.program.wait_exit(server.patience) {
                    Ok(status) if status.success() => Ok(()),
                    Ok(status) => {
                        let status = crate::runner::describe(status);
                        Err(server.fail(
                            "a client sending \"hello there\"",
                            "status 0",
                            status,
                            "finishing after the message is the normal end",
                        ))
                    }
                    Err(waited) => Err(server.fail(
                        "a client sending \"hello there\"",
                        "the server finishes",
                        waited.to_string(),
                        "the page's server serves one message and finishes",
                    )),
                }
            },
        ),
        Stage::new(
            "receives_at_most_80_bytes",
            "reads one message of at most 80 bytes",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut client = server.connect("a client sending 200 bytes")?;
                let _ = client.write_all(&[b'a'; 200]);
                let eighty = "a".repeat(80);
                server
                    .expect_line("a client sending 200 `a`", "with 80 `a`, no more", |l| {
                        l.contains(&eighty) && !l.contains(&format!("{eighty}a"))
                    })
                    .map(drop)
            },
        ),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server(
        "tcp-server",
        TCP_PORT,
        Needs::FlagsAndSignals,
    ));
    Rubric {
        program: "tcp-server",
        lesson: "interactions",
        port: TCP_PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// A stage that types `input` into the TCP client and checks what the server got.
fn tcp_client_sends(
    id: &'static str,
    checks: &'static str,
    input: &'static [u8],
    expected: &'static [u8],
) -> Stage {
    Stage::new(id, checks, move |ctx| {
        let (mut finished, received) = against(ctx, reference::recording(), &[], input)?;
        let sent = format!("the client, typing {}", show(input, 40));
        if received.first().map(Vec::as_slice) != Some(expected) {
            let got: Vec<String> = received.iter().map(|r| show(r, 60)).collect();
            return Err(finished.fail(
                sent,
                show(expected, 60),
                format!("{got:?}"),
                "send the typed line, without its line ending",
            ));
        }
        finished.succeeded(&sent)
    })
}

fn tcp_client() -> Rubric {
    let mut stages = vec![
        tcp_client_sends(
            "sends_the_line",
            "sends the typed line, without its newline",
            b"hello there\n",
            b"hello there",
        ),
        Stage::new(
            "prints_the_lesson_lines",
            "prints `client is connected` and `Give message : `",
            |ctx| {
                let (mut finished, _) = against(ctx, reference::recording(), &[], b"hello\n")?;
                printed(
                    &mut finished,
                    "the client",
                    "client is connected",
                    "print the page's lines",
                )?;
                printed(
                    &mut finished,
                    "the client",
                    "Give message : ",
                    "ask with the page's prompt",
                )
            },
        ),
        tcp_client_sends(
            "drops_a_windows_line_ending",
            "drops a Windows line ending too",
            b"hello\r\n",
            b"hello",
        )
        // The page's Python sends the \r: a convention of ours.
        .needs(Needs::Flags),
        tcp_client_sends(
            "sends_only_the_first_line",
            "sends the first line only",
            b"first\nsecond\n",
            b"first",
        ),
        Stage::new(
            "says_when_standard_input_is_empty",
            "with no input at all: status 1, no crash",
            |ctx| {
                let (mut finished, _) = against(ctx, reference::recording(), &[], b"")?;
                finished.failed_saying(
                    "the client, with empty input",
                    "Error: ",
                    "say that the input ended",
                )
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(basics::client("tcp-client", TCP_PORT));
    Rubric {
        program: "tcp-client",
        lesson: "interactions",
        port: TCP_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}

/// Sends a guess as the page's player does (no newline) and reads the answer, a
/// line or what came before a pause.
fn guess(server: &mut Server, dealer: &mut Replies, text: &str) -> Result<String, Failure> {
    let sent = format!("the guess {text:?}");
    let answer = dealer.ask(text.as_bytes(), server.patience);
    if answer.came() {
        return Ok(answer.text());
    }
    let (got, hint) = match answer.ending {
        net::Ending::Closed => (
            "nothing: the dealer closed the connection".to_string(),
            "the dealer closed the connection without answering: did it crash?",
        ),
        _ => (answer.describe(), "answer every guess"),
    };
    Err(server.fail(sent, "an answer", got, hint))
}

/// Plays a game by bisection on `dealer`, as a good player would; `strict`
/// wants the page's answers exactly. Gives back the secret.
fn bisect(server: &mut Server, dealer: &mut Replies, strict: bool) -> Result<i64, Failure> {
    let (mut low, mut high) = (0, 9);
    for _ in 0..4 {
        let middle = (low + high) / 2;
        let answer = guess(server, dealer, &middle.to_string())?;
        let is = |word: &str, exact: &str| {
            if strict {
                answer == exact
            } else {
                answer.contains(word)
            }
        };
        if is("found", "found the secret") {
            return Ok(middle);
        } else if is("low", "too low") {
            low = middle + 1;
        } else if is("high", "too high") {
            high = middle - 1;
        } else {
            return Err(server.fail(
                format!("the guess {middle}"),
                format!("one of {ANSWERS:?}"),
                format!("{answer:?}"),
                "answer as the page's dealer does",
            ));
        }
        if low > high {
            break;
        }
    }
    Err(server.fail(
        "a game by bisection",
        "the secret found in at most 4 guesses",
        "answers that contradict each other",
        "compare each guess with the secret",
    ))
}

/// Sends `bad` guesses, each of which must get an answer other than the game's;
/// then a whole game must follow.
fn answers_bad_guesses(
    id: &'static str,
    checks: &'static str,
    bad: &'static [&'static str],
    hint: &'static str,
) -> Stage {
    Stage::new(id, checks, move |ctx| {
        let mut server = ctx.server(&[])?;
        let mut dealer = Replies::new(server.connect("a player")?);
        for text in bad {
            let answer = guess(&mut server, &mut dealer, text)?;
            if ANSWERS.contains(&answer.as_str()) {
                return Err(server.fail(
                    format!("the guess {text:?}"),
                    "an answer that says what is wrong",
                    format!("{answer:?}"),
                    hint,
                ));
            }
        }
        bisect(&mut server, &mut dealer, false).map(drop)
    })
}

fn dealer() -> Rubric {
    let serve: hostile::Serve = Arc::new(|server: &mut Server, delay: Duration| {
        let mut dealer = Replies::new(server.connect("a new player")?);
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        bisect(server, &mut dealer, false).map(drop)
    });
    let service = Service {
        one_client: true,
        ..Service::new(serve)
    };
    let mut stages = vec![
        basics::listens(),
        Stage::new(
            "plays_a_game",
            "answers `too low`, `too high`, `found the secret`",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut dealer = Replies::new(server.connect("a player")?);
                bisect(&mut server, &mut dealer, true).map(drop)
            },
        ),
        Stage::new("prints_the_secret", "prints the secret (`the secret is <n>`)", |ctx| {
            let mut server = ctx.server(&[])?;
            let mut dealer = Replies::new(server.connect("a player")?);
            let secret = bisect(&mut server, &mut dealer, false)?;
            // Whatever the words around it: a line that names the secret and its number.
            let secret = u64::try_from(secret).unwrap_or(u64::MAX);
            let names_it = |l: &str| {
                l.to_lowercase().contains("secret")
                    && super::session_10::numbers(l).contains(&secret)
            };
            if server.program.seen().iter().any(|l| names_it(&crate::stage::plain(l))) {
                return Ok(());
            }
            server
                .expect_line("a game", &format!("with the secret, {secret}, as `the secret is {secret}`"), names_it)
                .map(drop)
        }),
        Stage::new(
            "finishes_after_the_game",
            "closes the connection and finishes with status 0 once found",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut dealer = Replies::new(server.connect("a player")?);
                bisect(&mut server, &mut dealer, false)?;
                match server.program.wait_exit(server.patience) {
                    Ok(status) if status.success() => Ok(()),
                    Ok(status) => {
                        let status = crate::runner::describe(status);
                        Err(server.fail(
                            "a whole game",
                            "status 0",
                            status,
                            "the end of the game is the normal end",
                        ))
                    }
                    Err(waited) => Err(server.fail(
                        "a whole game",
                        "the dealer finishes",
                        waited.to_string(),
                        "end once the secret is found",
                    )),
                }
            },
        ),
        // Beyond the page, whose dealer crashes on them: what to learn next.
        answers_bad_guesses(
            "answers_a_non_number",
            "a guess that is not a number gets an answer saying so, and the game goes on",
            &["five", "4.5", "0x3", " "],
            "a guess that is not a number is a player's mistake: answer it (Python: catch the ValueError of int())",
        )
        .kind(StageKind::Robustness),
        answers_bad_guesses(
            "answers_a_number_out_of_range",
            "a number out of 0 to 9 gets an answer saying so, and the game goes on",
            &["10", "-1"],
            "the secret is from 0 to 9: say that the guess is out of range",
        )
        .kind(StageKind::Robustness),
        Stage::new(
            "every_answer_fits_80_bytes",
            "every answer fits the player's 80-byte buffer, whatever the guess",
            |ctx| {
                let mut server = ctx.server(&[])?;
                let mut dealer = Replies::new(server.connect("a player")?);
                let long_junk = "x".repeat(80);
                let long_number = "9".repeat(30);
                for bad in [
                    long_junk.as_str(),
                    long_number.as_str(),
                    "-9223372036854775808",
                ] {
                    let answer = guess(&mut server, &mut dealer, bad)?;
                    if answer.len() > 80 || ANSWERS.contains(&answer.as_str()) {
                        return Err(server.fail(
                            format!("the guess {bad:?}"),
                            "an answer of at most 80 bytes that says what is wrong",
                            format!("{} bytes: {answer:?}", answer.len()),
                            "the page's player reads 80 bytes: a longer answer is cut, and the rest is read as the next answer",
                        ));
                    }
                }
                bisect(&mut server, &mut dealer, false).map(drop)
            },
        )
        .kind(StageKind::Robustness),
    ];
    stages.extend(hostile::stages(&service));
    stages.extend(basics::server("dealer", GAME_PORT, Needs::FlagsAndSignals));
    Rubric {
        program: "dealer",
        lesson: "interactions",
        port: GAME_PORT,
        kind: Kind::TcpServer,
        env: Vec::new(),
        stages,
    }
}

/// Runs the player against the reference dealer with `secret`, answering at most
/// `answers` guesses, typing `input`.
fn play(
    ctx: &crate::Ctx,
    secret: i64,
    answers: usize,
    input: &[u8],
) -> Result<(Finished, String), Failure> {
    let (finished, received) = against(ctx, reference::dealer(secret, answers), &[], input)?;
    let guesses = received
        .first()
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .unwrap_or_default();
    Ok((finished, guesses))
}

fn player() -> Rubric {
    let mut stages = vec![
        Stage::new(
            "guesses_until_found",
            "sends each typed guess (no newline), until `found the secret`",
            |ctx| {
                let (mut finished, guesses) = play(ctx, 6, 10, b"2\n8\n6\n9\n")?;
                let sent = "the player, typing 2, 8, 6, 9 (the secret is 6)";
                if guesses != "2\n8\n6\n" {
                    return Err(finished.fail(
                        sent,
                        "the guesses \"2\", \"8\", \"6\", and no more",
                        format!("{guesses:?} (one guess a line)"),
                        "send each guess without its newline, and stop when found",
                    ));
                }
                finished.succeeded(sent)
            },
        ),
        Stage::new(
            "says_it_is_ready",
            "prints `player is ready to guess`",
            |ctx| {
                let (mut finished, _) = play(ctx, 6, 10, b"6\n")?;
                printed(
                    &mut finished,
                    "the player",
                    "player is ready to guess",
                    "print the page's line",
                )
            },
        ),
        Stage::new(
            "prints_each_answer",
            "prints each answer after `> `",
            |ctx| {
                let (mut finished, _) = play(ctx, 6, 10, b"2\n8\n6\n")?;
                for answer in ["> too low", "> too high", "> found the secret"] {
                    printed(
                        &mut finished,
                        "the player, typing 2, 8, 6 (the secret is 6)",
                        answer,
                        "print each answer as the page does",
                    )?;
                }
                Ok(())
            },
        ),
        Stage::new(
            "skips_empty_lines",
            "an empty line is not sent as a guess",
            |ctx| {
                let (mut finished, guesses) = play(ctx, 3, 10, b"\n\n3\n")?;
                if guesses == "3\n" {
                    return Ok(());
                }
                Err(finished.fail(
                    "the player, typing two empty lines, then 3",
                    "the guess \"3\" only",
                    format!("{guesses:?}"),
                    "skip empty lines",
                ))
            },
        )
        .needs(Needs::Flags),
        Stage::new(
            "says_when_the_dealer_goes_away",
            "a dealer that leaves mid-game: an `Error: ` line and status 1",
            |ctx| {
                let (mut finished, _) = play(ctx, 7, 1, b"1\n2\n3\n")?;
                finished.failed_saying(
                    "the player, against a dealer that leaves after one answer",
                    "Error: ",
                    "say the dealer went away",
                )
            },
        )
        .needs(Needs::Flags),
        Stage::new(
            "says_when_the_guesses_run_out",
            "input that ends before the secret is found: status 1",
            |ctx| {
                let (mut finished, _) = play(ctx, 7, 10, b"1\n")?;
                finished.failed_saying(
                    "the player, typing only 1 (the secret is 7)",
                    "Error: ",
                    "say there are no more guesses",
                )
            },
        )
        .needs(Needs::Flags),
    ];
    stages.extend(basics::client("player", GAME_PORT));
    Rubric {
        program: "player",
        lesson: "interactions",
        port: GAME_PORT,
        kind: Kind::Client,
        env: Vec::new(),
        stages,
    }
}
