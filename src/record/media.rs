//! RTP and MPEG-TS figures as parts of the `stats` and `summary` records:
//! per stream (`rtp`, `ts` with its `pids`) and summed over the streams.

use std::time::Duration;

use serde::Serialize;

use crate::analysis::media::{PidStats, RtpStats, TsStats};
use crate::analysis::{MediaTotals, Stream};
use crate::media::rtp;
use crate::media::ts::PACKET_LEN;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Bits per second of `packets` transport stream packets over `secs`.
fn ts_bps(packets: u64, secs: f64) -> Option<f64> {
    (secs > 0.0).then(|| (packets * PACKET_LEN as u64 * 8) as f64 / secs)
}

/// An RTP stream's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RtpRecord {
    /// The current SSRC.
    pub ssrc: u32,
    pub payload_type: u8,
    /// The static payload type's name (`MP2T`, `PCMU`); null for dynamic ones.
    pub encoding: Option<&'static str>,
    pub clock_rate: Option<u32>,
    /// `option` (`--rtp-clock`), `sdp`, or `payload type` (the static table).
    pub clock_source: Option<&'static str>,
    pub expected: u64,
    pub lost: u64,
    pub loss_pct: f64,
    pub duplicates: u64,
    pub reordered: u64,
    pub late: u64,
    pub jitter_ms: Option<f64>,
    pub ssrc_changes: u64,
    pub payload_type_changes: u64,
    pub restarts: u64,
    pub markers: u64,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u16>,
}

impl RtpRecord {
    pub fn new(r: &RtpStats) -> Self {
        let f = r.figures();
        Self {
            ssrc: r.ssrc,
            payload_type: r.payload_type,
            encoding: rtp::static_encoding(r.payload_type),
            clock_rate: r.clock,
            clock_source: r.clock_source,
            expected: f.expected,
            lost: f.lost,
            loss_pct: r.loss_pct(),
            duplicates: f.duplicates,
            reordered: f.reordered,
            late: f.late,
            jitter_ms: r.jitter_ms(),
            ssrc_changes: r.ssrc_changes,
            payload_type_changes: r.payload_type_changes,
            restarts: r.restarts,
            markers: r.markers,
            first_seq: r.first_seq(),
            last_seq: r.last_seq(),
        }
    }
}

/// One PID of a transport stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PidRecord {
    pub pid: u16,
    /// `PAT`, `PMT`, `null`, ..., or the PMT's stream type (`H.264 video`).
    pub kind: Option<&'static str>,
    pub stream_type: Option<u8>,
    pub packets: u64,
    pub rate_bps: Option<f64>,
    pub cc_errors: u64,
    pub tei: u64,
    pub scrambled: u64,
    pub discontinuities: u64,
    pub pcrs: u64,
    pub pcr_interval_avg_ms: Option<f64>,
    pub pcr_interval_max_ms: Option<f64>,
    pub pcr_jitter_ms: Option<f64>,
    pub pcr_jitter_max_ms: Option<f64>,
    pub pcr_repetition_errors: u64,
    pub pcr_discontinuity_errors: u64,
}

impl PidRecord {
    fn new(p: &PidStats, secs: f64) -> Self {
        let pcr = p.pcr_intervals > 0;
        Self {
            pid: p.pid,
            kind: p.kind(),
            stream_type: p.stream_type,
            packets: p.packets,
            rate_bps: ts_bps(p.packets, secs),
            cc_errors: p.cc_errors,
            tei: p.tei,
            scrambled: p.scrambled,
            discontinuities: p.discontinuities,
            pcrs: p.pcrs,
            pcr_interval_avg_ms: p.pcr_interval_avg().map(ms),
            pcr_interval_max_ms: pcr.then(|| ms(p.pcr_interval_max)),
            pcr_jitter_ms: p.pcr_jitter_ms(),
            pcr_jitter_max_ms: pcr.then_some(p.pcr_jitter_max * 1e3),
            pcr_repetition_errors: p.pcr_repetition_errors,
            pcr_discontinuity_errors: p.pcr_discontinuity_errors,
        }
    }
}

/// A transport stream's figures, with one record per PID (by PID).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TsRecord {
    pub packets: u64,
    pub rate_bps: Option<f64>,
    pub cc_errors: u64,
    /// Datagrams in which a continuity counter jumped.
    pub cc_error_datagrams: u64,
    pub tei: u64,
    pub sync_errors: u64,
    pub sync_byte_errors: u64,
    pub pat_errors: u64,
    pub pmt_errors: u64,
    pub crc_errors: u64,
    /// PIDs a PMT lists that never arrived.
    pub missing_pids: Vec<u16>,
    pub malformed: u64,
    pub pcr_pids: Vec<u16>,
    pub pids: Vec<PidRecord>,
}

impl TsRecord {
    pub fn new(t: &TsStats, secs: f64) -> Self {
        let mut pids: Vec<PidRecord> = t.pids.iter().map(|p| PidRecord::new(p, secs)).collect();
        pids.sort_by_key(|p| p.pid);
        let mut pcr_pids: Vec<u16> = t.pcr_pids().map(|p| p.pid).collect();
        pcr_pids.sort_unstable();
        Self {
            packets: t.packets,
            rate_bps: ts_bps(t.packets, secs),
            cc_errors: t.cc_errors,
            cc_error_datagrams: t.cc_error_datagrams,
            tei: t.tei,
            sync_errors: t.sync_errors,
            sync_byte_errors: t.sync_byte_errors,
            pat_errors: t.pat_errors,
            pmt_errors: t.pmt_errors,
            crc_errors: t.crc_errors,
            missing_pids: {
                let mut m: Vec<u16> = t.missing_pids().map(|p| p.pid).collect();
                m.sort_unstable();
                m
            },
            malformed: t.malformed,
            pcr_pids,
            pids,
        }
    }
}

/// A stream's `format`, `rtp` and `ts` parts.
pub fn of_stream(s: &Stream) -> (Option<&'static str>, Option<RtpRecord>, Option<TsRecord>) {
    let secs = s.duration().as_secs_f64();
    (
        s.format(),
        s.rtp().map(RtpRecord::new),
        s.ts().map(|t| TsRecord::new(t, secs)),
    )
}

/// Sums over the RTP and MPEG-TS streams; only in records that have any.
#[derive(Debug, Serialize)]
pub struct MediaTotalsRecord {
    pub rtp_streams: usize,
    pub rtp_expected: u64,
    pub rtp_lost: u64,
    pub rtp_loss_pct: Option<f64>,
    pub rtp_duplicates: u64,
    pub rtp_reordered: u64,
    pub rtp_late: u64,
    pub ts_streams: usize,
    pub ts_packets: u64,
    pub ts_cc_errors: u64,
    pub ts_tei: u64,
    pub ts_sync_errors: u64,
}

impl MediaTotalsRecord {
    pub fn new(m: &MediaTotals) -> Option<Self> {
        m.any().then(|| Self {
            rtp_streams: m.rtp_streams,
            rtp_expected: m.rtp.expected,
            rtp_lost: m.rtp.lost,
            rtp_loss_pct: m.rtp_loss_pct(),
            rtp_duplicates: m.rtp.duplicates,
            rtp_reordered: m.rtp.reordered,
            rtp_late: m.rtp.late,
            ts_streams: m.ts_streams,
            ts_packets: m.ts_packets,
            ts_cc_errors: m.ts_cc_errors,
            ts_tei: m.ts_tei,
            ts_sync_errors: m.ts_sync_errors,
        })
    }
}
