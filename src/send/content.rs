//! What goes into each datagram of a paced run: mcast test packets (see
//! [`crate::testpacket`]) or the same bytes every time. Batch slots are
//! reused, so fixed bytes are written once and a test packet rewrites only
//! its header and padding.

use std::hash::{BuildHasher, Hasher};

use crate::clock;
use crate::ping::{ssmping, wire};
use crate::platform::{self, SendBatch};
use crate::testpacket;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content<'a> {
    /// Test packets of `size` bytes from `sender` (see [`sender_id`]).
    Test { size: usize, sender: u64 },
    /// These bytes in every datagram.
    Fixed(&'a [u8]),
    /// `mcast ping` probes (see [`crate::ping::wire`]) of `size` bytes.
    Probe {
        size: usize,
        sender: u64,
        initial_ttl: u8,
        multicast_reply: bool,
        /// Named in probes sent by unicast to an SSM responder.
        ssm_group: Option<std::net::IpAddr>,
    },
    /// ssmping queries (see [`crate::ping::ssmping`]) for `group`, with
    /// sequence numbers from 1 as ssmping counts.
    Ssmping { id: u32, group: std::net::IpAddr },
}

impl Content<'_> {
    /// Bytes per datagram.
    pub fn len(&self) -> usize {
        match self {
            Content::Test { size, .. } => *size,
            Content::Fixed(p) => p.len(),
            Content::Probe { size, .. } => *size,
            Content::Ssmping { group, .. } => ssmping::query_len(group.is_ipv6()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes what never changes into every slot, once per run.
    pub(super) fn prime(&self, batch: &mut SendBatch) {
        if let Content::Fixed(p) = self {
            for i in 0..platform::BATCH {
                batch.slot_mut(i)[..p.len()].copy_from_slice(p);
            }
        }
    }

    /// Fills datagram `seq` of a burst stamped `sent_ns`; `len` is
    /// `self.len()`, converted once per run rather than per packet.
    #[inline]
    pub(super) fn write(&self, buf: &mut [u8], seq: u64, sent_ns: u64, len: u32) {
        match *self {
            Content::Test { sender, .. } => {
                testpacket::write_header(buf, sender, seq, sent_ns, len);
                testpacket::fill_padding(buf, seq);
            }
            Content::Fixed(_) => {}
            Content::Probe {
                sender,
                initial_ttl,
                multicast_reply,
                ssm_group,
                ..
            } => {
                let probe = wire::Probe {
                    len: u16::try_from(len).unwrap_or(u16::MAX),
                    initial_ttl,
                    multicast_reply,
                    ssm_group,
                    sender,
                    seq,
                    sent_ns,
                };
                // Slots are reused: padding left by another content is zeroed.
                probe.write(buf, true);
            }
            Content::Ssmping { id, group } => {
                let seq = u32::try_from(seq + 1).unwrap_or(u32::MAX);
                ssmping::write_query(buf, id, seq, sent_ns, group);
            }
        }
    }
}

/// A random id per run, so receivers can tell senders (and restarts) apart.
pub fn sender_id() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u128(clock::now().as_nanos());
    h.finish()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::testpacket::TestHeader;

    #[test]
    fn test_packets_are_what_the_format_says() {
        let c = Content::Test {
            size: 100,
            sender: 0xfeed,
        };
        let mut buf = vec![0xaa; 100];
        c.write(&mut buf, 300, 1_700_000_000_000_000_007, 100);
        let mut want = vec![0u8; 100];
        let at = UNIX_EPOCH + Duration::from_nanos(1_700_000_000_000_000_007);
        testpacket::write(&mut want, 0xfeed, 300, at);
        assert_eq!(buf, want);
        let h = TestHeader::parse(&buf).unwrap();
        assert!(testpacket::is_intact(&buf, &h));
    }

    #[test]
    fn a_reused_slot_is_rewritten_whole() {
        let c = Content::Test {
            size: 64,
            sender: 1,
        };
        let mut buf = vec![0u8; 64];
        c.write(&mut buf, 7, 11, 64);
        c.write(&mut buf, 8, 12, 64);
        let h = TestHeader::parse(&buf).unwrap();
        assert_eq!((h.seq, h.sent_ns, h.len), (8, 12, 64));
        assert!(testpacket::is_intact(&buf, &h));
    }

    #[test]
    fn fixed_bytes_are_primed_once_and_left_alone() {
        let c = Content::Fixed(b"hello");
        assert_eq!(c.len(), 5);
        let mut batch = SendBatch::new(c.len());
        c.prime(&mut batch);
        for i in 0..platform::BATCH {
            assert_eq!(batch.slot_mut(i), b"hello");
        }
        let buf = batch.push(5, None).unwrap();
        c.write(buf, 3, 4, 5);
        assert_eq!(buf, b"hello");
    }

    #[test]
    fn sender_ids_differ_between_runs() {
        assert_ne!(sender_id(), sender_id());
    }
}
