//! Session Announcement Protocol packets (RFC 2974), parsed in place.
//!
//! Announcements and deletions are decoded; authentication data is
//! skipped; compressed (zlib) and encrypted payloads are refused with a
//! reason, since an SDP behind them cannot be read without more machinery
//! than a diagnostics tool should carry.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The SAP port (RFC 2974 section 3).
pub const PORT: u16 = 9875;
/// The global-scope IPv4 announcement group.
pub const GROUP_V4: Ipv4Addr = Ipv4Addr::new(224, 2, 127, 254);
/// IPv6 announcement groups: `ff0X::2:7ffe` for scope X.
pub const fn group_v6(scope: u8) -> Ipv6Addr {
    Ipv6Addr::new(0xff00 | scope as u16, 0, 0, 0, 0, 0, 2, 0x7ffe)
}

/// One SAP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SapPacket<'a> {
    pub version: u8,
    /// A deletion (T bit) rather than an announcement.
    pub deletion: bool,
    pub msg_id_hash: u16,
    pub origin: IpAddr,
    /// The MIME type, `application/sdp` when the packet names none.
    pub payload_type: &'a str,
    pub payload: &'a [u8],
}

/// Why a datagram is not a readable SAP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SapError {
    TooShort,
    Version(u8),
    Compressed,
    Encrypted,
    /// The payload type is not NUL-terminated text.
    BadPayloadType,
}

impl fmt::Display for SapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SapError::TooShort => f.write_str("too short for a SAP header"),
            SapError::Version(v) => write!(f, "SAP version {v} (only 0 and 1 exist)"),
            SapError::Compressed => {
                f.write_str("compressed payload (zlib, C bit): not supported, skipped")
            }
            SapError::Encrypted => f.write_str("encrypted payload (E bit): cannot be read"),
            SapError::BadPayloadType => f.write_str("payload type is not NUL-terminated text"),
        }
    }
}

impl<'a> SapPacket<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Self, SapError> {
        let [flags, auth_words, h0, h1, rest @ ..] = data else {
            return Err(SapError::TooShort);
        };
        let version = flags >> 5;
        if version > 1 {
            return Err(SapError::Version(version));
        }
        let ipv6 = flags & 0x10 != 0;
        if flags & 0x02 != 0 {
            return Err(SapError::Encrypted);
        }
        if flags & 0x01 != 0 {
            return Err(SapError::Compressed);
        }
        let (origin, rest): (IpAddr, &[u8]) = if ipv6 {
            let (a, r) = rest.split_at_checked(16).ok_or(SapError::TooShort)?;
            let a: [u8; 16] = a.try_into().map_err(|_| SapError::TooShort)?;
            (Ipv6Addr::from(a).into(), r)
        } else {
            let (a, r) = rest.split_at_checked(4).ok_or(SapError::TooShort)?;
            let a: [u8; 4] = a.try_into().map_err(|_| SapError::TooShort)?;
            (Ipv4Addr::from(a).into(), r)
        };
        let rest = rest
            .get(usize::from(*auth_words) * 4..)
            .ok_or(SapError::TooShort)?;
        // Version 0 has no payload type; version 1 may leave it out when
        // the payload is SDP, which then starts with "v=".
        let (payload_type, payload) = if version == 0 || rest.starts_with(b"v=") {
            ("application/sdp", rest)
        } else {
            let nul = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or(SapError::BadPayloadType)?;
            let t = std::str::from_utf8(&rest[..nul]).map_err(|_| SapError::BadPayloadType)?;
            (t, &rest[nul + 1..])
        };
        Ok(Self {
            version,
            deletion: flags & 0x04 != 0,
            msg_id_hash: u16::from_be_bytes([*h0, *h1]),
            origin,
            payload_type,
            payload,
        })
    }

    pub fn is_sdp(&self) -> bool {
        self.payload_type.eq_ignore_ascii_case("application/sdp")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start of an announcement as ffmpeg's SAP muxer sends it.
    const FFMPEG: &[u8] = b"\x20\x00\x12\x34\xc0\x00\x02\x01application/sdp\0v=0\r\n";

    #[test]
    fn announcement() {
        let s = SapPacket::parse(FFMPEG).unwrap();
        assert_eq!(s.version, 1);
        assert!(!s.deletion && s.is_sdp());
        assert_eq!(s.msg_id_hash, 0x1234);
        assert_eq!(s.origin, IpAddr::from([192, 0, 2, 1]));
        assert_eq!(s.payload, b"v=0\r\n");
    }

    #[test]
    fn deletion_ipv6_with_auth_and_no_type() {
        let mut p = vec![0x20 | 0x10 | 0x04, 1, 0, 7];
        p.extend_from_slice(&"2001:db8::9".parse::<Ipv6Addr>().unwrap().octets());
        p.extend_from_slice(&[0xaa; 4]); // one word of authentication data
        p.extend_from_slice(b"v=0\r\no=- 1 1 IN IP6 2001:db8::9\r\n");
        let s = SapPacket::parse(&p).unwrap();
        assert!(s.deletion);
        assert_eq!(s.origin, "2001:db8::9".parse::<IpAddr>().unwrap());
        assert!(s.payload.starts_with(b"v=0"));
        assert!(s.is_sdp());
    }

    #[test]
    fn refusals() {
        let mut p = FFMPEG.to_vec();
        p[0] |= 0x01;
        assert_eq!(SapPacket::parse(&p), Err(SapError::Compressed));
        assert!(SapError::Compressed.to_string().contains("compressed"));
        p[0] = 0x22;
        assert_eq!(SapPacket::parse(&p), Err(SapError::Encrypted));
        p[0] = 0x60;
        assert_eq!(SapPacket::parse(&p), Err(SapError::Version(3)));
        assert_eq!(SapPacket::parse(&FFMPEG[..6]), Err(SapError::TooShort));
        // Authentication data longer than the packet.
        let mut p = FFMPEG.to_vec();
        p[1] = 200;
        assert_eq!(SapPacket::parse(&p), Err(SapError::TooShort));
        // A payload type without its NUL.
        assert_eq!(
            SapPacket::parse(b"\x20\x00\x00\x00\x01\x02\x03\x04application/sdp"),
            Err(SapError::BadPayloadType)
        );
    }

    #[test]
    fn groups() {
        assert_eq!(group_v6(0xe).to_string(), "ff0e::2:7ffe");
        assert_eq!(group_v6(5).to_string(), "ff05::2:7ffe");
    }
}
