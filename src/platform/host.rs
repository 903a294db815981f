//! Host facts beyond sockets, for `mcast ifaces` and `mcast doctor`:
//! which local address (and so which interface) the kernel's routes pick
//! for a destination, kernel settings as text, and the firewall's ruleset
//! as its own tools print it. Parsing all of it is not OS-specific and
//! lives above this layer (`crate::doctor`).

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// Where the kernel's routes send traffic for a destination: the
/// interface (by index) where the OS says it, and the source address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteTo {
    pub source: Option<IpAddr>,
    /// `None`: the OS did not say; find the interface holding `source`.
    pub ifindex: Option<u32>,
}

/// The route by `connect()` alone: the source address, and the interface
/// only for an IPv6 address with a scope.
#[allow(dead_code)] // Linux asks rtnetlink instead.
pub(super) fn route_by_connect(dest: IpAddr) -> io::Result<RouteTo> {
    let local = route_source(dest)?;
    let ifindex = match local {
        SocketAddr::V6(a) if a.scope_id() != 0 => Some(a.scope_id()),
        _ => None,
    };
    Ok(RouteTo {
        source: Some(local.ip()).filter(|ip| !ip.is_unspecified()),
        ifindex,
    })
}

/// The local address the kernel's routes choose for sending to `dest`,
/// found with `connect()` on a UDP socket and read back with
/// `getsockname()`. `connect()` of a UDP socket sends nothing: it only
/// looks up the route (tests check this in a namespace). Fails with the
/// kernel's error (`ENETUNREACH`) when there is no route.
pub fn route_source(dest: IpAddr) -> io::Result<SocketAddr> {
    let any: IpAddr = match dest {
        IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    let sock = UdpSocket::bind(SocketAddr::new(any, 0))?;
    // The discard port: any port would do, nothing is sent.
    sock.connect(SocketAddr::new(dest, 9))?;
    sock.local_addr()
}

/// Where the firewall's rules can be read on this OS, by tool: the
/// command and its arguments. Empty where mcast reads none.
pub fn firewall_dumpers() -> &'static [(&'static str, &'static [&'static str])] {
    if cfg!(target_os = "linux") {
        &[
            ("nft", &["-j", "list", "ruleset"]),
            ("iptables-save", &[]),
            ("ip6tables-save", &[]),
        ]
    } else {
        &[]
    }
}

/// One firewall tool's output, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dump {
    Text(String),
    /// The tool is not installed.
    Missing,
    /// It ran and failed; its first line of stderr.
    Failed(String),
}

/// Runs one of [`firewall_dumpers`]' tools.
pub fn firewall_dump(tool: &str, args: &[&str]) -> Dump {
    match std::process::Command::new(tool)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
    {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Dump::Missing,
        Err(e) => Dump::Failed(e.to_string()),
        Ok(out) if out.status.success() => {
            Dump::Text(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Ok(out) => {
            let err = String::from_utf8_lossy(&out.stderr);
            let line = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            Dump::Failed(format!("{} ({})", line.trim(), out.status))
        }
    }
}
