//! `mcast querier`: watch IGMP/MLD queries and reports for `--timeout`,
//! print each as it comes, then judge every link and family. Exit 0 when a
//! querier was seen, 1 when none was. Without CAP_NET_RAW, falls back to
//! the kernel's tables (weaker evidence, labelled so).

use std::io::{self, Write};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::{Iface, QuerierConfig, Ui};
use crate::exit::Exit;
use crate::host;
use crate::output::json::write_record;
use crate::output::querier::{event_line, summary_text};
use crate::platform::{self, Errno, Family};
use crate::querier::state::{verdicts, HostFacts, Level, LinkKey, State, Verdict};
use crate::querier::Watch;
use crate::record::{EventRecord, QuerierSummary};

/// How often the loop looks at Ctrl-C and the deadline.
const TICK: Duration = Duration::from_millis(250);

pub fn run(cfg: QuerierConfig, ui: Ui) -> Result<Exit> {
    let watch = match Watch::open(&cfg.families, cfg.iface.as_ref().map(|i| i.index)) {
        Ok(w) => w,
        Err(e) if platform::errno(&e) == Some(Errno::PermissionDenied) => {
            crate::say!(
                "mcast: no CAP_NET_RAW (run as root to see queries): showing the kernel's own \
                 view instead, which is weaker evidence"
            )?;
            return fallback(&cfg, ui);
        }
        Err(e) => return Err(e).context("opening a raw socket to watch IGMP/MLD"),
    };
    watched(cfg, ui, watch)
}

fn proto_names(families: &[Family]) -> &'static str {
    match families {
        [Family::V4] => "IGMP",
        [Family::V6] => "MLD",
        _ => "IGMP and MLD",
    }
}

fn where_(cfg: &QuerierConfig) -> String {
    match &cfg.iface {
        Some(i) => format!("on {i}"),
        None => "on every interface".to_string(),
    }
}

