//! The one home of OS-specific code, behind one contract.
//!
//! Everything above this module uses only the names exported here. Each
//! OS family provides all of them in its own folder, the way socket2 lays
//! out `sys/`: `linux/`, `bsd/` (FreeBSD and macOS, with `cfg` for their
//! differences) and `windows/`. `unix.rs` holds what Linux and the BSDs
//! share. socket2 does what it can portably; the OS modules use libc or
//! windows-sys where it stops (source-specific joins, packet info,
//! receive TTL, kernel timestamps, drop counters, batched I/O). `unsafe`
//! is allowed only in the OS modules.
//!
//! The contract, by area (each OS module documents its own behaviour):
//! - sockets: [`open_receiver`], [`open_sender`], [`share_port`],
//!   [`set_multicast_all`], [`enable_packet_info`], [`set_recv_buffer`],
//!   [`BIND_GROUP_FIXES_DEST`], raw [`setsockopt_raw`]/[`getsockopt_raw`];
//! - memberships: [`join`], [`leave`], [`join_call`],
//!   [`max_memberships_v4`], [`max_sources_v4`];
//! - sending side: [`set_multicast_iface`], [`encode_iface_index_v4`];
//! - I/O: [`RecvBatch`] + [`recv_batch`] (metadata in [`RecvMeta`]) and
//!   [`SendBatch`] are portable (`batch.rs`) over each OS's `recv_into`,
//!   `send_from` and their `RecvState`/`SendState`; [`Waiter`] (readiness
//!   of many sockets), [`raw_stdout`];
//! - kernel counters: [`socket_drops`] (`None` where the OS has none);
//! - process limits: [`open_files_limit`] (`ulimit -n`; `None` where none);
//!   [`steady_allocator`] (glibc: large blocks back to the kernel when freed);
//! - process control: [`catch_hangup`]/[`take_hangup`] (SIGHUP as a flag;
//!   "not available on this OS" on Windows), [`shell_command`] (`/bin/sh -c`,
//!   `cmd /C`) for hooks;
//! - interfaces: [`interfaces`] (flags, addresses with prefixes, MTU via
//!   [`if_mtu`]), [`if_index`], [`if_is_up`], [`if_name`];
//! - host facts for `ifaces` and `doctor` (`host.rs`): [`route_to`] (the
//!   route the kernel picks: rtnetlink on Linux, `connect()` elsewhere),
//!   [`route_source`] (by `connect()`), [`firewall_dumpers`] and
//!   [`firewall_dump`] (the firewall's own tools);
//! - kernel settings by path components (`sysctl.rs`): [`sysctl_text`]
//!   (each OS's; unsupported on Windows) and [`sysctl_int`] over it;
//! - the option table of `mcast sockopt`: [`SOCKOPT_TABLE`];
//! - errors: [`errno_name`], [`errno`] (→ [`Errno`]) and [`hint`];
//! - IGMP/MLD observation, read-only (`mcast querier`): [`open_igmp_raw`],
//!   [`open_mld_raw`], [`recv_raw`], [`open_report_tap`] + [`recv_tap`]
//!   (Linux; elsewhere [`unsupported`] errors);
//! - the host's own tables: [`proc_net`] (Linux's `/proc/net` files).

use std::net::SocketAddr;
use std::time::Duration;

mod batch;
pub mod cmsg;
mod common;
mod errors;
mod host;
mod ifaces;
pub mod options;
mod sysctl;
#[cfg(unix)]
mod unix;

#[cfg(not(target_os = "linux"))]
mod elsewhere;
#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as os;

#[cfg(any(target_os = "freebsd", target_os = "macos"))]
mod bsd;
#[cfg(any(target_os = "freebsd", target_os = "macos"))]
use bsd as os;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as os;

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    windows
)))]
compile_error!(
    "mcast supports Linux, FreeBSD, macOS and Windows; \
     a new OS needs a module in src/platform/ (see CONTRIBUTING.md, \"Adding an OS\")"
);

pub use batch::{recv_batch, RecvBatch, SendBatch, BATCH};
pub use common::{host_name, open_receiver, open_sender, Family};
pub use errors::{hint, Doing, Errno};
pub use host::{firewall_dump, firewall_dumpers, route_source, Dump, RouteTo};
pub use ifaces::{if_index, if_is_up, if_name, interfaces, IfaceInfo};
pub use sysctl::{parse_sysctl_int, sysctl_int};

pub use os::{
    catch_hangup, enable_packet_info, encode_iface_index_v4, errno, errno_name, getsockopt_raw,
    if_mtu, join, join_call, leave, max_memberships_v4, max_sources_v4, open_files_limit,
    raw_stdout, route_to, set_multicast_all, set_multicast_iface, set_recv_buffer, setsockopt_raw,
    share_port, shell_command, socket_drops, steady_allocator, sysctl_text, take_hangup, Waiter,
    BIND_GROUP_FIXES_DEST, IFACE_INDEX_V4_FORM, SOCKOPT_TABLE,
};
pub use os::{open_igmp_raw, open_mld_raw, open_report_tap, proc_net, recv_raw, recv_tap};

/// Which way a frame seen by [`recv_tap`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TapDirection {
    /// Sent by this host.
    Out,
    /// Received from the link.
    In,
}

/// The error of a feature this OS does not offer (or mcast does not
/// implement on it yet): one line naming the feature and the OS.
pub fn unsupported(what: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        format!(
            "{what} is not available on this OS ({})",
            std::env::consts::OS
        ),
    )
}

/// The rtnetlink route reply parser, for the fuzz target only.
#[cfg(target_os = "linux")]
#[doc(hidden)]
pub use os::parse_route_reply;

/// What to ask the kernel for with each datagram, besides its source.
/// Each control message costs the kernel a copy to user space per packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// Destination address and arrival interface (packet info).
    pub dest_and_iface: bool,
    /// TTL or hop limit.
    pub ttl: bool,
    /// When the kernel queued the datagram (where the OS can say).
    pub kernel_time: bool,
}

/// What the kernel told us about one received datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvMeta {
    /// Bytes placed in the buffer.
    pub len: usize,
    /// The datagram was longer than the buffer.
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
