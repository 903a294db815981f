//! Records: every line mcast prints, each type defined once and built in
//! one place. JSON comes from the types (`serde`, fields in the order the
//! schema in README.md lists them); text comes from the same records in
//! [`crate::output`]. The exception is the per-packet record, written by
//! hand without allocation from [`crate::recv::Packet`] itself
//! ([`crate::output::json::write_packet`]).
//!
//! | record | type | built by |
//! |---|---|---|
//! | `start` | [`Start`] | [`Start::listen`], [`Start::send`], [`Start::sockopt`] |
//! | `packet` | [`crate::recv::Packet`] | the receive engine |
//! | `stats` | [`Stats`] | [`Stats::new`] from an interval the analyzer hands out |
//! | `summary` | [`Summary`]; `send`'s [`SendSummary`] | [`Summary::new`], [`SendSummary::new`] |
//! | `iface` | [`IfaceChange`] | `From<&IfaceEvent>` |
//! | `silence` | [`SilenceRecord`] (and the summary's [`SilenceSummary`] list) | [`SilenceRecord::new`] from a [`crate::analysis::SilenceChange`] |
//! | `group` (monitor) | [`GroupStatus`]; `monitor`'s [`MonitorSummary`] | the monitor driver |
//! | `alarm` | [`AlarmRecord`] | [`AlarmRecord::new`] from a [`crate::analysis::alarm::AlarmChange`] |
//! | `sockopt`, `join` | [`SockoptRow`], [`SockoptJoin`] | [`sockopt_records`] |
//! | `query`, `report`, querier's `summary` | [`EventRecord`], [`QuerierSummary`] | `mcast querier` |
//! | `membership` | [`MembershipRecord`] | `mcast groups` |
//! | `interface`, `multicast_route` (`ifaces`) | [`Interface`], [`MulticastRoute`] | [`Interface::new`], `From<&Route>` |
//! | `check`, `summary` (`doctor`) | [`DoctorCheck`], [`DoctorSummary`] | `From<&Check>`, [`DoctorSummary::new`] |
//!
//! A new record (ping replies, alarms, queries) is one more type here with
//! `#[serde(tag = "type", rename = "...")]`, a constructor from the facts,
//! and a method on [`crate::output::Render`] where formats differ.

mod alarm;
mod analysis;
mod groups;
mod host;
mod media;
pub mod ping;
mod querier;
mod sap;
mod sockopt;
mod time;

use std::fmt;
use std::net::SocketAddr;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::config::{Group, Iface};
use crate::platform::Family;
use crate::recv::IfaceEvent;

pub use alarm::MediaSource;
pub use alarm::{AlarmRecord, GroupStatus, MonitorSummary, SilenceRecord, SilenceSummary};
pub use analysis::{
    Analysis, Figures, GroupSummary, IntervalRecord, Latency, SharedSenderRecord, Stats,
    StreamRecord, Summary, TestRecord,
};
pub use groups::MembershipRecord;
pub use host::{Address, DoctorCheck, DoctorSummary, Interface, MulticastRoute};
pub use media::of_stream as media_of_stream;
pub use media::{MediaTotalsRecord, PidRecord, RtpRecord, TsRecord};
pub use querier::{EventRecord, QuerierSummary, QueryRecord, ReportRecord};
pub use sap::{Refusal, SapEvent, SapJoin, SapStream, SapSummary, SessionRecord};
pub use sockopt::{sockopt_records, SockoptJoin, SockoptLine, SockoptRow};
pub use time::Stamp;

/// Bumped when a field changes meaning or disappears; adding fields is not
/// a breaking change.
pub const SCHEMA: u32 = 1;

/// This build's version, in `start` records.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A configured group as records show it: `{group, port, source}`.
#[derive(Debug, Clone, Copy)]
pub struct GroupRef<'a>(pub &'a Group);

impl Serialize for GroupRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Group", 3)?;
        m.serialize_field("group", &self.0.addr)?;
        m.serialize_field("port", &self.0.port)?;
        m.serialize_field("source", &self.0.source)?;
        m.end()
    }
}

/// Groups as a list of [`GroupRef`].
fn group_refs(groups: &[Group]) -> Vec<GroupRef<'_>> {
    groups.iter().map(GroupRef).collect()
}

/// A test-packet sender id: 16 hex digits (JSON numbers lose precision
/// past 2^53).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderId(pub u64);

impl fmt::Display for SenderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for SenderId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The first record of a run: `{"type":"start", schema, mcast, command,
/// ...}`, the rest depending on the command.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "start")]
pub struct Start<'a> {
    pub schema: u32,
    pub mcast: &'static str,
    pub command: &'static str,
    #[serde(flatten)]
    pub detail: StartDetail<'a>,
}

