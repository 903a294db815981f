//! Whole command lines (arguments split at NUL bytes): clap and the
//! config rules of every subcommand (groups, interfaces, durations, sizes,
//! rates, `--set` values) reject bad input with one line free of control characters (as printed) and
//! never panic. Nothing is opened or sent: only the config is built.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use mcast::cli::{Cli, Command};
use mcast::config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let args = std::iter::once("mcast").chain(text.split('\0'));
    let Ok(cli) = Cli::try_parse_from(args) else {
        return;
    };
    let result = match &cli.command {
        Command::Join(a) => config::join(a).map(drop),
        Command::Listen(a) => config::listen(a).map(drop),
        Command::Send(a) => config::send(a).map(drop),
        Command::Sockopt(a) => config::sockopt(a).map(drop),
        Command::Selftest(a) => config::selftest(a).map(drop),
        // Not with --groups-file: the fuzzer would name files to read
        // (`groups_file` fuzzes the file's contents).
        Command::Monitor(a) if a.groups_file.is_none() => config::monitor(a).map(drop),
        _ => Ok(()),
    };
    if let Err(e) = result {
        let line = mcast::exit::error_line(&e);
        assert!(
            !line.chars().any(char::is_control),
            "not one clean line: {line:?}"
        );
    }
});
