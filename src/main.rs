use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use mcast::escape;
use mcast::exit::{self, Exit};

fn main() -> ExitCode {
    let cli = match mcast::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // Nothing more can be said when stderr itself is gone.
            let _ = writeln!(std::io::stderr(), "{}", usage_error_text(e));
            return ExitCode::from(Exit::BadInput.code());
        }
        // Help and version go out as they are.
        Err(e) => e.exit(),
    };
    mcast::logging::install(cli.verbose, cli.quiet, mcast::config::ui(&cli).color);
    mcast::signals::install_stop_handler();
    mcast::platform::steady_allocator();
    let code = match mcast::run(cli) {
        Ok(code) => code,
        Err(err) if exit::is_broken_pipe(&err) => Exit::Success,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "{}", exit::error_line(&err));
            exit::classify(&err)
        }
    };
    ExitCode::from(code.code())
}

/// clap's message for bad arguments quotes what was typed: render it from
/// the arguments with their control characters escaped, so a newline or an
/// escape sequence in a value cannot break the message or drive the
/// terminal, and clap keeps its own layout.
fn usage_error_text(e: clap::Error) -> String {
    let escaped = std::env::args_os().map(|a| escape::controls(&a.to_string_lossy()).into_owned());
    let e = match mcast::cli::Cli::try_parse_from(escaped) {
        Err(again) if again.kind() == e.kind() => again,
        _ => e,
    };
    one_line(&e.render().to_string())
}

/// clap's message on one line, as every other mcast error: the error and
/// what follows it (missing arguments, a tip), without the usage block and
/// the "For more information" footer, which `--help` gives anyway.
fn one_line(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(|l| escape::controls(l.trim())) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if line.starts_with("tip:") { "; " } else { " " });
        }
        out.push_str(&line);
    }
    out.push_str(" (see --help)");
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn clap_errors_become_one_line() {
        let missing =
            "error: the following required arguments were not provided:\n  <GROUP>...\n\n\
                       Usage: mcast join <GROUP>...\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(missing),
            "error: the following required arguments were not provided: <GROUP>... (see --help)"
        );
        let tip = "error: unrecognized subcommand 'bogus'\n\n  tip: a similar subcommand exists: 'groups'\n\n\
                   Usage: mcast [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(tip),
            "error: unrecognized subcommand 'bogus'; tip: a similar subcommand exists: 'groups' (see --help)"
        );
    }
}
