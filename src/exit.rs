//! Exit codes and the error kinds that choose them.
//!
//! Scripts rely on these numbers, so they are part of the interface and
//! documented in README.md.

use std::fmt;
use std::io;

/// What the process returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked for happened.
    Success = 0,
    /// The network did not deliver what was asked (e.g. `--count` not
    /// reached within `--timeout`).
    NotDelivered = 1,
    /// The command line or a value in it is not valid.
    BadInput = 2,
    /// A system call failed (socket, bind, join, setsockopt, ...).
    SystemError = 3,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Bad input: one line naming the value and what would be valid.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Shorthand for returning a [`UsageError`] from a function returning
/// `anyhow::Result`.
#[macro_export]
macro_rules! usage {
    ($($arg:tt)*) => {
        anyhow::Error::new($crate::exit::UsageError(format!($($arg)*)))
    };
}

/// The one line printed for an error that ended the program: the whole
/// chain of context, with control characters escaped, since it may quote
/// what the user typed or what the OS named.
pub fn error_line(err: &anyhow::Error) -> String {
    format!("mcast: {}", crate::escape::controls(&format!("{err:#}")))
}

/// Chooses the exit code for an error that ended the program.
pub fn classify(err: &anyhow::Error) -> Exit {
    if err.chain().any(|e| e.is::<UsageError>()) {
        Exit::BadInput
    } else {
        Exit::SystemError
    }
}

/// A closed stdout (`mcast listen ... | head -1`) is a normal way to stop.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    /// Found by fuzzing: a group argument with a newline made a
    /// two-line error, and one with ESC could drive the terminal.
    #[test]
    fn error_lines_are_one_line_without_control_characters() {
        let err = usage!("'ff\u{1}\n0?' is not a group").context("\u{1b}[2J");
        let line = error_line(&err);
        assert_eq!(line, "mcast: \\x1b[2J: 'ff\\x01\\n0?' is not a group");
        assert!(!line.chars().any(char::is_control));
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::NotDelivered.code(), 1);
        assert_eq!(Exit::BadInput.code(), 2);
        assert_eq!(Exit::SystemError.code(), 3);
    }

    #[test]
    fn usage_errors_survive_context() {
        let err = Err::<(), _>(usage!("port 0 is not valid"))
            .context("parsing --port")
            .unwrap_err();
        assert_eq!(classify(&err), Exit::BadInput);
    }

    #[test]
    fn io_errors_are_system_errors() {
        let err = anyhow::Error::new(io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(classify(&err), Exit::SystemError);
        assert!(!is_broken_pipe(&err));
    }

    #[test]
    fn broken_pipe_is_recognised_through_context() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing a record")
            .unwrap_err();
        assert!(is_broken_pipe(&err));
    }
}
