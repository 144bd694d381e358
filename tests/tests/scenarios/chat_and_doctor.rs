//! The slides end to end: the chat client against the chat server and against the
//! doctor servers (unchanged, as the slides stress), and ours against the slides'
//! own chat programs in Python, both ways.
// Tests report failures by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lab_test::Program;
use scenarios::{output_of, program, python, start};

/// Waits for a console line that ends with `wanted`: when a program's input is a
/// pipe, nothing ends its `> ` prompts, so what it prints next follows them.
fn expect_after_prompts(program: &mut Program, wanted: &str) {
    program.expect(
        |line| line.trim_start_matches("> ") == wanted,
        &format!("the line {wanted:?} (after prompts)"),
    );
}

/// What the Doctor may answer to `I am sad about my dog`, as the first sentence.
const TO_MY_DOG: [&str; 6] = [
    "> Please tell me more.",
    "> Many of my patients tell me the same thing.",
    "> Please continue.",
    "> Why do you say that you are sad about your dog",
    "> You seem to think that you are sad about your dog",
    "> Can you explain why you are sad about your dog",
];

/// A chat client (ours or the slides') talking to a Doctor: the greeting on two
/// lines, then one of the replies Lambert's Doctor gives; an empty line ends it.
fn see_the_doctor(mut client: Program) {
    client.expect_line("Good morning, I hope you are well today.");
    client.expect_line("What can I do for you?");
    client.write_stdin("I am sad about my dog\n");
    let reply = client.expect(|line| line.starts_with("> "), "a reply");
    assert!(TO_MY_DOG.contains(&reply.as_str()), "{reply:?}");
    client.write_stdin("\n");
    output_of(client);
}

#[test]
fn chat_client_talks_with_chat_server() {
    let mut server = Program::server(program("chat-server"), &[]);
    let mut client = start("chat-client", &["--port", &server.port()]);
    client.expect_line("Welcome to my chat room!");
    client.write_stdin("hello\n");
    expect_after_prompts(&mut server, "hello");
    server.write_stdin("hi there\n");
    client.expect_line("> hi there");
    client.write_stdin("\n");
    output_of(client);
    expect_after_prompts(&mut server, "Client disconnected");
}

#[test]
fn chat_client_says_server_disconnected_when_the_operator_leaves() {
    let mut server = Program::server(program("chat-server"), &[]);
    let mut client = start("chat-client", &["--port", &server.port()]);
    client.expect_line("Welcome to my chat room!");
    client.write_stdin("hello\n");
    expect_after_prompts(&mut server, "hello");
    server.close_stdin();
    assert!(server.wait_exit().success());
    client.expect_line("> Goodbye!");
    // Said at once: the person does not have to type another line to find out.
    client.expect_line("Server disconnected");
    output_of(client);
}

#[test]
fn chat_client_works_unchanged_with_doctor_server() {
    let server = Program::server(program("doctor-server"), &[]);
    see_the_doctor(start("chat-client", &["--port", &server.port()]));
}

#[test]
fn chat_client_works_unchanged_with_threaded_doctor_server() {
    let server = Program::server(program("threaded-doctor-server"), &[]);
    let first = start("chat-client", &["--port", &server.port()]);
    let second = start("chat-client", &["--port", &server.port()]);
    see_the_doctor(second);
    see_the_doctor(first);
}

#[test]
fn slides_chat_client_py_talks_with_our_chat_server() {
    let mut server = Program::server(program("chat-server"), &[]);
    let Some(client) = python("chat_client.py", &[&server.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut client = Program::spawn(client);
    client.expect_line("Welcome to my chat room!");
    client.write_stdin("hello from Python\n");
    expect_after_prompts(&mut server, "hello from Python");
    server.write_stdin("hi from Rust\n");
    client.expect_line("> hi from Rust");
    client.write_stdin("\n");
    output_of(client);
    expect_after_prompts(&mut server, "Client disconnected");
}

#[test]
fn our_chat_client_talks_with_slides_chat_server_py() {
    let Some(server) = python("chat_server.py", &["0"]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    let mut server = Program::spawn(server);
    server.wait_listening();
    let mut client = start("chat-client", &["--port", &server.port()]);
    client.expect_line("Welcome to my chat room!");
    client.write_stdin("hello from Rust\n");
    // The slides' server prints the message as it came, newline included.
    server.expect_line("hello from Rust");
    server.write_stdin("hi from Python\n");
    client.expect_line("> hi from Python");
    client.write_stdin("\n");
    output_of(client);
    expect_after_prompts(&mut server, "Client disconnected");
}

#[test]
fn slides_chat_client_py_works_unchanged_with_our_doctor_server() {
    let server = Program::server(program("doctor-server"), &[]);
    let Some(client) = python("chat_client.py", &[&server.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    see_the_doctor(Program::spawn(client));
}

#[test]
fn slides_chat_client_py_works_unchanged_with_our_threaded_doctor_server() {
    let server = Program::server(program("threaded-doctor-server"), &[]);
    let Some(client) = python("chat_client.py", &[&server.port()]) else {
        return eprintln!("skipped: no Python 3 on this machine");
    };
    see_the_doctor(Program::spawn(client));
}
