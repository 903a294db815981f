//! Text for `mcast ifaces` (a table) and `mcast doctor` (one line per
//! check). Names and details are escaped: interface names come from the
//! OS, and the firewall's rules from its tools.

use std::fmt::Write as _;

use crate::doctor::{Check, Status};
use crate::escape;
use crate::record::{DoctorSummary, Interface, MulticastRoute};

/// The interface table, then one line per family's default route.
pub fn ifaces_text(rows: &[Interface<'_>], routes: &[MulticastRoute<'_>]) -> String {
    let names: Vec<String> = rows
        .iter()
        .map(|r| match r.alias {
            Some(a) => format!("{} ({})", escape::name(r.name), escape::name(a)),
            None => escape::name(r.name).into_owned(),
        })
        .collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:>5}  {:<width$}  {:<12}  {:<9}  {:>5}  {:<9}  ADDRESSES",
        "INDEX", "NAME", "STATE", "MULTICAST", "MTU", "DEFAULT"
    );
    for (r, name) in rows.iter().zip(&names) {
        let state = match (r.up, r.running) {
            (true, true) => "up,running",
            (true, false) => "up,no-carrier",
            (false, _) => "down",
        };
        let mtu = r.mtu.map_or_else(|| "-".to_string(), |m| m.to_string());
        let default = if r.default_for.is_empty() {
            "-".to_string()
        } else {
            r.default_for.join(",")
        };
        let addrs: Vec<String> = r
            .addrs
            .iter()
            .map(|a| match a.prefix {
                Some(p) => format!("{}/{p}", a.addr),
                None => a.addr.to_string(),
            })
            .collect();
        let addrs = if addrs.is_empty() {
            "-".to_string()
        } else {
            addrs.join(" ")
        };
        let _ = writeln!(
            s,
            "{:>5}  {:<width$}  {:<12}  {:<9}  {:>5}  {:<9}  {addrs}",
            r.index,
            name,
            state,
            if r.multicast { "yes" } else { "no" },
            mtu,
            default
        );
    }
    for r in routes {
        let _ = match (r.iface, r.index, r.source, r.error) {
            (Some(name), Some(index), Some(src), _) => writeln!(
                s,
                "{} multicast ({}) leaves by default via {} (index {index}), source {src}",
                r.family,
                r.group,
                escape::name(name)
            ),
            (_, _, Some(src), _) => writeln!(
                s,
                "{} multicast ({}) is routed from {src}, an address no interface holds",
                r.family, r.group
            ),
            (_, _, None, error) => writeln!(
                s,
                "{} multicast ({}) has no route: programs must name an interface ({})",
                r.family,
                r.group,
                escape::controls(error.unwrap_or("no route"))
            ),
        };
    }
    s
}

/// One check: status, name, the sentence, and the fix on its own line.
pub fn check_text(c: &Check, color: bool) -> String {
    let (label, code) = match c.status {
        Status::Ok => ("ok", "32"),
        Status::Warning => ("warning", "33"),
        Status::Problem => ("PROBLEM", "31"),
        Status::Skipped => ("skipped", "2"),
    };
    let padded = format!("{label:<8}");
    let label = if color {
        format!("\x1b[{code}m{padded}\x1b[0m")
    } else {
        padded
    };
    let mut s = format!("{label} {:<13} {}\n", c.name, escape::controls(&c.detail));
    if let Some(fix) = &c.fix {
        let _ = writeln!(s, "{:<22} fix: {}", "", escape::controls(fix));
    }
    s
}

/// The closing line.
pub fn doctor_summary_text(sum: &DoctorSummary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let verdict = match sum.status {
        "problem" => "multicast will not work as asked until the problems are fixed",
        "warning" => "no problem found; read the warnings",
        _ => "no problem found",
    };
    format!(
        "doctor: {}, {}, {}, {} skipped: {verdict}\n",
        plural(sum.ok, "ok", "ok"),
        plural(sum.warnings, "warning", "warnings"),
        plural(sum.problems, "problem", "problems"),
        sum.skipped
    )
}
