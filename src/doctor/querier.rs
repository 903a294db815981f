//! The "querier" check: is an IGMP/MLD querier present on the chosen
//! interface? `doctor` listens only briefly, while a querier's default
//! interval is 125 s, so a silent wait alone is a warning; a problem needs
//! stronger evidence (no MLD query since the interface came up, a forced
//! version the querier does not speak, queries answered by no report).
//!
//! [`listen`] gathers the facts (the host's side, behind
//! [`super::Host::queriers`]); [`querier_checks`] judges them, purely, with
//! the verdicts of [`crate::querier`].

use std::time::{Duration, Instant};

use super::{Check, Status};
use crate::config::Iface;
use crate::host::{forced_version_path, sysctl_key};
use crate::platform::{self, Errno, Family};
use crate::querier::counters::{igmp_mode_verdict, mld_counter_verdict, must_report};
use crate::querier::state::{verdicts, HostFacts, Level, LinkKey, LinkState, Verdict};
use crate::querier::{Observer, Reports};

/// How a querier's presence was looked for.
#[derive(Debug, Clone)]
pub enum Evidence {
    /// Queries and reports watched on the wire (raw sockets).
    Wire {
        link: Box<LinkState>,
        /// This host's own reports could be seen leaving.
        sees_reports: bool,
        /// When the watch ended.
        at: Instant,
    },
    /// Only the kernel's tables (no CAP_NET_RAW, say): `why` says why.
    Counters { why: String },
    /// Nothing to look at on this OS.
    Unavailable(String),
}

/// What listening for queries on one interface in one family showed.
#[derive(Debug, Clone)]
pub struct QuerierFacts {
    pub family: Family,
    pub waited: Duration,
    pub evidence: Evidence,
    /// `/proc/net/igmp`'s Querier column for the interface (the IGMP
    /// version the kernel speaks there); `None` when not listed.
    pub igmp_mode: Option<u8>,
    /// The interface's MLD query counter at the start and the end.
    pub mld_before: Option<u64>,
    pub mld_after: Option<u64>,
    /// Groups this host holds there and must report when asked.
    pub groups_held: usize,
}

const NAME: &str = "querier";

fn status(level: Level) -> Status {
    match level {
        Level::Ok => Status::Ok,
        Level::Warning => Status::Warning,
        Level::Problem => Status::Problem,
    }
}

fn proto(family: Family) -> &'static str {
    match family {
        Family::V4 => "IGMP",
        Family::V6 => "MLD",
    }
}

/// `-4`/`-6` for `mcast querier`.
fn family_flag(family: Family) -> &'static str {
    match family {
        Family::V4 => "-4",
        Family::V6 => "-6",
    }
}

fn full_watch(family: Family, name: &str) -> String {
    format!("mcast querier -i {name} {} -t 130s", family_flag(family))
}

/// The checks for one interface and family; `forced` is the version the
/// host forces there (`force_igmp_version`/`force_mld_version`), if any.
pub fn querier_checks(iface: &Iface, facts: &QuerierFacts, forced: Option<u8>) -> Vec<Check> {
    let name = crate::escape::name(&iface.name).into_owned();
    match &facts.evidence {
        Evidence::Unavailable(why) => vec![Check::new(NAME, Status::Skipped, why.clone())],
        Evidence::Wire {
            link,
            sees_reports,
            at,
        } if link.last_query.is_some() => {
            let key = LinkKey {
                ifindex: iface.index,
                family: facts.family,
            };
            let host = HostFacts {
                forced,
                groups_held: facts.groups_held,
                sees_reports: *sees_reports,
            };
            verdicts(key, link, &host, facts.waited, *at)
                .into_iter()
                .map(|v| wire_check(v, facts.family, &iface.name))
                .collect()
        }
        Evidence::Wire { .. } => vec![silent_wire(facts, &name)],
        Evidence::Counters { why } => vec![counters_only(facts, &name, forced, why)],
    }
}

