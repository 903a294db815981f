//! JSON Lines. Every line is one object with a `"type"`; the schema is
//! documented in README.md and versioned by `SCHEMA` in the `start` record.
//! Packet records are written by hand into the output buffer (no
//! allocation, no serde tree per packet); the other records are the types
//! of [`crate::record`], serialized by serde.

use std::io::{self, Write};

use serde::Serialize;

use super::{group_addr, write_ip, write_num, write_sender, IfNames, Labels, Render, Stamp};
use crate::config::Group;
use crate::media::rtp::RtpHeader;
use crate::record::{IfaceChange, SilenceRecord, Start, Stats, Summary};
use crate::recv::Packet;

pub use crate::record::SCHEMA;

/// JSON Lines: every record on stdout.
pub struct Json;

impl<W: Write> Render<W> for Json {
    fn start(&self, out: &mut W, start: &Start<'_>, _terminal: bool) -> io::Result<()> {
        write_record(out, start)
    }

    fn packet(&self, out: &mut W, p: &Packet<'_>, labels: &mut Labels) -> io::Result<()> {
        let rtp = labels.rtp.then(|| RtpHeader::parse(p.payload)).flatten();
        write_packet_rtp(out, p, &labels.groups, &mut labels.names, rtp.as_ref())
    }

    /// Scripts reading JSON see interface changes in the stream itself, at once.
    fn iface(&self, out: &mut W, change: &IfaceChange<'_>) -> io::Result<()> {
        write_record(out, change)?;
        out.flush()
    }

    /// The record at once, and the line for whoever watches stderr.
    fn silence(&self, out: &mut W, log: &mut dyn Write, rec: &SilenceRecord<'_>) -> io::Result<()> {
        write_record(out, rec)?;
        out.flush()?;
        writeln!(log, "{}", super::phrases::silence(rec))
    }

    fn stats(&self, out: &mut W, _log: &mut dyn Write, stats: &Stats<'_>) -> io::Result<()> {
        write_record(out, stats)
    }

    fn summary(&self, out: &mut W, _log: &mut dyn Write, summary: &Summary<'_>) -> io::Result<()> {
        write_record(out, summary)?;
        out.flush()
    }
}

/// Payloads longer than this are cut in records (`payload_truncated`).
pub const MAX_PAYLOAD: usize = 4096;

pub fn write_packet(
    out: &mut impl Write,
    p: &Packet<'_>,
    groups: &[Group],
    names: &mut IfNames,
) -> io::Result<()> {
    write_packet_rtp(out, p, groups, names, None)
}

/// As [`write_packet`], with an `rtp` object for a packet of a stream
/// known to be RTP.
pub fn write_packet_rtp(
    out: &mut impl Write,
    p: &Packet<'_>,
    groups: &[Group],
    names: &mut IfNames,
    rtp: Option<&RtpHeader>,
) -> io::Result<()> {
    // Plain byte writes and itoa rather than `write!`: core::fmt was the
    // largest user-space cost per packet.
    out.write_all(b"{\"type\":\"packet\",\"time\":\"")?;
    out.write_all(Stamp::rfc3339(p.time).as_str().as_bytes())?;
    out.write_all(b"\",\"source\":\"")?;
    write_ip(out, p.source.ip())?;
    out.write_all(b"\",\"source_port\":")?;
    write_num(out, p.source.port())?;
    out.write_all(b",\"group\":")?;
    match group_addr(p, groups) {
        Some(g) => {
            out.write_all(b"\"")?;
            write_ip(out, g)?;
            out.write_all(b"\"")?;
        }
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"port\":")?;
    write_num(out, p.port)?;
    out.write_all(b",\"iface\":")?;
    // The name as the OS gave it: serde escapes it JSON-style.
    serde_json::to_writer(&mut *out, names.raw(p.ifindex))?;
    out.write_all(b",\"ttl\":")?;
    match p.ttl {
        Some(t) => write_num(out, t)?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"len\":")?;
    write_num(out, p.payload.len())?;
    if p.truncated {
        out.write_all(b",\"truncated\":true")?;
    }
    if let Some(h) = rtp {
        out.write_all(b",\"rtp\":{\"ssrc\":")?;
        write_num(out, h.ssrc)?;
        out.write_all(b",\"seq\":")?;
        write_num(out, h.seq)?;
        out.write_all(b",\"timestamp\":")?;
        write_num(out, h.timestamp)?;
        out.write_all(b",\"payload_type\":")?;
        write_num(out, h.payload_type)?;
        out.write_all(if h.marker {
            b",\"marker\":true}"
        } else {
            b",\"marker\":false}"
        })?;
    }
    match p.test {
        Some(h) => {
            out.write_all(b",\"sender\":\"")?;
            write_sender(out, h.sender)?;
            out.write_all(b"\",\"seq\":")?;
            write_num(out, h.seq)?;
            out.write_all(b",\"sent\":\"")?;
            out.write_all(Stamp::rfc3339(h.sent()).as_str().as_bytes())?;
            out.write_all(b"\"")?;
        }
        None => write_payload(out, p.payload)?,
    }
    out.write_all(b"}\n")
}

