//! The mesh report (kind 3 of the `MCPG` format, version 1): each mesh host
//! multicasts its own row of the matrix, what it measured of its probes
//! to each peer, so every host can fill every cell with the prober's own
//! loss and round trips. All integers are big-endian.
//!
//! ```text
//! off size field
//!  0  4   magic "MCPG"
//!  4  1   version (1)
//!  5  1   kind (3: mesh report)
//!  6  2   datagram length as sent
//!  8  8   reporter id (the sender id of its probes)
//! 16  8   report number (a receiver keeps the newest figures)
//! 24  8   probes the reporter has sent so far
//! 32  1   entry count n (at most 14)
//! 33  1   name length m (at most 64)
//! 34  2   reserved (0)
//! 36  m   reporter's host name (UTF-8)
//! 36+m    n entries of 64 bytes:
//!    0  8   peer id (the responder id of its replies)
//!    8  4   multicast replies received from it
//!   12  4   unicast replies received from it
//!   16  24  multicast RTT min, avg, p50, p99, max, stddev: 6 x u32 in
//!           units of 100 ns (all six 0xffffffff: no round trip
//!           measured; some but not all is not a report)
//!   40  24  unicast RTT, the same
//! ```
//!
//! At most 36 + 64 + 14 x 64 = 996 bytes. A larger mesh reports its row in
//! parts (the same report number, other peers); a host sends one datagram
//! per report period whatever the mesh size, so reports cost a bounded,
//! small rate. Reports are never answered.

use super::wire::{KIND_REPORT, MAGIC, MAX_NAME, VERSION};
use crate::record::ping::Rtt;

pub const HEADER: usize = 36;
pub const ENTRY: usize = 64;
/// Peers per datagram: the largest report stays under 1,000 bytes.
pub const MAX_ENTRIES: usize = 14;
pub const MAX_REPORT: usize = HEADER + MAX_NAME + MAX_ENTRIES * ENTRY;

/// 100 ns units of the RTT fields; `NONE` marks a path with no round trip.
const UNITS_PER_MS: f64 = 10_000.0;
const NONE: u32 = u32::MAX;

/// One peer of a reporter's row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub peer: u64,
    pub multicast: u32,
    pub unicast: u32,
    pub multicast_rtt: Option<Rtt>,
    pub unicast_rtt: Option<Rtt>,
}

/// A report's header; entries and name stay in the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub reporter: u64,
    pub number: u64,
    pub probes: u64,
    entries: u8,
    name_len: u8,
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn units(ms: f64) -> u32 {
    let u = (ms * UNITS_PER_MS).round();
    if u.is_nan() || u < 0.0 {
        0
    } else if u >= f64::from(NONE - 1) {
        NONE - 1
    } else {
        u as u32
    }
}

fn write_rtt(b: &mut [u8], rtt: Option<Rtt>) {
    let values = rtt.map_or([NONE; 6], |r| {
        [r.min, r.avg, r.p50, r.p99, r.max, r.stddev].map(units)
    });
    for (k, v) in values.iter().enumerate() {
        b[k * 4..k * 4 + 4].copy_from_slice(&v.to_be_bytes());
    }
}

fn read_rtt(b: &[u8]) -> Option<Rtt> {
    let mut v = [0f64; 6];
    for (k, x) in v.iter_mut().enumerate() {
        let u = u32_at(b, k * 4)?;
        if u == NONE {
            return None;
        }
        *x = f64::from(u) / UNITS_PER_MS;
    }
    Some(Rtt {
        min: v[0],
        avg: v[1],
        p50: v[2],
        p99: v[3],
        max: v[4],
        stddev: v[5],
    })
}

