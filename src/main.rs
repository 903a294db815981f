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
    let text = e.render().to_string();
    let lines: Vec<_> = text.lines().map(escape::controls).collect();
    lines.join("\n").trim_end().to_string()
}