/// Text payloads as a JSON string (serde_json escapes control characters);
/// anything that is not UTF-8 as hex.
fn write_payload(out: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let shown = &payload[..payload.len().min(MAX_PAYLOAD)];
    match std::str::from_utf8(shown) {
        Ok(s) => {
            out.write_all(b",\"payload\":")?;
            serde_json::to_writer(&mut *out, s)?;
        }
        Err(_) => {
            out.write_all(b",\"payload_hex\":\"")?;
            write_hex(out, shown)?;
            out.write_all(b"\"")?;
        }
    }
    if shown.len() < payload.len() {
        out.write_all(b",\"payload_truncated\":true")?;
    }
    Ok(())
}

/// Lower-case hex through a stack buffer: `write!("{:02x}")` per byte
/// costs about 50 ns a byte, which dominated the per-packet cost.
pub fn write_hex(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 512];
    for chunk in bytes.chunks(buf.len() / 2) {
        for (i, &b) in chunk.iter().enumerate() {
            buf[2 * i] = DIGITS[usize::from(b >> 4)];
            buf[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
        }
        out.write_all(&buf[..2 * chunk.len()])?;
    }
    Ok(())
}

/// Writes one record followed by a newline.
pub fn write_record(out: &mut impl Write, record: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testpacket::{self, TestHeader};
    use serde_json::Value;
    use std::time::{Duration, UNIX_EPOCH};

    fn packet<'a>(payload: &'a [u8], test: Option<TestHeader>) -> Packet<'a> {
        Packet {
            test,
            ..Packet::sample(payload)
        }
    }

    fn render(p: &Packet<'_>) -> Value {
        let mut out = Vec::new();
        write_packet(&mut out, p, &[], &mut IfNames::default()).unwrap();
        assert!(out.ends_with(b"}\n"));
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn foreign_text_payload() {
        let v = render(&packet(b"hi \x1b[31m\n", None));
        assert_eq!(v["type"], "packet");
        assert_eq!(v["source"], "192.0.2.1");
        assert_eq!(v["source_port"], 4000);
        assert_eq!(v["group"], "239.1.1.1");
        assert_eq!(v["port"], 5000);
        assert_eq!(v["iface"], "?");
        assert_eq!(v["ttl"], 1);
        assert_eq!(v["len"], 9);
        assert_eq!(v["payload"], "hi \x1b[31m\n");
        assert_eq!(v["time"], "2027-01-15T08:00:00.000000000Z");
    }

    /// The name as the OS gave it, escaped JSON-style (valid JSON, and
    /// no raw ESC or BEL on a terminal).
    #[test]
    fn interface_names_are_escaped_json_style() {
        let table = crate::config::IfaceTable::from_ifaces([crate::config::Iface::named(
            "x\u{1b}[1mY\u{7}",
            4,
        )]);
        let p = Packet {
            ifindex: 4,
            ..packet(b"hi", None)
        };
        let mut out = Vec::new();
        write_packet(&mut out, &p, &[], &mut IfNames::new(&table)).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.contains(r#""iface":"x\u001b[1mY\u0007""#), "{line}");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["iface"], "x\u{1b}[1mY\u{7}");
    }

    #[test]
    fn hex_of_long_payloads() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let mut out = Vec::new();
        write_hex(&mut out, &bytes).unwrap();
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn binary_payload_is_hex() {
        let v = render(&packet(&[0xff, 0x00, 0x41], None));
        assert_eq!(v["payload_hex"], "ff0041");
        assert!(v.get("payload").is_none());
    }

    #[test]
    fn test_packets_carry_sender_and_seq() {
        let mut buf = vec![0u8; 64];
        testpacket::write(
            &mut buf,
            u64::MAX - 1,
            77,
            UNIX_EPOCH + Duration::from_secs(5),
        );
        let h = TestHeader::parse(&buf);
        let v = render(&packet(&buf, h));
        assert_eq!(v["sender"], "fffffffffffffffe");
        assert_eq!(v["seq"], 77);
        assert_eq!(v["sent"], "1970-01-01T00:00:05.000000000Z");
        assert!(v.get("payload").is_none());
    }
}