/// Writes a report into `out` and returns its length; takes at most
/// [`MAX_ENTRIES`] of `entries` and cuts the name (at a character
/// boundary) to [`MAX_NAME`] bytes. 0 when `out` is too small.
pub fn write(
    out: &mut [u8],
    reporter: u64,
    number: u64,
    probes: u64,
    name: &str,
    entries: &[Entry],
) -> usize {
    let mut m = name.len().min(MAX_NAME);
    while !name.is_char_boundary(m) {
        m -= 1;
    }
    let entries = &entries[..entries.len().min(MAX_ENTRIES)];
    let len = HEADER + m + entries.len() * ENTRY;
    let Some(b) = out.get_mut(..len) else {
        return 0;
    };
    b[..4].copy_from_slice(&MAGIC);
    b[4] = VERSION;
    b[5] = KIND_REPORT;
    b[6..8].copy_from_slice(&(len as u16).to_be_bytes());
    b[8..16].copy_from_slice(&reporter.to_be_bytes());
    b[16..24].copy_from_slice(&number.to_be_bytes());
    b[24..32].copy_from_slice(&probes.to_be_bytes());
    b[32] = entries.len() as u8;
    b[33] = m as u8;
    b[34..36].fill(0);
    b[HEADER..HEADER + m].copy_from_slice(&name.as_bytes()[..m]);
    for (k, e) in entries.iter().enumerate() {
        let at = HEADER + m + k * ENTRY;
        let x = &mut b[at..at + ENTRY];
        x[..8].copy_from_slice(&e.peer.to_be_bytes());
        x[8..12].copy_from_slice(&e.multicast.to_be_bytes());
        x[12..16].copy_from_slice(&e.unicast.to_be_bytes());
        write_rtt(&mut x[16..40], e.multicast_rtt);
        write_rtt(&mut x[40..64], e.unicast_rtt);
    }
    len
}

impl Report {
    /// Reads a report; `None` for anything else (a wrong length, count or
    /// reserved field). Never panics, whatever the bytes.
    pub fn parse(b: &[u8]) -> Option<Self> {
        if !(HEADER..=MAX_REPORT).contains(&b.len())
            || b.get(..4)? != MAGIC
            || b[4] != VERSION
            || b[5] != KIND_REPORT
            || usize::from(u16::from_be_bytes([b[6], b[7]])) != b.len()
            || b[34..36] != [0, 0]
        {
            return None;
        }
        let (entries, name_len) = (b[32], b[33]);
        if usize::from(entries) > MAX_ENTRIES
            || usize::from(name_len) > MAX_NAME
            || HEADER + usize::from(name_len) + usize::from(entries) * ENTRY != b.len()
        {
            return None;
        }
        // A path has all six RTT figures or none: one reading only.
        let first = HEADER + usize::from(name_len);
        for k in 0..usize::from(entries) {
            for block in [16, 40] {
                let at = first + k * ENTRY + block;
                let none = (0..6)
                    .filter(|i| u32_at(b, at + i * 4) == Some(NONE))
                    .count();
                if none != 0 && none != 6 {
                    return None;
                }
            }
        }
        Some(Self {
            reporter: u64_at(b, 8)?,
            number: u64_at(b, 16)?,
            probes: u64_at(b, 24)?,
            entries,
            name_len,
        })
    }

