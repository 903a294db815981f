//! The route the kernel picks for a destination, asked over rtnetlink
//! (`RTM_GETROUTE`, what `ip route get` does): the outgoing interface
//! itself, with policy routing, rather than a guess from the source
//! address (a route `dev lo` for 224.0.0.0/4 still picks a source address
//! of another interface). Nothing is sent on any network.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use socket2::{Domain, Protocol, Socket, Type};

use super::super::RouteTo;

const RTM_NEWROUTE: u16 = 24;
const RTM_GETROUTE: u16 = 26;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 1;
const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_PREFSRC: u16 = 7;
const NLMSG_HDR: usize = 16;
const RTMSG: usize = 12;

/// The `RTM_GETROUTE` request for `dest`, sequence number `seq`.
pub(crate) fn request(dest: IpAddr, seq: u32) -> Vec<u8> {
    let (family, bits, addr): (u8, u8, Vec<u8>) = match dest {
        IpAddr::V4(a) => (libc::AF_INET as u8, 32, a.octets().to_vec()),
        IpAddr::V6(a) => (libc::AF_INET6 as u8, 128, a.octets().to_vec()),
    };
    let attr_len = 4 + addr.len();
    let total = NLMSG_HDR + RTMSG + attr_len;
    let mut m = Vec::with_capacity(total);
    m.extend_from_slice(&(total as u32).to_ne_bytes());
    m.extend_from_slice(&RTM_GETROUTE.to_ne_bytes());
    m.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    m.extend_from_slice(&seq.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    // rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags.
    m.extend_from_slice(&[family, bits, 0, 0, 0, 0, 0, 0]);
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&(attr_len as u16).to_ne_bytes());
    m.extend_from_slice(&RTA_DST.to_ne_bytes());
    m.extend_from_slice(&addr);
    m
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn malformed() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "malformed rtnetlink reply")
}

/// The kernel's answer: the outgoing interface and preferred source, or
/// its error (`ENETUNREACH` for no route).
pub fn parse_reply(b: &[u8]) -> io::Result<RouteTo> {
    let len = u32_at(b, 0).ok_or_else(malformed)? as usize;
    let kind = u16_at(b, 4).ok_or_else(malformed)?;
    if len < NLMSG_HDR || len > b.len() {
        return Err(malformed());
    }
    let b = &b[..len];
    if kind == NLMSG_ERROR {
        let errno = u32_at(b, NLMSG_HDR).ok_or_else(malformed)? as i32;
        return Err(io::Error::from_raw_os_error(
            errno.checked_neg().unwrap_or(0),
        ));
    }
    if kind != RTM_NEWROUTE {
        return Err(malformed());
    }
    let family = *b.get(NLMSG_HDR).ok_or_else(malformed)?;
    let mut out = RouteTo {
        source: None,
        ifindex: None,
    };
    let mut at = NLMSG_HDR + RTMSG;
    while at + 4 <= b.len() {
        let alen = usize::from(u16_at(b, at).ok_or_else(malformed)?);
        let atype = u16_at(b, at + 2).ok_or_else(malformed)? & 0x3fff;
        if alen < 4 || at + alen > b.len() {
            return Err(malformed());
        }
        let data = &b[at + 4..at + alen];
        match atype {
            RTA_OIF => out.ifindex = u32_at(data, 0),
            RTA_PREFSRC => out.source = addr(family, data),
            _ => {}
        }
        at += (alen + 3) & !3;
    }
    Ok(out)
}

fn addr(family: u8, data: &[u8]) -> Option<IpAddr> {
    if i32::from(family) == libc::AF_INET {
        let o: [u8; 4] = data.get(..4)?.try_into().ok()?;
        Some(Ipv4Addr::from(o).into())
    } else {
        let o: [u8; 16] = data.get(..16)?.try_into().ok()?;
        Some(Ipv6Addr::from(o).into())
    }
}

