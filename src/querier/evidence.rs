//! The querier [`Observer`] as [`QueryEvidence`] for `join` and `listen`:
//! when a group goes silent, were queries seen on its link since the join?
//!
//! Two time bases meet here: the silence watch speaks Unix-epoch time
//! ([`crate::clock`], like packet receive times), the observer monotonic
//! [`Instant`]s. Both clocks are read once, together, when the evidence is
//! made, and epoch times are turned into instants from that pair: a wall
//! clock step later moves neither the join times (fixed at start, from
//! the same pair) nor the answer.
//!
//! The observer runs on a thread of its own and is asked only when a
//! silence begins: the packet path never touches it.

use std::io;
use std::time::{Duration, Instant};

use super::observer::{Observer, QueriesSince};
use super::watch::Reports;
use crate::analysis::{NoQueryEvidence, QueriesSeen, QueryEvidence};
use crate::config::{Group, ReceiveConfig};
use crate::platform::Family;

/// What the evidence asks of an observer; the real one is [`Observer`].
pub trait QuerySource {
    fn queries_since(&self, since: Instant, ifindex: Option<u32>, family: Family) -> QueriesSince;
}

impl QuerySource for Observer {
    fn queries_since(&self, since: Instant, ifindex: Option<u32>, family: Family) -> QueriesSince {
        Observer::queries_since(self, since, ifindex, family)
    }
}

/// Queries seen per group, from a running observer.
pub struct ObservedQueries<S> {
    source: S,
    /// The family of each group, by index.
    families: Vec<Family>,
    /// The joined interface; `None`: any.
    ifindex: Option<u32>,
    /// The same moment on both clocks.
    anchor: (Instant, Duration),
}

impl<S: QuerySource> ObservedQueries<S> {
    /// `anchor`: one moment as an [`Instant`] and as Unix-epoch time.
    pub fn new(source: S, groups: &[Group], ifindex: u32, anchor: (Instant, Duration)) -> Self {
        Self {
            source,
            families: groups.iter().map(family).collect(),
            ifindex: (ifindex != 0).then_some(ifindex),
            anchor,
        }
    }

    /// The monotonic instant of Unix-epoch time `t`. The observer started
    /// at the anchor and saw nothing before it, so earlier times are the
    /// anchor.
    fn instant(&self, t: Duration) -> Instant {
        let (i, e) = self.anchor;
        i.checked_add(t.saturating_sub(e))
            .unwrap_or_else(Instant::now)
    }
}

impl<S: QuerySource> QueryEvidence for ObservedQueries<S> {
    fn queries_since(&self, group: usize, since: Duration) -> Option<QueriesSeen> {
        let family = *self.families.get(group)?;
        let q = self
            .source
            .queries_since(self.instant(since), self.ifindex, family);
        Some(QueriesSeen {
            count: q.count,
            querier: q.querier,
            version: q.version.map(|v| v.name()),
        })
    }
}

fn family(g: &Group) -> Family {
    if g.is_ipv6() {
        Family::V6
    } else {
        Family::V4
    }
}

/// The evidence of a `join`/`listen` run (see [`start`]); none with
/// `--no-querier-watch`.
pub fn for_receive(cfg: &ReceiveConfig) -> Option<ObservedQueries<Observer>> {
    if !cfg.querier_watch {
        return None;
    }
    start(&cfg.groups, cfg.iface.as_ref().map_or(0, |i| i.index))
}

/// `queries`, or no evidence when nothing is watched.
pub fn or_none<S: QuerySource>(queries: Option<&ObservedQueries<S>>) -> &dyn QueryEvidence {
    match queries {
        Some(q) => q,
        None => &NoQueryEvidence,
    }
}