fn watched(cfg: QuerierConfig, ui: Ui, mut watch: Watch) -> Result<Exit> {
    if !ui.quiet {
        crate::say!(
            "watching {} {} for {}; Ctrl-C to stop early",
            proto_names(&cfg.families),
            where_(&cfg),
            humantime::format_duration(cfg.timeout)
        )?;
        if let Some(e) = &watch.tap_error {
            crate::say!("mcast: this host's own reports cannot be seen: {e}")?;
        }
    }
    let mut state = State::default();
    for link in &cfg.links {
        for &family in &cfg.families {
            state.expect(
                LinkKey {
                    ifindex: link.index,
                    family,
                },
                &link.name,
            );
        }
    }
    let start = Instant::now();
    let end = start + cfg.timeout;
    let mut out = io::stdout().lock();
    loop {
        let now = Instant::now();
        if now >= end || crate::signals::stop_requested() {
            break;
        }
        let Some(e) = watch.next(TICK.min(end - now))? else {
            continue;
        };
        state.apply(&e, name_of);
        let key = LinkKey {
            ifindex: e.ifindex,
            family: e.family,
        };
        let iface = state.links.get(&key).map_or("?", |l| l.iface.as_str());
        if cfg.json {
            write_record(&mut out, &EventRecord::new(&e, iface))?;
        } else {
            writeln!(out, "{}", event_line(&e, iface))?;
        }
        out.flush()?;
    }
    let now = Instant::now();
    let waited = now.saturating_duration_since(start);
    let held = host::memberships().unwrap_or_default();
    if !cfg.json && !state.links.is_empty() {
        writeln!(out)?;
    }
    for (key, link) in &state.links {
        if !cfg.families.contains(&key.family) {
            continue;
        }
        let facts = HostFacts {
            forced: host::forced_version(key.family, &link.iface),
            groups_held: held
                .iter()
                .filter(|m| m.index == key.ifindex && must_report(m.group, key.family))
                .count(),
            sees_reports: watch.sees_reports(),
        };
        let v = verdicts(*key, link, &facts, waited, now);
        let sum = QuerierSummary::new(*key, link, &facts, &v, now);
        if cfg.json {
            write_record(&mut out, &sum)?;
        } else {
            out.write_all(summary_text(&sum).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(if state.querier_seen() {
        Exit::Success
    } else {
        Exit::NotDelivered
    })
}

fn name_of(index: u32) -> String {
    platform::if_name(index).unwrap_or_else(|| format!("#{index}"))
}

/// Groups a host reports when asked: IGMP never reports 224.0.0.1, MLD
/// never ff02::1 nor node-local (scope 1) groups.
fn must_report(group: IpAddr, family: Family) -> bool {
    match (group, family) {
        (IpAddr::V4(g), Family::V4) => g != std::net::Ipv4Addr::new(224, 0, 0, 1),
        (IpAddr::V6(g), Family::V6) => {
            let scope = g.segments()[0] & 0x000f;
            scope > 1 && g != std::net::Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1)
        }
        _ => false,
    }
}

/// Without CAP_NET_RAW: the IGMP version the kernel fell back to (it
/// does so only after hearing an older querier) and the MLD query
/// counter of each interface, watched for `--timeout`.
fn fallback(cfg: &QuerierConfig, ui: Ui) -> Result<Exit> {
    let want_v4 = cfg.families.contains(&Family::V4);
    let want_v6 = cfg.families.contains(&Family::V6);
    let modes = if want_v4 {
        host::igmp_modes().context("reading /proc/net/igmp")?
    } else {
        Vec::new()
    };
    let counter = |link: &Iface| host::mld_queries_in(&link.name);
    let before: Vec<Option<u64>> = cfg.links.iter().map(counter).collect();
    let start = Instant::now();
    let end = start + cfg.timeout;
    let mut after = before.clone();
    if want_v6 {
        if !ui.quiet {
            crate::say!(
                "counting MLD queries {} for {}; Ctrl-C to stop early",
                where_(cfg),
                humantime::format_duration(cfg.timeout)
            )?;
        }
        loop {
            after = cfg.links.iter().map(counter).collect();
            let all_rose = before.iter().zip(&after).all(|(b, a)| a > b);
            let now = Instant::now();
            if all_rose || now >= end || crate::signals::stop_requested() {
                break;
            }
            std::thread::sleep(TICK.min(end - now));
        }
    }
    let waited = start.elapsed();
    let mut seen = false;
    let mut out = io::stdout().lock();
    for (i, link) in cfg.links.iter().enumerate() {
        if want_v4 {
            let mode = modes.iter().find(|m| m.0 == link.index).and_then(|m| m.2);
            let forced = host::forced_version(Family::V4, &link.name);
            let (v, querier) = igmp_mode_verdict(&link.name, mode, forced);
            seen |= querier;
            emit(&mut out, cfg.json, Family::V4, &link.name, &[v])?;
        }
        if want_v6 {
            let (v, querier) = mld_counter_verdict(&link.name, before[i], after[i], waited);
            seen |= querier;
            emit(&mut out, cfg.json, Family::V6, &link.name, &[v])?;
        }
    }
    out.flush()?;
    Ok(if seen {
        Exit::Success
    } else {
        Exit::NotDelivered
    })
}

fn emit(
    out: &mut impl Write,
    json: bool,
    family: Family,
    iface: &str,
    v: &[Verdict],
) -> Result<()> {
    let sum = QuerierSummary::from_counters(family, iface, v);
    if json {
        write_record(out, &sum)?;
    } else {
        out.write_all(summary_text(&sum).as_bytes())?;
    }
    Ok(())
}

/// What `/proc/net/igmp`'s compatibility mode says; true when it proves
/// a querier.
pub fn igmp_mode_verdict(iface: &str, mode: Option<u8>, forced: Option<u8>) -> (Verdict, bool) {
    let name = crate::escape::name(iface);
    match (mode, forced) {
        (Some(m), Some(f)) if m == f => (
            Verdict {
                level: Level::Warning,
                text: format!(
                    "the kernel speaks IGMPv{m} on {name} because it is forced to \
                     (force_igmp_version={f}); whether a querier is there needs root to see"
                ),
            },
            false,
        ),
        (Some(m @ (1 | 2)), _) => (
            Verdict {
                level: Level::Ok,
                text: format!(
                    "an IGMPv{m} querier was heard on {name} recently: the kernel fell back to \
                     IGMPv{m} there (/proc/net/igmp; weaker evidence: no address or interval)"
                ),
            },
            true,
        ),
        (Some(m), _) => (
            Verdict {
                level: Level::Warning,
                text: format!(
                    "the kernel speaks IGMPv{m} on {name}: an IGMPv3 querier or none at all \
                     (/proc/net/igmp cannot tell; run as root to see queries)"
                ),
            },
            false,
        ),
        (None, _) => (
            Verdict {
                level: Level::Warning,
                text: format!("{name} is not in /proc/net/igmp: no IPv4 multicast there"),
            },
            false,
        ),
    }
}

/// What the interface's MLD query counter says over the wait; true when
/// it proves a querier.
pub fn mld_counter_verdict(
    iface: &str,
    before: Option<u64>,
    after: Option<u64>,
    waited: Duration,
) -> (Verdict, bool) {
    let name = crate::escape::name(iface);
    let secs = waited.as_secs_f64().round() as u64;
    match (before, after) {
        (Some(b), Some(a)) if a > b => (
            Verdict {
                level: Level::Ok,
                text: format!(
                    "{} MLD quer{} arrived on {name} in {secs} s (counter \
                     Icmp6InGroupMembQueries; weaker evidence: no querier address or version)",
                    a - b,
                    if a - b == 1 { "y" } else { "ies" }
                ),
            },
            true,
        ),
        (Some(b), Some(_)) => (
            Verdict {
                level: Level::Problem,
                text: format!(
                    "no MLD query counted on {name} in {secs} s ({b} since the interface came \
                     up): no querier reaches this host, so snooping switches will stop \
                     forwarding about 260 s after the last report"
                ),
            },
            false,
        ),
        _ => (
            Verdict {
                level: Level::Warning,
                text: format!("no MLD counters for {name} (/proc/net/dev_snmp6)"),
            },
            false,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_verdicts() {
        let (v, q) = igmp_mode_verdict("eth0", Some(2), None);
        assert!(q && v.text.contains("IGMPv2 querier was heard"), "{v:?}");
        let (v, q) = igmp_mode_verdict("eth0", Some(2), Some(2));
        assert!(!q && v.text.contains("forced"), "{v:?}");
        let (v, q) = igmp_mode_verdict("eth0", Some(3), None);
        assert!(!q && v.level == Level::Warning, "{v:?}");
        let (v, q) = mld_counter_verdict("eth0", Some(3), Some(5), Duration::from_secs(4));
        assert!(
            q && v.text.starts_with("2 MLD queries arrived on eth0 in 4 s"),
            "{v:?}"
        );
        let (v, q) = mld_counter_verdict("eth0", Some(3), Some(3), Duration::from_secs(130));
        assert!(
            !q && v.level == Level::Problem && v.text.contains("in 130 s"),
            "{v:?}"
        );
        let (_, q) = mld_counter_verdict("eth0", None, None, Duration::from_secs(1));
        assert!(!q);
    }

    #[test]
    fn reportable_groups() {
        let g = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(!must_report(g("224.0.0.1"), Family::V4));
        assert!(must_report(g("239.1.1.1"), Family::V4));
        assert!(!must_report(g("239.1.1.1"), Family::V6));
        assert!(!must_report(g("ff02::1"), Family::V6));
        assert!(!must_report(g("ff01::1"), Family::V6));
        assert!(must_report(g("ff02::1:ff00:1"), Family::V6));
        assert!(must_report(g("ff15::7"), Family::V6));
    }
}
