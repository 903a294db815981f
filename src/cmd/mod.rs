//! One module per subcommand. Each takes its validated config and returns
//! the exit code.

pub mod join;
pub mod listen;
pub mod ping;
pub mod pong;
pub mod selftest;
pub mod send;
pub mod sockopt;
