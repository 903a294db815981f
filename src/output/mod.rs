//! Renderers: packet events and [`crate::record`]s in, lines out. Nothing
//! from the network reaches the terminal unescaped, and nothing here
//! allocates per packet.
//!
//! [`Render`] is `listen`'s output format, chosen once per run
//! ([`renderer`]): text, JSON Lines, hex, raw or none.

pub mod hex;
pub mod host;
pub mod json;
pub mod media_report;
pub mod phrases;
pub mod ping;
pub mod querier;
pub mod report;
pub mod text;

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::IpAddr;

use crate::config::{Group, Iface, IfaceTable, ListenFormat};
use crate::platform;
use crate::record::{IfaceChange, SilenceRecord, Start, Stats, Summary};
use crate::recv::Packet;

pub use crate::record::Stamp;

/// One output format of `listen`. Packets and records go to `out`
/// (stdout, buffered); the human formats write their reports (`stats`,
/// `summary`) to `log` instead (stderr, or nothing with `--quiet`), which is
/// what the provided methods do: only JSON Lines overrides them.
pub trait Render<W: Write> {
    /// Before the first packet: the `start` record, or a header for a
    /// terminal.
    fn start(&self, _out: &mut W, _start: &Start<'_>, _terminal: bool) -> io::Result<()> {
        Ok(())
    }

    /// One packet: the hot path. Writes without allocating.
    fn packet(&self, out: &mut W, p: &Packet<'_>, labels: &mut Labels) -> io::Result<()>;

    /// The joined interface changed (the receive loop also logs it).
    fn iface(&self, _out: &mut W, _change: &IfaceChange<'_>) -> io::Result<()> {
        Ok(())
    }

    /// A group went silent or spoke again: a line on stderr (JSON adds
    /// the record on stdout).
    fn silence(
        &self,
        _out: &mut W,
        log: &mut dyn Write,
        rec: &SilenceRecord<'_>,
    ) -> io::Result<()> {
        writeln!(log, "{}", phrases::silence(rec))
    }

    /// `--stats-interval`: the stream table.
    fn stats(&self, _out: &mut W, log: &mut dyn Write, stats: &Stats<'_>) -> io::Result<()> {
        log.write_all(report::stats_text(stats).as_bytes())
    }

    /// The last word: packets first, then the summary.
    fn summary(&self, out: &mut W, log: &mut dyn Write, summary: &Summary<'_>) -> io::Result<()> {
        out.flush()?;
        log.write_all(report::summary_text(summary).as_bytes())
    }
}

/// The renderer for `format`, chosen once per run.
pub fn renderer<W: Write>(format: ListenFormat) -> Box<dyn Render<W>> {
    match format {
        ListenFormat::Text => Box::new(text::Text),
        ListenFormat::Json => Box::new(json::Json),
        ListenFormat::Hex => Box::new(hex::Hex),
        ListenFormat::Raw => Box::new(Raw),
        ListenFormat::None => Box::new(Silent),
    }
}

/// `--format raw`: payloads only, back to back.
pub struct Raw;

impl<W: Write> Render<W> for Raw {
    fn packet(&self, out: &mut W, p: &Packet<'_>, _: &mut Labels) -> io::Result<()> {
        out.write_all(p.payload)
    }
}

/// `--format none`: no packets, only the reports.
pub struct Silent;

impl<W: Write> Render<W> for Silent {
    fn packet(&self, _: &mut W, _: &Packet<'_>, _: &mut Labels) -> io::Result<()> {
        Ok(())
    }
}

/// What packets are labelled with: the configured groups their `group`
/// indexes, and interface names.
#[derive(Debug, Default)]
pub struct Labels {
    pub groups: Vec<Group>,
    pub names: IfNames,
    /// The packet's stream is known to be RTP (set per packet from the
    /// analysis), so its header is shown.
    pub rtp: bool,
}

/// Interface names by index, loaded once; an index that appears later
/// (an interface created after start) is looked up once and remembered.
/// Each name is kept as the OS gave it (for JSON, which escapes it
/// JSON-style) and, when it holds control characters, escaped for the
/// terminal: both made once per interface, never per packet.
#[derive(Debug, Default)]
pub struct IfNames {
    names: HashMap<u32, IfName>,
}

#[derive(Debug)]
struct IfName {
    raw: String,
    /// The escaped form, when it differs from `raw`.
    shown: Option<String>,
}

impl IfName {
    fn new(raw: String) -> Self {
        let shown = match crate::escape::name(&raw) {
            std::borrow::Cow::Owned(s) => Some(s),
            std::borrow::Cow::Borrowed(_) => None,
        };
        Self { raw, shown }
    }
}

impl IfNames {
    pub fn new(table: &IfaceTable) -> Self {
        Self {
            names: table
                .iter()
                .map(|i: &Iface| (i.index, IfName::new(i.name.clone())))
                .collect(),
        }
    }

    fn lookup(&mut self, index: u32) -> Option<&IfName> {
        if index == 0 {
            return None;
        }
        Some(self.names.entry(index).or_insert_with(|| {
            IfName::new(platform::if_name(index).unwrap_or_else(|| index.to_string()))
        }))
    }

    /// The name for `index` as shown on a terminal (control characters
    /// escaped); `?` when unknown.
    pub fn get(&mut self, index: u32) -> &str {
        self.lookup(index)
            .map_or("?", |n| n.shown.as_deref().unwrap_or(&n.raw))
    }

    /// The name for `index` as the OS gave it, for JSON (whose writer
    /// escapes it); `?` when unknown.
    pub fn raw(&mut self, index: u32) -> &str {
        self.lookup(index).map_or("?", |n| n.raw.as_str())
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
    fn unknown_interface_index() {
        let mut names = IfNames::default();
        assert_eq!(names.get(0), "?");
        assert_eq!(names.raw(0), "?");
        assert!(!names.get(999_999).is_empty());
    }

    #[test]
    fn names_with_controls_are_escaped_for_people_only() {
        let table = IfaceTable::from_ifaces([Iface::named("x\u{1b}[1mY\u{7}", 4)]);
        let mut names = IfNames::new(&table);
        assert_eq!(names.get(4), "x\\x1b[1mY\\x07");
        assert_eq!(names.raw(4), "x\u{1b}[1mY\u{7}");
    }
}
