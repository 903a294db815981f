//! Aligned, human-readable lines, one per packet.

use std::io::{self, Write};

use super::{group_addr, write_sender, IfNames, Labels, Render, Stamp};
use crate::config::Group;
use crate::escape::write_escaped;
use crate::media::rtp::RtpHeader;
use crate::record::Start;
use crate::recv::Packet;

/// Aligned lines, with a header on a terminal.
pub struct Text;

impl<W: Write> Render<W> for Text {
    fn start(&self, out: &mut W, _start: &Start<'_>, terminal: bool) -> io::Result<()> {
        if terminal {
            out.write_all(HEADER.as_bytes())?;
        }
        Ok(())
    }

    fn packet(&self, out: &mut W, p: &Packet<'_>, labels: &mut Labels) -> io::Result<()> {
        match labels.rtp.then(|| RtpHeader::parse(p.payload)).flatten() {
            Some(h) => {
                write_prefix(out, p, &labels.groups, &mut labels.names)?;
                write!(
                    out,
                    "rtp pt {} seq {} ts {} ssrc {:08x}{}",
                    h.payload_type,
                    h.seq,
                    h.timestamp,
                    h.ssrc,
                    if h.marker { " marker" } else { "" }
                )?;
                out.write_all(if p.truncated {
                    b" [truncated]\n"
                } else {
                    b"\n"
                })
            }
            None => write_packet(out, p, &labels.groups, &mut labels.names),
        }
    }
}

/// Payload bytes shown per line; the rest is marked with `...`.
const SHOWN: usize = 64;

pub const HEADER: &str =
    "TIME (UTC)       SOURCE                 GROUP                  IFACE    TTL    LEN  DATA\n";

pub fn write_packet(
    out: &mut impl Write,
    p: &Packet<'_>,
    groups: &[Group],
    names: &mut IfNames,
) -> io::Result<()> {
    write_prefix(out, p, groups, names)?;
    match p.test {
        Some(h) => {
            write!(out, "seq {} sender ", h.seq)?;
            write_sender(out, h.sender)?;
        }
        None => {
            out.write_all(b"\"")?;
            write_escaped(out, p.payload, SHOWN)?;
            out.write_all(b"\"")?;
        }
    }
    if p.truncated {
        out.write_all(b" [truncated]")?;
    }
    out.write_all(b"\n")
}

/// Everything but the data column; shared with the hex format.
pub fn write_prefix(
    out: &mut impl Write,
    p: &Packet<'_>,
    groups: &[Group],
    names: &mut IfNames,
) -> io::Result<()> {
    let stamp = Stamp::rfc3339(p.time);
    let mut col = [0u8; 64];
    let source = fmt_col(&mut col, format_args!("{}", p.source));
    write!(out, "{}  {:<22} ", stamp.time_of_day(), source)?;
    let mut col = [0u8; 64];
    let group = match group_addr(p, groups) {
        Some(std::net::IpAddr::V6(g)) => fmt_col(&mut col, format_args!("[{g}]:{}", p.port)),
        Some(g) => fmt_col(&mut col, format_args!("{g}:{}", p.port)),
        None => fmt_col(&mut col, format_args!("?:{}", p.port)),
    };
    write!(out, "{group:<22} {:<8} ", names.get(p.ifindex))?;
    match p.ttl {
        Some(t) => write!(out, "{t:>3}")?,
        None => out.write_all(b"  ?")?,
    }
    write!(out, " {:>6}  ", p.payload.len())
}

/// Formats into a stack buffer so the column can be padded without a String.
fn fmt_col<'a>(buf: &'a mut [u8; 64], args: std::fmt::Arguments<'_>) -> &'a str {
    let mut cur = io::Cursor::new(&mut buf[..]);
    let _ = cur.write_fmt(args);
    let len = cur.position() as usize;
    std::str::from_utf8(&buf[..len]).unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn escapes_and_aligns() {
        let p = Packet {
            time: Duration::from_micros(1_800_000_000_000_001),
            kernel_time: false,
            ..Packet::sample(b"\x1b[2Jhello\n")
        };
        let mut out = Vec::new();
        write_packet(&mut out, &p, &[], &mut IfNames::default()).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert_eq!(
            line,
            "08:00:00.000001  192.0.2.1:4000         239.1.1.1:5000         ?          1     10  \"\\x1b[2Jhello\\n\"\n"
        );
        assert_eq!(line.find("192.0.2.1"), HEADER.find("SOURCE"));
        assert_eq!(line.find("239.1.1.1"), HEADER.find("GROUP"));
    }

    fn bad_names() -> IfNames {
        IfNames::new(&crate::config::IfaceTable::from_ifaces([
            crate::config::Iface::named("x\u{1b}[1mY\u{7}", 4),
        ]))
    }

    /// An interface named with ESC and BEL shows escaped in the IFACE column.
    #[test]
    fn interface_names_are_escaped() {
        let p = Packet {
            ifindex: 4,
            ..Packet::sample(b"hi")
        };
        let mut out = Vec::new();
        write_packet(&mut out, &p, &[], &mut bad_names()).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.contains(" x\\x1b[1mY\\x07 "), "{line}");
        assert!(!line.trim_end().chars().any(char::is_control), "{line}");
    }

    /// A payload that looks like a record cannot end its field early.
    #[test]
    fn quotes_in_payloads_are_escaped() {
        let p = Packet::sample(b"line1\n{\"type\":\"packet\"}\n");
        let mut out = Vec::new();
        write_packet(&mut out, &p, &[], &mut IfNames::default()).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(
            line.trim_end_matches('\n')
                .ends_with(r#"     24  "line1\n{\"type\":\"packet\"}\n""#),
            "{line}"
        );
        assert_eq!(line.lines().count(), 1);
    }
}