/// A verdict of the watch as a check, with the command that fixes it.
fn wire_check(v: Verdict, family: Family, iface: &str) -> Check {
    let fix = if v.text.starts_with("querier speaks") {
        Some(format!(
            "sysctl -w {}=0 {}=0",
            sysctl_key(&forced_version_path(family, "all")),
            sysctl_key(&forced_version_path(family, iface))
        ))
    } else if v.text.starts_with("queries in, no reports out") {
        Some(format!(
            "find the rule dropping outgoing {} (see firewall), then: {}",
            proto(family),
            full_watch(family, &crate::escape::name(iface))
        ))
    } else {
        None
    };
    let check = Check::new(NAME, status(v.level), v.text);
    match fix {
        Some(f) if check.status != Status::Ok => check.fix(f),
        _ => check,
    }
}

fn enable_querier(family: Family, name: &str) -> String {
    format!(
        "enable an {} querier on this link (the router's, or the snooping switch's own, \
         e.g. ip link set dev BRIDGE type bridge mcast_querier 1); then: {}",
        proto(family),
        full_watch(family, name)
    )
}

/// No query on the wire during the wait: a warning, unless the kernel's
/// tables say more.
fn silent_wire(facts: &QuerierFacts, name: &str) -> Check {
    let p = proto(facts.family);
    let secs = facts.waited.as_secs_f64().round() as u64;
    let short = format!(
        "no {p} query seen on {name} in {secs} s (queries come every 125 s by default; \
         run `mcast querier -i {name}` for a full interval)"
    );
    match facts.family {
        Family::V6 if facts.mld_after == Some(0) => Check::new(
            NAME,
            Status::Problem,
            format!(
                "no MLD query seen on {name} in {secs} s, and none has arrived since the \
                 interface came up (Icmp6InGroupMembQueries 0): no querier reaches this host, \
                 so snooping switches stop forwarding about 260 s after the last report"
            ),
        )
        .fix(enable_querier(facts.family, name)),
        Family::V6 => {
            let since_up = facts.mld_after.map_or_else(String::new, |n| {
                format!("; {n} arrived since the interface came up")
            });
            Check::new(NAME, Status::Warning, format!("{short}{since_up}"))
                .fix(full_watch(facts.family, name))
        }
        Family::V4 => {
            let (v, querier) = igmp_mode_verdict(name, facts.igmp_mode, None);
            if querier {
                Check::new(
                    NAME,
                    Status::Ok,
                    format!("no IGMP query seen on {name} in {secs} s, but {}", v.text),
                )
            } else {
                Check::new(NAME, Status::Warning, short).fix(full_watch(facts.family, name))
            }
        }
    }
}

/// Without the wire: `mcast querier`'s fallback verdicts, labelled weaker;
/// a counter that did not move in a short wait is a warning unless it
/// never moved since the interface came up.
fn counters_only(facts: &QuerierFacts, name: &str, forced: Option<u8>, why: &str) -> Check {
    let label = format!("{why}; from the kernel's tables, weaker evidence");
    let (v, _) = match facts.family {
        Family::V4 => igmp_mode_verdict(name, facts.igmp_mode, forced),
        Family::V6 => mld_counter_verdict(name, facts.mld_before, facts.mld_after, facts.waited),
    };
    let mut check = Check::new(NAME, status(v.level), format!("{} ({label})", v.text));
    if check.status == Status::Problem && facts.mld_before.is_some_and(|n| n > 0) {
        check.status = Status::Warning;
        check.detail = format!(
            "{} (queries come every 125 s by default; {label})",
            v.text.split(": no querier").next().unwrap_or(&v.text)
        );
    }
    match check.status {
        Status::Problem => check.fix(enable_querier(facts.family, name)),
        Status::Warning => check.fix(format!(
            "run as root: sudo {}",
            full_watch(facts.family, name)
        )),
        _ => check,
    }
}

/// How often [`listen`] looks at what was seen.
const TICK: Duration = Duration::from_millis(100);