/// Starts watching queries for `groups` on interface index `ifindex`
/// (0: all) and anchors it to the present; start it before joining, so
/// that it sees every query since the join. `None`, with one line at
/// `-v`, where the OS or the privileges do not allow it (EPERM without
/// CAP_NET_RAW, "not available on this OS"): the silence record then says
/// nothing about queries rather than guess.
pub fn start(groups: &[Group], ifindex: u32) -> Option<ObservedQueries<Observer>> {
    let mut families: Vec<Family> = groups.iter().map(family).collect();
    families.sort_by_key(|f| *f == Family::V6);
    families.dedup();
    let iface = (ifindex != 0).then_some(ifindex);
    match Observer::start(iface, &families, Reports::NotNeeded) {
        Ok(obs) => {
            tracing::info!("watching IGMP/MLD queries, to explain a silence");
            Some(ObservedQueries::new(
                obs,
                groups,
                ifindex,
                (Instant::now(), crate::clock::now()),
            ))
        }
        Err(e) => {
            let why = match e.kind() {
                io::ErrorKind::PermissionDenied => "needs CAP_NET_RAW".to_string(),
                _ => e.to_string(),
            };
            tracing::info!("not watching IGMP/MLD queries ({why}): silences will not say whether the membership was refreshed");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::net::IpAddr;

    use super::*;
    use crate::querier::wire::Version;

    /// Records what it was asked; answers with queries after `first`.
    struct Fake {
        first: Instant,
        asked: RefCell<Vec<(Instant, Option<u32>, Family)>>,
    }

    impl QuerySource for Fake {
        fn queries_since(
            &self,
            since: Instant,
            ifindex: Option<u32>,
            family: Family,
        ) -> QueriesSince {
            self.asked.borrow_mut().push((since, ifindex, family));
            let seen = since <= self.first;
            QueriesSince {
                count: usize::from(seen) * 3,
                last: seen.then_some(self.first),
                querier: seen.then(|| IpAddr::from([192, 0, 2, 254])),
                version: seen.then_some(Version::IgmpV3),
            }
        }
    }

    fn groups() -> Vec<Group> {
        ["239.1.1.1", "ff15::1"]
            .iter()
            .map(|a| Group {
                addr: a.parse().unwrap(),
                port: 5000,
                source: None,
            })
            .collect()
    }

    #[test]
    fn epoch_times_become_instants_from_the_anchor() {
        let now = Instant::now();
        let epoch = Duration::from_secs(1_800_000_000);
        let fake = Fake {
            first: now + Duration::from_secs(10),
            asked: RefCell::default(),
        };
        let ev = ObservedQueries::new(fake, &groups(), 7, (now, epoch));
        // Joined 5 s after the anchor: the query 10 s after it counts.
        let seen = ev.queries_since(0, epoch + Duration::from_secs(5));
        assert_eq!(
            seen,
            Some(QueriesSeen {
                count: 3,
                querier: Some(IpAddr::from([192, 0, 2, 254])),
                version: Some("IGMPv3"),
            })
        );
        // Joined 12 s after the anchor, IPv6 group: no query since.
        let none = ev.queries_since(1, epoch + Duration::from_secs(12));
        assert_eq!(
            none,
            Some(QueriesSeen {
                count: 0,
                querier: None,
                version: None
            })
        );
        // Before the anchor: the observer saw nothing earlier.
        ev.queries_since(0, epoch - Duration::from_secs(2));
        let asked = ev.source.asked.borrow();
        assert_eq!(
            *asked,
            [
                (now + Duration::from_secs(5), Some(7), Family::V4),
                (now + Duration::from_secs(12), Some(7), Family::V6),
                (now, Some(7), Family::V4),
            ]
        );
    }

    #[test]
    fn any_interface_and_unknown_groups() {
        let now = Instant::now();
        let fake = Fake {
            first: now,
            asked: RefCell::default(),
        };
        let ev = ObservedQueries::new(fake, &groups(), 0, (now, Duration::from_secs(100)));
        assert_eq!(ev.queries_since(5, Duration::from_secs(100)), None);
        assert!(ev.queries_since(0, Duration::from_secs(100)).is_some());
        assert_eq!(
            ev.source.asked.borrow()[0].1,
            None,
            "index 0 is any interface"
        );
    }

    #[test]
    fn nothing_watched_is_not_observed() {
        let none = or_none::<Fake>(None);
        assert_eq!(none.queries_since(0, Duration::from_secs(100)), None);
        let fake = Fake {
            first: Instant::now(),
            asked: RefCell::default(),
        };
        let ev = ObservedQueries::new(fake, &groups(), 0, (Instant::now(), Duration::ZERO));
        assert!(or_none(Some(&ev))
            .queries_since(0, Duration::ZERO)
            .is_some());
    }
}
