//! The multi-host lab (issue #4): `mcast` against real links, a real
//! multicast router (smcrouted) and real IGMP/MLD, every host its own
//! network namespace (topologies in `support::lab`).
//!
//! One test per scenario, IPv4 and IPv6 each: same link (1), TTL across the
//! router (2), SSM through the router (3), interface choice for `send` and
//! `listen` (4), IGMPv3/MLDv2 on the wire (5), loopback (6), interface flap
//! and re-creation (7). They need root (`root_lab_*`, ignored otherwise):
//! `sudo cargo test --test all lab:: -- --include-ignored`. The parsers
//! they rely on are checked everywhere.

use std::net::IpAddr;

use serde_json::Value;

use crate::support::lab::{
    self, ifindex, wait_for_membership, wait_for_users, Capture, Mroute, MultiHomed, Routed,
    TwoHosts,
};
use crate::support::{
    ip, json_lines, link, netns_exists, packets, run_with_timeout, Finished, Netns, Running,
    Stream, WAIT,
};

/// `mcast ARGS` in `ns`, started and left running.
fn spawn(ns: &Netns, args: &[&str]) -> Running {
    let mut cmd = ns.mcast();
    cmd.args(args).env("NO_COLOR", "1");
    ns.spawn(cmd).unwrap()
}

/// Starts `mcast ARGS` (a `listen` or `join`) in `ns` and waits until it
/// holds `group` on `dev`.
fn joined(ns: &Netns, dev: &str, group: &str, args: &[&str]) -> Running {
    let mut child = spawn(ns, args);
    wait_for_membership(&mut child, ns, dev, ip(group)).unwrap();
    child
}

/// Runs `mcast send ARGS` in `ns` to completion; it must succeed.
fn send(ns: &Netns, args: &[&str]) -> Finished {
    let mut cmd = ns.mcast();
    cmd.arg("send").args(args).env("NO_COLOR", "1");
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "send {args:?}: {}", done.stderr);
    done
}

/// Waits for a `listen`/`join` to end by itself (count reached); it must
/// exit 0 and not need killing.
fn finish(mut child: Running) -> Finished {
    let done = child.finish(WAIT).unwrap();
    assert!(!done.timed_out, "hung: {}", done.stderr);
    assert_eq!(
        done.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        done.stdout,
        done.stderr
    );
    done
}

/// The payloads of `listen --json` packet records, in arrival order.
fn payloads(stdout: &str) -> Vec<String> {
    packets(stdout)
        .iter()
        .map(|p| p["payload"].as_str().unwrap_or("<test packet>").to_owned())
        .collect()
}

/// `n` copies of `s`, for comparing with [`payloads`].
fn times(s: &str, n: usize) -> Vec<String> {
    vec![s.to_owned(); n]
}

/// The first (`start`) record of `send --json` output.
fn send_start(done: &Finished) -> Value {
    let start = json_lines(&done.stdout).remove(0);
    assert_eq!(start["type"], "start", "{}", done.stdout);
    start
}

/// One address family's parameters for a scenario.
struct Family {
    name: &'static str,
    /// The group as `mcast` takes it, with port 5000.
    group: String,
    /// The bare group address (as membership tables and records show it).
    addr: &'static str,
}

fn family(name: &'static str, addr: &'static str) -> Family {
    let group = if addr.contains(':') {
        format!("[{addr}]:5000")
    } else {
        format!("{addr}:5000")
    };
    Family { name, group, addr }
}

/// `ADDR:PORT` with brackets for IPv6.
fn sockaddr(addr: impl std::fmt::Display, port: u16) -> String {
    let addr = addr.to_string();
    if addr.contains(':') {
        format!("[{addr}]:{port}")
    } else {
        format!("{addr}:{port}")
    }
}

/// The address part of `ADDR:PORT` or `[V6ADDR]:PORT`.
fn host_part(sockaddr: &str) -> &str {
    let (host, _port) = sockaddr.rsplit_once(':').unwrap();
    host.trim_start_matches('[').trim_end_matches(']')
}

// ---------------------------------------------------------------- parsers