/// Listens on each `(family, interface)` for at most `wait`, less once
/// every link has a querier and, where this host holds groups, its answer
/// was due; without raw sockets, reads the kernel's tables instead.
pub fn listen(links: &[(Family, &Iface)], wait: Duration) -> Vec<QuerierFacts> {
    let mut families: Vec<Family> = links.iter().map(|(f, _)| *f).collect();
    families.sort();
    families.dedup();
    let index = match links {
        [(_, first), rest @ ..] if rest.iter().all(|(_, i)| i.index == first.index) => {
            Some(first.index)
        }
        _ => None,
    };
    let modes = crate::host::igmp_modes().ok();
    let held = crate::host::memberships().unwrap_or_default();
    let held_on = |family: Family, iface: &Iface| {
        held.iter()
            .filter(|m| m.index == iface.index && must_report(m.group, family))
            .count()
    };
    let mld = |family: Family, iface: &Iface| {
        (family == Family::V6)
            .then(|| crate::host::mld_queries_in(&iface.name))
            .flatten()
    };
    let before: Vec<Option<u64>> = links.iter().map(|(f, i)| mld(*f, i)).collect();
    let start = Instant::now();
    let deadline = start + wait;
    let observer = Observer::start(index, &families, Reports::Seen);
    loop {
        let now = Instant::now();
        if now >= deadline || crate::signals::stop_requested() {
            break;
        }
        let settled = match &observer {
            Ok(obs) => {
                let seen = obs.snapshot();
                links.iter().all(|(f, i)| {
                    seen.iter()
                        .find(|(k, _)| k.family == *f && k.ifindex == i.index)
                        .is_some_and(|(_, l)| settled(l, held_on(*f, i), obs.sees_reports(), now))
                })
            }
            // Only the MLD counters that can be read can change while
            // waiting (none off Linux: no wait there).
            Err(_) => links
                .iter()
                .zip(&before)
                .all(|((f, i), b)| *f == Family::V4 || b.is_none() || mld(*f, i) > *b),
        };
        if settled {
            break;
        }
        std::thread::sleep(TICK.min(deadline - now));
    }
    let at = Instant::now();
    // At most the wait asked for: the last wake-up can overshoot it.
    let waited = at.saturating_duration_since(start).min(wait);
    let snapshot = observer
        .as_ref()
        .map(Observer::snapshot)
        .unwrap_or_default();
    links
        .iter()
        .zip(before)
        .map(|((family, iface), mld_before)| {
            let evidence = match &observer {
                Ok(obs) => Evidence::Wire {
                    link: Box::new(
                        snapshot
                            .iter()
                            .find(|(k, _)| k.family == *family && k.ifindex == iface.index)
                            .map_or_else(|| LinkState::new(&iface.name), |(_, l)| l.clone()),
                    ),
                    sees_reports: obs.sees_reports(),
                    at,
                },
                Err(e) if e.kind() == std::io::ErrorKind::Unsupported && modes.is_none() => {
                    Evidence::Unavailable(e.to_string())
                }
                Err(e) if platform::errno(e) == Some(Errno::PermissionDenied) => {
                    Evidence::Counters {
                        why: "no CAP_NET_RAW to see queries".into(),
                    }
                }
                Err(e) => Evidence::Counters {
                    why: format!("cannot watch queries ({e})"),
                },
            };
            QuerierFacts {
                family: *family,
                waited,
                evidence,
                igmp_mode: modes
                    .as_ref()
                    .and_then(|m| m.iter().find(|m| m.0 == iface.index))
                    .and_then(|m| m.2),
                mld_before,
                mld_after: mld(*family, iface),
                groups_held: held_on(*family, iface),
            }
        })
        .collect()
}

/// Enough seen on a link: a general query, and this host's answer to it
/// (or the time it was due) when it holds groups and its reports show.
fn settled(link: &LinkState, held: usize, sees_reports: bool, now: Instant) -> bool {
    let (Some(_), Some(last)) = (link.querier, link.last_query) else {
        return false;
    };
    if held == 0 || !sees_reports || link.last_report_out.is_some_and(|r| r >= last) {
        return true;
    }
    let due = link.max_resp.unwrap_or_default() + Duration::from_millis(1500);
    now > last + due
}

#[cfg(test)]
mod tests;
