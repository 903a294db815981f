//! Lines for the user on stdout and stderr that never panic: std's print
//! macros panic when the stream is closed or full. A failed write comes
//! back as an error naming the stream, so `main` ends quietly on a closed
//! pipe and exits 3 naming the stream otherwise.

use std::fmt;
use std::io::{self, Write};

use anyhow::Context;

/// Writes one formatted line to stderr (use [`crate::say!`]).
pub fn stderr_line(args: fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut err = io::stderr().lock();
    err.write_fmt(args)
        .and_then(|()| err.write_all(b"\n"))
        .context("writing to stderr")
}

/// Writes formatted text as it is to stderr (use [`crate::say_raw!`]).
pub fn stderr_text(args: fmt::Arguments<'_>) -> anyhow::Result<()> {
    io::stderr()
        .lock()
        .write_fmt(args)
        .context("writing to stderr")
}

/// Writes one formatted line to stdout (use [`crate::out!`]).
pub fn stdout_line(args: fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .context("writing to stdout")
}

/// `eprintln!` that returns an error instead of panicking.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::console::stderr_line(format_args!($($arg)*)) };
}

/// `eprint!` that returns an error instead of panicking.
#[macro_export]
macro_rules! say_raw {
    ($($arg:tt)*) => { $crate::console::stderr_text(format_args!($($arg)*)) };
}

/// `println!` that returns an error instead of panicking.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::console::stdout_line(format_args!($($arg)*)) };
}