#[test]
fn parses_the_multicast_forwarding_cache() {
    let v4 = "Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n\
              01000AEF 026433C6 0          6      192        0  1:1  \n\
              02000AEF 036433C6 -1         0        0        0\n";
    let entries = lab::parse_mr_cache(v4);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].iif, 0);
    assert_eq!(entries[0].packets, 6);
    assert_eq!(entries[0].oifs, ["1:1"]);
    assert_eq!(entries[1].iif, -1);
    assert!(entries[1].oifs.is_empty());
    if cfg!(target_endian = "little") {
        assert_eq!(entries[0].group, ip("239.10.0.1"));
        assert_eq!(entries[0].origin, ip("198.51.100.2"));
    }
    let v6 = "Group                            Origin                           Iif      Pkts  Bytes     Wrong  Oifs\n\
              ff15:0000:0000:0000:0000:0000:0010:0001 2001:0db8:0001:0000:0000:0000:0000:0002 0          6      312        0  1:1  \n";
    let entries = lab::parse_mr_cache(v6);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].group, ip("ff15::10:1"));
    assert_eq!(entries[0].origin, ip("2001:db8:1::2"));
    assert_eq!(entries[0].oifs, ["1:1"]);
}

#[test]
fn parses_membership_users() {
    let v4 = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n\
              2\tb0        :     2      V3\n\
              \t\t\t\t01002BEF     2 0:00000000\t\t0\n\
              \t\t\t\t010000E0     1 0:00000000\t\t0\n";
    if cfg!(target_endian = "little") {
        assert_eq!(lab::parse_igmp_users(v4, ip("239.43.0.1")), 2);
        assert_eq!(lab::parse_igmp_users(v4, ip("224.0.0.1")), 1);
    }
    assert_eq!(lab::parse_igmp_users(v4, ip("239.9.9.9")), 0);
    let v6 = "2    b0              ff150000000000000000000000430001     3 00000004 0\n\
              2    b0              ff020000000000000000000000000001     1 0000000C 0\n";
    assert_eq!(lab::parse_igmp6_users(v6, ip("ff15::43:1")), 3);
    assert_eq!(lab::parse_igmp6_users(v6, ip("ff15::43:2")), 0);
}

#[test]
fn smcroute_config_enables_both_sides_and_lists_routes() {
    let conf = lab::smcroute_conf(&[
        Mroute::any("239.1.0.0/16"),
        Mroute::from("2001:db8:1::2", "ff15::1"),
    ]);
    assert_eq!(
        conf.lines().skip(1).collect::<Vec<_>>(),
        [
            "phyint ra enable ttl-threshold 1",
            "phyint rb enable ttl-threshold 1",
            "mroute from ra group 239.1.0.0/16 to rb",
            "mroute from ra source 2001:db8:1::2 group ff15::1 to rb",
        ]
    );
}

#[test]
fn tcpdump_continuation_lines_join_their_packet() {
    let text = "02:37:33.183203 IP (tos 0xc0, ttl 1, proto IGMP (2), length 52, options (RA))\n    \
                203.0.113.2 > 224.0.0.22: igmp v3 report, 1 group record(s) [gaddr 239.1.1.1 to_ex { }]\n\
                02:37:33.183235 IP6 (hlim 1) fe80::1 > ff02::16: HBH ICMP6, multicast listener report v2\n";
    let packets = lab::join_continuations(text);
    assert_eq!(packets.len(), 2);
    assert!(packets[0].contains("(RA)) 203.0.113.2 > 224.0.0.22: igmp v3 report"));
    assert!(packets[1].starts_with("02:37:33.183235 IP6"));
}