/// What a command's `start` record adds.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum StartDetail<'a> {
    Listen {
        groups: Vec<GroupRef<'a>>,
        iface: Option<&'a str>,
        rcvbuf: usize,
    },
    Send {
        groups: Vec<GroupRef<'a>>,
        iface: Option<&'a str>,
        /// The `addr:port` the kernel chose.
        source: Option<SocketAddr>,
        ttl: u32,
        #[serde(rename = "loop")]
        loopback: bool,
        sender: SenderId,
        count: Option<u64>,
        /// `--duration` in seconds; with `count`, whichever ends first.
        duration_s: Option<f64>,
    },
    Sockopt {
        os: &'static str,
        families: Vec<&'static str>,
        iface: Option<&'a str>,
    },
}

impl<'a> Start<'a> {
    fn new(command: &'static str, detail: StartDetail<'a>) -> Self {
        Self {
            schema: SCHEMA,
            mcast: VERSION,
            command,
            detail,
        }
    }

    /// `monitor`'s: the same fields as `listen`'s.
    pub fn monitor(groups: &'a [Group], iface: Option<&'a Iface>, rcvbuf: usize) -> Self {
        let mut s = Self::listen(groups, iface, rcvbuf);
        s.command = "monitor";
        s
    }

    pub fn listen(groups: &'a [Group], iface: Option<&'a Iface>, rcvbuf: usize) -> Self {
        Self::new(
            "listen",
            StartDetail::Listen {
                groups: group_refs(groups),
                iface: iface.map(|i| i.name.as_str()),
                rcvbuf,
            },
        )
    }

    /// `send`'s: where it sends from, with what TTL (hop limit) and
    /// loopback, its sender id and how many packets (`None`: no end).
    pub fn send(
        groups: &'a [Group],
        iface: Option<&'a Iface>,
        source: Option<SocketAddr>,
        ttl: u32,
        loopback: bool,
        sender: u64,
        count: Option<u64>,
    ) -> Self {
        Self::new(
            "send",
            StartDetail::Send {
                groups: group_refs(groups),
                iface: iface.map(|i| i.name.as_str()),
                source,
                ttl,
                loopback,
                sender: SenderId(sender),
                count,
                duration_s: None,
            },
        )
    }

    /// `send`'s run bound by `--duration` too.
    pub fn for_duration(mut self, duration: Option<std::time::Duration>) -> Self {
        if let StartDetail::Send { duration_s, .. } = &mut self.detail {
            *duration_s = duration.map(|d| d.as_secs_f64());
        }
        self
    }

    pub fn sockopt(families: &[Family], iface: Option<&'a Iface>) -> Self {
        Self::new(
            "sockopt",
            StartDetail::Sockopt {
                os: std::env::consts::OS,
                families: families.iter().map(|f| f.name()).collect(),
                iface: iface.map(|i| i.name.as_str()),
            },
        )
    }
}

/// `send --json`'s last record: `{"type":"summary","command":"send", ...}`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "summary")]
pub struct SendSummary {
    pub command: &'static str,
    pub packets: u64,
    pub bytes: u64,
    /// Datagrams the kernel refused after the first was accepted.
    pub errors: u64,
    pub elapsed_s: f64,
    pub rate_pps: f64,
    /// `--stdin` only: lines longer than a datagram, skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines_skipped: Option<u64>,
}

impl SendSummary {
    pub fn new(packets: u64, bytes: u64, errors: u64, elapsed_s: f64, rate_pps: f64) -> Self {
        Self {
            command: "send",
            packets,
            bytes,
            errors,
            elapsed_s,
            rate_pps,
            lines_skipped: None,
        }
    }
}

/// `{"type":"iface"}`: the joined interface went down, came back, was
/// removed, or was joined again under a new index.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "iface")]
pub struct IfaceChange<'a> {
    pub iface: &'a str,
    pub state: &'static str,
    pub index: Option<u32>,
}

impl<'a> From<&'a IfaceEvent> for IfaceChange<'a> {
    fn from(event: &'a IfaceEvent) -> Self {
        let (iface, state, index) = match event {
            IfaceEvent::Down(n) => (n, "down", None),
            IfaceEvent::Up(n) => (n, "up", None),
            IfaceEvent::Gone(n) => (n, "gone", None),
            IfaceEvent::Rejoined { name, index } => (name, "rejoined", Some(*index)),
        };
        Self {
            iface,
            state,
            index,
        }
    }
}

/// Serializes a socket address as its IP address alone.
fn ip_of<S: Serializer>(addr: &Option<SocketAddr>, s: S) -> Result<S::Ok, S::Error> {
    addr.map(|a| a.ip()).serialize(s)
}

/// Serializes a group as its address alone.
fn group_addr<S: Serializer>(group: &Option<&Group>, s: S) -> Result<S::Ok, S::Error> {
    group.map(|g| g.addr).serialize(s)
}

#[cfg(test)]
mod host_tests;
#[cfg(test)]
mod pinned;
#[cfg(test)]
mod shape_tests;
#[cfg(test)]
mod tests;
