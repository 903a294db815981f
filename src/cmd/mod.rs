//! One module per subcommand. Each takes its validated config and returns
//! the exit code.

pub mod doctor;
pub mod groups;
pub mod ifaces;
pub mod join;
pub mod listen;
pub mod monitor;
pub mod ping;
pub mod pong;
pub mod querier;
pub mod sap;
pub mod selftest;
pub mod send;
pub mod sockopt;