// --------------------------------------------------------------- the lab

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_topologies_are_built_and_torn_down() {
    require_root!();
    let routed = Routed::new(&[Mroute::any("239.40.9.1")]).unwrap();
    let names: Vec<String> = [&routed.a, &routed.r, &routed.b]
        .iter()
        .map(|ns| ns.name().to_owned())
        .collect();
    assert!(names.iter().all(|n| netns_exists(n).unwrap()), "{names:?}");
    // A and B route the other side's unicast through R.
    for (ns, to, via) in [
        (&routed.a, "203.0.113.2", "via 198.51.100.1 dev a0"),
        (&routed.a, "2001:db8:2::2", "via 2001:db8:1::1 dev a0"),
        (&routed.b, "198.51.100.2", "via 203.0.113.1 dev b0"),
        (&routed.b, "2001:db8:1::2", "via 2001:db8:2::1 dev b0"),
    ] {
        let route = ns.ip(&["route", "get", to]).unwrap();
        assert!(route.contains(via), "{to}: {route}");
    }
    let mut cmd = routed.r.command("sysctl");
    cmd.args(["-n", "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"]);
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert_eq!(done.stdout, "1\n1\n");
    // smcrouted runs in R, with multicast forwarding on for both families.
    for key in [
        "net.ipv4.conf.all.mc_forwarding",
        "net.ipv6.conf.all.mc_forwarding",
    ] {
        let mut cmd = routed.r.command("sysctl");
        cmd.args(["-n", key]);
        let done = run_with_timeout(cmd, WAIT).unwrap();
        assert_eq!(done.stdout.trim(), "1", "{key}");
    }
    let pid = routed.smcrouted_pid();
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap();
    assert_eq!(comm.trim(), "smcrouted");
    drop(routed);
    for name in &names {
        assert!(!netns_exists(name).unwrap(), "{name} survived");
    }
    // Killed and reaped with its namespaces.
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "smcrouted {pid} survived"
    );

    let hosts = MultiHomed::new().unwrap();
    let names: Vec<String> = [&hosts.h, &hosts.x, &hosts.y]
        .iter()
        .map(|ns| ns.name().to_owned())
        .collect();
    assert!(hosts
        .h
        .ip(&["-o", "addr"])
        .unwrap()
        .contains("203.0.113.1/24"));
    drop(hosts);
    assert!(names.iter().all(|n| !netns_exists(n).unwrap()), "{names:?}");
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_router_is_torn_down_when_a_test_panics() {
    require_root!();
    let (tx, rx) = std::sync::mpsc::channel();
    let panicked = std::thread::spawn(move || {
        let routed = Routed::new(&[Mroute::any("239.40.9.2")]).unwrap();
        let names: Vec<String> = [&routed.a, &routed.r, &routed.b]
            .iter()
            .map(|ns| ns.name().to_owned())
            .collect();
        tx.send((names, routed.smcrouted_pid())).unwrap();
        panic!("a failing lab test");
    })
    .join()
    .is_err();
    assert!(panicked);
    let (names, pid) = rx.recv().unwrap();
    assert!(names.iter().all(|n| !netns_exists(n).unwrap()), "{names:?}");
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "smcrouted {pid} survived"
    );
}

/// Scenario 1: on one link, every packet arrives, naming its group, its
/// source (address and port, as the sender reported them) and the
/// interface it came in on.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_same_link_every_packet_arrives_intact() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    for (fam, source) in [
        (family("IPv4", "239.40.0.1"), IpAddr::V4(TwoHosts::A_V4)),
        (family("IPv6", "ff15::40:1"), IpAddr::V6(TwoHosts::A_V6)),
    ] {
        let listener = joined(
            &lab.b,
            TwoHosts::B_DEV,
            fam.addr,
            &[
                "listen", &fam.group, "-i", "b0", "-c", "10", "-t", "5s", "--json",
            ],
        );
        let sent = send(
            &lab.a,
            &[
                &fam.group, "-i", "a0", "-c", "10", "--rate", "200", "--ttl", "4", "--json",
            ],
        );
        let start = send_start(&sent);
        let from = start["source"].as_str().unwrap();
        let port: u16 = from.rsplit(':').next().unwrap().parse().unwrap();
        assert_eq!(from, sockaddr(source, port), "{}", fam.name);

        let done = finish(listener);
        let pkts = packets(&done.stdout);
        assert_eq!(pkts.len(), 10, "{}: {}", fam.name, done.stdout);
        for (seq, p) in pkts.iter().enumerate() {
            assert_eq!(p["group"], fam.addr, "{}: {p}", fam.name);
            assert_eq!(p["source"], source.to_string(), "{}: {p}", fam.name);
            assert_eq!(p["source_port"], port, "{}: {p}", fam.name);
            assert_eq!(p["port"], 5000, "{}: {p}", fam.name);
            assert_eq!(p["iface"], "b0", "{}: {p}", fam.name);
            // One link, no router: the TTL arrives as sent.
            assert_eq!(p["ttl"], 4, "{}: {p}", fam.name);
            assert_eq!(p["seq"], seq, "{}: {p}", fam.name);
            assert_eq!(p["sender"], start["sender"], "{}: {p}", fam.name);
            assert_eq!(p["len"], 64, "{}: {p}", fam.name);
        }
    }
}

