//! RTP and MPEG-TS analysis of foreign streams (anything that is not an
//! mcast test packet).
//!
//! Recognition is cautious: a stream is called RTP only after
//! [`RTP_PROBE`] consecutive packets parse as RTP version 2 with one SSRC,
//! one payload type and sequence numbers close together (random payloads
//! pass that by chance about once in 2^90), and MPEG-TS only after
//! [`TS_PROBE`] datagrams of whole 188-byte packets with their sync bytes.
//! Figures are kept from the first packet and dropped if the probe fails,
//! so nothing before the decision is lost from the counts. A stream that
//! matches neither within [`PROBE_LIMIT`] packets is left alone for good:
//! from then on it costs one branch per packet.
//!
//! RTP: loss, duplicates, reordering from the 16-bit sequence number
//! (extended across wraps; a jump of more than [`MAX_DROPOUT`] is taken as
//! a restart once the next packet confirms it, as RFC 3550 appendix A.1
//! does), interarrival jitter (RFC 3550 6.4.1) in timestamp units, SSRC
//! and payload type changes. MPEG-TS: per PID continuity (ISO/IEC
//! 13818-1 2.4.3.3), transport errors, PCR intervals and jitter, PAT
//! repetition, and rates, after ETSI TR 101 290's priority 1 and 2 checks
//! that a network probe can make.

use std::time::Duration;

use super::seq::{Arrival, SeqTracker};
use crate::media::rtp::{self, RtpHeader};
use crate::media::ts::{self, TsPacket};

/// Consecutive consistent RTP packets before a stream is called RTP.
pub const RTP_PROBE: u32 = 3;
/// Datagrams of transport stream packets before a stream is called MPEG-TS.
pub const TS_PROBE: u32 = 2;
/// Packets a stream may take to be recognised.
pub const PROBE_LIMIT: u32 = 16;
/// A sequence jump this far ahead (or [`MAX_MISORDER`] back) is a restart
/// once confirmed (RFC 3550 A.1).
pub const MAX_DROPOUT: u16 = 3000;
pub const MAX_MISORDER: u16 = 100;
/// TR 101 290 2.3a: PCRs at least every 40 ms; 2.3b: consecutive PCRs at
/// most 100 ms apart unless the discontinuity indicator says otherwise.
pub const PCR_REPETITION: Duration = Duration::from_millis(40);
pub const PCR_MAX_STEP: u64 = ts::PCR_HZ / 10;
/// TR 101 290 1.3: a PAT at least every 0.5 s.
pub const PAT_INTERVAL: Duration = Duration::from_millis(500);
/// RTP sequence numbers consistent with the previous packet while probing.
const PROBE_SEQ_STEP: u16 = 64;

/// `--rtp` / `--no-rtp`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RtpMode {
    /// Recognise RTP after the probe.
    #[default]
    Auto,
    /// Take every datagram with an RTP version 2 header as RTP at once.
    Force,
    /// Never look for RTP (MPEG-TS straight over UDP is still recognised).
    Off,
}

/// How foreign streams are analysed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaOptions {
    pub rtp: RtpMode,
    /// `--rtp-clock HZ`: the RTP clock for every stream.
    pub rtp_clock: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Probing,
    Rtp,
    Ts,
    /// Neither: not looked at again.
    Other,
}

/// What a foreign stream turned out to carry, and its figures.
#[derive(Debug, Clone)]
pub struct MediaStats {
    kind: Kind,
    probed: u32,
    hits: u32,
    /// Boxed: a stream that is neither costs a few bytes.
    pub rtp: Option<Box<RtpStats>>,
    pub ts: Option<Box<TsStats>>,
}

impl Default for MediaStats {
    fn default() -> Self {
        Self::new()
    }
}

impl MediaStats {
    pub const fn new() -> Self {
        Self {
            kind: Kind::Probing,
            probed: 0,
            hits: 0,
            rtp: None,
            ts: None,
        }
    }