    /// The reporter's name as sent (raw bytes: escape before showing).
    pub fn name<'a>(&self, datagram: &'a [u8]) -> &'a [u8] {
        datagram
            .get(HEADER..HEADER + usize::from(self.name_len))
            .unwrap_or_default()
    }

    /// The entries, read from the datagram this report was parsed from.
    pub fn entries<'a>(&self, datagram: &'a [u8]) -> impl Iterator<Item = Entry> + 'a {
        let first = HEADER + usize::from(self.name_len);
        (0..usize::from(self.entries)).filter_map(move |k| {
            let x = datagram.get(first + k * ENTRY..first + (k + 1) * ENTRY)?;
            Some(Entry {
                peer: u64_at(x, 0)?,
                multicast: u32_at(x, 8)?,
                unicast: u32_at(x, 12)?,
                multicast_rtt: read_rtt(&x[16..40]),
                unicast_rtt: read_rtt(&x[40..64]),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rtt(base: f64) -> Rtt {
        Rtt {
            min: base,
            avg: base + 0.01,
            p50: base + 0.02,
            p99: base + 0.03,
            max: base + 0.04,
            stddev: 0.0051,
        }
    }

    fn entry(peer: u64) -> Entry {
        Entry {
            peer,
            multicast: 19,
            unicast: 20,
            multicast_rtt: Some(rtt(0.125)),
            unicast_rtt: None,
        }
    }

    #[test]
    fn layout_is_as_documented_and_reads_back() {
        let mut out = [0u8; MAX_REPORT];
        let n = write(&mut out, 0xa1, 7, 20, "h0", &[entry(5), entry(6)]);
        assert_eq!(n, HEADER + 2 + 2 * ENTRY);
        let b = &out[..n];
        assert_eq!(&b[..8], b"MCPG\x01\x03\x00\xa6");
        assert_eq!(&b[8..16], &0xa1u64.to_be_bytes());
        assert_eq!((b[32], b[33]), (2, 2));
        assert_eq!(&b[36..38], b"h0");
        assert_eq!(&b[38..46], &5u64.to_be_bytes());
        assert_eq!(
            &b[54..58],
            &1250u32.to_be_bytes(),
            "0.125 ms in 100 ns units"
        );
        assert_eq!(&b[78..82], &[0xff; 4], "no unicast RTT");
        let r = Report::parse(b).unwrap();
        assert_eq!((r.reporter, r.number, r.probes), (0xa1, 7, 20));
        assert_eq!(r.name(b), b"h0");
        let got: Vec<Entry> = r.entries(b).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].peer, 6);
        assert_eq!((got[0].multicast, got[0].unicast), (19, 20));
        assert_eq!(got[0].unicast_rtt, None);
        let m = got[0].multicast_rtt.unwrap();
        assert_eq!((m.min, m.p99, m.stddev), (0.125, 0.155, 0.0051));
    }

    #[test]
    fn bounded_whatever_it_is_given() {
        let many: Vec<Entry> = (0..40).map(entry).collect();
        let long = "\u{e9}".repeat(100);
        let mut out = [0u8; MAX_REPORT];
        let n = write(&mut out, 1, 1, 1, &long, &many);
        assert_eq!(n, MAX_REPORT);
        assert!(n < 1000);
        let r = Report::parse(&out[..n]).unwrap();
        assert_eq!(r.entries(&out[..n]).count(), MAX_ENTRIES);
        assert_eq!(r.name(&out[..n]).len(), MAX_NAME);
        let mut small = [0u8; 40];
        assert_eq!(write(&mut small, 1, 1, 1, "h", &many), 0, "no room");
        let huge = Entry {
            multicast_rtt: Some(rtt(1e9)),
            ..entry(1)
        };
        let n = write(&mut out, 1, 1, 1, "", &[huge]);
        let back = Report::parse(&out[..n]).unwrap().entries(&out[..n]).next();
        assert!(
            back.unwrap().multicast_rtt.is_some(),
            "saturates, stays known"
        );
    }

    #[test]
    fn malformed_reports_are_refused() {
        let mut out = [0u8; MAX_REPORT];
        let n = write(&mut out, 1, 2, 3, "h1", &[entry(9)]);
        let good = out[..n].to_vec();
        assert!(Report::parse(&good).is_some());
        assert_eq!(Report::parse(&good[..n - 1]), None, "truncated");
        assert_eq!(Report::parse(b""), None);
        for (at, value, why) in [
            (0, b'X', "magic"),
            (4, 2, "version"),
            (5, 1, "kind"),
            (7, 0x10, "length field"),
            (32, 2, "entry count"),
            (32, 15, "too many entries"),
            (33, 3, "name length"),
            (35, 1, "reserved"),
        ] {
            let mut b = good.clone();
            b[at] = value;
            assert_eq!(Report::parse(&b), None, "{why}");
        }
        let mut half = good.clone();
        half[HEADER + 2 + 20..HEADER + 2 + 24].fill(0xff);
        assert_eq!(
            Report::parse(&half),
            None,
            "one multicast RTT figure missing"
        );
        let mut half = good.clone();
        half[HEADER + 2 + 40..HEADER + 2 + 44].fill(0);
        assert_eq!(Report::parse(&half), None, "one unicast RTT figure given");
        let mut long = good.clone();
        long.extend_from_slice(&[0; ENTRY]);
        assert_eq!(Report::parse(&long), None, "one entry more than counted");
    }
}
