//! `mcast ifaces --json` and `mcast doctor --json` records.

use std::net::IpAddr;

use serde::Serialize;

use crate::doctor::{Check, Status};
use crate::platform::IfaceInfo;
use crate::routes::Route;

/// `{"type":"interface"}`: one interface as the OS lists it.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "interface")]
pub struct Interface<'a> {
    pub index: u32,
    pub name: &'a str,
    pub alias: Option<&'a str>,
    /// Administratively up.
    pub up: bool,
    /// Operationally up (carrier).
    pub running: bool,
    pub multicast: bool,
    pub loopback: bool,
    pub mtu: Option<u32>,
    pub addrs: Vec<Address>,
    /// The families whose multicast the routes send here by default.
    pub default_for: Vec<&'static str>,
}

/// An address with its prefix length (`null` where the OS gave no mask).
#[derive(Debug, Serialize)]
pub struct Address {
    pub addr: IpAddr,
    pub prefix: Option<u8>,
}

impl<'a> Interface<'a> {
    pub fn new(i: &'a IfaceInfo, routes: &[Route]) -> Self {
        Self {
            index: i.index,
            name: &i.name,
            alias: i.alias.as_deref(),
            up: i.up,
            running: i.running,
            multicast: i.multicast,
            loopback: i.loopback,
            mtu: i.mtu,
            addrs: i
                .addrs
                .iter()
                .zip(i.prefixes.iter().chain(std::iter::repeat(&None)))
                .map(|(a, p)| Address {
                    addr: *a,
                    prefix: *p,
                })
                .collect(),
            default_for: routes
                .iter()
                .filter(|r| r.iface.as_ref().is_some_and(|x| x.index == i.index))
                .map(|r| family_name(r.dest))
                .collect(),
        }
    }
}

fn family_name(a: IpAddr) -> &'static str {
    crate::platform::Family::of(a).name()
}

/// `{"type":"multicast_route"}`: where a family's multicast leaves by
/// default (the route for `group`), or why it cannot.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "multicast_route")]
pub struct MulticastRoute<'a> {
    pub family: &'static str,
    pub group: IpAddr,
    pub iface: Option<&'a str>,
    pub index: Option<u32>,
    /// The local address the kernel chose.
    pub source: Option<IpAddr>,
    pub error: Option<&'a str>,
}

impl<'a> From<&'a Route> for MulticastRoute<'a> {
    fn from(r: &'a Route) -> Self {
        Self {
            family: family_name(r.dest),
            group: r.dest,
            iface: r.iface.as_ref().map(|i| i.name.as_str()),
            index: r.iface.as_ref().map(|i| i.index),
            source: r.source.as_ref().ok().copied().flatten(),
            error: r.source.as_ref().err().map(String::as_str),
        }
    }
}

/// `{"type":"check"}`: one `doctor` finding.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "check")]
pub struct DoctorCheck<'a> {
    pub name: &'static str,
    pub status: &'static str,
    pub detail: &'a str,
    pub fix: Option<&'a str>,
}

impl<'a> From<&'a Check> for DoctorCheck<'a> {
    fn from(c: &'a Check) -> Self {
        Self {
            name: c.name,
            status: c.status.name(),
            detail: &c.detail,
            fix: c.fix.as_deref(),
        }
    }
}

/// `doctor`'s last record: `{"type":"summary","command":"doctor", ...}`;
/// `status` is the worst of the checks (`ok`, `warning`, `problem`).
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "summary")]
pub struct DoctorSummary {
    pub command: &'static str,
    pub status: &'static str,
    pub ok: usize,
    pub warnings: usize,
    pub problems: usize,
    pub skipped: usize,
}

impl DoctorSummary {
    pub fn new(checks: &[Check]) -> Self {
        let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
        let (problems, warnings) = (count(Status::Problem), count(Status::Warning));
        Self {
            command: "doctor",
            status: if problems > 0 {
                "problem"
            } else if warnings > 0 {
                "warning"
            } else {
                "ok"
            },
            ok: count(Status::Ok),
            warnings,
            problems,
            skipped: count(Status::Skipped),
        }
    }
}