    /// `rtp`, `mpegts`, `rtp/mpegts`, or `None` (not recognised, or not yet).
    pub fn format(&self) -> Option<&'static str> {
        match (self.kind, &self.rtp, &self.ts) {
            (Kind::Rtp, Some(_), Some(_)) => Some("rtp/mpegts"),
            (Kind::Rtp, _, _) => Some("rtp"),
            (Kind::Ts, _, _) => Some("mpegts"),
            _ => None,
        }
    }

    /// The RTP figures once the stream is known to be RTP.
    pub fn rtp(&self) -> Option<&RtpStats> {
        self.rtp.as_deref().filter(|_| self.kind == Kind::Rtp)
    }

    /// The transport stream figures once the stream is known to carry one.
    pub fn ts(&self) -> Option<&TsStats> {
        self.ts
            .as_deref()
            .filter(|_| matches!(self.kind, Kind::Rtp | Kind::Ts))
    }

    /// Accounts one datagram. `clock` is the RTP clock the configuration
    /// or an SDP gives for this stream, if any.
    pub fn record(&mut self, data: &[u8], time: Duration, opts: &MediaOptions, clock: Option<u32>) {
        match self.kind {
            Kind::Other => {}
            Kind::Rtp => self.rtp_packet(data, time, opts, clock),
            Kind::Ts => self.ts_datagram(data, time),
            Kind::Probing => self.probe(data, time, opts, clock),
        }
    }

    fn probe(&mut self, data: &[u8], time: Duration, opts: &MediaOptions, clock: Option<u32>) {
        self.probed += 1;
        let rtp_ok = opts.rtp != RtpMode::Off;
        // 0x47 reads as RTP version 1: no datagram can be taken for both.
        if ts::is_ts(data) {
            if self.rtp.is_some() {
                self.rtp = None;
                self.ts = None;
                self.hits = 0;
            }
            self.ts_datagram(data, time);
            self.hits += 1;
            if self.hits >= TS_PROBE {
                self.kind = Kind::Ts;
            }
        } else if let Some(h) = RtpHeader::parse(data).filter(|_| rtp_ok) {
            let consistent = self.rtp.as_ref().is_some_and(|r| {
                r.ssrc == h.ssrc
                    && r.payload_type == h.payload_type
                    && r.last_seq.is_some_and(|s| {
                        let d = h.seq.wrapping_sub(s);
                        d <= PROBE_SEQ_STEP || d >= u16::MAX - PROBE_SEQ_STEP
                    })
            });
            if !consistent {
                self.hits = 0;
                self.ts = None;
                self.rtp = Some(Box::new(RtpStats::new(&h, opts, clock)));
            }
            self.rtp_packet(data, time, opts, clock);
            self.hits += 1;
            if self.hits >= RTP_PROBE || opts.rtp == RtpMode::Force {
                self.kind = Kind::Rtp;
            }
        } else {
            self.hits = 0;
            self.rtp = None;
            self.ts = None;
        }
        if self.kind == Kind::Probing && self.probed >= PROBE_LIMIT {
            self.kind = Kind::Other;
            self.rtp = None;
            self.ts = None;
        }
    }

    fn rtp_packet(&mut self, data: &[u8], time: Duration, opts: &MediaOptions, clock: Option<u32>) {
        let Some(r) = self.rtp.as_mut() else {
            return;
        };
        let Some(h) = RtpHeader::parse(data) else {
            r.not_rtp += 1;
            return;
        };
        r.record(&h, time, opts, clock);
        let payload = h.payload(data);
        if h.payload_type == rtp::PT_MP2T || ts::is_ts(payload) || self.ts.is_some() {
            self.ts_datagram(payload, time);
        }
    }

    fn ts_datagram(&mut self, data: &[u8], time: Duration) {
        self.ts
            .get_or_insert_with(|| Box::new(TsStats::new(time)))
            .record(data, time);
    }
}

/// Seconds from `a` to `b`, negative when the clock stepped back; exact
/// to the nanosecond (subtracting two f64 epoch times would not be).
fn secs_between(a: Duration, b: Duration) -> f64 {
    (b.as_nanos() as i128 - a.as_nanos() as i128) as f64 / 1e9
}

/// Sequence figures summed over spans (SSRCs, restarts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeqFigures {
    pub expected: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub reordered: u64,
    pub late: u64,
}

