//! RTP and MPEG-TS in text: a line per RTP stream (what the stream table
//! cannot hold) and a PID table per transport stream, under the stream
//! table of `stats` and `summary`. Not on the hot path.

use std::fmt::Write as _;

use crate::record::{Analysis, StreamRecord};

/// Under the stream table: RTP details and transport stream tables.
pub fn write_media(out: &mut String, a: &Analysis<'_>) {
    for s in &a.streams {
        if let Some(r) = &s.rtp {
            let encoding = r.encoding.map(|e| format!(" ({e})")).unwrap_or_default();
            let clock = match (r.clock_rate, r.clock_source) {
                (Some(hz), Some(from)) => format!("clock {hz} Hz ({from})"),
                _ => "clock unknown: no jitter (give --rtp-clock HZ)".to_string(),
            };
            let _ = writeln!(
                out,
                "RTP {}: SSRC {:08x}, PT {}{encoding}, {clock}; {} SSRC changes, {} PT changes, {} restarts",
                who(s),
                r.ssrc,
                r.payload_type,
                r.ssrc_changes,
                r.payload_type_changes,
                r.restarts
            );
        }
        if let Some(t) = &s.ts {
            let _ = writeln!(
                out,
                "MPEG-TS {}: {} packets, {}; CC errors {} (in {} datagrams), TEI {}, sync losses {}, \
                 PAT errors {}, PMT errors {}, CRC errors {}",
                who(s),
                t.packets,
                rate(t.rate_bps),
                t.cc_errors,
                t.cc_error_datagrams,
                t.tei,
                t.sync_errors + t.sync_byte_errors,
                t.pat_errors,
                t.pmt_errors,
                t.crc_errors
            );
            if !t.missing_pids.is_empty() {
                let list: Vec<String> = t
                    .missing_pids
                    .iter()
                    .map(|p| format!("0x{p:04x}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "  PIDs listed in a PMT that never arrived: {}",
                    list.join(", ")
                );
            }
            let mut rows = vec![[
                "  PID",
                "TYPE",
                "PACKETS",
                "RATE",
                "CC ERR",
                "TEI",
                "PCRS",
                "PCR INT AVG/MAX",
                "PCR JITTER AVG/MAX",
                "PCR ERR",
            ]
            .map(String::from)];
            for p in &t.pids {
                let pair = |a: Option<f64>, b: Option<f64>| match (a, b) {
                    (Some(a), Some(b)) => format!("{a:.1}/{b:.1} ms"),
                    _ => "-".to_string(),
                };
                rows.push([
                    format!("  0x{:04x}", p.pid),
                    p.kind.unwrap_or("-").to_string(),
                    p.packets.to_string(),
                    rate(p.rate_bps),
                    p.cc_errors.to_string(),
                    p.tei.to_string(),
                    p.pcrs.to_string(),
                    pair(p.pcr_interval_avg_ms, p.pcr_interval_max_ms),
                    pair(p.pcr_jitter_ms, p.pcr_jitter_max_ms),
                    (p.pcr_repetition_errors + p.pcr_discontinuity_errors).to_string(),
                ]);
            }
            write_aligned(out, &rows);
        }
    }
}

fn who(s: &StreamRecord<'_>) -> String {
    match s.group {
        Some(g) => format!("{g} from {}", s.source),
        None => format!("(no group) from {}", s.source),
    }
}

fn rate(bps: Option<f64>) -> String {
    match bps {
        Some(b) if b >= 1e6 => format!("{:.2} Mbit/s", b / 1e6),
        Some(b) => format!("{:.1} kbit/s", b / 1e3),
        None => "-".to_string(),
    }
}

/// The first two columns left-aligned, the rest right-aligned.
fn write_aligned<const N: usize>(out: &mut String, rows: &[[String; N]]) {
    let mut width = [0usize; N];
    for row in rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, (cell, &w)) in row.iter().zip(&width).enumerate() {
            if i == 0 {
                let _ = write!(line, "{cell:<w$}");
            } else if i == 1 {
                let _ = write!(line, "  {cell:<w$}");
            } else {
                let _ = write!(line, "  {cell:>w$}");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}
