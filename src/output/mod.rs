//! Renderers: packet events in, records out. Nothing from the network
//! reaches the terminal unescaped, and nothing here allocates per packet.

pub mod hex;
pub mod json;
pub mod phrases;
pub mod text;

use std::collections::HashMap;
use std::io::{self, Cursor, Write};
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use crate::config::Iface;
use crate::config::IfaceTable;
use crate::platform;
use crate::recv::Packet;

/// Interface names by index, loaded once; an index that appears later
/// (an interface created after start) is looked up once and remembered.
#[derive(Debug, Default)]
pub struct IfNames {
    names: HashMap<u32, String>,
}

impl IfNames {
    pub fn new(table: &IfaceTable) -> Self {
        Self {
            names: table
                .iter()
                .map(|i: &Iface| (i.index, i.name.clone()))
                .collect(),
        }
    }

    /// The name for `index`; `?` when unknown. Names come from the OS but
    /// are escaped anyway, since they are shown on the terminal.
    pub fn get(&mut self, index: u32) -> &str {
        if index == 0 {
            return "?";
        }
        self.names
            .entry(index)
            .or_insert_with(|| {
                platform::if_name(index).map_or_else(
                    || index.to_string(),
                    |n| crate::escape::escaped(n.as_bytes()),
                )
            })
            .as_str()
    }
}

/// A fixed-size text buffer for timestamps, so formatting one costs no
/// allocation.
pub struct Stamp {
    buf: [u8; 40],
    len: usize,
}

thread_local! {
    /// The date and time of day of the last second formatted: packets come
    /// many per second, and formatting a calendar date is the slow part.
    // Clippy for x86_64-pc-windows-gnu asks for `const` that is there.
    #[allow(clippy::missing_const_for_thread_local)]
    static SECOND: std::cell::Cell<(u64, [u8; 20])> = const { std::cell::Cell::new((u64::MAX, [0; 20])) };
}

impl Stamp {
    /// RFC 3339 in UTC with nanoseconds: `2026-11-22T02:17:01.123456789Z`,
    /// for a time since the Unix epoch (see [`crate::clock`]).
    pub fn rfc3339(since: Duration) -> Self {
        let mut buf = [0u8; 40];
        let Some(t) = SystemTime::UNIX_EPOCH.checked_add(since) else {
            return Self::slow(SystemTime::UNIX_EPOCH);
        };
        let secs = since.as_secs();
        let (cached, mut prefix) = SECOND.get();
        if cached != secs {
            // `YYYY-MM-DDTHH:MM:SSZ` -> keep the first 19 bytes, add '.'.
            let mut cur = Cursor::new(&mut prefix[..]);
            let _ = write!(cur, "{}", humantime::format_rfc3339_seconds(t));
            if cur.position() != 20 {
                return Self::slow(t);
            }
            prefix[19] = b'.';
            SECOND.set((secs, prefix));
        }
        buf[..20].copy_from_slice(&prefix);
        let mut nanos = since.subsec_nanos();
        for i in (20..29).rev() {
            buf[i] = b'0' + (nanos % 10) as u8;
            nanos /= 10;
        }
        buf[29] = b'Z';
        Self { buf, len: 30 }
    }

    /// Not the usual 20-byte date: let humantime format it whole.
    fn slow(t: SystemTime) -> Self {
        let mut buf = [0u8; 40];
        let mut cur = Cursor::new(&mut buf[..]);
        let _ = write!(cur, "{}", humantime::format_rfc3339_nanos(t));
        let len = cur.position() as usize;
        Self { buf, len }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    /// `02:17:01.123456`: time of day with microseconds, for text output.
    pub fn time_of_day(&self) -> &str {
        self.as_str().get(11..26).unwrap_or("")
    }
}

/// The group a packet belongs to, for display: the configured group it
/// matched, else its destination address.
pub fn group_addr(p: &Packet<'_>, groups: &[crate::config::Group]) -> Option<IpAddr> {
    p.group.map(|g| groups[g].addr).or(p.dest)
}

/// Writes a sender id as 16 hex digits (JSON numbers lose precision past 2^53).
pub fn write_sender(out: &mut impl Write, sender: u64) -> io::Result<()> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 16];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = DIGITS[((sender >> (60 - 4 * i)) & 0xf) as usize];
    }
    out.write_all(&buf)
}

/// An integer in decimal, without going through core::fmt.
pub fn write_num(out: &mut impl Write, n: impl itoa::Integer) -> io::Result<()> {
    out.write_all(itoa::Buffer::new().format(n).as_bytes())
}

/// An address as text; IPv4 without core::fmt, IPv6 (rarer, and with
/// zero compression to get right) through std's Display.
pub fn write_ip(out: &mut impl Write, ip: IpAddr) -> io::Result<()> {
    match ip {
        IpAddr::V4(a) => {
            let [a, b, c, d] = a.octets();
            write_num(out, a)?;
            out.write_all(b".")?;
            write_num(out, b)?;
            out.write_all(b".")?;
            write_num(out, c)?;
            out.write_all(b".")?;
            write_num(out, d)
        }
        IpAddr::V6(a) => write!(out, "{a}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn cached_stamps_match_humantime() {
        for ns in [
            0u64,
            1,
            999_999_999,
            1_000_000_000,
            1_795_000_000_123_456_789,
            1_795_000_001_000_000_007,
        ] {
            let t = UNIX_EPOCH + Duration::from_nanos(ns);
            assert_eq!(
                Stamp::rfc3339(Duration::from_nanos(ns)).as_str(),
                humantime::format_rfc3339_nanos(t).to_string()
            );
        }
    }

    #[test]
    fn fast_writers_match_display() {
        for ip in [
            "0.0.0.0",
            "192.0.2.1",
            "255.255.255.255",
            "ff15::1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            let mut out = Vec::new();
            write_ip(&mut out, ip).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), ip.to_string());
        }
        for n in [0u64, 7, 1234567890123, u64::MAX] {
            let mut out = Vec::new();
            write_sender(&mut out, n).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format!("{n:016x}"));
        }
    }

    #[test]
    fn stamps() {
        let s = Stamp::rfc3339(Duration::new(1_795_000_000, 123_456_789));
        assert_eq!(s.as_str(), "2026-11-18T11:06:40.123456789Z");
        assert_eq!(s.time_of_day(), "11:06:40.123456");
    }

    #[test]
    fn unknown_interface_index() {
        let mut names = IfNames::default();
        assert_eq!(names.get(0), "?");
        assert!(!names.get(999_999).is_empty());
    }
}