/// Scenario 2: a router forwards only packets whose TTL (hop limit) is
/// above its threshold, and counts the hop: TTL 1 stops at R, TTL 2
/// arrives with 1.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_ttl_1_stops_at_the_router_ttl_2_crosses_it() {
    require_root!();
    let lab = Routed::new(&[Mroute::any("239.41.0.1"), Mroute::any("ff15::41:1")]).unwrap();
    for (fam, source) in [
        (family("IPv4", "239.41.0.1"), IpAddr::V4(Routed::A_V4)),
        (family("IPv6", "ff15::41:1"), IpAddr::V6(Routed::A_V6)),
    ] {
        // Stops at the first 5 packets: were TTL-1 packets forwarded, they
        // would be among them.
        let listener = joined(
            &lab.b,
            Routed::B_DEV,
            fam.addr,
            &[
                "listen", &fam.group, "-i", "b0", "-c", "5", "-t", "5s", "--json",
            ],
        );
        let sent = send(
            &lab.a,
            &[
                &fam.group,
                "-i",
                "a0",
                "-c",
                "4",
                "--rate",
                "200",
                "--ttl",
                "1",
                "--payload",
                "ttl 1",
                "--json",
            ],
        );
        assert_eq!(send_start(&sent)["ttl"], 1);
        // They reached R: its (S,G) entry, made from the (*,G) route,
        // counted them, and has B's side as output.
        let entry = lab.wait_for_mfc(source, ip(fam.addr), 4).unwrap();
        assert_eq!(entry.oifs, ["1:1"], "{}: {entry:?}", fam.name);

        send(
            &lab.a,
            &[
                &fam.group,
                "-i",
                "a0",
                "-c",
                "5",
                "--rate",
                "200",
                "--ttl",
                "2",
                "--payload",
                "ttl 2",
            ],
        );
        let done = finish(listener);
        assert_eq!(payloads(&done.stdout), times("ttl 2", 5), "{}", fam.name);
        for p in packets(&done.stdout) {
            assert_eq!(p["ttl"], 1, "{}: the hop was not counted: {p}", fam.name);
            assert_eq!(p["source"], source.to_string(), "{}: {p}", fam.name);
            assert_eq!(p["iface"], "b0", "{}: {p}", fam.name);
        }
        let entry = lab.wait_for_mfc(source, ip(fam.addr), 9).unwrap();
        assert_eq!(entry.packets, 9, "{}: {entry:?}", fam.name);
    }
}