impl SeqFigures {
    fn of(t: &SeqTracker) -> Self {
        Self {
            expected: t.expected(),
            lost: t.lost(),
            duplicates: t.duplicates,
            reordered: t.reordered,
            late: t.late,
        }
    }

    fn add(&mut self, o: Self) {
        self.expected += o.expected;
        self.lost += o.lost;
        self.duplicates += o.duplicates;
        self.reordered += o.reordered;
        self.late += o.late;
    }
}

/// One RTP stream: the current SSRC's sequence and jitter, and what the
/// SSRCs before it left.
#[derive(Debug, Clone)]
pub struct RtpStats {
    pub ssrc: u32,
    pub payload_type: u8,
    /// Timestamp units per second, and where that came from.
    pub clock: Option<u32>,
    pub clock_source: Option<&'static str>,
    seq: SeqTracker,
    /// Extended (32-bit-wrapping into 64) highest sequence number.
    ext_max: u64,
    last_seq: Option<u16>,
    /// RFC 3550 A.1: after a large jump, the sequence number that would
    /// confirm a restart.
    bad_seq: Option<u16>,
    past: SeqFigures,
    pub ssrc_changes: u64,
    pub payload_type_changes: u64,
    pub restarts: u64,
    pub markers: u64,
    /// Packets of a locked RTP stream that did not parse as RTP.
    pub not_rtp: u64,
    /// Jitter in timestamp units (RFC 3550 6.4.1).
    jitter: f64,
    jitter_samples: u64,
    prev: Option<(Duration, u32)>,
}

impl RtpStats {
    fn new(h: &RtpHeader, opts: &MediaOptions, clock: Option<u32>) -> Self {
        let mut s = Self {
            ssrc: h.ssrc,
            payload_type: h.payload_type,
            clock: None,
            clock_source: None,
            seq: SeqTracker::new(),
            ext_max: 0,
            last_seq: None,
            bad_seq: None,
            past: SeqFigures::default(),
            ssrc_changes: 0,
            payload_type_changes: 0,
            restarts: 0,
            markers: 0,
            not_rtp: 0,
            jitter: 0.0,
            jitter_samples: 0,
            prev: None,
        };
        s.pick_clock(opts, clock);
        s
    }

    fn pick_clock(&mut self, opts: &MediaOptions, sdp: Option<u32>) {
        (self.clock, self.clock_source) = if let Some(c) = opts.rtp_clock {
            (Some(c), Some("option"))
        } else if let Some(c) = sdp {
            (Some(c), Some("sdp"))
        } else if let Some(c) = rtp::static_clock_rate(self.payload_type) {
            (Some(c), Some("payload type"))
        } else {
            (None, None)
        };
    }

    /// Loss, duplicates, reordering and late packets over every SSRC.
    pub fn figures(&self) -> SeqFigures {
        let mut f = self.past;
        f.add(SeqFigures::of(&self.seq));
        f
    }

    pub fn loss_pct(&self) -> f64 {
        let f = self.figures();
        super::pct(f.lost, f.expected)
    }

    /// Interarrival jitter in milliseconds; `None` without a clock rate or
    /// before two packets.
    pub fn jitter_ms(&self) -> Option<f64> {
        let clock = self.clock?;
        (self.jitter_samples > 0).then(|| self.jitter * 1e3 / f64::from(clock))
    }

    pub fn first_seq(&self) -> Option<u64> {
        self.seq.first().map(|s| s & 0xffff)
    }

    pub fn last_seq(&self) -> Option<u16> {
        self.last_seq
    }

    /// Ends the current span: its figures join the past ones.
    fn fold(&mut self) {
        self.past.add(SeqFigures::of(&self.seq));
        self.seq = SeqTracker::new();
        self.last_seq = None;
        self.bad_seq = None;
        self.prev = None;
    }

