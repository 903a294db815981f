//! The session directory of `mcast sap`: what has been announced, by whom,
//! how often, and what became of it (deleted, timed out). Pure: packets
//! and times in, events out; `cmd::sap` does the receiving and printing.
//!
//! A session is keyed by its origin address, message id hash and the SDP
//! `o=` session id (RFC 2974 section 5: origin and hash identify an
//! announcement; the `o=` id keeps two sessions apart whose announcer sets
//! the hash to 0). It times out when no announcement came for
//! [`TIMEOUT_INTERVALS`] times its announcement interval (RFC 2974 says ten
//! intervals or an hour, whichever is longer; a diagnostics tool should
//! notice sooner, so the hour applies only while the interval is unknown).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::media::sap::SapPacket;
use crate::media::sdp::Sdp;

/// Announcement intervals without one before a session times out.
pub const TIMEOUT_INTERVALS: u32 = 10;
/// Timeout of a session announced only once so far (RFC 2974).
pub const FIRST_TIMEOUT: Duration = Duration::from_secs(3600);
/// Sessions remembered; announcements of further ones are only counted.
pub const MAX_SESSIONS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Active,
    Deleted,
    TimedOut,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Deleted => "deleted",
            State::TimedOut => "timed out",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub origin: IpAddr,
    pub msg_id_hash: u16,
    /// Where the latest announcement came from, and to which SAP group.
    pub sender: SocketAddr,
    pub sap_group: Option<IpAddr>,
    pub sdp: Sdp,
    /// Since the Unix epoch.
    pub first_seen: Duration,
    pub last_seen: Duration,
    pub announcements: u64,
    /// Times the description changed.
    pub changes: u64,
    pub state: State,
    interval_sum: Duration,
    digest: u64,
}

impl Session {
    /// The mean time between announcements; `None` after only one.
    pub fn interval(&self) -> Option<Duration> {
        (self.announcements > 1)
            .then(|| self.interval_sum / u32::try_from(self.announcements - 1).unwrap_or(u32::MAX))
    }

    /// Since the first announcement.
    pub fn age(&self, now: Duration) -> Duration {
        now.saturating_sub(self.first_seen)
    }

    /// How long silence may last before the session times out.
    pub fn timeout(&self) -> Duration {
        self.interval()
            .map_or(FIRST_TIMEOUT, |i| i * TIMEOUT_INTERVALS)
    }

    fn session_id(&self) -> Option<&str> {
        self.sdp.origin.as_ref().map(|o| o.session_id.as_str())
    }
}

/// What an announcement or a clock tick did to the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A session not seen before (or seen again after it ended).
    New(usize),
    /// Announced again with a different description.
    Changed(usize),
    /// Announced again, unchanged.
    Repeated(usize),
    Deleted(usize),
    TimedOut(usize),
    /// A deletion of a session never announced here.
    UnknownDeletion,
    /// The directory is full; not remembered.
    Overflow,
}

#[derive(Debug, Clone, Default)]
pub struct Directory {
    sessions: Vec<Session>,
    pub overflow: u64,
}

fn digest(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl Directory {
    pub fn new() -> Self {
        Self::default()
    }

    /// In order of first announcement.
    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Takes one SAP packet carrying SDP.
    pub fn receive(
        &mut self,
        p: &SapPacket<'_>,
        sender: SocketAddr,
        sap_group: Option<IpAddr>,
        now: Duration,
    ) -> Event {
        let sdp = Sdp::parse(p.payload);
        let id = sdp.origin.as_ref().map(|o| o.session_id.clone());
        let found = self.sessions.iter().position(|s| {
            s.origin == p.origin
                && s.msg_id_hash == p.msg_id_hash
                && s.session_id() == id.as_deref()
        });
        if p.deletion {
            // A deletion names the session by its o= line (RFC 2974 section
            // 6); an announcer may change the hash, so match on that too.
            let found = found.or_else(|| {
                self.sessions.iter().position(|s| {
                    s.origin == p.origin && id.is_some() && s.session_id() == id.as_deref()
                })
            });
            return match found {
                Some(i) => {
                    let s = &mut self.sessions[i];
                    s.state = State::Deleted;
                    s.last_seen = now;
                    Event::Deleted(i)
                }
                None => Event::UnknownDeletion,
            };
        }
        let d = digest(p.payload);
        if let Some(i) = found {
            let s = &mut self.sessions[i];
            let revived = s.state != State::Active;
            if revived {
                s.state = State::Active;
            } else {
                s.interval_sum += now.saturating_sub(s.last_seen);
                s.announcements += 1;
            }
            s.last_seen = now;
            s.sender = sender;
            s.sap_group = sap_group;
            if revived {
                return Event::New(i);
            }
            if s.digest != d {
                s.digest = d;
                s.sdp = sdp;
                s.changes += 1;
                return Event::Changed(i);
            }
            return Event::Repeated(i);
        }
        if self.sessions.len() >= MAX_SESSIONS {
            self.overflow += 1;
            return Event::Overflow;
        }
        self.sessions.push(Session {
            origin: p.origin,
            msg_id_hash: p.msg_id_hash,
            sender,
            sap_group,
            sdp,
            first_seen: now,
            last_seen: now,
            announcements: 1,
            changes: 0,
            state: State::Active,
            interval_sum: Duration::ZERO,
            digest: d,
        });
        Event::New(self.sessions.len() - 1)
    }

    /// Sessions that went silent for longer than their timeout.
    pub fn expire(&mut self, now: Duration) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, s) in self.sessions.iter_mut().enumerate() {
            if s.state == State::Active && now.saturating_sub(s.last_seen) > s.timeout() {
                s.state = State::TimedOut;
                out.push(i);
            }
        }
        out
    }

    pub fn active(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| s.state == State::Active)
            .count()
    }
}

#[cfg(test)]
mod tests;
