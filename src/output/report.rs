//! Human-readable reports on stderr: the per-stream table (`stats` and
//! `summary` in text), the end-of-run summary, and `join`'s live view.
//! Not on the hot path, so plain Strings.

use std::fmt::Write as _;

use crate::analysis::GroupView;
use crate::config::Group;
use crate::record::{Analysis, Stats, StreamRecord, Summary};
use crate::recv::Ending;

/// Footnote under the stream table whenever test streams are shown.
pub const CLOCK_NOTE: &str = "latency = receive time - send time: true only with synchronized \
clocks (negative: the sender's clock is ahead); jitter (RFC 3550) needs no synchronization";

/// `stats` in text: the stream table as it stands.
pub fn stats_text(stats: &Stats<'_>) -> String {
    let mut s = String::new();
    write_streams(&mut s, &stats.analysis);
    s
}

/// The summary: per group, then per stream when anything arrived, then
/// what the kernel and the other interfaces say.
pub fn summary_text(summary: &Summary<'_>) -> String {
    let a = &summary.analysis;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} packets in {:.2} s ({}); {} of {} groups received nothing",
        a.packets,
        summary.elapsed_s,
        ending_text(summary.ending),
        summary.silent_groups,
        summary.groups.len()
    );
    let _ = writeln!(
        s,
        "{:<40} {:>9} {:>11} {:>12}  LAST SOURCE",
        "GROUP", "PACKETS", "BYTES", "FIRST AFTER"
    );
    for g in &summary.groups {
        let first = g
            .first_after_ms
            .map_or_else(|| "-".to_string(), |ms| format!("{ms:.1} ms"));
        let last = g
            .last_source
            .map_or_else(|| "-".to_string(), |a| a.to_string());
        let _ = writeln!(
            s,
            "{:<40} {:>9} {:>11} {:>12}  {}",
            g.group.0.to_string(),
            g.packets,
            g.bytes,
            first,
            last
        );
    }
    for g in &summary.silences {
        let _ = writeln!(
            s,
            "{} went silent {} (longest that ended: {}){}",
            g.group.0,
            super::phrases::plural(g.count as usize, "time"),
            super::phrases::secs_text(g.longest_s),
            if g.silent_at_end {
                "; still silent at the end"
            } else {
                ""
            }
        );
    }
    if a.unmatched_packets > 0 {
        let _ = writeln!(
            s,
            "{} packets matched no group (unicast to the port?)",
            a.unmatched_packets
        );
    }
    if a.packets > 0 {
        write_streams(&mut s, a);
    }
    if summary.other_iface_packets > 0 {
        let _ = writeln!(
            s,
            "{} packets for these groups arrived on other interfaces and were ignored \
             (another socket on this host joined them there)",
            summary.other_iface_packets
        );
    }
    if summary.kernel_drops.is_none() {
        let _ = writeln!(
            s,
            "kernel drops (receive queue full): not available on this OS"
        );
    }
    if let Some(drops) = summary.kernel_drops.filter(|&d| d > 0) {
        let _ = writeln!(
            s,
            "the kernel dropped {drops} packets before mcast read them (receive queue full; \
             buffer {} bytes): host overload, not network loss; try a larger --rcvbuf",
            summary.rcvbuf
        );
        if let (Some(lost), Some(pct)) = (summary.network_lost, summary.network_loss_pct) {
            let _ = writeln!(
                s,
                "lost in the network (gaps less kernel drops): {lost} ({pct:.2}%)"
            );
        }
    }
    s
}

pub fn ending_text(e: Ending) -> &'static str {
    match e {
        Ending::Count => "count reached",
        Ending::Timeout => "timed out",
        Ending::Duration => "duration over",
        Ending::Interrupted => "interrupted",
        Ending::Asked => "ended by the command",
    }
}