    fn record(&mut self, h: &RtpHeader, time: Duration, opts: &MediaOptions, sdp: Option<u32>) {
        if h.ssrc != self.ssrc {
            self.ssrc_changes += 1;
            self.ssrc = h.ssrc;
            self.fold();
        }
        if h.payload_type != self.payload_type {
            self.payload_type_changes += 1;
            self.payload_type = h.payload_type;
            self.pick_clock(opts, sdp);
        }
        self.markers += u64::from(h.marker);
        let arrival = match self.last_seq {
            None => {
                // Extended numbers start high, so a step back from the
                // first packet never goes below zero.
                self.ext_max = (1 << 32) | u64::from(h.seq);
                self.seq.record(self.ext_max)
            }
            Some(_) => {
                let delta = h.seq.wrapping_sub(self.ext_max as u16);
                let big_jump = (MAX_DROPOUT..=u16::MAX - MAX_MISORDER).contains(&delta);
                if big_jump {
                    if self.bad_seq == Some(h.seq) {
                        // Two in a row after the jump: the sender restarted.
                        self.restarts += 1;
                        self.fold();
                        self.ext_max = (1 << 32) | u64::from(h.seq);
                        self.seq.record(self.ext_max)
                    } else {
                        self.bad_seq = Some(h.seq.wrapping_add(1));
                        self.last_seq = Some(h.seq);
                        return;
                    }
                } else {
                    let ext = self.ext_max.wrapping_add(delta as i16 as i64 as u64);
                    if (delta as i16) > 0 {
                        self.ext_max = ext;
                    }
                    self.seq.record(ext)
                }
            }
        };
        self.bad_seq = None;
        self.last_seq = Some(h.seq);
        if arrival == Arrival::Duplicate {
            return;
        }
        if let (Some((t0, ts0)), Some(clock)) = (self.prev, self.clock) {
            let arrived = secs_between(t0, time);
            let stamped = f64::from(h.timestamp.wrapping_sub(ts0) as i32) / f64::from(clock);
            let d = (arrived - stamped).abs() * f64::from(clock);
            self.jitter += (d - self.jitter) / 16.0;
            self.jitter_samples += 1;
        }
        self.prev = Some((time, h.timestamp));
    }
}

/// One PID of a transport stream.
#[derive(Debug, Clone)]
pub struct PidStats {
    pub pid: u16,
    pub packets: u64,
    pub cc_errors: u64,
    pub tei: u64,
    pub scrambled: u64,
    pub discontinuities: u64,
    last_cc: Option<u8>,
    duplicate: bool,
    pub pcrs: u64,
    last_pcr: Option<(u64, Duration)>,
    pub pcr_intervals: u64,
    pcr_interval_sum: Duration,
    pub pcr_interval_max: Duration,
    /// TR 101 290 2.3a and 2.3b.
    pub pcr_repetition_errors: u64,
    pub pcr_discontinuity_errors: u64,
    /// |arrival interval − PCR interval|: running mean (gain 1/16) and
    /// maximum, in seconds.
    pcr_jitter: f64,
    pub pcr_jitter_max: f64,
    /// The PAT names this PID as a program's PMT.
    pub is_pmt: bool,
    /// A PMT lists this PID, with this stream type.
    pub stream_type: Option<u8>,
    last_time: Option<Duration>,
}

impl PidStats {
    fn new(pid: u16) -> Self {
        Self {
            pid,
            packets: 0,
            cc_errors: 0,
            tei: 0,
            scrambled: 0,
            discontinuities: 0,
            last_cc: None,
            duplicate: false,
            pcrs: 0,
            last_pcr: None,
            pcr_intervals: 0,
            pcr_interval_sum: Duration::ZERO,
            pcr_interval_max: Duration::ZERO,
            pcr_repetition_errors: 0,
            pcr_discontinuity_errors: 0,
            pcr_jitter: 0.0,
            pcr_jitter_max: 0.0,
            is_pmt: false,
            stream_type: None,
            last_time: None,
        }
    }

