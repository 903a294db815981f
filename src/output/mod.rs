//! Renderers: packet events in, records out. Nothing from the network
//! reaches the terminal unescaped, and nothing here allocates per packet.

pub mod hex;
pub mod json;
pub mod text;

use std::collections::HashMap;
use std::io::{self, Cursor, Write};
use std::net::IpAddr;
use std::time::SystemTime;

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

impl Stamp {
    /// RFC 3339 in UTC with nanoseconds: `2026-11-22T02:17:01.123456789Z`.
    pub fn rfc3339(t: SystemTime) -> Self {
        let mut buf = [0u8; 40];
        let mut cur = Cursor::new(&mut buf[..]);
        // 30 bytes always fit in 40; a failure would leave an empty stamp.
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
    write!(out, "{sender:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn stamps() {
        let t = UNIX_EPOCH + Duration::new(1_795_000_000, 123_456_789);
        let s = Stamp::rfc3339(t);
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
