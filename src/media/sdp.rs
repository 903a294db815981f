//! Session descriptions (RFC 4566) as SAP carries them: the lines a
//! multicast receiver needs (origin, session name, connection address and
//! TTL, media with ports and payload types, `rtpmap` clock rates, RFC 4570
//! source filters). Lenient: a line that cannot be read becomes a note and
//! the rest is kept, so one bad announcement never hides the others.
//! Not on the per-packet path (SAP arrives every few seconds), so it owns
//! its strings.

use std::net::IpAddr;

use crate::escape;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sdp {
    /// `o=`: username, session id, version, and the originator's address.
    pub origin: Option<Origin>,
    /// `s=`, as sent: escape it (`crate::escape::controls`) for a terminal.
    pub name: String,
    /// Session-level `c=`.
    pub connection: Option<Connection>,
    /// Session-level `a=source-filter: incl`.
    pub sources: Vec<IpAddr>,
    pub media: Vec<Media>,
    /// What could not be read, one note per problem, for the user.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub username: String,
    pub session_id: String,
    pub version: String,
    pub address: String,
}

/// `c=IN IP4 239.1.1.1/16/3`: address, TTL (IPv4 multicast) and the
/// number of consecutive addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection {
    pub addr: IpAddr,
    pub ttl: Option<u8>,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `audio`, `video`, `application`, ...
    pub kind: String,
    pub port: u16,
    pub proto: String,
    pub formats: Vec<String>,
    /// `a=rtpmap:` lines: payload type, encoding, clock rate.
    pub rtpmap: Vec<RtpMap>,
    pub connection: Option<Connection>,
    pub sources: Vec<IpAddr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpMap {
    pub payload_type: u8,
    pub encoding: String,
    pub clock_rate: u32,
}

/// One stream a session announces, ready to be joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub kind: String,
    pub group: IpAddr,
    pub port: u16,
    pub ttl: Option<u8>,
    /// The SSM source, when a source filter names one.
    pub source: Option<IpAddr>,
    pub proto: String,
    /// The first payload type, when the formats are RTP payload types.
    pub payload_type: Option<u8>,
    /// From `rtpmap` for that payload type, else the static table.
    pub clock_rate: Option<u32>,
    pub encoding: Option<String>,
}

