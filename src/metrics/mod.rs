//! `--metrics ADDR:PORT`: counters for Prometheus at `/metrics`.
//!
//! The receive loop never waits for a scrape: once per interval it builds
//! a [`Snapshot`] of its counters and [`Published::publish`]es it (one
//! pointer swap under a lock held for nothing else); the HTTP server runs
//! on its own thread ([`MetricsServer`]) and encodes the latest snapshot
//! with the `prometheus-client` crate ([`encode`]). Counters are therefore
//! up to one interval old; `mcast_last_packet_age_seconds` is computed at
//! scrape time from the last packet's time, so it keeps growing while a
//! group is silent.
//!
//! Cardinality is bounded: one series set per configured group, and per
//! group at most the analyser's cap of sources (`--max-sources`), packets
//! of further sources counted in `mcast_sources_overflow_packets_total`.
//!
//! Every `_total` only grows for the life of the process: loss, which the
//! trackers take back when a late packet fills a gap, is split into
//! declared and recovered counters when a snapshot is published
//! (`monotonic.rs`).

mod build;
mod drops;
mod encode;
#[cfg(test)]
mod media_tests;
mod monotonic;
#[cfg(test)]
mod monotonic_tests;
mod server;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::record::{RtpRecord, TsRecord};

pub use build::{group_sums, Facts, GroupSums, Pacer};
pub use drops::KernelDrops;
pub use encode::{encode, encode_into};
use monotonic::LossLedger;
pub use server::MetricsServer;

/// What one scrape shows.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The joined interface's name, for the `iface` label ("" when the
    /// kernel's routes chose it).
    pub iface: String,
    pub groups: Vec<GroupMetrics>,
    /// Summed over the sockets; `None` where the OS keeps no such counter.
    pub kernel_drops: Option<u64>,
}

/// One configured group.
#[derive(Debug, Clone, Default)]
pub struct GroupMetrics {
    pub group: String,
    pub port: u16,
    /// From the groups file; "" without one.
    pub label: String,
    /// When the latest packet arrived (Unix-epoch time).
    pub last_packet: Option<Duration>,
    pub join_latency: Option<Duration>,
    pub silent: bool,
    pub alarm_active: bool,
    /// Packets of sources beyond the per-group cap.
    pub overflow_packets: u64,
    pub sources: Vec<SourceMetrics>,
}

/// One source of a group (test streams from one address summed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceMetrics {
    pub source: Option<IpAddr>,
    pub packets: u64,
    pub bytes: u64,
    /// The tracker's net loss; once published, what was declared lost
    /// (never less than before), with `recovered` what arrived after all.
    pub lost: u64,
    pub recovered: u64,
    pub duplicates: u64,
    pub reordered: u64,
    /// The source's foreign stream, once recognised as `rtp`, `mpegts` or
    /// `rtp/mpegts`: the same figures as the `stats` records show.
    pub format: Option<&'static str>,
    pub rtp: Option<RtpRecord>,
    /// `rtp.lost`'s own `recovered`, as for `lost`.
    pub rtp_recovered: u64,
    pub ts: Option<TsRecord>,
}

/// The latest snapshot, shared between the receive loop and the server.
#[derive(Debug, Default)]
pub struct Published {
    latest: Mutex<Arc<Snapshot>>,
    /// Only the publisher takes this lock: scrapes never wait for it.
    ledger: Mutex<LossLedger>,
}

impl Published {
    /// Makes `snapshot` the one scrapes see, its loss figures made
    /// monotonic first: every snapshot goes through here.
    pub fn publish(&self, mut snapshot: Snapshot) {
        // A poisoned lock only means a thread panicked mid-update; the
        // ledger and the pointer inside are still whole.
        self.ledger
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .apply(&mut snapshot);
        let fresh = Arc::new(snapshot);
        *self.latest.lock().unwrap_or_else(|e| e.into_inner()) = fresh;
    }

    pub fn latest(&self) -> Arc<Snapshot> {
        Arc::clone(&self.latest.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// `--metrics` of `listen` and `join`: the server (when asked for), its
/// snapshot, and when to publish the next one.
pub struct Endpoint {
    pub server: MetricsServer,
    pub published: Arc<Published>,
    pub pacer: Pacer,
    /// Fed by the sink's `packet`, once [`Endpoint::watch`] knows the sockets.
    pub drops: KernelDrops,
}

impl Endpoint {
    /// Starts serving at `addr`, if given: before any group is joined, so
    /// a port in use fails first.
    pub fn start(addr: Option<std::net::SocketAddr>) -> anyhow::Result<Option<Self>> {
        let Some(addr) = addr else {
            return Ok(None);
        };
        let published = Arc::new(Published::default());
        let server = MetricsServer::start(addr, Arc::clone(&published))?;
        Ok(Some(Self {
            server,
            published,
            pacer: Pacer::new(Duration::from_secs(1)),
            drops: KernelDrops::default(),
        }))
    }

    /// The receiver's sockets, for `mcast_kernel_drops_total`.
    pub fn watch(&mut self, rx: &crate::recv::Receiver) {
        self.drops = KernelDrops::new(rx);
    }

    /// Publishes what `make` builds, at most once a second.
    pub fn publish_due(&mut self, now: std::time::Instant, make: impl FnOnce() -> Snapshot) {
        if self.pacer.due(now) {
            self.published.publish(make());
        }
    }

    /// `metrics at http://127.0.0.1:9100/metrics`.
    pub fn describe(&self) -> String {
        format!("metrics at http://{}/metrics", self.server.addr())
    }
}
