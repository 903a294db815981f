//! `mcast querier`: watch IGMP/MLD queries and reports for `--timeout`,
//! print each as it comes, then judge every link and family. Exit 0 when a
//! querier was seen, 1 when none was. Without CAP_NET_RAW, falls back to
//! the kernel's tables (weaker evidence, labelled so; `querier::counters`).

use std::io::{self, Write};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::config::{Iface, QuerierConfig, Ui};
use crate::exit::Exit;
use crate::host;
use crate::output::json::write_record;
use crate::output::querier::{event_line, summary_text};
use crate::platform::{self, Errno, Family};
use crate::querier::counters::{igmp_mode_verdict, mld_counter_verdict, must_report};
use crate::querier::state::{verdicts, HostFacts, LinkKey, State, Verdict};
use crate::querier::{Reports, Watch};
use crate::record::{EventRecord, QuerierSummary};

/// How often the loop looks at Ctrl-C and the deadline.
const TICK: Duration = Duration::from_millis(250);

pub fn run(cfg: QuerierConfig, ui: Ui) -> Result<Exit> {
    let watch = match Watch::open(
        &cfg.families,
        cfg.iface.as_ref().map(|i| i.index),
        Reports::Seen,
    ) {
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

/// `on eth0 (index 2)` or `on every interface`.
fn place(cfg: &QuerierConfig) -> String {
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
            place(&cfg),
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
    // A watch that ran its course is reported as the -t asked for: the loop's
    // last wake-up can overshoot by a scheduling delay ("3.1 s" for -t 3s).
    let waited = now.saturating_duration_since(start).min(cfg.timeout);
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
                place(cfg),
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
    let waited = start.elapsed().min(cfg.timeout);
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
