//! One module per subcommand. Each takes its validated config and returns
//! the exit code.

pub mod join;
pub mod listen;
pub mod report;
pub mod selftest;
pub mod send;
pub mod sockopt;

use crate::config::Iface;

/// `on mc0 (index 3)` or `on the kernel's default interface`.
pub fn iface_text(iface: Option<&Iface>) -> String {
    iface.map_or_else(
        || "on the interface the kernel's routes choose".to_string(),
        |i| format!("on {i}"),
    )
}
