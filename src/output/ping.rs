//! `mcast ping`'s output: a line per reply like ping(8), or a JSON record;
//! then a table per responder (or `responder` records).

use std::io::{self, Write};

use crate::ping::tally::{Path, ResponderTally};
use crate::ping::{ReplyEvent, ReplyOut};
use crate::record::ping::{MeshPair, MeshPath, PathRecord, ReplyRecord, ResponderRecord, Rtt};

/// Reply lines or records, buffered until the sockets are drained.
pub struct Replies<W: Write> {
    pub out: W,
    pub json: bool,
}

/// A number, or `?` when unknown.
struct Opt(Option<u8>);

impl std::fmt::Display for Opt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(v) => write!(f, "{v}"),
            None => f.write_str("?"),
        }
    }
}

fn opt(v: Option<u8>) -> Opt {
    Opt(v)
}

impl<W: Write> ReplyOut for Replies<W> {
    fn reply(&mut self, e: &ReplyEvent<'_>) -> io::Result<()> {
        if self.json {
            serde_json::to_writer(&mut self.out, &ReplyRecord::new(e))?;
            return self.out.write_all(b"\n");
        }
        let h = &e.heard;
        write!(self.out, "{} bytes from {}", e.bytes, e.from.ip())?;
        if !h.name.is_empty() {
            // Escaped straight into the buffer: nothing allocated per reply.
            self.out.write_all(b" ")?;
            crate::escape::write_escaped(&mut self.out, h.name, usize::MAX)?;
        }
        write!(
            self.out,
            ": {} seq={} ttl={} hops={}/{}",
            h.path.as_str(),
            h.seq,
            opt(e.ttl),
            opt(h.hops_out),
            opt(h.hops_back),
        )?;
        if let Some(ns) = h.rtt_ns {
            write!(self.out, " time={:.3} ms", ns as f64 / 1e6)?;
        }
        if e.duplicate {
            self.out.write_all(b" (DUP!)")?;
        }
        self.out.write_all(b"\n")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn rtt_text(r: Option<Rtt>) -> String {
    r.map_or_else(
        || "-".to_string(),
        |r| {
            format!(
                "{:.3}/{:.3}/{:.3}/{:.3}/{:.3}/{:.3}",
                r.min, r.avg, r.p50, r.p99, r.max, r.stddev
            )
        },
    )
}

/// The per-responder table (text) or records (JSON).
pub fn responders(
    out: &mut impl Write,
    json: bool,
    list: &[ResponderTally],
    sent: u64,
) -> io::Result<()> {
    if json {
        for r in list {
            serde_json::to_writer(&mut *out, &ResponderRecord::new(r, sent))?;
            out.write_all(b"\n")?;
        }
        return Ok(());
    }
    if list.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{:<40} {:<16} {:<9} {:>5} {:>7} {:>4} {:>9}  RTT MIN/AVG/P50/P99/MAX/STDDEV ms",
        "RESPONDER", "NAME", "PATH", "RECV", "LOSS", "DUP", "HOPS O/B"
    )?;
    for r in list {
        for (k, path) in [Path::Multicast, Path::Unicast].into_iter().enumerate() {
            let p = PathRecord::new(r.path(path), sent);
            let (who, name) = if k == 0 {
                (
                    format!("{} #{:016x}", r.addr, r.id),
                    crate::escape::escaped(&r.name),
                )
            } else {
                (String::new(), String::new())
            };
            writeln!(
                out,
                "{who:<40} {name:<16} {:<9} {:>5} {:>6.1}% {:>4} {:>9}  {}",
                path.as_str(),
                p.received,
                p.loss_pct,
                p.duplicates,
                format!("{}/{}", opt(p.hops_out), opt(p.hops_back)),
                rtt_text(p.rtt_ms),
            )?;
        }
    }
    Ok(())
}

/// A mesh cell as text: `M 0% 0.120` (multicast loss and mean RTT in ms)
/// and `U 0% 0.100` (unicast) where the prober's own figures are known;
/// `none` when no probe got through. Marked by origin: nothing for this
/// host's own probes, `[r]` reported by the prober, `[h]` heard here
/// (counts only).
pub fn mesh_cell(pair: &MeshPair) -> String {
    fn path(tag: &str, p: &MeshPath) -> String {
        if p.received == 0 {
            return format!("{tag} none");
        }
        match p.rtt_ms {
            Some(r) => format!("{tag} {:.0}% {:.3}", p.loss_pct, r.avg),
            None => format!("{tag} {:.0}%", p.loss_pct),
        }
    }
    let mut text = path("M", &pair.multicast);
    if let Some(u) = &pair.unicast {
        text.push_str("  ");
        text.push_str(&path("U", u));
    }
    match pair.seen {
        "own probes" => {}
        "reported" => text.push_str(" [r]"),
        _ => text.push_str(" [h]"),
    }
    text
}

/// The who-reached-whom matrix: rows probe, columns answer.
pub fn mesh_matrix(out: &mut impl Write, labels: &[String], pairs: &[MeshPair]) -> io::Result<()> {
    let n = labels.len();
    let mut cells = vec![vec!["-".to_string(); n]; n];
    for p in pairs {
        let (Some(i), Some(j)) = (
            labels.iter().position(|l| *l == p.from),
            labels.iter().position(|l| *l == p.to),
        ) else {
            continue;
        };
        cells[i][j] = mesh_cell(p);
    }
    let first = labels.iter().map(String::len).max().unwrap_or(0).max(9);
    let widths: Vec<usize> = (0..n)
        .map(|j| {
            cells
                .iter()
                .map(|row| row[j].len())
                .chain([labels[j].len()])
                .max()
                .unwrap_or(1)
        })
        .collect();
    let line = |head: &str, row: &[String]| {
        let mut text = format!("{head:<first$}");
        for (j, c) in row.iter().enumerate() {
            text.push_str(&format!("  {:<w$}", c, w = widths[j]));
        }
        text.trim_end().to_string()
    };
    writeln!(out, "{}", line("FROM \\ TO", labels))?;
    for (i, row) in cells.iter().enumerate() {
        writeln!(out, "{}", line(&labels[i], row))?;
    }
    writeln!(
        out,
        "M: multicast, U: unicast: loss and mean RTT in ms; rows probe, columns answer; \
         [r] reported by the row's host, [h] heard here (counts only), unmarked: this host's probes"
    )
}