/// Scenario 3: through the router, which forwards every source, a listener
/// joined to (S1,G) gets S1 only, while an any-source listener on the same
/// host and port shows that S2's packets did arrive.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_ssm_listener_gets_its_source_only() {
    require_root!();
    let lab = Routed::new(&[Mroute::any("239.42.0.1"), Mroute::any("ff15::42:1")]).unwrap();
    lab.a.add_addr("a0", "198.51.100.3/24").unwrap();
    lab.a.add_addr("a0", "2001:db8:1::3/64").unwrap();
    for (fam, good, bad) in [
        (family("IPv4", "239.42.0.1"), "198.51.100.2", "198.51.100.3"),
        (
            family("IPv6", "ff15::42:1"),
            "2001:db8:1::2",
            "2001:db8:1::3",
        ),
    ] {
        let ssm = format!("{good},{}", fam.group);
        // 4 packets: S2's come first, so had they got in, they would be
        // among these.
        let ssm_listener = joined(
            &lab.b,
            Routed::B_DEV,
            fam.addr,
            &["listen", &ssm, "-i", "b0", "-c", "4", "-t", "5s", "--json"],
        );
        let mut control = spawn(
            &lab.b,
            &[
                "listen", &fam.group, "-i", "b0", "-c", "8", "-t", "5s", "--json",
            ],
        );
        wait_for_users(&mut control, &lab.b, ip(fam.addr), 2).unwrap();
        // 4 per source: the kernel queues up to 4 packets of a new source
        // while smcrouted resolves the (*,G) route, so none is lost.
        for (addr, port, payload) in [(bad, 4002, "S2"), (good, 4001, "S1")] {
            send(
                &lab.a,
                &[
                    &fam.group,
                    "-i",
                    "a0",
                    "--bind",
                    &sockaddr(addr, port),
                    "--ttl",
                    "2",
                    "-c",
                    "4",
                    "--rate",
                    "200",
                    "--payload",
                    payload,
                ],
            );
        }
        let done = finish(ssm_listener);
        assert_eq!(payloads(&done.stdout), times("S1", 4), "{}", fam.name);
        for p in packets(&done.stdout) {
            assert_eq!(p["source"], good, "{}: {p}", fam.name);
            assert_eq!(p["source_port"], 4001, "{}: {p}", fam.name);
        }
        let done = finish(control);
        let mut want = times("S2", 4);
        want.extend(times("S1", 4));
        assert_eq!(
            payloads(&done.stdout),
            want,
            "{}: S2 must reach B",
            fam.name
        );
    }
}

/// One family's addresses on [`MultiHomed`], as strings.
struct MultiHomedFamily {
    fam: Family,
    hx: String,
    hy: String,
    x: String,
    y: String,
}

fn multihomed_v4() -> MultiHomedFamily {
    MultiHomedFamily {
        fam: family("IPv4", "239.43.0.1"),
        hx: MultiHomed::H_X_V4.to_string(),
        hy: MultiHomed::H_Y_V4.to_string(),
        x: MultiHomed::X_V4.to_string(),
        y: MultiHomed::Y_V4.to_string(),
    }
}

fn multihomed_v6() -> MultiHomedFamily {
    MultiHomedFamily {
        fam: family("IPv6", "ff15::43:1"),
        hx: MultiHomed::H_X_V6.to_string(),
        hy: MultiHomed::H_Y_V6.to_string(),
        x: MultiHomed::X_V6.to_string(),
        y: MultiHomed::Y_V6.to_string(),
    }
}

/// The three ways to name H's interface `dev`: name, index, address.
fn iface_specs(lab: &MultiHomed, dev: &str, addr: &str) -> [String; 3] {
    let index = ifindex(&lab.h, dev).unwrap().to_string();
    [dev.to_owned(), index, addr.to_owned()]
}

