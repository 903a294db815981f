//! `mcast sap`'s records: a `sap` record per event (a session announced,
//! changed, deleted or timed out) and a `summary` with every session.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::time::Duration;

use serde::Serialize;

use super::time::{rfc3339, Stamp};
use crate::escape;
use crate::media::sdp::Announced;
use crate::sap::Session;

/// One announced stream.
#[derive(Debug, Serialize)]
pub struct SapStream {
    pub kind: String,
    pub group: IpAddr,
    pub port: u16,
    pub ttl: Option<u8>,
    pub source: Option<IpAddr>,
    pub proto: String,
    pub payload_type: Option<u8>,
    pub encoding: Option<String>,
    pub clock_rate: Option<u32>,
}

impl From<Announced> for SapStream {
    fn from(a: Announced) -> Self {
        Self {
            kind: a.kind,
            group: a.group,
            port: a.port,
            ttl: a.ttl,
            source: a.source,
            proto: a.proto,
            payload_type: a.payload_type,
            encoding: a.encoding,
            clock_rate: a.clock_rate,
        }
    }
}

impl SapStream {
    /// `video 239.7.7.7:5004 RTP/AVP PT 33 (MP2T/90000) TTL 1`, escaped.
    pub fn text(&self) -> String {
        let mut s = format!("{} ", escape::controls(&self.kind));
        if let Some(src) = self.source {
            let _ = write!(s, "{src},");
        }
        let _ = match self.group {
            IpAddr::V4(g) => write!(s, "{g}:{}", self.port),
            IpAddr::V6(g) => write!(s, "[{g}]:{}", self.port),
        };
        let _ = write!(s, " {}", escape::controls(&self.proto));
        if let Some(pt) = self.payload_type {
            let _ = write!(s, " PT {pt}");
            match (&self.encoding, self.clock_rate) {
                (Some(e), Some(hz)) => {
                    let _ = write!(s, " ({}/{hz})", escape::controls(e));
                }
                (None, Some(hz)) => {
                    let _ = write!(s, " ({hz} Hz)");
                }
                _ => {}
            }
        }
        if let Some(ttl) = self.ttl {
            let _ = write!(s, " TTL {ttl}");
        }
        s
    }
}

/// A session as records show it.
#[derive(Debug, Serialize)]
pub struct SessionRecord<'a> {
    pub name: &'a str,
    pub origin: IpAddr,
    pub msg_id_hash: u16,
    /// The `o=` line's username, session id and version.
    pub username: Option<&'a str>,
    pub session_id: Option<&'a str>,
    pub version: Option<&'a str>,
    pub sender: IpAddr,
    pub sender_port: u16,
    pub sap_group: Option<IpAddr>,
    pub state: &'static str,
    #[serde(serialize_with = "rfc3339")]
    pub first_seen: Duration,
    #[serde(serialize_with = "rfc3339")]
    pub last_seen: Duration,
    pub age_s: f64,
    pub announcements: u64,
    pub interval_s: Option<f64>,
    pub timeout_s: f64,
    pub changes: u64,
    pub streams: Vec<SapStream>,
    /// What could not be read in the SDP.
    pub notes: &'a [String],
}

impl<'a> SessionRecord<'a> {
    pub fn new(s: &'a Session, now: Duration) -> Self {
        let o = s.sdp.origin.as_ref();
        Self {
            name: &s.sdp.name,
            origin: s.origin,
            msg_id_hash: s.msg_id_hash,
            username: o.map(|o| o.username.as_str()),
            session_id: o.map(|o| o.session_id.as_str()),
            version: o.map(|o| o.version.as_str()),
            sender: s.sender.ip(),
            sender_port: s.sender.port(),
            sap_group: s.sap_group,
            state: s.state.name(),
            first_seen: s.first_seen,
            last_seen: s.last_seen,
            age_s: s.age(now).as_secs_f64(),
            announcements: s.announcements,
            interval_s: s.interval().map(|d| d.as_secs_f64()),
            timeout_s: s.timeout().as_secs_f64(),
            changes: s.changes,
            streams: s.sdp.announced().into_iter().map(SapStream::from).collect(),
            notes: &s.sdp.notes,
        }
    }

