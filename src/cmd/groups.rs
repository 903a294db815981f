//! `mcast groups`: the memberships this host holds, from the kernel's
//! tables (`crate::host`), once or, with `--watch`, as they change.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::{GroupsConfig, Ui};
use crate::exit::Exit;
use crate::host::{self, Membership};
use crate::output::json::write_record;
use crate::platform::Family;
use crate::record::{MembershipRecord, Stamp};

pub fn run(cfg: GroupsConfig, ui: Ui) -> Result<Exit> {
    let mut table = read(&cfg)?;
    let mut out = io::stdout().lock();
    if cfg.json {
        for (m, v) in &table {
            write_record(&mut out, &MembershipRecord::new(m, v.as_deref(), None))?;
        }
    } else {
        out.write_all(render_table(&table).as_bytes())?;
    }
    out.flush()?;
    let Some(every) = cfg.watch else {
        return Ok(Exit::Success);
    };
    if !ui.quiet && !cfg.json {
        crate::say!(
            "watching for changes every {}{}; Ctrl-C to stop",
            humantime::format_duration(every),
            cfg.timeout
                .map(|t| format!(" for {}", humantime::format_duration(t)))
                .unwrap_or_default()
        )?;
    }
    let end = cfg.timeout.map(|t| Instant::now() + t);
    loop {
        if !sleep_until_next(every, end) {
            return Ok(Exit::Success);
        }
        let next = read(&cfg)?;
        for (change, m, v) in changes(&table, &next) {
            if cfg.json {
                write_record(
                    &mut out,
                    &MembershipRecord::new(m, v.as_deref(), Some(change)),
                )?;
            } else {
                let sign = match change {
                    "joined" => '+',
                    "left" => '-',
                    _ => '~',
                };
                writeln!(
                    out,
                    "{}  {sign} {change:<7} {}",
                    Stamp::rfc3339(crate::clock::now()).time_of_day(),
                    row(m, v.as_deref())
                )?;
            }
        }
        out.flush()?;
        table = next;
    }
}

/// Sleeps `every` in short steps so Ctrl-C and the deadline are honoured;
/// false when it is time to stop.
fn sleep_until_next(every: Duration, end: Option<Instant>) -> bool {
    let wake = Instant::now() + every;
    loop {
        let now = Instant::now();
        if crate::signals::stop_requested() || end.is_some_and(|e| now >= e) {
            return false;
        }
        if now >= wake {
            return true;
        }
        let mut step = (wake - now).min(Duration::from_millis(100));
        if let Some(e) = end {
            step = step.min(e.saturating_duration_since(now));
        }
        std::thread::sleep(step);
    }
}

/// Memberships the filters keep, each with the version spoken there.
fn read(cfg: &GroupsConfig) -> Result<Vec<(Membership, Option<String>)>> {
    let all = host::memberships().context("reading the host's memberships")?;
    let modes: BTreeMap<u32, Option<u8>> = host::igmp_modes()
        .unwrap_or_default()
        .into_iter()
        .map(|(i, _, m)| (i, m))
        .collect();
    Ok(all
        .into_iter()
        .filter(|m| cfg.iface.as_ref().is_none_or(|i| i.index == m.index))
        .filter(|m| cfg.groups.is_empty() || cfg.groups.contains(&m.group))
        .map(|m| {
            let v = version(&m, &modes);
            (m, v)
        })
        .collect())
}

/// The IGMP/MLD version in use on the membership's interface.
fn version(m: &Membership, modes: &BTreeMap<u32, Option<u8>>) -> Option<String> {
    match m.group {
        IpAddr::V4(_) => {
            let forced = host::forced_version(Family::V4, &m.iface);
            let mode = modes.get(&m.index).copied().flatten().or(forced)?;
            Some(match forced {
                Some(f) if f == mode => format!("IGMPv{mode} (forced)"),
                _ => format!("IGMPv{mode}"),
            })
        }
        // The kernel does not show which MLD version it speaks unless forced.
        IpAddr::V6(_) => {
            host::forced_version(Family::V6, &m.iface).map(|f| format!("MLDv{f} (forced)"))
        }
    }
}

