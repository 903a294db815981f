use std::process::ExitCode;

use clap::Parser;

use mcast::exit::{self, Exit};

fn main() -> ExitCode {
    let cli = mcast::cli::Cli::parse();
    mcast::logging::install(cli.verbose, cli.quiet, mcast::config::ui(&cli).color);
    mcast::signals::install_stop_handler();
    let code = match mcast::run(cli) {
        Ok(code) => code,
        Err(err) if exit::is_broken_pipe(&err) => Exit::Success,
        Err(err) => {
            eprintln!("mcast: {err:#}");
            exit::classify(&err)
        }
    };
    ExitCode::from(code.code())
}
