//! `mcast querier` and `mcast groups` against a real snooping switch (a
//! Linux bridge, `support::lab::Switch`) and the kernel's real tables, in
//! private namespaces (root: `root_*`), plus bad input (anywhere).

use std::net::IpAddr;

use serde_json::Value;

use crate::support::lab::{Switch, SwitchConfig};
use crate::support::{
    host_mcast, ip, json_lines, records_of, run_with_timeout, Finished, Netns, WAIT,
};

/// `mcast ARGS` in `ns`, run to its end (it must end by itself).
fn run(ns: &Netns, args: &[&str]) -> Finished {
    let mut cmd = ns.mcast();
    cmd.args(args).env("NO_COLOR", "1");
    let done = run_with_timeout(cmd, WAIT * 3).unwrap();
    assert!(!done.timed_out, "{args:?} hung: {}", done.stderr);
    done
}

/// The querier summaries of a `--json` run, by family.
fn summary<'a>(records: &'a [Value], family: &str) -> &'a Value {
    records_of(records, "summary")
        .into_iter()
        .find(|r| r["family"] == family)
        .unwrap_or_else(|| panic!("no {family} summary in {records:?}"))
}

/// Runs `querier --json` on host 0 and checks it names the bridge, the
/// versions and the 2 s interval for both families.
fn names_the_bridge(igmp: u8, mld: u8) {
    let sw = Switch::new(SwitchConfig {
        igmp_version: igmp,
        mld_version: mld,
        ..SwitchConfig::default()
    })
    .unwrap();
    let h = &sw.hosts[0];
    let _join = sw
        .hold(0, &["239.1.2.3", "[ff15::7]:5000"], ip("ff15::7"))
        .unwrap();
    let done = run(h, &["querier", "-i", "h0", "-t", "5s", "--json"]);
    assert_eq!(done.code(), Some(0), "{}\n{}", done.stdout, done.stderr);
    let records = json_lines(&done.stdout);
    let v4 = summary(&records, "IPv4");
    assert_eq!(v4["querier"], Switch::BRIDGE_V4.to_string(), "{v4}");
    assert_eq!(v4["version"], format!("IGMPv{igmp}"), "{v4}");
    assert_eq!(v4["level"], "ok", "{v4}");
    assert_eq!(v4["evidence"], "packets");
    let v6 = summary(&records, "IPv6");
    assert_eq!(
        v6["querier"],
        sw.bridge_link_local().unwrap().to_string(),
        "{v6}"
    );
    assert_eq!(v6["version"], format!("MLDv{mld}"), "{v6}");
    assert_eq!(v6["level"], "ok", "{v6}");
    for s in [v4, v6] {
        // From QQIC (v3, MLDv2) or measured between queries (older).
        let interval = s["interval_s"].as_f64().unwrap();
        assert!((1.5..=2.6).contains(&interval), "interval {interval}: {s}");
        assert!(s["queries"].as_u64().unwrap() >= 2, "{s}");
        // This host answers: its reports are seen leaving.
        assert!(s["reports_out"].as_u64().unwrap() >= 1, "{s}");
        assert!(
            !s["verdict"].as_str().unwrap().contains("no reports out"),
            "{s}"
        );
    }
    let queries = records_of(&records, "query");
    assert!(queries
        .iter()
        .any(|q| q["group"].is_null() && q["iface"] == "h0"));
    let own = records_of(&records, "report");
    assert!(
        own.iter().any(|r| r["own"] == true
            && r["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["group"] == "239.1.2.3")),
        "{own:?}"
    );
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_querier_names_an_igmpv2_and_mldv1_bridge() {
    require_root!();
    names_the_bridge(2, 1);
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_querier_names_an_igmpv3_and_mldv2_bridge() {
    require_root!();
    names_the_bridge(3, 2);
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_querier_text_names_the_querier() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    let done = run(&sw.hosts[0], &["querier", "-4", "-i", "h0", "-t", "3s"]);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(
        done.stdout.contains(
            "IGMPv3 general query from 192.0.2.254: max response 1 s, interval 2 s, robustness 2"
        ),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout
            .contains("ok: IGMPv3 querier 192.0.2.254 on h0: queries every 2 s"),
        "{}",
        done.stdout
    );
    assert!(
        !done.stdout.contains("IPv6"),
        "-4 shows IPv4 only: {}",
        done.stdout
    );
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_querier_off_exits_1_and_says_so() {
    require_root!();
    let sw = Switch::new(SwitchConfig {
        querier: false,
        ..SwitchConfig::default()
    })
    .unwrap();
    let done = run(&sw.hosts[0], &["querier", "-i", "h0", "-t", "3s"]);
    assert_eq!(done.code(), Some(1), "{}\n{}", done.stdout, done.stderr);
    for p in ["IGMP", "MLD"] {
        let want = format!(
            "problem: no {p} querier seen on h0 in 3 s: snooping switches will stop forwarding \
             about 260 s after the last report"
        );
        assert!(done.stdout.contains(&want), "{}", done.stdout);
    }
    assert!(!done.stdout.contains(" query from"), "{}", done.stdout);
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_querier_sees_forced_older_igmp_and_mld_versions() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    let h = &sw.hosts[0];
    h.sysctl("net.ipv4.conf.h0.force_igmp_version", "2")
        .unwrap();
    h.sysctl("net.ipv6.conf.h0.force_mld_version", "1").unwrap();
    let done = run(h, &["querier", "-i", "h0", "-t", "3s", "--json"]);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    let s = summary(&records, "IPv4");
    assert_eq!(s["level"], "problem", "{s}");
    assert!(
        s["verdict"].as_str().unwrap().starts_with(
            "querier speaks IGMPv3 but this host forces IGMPv2 on h0 \
             (net.ipv4.conf.h0.force_igmp_version=2)"
        ),
        "{s}"
    );
    let s = summary(&records, "IPv6");
    assert!(
        s["verdict"].as_str().unwrap().starts_with(
            "querier speaks MLDv2 but this host forces MLDv1 on h0 \
             (net.ipv6.conf.h0.force_mld_version=1)"
        ),
        "{s}"
    );
}

#[test]
#[ignore = "needs root: network namespaces, a bridge and nftables"]
fn root_querier_sees_queries_in_no_reports_out() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    let h = &sw.hosts[0];
    let _join = sw.hold(0, &["239.1.2.3"], ip("239.1.2.3")).unwrap();
    let mut nft = h.command("nft");
    nft.arg(
        "add table inet mcast_test; \
         add chain inet mcast_test out { type filter hook output priority 0; }; \
         add rule inet mcast_test out ip protocol igmp drop; \
         add rule inet mcast_test out meta l4proto ipv6-icmp icmpv6 type mld2-listener-report drop",
    );
    let out = nft.output().unwrap();
    assert!(
        out.status.success(),
        "nft: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done = run(h, &["querier", "-i", "h0", "-t", "5s", "--json"]);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    for (family, p) in [("IPv4", "IGMP"), ("IPv6", "MLD")] {
        let s = summary(&records, family);
        assert_eq!(s["reports_out"], 0, "{s}");
        assert_eq!(s["level"], "problem", "{s}");
        let verdict = s["verdict"].as_str().unwrap();
        assert!(
            verdict.starts_with("queries in, no reports out on h0:"),
            "{s}"
        );
        assert!(
            verdict.contains(&format!("(a firewall dropping outgoing {p}?)")),
            "{s}"
        );
    }
    assert!(records_of(&records, "report")
        .iter()
        .all(|r| r["own"] == false));
}

#[test]
#[ignore = "needs root: network namespaces, a bridge and setpriv"]
fn root_querier_without_cap_net_raw_falls_back_to_counters() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    let h = &sw.hosts[0];
    let mut cmd = h.mcast_without_net_raw();
    cmd.args(["querier", "-i", "h0", "-t", "10s", "--json"]);
    let done = run_with_timeout(cmd, WAIT * 3).unwrap();
    assert_eq!(done.code(), Some(0), "{}\n{}", done.stdout, done.stderr);
    let first = done.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("mcast: no CAP_NET_RAW"),
        "{}",
        done.stderr
    );
    let records = json_lines(&done.stdout);
    let v6 = summary(&records, "IPv6");
    assert_eq!(v6["evidence"], "counters", "{v6}");
    assert_eq!(v6["level"], "ok", "{v6}");
    assert!(v6["verdict"].as_str().unwrap().contains("MLD quer"), "{v6}");
    assert_eq!(summary(&records, "IPv4")["evidence"], "counters");
}

/// The groups `mcast groups --json` lists on `dev`, as (group, mode,
/// sources).
fn listed(records: &[Value], dev: &str) -> Vec<(IpAddr, String, Vec<String>)> {
    records_of(records, "membership")
        .into_iter()
        .filter(|r| r["iface"] == dev)
        .map(|r| {
            (
                ip(r["group"].as_str().unwrap()),
                r["mode"].as_str().unwrap().to_string(),
                r["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs root: network namespaces"]
fn root_groups_match_the_kernel() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut cmd = ns.mcast();
    cmd.args([
        "join",
        "239.1.2.3",
        "192.0.2.9,232.1.1.1",
        "[ff15::7]:5000",
        "2001:db8::9,[ff35::8]:5000",
        "-i",
        "mc1",
        "-q",
    ]);
    let mut join = ns.spawn(cmd).unwrap();
    for g in ["239.1.2.3", "232.1.1.1", "ff15::7", "ff35::8"] {
        join.wait_for_group(&ns, ip(g), WAIT).unwrap();
    }
    let done = run(&ns, &["groups", "--json"]);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    let got = listed(&records, "mc1");
    // Exactly the kernel's memberships on mc1, as the harness reads them.
    let mut kernel: Vec<IpAddr> = ns
        .memberships()
        .unwrap()
        .into_iter()
        .filter(|(d, _)| d == "mc1")
        .map(|(_, g)| g)
        .collect();
    let mut ours: Vec<IpAddr> = got.iter().map(|(g, _, _)| *g).collect();
    kernel.sort();
    ours.sort();
    assert_eq!(ours, kernel);
    let find = |g: &str| got.iter().find(|(a, _, _)| *a == ip(g)).unwrap().clone();
    assert_eq!(find("239.1.2.3").1, "ASM");
    assert_eq!(
        find("232.1.1.1"),
        (ip("232.1.1.1"), "SSM".into(), vec!["192.0.2.9".into()])
    );
    assert_eq!(find("ff15::7").1, "ASM");
    assert_eq!(
        find("ff35::8"),
        (ip("ff35::8"), "SSM".into(), vec!["2001:db8::9".into()])
    );
    let v4 = records_of(&records, "membership")
        .into_iter()
        .find(|r| r["group"] == "232.1.1.1")
        .unwrap();
    assert_eq!(v4["version"], "IGMPv3");
    // Filters: one interface, one group; text has the same rows.
    let done = run(&ns, &["groups", "-i", "mc1", "232.1.1.1"]);
    let rows: Vec<&str> = done.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{}", done.stdout);
    assert!(
        rows[0].starts_with("mc1 (") && rows[0].contains("SSM") && rows[0].contains("192.0.2.9")
    );
    assert!(!run(&ns, &["groups", "-i", "mc0", "--json"])
        .stdout
        .contains("232.1.1.1"));
}

#[test]
#[ignore = "needs root: network namespaces"]
fn root_groups_watch_prints_joins_and_leaves() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut cmd = ns.mcast();
    cmd.args([
        "groups", "-i", "mc1", "--json", "-t", "20s", "--watch", "100ms",
    ]);
    let mut watch = ns.spawn(cmd).unwrap();
    // The full listing comes first (mc1's link-local groups at least).
    watch
        .wait_for_line(crate::support::Stream::Stdout, WAIT, |l| {
            l.contains("\"change\":null")
        })
        .unwrap();
    let mut cmd = ns.mcast();
    cmd.args(["join", "239.7.7.7", "-i", "mc1", "-q"]);
    let mut join = ns.spawn(cmd).unwrap();
    join.wait_for_group(&ns, ip("239.7.7.7"), WAIT).unwrap();
    watch
        .wait_for_line(crate::support::Stream::Stdout, WAIT, |l| {
            l.contains("\"change\":\"joined\"") && l.contains("239.7.7.7")
        })
        .unwrap();
    join.interrupt().unwrap();
    join.finish(WAIT).unwrap();
    watch
        .wait_for_line(crate::support::Stream::Stdout, WAIT, |l| {
            l.contains("\"change\":\"left\"") && l.contains("239.7.7.7")
        })
        .unwrap();
    watch.interrupt().unwrap();
    let done = watch.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
}

/// Runs `args` on this host (no socket is opened: bad input is caught
/// first) and expects one line naming the value, exit 2.
fn rejects(args: &[&str], expected: &str) {
    let out = host_mcast().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
}

#[test]
fn querier_and_groups_bad_input() {
    rejects(&["querier", "-i", "nosuch0"], "unknown interface 'nosuch0'");
    rejects(&["querier", "-t", "soon"], "'soon'");
    rejects(&["querier", "-t", "0s"], "--timeout 0s is not valid");
    rejects(&["groups", "-i", "nosuch0"], "unknown interface 'nosuch0'");
    rejects(
        &["groups", "10.1.1.1"],
        "10.1.1.1 is not a multicast address",
    );
    rejects(&["groups", "lots"], "group 'lots' is not an address");
    rejects(&["groups", "--watch", "0s"], "--watch 0s is not valid");
    rejects(&["groups", "-t", "5s"], "--watch");
    for args in [
        &["querier", "-i", "nosuch0"][..],
        &["querier", "-t", "0s"],
        &["groups", "10.1.1.1"],
    ] {
        let out = host_mcast().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[cfg(target_os = "linux")]
/// Runs `f` on a thread that has entered `ns`'s network namespace, so
/// sockets it opens (and threads it starts) live there; the test process
/// itself stays where it was.
fn in_netns<T: Send + 'static>(ns: &Netns, f: impl FnOnce() -> T + Send + 'static) -> T {
    use std::os::fd::AsRawFd;
    let path = format!("/run/netns/{}", ns.name());
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).unwrap();
        // SAFETY: setns(2) on this thread only, with a namespace file we
        // hold open; no memory is shared with the kernel.
        #[allow(unsafe_code)]
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
        f()
    })
    .join()
    .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs root: network namespaces, a bridge and raw sockets"]
fn root_observer_answers_queries_since() {
    use mcast::platform::Family;
    use mcast::querier::wire::Version;
    use mcast::querier::{Observer, Reports};
    use std::time::{Duration, Instant};
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    let index = crate::support::lab::ifindex(&sw.hosts[0], Switch::HOST_DEV).unwrap();
    let (seen, later, keys) = in_netns(&sw.hosts[0], move || {
        let t0 = Instant::now();
        let obs = Observer::start(Some(index), &[Family::V4, Family::V6], Reports::Seen).unwrap();
        assert!(obs.sees_reports());
        // What join and listen use: queries without the packet tap.
        let queries_only = Observer::start(Some(index), &[Family::V4], Reports::NotNeeded).unwrap();
        assert!(!queries_only.sees_reports());
        let deadline = t0 + Duration::from_secs(10);
        while obs.queries_since(t0, Some(index), Family::V4).count < 2 && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(100));
        }
        let seen = obs.queries_since(t0, Some(index), Family::V4);
        let deadline = Instant::now() + Duration::from_secs(10);
        while queries_only
            .queries_since(t0, Some(index), Family::V4)
            .count
            < 1
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            queries_only
                .queries_since(t0, Some(index), Family::V4)
                .querier,
            Some(IpAddr::V4(Switch::BRIDGE_V4))
        );
        let later = obs.queries_since(Instant::now() + Duration::from_secs(60), None, Family::V4);
        let keys: Vec<_> = obs
            .snapshot()
            .into_iter()
            .map(|(k, l)| (k.ifindex, k.family, l.iface))
            .collect();
        (seen, later, keys)
    });
    assert!(seen.count >= 2, "{seen:?}");
    assert_eq!(seen.querier, Some(IpAddr::V4(Switch::BRIDGE_V4)));
    assert_eq!(seen.version, Some(Version::IgmpV3));
    assert_eq!(later.count, 0);
    assert_eq!(later.last, None);
    assert!(
        keys.contains(&(index, Family::V4, "h0".to_string())),
        "{keys:?}"
    );
}
