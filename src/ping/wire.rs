//! mcast's ping probe and pong reply (version 1); the mesh report, kind 3
//! of the same format, is in [`super::report`]. All integers are
//! big-endian. A reply is never longer than the probe it answers: a
//! responder cannot be used to amplify traffic.
//!
//! ```text
//! probe                                  reply
//! off size field                         off size field
//!  0  4   magic "MCPG"                    0  4   magic "MCPG"
//!  4  1   version (1)                     4  1   version (1)
//!  5  1   kind (1: probe)                 5  1   kind (2: reply)
//!  6  2   datagram length as sent         6  2   datagram length as sent
//!  8  1   prober's initial TTL            8  1   responder's initial TTL
//!  9  1   flags (bit 0: reply by          9  1   flags (bit 0: sent to the group;
//!         multicast too; bit 1: SSM              bit 1: arrival TTL known)
//!         group follows)
//! 10  2   reserved (0)                   10  1   TTL the probe arrived with
//! 12  8   sender id (random per run)     11  1   probe's initial TTL (echoed)
//! 20  8   sequence number                12  8   probe's sender id
//! 28  8   send time, ns since the epoch  20  8   probe's sequence number
//! 36  16  with flag bit 1: the SSM group   28  8   probe's send time (echoed)
//!         (IPv4 as ::ffff:a.b.c.d)
//! 36/52 . zero padding to the length
//!                                        36  8   responder id
//!                                        44  8   responder's receive time (ns)
//!                                        52  8   responder's send time (ns)
//!                                        60  1   name length n
//!                                        61  n   responder's host name (UTF-8,
//!                                                cut to fit the probe's length)
//! ```
//!
//! Probes are 64 to 1,024 bytes; anything else, a wrong length field, a
//! non-zero padding byte or reserved field is not a probe and gets no
//! reply.
//!
//! SSM: a prober cannot reach a responder through an (S,G) channel it is
//! not the source of, so probes for a source-specific group go by unicast
//! to the responder (the source S) and name the group G (flag bit 1). The
//! responder answers by unicast and, when G is one of the SSM groups it
//! serves, from its own address to G, where the prober has joined (S,G).
//! A responder never sends to a group it was not told to serve.

use std::net::{IpAddr, Ipv6Addr};

pub const MAGIC: [u8; 4] = *b"MCPG";
pub const VERSION: u8 = 1;
pub const KIND_PROBE: u8 = 1;
pub const KIND_REPLY: u8 = 2;
/// A mesh host's own row, multicast to the others: see [`super::report`].
pub const KIND_REPORT: u8 = 3;
/// Fixed part of a probe.
pub const PROBE_HEADER: usize = 36;
/// Fixed part of a reply (before the name).
pub const REPLY_HEADER: usize = 61;
/// Smallest probe: room for a reply with a short name.
pub const MIN_PROBE: usize = 64;
/// Largest probe a responder answers: bounds what one probe can cost it.
pub const MAX_PROBE: usize = 1024;
/// Longest host name a reply carries.
pub const MAX_NAME: usize = 64;

const FLAG_ASK_MULTICAST: u8 = 1;
const FLAG_SSM_GROUP: u8 = 2;
/// Where a probe's SSM group ends (it starts at [`PROBE_HEADER`]).
const SSM_GROUP_END: usize = PROBE_HEADER + 16;
const FLAG_TO_GROUP: u8 = 1;
const FLAG_TTL_KNOWN: u8 = 2;

/// A probe's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub len: u16,
    pub initial_ttl: u8,
    /// The prober asks for a reply to the group as well as the unicast one.
    pub multicast_reply: bool,
    /// The SSM group to answer on, for a probe sent by unicast.
    pub ssm_group: Option<IpAddr>,
    pub sender: u64,
    pub seq: u64,
    pub sent_ns: u64,
}

/// A reply's fields; the name stays in the datagram (see [`Reply::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    pub len: u16,
    pub initial_ttl: u8,
    /// Sent to the group (the multicast path), not to the prober alone.
    pub to_group: bool,
    /// TTL or hop limit the probe arrived with, when the responder's OS
    /// told it.
    pub probe_arrival_ttl: Option<u8>,
    pub probe_initial_ttl: u8,
    pub sender: u64,
    pub seq: u64,
    pub probe_sent_ns: u64,
    pub responder: u64,
    pub received_ns: u64,
    pub replied_ns: u64,
    name_len: u8,
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn common(b: &[u8], kind: u8) -> Option<u16> {
    if b.get(..4)? != MAGIC || *b.get(4)? != VERSION || *b.get(5)? != kind {
        return None;
    }
    let len = u16::from_be_bytes([*b.get(6)?, *b.get(7)?]);
    (usize::from(len) == b.len()).then_some(len)
}

