//! The querier watch on a thread of its own, for commands that need the
//! answer later: when a stream goes silent, `join` and `listen` can ask
//! whether a query was seen since the join, and from whom.
//!
//! ```no_run
//! use std::time::{Duration, Instant};
//! use mcast::platform::Family;
//! use mcast::querier::{Observer, Reports};
//!
//! let joined_at = Instant::now();
//! let obs = Observer::start(Some(2), &[Family::V4], Reports::NotNeeded).expect("needs CAP_NET_RAW");
//! std::thread::sleep(Duration::from_secs(5));
//! let seen = obs.queries_since(joined_at, Some(2), Family::V4);
//! println!("{} queries since the join, last from {:?}", seen.count, seen.querier);
//! ```

use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::state::{LinkKey, LinkState, State};
use super::watch::{Reports, Watch};
use super::wire::Version;
use crate::platform::{self, Family};

/// How often the thread looks at its stop flag.
const TICK: Duration = Duration::from_millis(200);

/// A background watch of IGMP/MLD queries and reports; stops (and joins
/// its thread) on drop.
pub struct Observer {
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    sees_reports: bool,
}

/// Queries seen on a link (or on all links of a family) since a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueriesSince {
    /// How many (at most the 64 most recent per link are remembered).
    pub count: usize,
    /// When the last one came.
    pub last: Option<Instant>,
    /// The querier of the link where the last one came, and its version.
    pub querier: Option<IpAddr>,
    pub version: Option<Version>,
}

impl Observer {
    /// Opens the raw sockets (errors as [`Watch::open`]: EPERM without
    /// CAP_NET_RAW; "not available on this OS" off Linux) and starts
    /// watching `families` on interface index `iface` (all when `None`).
    pub fn start(iface: Option<u32>, families: &[Family], reports: Reports) -> io::Result<Self> {
        let mut watch = Watch::open(families, iface, reports)?;
        let sees_reports = watch.sees_reports();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (Arc::clone(&state), Arc::clone(&stop));
        let thread = std::thread::Builder::new()
            .name("mcast-querier".into())
            .spawn(move || {
                while !sp.load(Ordering::Relaxed) {
                    match watch.next(TICK) {
                        Ok(Some(e)) => lock(&st).apply(&e, |i| {
                            platform::if_name(i).unwrap_or_else(|| i.to_string())
                        }),
                        Ok(None) => {}
                        Err(e) => {
                            tracing::warn!("querier observer stopped: {e}");
                            return;
                        }
                    }
                }
            })?;
        Ok(Self {
            state,
            stop,
            thread: Some(thread),
            sees_reports,
        })
    }

    /// Queries seen at or after `since` on interface `ifindex` (any when
    /// `None`) in `family`.
    pub fn queries_since(
        &self,
        since: Instant,
        ifindex: Option<u32>,
        family: Family,
    ) -> QueriesSince {
        let state = lock(&self.state);
        let mut out = QueriesSince {
            count: 0,
            last: None,
            querier: None,
            version: None,
        };
        for (key, link) in &state.links {
            if key.family != family || ifindex.is_some_and(|i| i != key.ifindex) {
                continue;
            }
            let (n, last) = link.queries_since(since);
            out.count += n;
            if last.is_some() && last > out.last {
                out.last = last;
                out.querier = link.querier;
                out.version = link.version;
            }
        }
        out
    }

    /// A copy of everything seen so far, per link.
    pub fn snapshot(&self) -> Vec<(LinkKey, LinkState)> {
        lock(&self.state)
            .links
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect()
    }

    /// Whether this host's own reports can be seen (Linux packet tap).
    pub fn sees_reports(&self) -> bool {
        self.sees_reports
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}
