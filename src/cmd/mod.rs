//! One module per subcommand. Each takes its validated config and returns
//! the exit code.

pub mod join;
pub mod listen;
pub mod selftest;
pub mod send;
pub mod sockopt;

use crate::config::{Iface, StopRule};
use crate::exit::Exit;
use crate::recv::Outcome;

/// Exit code for a receiving command: 1 when a `--count`/`--timeout`
/// check was asked for and not met.
pub fn receive_exit(outcome: &Outcome, rule: &StopRule) -> Exit {
    if outcome.met(rule) {
        Exit::Success
    } else {
        Exit::NotDelivered
    }
}

/// `on mc0 (index 3)` or `on the kernel's default interface`.
pub fn iface_text(iface: Option<&Iface>) -> String {
    iface.map_or_else(
        || "on the interface the kernel's routes choose".to_string(),
        |i| format!("on {i}"),
    )
}