impl Probe {
    /// Reads a probe; `None` for anything else (see the module doc).
    /// Never panics, whatever the bytes.
    pub fn parse(b: &[u8]) -> Option<Self> {
        if !(MIN_PROBE..=MAX_PROBE).contains(&b.len()) {
            return None;
        }
        let len = common(b, KIND_PROBE)?;
        let flags = b[9];
        if flags & !(FLAG_ASK_MULTICAST | FLAG_SSM_GROUP) != 0 || b[10..12] != [0, 0] {
            return None;
        }
        let (ssm_group, padding) = if flags & FLAG_SSM_GROUP != 0 {
            let raw: [u8; 16] = b[PROBE_HEADER..SSM_GROUP_END].try_into().ok()?;
            let v6 = Ipv6Addr::from(raw);
            let g = v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4);
            (Some(Some(g).filter(IpAddr::is_multicast)?), SSM_GROUP_END)
        } else {
            (None, PROBE_HEADER)
        };
        if b[padding..].iter().any(|&x| x != 0) {
            return None;
        }
        Some(Self {
            len,
            initial_ttl: b[8],
            multicast_reply: flags & FLAG_ASK_MULTICAST != 0,
            ssm_group,
            sender: u64_at(b, 12)?,
            seq: u64_at(b, 20)?,
            sent_ns: u64_at(b, 28)?,
        })
    }

    /// Writes the probe into `buf`, which is the whole datagram (its
    /// length is the probe's). Padding is zeroed only when `zero_padding`:
    /// a reused buffer keeps its zeros.
    pub fn write(&self, buf: &mut [u8], zero_padding: bool) {
        let Some(h) = buf.get_mut(..PROBE_HEADER) else {
            return;
        };
        h[..4].copy_from_slice(&MAGIC);
        h[4] = VERSION;
        h[5] = KIND_PROBE;
        h[6..8].copy_from_slice(&self.len.to_be_bytes());
        h[8] = self.initial_ttl;
        h[9] = if self.multicast_reply {
            FLAG_ASK_MULTICAST
        } else {
            0
        } | if self.ssm_group.is_some() {
            FLAG_SSM_GROUP
        } else {
            0
        };
        h[10..12].copy_from_slice(&[0, 0]);
        h[12..20].copy_from_slice(&self.sender.to_be_bytes());
        h[20..28].copy_from_slice(&self.seq.to_be_bytes());
        h[28..36].copy_from_slice(&self.sent_ns.to_be_bytes());
        let mut padding = PROBE_HEADER;
        if let Some(g) = self.ssm_group {
            let v6 = match g {
                IpAddr::V4(a) => a.to_ipv6_mapped(),
                IpAddr::V6(a) => a,
            };
            if let Some(at) = buf.get_mut(PROBE_HEADER..SSM_GROUP_END) {
                at.copy_from_slice(&v6.octets());
                padding = SSM_GROUP_END;
            }
        }
        if zero_padding {
            if let Some(rest) = buf.get_mut(padding..) {
                rest.fill(0);
            }
        }
    }
}

/// What a responder says about itself in every reply.
#[derive(Debug, Clone, Copy)]
pub struct Responder<'a> {
    pub id: u64,
    pub name: &'a str,
    pub initial_ttl: u8,
}