impl Sdp {
    /// Reads `text`; never fails: problems are in [`Sdp::notes`].
    pub fn parse(text: &[u8]) -> Self {
        let mut sdp = Sdp::default();
        let Ok(text) = std::str::from_utf8(text) else {
            sdp.notes.push("SDP is not UTF-8 text".to_string());
            return sdp;
        };
        let mut saw_version = false;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.is_empty() {
                continue;
            }
            let Some((key, value)) = line.split_once('=').filter(|(k, _)| k.len() == 1) else {
                sdp.note(n, line, "not a <type>=<value> line");
                continue;
            };
            let ok = match key {
                "v" => {
                    saw_version = true;
                    value == "0"
                }
                "o" => sdp.origin(value),
                "s" => {
                    sdp.name = value.to_string();
                    true
                }
                "c" => match parse_connection(value) {
                    Some(c) => {
                        if c.ttl.is_none() && c.addr.is_ipv4() && c.addr.is_multicast() {
                            sdp.note(n, line, "IPv4 multicast without a TTL (RFC 4566 wants one)");
                        }
                        match sdp.media.last_mut() {
                            Some(m) => m.connection = Some(c),
                            None => sdp.connection = Some(c),
                        }
                        true
                    }
                    None => false,
                },
                "m" => sdp.media_line(value),
                "a" => sdp.attribute(value),
                _ => true,
            };
            if !ok {
                sdp.note(n, line, "cannot be read");
            }
        }
        if !saw_version {
            sdp.notes.push("no v= line: may not be SDP".to_string());
        }
        if sdp.origin.is_none() {
            sdp.notes.push("no o= (origin) line".to_string());
        }
        if sdp.media.is_empty() {
            sdp.notes
                .push("no m= (media) line: nothing to receive".to_string());
        }
        sdp
    }

    fn note(&mut self, n: usize, line: &str, why: &str) {
        // A flood of broken lines must not grow without bound.
        if self.notes.len() < 16 {
            let shown: String = line.chars().take(80).collect();
            self.notes.push(format!(
                "SDP line {}: {why}: {}",
                n + 1,
                escape::controls(&shown)
            ));
        }
    }

    fn origin(&mut self, value: &str) -> bool {
        let f: Vec<&str> = value.split_whitespace().collect();
        let [user, id, version, "IN", _, addr] = f[..] else {
            return false;
        };
        self.origin = Some(Origin {
            username: user.to_string(),
            session_id: id.to_string(),
            version: version.to_string(),
            address: addr.to_string(),
        });
        true
    }

    fn media_line(&mut self, value: &str) -> bool {
        let mut f = value.split_whitespace();
        let (Some(kind), Some(port), Some(proto)) = (f.next(), f.next(), f.next()) else {
            return false;
        };
        let port = port.split('/').next().unwrap_or(port);
        let Ok(port) = port.parse::<u16>() else {
            return false;
        };
        self.media.push(Media {
            kind: kind.to_string(),
            port,
            proto: proto.to_string(),
            formats: f.take(32).map(|s| s.to_string()).collect(),
            rtpmap: Vec::new(),
            connection: None,
            sources: Vec::new(),
        });
        true
    }

    fn attribute(&mut self, value: &str) -> bool {
        if let Some(map) = value.strip_prefix("rtpmap:") {
            let Some(m) = parse_rtpmap(map) else {
                return false;
            };
            return match self.media.last_mut() {
                Some(media) if media.rtpmap.len() < 32 => {
                    media.rtpmap.push(m);
                    true
                }
                Some(_) => true,
                None => false,
            };
        }
        if let Some(filter) = value.strip_prefix("source-filter:") {
            let f: Vec<&str> = filter.split_whitespace().collect();
            let ["incl", "IN", _, _, srcs @ ..] = &f[..] else {
                // Exclude filters name sources to avoid: nothing to join.
                return f.first() == Some(&"excl");
            };
            let Ok(srcs) = srcs
                .iter()
                .map(|s| s.parse())
                .collect::<Result<Vec<IpAddr>, _>>()
            else {
                return false;
            };
            match self.media.last_mut() {
                Some(m) => m.sources = srcs,
                None => self.sources = srcs,
            }
        }
        true
    }

    /// The streams to join: one per media line with a multicast
    /// connection address (its own or the session's).
    pub fn announced(&self) -> Vec<Announced> {
        let mut out = Vec::new();
        for m in &self.media {
            let Some(c) = m.connection.or(self.connection) else {
                continue;
            };
            if !c.addr.is_multicast() {
                continue;
            }
            let sources = if m.sources.is_empty() {
                &self.sources
            } else {
                &m.sources
            };
            let payload_type = m.formats.first().and_then(|f| f.parse::<u8>().ok());
            let map = payload_type.and_then(|pt| m.rtpmap.iter().find(|r| r.payload_type == pt));
            out.push(Announced {
                kind: m.kind.clone(),
                group: c.addr,
                port: m.port,
                ttl: c.ttl,
                source: sources.first().copied(),
                proto: m.proto.clone(),
                payload_type,
                clock_rate: map
                    .map(|r| r.clock_rate)
                    .or_else(|| payload_type.and_then(super::rtp::static_clock_rate)),
                encoding: map.map(|r| r.encoding.clone()).or_else(|| {
                    payload_type
                        .and_then(super::rtp::static_encoding)
                        .map(str::to_string)
                }),
            });
        }
        out
    }
}

/// `IN IP4 239.1.1.1/127/3`, `IN IP6 ff15::1/3`.
fn parse_connection(value: &str) -> Option<Connection> {
    let f: Vec<&str> = value.split_whitespace().collect();
    let ["IN", kind, addr] = f[..] else {
        return None;
    };
    let mut parts = addr.split('/');
    let addr: IpAddr = parts.next()?.parse().ok()?;
    let v4 = kind == "IP4";
    if v4 != addr.is_ipv4() || !(v4 || kind == "IP6") {
        return None;
    }
    let a = parts.next().map(str::parse::<u32>).transpose().ok()?;
    let b = parts.next().map(str::parse::<u32>).transpose().ok()?;
    if parts.next().is_some() {
        return None;
    }
    // IPv4 multicast: /TTL[/count] (a missing TTL, which RFC 4566 does
    // not allow but some announcers do, is taken as unknown: the caller
    // notes it); IPv6: /count only.
    let (ttl, count) = if v4 && addr.is_multicast() {
        let ttl = a.map(u8::try_from).transpose().ok()?;
        (ttl, b.unwrap_or(1))
    } else {
        if b.is_some() {
            return None;
        }
        (None, a.unwrap_or(1))
    };
    Some(Connection {
        addr,
        ttl,
        count: count.max(1),
    })
}