/// Scenario 4, sending: on a host with two links, `send -i` goes out the
/// chosen link only, with the interface given by name, by index or by
/// address. X and Y each hear exactly what H sent out their link, then an
/// end marker; anything sent out the wrong link would show up before it.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_send_goes_out_the_chosen_interface_only() {
    require_root!();
    let lab = MultiHomed::new().unwrap();
    for m in [multihomed_v4(), multihomed_v6()] {
        let fam = &m.fam;
        let x_specs = iface_specs(&lab, MultiHomed::H_X_DEV, &m.hx);
        let y_specs = iface_specs(&lab, MultiHomed::H_Y_DEV, &m.hy);
        let args = |dev| {
            [
                "listen", &fam.group, "-c", "10", "-t", "5s", "--json", "-i", dev,
            ]
        };
        let x = joined(&lab.x, MultiHomed::X_DEV, fam.addr, &args("x0"));
        let y = joined(&lab.y, MultiHomed::Y_DEV, fam.addr, &args("y0"));
        for (x_spec, y_spec) in x_specs.iter().zip(&y_specs) {
            for (spec, dev, to, from) in [(x_spec, "hx", "X", &m.hx), (y_spec, "hy", "Y", &m.hy)] {
                let payload = format!("to {to} via -i {spec}");
                let sent = send(
                    &lab.h,
                    &[
                        &fam.group,
                        "-i",
                        spec,
                        "-c",
                        "3",
                        "--rate",
                        "200",
                        "--payload",
                        &payload,
                        "--json",
                    ],
                );
                let start = send_start(&sent);
                assert_eq!(start["iface"], dev, "{}: -i {spec}", fam.name);
                let source = start["source"].as_str().unwrap();
                assert_eq!(host_part(source), from, "{}: -i {spec}: {start}", fam.name);
            }
        }
        for dev in ["hx", "hy"] {
            send(
                &lab.h,
                &[&fam.group, "-i", dev, "-c", "1", "--payload", "end"],
            );
        }
        for (done, to, specs, from) in [
            (finish(x), "X", &x_specs, &m.hx),
            (finish(y), "Y", &y_specs, &m.hy),
        ] {
            let mut want = Vec::new();
            for spec in specs {
                want.extend(times(&format!("to {to} via -i {spec}"), 3));
            }
            want.push("end".to_owned());
            assert_eq!(payloads(&done.stdout), want, "{}: at {to}", fam.name);
            assert!(
                packets(&done.stdout).iter().all(|p| p["source"] == **from),
                "{}: {}",
                fam.name,
                done.stdout
            );
        }
    }
}

