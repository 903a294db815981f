//! Checks the namespace harness in `support` itself: the parsers everywhere,
//! the namespaces and the waits as root.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::Command;
use std::time::Duration;

use crate::support::{
    addr_of, ip, link, netns_exists, parse_igmp, parse_igmp6, run_with_timeout, Netns, Running,
    Stream, UdpMib,
};

#[test]
fn parses_proc_net_igmp() {
    let text = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n\
                1\tlo        :     1      V3\n\
                \t\t\t\t010000E0     1 0:00000000\t\t0\n\
                3\tmc0       :     2      V3\n\
                \t\t\t\t030201EF     1 0:00000000\t\t0\n\
                \t\t\t\t010000E0     1 0:00000000\t\t0\n";
    let groups = parse_igmp(text);
    let devs: Vec<&str> = groups.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(devs, ["lo", "mc0", "mc0"]);
    // The kernel prints the group's in-memory bytes as a native u32.
    if cfg!(target_endian = "little") {
        let want = IpAddr::V4(Ipv4Addr::new(239, 1, 2, 3));
        assert_eq!(groups[1].1, want);
        assert_eq!(groups[2].1, IpAddr::V4(Ipv4Addr::new(224, 0, 0, 1)));
    }
}

#[test]
fn parses_proc_net_igmp6() {
    let text = "1    lo              ff020000000000000000000000000001     1 0000000C 0\n\
                3    mc0             ff150000000000000000000000000001     1 00000004 0\n";
    let ff15_1 = Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0, 1);
    assert_eq!(
        parse_igmp6(text),
        [
            (
                "lo".to_owned(),
                IpAddr::V6(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1))
            ),
            ("mc0".to_owned(), IpAddr::V6(ff15_1)),
        ]
    );
}

#[test]
fn parses_proc_net_snmp_udp() {
    let snmp = "Ip: Forwarding DefaultTTL\n\
                Ip: 2 64\n\
                Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\n\
                Udp: 1200 3 7 1210 7 0\n\
                UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\n\
                UdpLite: 0 0 0 0 0 0\n";
    let mib = UdpMib::parse(snmp).unwrap();
    assert_eq!(
        mib,
        UdpMib {
            in_datagrams: 1200,
            rcvbuf_errors: 7
        }
    );
    assert!(UdpMib::parse("Ip: Forwarding\nIp: 2\n").is_err());
}

#[test]
fn addr_of_takes_the_group_address_of_every_form() {
    for (group, addr) in [
        ("239.1.1.1", "239.1.1.1"),
        ("239.1.1.1:5000", "239.1.1.1"),
        ("192.0.2.1,239.1.1.1:5000", "239.1.1.1"),
        ("ff15::1", "ff15::1"),
        ("[ff15::1]:5000", "ff15::1"),
        ("2001:db8::1,[ff15::1]:5000", "ff15::1"),
    ] {
        assert_eq!(addr_of(group), ip(addr), "{group}");
    }
}

/// `wait_for_line` takes lines in order, passes over the others, sees a
/// last line without its newline once the stream ends, and fails, with
/// the output, when the stream ends without the line. No namespace: `sh`
/// on the host, sending nothing.
#[test]
fn wait_for_line_takes_lines_in_order() -> io::Result<()> {
    let mut cmd = Command::new("sh");
    cmd.args([
        "-c",
        "echo one; echo two; echo oops >&2; echo three; printf four",
    ]);
    let mut child = Running::spawn(cmd)?;
    let wait = Duration::from_secs(5);
    let first_t = child.wait_for_line(Stream::Stdout, wait, |l| l.starts_with('t'))?;
    assert_eq!(first_t, "two");
    let next = child.wait_for_line(Stream::Stdout, wait, |_| true)?;
    assert_eq!(next, "three");
    assert_eq!(child.wait_for_line(Stream::Stdout, wait, |_| true)?, "four");
    assert_eq!(child.wait_for_line(Stream::Stderr, wait, |_| true)?, "oops");
    let err = child
        .wait_for_line(Stream::Stdout, wait, |_| true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("Stdout ended"), "{err}");
    assert!(err.contains("one\ntwo\nthree\nfour"), "{err}");
    let done = child.finish(wait)?;
    assert_eq!(done.stdout, "one\ntwo\nthree\nfour");
    assert_eq!(done.stderr, "oops\n");
    Ok(())
}