    /// `PAT`, `PMT`, a PMT's stream type, or what fixed PIDs carry.
    pub fn kind(&self) -> Option<&'static str> {
        if let Some(t) = self.stream_type {
            return Some(ts::stream_type_name(t));
        }
        Some(match self.pid {
            0 => "PAT",
            1 => "CAT",
            0x10 => "NIT",
            0x11 => "SDT/BAT",
            0x12 => "EIT",
            0x14 => "TDT/TOT",
            ts::NULL_PID => "null",
            _ if self.is_pmt => "PMT",
            _ => return None,
        })
    }

    pub fn pcr_interval_avg(&self) -> Option<Duration> {
        (self.pcr_intervals > 0)
            .then(|| self.pcr_interval_sum / u32::try_from(self.pcr_intervals).unwrap_or(u32::MAX))
    }

    pub fn pcr_jitter_ms(&self) -> Option<f64> {
        (self.pcr_intervals > 0).then_some(self.pcr_jitter * 1e3)
    }

    fn record(&mut self, t: &TsPacket, time: Duration) -> bool {
        self.packets += 1;
        self.last_time = Some(time);
        self.tei += u64::from(t.tei);
        self.scrambled += u64::from(t.scrambling != 0);
        let cc_error = self.continuity(t);
        self.cc_errors += u64::from(cc_error);
        if let Some(pcr) = t.pcr {
            self.pcr(pcr, t.discontinuity, time);
        }
        cc_error
    }

    /// ISO/IEC 13818-1 2.4.3.3: the counter steps by one per packet with
    /// a payload, stays put on adaptation-only packets, may repeat once
    /// (a duplicate packet), and may jump where the discontinuity
    /// indicator says so. Null packets carry no meaningful counter.
    fn continuity(&mut self, t: &TsPacket) -> bool {
        if t.pid == ts::NULL_PID {
            return false;
        }
        let cc = t.continuity;
        let last = self.last_cc.replace(cc);
        if t.discontinuity {
            self.discontinuities += 1;
            self.duplicate = false;
            return false;
        }
        let Some(last) = last else {
            return false;
        };
        if !t.has_payload {
            return cc != last;
        }
        if cc == last {
            let again = self.duplicate;
            self.duplicate = true;
            return again;
        }
        self.duplicate = false;
        cc != (last + 1) & 0x0f
    }

    fn pcr(&mut self, pcr: u64, discontinuity: bool, time: Duration) {
        self.pcrs += 1;
        let prev = self.last_pcr.replace((pcr, time));
        let Some((p0, t0)) = prev.filter(|_| !discontinuity) else {
            return;
        };
        let step = ts::pcr_delta(p0, pcr);
        if step > PCR_MAX_STEP {
            // Backwards too (a step back reads as nearly a full wrap).
            self.pcr_discontinuity_errors += 1;
            return;
        }
        if step == 0 {
            // The same PCR again (a duplicated packet): no interval.
            return;
        }
        let interval = Duration::from_nanos(step * 1000 / 27);
        self.pcr_intervals += 1;
        self.pcr_interval_sum += interval;
        self.pcr_interval_max = self.pcr_interval_max.max(interval);
        if interval > PCR_REPETITION {
            self.pcr_repetition_errors += 1;
        }
        let arrived = secs_between(t0, time);
        let d = (arrived - interval.as_secs_f64()).abs();
        self.pcr_jitter += (d - self.pcr_jitter) / 16.0;
        self.pcr_jitter_max = self.pcr_jitter_max.max(d);
    }
}

/// One transport stream: per PID figures, and the stream-wide checks.
#[derive(Debug, Clone)]
pub struct TsStats {
    /// PID → index in `pids` + 1 (0: not seen). Allocated once per
    /// stream; `pids` grows by one per new PID, never per packet.
    slots: Box<[u16]>,
    pub pids: Vec<PidStats>,
    pub packets: u64,
    /// Datagrams that were not whole transport stream packets (TR 101 290
    /// 1.1 TS_sync_loss as a network probe sees it).
    pub sync_errors: u64,
    /// Packets with a bad sync byte inside a datagram (1.2).
    pub sync_byte_errors: u64,
    pub cc_errors: u64,
    pub tei: u64,
    /// Packets whose adaptation field cannot be read.
    pub malformed: u64,
    /// 1.3: gaps of more than 0.5 s between PATs (PID 0), or none yet
    /// 0.5 s after the first packet.
    pub pat_errors: u64,
    /// Datagrams in which at least one PID's counter jumped: with up to
    /// 7 packets per datagram, this is what one lost datagram causes.
    pub cc_error_datagrams: u64,
    /// 1.5: gaps of more than 0.5 s between a PMT's packets.
    pub pmt_errors: u64,
    /// 2.2: PAT and PMT sections whose CRC is wrong.
    pub crc_errors: u64,
    first: Duration,
    last_pat: Option<Duration>,
    pat_missing_reported: bool,
}