/// The streams as an aligned table, one row per stream, with a footnote
/// on what latency and jitter mean.
fn write_streams(out: &mut String, a: &Analysis<'_>) {
    let _ = write!(
        out,
        "{} packets from {} streams ({} test, {} other)",
        a.packets,
        a.streams.len(),
        a.test_streams,
        a.foreign_streams
    );
    let f = &a.figures;
    let _ = match f.loss_pct {
        Some(p) => writeln!(
            out,
            "; test packets lost: {} of {} ({p:.2}%)",
            f.lost, f.expected
        ),
        None => writeln!(out),
    };
    if a.streams.is_empty() {
        return;
    }
    let mut rows = vec![HEADER.map(String::from)];
    rows.extend(a.streams.iter().map(text_row));
    write_table(out, &rows);
    if a.overflow_packets > 0 {
        let _ = writeln!(
            out,
            "{} packets ({} bytes) from streams beyond the first {} were counted but not analysed",
            a.overflow_packets, a.overflow_bytes, a.max_streams
        );
    }
    if a.test_streams > 0 {
        let _ = writeln!(out, "note: {CLOCK_NOTE}");
    }
    super::media_report::write_media(out, a);
}

fn text_row(s: &StreamRecord<'_>) -> [String; COLUMNS] {
    let group = match s.group {
        Some(g) => g.to_string(),
        None => "(no group)".to_string(),
    };
    let who = match s.sender {
        Some(id) => format!("{} #{id}", s.source),
        None => s.source.to_string(),
    };
    let dash = || "-".to_string();
    let Some(t) = &s.test else {
        let mut row: [String; COLUMNS] = std::array::from_fn(|_| dash());
        row[0] = group;
        row[1] = who;
        row[2] = s.received.to_string();
        if let Some(r) = &s.rtp {
            // RTP's own sequence numbers give the same figures.
            row[3] = format!("{} ({:.2}%)", r.lost, r.loss_pct);
            row[4] = r.duplicates.to_string();
            row[5] = r.reordered.to_string();
            row[6] = r.late.to_string();
            row[9] = r.jitter_ms.map_or_else(dash, |j| format!("{j:.3} ms"));
        }
        return row;
    };
    let l = &t.latency;
    let f = &t.figures;
    let latency = match (l.min_ms, l.avg_ms, l.p99_ms) {
        (Some(min), Some(avg), Some(p99)) => format!("{min:.3}/{avg:.3}/{p99:.3} ms"),
        _ => dash(),
    };
    [
        group,
        who,
        s.received.to_string(),
        format!("{} ({:.2}%)", f.lost, f.loss_pct),
        f.duplicates.to_string(),
        f.reordered.to_string(),
        f.late.to_string(),
        f.corrupted.to_string(),
        latency,
        l.jitter_ms.map_or_else(dash, |j| format!("{j:.3} ms")),
    ]
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
fn write_table(out: &mut String, rows: &[[String; COLUMNS]]) {
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
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Rows in `join`'s live view; beyond this the busiest groups are shown.
const LIVE_ROWS: usize = 20;

/// `join`'s live view: a header, a row per group (the busiest when there
/// are many), and a line on the rest.
pub fn live_table(groups: &[Group], views: &[GroupView], rates: &[f64]) -> Vec<String> {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    if order.len() > LIVE_ROWS {
        // Busiest first, so a large join still shows what is flowing.
        order.sort_by(|&a, &b| rates[b].total_cmp(&rates[a]).then(a.cmp(&b)));
    }
    let mut lines = vec![format!(
        "{:<40} {:>9} {:>9} {:>8}  {:<40} {:>3}",
        "GROUP", "PACKETS", "RATE/s", "LOSS", "LAST SOURCE", "TTL"
    )];
    for &i in order.iter().take(LIVE_ROWS) {
        let v = &views[i];
        let dash = || "-".to_string();
        lines.push(format!(
            "{:<40} {:>9} {:>9.1} {:>8}  {:<40} {:>3}",
            groups[i].to_string(),
            v.packets,
            rates[i],
            v.loss_pct.map_or_else(dash, |p| format!("{p:.1}%")),
            v.last_source.map_or_else(dash, |a| a.to_string()),
            v.last_ttl.map_or_else(dash, |t| t.to_string()),
        ));
    }
    if groups.len() > LIVE_ROWS {
        let receiving = views.iter().filter(|v| v.packets > 0).count();
        lines.push(format!(
            "... {} more groups; {receiving} of {} receiving, {:.1} packets/s in all",
            groups.len() - LIVE_ROWS,
            groups.len(),
            rates.iter().sum::<f64>()
        ));
    }
    lines
}
