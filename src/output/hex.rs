//! A header line per packet (as in text), then a classic hexdump.

use std::io::{self, Write};

use super::text::write_prefix;
use super::{IfNames, Labels, Render};
use crate::config::Group;
use crate::recv::Packet;

/// A header line and a hexdump per packet.
pub struct Hex;

impl<W: Write> Render<W> for Hex {
    fn packet(&self, out: &mut W, p: &Packet<'_>, labels: &mut Labels) -> io::Result<()> {
        write_packet(out, p, &labels.groups, &mut labels.names)
    }
}

pub fn write_packet(
    out: &mut impl Write,
    p: &Packet<'_>,
    groups: &[Group],
    names: &mut IfNames,
) -> io::Result<()> {
    write_prefix(out, p, groups, names)?;
    out.write_all(b"\n")?;
    write_dump(out, p.payload)
}

/// `0000  4d 43 53 54 01 00 00 24  00 00 00 40 ...  |MCST...$...@|`
pub fn write_dump(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    for (n, chunk) in bytes.chunks(16).enumerate() {
        write!(out, "  {:04x}  ", n * 16)?;
        for i in 0..16 {
            match chunk.get(i) {
                Some(b) => write!(out, "{b:02x} ")?,
                None => out.write_all(b"   ")?,
            }
            if i == 7 {
                out.write_all(b" ")?;
            }
        }
        out.write_all(b" |")?;
        for &b in chunk {
            let c = if (0x20..0x7f).contains(&b) { b } else { b'.' };
            out.write_all(&[c])?;
        }
        out.write_all(b"|\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_layout() {
        let mut out = Vec::new();
        write_dump(&mut out, b"MCST\x01\x00\x00\x24abcdefgh\x1b\x07Z").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "  0000  4d 43 53 54 01 00 00 24  61 62 63 64 65 66 67 68  |MCST...$abcdefgh|\n  \
             0010  1b 07 5a                                          |..Z|\n"
        );
    }
}
