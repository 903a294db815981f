//! What one host of a mesh knows of who reached whom. Every host probes
//! the group from the group's port and answers by unicast and to the
//! group, so each host hears, besides the replies to its own probes, the
//! other hosts' probes (its own column) and their replies to the group
//! (the other rows). Each host also multicasts its own row now and then
//! ([`super::report`]): the other rows then carry the prober's own loss
//! and round trips, not only how many probes were overheard.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use super::report::{self, Entry, Report};
use super::tally::{Tally, MAX_RESPONDERS};
use crate::record::ping::Rtt;
use crate::send::Sender;

/// How often a mesh host sends a report (one datagram each time).
pub const REPORT_EVERY: Duration = Duration::from_millis(250);
/// Reported cells kept, over all reporters: bounds what reports can cost.
const MAX_REPORTED: usize = MAX_RESPONDERS * 16;

/// A host of the mesh, by its id (the sender id of its probes and the
/// responder id of its replies).
#[derive(Debug, Clone)]
pub struct Host {
    pub id: u64,
    pub addr: IpAddr,
    /// From its replies; empty until it has answered someone.
    pub name: Vec<u8>,
    /// Highest sequence number seen of its probes (in probes or replies).
    pub max_seq: Option<u64>,
}

/// Probes of `from` that `to` received, as far as this host can tell.
#[derive(Debug, Clone)]
pub struct Cell {
    pub from: u64,
    pub to: u64,
    pub received: u64,
    /// The latest sequence counted: probes arrive in order, mostly, and a
    /// duplicate of the latest is not counted twice.
    last: Option<u64>,
}

/// A cell of another host's row, as that host reported it.
#[derive(Debug, Clone)]
pub struct Reported {
    pub from: u64,
    /// The report number the figures come from: older ones never win.
    pub number: u64,
    /// Probes `from` had sent when it reported.
    pub probes: u64,
    pub entry: Entry,
}

#[derive(Debug, Default)]
pub struct Mesh {
    pub hosts: Vec<Host>,
    /// Cells other than this host's own row (the tally has that).
    pub cells: Vec<Cell>,
    pub reported: Vec<Reported>,
    /// Other hosts' reports heard (valid ones).
    pub reports_heard: u64,
}

impl Mesh {
    /// Notes a host; returns its index, or `None` past the limit.
    pub fn host(&mut self, id: u64, addr: IpAddr, name: Option<&[u8]>) -> Option<usize> {
        let i = match self.hosts.iter().position(|h| h.id == id) {
            Some(i) => i,
            None if self.hosts.len() < MAX_RESPONDERS => {
                self.hosts.push(Host {
                    id,
                    addr,
                    name: Vec::new(),
                    max_seq: None,
                });
                self.hosts.len() - 1
            }
            None => return None,
        };
        if self.hosts[i].addr.is_unspecified() {
            self.hosts[i].addr = addr;
        }
        if let Some(n) = name.filter(|n| !n.is_empty() && self.hosts[i].name.is_empty()) {
            self.hosts[i].name = n.to_vec();
        }
        Some(i)
    }

    fn saw_seq(&mut self, i: usize, seq: u64) {
        let h = &mut self.hosts[i];
        h.max_seq = Some(h.max_seq.map_or(seq, |m| m.max(seq)));
    }

    /// Probe `seq` of `from` (at `addr`) reached `to`.
    pub fn reached(&mut self, from: u64, addr: IpAddr, to: u64, seq: u64) {
        let Some(i) = self.host(from, addr, None) else {
            return;
        };
        self.saw_seq(i, seq);
        let k = match self.cells.iter().position(|c| c.from == from && c.to == to) {
            Some(k) => k,
            None if self.cells.len() < MAX_RESPONDERS * 4 => {
                self.cells.push(Cell {
                    from,
                    to,
                    received: 0,
                    last: None,
                });
                self.cells.len() - 1
            }
            None => return,
        };
        let c = &mut self.cells[k];
        if c.last != Some(seq) {
            c.received += 1;
            c.last = Some(seq);
        }
    }

    /// Probes `from` sent as far as seen: its highest sequence plus one.
    pub fn probes_of(&self, from: u64) -> u64 {
        self.hosts
            .iter()
            .find(|h| h.id == from)
            .and_then(|h| h.max_seq)
            .map_or(0, |s| s + 1)
    }

    pub fn cell(&self, from: u64, to: u64) -> Option<&Cell> {
        self.cells.iter().find(|c| c.from == from && c.to == to)
    }

    /// Takes in another host's report (the datagram it was parsed from).
    pub fn report(&mut self, r: &Report, addr: IpAddr, datagram: &[u8]) {
        if self
            .host(r.reporter, addr, Some(r.name(datagram)))
            .is_none()
        {
            return;
        }
        self.reports_heard += 1;
        for entry in r.entries(datagram) {
            let k = self
                .reported
                .iter()
                .position(|c| c.from == r.reporter && c.entry.peer == entry.peer);
            let cell = Reported {
                from: r.reporter,
                number: r.number,
                probes: r.probes,
                entry,
            };
            match k {
                Some(k) if self.reported[k].number <= r.number => self.reported[k] = cell,
                Some(_) => {}
                None if self.reported.len() < MAX_REPORTED => self.reported.push(cell),
                None => {}
            }
        }
    }

