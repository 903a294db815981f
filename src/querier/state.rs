//! What the events of one interface and family add up to, and the
//! verdicts drawn from them: one line each, with the consequence.
//!
//! Pure: events and host facts in, facts and verdicts out, so every
//! verdict is tested without a network.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use super::watch::{Event, EventKind};
use super::wire::Version;
use crate::host::{forced_version_path, sysctl_key};
use crate::platform::Family;

/// One link as seen by one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkKey {
    pub ifindex: u32,
    pub family: Family,
}

/// Most hosts and groups kept per link for "who reported what".
const MAX_REPORTERS: usize = 64;
const MAX_GROUPS_PER_HOST: usize = 32;
/// Query times kept per link for [`LinkState::queries_since`].
const QUERY_HISTORY: usize = 64;

/// RFC 3376 §8.4 / RFC 3810 §9.4 defaults: 2 × 125 s + 10 s.
pub const DEFAULT_MEMBERSHIP_INTERVAL: Duration = Duration::from_secs(260);

/// Everything seen on one link in one family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkState {
    pub iface: String,
    /// The source of the last general query (the elected querier).
    pub querier: Option<IpAddr>,
    /// Every address a query came from.
    pub queriers: BTreeSet<IpAddr>,
    pub version: Option<Version>,
    /// From the last query's QQIC (v3, MLDv2).
    pub qqi: Option<Duration>,
    /// Between the last two general queries of the querier.
    pub measured: Option<Duration>,
    pub qrv: Option<u8>,
    pub max_resp: Option<Duration>,
    pub last_query: Option<Instant>,
    last_general: Option<Instant>,
    pub queries: u64,
    recent_queries: VecDeque<Instant>,
    /// This host's reports seen leaving.
    pub reports_out: u64,
    pub last_report_out: Option<Instant>,
    /// Versions of this host's reports.
    pub own_versions: BTreeSet<Version>,
    /// The first general query after this host's last report, with its max
    /// response time: a report is due by then.
    unanswered: Option<(Instant, Duration)>,
    /// Other hosts and the groups they reported.
    pub reporters: BTreeMap<IpAddr, BTreeSet<IpAddr>>,
}

impl LinkState {
    pub fn new(iface: &str) -> Self {
        Self {
            iface: iface.to_string(),
            querier: None,
            queriers: BTreeSet::new(),
            version: None,
            qqi: None,
            measured: None,
            qrv: None,
            max_resp: None,
            last_query: None,
            last_general: None,
            queries: 0,
            recent_queries: VecDeque::new(),
            reports_out: 0,
            last_report_out: None,
            own_versions: BTreeSet::new(),
            unanswered: None,
            reporters: BTreeMap::new(),
        }
    }

    /// Takes one event of this link into account.
    pub fn apply(&mut self, e: &Event) {
        match &e.kind {
            EventKind::Query(q) => {
                self.queries += 1;
                self.queriers.insert(e.source);
                if self.recent_queries.len() == QUERY_HISTORY {
                    self.recent_queries.pop_front();
                }
                self.recent_queries.push_back(e.at);
                self.last_query = Some(e.at);
                self.version = Some(q.version);
                self.max_resp = Some(q.max_resp);
                if let Some(qrv) = q.qrv.filter(|&v| v > 0) {
                    self.qrv = Some(qrv);
                }
                if let Some(qqi) = q.qqi.filter(|d| !d.is_zero()) {
                    self.qqi = Some(qqi);
                }
                if q.group.is_none() {
                    if self.querier == Some(e.source) {
                        if let Some(prev) = self.last_general {
                            self.measured = Some(e.at.saturating_duration_since(prev));
                        }
                    }
                    self.querier = Some(e.source);
                    self.last_general = Some(e.at);
                }
                // Only a general query asks this host for every group it
                // holds; a group-specific one may be for a group it lacks.
                if q.group.is_none() && self.unanswered.is_none() {
                    self.unanswered = Some((e.at, q.max_resp));
                }
            }
            EventKind::Report { report, own: true } => {
                self.reports_out += 1;
                self.last_report_out = Some(e.at);
                self.own_versions.insert(report.version);
                self.unanswered = None;
            }
            EventKind::Report { report, own: false } => {
                if !self.reporters.contains_key(&e.source) && self.reporters.len() >= MAX_REPORTERS
                {
                    return;
                }
                let groups = self.reporters.entry(e.source).or_default();
                for g in &report.groups {
                    if g.record.is_leave() {
                        groups.remove(&g.group);
                    } else if groups.len() < MAX_GROUPS_PER_HOST {
                        groups.insert(g.group);
                    }
                }
            }
        }
    }

    /// Queries seen at or after `since`, as far as the recent history
    /// goes (the last 64), and the time of the last one.
    pub fn queries_since(&self, since: Instant) -> (usize, Option<Instant>) {
        let n = self.recent_queries.iter().filter(|&&t| t >= since).count();
        (n, self.last_query.filter(|&t| t >= since))
    }

    /// The interval the querier keeps: QQIC when it says, else measured.
    pub fn interval(&self) -> Option<Duration> {
        self.qqi.or(self.measured)
    }

    /// How long members are kept without a report: QRV × QQI + max
    /// response time, from the querier's own values where it gave them.
    pub fn membership_interval(&self) -> Duration {
        match (self.interval(), self.max_resp) {
            (Some(qi), Some(mr)) => qi * u32::from(self.qrv.unwrap_or(2)) + mr,
            _ => DEFAULT_MEMBERSHIP_INTERVAL,
        }
    }
}

