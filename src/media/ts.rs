//! MPEG-2 transport stream packets (ISO/IEC 13818-1 section 2.4.3), parsed
//! in place: 188-byte packets, 1 to 7 of them per UDP or RTP datagram.

pub const PACKET_LEN: usize = 188;
pub const SYNC: u8 = 0x47;
/// Packets per datagram: 7 × 188 = 1316 bytes fits a 1500-byte MTU.
pub const MAX_PER_DATAGRAM: usize = 7;
/// PIDs are 13 bits.
pub const PID_COUNT: usize = 8192;
pub const NULL_PID: u16 = 0x1fff;
/// The PCR's clock: 27 MHz.
pub const PCR_HZ: u64 = 27_000_000;

/// Whether `data` looks like 1 to 7 transport stream packets: a whole
/// number of 188-byte packets, each starting with the sync byte.
pub fn is_ts(data: &[u8]) -> bool {
    let n = data.len() / PACKET_LEN;
    data.len() % PACKET_LEN == 0
        && (1..=MAX_PER_DATAGRAM).contains(&n)
        && data.chunks_exact(PACKET_LEN).all(|p| p[0] == SYNC)
}

/// One transport stream packet's header and adaptation field facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TsPacket {
    pub tei: bool,
    pub pusi: bool,
    pub pid: u16,
    /// Transport scrambling control, 0 when clear.
    pub scrambling: u8,
    pub has_payload: bool,
    pub continuity: u8,
    /// The adaptation field's discontinuity indicator.
    pub discontinuity: bool,
    pub random_access: bool,
    /// Program clock reference in 27 MHz ticks (base × 300 + extension).
    pub pcr: Option<u64>,
    /// `adaptation_field_control` is the reserved value 00, or the
    /// adaptation field's length runs past the packet.
    pub malformed: bool,
    /// Where the payload starts in the packet.
    pub payload_at: usize,
}

impl TsPacket {
    /// `None` when `p` is not 188 bytes starting with the sync byte.
    pub fn parse(p: &[u8]) -> Option<Self> {
        if p.len() != PACKET_LEN || p[0] != SYNC {
            return None;
        }
        let afc = (p[3] >> 4) & 3;
        let mut t = Self {
            tei: p[1] & 0x80 != 0,
            pusi: p[1] & 0x40 != 0,
            pid: u16::from_be_bytes([p[1] & 0x1f, p[2]]),
            scrambling: p[3] >> 6,
            has_payload: afc & 1 != 0,
            continuity: p[3] & 0x0f,
            discontinuity: false,
            random_access: false,
            pcr: None,
            malformed: afc == 0,
            payload_at: 4,
        };
        if afc & 2 != 0 {
            let len = usize::from(p[4]);
            t.payload_at = 5 + len;
            // With a payload the field leaves room for at least one byte
            // (0-182); without one it fills the packet (183).
            let max = if t.has_payload { 182 } else { 183 };
            if len > max {
                t.malformed = true;
                return Some(t);
            }
            if len > 0 {
                let flags = p[5];
                t.discontinuity = flags & 0x80 != 0;
                t.random_access = flags & 0x40 != 0;
                if flags & 0x10 != 0 && len >= 7 {
                    let b = &p[6..12];
                    let base = (u64::from(b[0]) << 25)
                        | (u64::from(b[1]) << 17)
                        | (u64::from(b[2]) << 9)
                        | (u64::from(b[3]) << 1)
                        | (u64::from(b[4]) >> 7);
                    let ext = (u64::from(b[4] & 1) << 8) | u64::from(b[5]);
                    t.pcr = Some(base * 300 + ext);
                }
            }
        }
        Some(t)
    }
}

/// The PSI section that packet `p` starts (payload unit start), when it
/// fits in the packet: tables of a few programs do, and sections spanning
/// packets are left alone (a probe needs only PAT and PMT).
pub fn section<'a>(p: &'a [u8], t: &TsPacket) -> Option<&'a [u8]> {
    if !t.pusi || !t.has_payload || t.malformed {
        return None;
    }
    let payload = p.get(t.payload_at..)?;
    let s = payload.get(1 + usize::from(*payload.first()?)..)?;
    let len = usize::from(u16::from_be_bytes([*s.get(1)?, *s.get(2)?]) & 0x0fff);
    // The shortest table section: 5 bytes of header, 4 of CRC.
    s.get(..3 + len).filter(|_| len >= 9)
}

