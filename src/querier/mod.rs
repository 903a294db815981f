//! Watching IGMP and MLD, read-only: who the querier is on each link, what
//! it speaks and how often, and whether this host answers.
//!
//! - `wire`: the messages, parsed from bytes (pure, fuzzed);
//! - `watch`: the sockets (through the platform layer) turned into
//!   [`Event`]s;
//! - `state`: per interface and family, what the events add up to, and
//!   the verdicts;
//! - `counters`: the unprivileged fallback's verdicts from the kernel's
//!   tables;
//! - `observer`: the same running on a thread, for commands that want to
//!   ask "was a query seen since then?" (`join`/`listen` on silence);
//! - `evidence`: the observer as the silence watch's query evidence.

pub mod counters;
pub mod evidence;
pub mod observer;
pub mod state;
pub mod watch;
pub mod wire;

pub use observer::Observer;
pub use state::{LinkKey, LinkState, Verdict};
pub use watch::{Event, EventKind, Reports, Watch};