/// Asks the kernel; falls back to no answer (`Ok` with nothing) only if
/// the reply cannot be read, so callers can try `connect()` instead.
pub fn route_to(dest: IpAddr) -> io::Result<RouteTo> {
    let mut sock = Socket::new(
        Domain::from(libc::AF_NETLINK),
        Type::RAW,
        Some(Protocol::from(libc::NETLINK_ROUTE)),
    )?;
    sock.set_read_timeout(Some(std::time::Duration::from_secs(2)))?;
    sock.write_all(&request(dest, 1))?;
    let mut buf = vec![0u8; 8192];
    let n = sock.read(&mut buf)?;
    parse_reply(&buf[..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply as the kernel sends it, built field by field: `multicast
    /// 239.1.1.1 dev lo (1) src 192.0.2.2`.
    fn reply_v4(oif: u32, src: [u8; 4]) -> Vec<u8> {
        let mut attrs = Vec::new();
        for (t, data) in [
            (15u16, 254u32.to_ne_bytes().to_vec()),
            (RTA_DST, vec![239, 1, 1, 1]),
            (RTA_OIF, oif.to_ne_bytes().to_vec()),
            (RTA_PREFSRC, src.to_vec()),
        ] {
            attrs.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
            attrs.extend_from_slice(&t.to_ne_bytes());
            attrs.extend_from_slice(&data);
        }
        let total = NLMSG_HDR + RTMSG + attrs.len();
        let mut m = Vec::new();
        m.extend_from_slice(&(total as u32).to_ne_bytes());
        m.extend_from_slice(&RTM_NEWROUTE.to_ne_bytes());
        m.extend_from_slice(&0u16.to_ne_bytes());
        m.extend_from_slice(&1u32.to_ne_bytes());
        m.extend_from_slice(&0u32.to_ne_bytes());
        m.extend_from_slice(&[libc::AF_INET as u8, 32, 0, 0, 254, 0, 0, 5]);
        m.extend_from_slice(&0u32.to_ne_bytes());
        m.extend_from_slice(&attrs);
        m
    }

    #[test]
    fn the_interface_and_source_of_a_reply() {
        let r = parse_reply(&reply_v4(1, [192, 0, 2, 2])).unwrap();
        assert_eq!(r.ifindex, Some(1));
        assert_eq!(r.source, Some("192.0.2.2".parse().unwrap()));
    }

    /// Replies captured from Linux 6.18 in the lab namespace (lo with
    /// 224.0.0.0/4, mc1 192.0.2.2 and 2001:db8::2; fuzz/make_seeds.py).
    #[test]
    fn captured_kernel_replies() {
        let r = parse_reply(include_bytes!("testdata/route_239.1.1.1_lo.bin")).unwrap();
        assert_eq!(r.ifindex, Some(1), "dev lo");
        assert_eq!(
            r.source,
            Some("192.0.2.2".parse().unwrap()),
            "another interface's address"
        );
        let r = parse_reply(include_bytes!("testdata/route_ff15__1.bin")).unwrap();
        assert_eq!(r.ifindex, Some(2), "dev mc1");
        assert_eq!(r.source, Some("2001:db8::2".parse().unwrap()));
        let e = parse_reply(include_bytes!("testdata/route_unreachable.bin")).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENETUNREACH));
    }

    #[test]
    fn an_error_reply_is_the_kernels_errno() {
        let mut m = Vec::new();
        m.extend_from_slice(&36u32.to_ne_bytes());
        m.extend_from_slice(&NLMSG_ERROR.to_ne_bytes());
        m.extend_from_slice(&[0; 10]);
        m.extend_from_slice(&(-libc::ENETUNREACH).to_ne_bytes());
        m.extend_from_slice(&[0; 16]);
        let e = parse_reply(&m).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENETUNREACH));
    }

    #[test]
    fn truncated_or_odd_replies_are_errors_not_panics() {
        let full = reply_v4(3, [192, 0, 2, 1]);
        for cut in 0..full.len() {
            let mut b = full[..cut].to_vec();
            // Keep the header's length honest for the cut copy too.
            if b.len() >= 4 {
                b[..4].copy_from_slice(&(cut as u32).to_ne_bytes());
            }
            let _ = parse_reply(&b);
        }
        let mut bad = full.clone();
        bad[NLMSG_HDR + RTMSG] = 2; // an attribute shorter than its header
        bad[NLMSG_HDR + RTMSG + 1] = 0;
        assert!(parse_reply(&bad).is_err());
        assert!(parse_reply(&[0xff; 8]).is_err());
    }

    #[test]
    fn requests_carry_the_destination() {
        let r = request("ff15::1".parse().unwrap(), 7);
        assert_eq!(r.len(), NLMSG_HDR + RTMSG + 20);
        assert_eq!(u16_at(&r, 4), Some(RTM_GETROUTE));
        assert_eq!(r[NLMSG_HDR + 1], 128);
        assert_eq!(&r[r.len() - 16..r.len() - 14], &[0xff, 0x15]);
    }

    /// `(Udp OutDatagrams, Udp6OutDatagrams)` of this thread's namespace.
    fn udp_out() -> (u64, u64) {
        let snmp = std::fs::read_to_string("/proc/thread-self/net/snmp").unwrap();
        let rows: Vec<Vec<&str>> = snmp
            .lines()
            .filter(|l| l.starts_with("Udp:"))
            .map(|l| l.split_whitespace().collect())
            .collect();
        let at = rows[0].iter().position(|n| *n == "OutDatagrams").unwrap();
        let snmp6 = std::fs::read_to_string("/proc/thread-self/net/snmp6").unwrap();
        let v6 = snmp6
            .lines()
            .find_map(|l| l.strip_prefix("Udp6OutDatagrams"))
            .unwrap();
        (rows[1][at].parse().unwrap(), v6.trim().parse().unwrap())
    }

    /// What the BSDs and Windows rely on: `connect()` of a UDP socket
    /// looks up the route and sends nothing. Checked in a private network
    /// namespace (this thread's own), next to rtnetlink's answer.
    #[test]
    #[ignore = "needs root: unshares a network namespace"]
    fn root_connect_sends_nothing_and_agrees_with_rtnetlink() {
        std::thread::spawn(|| {
            // SAFETY: unshare(2) with CLONE_NEWNET moves only this thread
            // (and the processes it spawns) into a new network namespace.
            assert_eq!(unsafe { libc::unshare(libc::CLONE_NEWNET) }, 0);
            let ip = |args: &[&str]| {
                let ok = std::process::Command::new("ip")
                    .args(args)
                    .status()
                    .unwrap();
                assert!(ok.success(), "ip {args:?}");
            };
            ip(&["link", "set", "lo", "up"]);
            ip(&["link", "add", "mc0", "type", "veth", "peer", "name", "mc1"]);
            ip(&["addr", "add", "192.0.2.1/24", "dev", "mc0"]);
            ip(&["addr", "add", "2001:db8::1/64", "dev", "mc0", "nodad"]);
            ip(&["link", "set", "mc0", "up"]);
            ip(&["link", "set", "mc1", "up"]);
            ip(&["route", "add", "239.0.0.0/8", "dev", "mc0"]);
            // The local table holds ff00::/8 for both veth ends; a longer
            // prefix there decides.
            ip(&[
                "-6",
                "route",
                "add",
                "multicast",
                "ff15::/16",
                "dev",
                "mc0",
                "table",
                "local",
            ]);
            // IPv6 picks no source address on a link whose carrier is
            // not up yet: wait for it (bounded).
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                let out = std::process::Command::new("ip")
                    .args(["-o", "link", "show", "dev", "mc0"])
                    .output()
                    .unwrap();
                if String::from_utf8_lossy(&out.stdout).contains(" state UP ") {
                    break;
                }
                assert!(std::time::Instant::now() < deadline, "mc0 never came up");
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let mc0 = getifaddrs::if_nametoindex("mc0").unwrap();
            let before = udp_out();
            for dest in ["239.1.1.1", "ff15::1"] {
                let dest: IpAddr = dest.parse().unwrap();
                let by_connect = crate::platform::host::route_by_connect(dest).unwrap();
                let by_netlink = route_to(dest).unwrap();
                let want: IpAddr = if dest.is_ipv4() {
                    "192.0.2.1"
                } else {
                    "2001:db8::1"
                }
                .parse()
                .unwrap();
                assert_eq!(by_connect.source, Some(want), "{dest}");
                assert_eq!(by_netlink.ifindex, Some(mc0), "{dest}");
            }
            for dest in ["203.0.113.9", "2001:db8:1::9"] {
                let dest: IpAddr = dest.parse().unwrap();
                let e = crate::platform::host::route_by_connect(dest).unwrap_err();
                assert_eq!(e.raw_os_error(), Some(libc::ENETUNREACH), "{dest}");
                let e = route_to(dest).unwrap_err();
                assert_eq!(e.raw_os_error(), Some(libc::ENETUNREACH), "{dest}");
            }
            assert_eq!(udp_out(), before, "a route lookup sent a datagram");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn the_kernel_answers_for_loopback() {
        let r = route_to("127.0.0.1".parse().unwrap()).unwrap();
        assert!(r.ifindex.is_some(), "{r:?}");
    }
}
