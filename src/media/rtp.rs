//! RTP fixed header (RFC 3550 section 5.1), parsed in place.
//!
//! Only what a receiver needs to judge a stream: version, marker, payload
//! type, sequence number, timestamp, SSRC, and where the payload starts
//! (after CSRCs and a header extension, before padding).

/// The fixed header's length, before CSRCs.
pub const FIXED_LEN: usize = 12;

/// One RTP packet's header, with the payload's bounds in the datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: u8,
    pub seq: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    /// Payload offset and end in the datagram (padding excluded).
    pub payload_start: usize,
    pub payload_end: usize,
}

impl RtpHeader {
    /// `None` unless `data` is a well-formed RTP version 2 packet: CSRC
    /// list, extension and padding must all fit, and the payload type must
    /// not be one RTCP claims (72-76 with the marker bit are RTCP's 200-204).
    pub fn parse(data: &[u8]) -> Option<Self> {
        let first = *data.first()?;
        if first >> 6 != 2 || data.len() < FIXED_LEN {
            return None;
        }
        let padding = first & 0x20 != 0;
        let extension = first & 0x10 != 0;
        let csrcs = usize::from(first & 0x0f);
        let marker = data[1] & 0x80 != 0;
        let payload_type = data[1] & 0x7f;
        if (72..=76).contains(&payload_type) {
            return None;
        }
        let mut start = FIXED_LEN + 4 * csrcs;
        if extension {
            let words = data.get(start + 2..start + 4)?;
            start += 4 + 4 * usize::from(u16::from_be_bytes([words[0], words[1]]));
        }
        if start > data.len() {
            return None;
        }
        let mut end = data.len();
        if padding {
            let pad = usize::from(*data.last()?);
            if pad == 0 || pad > end - start {
                return None;
            }
            end -= pad;
        }
        Some(Self {
            marker,
            payload_type,
            seq: u16::from_be_bytes([data[2], data[3]]),
            timestamp: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
            ssrc: u32::from_be_bytes([data[8], data[9], data[10], data[11]]),
            payload_start: start,
            payload_end: end,
        })
    }

    pub fn payload<'a>(&self, data: &'a [u8]) -> &'a [u8] {
        data.get(self.payload_start..self.payload_end)
            .unwrap_or(&[])
    }
}

/// MPEG-2 transport stream over RTP (RFC 2250, RFC 3551).
pub const PT_MP2T: u8 = 33;

/// The clock rate of a static payload type (RFC 3551 tables 4 and 5);
/// `None` for dynamic (96-127) and unassigned types, whose rate only an
/// SDP `a=rtpmap` (or `--rtp-clock`) can tell.
pub fn static_clock_rate(pt: u8) -> Option<u32> {
    Some(match pt {
        0 | 3 | 4 | 5 | 7 | 8 | 9 | 12 | 13 | 15 | 18 => 8_000,
        6 => 16_000,
        10 | 11 => 44_100,
        16 => 11_025,
        17 => 22_050,
        14 | 25 | 26 | 28 | 31 | 32 | 33 | 34 => 90_000,
        _ => return None,
    })
}

/// The encoding name of a static payload type, for tables.
pub fn static_encoding(pt: u8) -> Option<&'static str> {
    Some(match pt {
        0 => "PCMU",
        3 => "GSM",
        4 => "G723",
        5 | 6 | 16 | 17 => "DVI4",
        7 => "LPC",
        8 => "PCMA",
        9 => "G722",
        10 | 11 => "L16",
        12 => "QCELP",
        13 => "CN",
        14 => "MPA",
        15 => "G728",
        18 => "G729",
        25 => "CelB",
        26 => "JPEG",
        28 => "nv",
        31 => "H261",
        32 => "MPV",
        33 => "MP2T",
        34 => "H263",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header as ffmpeg's rtp_mpegts muxer writes it: V=2, PT 33.
    fn packet(seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![0x80, PT_MP2T];
        p.extend_from_slice(&seq.to_be_bytes());
        p.extend_from_slice(&ts.to_be_bytes());
        p.extend_from_slice(&ssrc.to_be_bytes());
        p.extend_from_slice(payload);
        p
    }

    #[test]
    fn fixed_header() {
        let p = packet(0xfffe, 0xdead_beef, 0x1234_5678, b"abc");
        let h = RtpHeader::parse(&p).unwrap();
        assert_eq!(h.seq, 0xfffe);
        assert_eq!(h.timestamp, 0xdead_beef);
        assert_eq!(h.ssrc, 0x1234_5678);
        assert_eq!(h.payload_type, 33);
        assert!(!h.marker);
        assert_eq!(h.payload(&p), b"abc");
    }

    #[test]
    fn csrcs_extension_and_padding_are_skipped() {
        // Two CSRCs, an extension of one word, 2 bytes of padding.
        let mut p = vec![0xb2, 0x80 | 96, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
        p.extend_from_slice(&[1, 1, 1, 1, 2, 2, 2, 2]);
        p.extend_from_slice(&[0xbe, 0xde, 0, 1, 9, 9, 9, 9]);
        p.extend_from_slice(b"xy");
        p.extend_from_slice(&[0, 2]);
        let h = RtpHeader::parse(&p).unwrap();
        assert!(h.marker);
        assert_eq!(h.payload_type, 96);
        assert_eq!(h.payload(&p), b"xy");
    }

    #[test]
    fn malformed_headers_are_not_rtp() {
        assert_eq!(RtpHeader::parse(&[]), None);
        assert_eq!(RtpHeader::parse(&[0x80; 11]), None);
        // Version 1, and text ("hello": 'h' is 0x68, version 1).
        assert_eq!(RtpHeader::parse(&[0x40; 20]), None);
        assert_eq!(RtpHeader::parse(b"hello, world"), None);
        // 15 CSRCs that are not there.
        assert_eq!(RtpHeader::parse(&[0x8f; 20]), None);
        // Extension longer than the packet.
        let mut p = packet(1, 1, 1, &[]);
        p[0] |= 0x10;
        p.extend_from_slice(&[0, 0, 0xff, 0xff]);
        assert_eq!(RtpHeader::parse(&p), None);
        // Padding count of 0, and larger than the payload.
        let mut p = packet(1, 1, 1, &[1, 2, 0]);
        p[0] |= 0x20;
        assert_eq!(RtpHeader::parse(&p), None);
        *p.last_mut().unwrap() = 9;
        assert_eq!(RtpHeader::parse(&p), None);
        // RTCP sender report: 0x80 200 reads as marker + PT 72.
        let mut sr = packet(6, 0, 0, &[0; 16]);
        sr[1] = 200;
        assert_eq!(RtpHeader::parse(&sr), None);
    }

    #[test]
    fn clock_rates() {
        assert_eq!(static_clock_rate(0), Some(8000));
        assert_eq!(static_clock_rate(33), Some(90_000));
        assert_eq!(static_clock_rate(10), Some(44_100));
        assert_eq!(static_clock_rate(96), None);
        assert_eq!(static_encoding(33), Some("MP2T"));
    }
}
