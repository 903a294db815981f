//! `mcast groups --json`: one `membership` record per group held on an
//! interface; with `--watch`, a `membership` record with `change` set for
//! each difference between two readings.

use std::net::IpAddr;

use serde::Serialize;

use crate::host::Membership;

/// `{"type":"membership"}`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename = "membership")]
pub struct MembershipRecord<'a> {
    /// `null` in a full listing; `joined`, `left` or `changed` under
    /// `--watch`.
    pub change: Option<&'static str>,
    pub family: &'static str,
    pub iface: &'a str,
    pub ifindex: u32,
    pub group: IpAddr,
    /// `ASM` (any source), `SSM` (include these sources only) or
    /// `ASM-exclude` (any source but these).
    pub mode: &'static str,
    pub sources: &'a [IpAddr],
    /// Sockets holding it.
    pub users: u32,
    /// The protocol version the kernel speaks there (`IGMPv3`, `MLDv2`),
    /// `null` when it cannot tell.
    pub version: Option<&'a str>,
}

impl<'a> MembershipRecord<'a> {
    pub fn new(m: &'a Membership, version: Option<&'a str>, change: Option<&'static str>) -> Self {
        Self {
            change,
            family: if m.group.is_ipv4() { "IPv4" } else { "IPv6" },
            iface: &m.iface,
            ifindex: m.index,
            group: m.group,
            mode: m.filter.mode(),
            sources: m.filter.sources(),
            users: m.users,
            version,
        }
    }
}