impl TsStats {
    fn new(time: Duration) -> Self {
        Self {
            slots: vec![0u16; ts::PID_COUNT].into_boxed_slice(),
            pids: Vec::new(),
            packets: 0,
            sync_errors: 0,
            sync_byte_errors: 0,
            cc_errors: 0,
            tei: 0,
            malformed: 0,
            pat_errors: 0,
            cc_error_datagrams: 0,
            pmt_errors: 0,
            crc_errors: 0,
            first: time,
            last_pat: None,
            pat_missing_reported: false,
        }
    }

    fn record(&mut self, data: &[u8], time: Duration) {
        if data.is_empty() || data.len() % ts::PACKET_LEN != 0 {
            self.sync_errors += 1;
            return;
        }
        let mut cc_error = false;
        for p in data.chunks_exact(ts::PACKET_LEN) {
            let Some(t) = TsPacket::parse(p) else {
                self.sync_byte_errors += 1;
                continue;
            };
            self.packets += 1;
            self.tei += u64::from(t.tei);
            self.malformed += u64::from(t.malformed);
            if t.pid == 0 {
                if self
                    .last_pat
                    .is_some_and(|l| time.saturating_sub(l) > PAT_INTERVAL)
                {
                    self.pat_errors += 1;
                }
                self.last_pat = Some(time);
            }
            let i = self.slot(t.pid);
            let pid = &mut self.pids[i];
            if pid.is_pmt
                && pid
                    .last_time
                    .is_some_and(|l| time.saturating_sub(l) > PAT_INTERVAL)
            {
                self.pmt_errors += 1;
            }
            if pid.record(&t, time) {
                self.cc_errors += 1;
                cc_error = true;
            }
            if t.pusi && (t.pid == 0 || pid.is_pmt) {
                self.tables(p, &t);
            }
        }
        self.cc_error_datagrams += u64::from(cc_error);
        if self.last_pat.is_none()
            && !self.pat_missing_reported
            && time.saturating_sub(self.first) > PAT_INTERVAL
        {
            self.pat_missing_reported = true;
            self.pat_errors += 1;
        }
    }

    /// The index of `pid` in `pids`, added if new.
    fn slot(&mut self, pid: u16) -> usize {
        let slot = &mut self.slots[usize::from(pid) % ts::PID_COUNT];
        if *slot == 0 {
            self.pids.push(PidStats::new(pid));
            *slot = self.pids.len() as u16;
        }
        usize::from(*slot) - 1
    }

    /// PAT and PMT: which PIDs are PMTs, and what each stream carries.
    fn tables(&mut self, p: &[u8], t: &TsPacket) {
        let Some(s) = ts::section(p, t) else {
            return;
        };
        if ts::crc32(s) != 0 {
            self.crc_errors += 1;
            return;
        }
        if t.pid == 0 {
            ts::pat_programs(s, |pmt| {
                let i = self.slot(pmt);
                self.pids[i].is_pmt = true;
            });
        } else {
            ts::pmt_streams(s, |kind, pid| {
                let i = self.slot(pid);
                self.pids[i].stream_type = Some(kind);
            });
        }
    }

    /// 1.6 PID_error as a probe sees it: PIDs a PMT lists that never came.
    pub fn missing_pids(&self) -> impl Iterator<Item = &PidStats> {
        self.pids
            .iter()
            .filter(|p| p.packets == 0 && (p.stream_type.is_some() || p.is_pmt))
    }

    pub fn pcr_pids(&self) -> impl Iterator<Item = &PidStats> {
        self.pids.iter().filter(|p| p.pcrs > 0)
    }
}

#[cfg(test)]
mod tests;