/// CRC-32/MPEG-2 of a whole section, CRC included: 0 when intact.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &b in data {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The PMT PIDs a PAT section lists (the network PID of program 0 left out).
pub fn pat_programs(s: &[u8], mut each: impl FnMut(u16)) {
    if s.first() != Some(&0) {
        return;
    }
    let body = s.get(8..s.len().saturating_sub(4)).unwrap_or(&[]);
    for e in body.chunks_exact(4) {
        if u16::from_be_bytes([e[0], e[1]]) != 0 {
            each(u16::from_be_bytes([e[2] & 0x1f, e[3]]));
        }
    }
}

/// The elementary streams a PMT section lists: (stream type, PID).
pub fn pmt_streams(s: &[u8], mut each: impl FnMut(u8, u16)) {
    if s.first() != Some(&2) || s.len() < 16 {
        return;
    }
    let end = s.len() - 4;
    let mut i = 12 + usize::from(u16::from_be_bytes([s[10] & 0x0f, s[11]]));
    while i + 5 <= end {
        each(s[i], u16::from_be_bytes([s[i + 1] & 0x1f, s[i + 2]]));
        i += 5 + usize::from(u16::from_be_bytes([s[i + 3] & 0x0f, s[i + 4]]));
    }
}

/// What a PMT's stream type means (ISO/IEC 13818-1 table 2-34 and the
/// common registrations).
pub fn stream_type_name(t: u8) -> &'static str {
    match t {
        0x01 => "MPEG-1 video",
        0x02 => "MPEG-2 video",
        0x03 => "MPEG-1 audio",
        0x04 => "MPEG-2 audio",
        0x06 => "private data",
        0x0f => "AAC audio",
        0x10 => "MPEG-4 video",
        0x11 => "AAC LATM audio",
        0x15 => "metadata",
        0x1b => "H.264 video",
        0x24 => "HEVC video",
        0x81 => "AC-3 audio",
        0x86 => "SCTE-35",
        0x87 => "E-AC-3 audio",
        _ => "other",
    }
}

/// PCRs wrap after 2^33 × 300 ticks (about 26.5 hours).
pub const PCR_WRAP: u64 = (1 << 33) * 300;