    /// The newest probe count `from` reported, if it reported at all.
    pub fn reported_probes(&self, from: u64) -> Option<u64> {
        self.reported
            .iter()
            .filter(|c| c.from == from)
            .max_by_key(|c| c.number)
            .map(|c| c.probes)
    }

    pub fn reported_cell(&self, from: u64, to: u64) -> Option<&Reported> {
        self.reported
            .iter()
            .find(|c| c.from == from && c.entry.peer == to)
    }
}

/// Sends this host's row to the group, one datagram per call, cycling
/// through the parts of a row longer than one report holds.
pub struct Reporter {
    pub tx: Sender,
    pub to: SocketAddr,
    pub me: u64,
    pub name: String,
    start: Instant,
    interval: Duration,
    count: u64,
    number: u64,
    part: usize,
    buf: Box<[u8; report::MAX_REPORT]>,
    entries: Vec<Entry>,
    pub sent: u64,
    pub send_errors: u64,
}

impl Reporter {
    /// `count` probes every `interval` from `start`: how many were sent by
    /// a given time (the send engine paces them so).
    pub fn new(
        tx: Sender,
        to: SocketAddr,
        me: u64,
        name: String,
        interval: Duration,
        count: u64,
    ) -> Self {
        Self {
            tx,
            to,
            me,
            name,
            start: Instant::now(),
            interval,
            count,
            number: 0,
            part: 0,
            buf: Box::new([0; report::MAX_REPORT]),
            entries: Vec::with_capacity(report::MAX_ENTRIES),
            sent: 0,
            send_errors: 0,
        }
    }

    fn probes_by(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.start).as_nanos();
        let due = elapsed / self.interval.as_nanos().max(1) + 1;
        u64::try_from(due).unwrap_or(u64::MAX).min(self.count)
    }

    /// Sends the next part of this host's row, from the tally of its own
    /// probes' replies.
    pub fn send(&mut self, tally: &Tally, now: Instant) {
        let parts = tally.responders.len().div_ceil(report::MAX_ENTRIES).max(1);
        if self.part >= parts {
            self.part = 0;
        }
        if self.part == 0 {
            self.number += 1;
        }
        self.entries.clear();
        let first = self.part * report::MAX_ENTRIES;
        for r in tally
            .responders
            .iter()
            .skip(first)
            .take(report::MAX_ENTRIES)
        {
            self.entries.push(Entry {
                peer: r.id,
                multicast: u32::try_from(r.multicast.received).unwrap_or(u32::MAX),
                unicast: u32::try_from(r.unicast.received).unwrap_or(u32::MAX),
                multicast_rtt: Rtt::of(&r.multicast),
                unicast_rtt: Rtt::of(&r.unicast),
            });
        }
        self.part += 1;
        let probes = self.probes_by(now);
        let n = report::write(
            &mut self.buf[..],
            self.me,
            self.number,
            probes,
            &self.name,
            &self.entries,
        );
        match self.tx.send_to(&self.buf[..n], self.to) {
            Ok(_) => self.sent += 1,
            Err(e) => self.failed(&e),
        }
    }

    fn failed(&mut self, e: &io::Error) {
        self.send_errors += 1;
        tracing::debug!("mesh report not sent: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_count_each_probe_once() {
        let a = IpAddr::from([192, 0, 2, 1]);
        let mut m = Mesh::default();
        m.reached(1, a, 2, 0);
        m.reached(1, a, 2, 0);
        m.reached(1, a, 2, 3);
        m.reached(1, a, 9, 1);
        assert_eq!(m.cell(1, 2).map(|c| c.received), Some(2));
        assert_eq!(m.cell(1, 9).map(|c| c.received), Some(1));
        assert!(m.cell(2, 1).is_none());
        assert_eq!(m.probes_of(1), 4);
        assert_eq!(m.probes_of(2), 0);
        assert_eq!(m.host(2, a, Some(b"b")), Some(1));
        assert_eq!(m.host(2, a, Some(b"other")), Some(1));
        assert_eq!(m.hosts[1].name, b"b");
    }

    #[test]
    fn reports_fill_other_rows_and_older_ones_never_win() {
        let a = IpAddr::from([192, 0, 2, 11]);
        let e = |peer, multicast| Entry {
            peer,
            multicast,
            unicast: 20,
            multicast_rtt: None,
            unicast_rtt: None,
        };
        let mut buf = [0u8; report::MAX_REPORT];
        let mut m = Mesh::default();
        let mut take = |m: &mut Mesh, number, probes, entries: &[Entry]| {
            let n = report::write(&mut buf, 7, number, probes, "h7", entries);
            let r = Report::parse(&buf[..n]).unwrap();
            m.report(&r, a, &buf[..n]);
        };
        take(&mut m, 2, 20, &[e(1, 18), e(2, 20)]);
        take(&mut m, 1, 10, &[e(1, 5)]);
        assert_eq!(m.reported_probes(7), Some(20));
        assert_eq!(m.reported_cell(7, 1).map(|c| c.entry.multicast), Some(18));
        take(&mut m, 3, 30, &[e(1, 29)]);
        assert_eq!(m.reported_cell(7, 1).map(|c| c.entry.multicast), Some(29));
        assert_eq!(m.reported_cell(7, 2).map(|c| c.entry.multicast), Some(20));
        assert_eq!(m.reported_probes(7), Some(30));
        assert!(m.reported_cell(1, 7).is_none());
        assert_eq!(m.hosts[0].name, b"h7", "named by its reports");
        assert_eq!(m.reports_heard, 3);
    }
}