/// Writes the reply to `probe` into `out` and returns its length: at most
/// the probe's, the name cut (at a character boundary) to fit.
pub fn write_reply(
    out: &mut [u8],
    probe: &Probe,
    arrival_ttl: Option<u8>,
    me: &Responder<'_>,
    to_group: bool,
    received_ns: u64,
    replied_ns: u64,
) -> usize {
    let room = usize::from(probe.len)
        .min(out.len())
        .saturating_sub(REPLY_HEADER)
        .min(MAX_NAME);
    let mut n = me.name.len().min(room);
    while !me.name.is_char_boundary(n) {
        n -= 1;
    }
    let len = REPLY_HEADER + n;
    let Some(b) = out.get_mut(..len) else {
        return 0;
    };
    b[..4].copy_from_slice(&MAGIC);
    b[4] = VERSION;
    b[5] = KIND_REPLY;
    b[6..8].copy_from_slice(&(len as u16).to_be_bytes());
    b[8] = me.initial_ttl;
    b[9] = if to_group { FLAG_TO_GROUP } else { 0 }
        | if arrival_ttl.is_some() {
            FLAG_TTL_KNOWN
        } else {
            0
        };
    b[10] = arrival_ttl.unwrap_or(0);
    b[11] = probe.initial_ttl;
    b[12..20].copy_from_slice(&probe.sender.to_be_bytes());
    b[20..28].copy_from_slice(&probe.seq.to_be_bytes());
    b[28..36].copy_from_slice(&probe.sent_ns.to_be_bytes());
    b[36..44].copy_from_slice(&me.id.to_be_bytes());
    b[44..52].copy_from_slice(&received_ns.to_be_bytes());
    b[52..60].copy_from_slice(&replied_ns.to_be_bytes());
    b[60] = n as u8;
    b[61..].copy_from_slice(&me.name.as_bytes()[..n]);
    len
}

impl Reply {
    /// Reads a reply; `None` for anything else. Never panics.
    pub fn parse(b: &[u8]) -> Option<Self> {
        if !(REPLY_HEADER..=MAX_PROBE).contains(&b.len()) {
            return None;
        }
        let len = common(b, KIND_REPLY)?;
        let flags = b[9];
        if flags & !(FLAG_TO_GROUP | FLAG_TTL_KNOWN) != 0 {
            return None;
        }
        let name_len = b[60];
        if REPLY_HEADER + usize::from(name_len) != b.len() {
            return None;
        }
        Some(Self {
            len,
            initial_ttl: b[8],
            to_group: flags & FLAG_TO_GROUP != 0,
            probe_arrival_ttl: (flags & FLAG_TTL_KNOWN != 0).then_some(b[10]),
            probe_initial_ttl: b[11],
            sender: u64_at(b, 12)?,
            seq: u64_at(b, 20)?,
            probe_sent_ns: u64_at(b, 28)?,
            responder: u64_at(b, 36)?,
            received_ns: u64_at(b, 44)?,
            replied_ns: u64_at(b, 52)?,
            name_len,
        })
    }

