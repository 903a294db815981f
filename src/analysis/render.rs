//! The analysis as records: a `summary` and periodic `stats` JSON objects
//! of the same shape, and aligned text for stderr. Not on the hot path, so
//! plain serde_json values and Strings.

use std::io::{self, Write};
use std::time::Instant;

use serde_json::{json, Map, Value};

use super::{pct, Analyzer, Stream, Totals};
use crate::output::Stamp;

/// Footnote under the text table whenever test streams are shown.
pub const CLOCK_NOTE: &str = "latency = receive time - send time: true only with synchronized \
clocks (negative: the sender's clock is ahead); jitter (RFC 3550) needs no synchronization";

fn ms(ns: f64) -> f64 {
    ns / 1e6
}

fn totals_json(t: &Totals, max_streams: usize) -> Map<String, Value> {
    let v = json!({
        "packets": t.packets,
        "bytes": t.bytes,
        "test_packets": t.test_packets,
        "foreign_packets": t.foreign_packets,
        "unmatched_packets": t.unmatched_packets,
        "streams": t.streams,
        "test_streams": t.test_streams,
        "foreign_streams": t.foreign_streams,
        "expected": t.expected,
        "lost": t.lost,
        "loss_pct": t.loss_pct(),
        "duplicates": t.duplicates,
        "reordered": t.reordered,
        "late": t.late,
        "corrupted": t.corrupted,
        "truncated": t.truncated,
        "restarts": t.restarts,
        "overflow_packets": t.overflow_packets,
        "overflow_bytes": t.overflow_bytes,
        "max_streams": max_streams,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl Analyzer {
    fn stream_json(&self, s: &Stream) -> Value {
        let group = s.key.group.and_then(|g| self.groups.get(g));
        let mut v = json!({
            "kind": if s.test.is_some() { "test" } else { "foreign" },
            "group": group.map(|g| g.addr.to_string()),
            "port": group.map(|g| g.port),
            "sender": s.sender().map(|id| format!("{id:016x}")),
            "source": s.source.ip().to_string(),
            "source_port": s.source.port(),
            "ttl": s.ttl,
            "received": s.received,
            "bytes": s.bytes,
            "first_time": Stamp::rfc3339(s.first_time).as_str(),
            "last_time": Stamp::rfc3339(s.last_time).as_str(),
            "duration_s": s.duration().as_secs_f64(),
            "rate_pps": s.rate_pps(),
            "rate_bps": s.rate_bps(),
        });
        if let Some(t) = &s.test {
            let q = &t.seq;
            let h = &t.latency;
            let extra = json!({
                "expected": q.expected(),
                "lost": q.lost(),
                "loss_pct": pct(q.lost(), q.expected()),
                "duplicates": q.duplicates,
                "reordered": q.reordered,
                "late": q.late,
                "corrupted": t.corrupted,
                "truncated": t.truncated,
                "restarts": q.restarts,
                "first_seq": q.first(),
                "last_seq": q.last(),
                "highest_seq": q.highest(),
                "latency": {
                    "samples": h.count(),
                    "min_ms": h.min().map(|n| ms(n as f64)),
                    "avg_ms": h.mean().map(ms),
                    "p50_ms": h.quantile(0.5).map(|n| ms(n as f64)),
                    "p99_ms": h.quantile(0.99).map(|n| ms(n as f64)),
                    "max_ms": h.max().map(|n| ms(n as f64)),
                    "jitter_ms": t.jitter.ns().map(ms),
                },
                "latency_clock": t.latency_clock(),
            });
            if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
                m.extend(e);
            }
        }
        v
    }

    fn record_json(&self, kind: &str, streams: Vec<Value>) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), kind.into());
        m.extend(totals_json(&self.totals(), self.max_streams));
        m.insert("streams".into(), streams.into());
        Value::Object(m)
    }

    /// `{"type":"summary", totals..., "streams":[...]}`. Callers may add
    /// fields (ending, elapsed) to the object.
    pub fn summary_json(&self) -> Value {
        let streams = self.streams.iter().map(|s| self.stream_json(s)).collect();
        self.record_json("summary", streams)
    }

    /// `{"type":"stats", ...}`: the summary's shape, plus `interval_s` and
    /// per stream an `interval` object with what changed since the previous
    /// stats record (or since the analyzer was made). Starts a new interval.
    pub fn stats_json(&mut self, now: Instant) -> Value {
        let secs = now.saturating_duration_since(self.mark).as_secs_f64();
        let streams = self
            .streams
            .iter()
            .map(|s| {
                let mut v = self.stream_json(s);
                let received = s.received - s.mark_received;
                let mut interval = json!({
                    "received": received,
                    "rate_pps": (secs > 0.0).then(|| received as f64 / secs),
                });
                if s.test.is_some() {
                    // Loss can shrink when late packets fill gaps: floor at 0.
                    interval["lost"] = json!(s.lost().saturating_sub(s.mark_lost));
                }
                v["interval"] = interval;
                v
            })
            .collect();
        let mut record = self.record_json("stats", streams);
        record["interval_s"] = json!(secs);
        self.take_interval(now);
        record
    }

    /// The summary as an aligned table, one row per stream, with a footnote
    /// on what latency and jitter mean.
    pub fn write_summary_text(&self, out: &mut impl Write) -> io::Result<()> {
        let t = self.totals();
        write!(
            out,
            "{} packets from {} streams ({} test, {} other)",
            t.packets, t.streams, t.test_streams, t.foreign_streams
        )?;
        match t.loss_pct() {
            Some(p) => writeln!(
                out,
                "; test packets lost: {} of {} ({p:.2}%)",
                t.lost, t.expected
            )?,
            None => writeln!(out)?,
        }
        if self.streams.is_empty() {
            return Ok(());
        }
        let mut rows = vec![HEADER.map(String::from)];
        rows.extend(self.streams.iter().map(|s| self.text_row(s)));
        write_table(out, &rows)?;
        if t.overflow_packets > 0 {
            writeln!(
                out,
                "{} packets ({} bytes) from streams beyond the first {} were counted but not analysed",
                t.overflow_packets, t.overflow_bytes, self.max_streams
            )?;
        }
        if t.test_streams > 0 {
            writeln!(out, "note: {CLOCK_NOTE}")?;
        }
        Ok(())
    }

    /// [`Analyzer::write_summary_text`] into a String.
    pub fn summary_text(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_summary_text(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn text_row(&self, s: &Stream) -> [String; COLUMNS] {
        let group = match s.key.group.and_then(|g| self.groups.get(g)) {
            Some(g) => g.to_string(),
            None => "(no group)".to_string(),
        };
        let who = match s.sender() {
            Some(id) => format!("{} #{id:016x}", s.source.ip()),
            None => s.source.ip().to_string(),
        };
        let dash = || "-".to_string();
        let Some(t) = &s.test else {
            let mut row: [String; COLUMNS] = std::array::from_fn(|_| dash());
            row[0] = group;
            row[1] = who;
            row[2] = s.received.to_string();
            return row;
        };
        let q = &t.seq;
        let h = &t.latency;
        let latency = match (h.min(), h.mean(), h.quantile(0.99)) {
            (Some(min), Some(avg), Some(p99)) => format!(
                "{:.3}/{:.3}/{:.3} ms",
                ms(min as f64),
                ms(avg),
                ms(p99 as f64)
            ),
            _ => dash(),
        };
        [
            group,
            who,
            s.received.to_string(),
            format!("{} ({:.2}%)", q.lost(), pct(q.lost(), q.expected())),
            q.duplicates.to_string(),
            q.reordered.to_string(),
            q.late.to_string(),
            t.corrupted.to_string(),
            latency,
            t.jitter
                .ns()
                .map_or_else(dash, |j| format!("{:.3} ms", ms(j))),
        ]
    }
}

const COLUMNS: usize = 10;
const HEADER: [&str; COLUMNS] = [
    "GROUP",
    "SOURCE/SENDER",
    "RECEIVED",
    "LOST",
    "DUP",
    "REORD",
    "LATE",
    "CORRUPT",
    "LATENCY MIN/AVG/P99",
    "JITTER",
];

/// The first two columns left-aligned, the rest right-aligned.
fn write_table(out: &mut impl Write, rows: &[[String; COLUMNS]]) -> io::Result<()> {
    let mut width = [0usize; COLUMNS];
    for row in rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, (cell, &w)) in row.iter().zip(&width).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(w - cell.chars().count());
            if i < 2 {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
