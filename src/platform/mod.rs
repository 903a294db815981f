//! The one home of OS-specific code.
//!
//! Everything above this module calls the portable functions re-exported
//! here; each OS provides the same names in its own file (`linux.rs` now;
//! macOS, the BSDs and Windows later), the way socket2 lays out `sys/`.
//! socket2 covers what it can; the OS file uses libc where socket2 stops
//! (source-specific joins, packet info, receive TTL, kernel timestamps,
//! drop counters). `unsafe` is allowed only in the OS files.

use std::net::SocketAddr;
use std::time::Duration;

pub mod cmsg;
mod common;
#[cfg(target_os = "linux")]
mod linux;

pub use common::{open_receiver, open_sender, Family};
#[cfg(target_os = "linux")]
pub use linux::*;

/// What to ask the kernel for with each datagram, besides its source.
/// Each control message costs the kernel a copy to user space per packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// Destination address and arrival interface (packet info).
    pub dest_and_iface: bool,
    /// TTL or hop limit.
    pub ttl: bool,
    /// When the kernel queued the datagram.
    pub kernel_time: bool,
}

/// What the kernel told us about one received datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvMeta {
    /// Bytes placed in the buffer.
    pub len: usize,
    /// The datagram was longer than the buffer (`MSG_TRUNC`).
    pub truncated: bool,
    pub source: SocketAddr,
    /// Metadata parsed from control messages.
    pub info: cmsg::PacketInfo,
}

/// Receive-time clock: the kernel's when it stamped the packet, else
/// `read_at`, when the batch holding it was read.
pub fn receive_time(meta: &RecvMeta, read_at: Duration) -> (Duration, bool) {
    match meta.info.kernel_time {
        Some(t) => (t, true),
        None => (read_at, false),
    }
}