    /// The responder's name as sent (raw bytes: escape before showing).
    pub fn name<'a>(&self, datagram: &'a [u8]) -> &'a [u8] {
        datagram
            .get(REPLY_HEADER..REPLY_HEADER + usize::from(self.name_len))
            .unwrap_or_default()
    }

    /// Hops the probe crossed: its initial TTL minus the TTL it arrived with.
    pub fn hops_out(&self) -> Option<u8> {
        self.probe_arrival_ttl
            .map(|t| self.probe_initial_ttl.saturating_sub(t))
    }

    /// Hops this reply crossed, from the TTL it arrived with here.
    pub fn hops_back(&self, arrival_ttl: Option<u8>) -> Option<u8> {
        arrival_ttl.map(|t| self.initial_ttl.saturating_sub(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(len: u16) -> Probe {
        Probe {
            len,
            initial_ttl: 8,
            multicast_reply: true,
            ssm_group: None,
            sender: 0x0102_0304_0506_0708,
            seq: 9,
            sent_ns: 1_800_000_000_000_000_000,
        }
    }

    fn probe_bytes(len: u16) -> Vec<u8> {
        let mut b = vec![0xee; usize::from(len)];
        probe(len).write(&mut b, true);
        b
    }

    const ME: Responder<'static> = Responder {
        id: 0xaabb,
        name: "hostb",
        initial_ttl: 64,
    };

    #[test]
    fn probe_layout_is_as_documented() {
        let b = probe_bytes(64);
        assert_eq!(&b[..12], b"MCPG\x01\x01\x00\x40\x08\x01\x00\x00");
        assert_eq!(&b[12..20], &0x0102_0304_0506_0708u64.to_be_bytes());
        assert_eq!(&b[20..28], &9u64.to_be_bytes());
        assert_eq!(&b[28..36], &1_800_000_000_000_000_000u64.to_be_bytes());
        assert!(b[36..].iter().all(|&x| x == 0));
        assert_eq!(Probe::parse(&b), Some(probe(64)));
    }

    #[test]
    fn malformed_truncated_and_oversized_probes_are_refused() {
        let good = probe_bytes(128);
        assert!(Probe::parse(&good).is_some());
        assert_eq!(Probe::parse(&good[..127]), None, "truncated");
        assert_eq!(Probe::parse(&good[..40]), None, "shorter than the minimum");
        assert_eq!(Probe::parse(b""), None);
        assert_eq!(Probe::parse(&probe_bytes(1025)), None, "oversized");
        assert!(Probe::parse(&probe_bytes(1024)).is_some());
        for (at, value, why) in [
            (0, b'X', "magic"),
            (4, 2, "version"),
            (5, KIND_REPLY, "kind"),
            (7, 0x7f, "length field"),
            (9, 0x80, "unknown flag"),
            (11, 1, "reserved"),
            (100, 1, "padding"),
        ] {
            let mut b = good.clone();
            b[at] = value;
            assert_eq!(Probe::parse(&b), None, "{why}");
        }
    }

    #[test]
    fn reply_echoes_the_probe_and_never_outgrows_it() {
        let p = probe(64);
        let mut out = [0u8; MAX_PROBE];
        let n = write_reply(&mut out, &p, Some(7), &ME, true, 11, 12);
        assert_eq!(n, 64, "name cut to fit a 64-byte probe");
        let r = Reply::parse(&out[..n]).unwrap();
        assert_eq!(r.name(&out[..n]), b"hos");
        assert_eq!((r.sender, r.seq, r.probe_sent_ns), (p.sender, 9, p.sent_ns));
        assert_eq!((r.responder, r.received_ns, r.replied_ns), (0xaabb, 11, 12));
        assert_eq!(r.hops_out(), Some(1));
        assert_eq!(r.hops_back(Some(63)), Some(1));
        assert!(r.to_group);
        let n = write_reply(&mut out, &probe(200), None, &ME, false, 1, 2);
        assert_eq!(n, REPLY_HEADER + 5);
        let r = Reply::parse(&out[..n]).unwrap();
        assert_eq!(
            (r.probe_arrival_ttl, r.hops_out(), r.to_group),
            (None, None, false)
        );
        assert_eq!(r.name(&out[..n]), b"hostb");
    }

    #[test]
    fn names_are_cut_at_a_character_boundary() {
        let me = Responder {
            name: "ab\u{e9}\u{e9}",
            ..ME
        };
        let mut out = [0u8; 64];
        let n = write_reply(&mut out, &probe(64), None, &me, false, 0, 0);
        let r = Reply::parse(&out[..n]).unwrap();
        assert_eq!(r.name(&out[..n]), "ab".as_bytes());
    }

    #[test]
    fn malformed_replies_are_refused() {
        let mut out = [0u8; 128];
        let n = write_reply(&mut out, &probe(128), Some(1), &ME, false, 0, 0);
        let good = &out[..n];
        assert!(Reply::parse(good).is_some());
        assert_eq!(Reply::parse(&good[..n - 1]), None);
        let mut b = good.to_vec();
        b[60] = 50;
        assert_eq!(Reply::parse(&b), None, "name longer than the datagram");
        let mut b = good.to_vec();
        b[9] = 0x10;
        assert_eq!(Reply::parse(&b), None, "unknown flag");
        assert_eq!(
            Reply::parse(&probe_bytes(64)),
            None,
            "a probe is not a reply"
        );
        assert_eq!(Probe::parse(good), None, "a reply is not a probe");
    }

    #[test]
    fn ssm_probes_name_their_group_and_refuse_a_unicast_one() {
        for g in ["232.1.1.1", "ff35::8"] {
            let g: IpAddr = g.parse().unwrap();
            let p = Probe {
                ssm_group: Some(g),
                ..probe(64)
            };
            let mut b = vec![0xee; 64];
            p.write(&mut b, true);
            assert_eq!(b[9], 3, "{g}: both flags");
            assert!(b[52..].iter().all(|&x| x == 0), "{g}");
            assert_eq!(Probe::parse(&b), Some(p), "{g}");
            let mut bad = b.clone();
            bad[60] = 1;
            assert_eq!(Probe::parse(&bad), None, "{g}: padding after the group");
        }
        let mut b = probe_bytes(64);
        b[9] |= 2;
        assert_eq!(Probe::parse(&b), None, "flag set, group all zeros");
        b[36..52].copy_from_slice(&"::ffff:192.0.2.1".parse::<Ipv6Addr>().unwrap().octets());
        assert_eq!(Probe::parse(&b), None, "a unicast address is no group");
    }
}
