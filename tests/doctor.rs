//! `mcast ifaces` and `mcast doctor` in private namespaces: each doctor
//! check's condition is created for real (sysctls, links, routes, nftables
//! rules) and must be reported; a healthy namespace must come out clean.

use serde_json::Value;

use crate::support::lab::{Switch, SwitchConfig};
use crate::support::{
    host_mcast, ip, json_lines, records_of, run_with_timeout, Finished, Netns, JOIN_TIMEOUT, WAIT,
};

/// The standard lab with 239.0.0.0/8 and ff15::/16 routed out of mc1, so
/// the routes agree with `-i mc1`.
fn lab() -> Netns {
    let ns = Netns::new().unwrap();
    ns.ip(&["route", "add", "239.0.0.0/8", "dev", "mc1"])
        .unwrap();
    ns.ip(&["-6", "route", "add", "ff15::/16", "dev", "mc1"])
        .unwrap();
    ns.wait_for_links_up(&["mc0", "mc1"]).unwrap();
    ns
}

fn run(ns: &Netns, args: &[&str]) -> Finished {
    let mut cmd = ns.mcast();
    cmd.args(args).env("NO_COLOR", "1");
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert!(!done.timed_out, "{args:?} hung: {}", done.stderr);
    done
}

/// `mcast doctor ARGS --json`: exit code and the `check` records. The
/// querier is not looked for unless `--querier-wait` is in `args` (the
/// standard lab has none; the switch tests below look for it).
fn doctor(ns: &Netns, args: &[&str]) -> (Option<i32>, Vec<Value>, Value) {
    let mut all = vec!["doctor", "--json"];
    if !args.contains(&"--querier-wait") {
        all.extend(["--querier-wait", "0"]);
    }
    all.extend_from_slice(args);
    let done = run(ns, &all);
    let records = json_lines(&done.stdout);
    let checks: Vec<Value> = records_of(&records, "check").into_iter().cloned().collect();
    let summary = records.last().cloned().unwrap_or(Value::Null);
    assert_eq!(summary["type"], "summary", "{}", done.stdout);
    (done.code(), checks, summary)
}

/// The checks named `name` with status `status`.
fn with<'a>(checks: &'a [Value], name: &str, status: &str) -> Vec<&'a Value> {
    checks
        .iter()
        .filter(|c| c["name"] == name && c["status"] == status)
        .collect()
}

fn one<'a>(checks: &'a [Value], name: &str, status: &str) -> &'a Value {
    let found = with(checks, name, status);
    assert!(!found.is_empty(), "no {status} {name} check in {checks:#?}");
    found[0]
}

