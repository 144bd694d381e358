//! Each lesson's rubrics, one module per lesson folder: the stages of each of
//! its programs. A new lesson adds its module here and its rubrics to [`all`].

pub mod chat_and_doctor;
pub mod interactions;
pub mod many_clients;
pub mod session_10;
pub mod tcp_server_lab;
pub mod time_and_echo;

use crate::Rubric;
use crate::reference::{Handler, Reference};
use crate::stage::{Ctx, Failure, Finished};

/// Every program's rubric, lesson by lesson.
pub fn all() -> Vec<Rubric> {
    let mut all = session_10::rubrics();
    all.extend(time_and_echo::rubrics());
    all.extend(interactions::rubrics());
    all.extend(tcp_server_lab::rubrics());
    all.extend(chat_and_doctor::rubrics());
    all.extend(many_clients::rubrics());
    all
}

/// Runs the client `ctx` starts (with `extra` arguments and `stdin`) against a
/// reference server serving each connection with `handler`; gives back how it
/// finished and what each connection sent.
pub fn against(
    ctx: &Ctx,
    handler: Handler,
    extra: &[&str],
    stdin: &[u8],
) -> Result<(Finished, Vec<Vec<u8>>), Failure> {
    let server = Reference::start(ctx, handler)?;
    let finished = ctx.run(server.addr.port(), extra, stdin)?;
    Ok((finished, server.finish()))
}

/// Fails unless a console line contains `part`.
pub fn printed(finished: &mut Finished, sent: &str, part: &str, hint: &str) -> Result<(), Failure> {
    if finished.printed(part) {
        return Ok(());
    }
    Err(finished.fail(sent, format!("a line with {part:?}"), "no such line", hint))
}