type Row = (Membership, Option<String>);

/// What changed between two readings, in table order.
fn changes<'a>(
    old: &'a [Row],
    new: &'a [Row],
) -> Vec<(&'static str, &'a Membership, &'a Option<String>)> {
    let key = |m: &Membership| (m.index, m.group);
    let old_by: BTreeMap<_, &Row> = old.iter().map(|r| (key(&r.0), r)).collect();
    let new_by: BTreeMap<_, &Row> = new.iter().map(|r| (key(&r.0), r)).collect();
    let mut out = Vec::new();
    for (k, r) in &new_by {
        match old_by.get(k) {
            None => out.push(("joined", &r.0, &r.1)),
            Some(o) if o.0 != r.0 || o.1 != r.1 => out.push(("changed", &r.0, &r.1)),
            Some(_) => {}
        }
    }
    for (k, r) in &old_by {
        if !new_by.contains_key(k) {
            out.push(("left", &r.0, &r.1));
        }
    }
    out
}

const HEADER: &str = "IFACE            GROUP                                    MODE         USERS  VERSION       SOURCES";

fn row(m: &Membership, version: Option<&str>) -> String {
    let iface = format!("{} ({})", crate::escape::name(&m.iface), m.index);
    let sources: Vec<String> = m.filter.sources().iter().map(|s| s.to_string()).collect();
    let version = match (version, m.group) {
        (Some(v), _) => v.to_string(),
        (None, IpAddr::V6(_)) => "MLD".to_string(),
        (None, IpAddr::V4(_)) => "-".to_string(),
    };
    format!(
        "{iface:<16} {:<40} {:<12} {:>5}  {version:<13} {}",
        m.group.to_string(),
        m.filter.mode(),
        m.users,
        if sources.is_empty() {
            "-".to_string()
        } else {
            sources.join(", ")
        }
    )
    .trim_end()
    .to_string()
}

/// The whole table, or one line saying there is nothing.
fn render_table(rows: &[Row]) -> String {
    if rows.is_empty() {
        return "no multicast memberships match\n".to_string();
    }
    let mut s = String::from(HEADER);
    s.push('\n');
    for (m, v) in rows {
        s.push_str(&row(m, v.as_deref()));
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Filter;

    fn m(index: u32, group: &str, filter: Filter) -> Row {
        (
            Membership {
                index,
                iface: "mc1".into(),
                group: group.parse().unwrap(),
                users: 1,
                filter,
            },
            Some("IGMPv3".into()),
        )
    }

    #[test]
    fn changes_between_readings() {
        let a = vec![
            m(2, "239.1.1.1", Filter::Any),
            m(2, "239.1.1.2", Filter::Any),
        ];
        let b = vec![
            m(
                2,
                "239.1.1.1",
                Filter::Include(vec!["192.0.2.9".parse().unwrap()]),
            ),
            m(2, "239.1.1.3", Filter::Any),
        ];
        let c: Vec<_> = changes(&a, &b)
            .into_iter()
            .map(|(what, m, _)| (what, m.group.to_string()))
            .collect();
        assert_eq!(
            c,
            vec![
                ("changed", "239.1.1.1".to_string()),
                ("joined", "239.1.1.3".to_string()),
                ("left", "239.1.1.2".to_string())
            ]
        );
        assert!(changes(&a, &a).is_empty());
    }

    #[test]
    fn table_rows() {
        let rows = vec![m(
            2,
            "232.1.1.1",
            Filter::Include(vec!["192.0.2.9".parse().unwrap()]),
        )];
        let text = render_table(&rows);
        assert!(text.starts_with("IFACE"));
        assert!(text.contains("mc1 (2)"), "{text}");
        assert!(text.contains("232.1.1.1") && text.contains("SSM") && text.contains("192.0.2.9"));
        assert_eq!(render_table(&[]), "no multicast memberships match\n");
    }
}