/// `(Udp OutDatagrams, Udp6OutDatagrams)` of the namespace.
fn udp_out(ns: &Netns) -> (u64, u64) {
    let snmp = run_with_timeout(
        {
            let mut c = ns.command("cat");
            c.arg("/proc/net/snmp");
            c
        },
        WAIT,
    )
    .unwrap()
    .stdout;
    let lines: Vec<&str> = snmp.lines().filter(|l| l.starts_with("Udp:")).collect();
    let names: Vec<&str> = lines[0].split_whitespace().collect();
    let values: Vec<&str> = lines[1].split_whitespace().collect();
    let at = names.iter().position(|n| *n == "OutDatagrams").unwrap();
    let v4 = values[at].parse().unwrap();
    let snmp6 = run_with_timeout(
        {
            let mut c = ns.command("cat");
            c.arg("/proc/net/snmp6");
            c
        },
        WAIT,
    )
    .unwrap()
    .stdout;
    let v6 = snmp6
        .lines()
        .find_map(|l| l.strip_prefix("Udp6OutDatagrams"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (v4, v6)
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ifaces_lists_the_namespace_and_its_multicast_routes() {
    require_root!();
    let ns = lab();
    ns.ip(&["link", "set", "dev", "mc0", "mtu", "1400"])
        .unwrap();
    ns.ip(&["link", "set", "dev", "mc0", "multicast", "off"])
        .unwrap();
    let before = udp_out(&ns);
    let done = run(&ns, &["ifaces", "--json"]);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    // The route lookups are connect() calls: no datagram left.
    assert_eq!(udp_out(&ns), before, "ifaces sent UDP");
    let records = json_lines(&done.stdout);
    let ifaces = records_of(&records, "interface");
    let by_name = |n: &str| *ifaces.iter().find(|i| i["name"] == n).unwrap();
    let lo = by_name("lo");
    assert_eq!(lo["loopback"], true);
    assert_eq!(lo["mtu"], 65536);
    let mc0 = by_name("mc0");
    assert_eq!(
        (mc0["up"].clone(), mc0["running"].clone()),
        (true.into(), true.into())
    );
    assert_eq!(mc0["multicast"], false);
    assert_eq!(mc0["mtu"], 1400);
    let addrs = mc0["addrs"].as_array().unwrap();
    assert!(
        addrs
            .iter()
            .any(|a| a["addr"] == "192.0.2.1" && a["prefix"] == 24),
        "{addrs:?}"
    );
    assert!(
        addrs
            .iter()
            .any(|a| a["addr"] == "2001:db8::1" && a["prefix"] == 64),
        "{addrs:?}"
    );
    let mc1 = by_name("mc1");
    assert_eq!(mc1["multicast"], true);
    assert_eq!(mc1["mtu"], 1500);
    assert_eq!(mc1["default_for"], serde_json::json!(["IPv4", "IPv6"]));
    assert_eq!(mc0["default_for"], serde_json::json!([]));
    let routes = records_of(&records, "multicast_route");
    assert_eq!(routes.len(), 2);
    assert_eq!(routes[0]["group"], "239.255.0.1");
    assert_eq!(routes[0]["iface"], "mc1");
    assert_eq!(routes[0]["source"], "192.0.2.2");
    assert_eq!(routes[1]["group"], "ff15::1");
    assert_eq!(routes[1]["iface"], "mc1");

    // A group of the user's, and the text table.
    let done = run(&ns, &["ifaces", "224.2.2.2"]);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(done.stdout.starts_with("INDEX  NAME"), "{}", done.stdout);
    assert!(
        done.stdout
            .contains("IPv4 multicast (224.2.2.2) leaves by default via lo (index 1)"),
        "{}",
        done.stdout
    );
    let mc0_line = done.stdout.lines().find(|l| l.contains(" mc0 ")).unwrap();
    assert!(
        mc0_line.contains(" no ") && mc0_line.contains("1400"),
        "{mc0_line}"
    );
    assert!(
        mc0_line.contains("192.0.2.1/24 2001:db8::1/64"),
        "{mc0_line}"
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ifaces_says_when_a_family_has_no_route() {
    require_root!();
    let ns = Netns::bare().unwrap();
    let done = run(&ns, &["ifaces"]);
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(
        done.stdout
            .contains("IPv4 multicast (239.255.0.1) has no route"),
        "{}",
        done.stdout
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_doctor_finds_a_healthy_host_clean_and_sends_nothing_on_the_wire() {
    require_root!();
    let ns = lab();
    // A listener on the other end of the veth would see any self-test
    // packet that left mc1.
    let mut cmd = ns.mcast();
    cmd.args(["listen", "239.255.77.77:5000", "-i", "mc0", "-t", "8s"]);
    let mut listener = ns.spawn(cmd).unwrap();
    listener
        .wait_for_group(&ns, ip("239.255.77.77"), JOIN_TIMEOUT)
        .unwrap();
    let (code, checks, summary) = doctor(&ns, &["239.1.1.1", "[ff15::1]:5000", "-i", "mc1"]);
    assert_eq!(code, Some(0), "{checks:#?}");
    assert_eq!(summary["status"], "ok", "{checks:#?}");
    assert_eq!(summary["problems"], 0);
    assert_eq!(summary["warnings"], 0);
    for name in [
        "interface",
        "route",
        "rp_filter",
        "igmp_version",
        "mld_version",
        "memberships",
        "ttl",
        "scope",
        "mac",
        "firewall",
    ] {
        one(&checks, name, "ok");
    }
    let tests = with(&checks, "selftest", "ok");
    assert_eq!(tests.len(), 2, "IPv4 and IPv6: {checks:#?}");
    assert!(one(&checks, "firewall", "ok")["detail"]
        .as_str()
        .unwrap()
        .starts_with("no rule drops IGMP, MLD or UDP port 5000 (nft"));
    let heard = listener.finish(WAIT).unwrap();
    assert_eq!(
        heard.code(),
        Some(1),
        "the self-test's TTL 0 packets crossed the wire: {}",
        heard.stderr
    );

    // Text on a terminal-less stdout: one line per check, the summary last.
    let done = run(
        &ns,
        &["doctor", "239.1.1.1", "-i", "mc1", "--querier-wait", "0"],
    );
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(
        done.stdout
            .lines()
            .next()
            .unwrap()
            .starts_with("ok       interface     mc1 (index"),
        "{}",
        done.stdout
    );
    assert!(!done.stdout.contains('\u{1b}'), "colour without a terminal");
    assert!(
        done.stdout
            .ends_with("doctor: 10 ok, 0 warnings, 0 problems, 1 skipped: no problem found\n"),
        "{}",
        done.stdout
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_doctor_strict_rp_filter_drops_an_off_link_source() {
    require_root!();
    let ns = lab();
    ns.sysctl("net.ipv4.conf.all.rp_filter", "1").unwrap();
    let (code, checks, _) = doctor(&ns, &["203.0.113.9,232.1.1.1", "-i", "mc1"]);
    assert_eq!(code, Some(1));
    let c = one(&checks, "rp_filter", "problem");
    let detail = c["detail"].as_str().unwrap();
    assert!(
        detail
            .starts_with("strict reverse-path filtering on mc1 (effective 1 = max(all 1, mc1 0))"),
        "{detail}"
    );
    assert!(
        detail.contains("203.0.113.9 (no route back to it)"),
        "{detail}"
    );
    assert!(c["fix"]
        .as_str()
        .unwrap()
        .contains("net.ipv4.conf.mc1.rp_filter=2"));
    // A source routed back via mc1 passes the same filter.
    ns.ip(&["route", "add", "198.51.100.0/24", "dev", "mc1"])
        .unwrap();
    let (_, checks, _) = doctor(&ns, &["198.51.100.7,232.1.1.1", "-i", "mc1"]);
    one(&checks, "rp_filter", "ok");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_doctor_interface_down_or_without_multicast() {
    require_root!();
    let ns = lab();
    ns.ip(&["link", "set", "dev", "mc1", "down"]).unwrap();
    let (code, checks, _) = doctor(&ns, &["239.1.1.1", "-i", "mc1"]);
    assert_eq!(code, Some(1));
    let c = one(&checks, "interface", "problem");
    assert!(c["detail"].as_str().unwrap().contains("is down"), "{c}");
    assert_eq!(c["fix"], "ip link set dev mc1 up");
    one(&checks, "selftest", "skipped");

    ns.ip(&["link", "set", "dev", "mc1", "up", "multicast", "off"])
        .unwrap();
    ns.wait_for_links_up(&["mc1"]).unwrap();
    let (code, checks, _) = doctor(&ns, &["239.1.1.1", "-i", "mc1"]);
    assert_eq!(code, Some(1));
    let c = one(&checks, "interface", "problem");
    assert!(
        c["detail"].as_str().unwrap().contains("MULTICAST flag off"),
        "{c}"
    );
    assert_eq!(c["fix"], "ip link set dev mc1 multicast on");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_doctor_no_route_for_the_group() {
    require_root!();
    let ns = Netns::new().unwrap();
    ns.ip(&["route", "del", "224.0.0.0/4", "dev", "lo"])
        .unwrap();
    let (code, checks, _) = doctor(&ns, &["239.1.1.1", "-i", "mc1"]);
    assert_eq!(code, Some(1));
    let c = one(&checks, "route", "problem");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .starts_with("239.1.1.1 has no route"),
        "{c}"
    );
    assert_eq!(c["fix"], "ip route add 239.0.0.0/8 dev mc1");
    // With the interface named, the self-test still works without a route.
    one(&checks, "selftest", "ok");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_doctor_kernel_limits_and_forced_igmp_version() {
    require_root!();
    let ns = lab();
    ns.sysctl("net.ipv4.igmp_max_memberships", "2").unwrap();
    ns.sysctl("net.ipv4.conf.mc1.force_igmp_version", "2")
        .unwrap();
    let (code, checks, _) = doctor(&ns, &["239.1.1.1+3", "-i", "mc1"]);
    assert_eq!(code, Some(0), "warnings alone: {checks:#?}");
    let c = one(&checks, "memberships", "warning");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .starts_with("one socket may join only 2 IPv4 groups"),
        "{c}"
    );
    assert_eq!(c["fix"], "sysctl -w net.ipv4.igmp_max_memberships=3");
    let c = one(&checks, "igmp_version", "warning");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .starts_with("force_igmp_version=2 on mc1 (all 0, mc1 2)"),
        "{c}"
    );
    // Source-specific groups need IGMPv3: a problem.
    let (code, checks, _) = doctor(&ns, &["192.0.2.1,232.1.1.1", "-i", "mc1"]);
    assert_eq!(code, Some(1));
    one(&checks, "igmp_version", "problem");
}

/// `nft -f -` inside the namespace.
fn nft(ns: &Netns, script: &str) {
    use std::io::Write;
    let mut cmd = ns.command("nft");
    cmd.args(["-f", "-"]).stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "nft refused {script}");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_doctor_flags_nftables_rules_dropping_igmp_and_the_port() {
    require_root!();
    let ns = lab();
    nft(
        &ns,
        "table inet mc {\n\
           chain out { type filter hook output priority 0; ip protocol igmp drop; }\n\
           chain in { type filter hook input priority 0; udp dport 6000 drop; }\n\
         }\n",
    );
    let (code, checks, _) = doctor(&ns, &["239.1.1.1:6000", "-i", "mc1"]);
    assert_eq!(code, Some(1));
    let found = with(&checks, "firewall", "problem");
    let details: Vec<&str> = found
        .iter()
        .map(|c| c["detail"].as_str().unwrap())
        .collect();
    assert!(
        details.iter().any(|d| d
            .starts_with("nft table inet mc chain out (hook output) rule handle")
            && d.contains("drops IGMP")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("nft table inet mc chain in (hook input)")
                && d.contains("drops UDP port 6000")),
        "{details:?}"
    );
    assert!(found.iter().all(|c| c["fix"]
        .as_str()
        .unwrap()
        .starts_with("nft delete rule inet mc ")));
    // A port no rule names: only IGMP is flagged.
    let (_, checks, _) = doctor(&ns, &["239.1.1.1:5000", "-i", "mc1"]);
    assert_eq!(with(&checks, "firewall", "problem").len(), 1, "{checks:#?}");
}

#[test]
fn doctor_and_ifaces_bad_input() {
    for (args, want) in [
        (
            &["doctor", "-i", "nosuch0"][..],
            "unknown interface 'nosuch0'",
        ),
        (
            &["doctor", "10.1.1.1"][..],
            "10.1.1.1 is not a multicast address",
        ),
        (&["doctor", "239.1.1.1", "239.1.1.1"][..], "given twice"),
        (&["ifaces", "239.1.1.1:99999"][..], "99999"),
        (
            &["doctor", "--querier-wait", "1h"][..],
            "--querier-wait 1h is too long for doctor; give at most 10m",
        ),
    ] {
        let out = host_mcast().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_doctor_flags_iptables_rules() {
    require_root!();
    let ns = lab();
    let iptables = |tool: &str, args: &[&str]| {
        let mut cmd = ns.command(tool);
        cmd.args(args);
        assert!(cmd.status().unwrap().success(), "{tool} {args:?}");
    };
    iptables(
        "iptables",
        &["-A", "INPUT", "-p", "udp", "--dport", "6000", "-j", "DROP"],
    );
    iptables(
        "ip6tables",
        &[
            "-A",
            "OUTPUT",
            "-p",
            "ipv6-icmp",
            "--icmpv6-type",
            "143",
            "-j",
            "DROP",
        ],
    );
    let (code, checks, _) = doctor(&ns, &["[ff15::1]:6000", "-i", "mc1"]);
    assert_eq!(code, Some(1));
    let details: Vec<&str> = with(&checks, "firewall", "problem")
        .iter()
        .map(|c| c["detail"].as_str().unwrap())
        .collect();
    assert!(
        details.contains(&"iptables rule -A INPUT -p udp -m udp --dport 6000 -j DROP drops UDP port 6000: the groups' packets never reach the programs"),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.starts_with(
            "ip6tables rule -A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 143 -j DROP drops MLD"
        )),
        "{details:?}"
    );
    let fixes: Vec<&str> = with(&checks, "firewall", "problem")
        .iter()
        .map(|c| c["fix"].as_str().unwrap())
        .collect();
    assert!(
        fixes.contains(&"iptables -D INPUT -p udp -m udp --dport 6000 -j DROP"),
        "{fixes:?}"
    );
}

/// `mcast doctor -i h0 --json ARGS` on host 0 of `sw` (which the querier
/// check may keep for its whole wait): exit code, checks, time taken.
fn doctor_on_switch(sw: &Switch, args: &[&str]) -> (Option<i32>, Vec<Value>, std::time::Duration) {
    let mut cmd = sw.hosts[0].mcast();
    cmd.args(["doctor", "--json", "-i", Switch::HOST_DEV])
        .args(args)
        .env("NO_COLOR", "1");
    let started = std::time::Instant::now();
    let done = run_with_timeout(cmd, WAIT * 3).unwrap();
    let took = started.elapsed();
    assert!(!done.timed_out, "{args:?} hung: {}", done.stderr);
    let records = json_lines(&done.stdout);
    let checks = records_of(&records, "check").into_iter().cloned().collect();
    (done.code(), checks, took)
}

/// The querier checks whose detail starts with `start`.
fn querier_starting<'a>(checks: &'a [Value], status: &str, start: &str) -> &'a Value {
    with(checks, "querier", status)
        .into_iter()
        .find(|c| c["detail"].as_str().unwrap().starts_with(start))
        .unwrap_or_else(|| panic!("no {status} querier check starting {start:?} in {checks:#?}"))
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_doctor_names_the_querier_and_stops_listening_once_seen() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    // A long wait that must not be used up: the check ends once both
    // families' querier (and this host's answer) were seen.
    let (code, checks, took) = doctor_on_switch(&sw, &["--querier-wait", "25s"]);
    assert_eq!(code, Some(0), "{checks:#?}");
    assert!(took < std::time::Duration::from_secs(20), "took {took:?}");
    querier_starting(
        &checks,
        "ok",
        &format!(
            "IGMPv3 querier {} on h0: queries every 2 s",
            Switch::BRIDGE_V4
        ),
    );
    querier_starting(
        &checks,
        "ok",
        &format!("MLDv2 querier {} on h0", sw.bridge_link_local().unwrap()),
    );
    assert!(
        with(&checks, "querier", "problem").is_empty(),
        "{checks:#?}"
    );
    assert!(
        with(&checks, "querier", "warning").is_empty(),
        "{checks:#?}"
    );
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_doctor_sees_a_forced_igmpv2_host_behind_an_igmpv3_querier() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    sw.hosts[0]
        .sysctl("net.ipv4.conf.h0.force_igmp_version", "2")
        .unwrap();
    let (code, checks, _) = doctor_on_switch(&sw, &["--querier-wait", "6s"]);
    assert_eq!(code, Some(1), "{checks:#?}");
    let c = querier_starting(
        &checks,
        "problem",
        "querier speaks IGMPv3 but this host forces IGMPv2 on h0 \
         (net.ipv4.conf.h0.force_igmp_version=2)",
    );
    assert_eq!(
        c["fix"],
        "sysctl -w net.ipv4.conf.all.force_igmp_version=0 net.ipv4.conf.h0.force_igmp_version=0"
    );
    // The setting alone is a warning; with the querier seen, a problem.
    one(&checks, "igmp_version", "warning");
}

#[test]
#[ignore = "needs root: network namespaces and a bridge"]
fn root_doctor_flags_a_snooping_switch_without_querier() {
    require_root!();
    let sw = Switch::new(SwitchConfig {
        querier: false,
        ..SwitchConfig::default()
    })
    .unwrap();
    let (code, checks, _) = doctor_on_switch(&sw, &["--querier-wait", "2s"]);
    // IPv4: the short wait proves little, a warning; IPv6: the counter
    // shows no MLD query ever arrived, a problem.
    assert_eq!(code, Some(1), "{checks:#?}");
    let c = querier_starting(
        &checks,
        "warning",
        "no IGMP query seen on h0 in 2 s (queries come every 125 s by default; \
         run `mcast querier -i h0` for a full interval)",
    );
    assert_eq!(c["fix"], "mcast querier -i h0 -4 -t 130s");
    let c = querier_starting(
        &checks,
        "problem",
        "no MLD query seen on h0 in 2 s, and none",
    );
    assert!(
        c["fix"]
            .as_str()
            .unwrap()
            .starts_with("enable an MLD querier on this link"),
        "{c}"
    );
}

#[test]
#[ignore = "needs root: network namespaces, a bridge and setpriv"]
fn root_doctor_without_cap_net_raw_counts_mld_queries() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    let mut cmd = sw.hosts[0].mcast_without_net_raw();
    cmd.args(["doctor", "--json", "-i", "h0", "--querier-wait", "8s"]);
    let done = run_with_timeout(cmd, WAIT * 3).unwrap();
    let records = json_lines(&done.stdout);
    let checks: Vec<Value> = records_of(&records, "check").into_iter().cloned().collect();
    let c = querier_starting(&checks, "ok", "");
    let detail = c["detail"].as_str().unwrap();
    assert!(detail.contains("MLD quer"), "{detail}");
    assert!(
        detail.ends_with(
            "(no CAP_NET_RAW to see queries; from the kernel's tables, weaker evidence)"
        ),
        "{detail}"
    );
}

#[test]
#[ignore = "needs root: network namespaces, a bridge and nftables"]
fn root_doctor_sees_queries_in_no_reports_out() {
    require_root!();
    let sw = Switch::new(SwitchConfig::default()).unwrap();
    let _join = sw.hold(0, &["239.1.2.3"], ip("239.1.2.3")).unwrap();
    nft(
        &sw.hosts[0],
        "table inet mcast_test {
           chain out { type filter hook output priority 0; ip protocol igmp drop; }
         }",
    );
    let (code, checks, _) = doctor_on_switch(&sw, &["239.1.2.3", "--querier-wait", "8s"]);
    assert_eq!(code, Some(1), "{checks:#?}");
    let c = querier_starting(&checks, "problem", "queries in, no reports out on h0:");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains("(a firewall dropping outgoing IGMP?)"),
        "{c}"
    );
    assert!(
        c["fix"]
            .as_str()
            .unwrap()
            .starts_with("find the rule dropping outgoing IGMP (see firewall)"),
        "{c}"
    );
    // The rule itself, found by the firewall check.
    assert!(
        with(&checks, "firewall", "problem")
            .iter()
            .any(|f| f["detail"].as_str().unwrap().contains("drops IGMP")),
        "{checks:#?}"
    );
}