/// Scenario 4, listening: H holds the group on hx too (so the host accepts
/// X's packets), yet a listener given hy (by name, index or address) hears
/// Y only. X sends first: had its packets got in, they would be among the
/// listener's 3.
fn listen_hears_only_the_chosen_interface(m: &MultiHomedFamily) {
    let lab = MultiHomed::new().unwrap();
    let fam = &m.fam;
    let on_hx = joined(
        &lab.h,
        MultiHomed::H_X_DEV,
        fam.addr,
        &[
            "listen", &fam.group, "-i", "hx", "-c", "9", "-t", "8s", "--json",
        ],
    );
    for spec in iface_specs(&lab, MultiHomed::H_Y_DEV, &m.hy) {
        let on_hy = joined(
            &lab.h,
            MultiHomed::H_Y_DEV,
            fam.addr,
            &[
                "listen", &fam.group, "-i", &spec, "-c", "3", "-t", "5s", "--json",
            ],
        );
        for (ns, dev, payload) in [(&lab.x, "x0", "from X"), (&lab.y, "y0", "from Y")] {
            send(
                ns,
                &[
                    &fam.group,
                    "-i",
                    dev,
                    "-c",
                    "3",
                    "--rate",
                    "200",
                    "--payload",
                    payload,
                ],
            );
        }
        let done = finish(on_hy);
        assert_eq!(
            payloads(&done.stdout),
            times("from Y", 3),
            "{}: listen -i {spec} heard another interface:\n{}",
            fam.name,
            done.stdout
        );
        for p in packets(&done.stdout) {
            assert_eq!(p["iface"], "hy", "{}: -i {spec}: {p}", fam.name);
            assert_eq!(p["source"], *m.y, "{}: -i {spec}: {p}", fam.name);
        }
    }
    // X's packets did reach H, on hx, all along.
    let done = finish(on_hx);
    assert_eq!(payloads(&done.stdout), times("from X", 9), "{}", fam.name);
    assert!(
        packets(&done.stdout)
            .iter()
            .all(|p| p["iface"] == "hx" && p["source"] == *m.x),
        "{}: {}",
        fam.name,
        done.stdout
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_listen_hears_only_the_chosen_interface_ipv4() {
    require_root!();
    listen_hears_only_the_chosen_interface(&multihomed_v4());
}

/// Linux's IPv6 socket filter matches the group only, not the interface
/// it was joined on (IPv4's compares the interface too), so `mcast` must
/// not rely on it.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_listen_hears_only_the_chosen_interface_ipv6() {
    require_root!();
    listen_hears_only_the_chosen_interface(&multihomed_v6());
}

/// Scenario 5: `mcast join` puts IGMPv3 and MLDv2 reports on the wire when
/// it starts (any-source: `to_ex { }`; source-specific: `allow { S }`) and
/// the matching leaves when it ends (`to_in { }`, `block { S }`), as seen
/// by a capture on the other end of the link.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_igmpv3_and_mldv2_reports_on_join_and_leave() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    // Linux speaks IGMPv3/MLDv2 unless an older querier is heard; make it
    // explicit.
    lab.b
        .sysctl("net.ipv4.conf.b0.force_igmp_version", "3")
        .unwrap();
    lab.b
        .sysctl("net.ipv6.conf.b0.force_mld_version", "2")
        .unwrap();
    let capture = Capture::start(&lab.a, TwoHosts::A_DEV, &["igmp", "or", "ip6"]).unwrap();

    let mut join = spawn(
        &lab.b,
        &[
            "join",
            "239.44.0.1",
            "192.0.2.1,239.44.0.2",
            "[ff15::44:1]:5000",
            "2001:db8::1,[ff15::44:2]:5000",
            "-i",
            "b0",
            "-q",
        ],
    );
    for group in ["239.44.0.1", "239.44.0.2", "ff15::44:1", "ff15::44:2"] {
        wait_for_membership(&mut join, &lab.b, "b0", ip(group)).unwrap();
    }
    let igmp = |record: &'static str| {
        move |p: &str| p.contains("192.0.2.2 > 224.0.0.22: igmp v3 report") && p.contains(record)
    };
    let mld = |record: &'static str| {
        move |p: &str| {
            p.contains("> ff02::16: HBH")
                && p.contains("multicast listener report v2")
                && p.contains(record)
        }
    };
    let joins = [
        "[gaddr 239.44.0.1 to_ex { }]",
        "[gaddr 239.44.0.2 allow { 192.0.2.1 }]",
        "[gaddr ff15::44:1 to_ex { }]",
        "[gaddr ff15::44:2 allow { 2001:db8::1 }]",
    ];
    capture.wait_for("IGMPv3 join", igmp(joins[0])).unwrap();
    capture.wait_for("IGMPv3 SSM join", igmp(joins[1])).unwrap();
    capture.wait_for("MLDv2 join", mld(joins[2])).unwrap();
    capture.wait_for("MLDv2 SSM join", mld(joins[3])).unwrap();
    let leaves = [
        "[gaddr 239.44.0.1 to_in { }]",
        "[gaddr 239.44.0.2 block { 192.0.2.1 }]",
        "[gaddr ff15::44:1 to_in { }]",
        "[gaddr ff15::44:2 block { 2001:db8::1 }]",
    ];
    let so_far = capture.packets().unwrap();
    for leave in leaves {
        assert!(
            !so_far.iter().any(|p| p.contains(leave)),
            "left while still running: {so_far:#?}"
        );
    }

    join.interrupt().unwrap();
    let done = finish(join);
    assert!(done.stderr.is_empty(), "-q: {}", done.stderr);
    capture.wait_for("IGMPv3 leave", igmp(leaves[0])).unwrap();
    capture
        .wait_for("IGMPv3 SSM leave", igmp(leaves[1]))
        .unwrap();
    capture.wait_for("MLDv2 leave", mld(leaves[2])).unwrap();
    capture.wait_for("MLDv2 SSM leave", mld(leaves[3])).unwrap();
    capture.stop().unwrap();
}

