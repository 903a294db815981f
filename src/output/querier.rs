//! `mcast querier` as text: one line per query or report as it arrives,
//! then a block per interface and family with the verdicts. Addresses and
//! names from the network are escaped (interface names may hold anything).

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::querier::wire::{Query, Report};
use crate::querier::{Event, EventKind};
use crate::record::{QuerierSummary, Stamp};

/// One event: `12:00:01.123456  eth0  IGMPv3 general query from ...`.
pub fn event_line(e: &Event, iface: &str) -> String {
    let mut s = format!(
        "{}  {:<10} ",
        Stamp::rfc3339(e.time).time_of_day(),
        crate::escape::name(iface)
    );
    match &e.kind {
        EventKind::Query(q) => query_text(&mut s, q, e.source),
        EventKind::Report { report, own } => report_text(&mut s, report, e.source, *own),
    }
    s
}

fn query_text(s: &mut String, q: &Query, from: IpAddr) {
    let _ = write!(s, "{} ", q.version.name());
    match (q.group, q.sources) {
        (None, _) => s.push_str("general query"),
        (Some(g), 0) => {
            let _ = write!(s, "query for {g}");
        }
        (Some(g), n) => {
            let _ = write!(s, "query for {g} and {n} source{}", plural(n.into()));
        }
    }
    let _ = write!(
        s,
        " from {from}: max response {}",
        secs(q.max_resp.as_millis())
    );
    if let Some(qqi) = q.qqi {
        let _ = write!(s, ", interval {} s", qqi.as_secs());
    }
    if let Some(qrv) = q.qrv {
        let _ = write!(s, ", robustness {qrv}");
    }
}

fn report_text(s: &mut String, r: &Report, from: IpAddr, own: bool) {
    let leave = r.groups.iter().all(|g| g.record.is_leave()) && !r.groups.is_empty();
    let _ = write!(
        s,
        "{} {} from {from}{}:",
        r.version.name(),
        if leave { "leave" } else { "report" },
        if own { " (this host)" } else { "" }
    );
    for (i, g) in r.groups.iter().enumerate() {
        let _ = write!(
            s,
            "{} {} {}",
            if i == 0 { "" } else { "," },
            g.group,
            g.record.name()
        );
        if g.sources > 0 {
            let _ = write!(s, " ({} source{})", g.sources, plural(g.sources.into()));
        }
    }
    if r.total > r.groups.len() {
        let _ = write!(s, " and {} more", r.total - r.groups.len());
    }
    if r.total == 0 {
        s.push_str(" no groups");
    }
}

/// The block of one interface and family.
pub fn summary_text(sum: &QuerierSummary<'_>) -> String {
    let mut s = format!(
        "{} {}: ",
        crate::escape::name(sum.iface),
        if sum.family == "IPv4" {
            "IPv4 (IGMP)"
        } else {
            "IPv6 (MLD)"
        }
    );
    if sum.evidence == "counters" {
        s.push_str("from the kernel's counters only (weaker evidence)");
    } else {
        match (sum.querier, sum.version) {
            (Some(q), Some(v)) => {
                let _ = write!(s, "querier {q}, {v}");
                if let Some(i) = sum.interval_s {
                    let _ = write!(s, ", interval {}", secs((i * 1000.0) as u128));
                }
                if let Some(m) = sum.measured_interval_s {
                    let _ = write!(s, " (measured {m:.1} s)");
                }
                if let Some(r) = sum.qrv {
                    let _ = write!(s, ", robustness {r}");
                }
                if let Some(m) = sum.max_resp_ms {
                    let _ = write!(s, ", max response {}", secs(m.into()));
                }
                if let Some(a) = sum.last_query_age_s {
                    let _ = write!(s, ", last query {a:.1} s ago");
                }
                let _ = write!(
                    s,
                    ", {} quer{}",
                    sum.queries,
                    if sum.queries == 1 { "y" } else { "ies" }
                );
            }
            _ => s.push_str("no querier seen"),
        }
        match sum.reports_out {
            Some(n) => {
                let _ = write!(s, "; this host sent {n} report{}", plural(n));
            }
            None => s.push_str("; this host's own reports cannot be seen here"),
        }
    }
    s.push('\n');
    for r in &sum.reporters {
        let groups: Vec<String> = r.groups.iter().map(|g| g.to_string()).collect();
        let _ = writeln!(
            s,
            "  {} reported {}",
            r.host,
            if groups.is_empty() {
                "no group".to_string()
            } else {
                groups.join(", ")
            }
        );
    }
    for v in &sum.verdicts {
        let _ = writeln!(s, "  {}: {}", v.level, v.text);
    }
    s
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Milliseconds as seconds: `5 s`, `0.5 s`.
fn secs(ms: u128) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}