/// Ticks from `a` to `b`, across a wrap.
pub fn pcr_delta(a: u64, b: u64) -> u64 {
    (b + PCR_WRAP - a % PCR_WRAP) % PCR_WRAP
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A packet: PID, continuity counter, optional adaptation field
    /// (discontinuity flag, PCR) and whether it carries a payload.
    pub(crate) fn packet(pid: u16, cc: u8, payload: bool, disc: bool, pcr: Option<u64>) -> Vec<u8> {
        let mut p = vec![0xffu8; PACKET_LEN];
        p[0] = SYNC;
        p[1] = (pid >> 8) as u8 & 0x1f;
        p[2] = pid as u8;
        let adapt = disc || pcr.is_some() || !payload;
        let afc = u8::from(payload) | if adapt { 2 } else { 0 };
        p[3] = (afc << 4) | (cc & 15);
        if adapt {
            p[4] = if payload { 7 } else { 183 };
            p[5] = if disc { 0x80 } else { 0 };
            if let Some(pcr) = pcr {
                p[5] |= 0x10;
                let (base, ext) = (pcr / 300, pcr % 300);
                p[6] = (base >> 25) as u8;
                p[7] = (base >> 17) as u8;
                p[8] = (base >> 9) as u8;
                p[9] = (base >> 1) as u8;
                p[10] = ((base & 1) as u8) << 7 | 0x7e | (ext >> 8) as u8;
                p[11] = ext as u8;
            }
        }
        p
    }

    #[test]
    fn header_fields() {
        let mut p = packet(0x1011, 9, true, false, None);
        p[1] |= 0xc0;
        let t = TsPacket::parse(&p).unwrap();
        assert!(t.tei && t.pusi && t.has_payload && !t.malformed);
        assert_eq!((t.pid, t.continuity, t.pcr), (0x1011, 9, None));
    }

    #[test]
    fn adaptation_only_with_pcr_and_discontinuity() {
        let pcr = (1u64 << 32) * 300 + 299;
        let t = TsPacket::parse(&packet(0x100, 3, false, true, Some(pcr))).unwrap();
        assert!(!t.has_payload && t.discontinuity && !t.malformed);
        assert_eq!(t.pcr, Some(pcr));
    }

    #[test]
    fn malformed_packets() {
        assert_eq!(TsPacket::parse(&[SYNC; 187]), None);
        let mut p = packet(1, 0, true, false, None);
        p[0] = 0x48;
        assert_eq!(TsPacket::parse(&p), None);
        p[0] = SYNC;
        p[3] &= 0x0f; // adaptation_field_control 00
        assert!(TsPacket::parse(&p).unwrap().malformed);
        let mut p = packet(1, 0, true, true, None);
        p[4] = 183; // no room left for the payload it claims
        assert!(TsPacket::parse(&p).unwrap().malformed);
    }

    #[test]
    fn datagram_shapes() {
        let one = packet(0, 0, true, false, None);
        assert!(is_ts(&one));
        assert!(is_ts(&one.repeat(7)));
        assert!(!is_ts(&one.repeat(8)));
        assert!(!is_ts(&one[..100]));
        assert!(!is_ts(&[]));
        let mut two = one.repeat(2);
        two[188] = 0;
        assert!(!is_ts(&two));
    }

    /// A PSI section in a packet of its own, with its CRC.
    pub(crate) fn psi(pid: u16, cc: u8, table: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![
            table,
            0xb0 | ((body.len() + 9) >> 8) as u8,
            (body.len() + 9) as u8,
        ];
        s.extend_from_slice(&[0, 1, 0xc1, 0, 0]);
        s.extend_from_slice(body);
        let crc = crc32(&s);
        s.extend_from_slice(&crc.to_be_bytes());
        let mut p = packet(pid, cc, true, false, None);
        p[1] |= 0x40;
        p[4] = 0;
        p[5..5 + s.len()].copy_from_slice(&s);
        p
    }

    #[test]
    fn pat_and_pmt() {
        // Program 0 (network PID 0x10) and program 1 at PMT PID 0x1000.
        let pat = psi(0, 0, 0, &[0, 0, 0xe0, 0x10, 0, 1, 0xf0, 0x00]);
        let t = TsPacket::parse(&pat).unwrap();
        let s = section(&pat, &t).unwrap();
        assert_eq!(crc32(s), 0);
        let mut pmts = Vec::new();
        pat_programs(s, |p| pmts.push(p));
        assert_eq!(pmts, [0x1000]);
        // PCR PID 0x100, no program info; H.264 at 0x100 with a 3-byte
        // descriptor, AAC at 0x101.
        let pmt = psi(
            0x1000,
            0,
            2,
            &[
                0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0, 0x03, 1, 2, 3, 0x0f, 0xe1, 0x01,
                0xf0, 0x00,
            ],
        );
        let t = TsPacket::parse(&pmt).unwrap();
        let s = section(&pmt, &t).unwrap();
        assert_eq!(crc32(s), 0);
        let mut streams = Vec::new();
        pmt_streams(s, |ty, pid| streams.push((ty, pid)));
        assert_eq!(streams, [(0x1b, 0x100), (0x0f, 0x101)]);
        assert_eq!(stream_type_name(0x1b), "H.264 video");
        // A damaged section fails its CRC; a packet without PUSI has none.
        let mut bad = pmt.clone();
        bad[20] ^= 1;
        assert_ne!(
            crc32(section(&bad, &TsPacket::parse(&bad).unwrap()).unwrap()),
            0
        );
        let plain = packet(0x1000, 1, true, false, None);
        assert_eq!(section(&plain, &TsPacket::parse(&plain).unwrap()), None);
        // A section longer than the packet is left alone.
        let mut long = pmt;
        long[6] = 0xbf;
        long[7] = 0xff;
        assert_eq!(section(&long, &TsPacket::parse(&long).unwrap()), None);
    }

    #[test]
    fn pcr_wraps() {
        assert_eq!(pcr_delta(PCR_WRAP - 10, 5), 15);
        assert_eq!(pcr_delta(100, 400), 300);
    }
}