/// `96 H264/90000`, `10 L16/44100/2`.
fn parse_rtpmap(value: &str) -> Option<RtpMap> {
    let (pt, rest) = value.trim().split_once(' ')?;
    let mut parts = rest.trim().split('/');
    let encoding = parts.next()?.to_string();
    let clock_rate = parts.next()?.parse().ok().filter(|&r| r > 0)?;
    Some(RtpMap {
        payload_type: pt.parse().ok().filter(|&p: &u8| p < 128)?,
        encoding,
        clock_rate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What ffmpeg's SAP muxer announces for `-f sap` with rtp_mpegts.
    const FFMPEG: &str = "v=0\r\no=- 0 0 IN IP4 192.0.2.1\r\ns=No Name\r\n\
        c=IN IP4 239.7.7.7/1\r\nt=0 0\r\na=tool:libavformat 61.7.100\r\n\
        m=video 5004 RTP/AVP 33\r\n";

    #[test]
    fn ffmpeg_announcement() {
        let s = Sdp::parse(FFMPEG.as_bytes());
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        assert_eq!(s.name, "No Name");
        assert_eq!(s.origin.as_ref().unwrap().address, "192.0.2.1");
        let a = s.announced();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].group, IpAddr::from([239, 7, 7, 7]));
        assert_eq!(
            (a[0].port, a[0].ttl, a[0].payload_type),
            (5004, Some(1), Some(33))
        );
        assert_eq!(a[0].clock_rate, Some(90_000));
        assert_eq!(a[0].encoding.as_deref(), Some("MP2T"));
    }

    #[test]
    fn media_connection_rtpmap_and_ssm() {
        let text = "v=0\no=alice 123 7 IN IP6 2001:db8::1\ns=AES67 \x1b[31mred\n\
            m=audio 5004 RTP/AVP 96 97\nc=IN IP6 ff35::1:2/2\n\
            a=rtpmap:96 L24/48000/2\na=source-filter: incl IN IP6 ff35::1:2 2001:db8::1\n";
        let s = Sdp::parse(text.as_bytes());
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        assert_eq!(s.name, "AES67 \x1b[31mred");
        let m = &s.media[0];
        assert_eq!(m.formats, ["96", "97"]);
        assert_eq!(m.connection.unwrap().count, 2);
        let a = &s.announced()[0];
        assert_eq!(a.clock_rate, Some(48_000));
        assert_eq!(a.encoding.as_deref(), Some("L24"));
        assert_eq!(a.source, Some("2001:db8::1".parse().unwrap()));
        assert_eq!(a.ttl, None);
    }

    #[test]
    fn malformed_sdp_gives_notes_not_a_crash() {
        let s =
            Sdp::parse(b"v=0\nnonsense\nc=IN IP4 300.1.1.1/5\nm=video x RTP/AVP\na=rtpmap:96\n");
        assert!(
            s.notes.iter().any(|n| n.contains("line 2")),
            "{:?}",
            s.notes
        );
        assert!(
            s.notes.iter().any(|n| n.contains("line 3")),
            "{:?}",
            s.notes
        );
        assert!(s.notes.iter().any(|n| n.contains("no o=")), "{:?}", s.notes);
        assert!(s.notes.iter().any(|n| n.contains("no m=")), "{:?}", s.notes);
        assert!(s.announced().is_empty());
        let s = Sdp::parse(&[0xff, 0xfe, 0]);
        assert_eq!(s.notes, ["SDP is not UTF-8 text"]);
        // A unicast connection is nothing to join.
        let s = Sdp::parse(
            b"v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x\nc=IN IP4 192.0.2.9\nm=audio 5004 RTP/AVP 0\n",
        );
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        assert!(s.announced().is_empty());
        // IPv4 multicast without a TTL breaks RFC 4566 5.7: kept, with a note.
        let s = Sdp::parse(
            b"v=0\no=- 1 1 IN IP4 192.0.2.1\ns=x\nc=IN IP4 239.1.1.1\nm=audio 5004 RTP/AVP 0\n",
        );
        assert_eq!(s.notes.len(), 1, "{:?}", s.notes);
        assert!(s.notes[0].contains("without a TTL"), "{:?}", s.notes);
        assert_eq!(s.announced()[0].ttl, None);
        assert_eq!(parse_connection("IN IP4 239.1.1.1/300"), None);
        assert_eq!(parse_connection("IN IP6 ff15::1/3/4"), None);
    }

    #[test]
    fn notes_are_bounded() {
        let text = "junk\n".repeat(1000);
        let s = Sdp::parse(text.as_bytes());
        assert!(s.notes.len() <= 20);
    }
}
