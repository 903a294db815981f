//! How every command talks to the person or script running it.

use crate::cli;

/// How the program talks to the person or script running it.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub verbose: u8,
    pub quiet: bool,
    pub color: bool,
}

pub fn ui(cli: &cli::Cli) -> Ui {
    use std::io::IsTerminal;
    let color = match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    Ui {
        verbose: cli.verbose,
        quiet: cli.quiet,
        color,
    }
}