/// Scenario 6: `--no-loop` keeps a copy from listeners on the sending
/// host, `--loop` gives them one; the other host gets every packet either
/// way.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_loopback_reaches_local_listeners_only_when_asked() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    for fam in [family("IPv4", "239.45.0.1"), family("IPv6", "ff15::45:1")] {
        // 4 packets: the --no-loop ones come first, so had they looped
        // back, they would be among these.
        let local = joined(
            &lab.a,
            TwoHosts::A_DEV,
            fam.addr,
            &[
                "listen", &fam.group, "-i", "a0", "-c", "4", "-t", "5s", "--json",
            ],
        );
        let remote = joined(
            &lab.b,
            TwoHosts::B_DEV,
            fam.addr,
            &[
                "listen", &fam.group, "-i", "b0", "-c", "8", "-t", "5s", "--json",
            ],
        );
        for (flag, looped) in [("--no-loop", false), ("--loop", true)] {
            let payload = flag.trim_start_matches('-');
            let sent = send(
                &lab.a,
                &[
                    &fam.group,
                    "-i",
                    "a0",
                    "-c",
                    "4",
                    "--rate",
                    "200",
                    flag,
                    "--payload",
                    payload,
                    "--json",
                ],
            );
            assert_eq!(send_start(&sent)["loop"], looped, "{}", fam.name);
        }
        let done = finish(local);
        assert_eq!(payloads(&done.stdout), times("loop", 4), "{}", fam.name);
        assert!(packets(&done.stdout).iter().all(|p| p["iface"] == "a0"));
        let done = finish(remote);
        let mut want = times("no-loop", 4);
        want.extend(times("loop", 4));
        assert_eq!(payloads(&done.stdout), want, "{}", fam.name);
    }
}

/// Scenario 7: a `listen` on B keeps running when B's link goes down and
/// comes back, and when B's interface is deleted and recreated under the
/// same name; it says so each time, joins again, and receives again.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_lab_listen_survives_link_flap_and_interface_recreation() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    let groups = [family("IPv4", "239.47.0.1"), family("IPv6", "ff15::47:1")];
    let mut listener = spawn(
        &lab.b,
        &[
            "listen",
            &groups[0].group,
            &groups[1].group,
            "-i",
            "b0",
            "-c",
            "18",
            "-t",
            "30s",
            "--json",
        ],
    );
    let joined_all = |listener: &mut Running| {
        for fam in &groups {
            wait_for_membership(listener, &lab.b, "b0", ip(fam.addr)).unwrap();
        }
    };
    // The listener looks at its interface once a second and says on stderr
    // what it saw: wait for each of its messages in turn.
    let says = |listener: &mut Running, text: &str| {
        listener
            .wait_for_line(Stream::Stderr, WAIT, |l| l.contains(text))
            .unwrap_or_else(|e| panic!("the listener did not say {text:?}: {e}"));
    };
    let burst = |payload: &str| {
        for fam in &groups {
            send(
                &lab.a,
                &[
                    &fam.group,
                    "-i",
                    "a0",
                    "-c",
                    "3",
                    "--rate",
                    "200",
                    "--payload",
                    payload,
                ],
            );
        }
    };
    joined_all(&mut listener);
    burst("before");

    lab.b.ip(&["link", "set", "b0", "down"]).unwrap();
    says(&mut listener, "b0 is down");
    lab.b.ip(&["link", "set", "b0", "up"]).unwrap();
    says(&mut listener, "b0 is up again");
    joined_all(&mut listener);
    burst("after down/up");

    // Deleting one end of a veth pair deletes both.
    lab.b.ip(&["link", "del", "b0"]).unwrap();
    says(&mut listener, "b0 was removed");
    link(&lab.a, "a0", &lab.b, "b0").unwrap();
    for (ns, dev, cidrs) in [
        (&lab.a, "a0", ["192.0.2.1/24", "2001:db8::1/64"]),
        (&lab.b, "b0", ["192.0.2.2/24", "2001:db8::2/64"]),
    ] {
        for cidr in cidrs {
            ns.add_addr(dev, cidr).unwrap();
        }
    }
    says(&mut listener, "b0 is back");
    joined_all(&mut listener);
    burst("after re-creation");

    let done = finish(listener);
    let said = &done.stderr;
    let pkts = packets(&done.stdout);
    for fam in &groups {
        let got: Vec<&str> = pkts
            .iter()
            .filter(|p| p["group"] == fam.addr)
            .map(|p| p["payload"].as_str().unwrap())
            .collect();
        let mut want = Vec::new();
        for phase in ["before", "after down/up", "after re-creation"] {
            want.extend([phase; 3]);
        }
        assert_eq!(got, want, "{}: {said}", fam.name);
    }
    assert!(pkts.iter().all(|p| p["iface"] == "b0"), "{}", done.stdout);
}
