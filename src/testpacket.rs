//! mcast's test packet: a fixed header, then a byte pattern up to the size
//! asked for. All integers are big-endian (network order).
//!
//! ```text
//! offset size  field
//!  0      4    magic "MCST"
//!  4      1    version (1)
//!  5      1    flags (0; reserved)
//!  6      2    header length in bytes (36)
//!  8      4    datagram length as sent (lets a receiver spot truncation)
//! 12      8    sender id (random per `send` run)
//! 20      8    sequence number, from 0 per group
//! 28      8    send time, nanoseconds since the Unix epoch (sender's clock)
//! 36      ...  padding: byte i of the datagram is (seq + i) mod 256
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const MAGIC: [u8; 4] = *b"MCST";
pub const VERSION: u8 = 1;
pub const HEADER_LEN: usize = 36;

/// The fields a receiver reads from a test packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestHeader {
    pub sender: u64,
    pub seq: u64,
    /// Nanoseconds since the Unix epoch, on the sender's clock.
    pub sent_ns: u64,
    /// Length the sender wrote; differs from the received length when the
    /// datagram was cut short.
    pub len: u32,
}

impl TestHeader {
    /// Reads a header; `None` for anything that is not a version-1 test
    /// packet. Never panics, whatever the bytes.
    pub fn parse(buf: &[u8]) -> Option<Self> {
        let h = buf.get(..HEADER_LEN)?;
        if h[..4] != MAGIC || h[4] != VERSION {
            return None;
        }
        let hdr_len = u16::from_be_bytes([h[6], h[7]]) as usize;
        if hdr_len < HEADER_LEN {
            return None;
        }
        Some(Self {
            len: u32::from_be_bytes(h[8..12].try_into().ok()?),
            sender: u64::from_be_bytes(h[12..20].try_into().ok()?),
            seq: u64::from_be_bytes(h[20..28].try_into().ok()?),
            sent_ns: u64::from_be_bytes(h[28..36].try_into().ok()?),
        })
    }

    pub fn sent_time(&self) -> SystemTime {
        UNIX_EPOCH + self.sent()
    }

    /// The sender's timestamp, since the Unix epoch.
    pub fn sent(&self) -> Duration {
        Duration::from_nanos(self.sent_ns)
    }
}

/// Fills `buf` (already sized to the datagram) with a test packet. The
/// padding depends only on `seq`, so a sender can prepare it once per
/// packet without allocating.
pub fn write(buf: &mut [u8], sender: u64, seq: u64, sent: SystemTime) {
    let sent_ns = sent
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    write_header(buf, sender, seq, sent_ns, len);
    fill_padding(buf, seq);
}

/// Rewrites only the fields that change per packet (sequence and time):
/// the padding pattern of a reused buffer is refreshed by [`fill_padding`].
pub fn write_header(buf: &mut [u8], sender: u64, seq: u64, sent_ns: u64, len: u32) {
    let Some(h) = buf.get_mut(..HEADER_LEN) else {
        return;
    };
    h[..4].copy_from_slice(&MAGIC);
    h[4] = VERSION;
    h[5] = 0;
    h[6..8].copy_from_slice(&(HEADER_LEN as u16).to_be_bytes());
    h[8..12].copy_from_slice(&len.to_be_bytes());
    h[12..20].copy_from_slice(&sender.to_be_bytes());
    h[20..28].copy_from_slice(&seq.to_be_bytes());
    h[28..36].copy_from_slice(&sent_ns.to_be_bytes());
}

pub fn fill_padding(buf: &mut [u8], seq: u64) {
    let base = seq as u8;
    for (i, b) in buf.iter_mut().enumerate().skip(HEADER_LEN) {
        *b = base.wrapping_add(i as u8);
    }
}

/// Two cycles of the padding pattern (byte k is k mod 256), so that any
/// 256 consecutive padding bytes are one slice of it.
static PATTERN: [u8; 512] = {
    let mut p = [0u8; 512];
    let mut k = 0;
    while k < 512 {
        p[k] = k as u8;
        k += 1;
    }
    p
};

/// Whether the padding is intact and the length is as sent: a corrupted
/// or truncated test packet fails this. Compares 256-byte chunks against
/// `PATTERN` (a vectorised memcmp), not byte by byte: it runs for every
/// test packet.
pub fn is_intact(buf: &[u8], header: &TestHeader) -> bool {
    if buf.len() != header.len as usize {
        return false;
    }
    let Some(padding) = buf.get(HEADER_LEN..) else {
        return true;
    };
    let start = (header.seq as u8).wrapping_add(HEADER_LEN as u8) as usize;
    padding
        .chunks(256)
        .all(|chunk| chunk == &PATTERN[start..start + chunk.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut buf = vec![0u8; 100];
        let t = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
        write(&mut buf, 0xdead_beef_0102_0304, 42, t);
        let h = TestHeader::parse(&buf).unwrap();
        assert_eq!(h.sender, 0xdead_beef_0102_0304);
        assert_eq!(h.seq, 42);
        assert_eq!(h.len, 100);
        assert_eq!(h.sent_time(), t);
        assert!(is_intact(&buf, &h));
    }

    #[test]
    fn layout_is_as_documented() {
        let mut buf = vec![0u8; HEADER_LEN];
        write(&mut buf, 1, 2, UNIX_EPOCH + Duration::from_nanos(3));
        assert_eq!(&buf[..8], b"MCST\x01\x00\x00\x24");
        assert_eq!(&buf[8..12], &36u32.to_be_bytes());
        assert_eq!(&buf[12..20], &1u64.to_be_bytes());
        assert_eq!(&buf[20..28], &2u64.to_be_bytes());
        assert_eq!(&buf[28..36], &3u64.to_be_bytes());
    }

    #[test]
    fn foreign_and_short_data_is_not_a_test_packet() {
        assert_eq!(TestHeader::parse(b"hello world"), None);
        assert_eq!(TestHeader::parse(b""), None);
        let mut buf = vec![0u8; 64];
        write(&mut buf, 1, 1, UNIX_EPOCH);
        assert_eq!(TestHeader::parse(&buf[..HEADER_LEN - 1]), None);
        buf[4] = 2;
        assert_eq!(TestHeader::parse(&buf), None, "unknown version");
    }

    #[test]
    fn corruption_and_truncation_are_detected() {
        let mut buf = vec![0u8; 80];
        write(&mut buf, 9, 7, UNIX_EPOCH);
        let h = TestHeader::parse(&buf).unwrap();
        assert!(!is_intact(&buf[..79], &h));
        buf[50] ^= 0xff;
        assert!(!is_intact(&buf, &h));
    }

    #[test]
    fn every_padding_byte_is_checked_at_any_length_and_sequence() {
        for len in [HEADER_LEN, 37, 64, 291, 292, 293, 1400, 9000] {
            for seq in [0, 1, 219, 220, 255, 256, u64::MAX] {
                let mut buf = vec![0u8; len];
                write(&mut buf, 1, seq, UNIX_EPOCH);
                let h = TestHeader::parse(&buf).unwrap();
                assert!(is_intact(&buf, &h), "len {len} seq {seq}");
                for at in (HEADER_LEN..len).step_by(97).chain([len - 1]) {
                    if at < HEADER_LEN {
                        continue;
                    }
                    buf[at] ^= 1;
                    assert!(!is_intact(&buf, &h), "len {len} seq {seq} byte {at}");
                    buf[at] ^= 1;
                }
            }
        }
    }
}