    /// `"Camera 1" from 192.0.2.1: video 239.7.7.7:5004 ...; audio ...`
    pub fn text(&self) -> String {
        let streams: Vec<String> = self.streams.iter().map(SapStream::text).collect();
        let streams = if streams.is_empty() {
            "no multicast stream".to_string()
        } else {
            streams.join("; ")
        };
        format!(
            "\"{}\" from {}: {streams}",
            escape::controls(self.name),
            self.origin
        )
    }
}

/// `{"type":"sap"}`: something happened to a session.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "sap")]
pub struct SapEvent<'a> {
    /// `new`, `changed`, `deleted`, `timeout`.
    pub event: &'static str,
    #[serde(serialize_with = "rfc3339")]
    pub time: Duration,
    #[serde(flatten)]
    pub session: SessionRecord<'a>,
}

impl SapEvent<'_> {
    /// `12:00:01.000000 new      "Camera 1" from ...`
    pub fn text(&self) -> String {
        format!(
            "{} {:<8} {}",
            Stamp::rfc3339(self.time).time_of_day(),
            self.event,
            self.session.text()
        )
    }
}

/// A kind of SAP packet that could not be read, from one sender.
#[derive(Debug, Serialize)]
pub struct Refusal {
    pub sender: IpAddr,
    pub reason: String,
    pub count: u64,
}

/// `{"type":"summary","command":"sap"}`: every session at the end.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "summary")]
pub struct SapSummary<'a> {
    pub command: &'static str,
    pub elapsed_s: f64,
    pub packets: u64,
    pub sessions: Vec<SessionRecord<'a>>,
    pub active: usize,
    pub refused: &'a [Refusal],
    /// Sessions beyond the directory's cap: counted, not kept.
    pub overflow: u64,
}

impl SapSummary<'_> {
    /// The session table.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{} SAP packets in {:.1} s; {} sessions, {} active\n",
            self.packets,
            self.elapsed_s,
            self.sessions.len(),
            self.active
        );
        if !self.sessions.is_empty() {
            let _ = writeln!(
                out,
                "{:<24} {:<16} {:>9} {:>9} {:>5}  {:<9}  STREAMS",
                "SESSION", "ORIGIN", "AGE", "INTERVAL", "ANN", "STATE"
            );
        }
        for s in &self.sessions {
            let name: String = escape::controls(s.name).chars().take(24).collect();
            let streams: Vec<String> = s.streams.iter().map(SapStream::text).collect();
            let _ = writeln!(
                out,
                "{:<24} {:<16} {:>7.1} s {:>9} {:>5}  {:<9}  {}",
                name,
                s.origin.to_string(),
                s.age_s,
                s.interval_s
                    .map_or_else(|| "-".to_string(), |i| format!("{i:.1} s")),
                s.announcements,
                s.state,
                if streams.is_empty() {
                    "-".to_string()
                } else {
                    streams.join("; ")
                }
            );
            for n in s.notes {
                let _ = writeln!(out, "  note: {n}");
            }
        }
        for r in self.refused {
            let _ = writeln!(
                out,
                "{} SAP packets from {} skipped: {}",
                r.count, r.sender, r.reason
            );
        }
        if self.overflow > 0 {
            let _ = writeln!(
                out,
                "{} announcements of sessions beyond the first {} were not kept",
                self.overflow,
                crate::sap::MAX_SESSIONS
            );
        }
        out
    }
}

/// `{"type":"sap_join"}`: what `sap --join` received from one session's
/// streams, as `listen`'s summary.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "sap_join")]
pub struct SapJoin<'a> {
    pub name: &'a str,
    pub origin: IpAddr,
    pub summary: super::Summary<'a>,
}