/// What the host says of a link, for the verdicts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFacts {
    /// `force_igmp_version` / `force_mld_version` when set.
    pub forced: Option<u8>,
    /// Groups this host holds there that it must report (IPv4: all but
    /// 224.0.0.1; IPv6: all but ff02::1 and node-local ones).
    pub groups_held: usize,
    /// This host's own reports can be seen (the packet tap is open).
    pub sees_reports: bool,
}

/// How bad a verdict is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warning,
    Problem,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warning => "warning",
            Level::Problem => "problem",
        }
    }
}

/// One line of judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub level: Level,
    pub text: String,
}

impl Verdict {
    fn new(level: Level, text: String) -> Self {
        Self { level, text }
    }
}

fn proto(family: Family) -> &'static str {
    match family {
        Family::V4 => "IGMP",
        Family::V6 => "MLD",
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 || d.subsec_millis() == 0 {
        format!("{} s", s.round() as u64)
    } else {
        format!("{s:.1} s")
    }
}

/// The verdicts for one link after watching for `waited`, at `now`.
pub fn verdicts(
    key: LinkKey,
    link: &LinkState,
    host: &HostFacts,
    waited: Duration,
    now: Instant,
) -> Vec<Verdict> {
    let p = proto(key.family);
    let name = crate::escape::name(&link.iface);
    let mut out = Vec::new();
    let (Some(querier), Some(version), Some(last)) = (
        link.querier
            .or_else(|| link.queriers.iter().next().copied()),
        link.version,
        link.last_query,
    ) else {
        out.push(Verdict::new(
            Level::Problem,
            format!(
                "no {p} querier seen on {name} in {}: snooping switches will stop forwarding \
                 about {} after the last report",
                secs(waited),
                secs(DEFAULT_MEMBERSHIP_INTERVAL)
            ),
        ));
        return out;
    };
    let age = now.saturating_duration_since(last);
    let interval = match (link.qqi, link.measured) {
        (Some(q), Some(m)) => format!("queries every {} (measured {})", secs(q), secs(m)),
        (Some(q), None) => format!("queries every {}", secs(q)),
        (None, Some(m)) => format!("queries every {} (measured)", secs(m)),
        (None, None) => "interval not known yet (one query seen)".to_string(),
    };
    let mut ok = format!("{} querier {querier} on {name}: {interval}", version.name());
    if let Some(qrv) = link.qrv {
        ok.push_str(&format!(", robustness {qrv}"));
    }
    if let Some(mr) = link.max_resp {
        ok.push_str(&format!(", max response {}", secs(mr)));
    }
    ok.push_str(&format!(", last query {} ago", secs(age)));
    out.push(Verdict::new(Level::Ok, ok));
    if link.queriers.len() > 1 {
        let all: Vec<String> = link.queriers.iter().map(|a| a.to_string()).collect();
        out.push(Verdict::new(
            Level::Warning,
            format!(
                "{} {p} queriers on {name} ({}): the lowest address should win the election; \
                 several that keep querying disagree on who is querier",
                all.len(),
                all.join(", ")
            ),
        ));
    }
    let silent_after = link.membership_interval();
    if age > silent_after {
        out.push(Verdict::new(
            Level::Problem,
            format!(
                "the querier on {name} went quiet: last query {} ago, more than the {} members \
                 are kept: snooping switches stop forwarding",
                secs(age),
                secs(silent_after)
            ),
        ));
    }
    if let Some(forced) = host.forced {
        let q = version.number();
        if forced != q {
            let host_name = format!("{p}v{forced}");
            let setting = sysctl_key(&forced_version_path(key.family, &link.iface));
            let consequence = if forced < q {
                "its reports are of the older version, so the querier falls back to it for \
                 their groups: source filters (SSM joins) are not reported and act as any-source"
            } else {
                "a querier of the older version ignores these reports, so memberships age out \
                 on it and on snooping switches"
            };
            out.push(Verdict::new(
                Level::Problem,
                format!(
                    "querier speaks {} but this host forces {host_name} on {name} \
                     ({}={forced}): {consequence}",
                    version.name(),
                    crate::escape::name(&setting),
                ),
            ));
        }
    }
    if host.sees_reports && host.groups_held > 0 {
        if let Some((since, max_resp)) = link.unanswered {
            // A second to spare for the report's random delay and the wire.
            let due = since + max_resp + Duration::from_secs(1);
            if now > due {
                out.push(Verdict::new(
                    Level::Problem,
                    format!(
                        "queries in, no reports out on {name}: {} {p} quer{} arrived but this host \
                         sent no report for its {} group{} (a firewall dropping outgoing {p}?): \
                         snooping switches and routers will age them out",
                        link.queries,
                        if link.queries == 1 { "y" } else { "ies" },
                        host.groups_held,
                        if host.groups_held == 1 { "" } else { "s" },
                    ),
                ));
            }
        }
    }
    out
}

/// Every link watched, by key.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub links: BTreeMap<LinkKey, LinkState>,
}

impl State {
    /// Watches a link from the start, so a link with no querier is
    /// reported as such.
    pub fn expect(&mut self, key: LinkKey, iface: &str) {
        self.links
            .entry(key)
            .or_insert_with(|| LinkState::new(iface));
    }

    /// Takes an event into account; `name` names an interface not seen
    /// before.
    pub fn apply(&mut self, e: &Event, name: impl FnOnce(u32) -> String) {
        let key = LinkKey {
            ifindex: e.ifindex,
            family: e.family,
        };
        self.links
            .entry(key)
            .or_insert_with(|| LinkState::new(&name(e.ifindex)))
            .apply(e);
    }

    /// True when some link has a querier.
    pub fn querier_seen(&self) -> bool {
        self.links.values().any(|l| l.last_query.is_some())
    }
}

#[cfg(test)]
mod tests;