/// A line that never comes fails at the deadline (time itself is what is
/// tested here), with what the child wrote so far.
#[test]
fn wait_for_line_fails_at_its_deadline() -> io::Result<()> {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo started; exec sleep 30"]);
    let mut child = Running::spawn(cmd)?;
    let err = child
        .wait_for_line(Stream::Stdout, Duration::from_millis(300), |l| l == "never")
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    assert!(err.to_string().contains("started"), "{err}");
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_standard_lab_is_built_and_removed() -> io::Result<()> {
    require_root!();
    let ns = Netns::new()?;
    let name = ns.name().to_owned();
    assert!(name.starts_with(&format!("mcast-t-{}-", std::process::id())));
    assert!(netns_exists(&name)?);

    let addrs = ns.ip(&["addr"])?;
    for want in [
        "mc0",
        "mc1",
        "192.0.2.1/24",
        "192.0.2.2/24",
        "2001:db8::1/64",
        "2001:db8::2/64",
    ] {
        assert!(addrs.contains(want), "{want} missing in {name}:\n{addrs}");
    }
    assert!(ns
        .ip(&["route", "show", "table", "local"])?
        .contains("192.0.2.1"));
    assert!(ns.ip(&["route", "show", "224.0.0.0/4"])?.contains("dev lo"));

    // Interfaces that are up join the all-hosts groups; seeing them proves
    // the membership reader works against the real /proc files.
    let groups = ns.memberships()?;
    let all_hosts_v4 = IpAddr::V4(Ipv4Addr::new(224, 0, 0, 1));
    let all_nodes_v6 = IpAddr::V6(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1));
    assert!(
        groups.contains(&("mc1".to_owned(), all_hosts_v4)),
        "{groups:?}"
    );
    assert!(
        groups.contains(&("mc1".to_owned(), all_nodes_v6)),
        "{groups:?}"
    );

    drop(ns);
    assert!(!netns_exists(&name)?, "{name} still exists after drop");
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_namespace_is_removed_when_a_test_panics() -> io::Result<()> {
    require_root!();
    let name = std::thread::spawn(|| -> io::Result<String> {
        let ns = Netns::bare()?;
        std::panic::panic_any(ns.name().to_owned())
    })
    .join()
    .err()
    .and_then(|payload| payload.downcast::<String>().ok())
    .ok_or_else(|| io::Error::other("thread did not panic with the name"))?;
    assert!(!netns_exists(&name)?, "{name} survived a panic");
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_link_joins_two_namespaces() -> io::Result<()> {
    require_root!();
    let (a, b) = (Netns::bare()?, Netns::bare()?);
    link(&a, "up0", &b, "down0")?;
    a.add_addr("up0", "198.51.100.1/24")?;
    b.add_addr("down0", "2001:db8:1::2/64")?;
    assert!(a.ip(&["addr", "show", "up0"])?.contains("198.51.100.1/24"));
    let down = b.ip(&["addr", "show", "down0"])?;
    assert!(
        down.contains("2001:db8:1::2/64") && down.contains("UP"),
        "{down}"
    );
    Ok(())
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_running_is_killed_at_its_deadline() -> io::Result<()> {
    require_root!();
    let ns = Netns::bare()?;
    let mut cmd = ns.command("sh");
    cmd.args(["-c", "echo started; echo oops >&2; exec sleep 30"]);
    let mut child = ns.spawn(cmd)?;
    let done = child.finish(Duration::from_millis(300))?;
    assert!(done.timed_out);
    assert_eq!(done.code(), None);
    assert_eq!(
        (done.stdout.as_str(), done.stderr.as_str()),
        ("started\n", "oops\n")
    );

    let done = run_with_timeout(ns.command("true"), Duration::from_secs(5))?;
    assert!(!done.timed_out && done.status.success());
    Ok(())
}
