//! `mcast ping` and `mcast pong` (issue #12) on the multi-host lab: hop
//! distance on one link and through a router, three responders with loss
//! on one, malformed probes, and interoperability with Debian's ssmping
//! package both ways. Root only (`root_ping_*`): every host is a network
//! namespace. The wire formats themselves are unit-tested in `src/ping/`.

use serde_json::Value;

use crate::support::impair::Loss;
use crate::support::lab::{smcroute_conf_both_ways, Lan, Routed, TwoHosts};
use crate::support::{
    json_lines, records_of, run_with_timeout, Finished, Netns, Running, Stream, WAIT,
};

/// How long a responder may run at most: every test ends well before.
const PONG_BOUND: &str = "30s";

/// Starts `mcast pong ARGS` in `ns` and waits until it has joined and
/// says it is answering.
fn pong(ns: &Netns, args: &[&str]) -> Running {
    let mut cmd = ns.mcast();
    cmd.arg("pong").args(args).args(["-d", PONG_BOUND]);
    let mut child = ns.spawn(cmd).unwrap();
    child
        .wait_for_line(Stream::Stderr, WAIT, |l| l.starts_with("answering"))
        .unwrap();
    child
}

/// Stops a responder (as Ctrl-C does) and returns what it wrote.
fn stop(mut child: Running) -> Finished {
    child.interrupt().unwrap();
    let done = child.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "pong: {}", done.stderr);
    done
}

/// Runs `mcast ping ARGS --json` in `ns` to its end.
fn ping(ns: &Netns, args: &[&str]) -> (Finished, Vec<Value>) {
    let mut cmd = ns.mcast();
    cmd.arg("ping").args(args).arg("--json");
    let done = run_with_timeout(cmd, WAIT * 3).unwrap();
    assert!(!done.timed_out, "ping hung: {}", done.stderr);
    let records = json_lines(&done.stdout);
    (done, records)
}

/// The `responder` records, by name.
fn responder<'a>(records: &'a [Value], name: &str) -> &'a Value {
    records_of(records, "responder")
        .into_iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no responder {name} in {records:#?}"))
}

/// A group per family for a test: `[IPv4, IPv6]`, as `(group, port 5000 form)`.
fn groups(v4: &'static str, v6: &'static str) -> [(&'static str, String); 2] {
    [(v4, format!("{v4}:5000")), (v6, format!("[{v6}]:5000"))]
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_same_link_hop_distance_0_both_paths() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    for (addr, group) in groups("239.42.0.1", "ff15::42:1") {
        let responder_b = pong(&lab.b, &[&group, "-i", "b0", "--name", "hostb"]);
        let (done, records) = ping(
            &lab.a,
            &[
                &group,
                "-i",
                "a0",
                "-c",
                "4",
                "--interval",
                "50ms",
                "-W",
                "1s",
                "--max-loss",
                "0",
            ],
        );
        assert_eq!(
            done.code(),
            Some(0),
            "{addr}: {}\n{}",
            done.stdout,
            done.stderr
        );
        let r = responder(&records, "hostb");
        for path in ["multicast", "unicast"] {
            let p = &r[path];
            assert_eq!(p["received"], 4, "{addr} {path}: {r}");
            assert_eq!(p["duplicates"], 0, "{addr} {path}: {r}");
            assert_eq!(
                (&p["hops_out"], &p["hops_back"]),
                (&Value::from(0), &Value::from(0))
            );
            let rtt = &p["rtt_ms"];
            assert!(rtt["min"].as_f64().unwrap() > 0.0, "{addr} {path}: {r}");
            assert!(rtt["p99"].as_f64() <= rtt["max"].as_f64(), "{r}");
        }
        assert_eq!(
            records_of(&records, "reply").len(),
            8,
            "{addr}: {}",
            done.stdout
        );
        let start = &records[0];
        assert_eq!(
            (&start["type"], &start["command"]),
            (&Value::from("start"), &Value::from("ping"))
        );
        assert_eq!(
            (&start["mode"], &start["count"]),
            (&Value::from("mcast"), &Value::from(4))
        );
        let summary = &records_of(&records, "ping")[0];
        assert_eq!(
            (&summary["probes"], &summary["responders"]),
            (&Value::from(4), &Value::from(1))
        );
        let pong_done = stop(responder_b);
        assert!(
            pong_done.stderr.contains("8 replies sent to 1 prober"),
            "{}",
            pong_done.stderr
        );
    }
}

/// SSM: the prober joins (responder, G) and probes the responder by
/// unicast; the responder answers by unicast and from its own address to
/// G, whether it was given its source or only the group; never to an SSM
/// group it does not serve.
#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_ssm_group_both_paths_from_the_responder() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    for (served, probed, multicast) in [
        ("192.0.2.2,232.1.1.1:5000", "192.0.2.2,232.1.1.1:5000", 4),
        ("232.1.1.1:5000", "192.0.2.2,232.1.1.1:5000", 4),
        (
            "2001:db8::2,[ff35::8]:5000",
            "2001:db8::2,[ff35::8]:5000",
            4,
        ),
        ("[ff35::8]:5000", "2001:db8::2,[ff35::8]:5000", 4),
        ("192.0.2.2,232.1.1.2:5000", "192.0.2.2,232.1.1.1:5000", 0),
    ] {
        let b = pong(&lab.b, &[served, "-i", "b0", "--name", "hostb"]);
        let (done, records) = ping(
            &lab.a,
            &[
                probed,
                "-i",
                "a0",
                "-c",
                "4",
                "--interval",
                "50ms",
                "-W",
                "1s",
            ],
        );
        let what = format!("{served} / {probed}: {}\n{}", done.stdout, done.stderr);
        assert_eq!(done.code(), Some(0), "{what}");
        let r = responder(&records, "hostb");
        assert_eq!(r["unicast"]["received"], 4, "{what}");
        assert_eq!(r["multicast"]["received"], multicast, "{what}");
        if multicast > 0 {
            assert_eq!(r["multicast"]["hops_back"], 0, "{what}");
            let replies = records_of(&records, "reply");
            let to_group = replies.iter().filter(|x| x["path"] == "multicast");
            for x in to_group {
                let from = x["from"].as_str().unwrap();
                assert!(
                    from.starts_with("192.0.2.2:") || from.starts_with("[2001:db8::2]:"),
                    "{x}"
                );
            }
        }
        stop(b);
    }
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_through_the_router_one_hop_each_way_and_ttl_1_stays_home() {
    require_root!();
    let lab = Routed::with_conf(&smcroute_conf_both_ways(&["239.42.0.2", "ff15::42:2"])).unwrap();
    for (addr, group) in groups("239.42.0.2", "ff15::42:2") {
        let b = pong(&lab.b, &[&group, "-i", "b0", "--name", "b"]);
        let args = [
            &group,
            "-i",
            "a0",
            "-c",
            "4",
            "--interval",
            "50ms",
            "-W",
            "1s",
        ];
        let (done, records) = ping(&lab.a, &args);
        assert_eq!(done.code(), Some(0), "{addr}: {}", done.stderr);
        let r = responder(&records, "b");
        for path in ["multicast", "unicast"] {
            let p = &r[path];
            assert_eq!(p["received"], 4, "{addr} {path}: {r}");
            assert_eq!(p["hops_out"], 1, "{addr} {path}: the probe crossed R: {r}");
            assert_eq!(p["hops_back"], 1, "{addr} {path}: the reply crossed R: {r}");
        }
        stop(b);
        // Replies to the group with TTL 1 die at R; unicast ones do not.
        let b = pong(&lab.b, &[&group, "-i", "b0", "--name", "b", "--ttl", "1"]);
        let (done, records) = ping(&lab.a, &args);
        assert_eq!(done.code(), Some(0), "{addr}: {}", done.stderr);
        let r = responder(&records, "b");
        assert_eq!(r["unicast"]["received"], 4, "{addr}: {r}");
        assert_eq!(r["multicast"]["received"], 0, "{addr}: {r}");
        assert_eq!(r["multicast"]["loss_pct"], 100.0, "{addr}: {r}");
        stop(b);
    }
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_three_responders_and_loss_on_one_link_shows_on_that_one() {
    require_root!();
    let lan = Lan::new(4).unwrap();
    let names = ["h1", "h2", "h3"];
    let groups = ["239.42.0.3", "[ff15::42:3]:5000"];
    let pongs: Vec<Running> = (1..4)
        .map(|k| {
            let name = names[k - 1];
            pong(
                &lan.hosts[k],
                &[groups[0], groups[1], "-i", Lan::DEV, "--name", name],
            )
        })
        .collect();
    // About half of the probes reaching h2 (UDP to port 5000) are dropped.
    let loss = Loss::install_on_port(&lan.hosts[2], Lan::DEV, 50, 5000).unwrap();
    let mut dropped_before = 0;
    for group in groups {
        let (done, records) = ping(
            &lan.hosts[0],
            &[
                group,
                "-i",
                Lan::DEV,
                "-c",
                "40",
                "--interval",
                "10ms",
                "-W",
                "1s",
                "--expect",
                "3",
                "--max-loss",
                "5",
            ],
        );
        let what = format!("{group}: {}", done.stderr);
        assert_eq!(done.code(), Some(1), "h2's loss fails --max-loss: {what}");
        assert!(
            done.stderr.contains("1 responder(s) lost more than 5%"),
            "{what}"
        );
        for name in ["h1", "h3"] {
            let r = responder(&records, name);
            for path in ["multicast", "unicast"] {
                assert_eq!(r[path]["received"], 40, "{group} {name} {path}: {r}");
                assert_eq!(r[path]["loss_pct"], 0.0, "{group} {name} {path}: {r}");
                assert!(r[path]["rtt_ms"]["avg"].as_f64().unwrap() > 0.0, "{r}");
            }
        }
        let h2 = responder(&records, "h2");
        let dropped = loss.dropped().unwrap() - dropped_before;
        dropped_before += dropped;
        let lost = h2["unicast"]["lost"].as_u64().unwrap();
        assert!(
            lost >= 4,
            "{group}: about half of h2's probes were dropped: {h2}"
        );
        assert_eq!(
            lost, dropped,
            "{group}: h2's loss is what nftables dropped: {h2}"
        );
        assert_eq!(h2["multicast"]["lost"], lost, "{group}: {h2}");
        let summary = &records_of(&records, "ping")[0];
        assert_eq!(
            (&summary["responders"], &summary["over_loss"]),
            (&Value::from(3), &Value::from(1)),
            "{group}"
        );
        // Three responders, three ids.
        let mut ids: Vec<&str> = records_of(&records, "responder")
            .iter()
            .map(|r| r["responder"].as_str().unwrap())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 3, "{group}: {ids:?}");
    }
    drop(loss);
    pongs.into_iter().for_each(|p| drop(stop(p)));
}

/// Sends probes with python from A (valid seq 1; truncated 2; oversized 3;
/// bad magic 4; padding not zero 5) and prints the sequence numbers of the
/// unicast replies it gets within a second.
const CRAFTED: &str = r#"
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("192.0.2.1"))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
def probe(seq, length, magic=b"MCPG", pad=0):
    head = magic + struct.pack(">BBHBBHQQQ", 1, 1, length, 8, 1, 0, 7, seq, time.time_ns())
    return head + bytes([pad]) * (length - len(head))
for d in [probe(1, 128), probe(2, 128)[:100], probe(3, 1100), probe(4, 128, b"XCPG"), probe(5, 128, pad=1)]:
    s.sendto(d, ("239.42.0.4", 5000))
s.settimeout(1.0)
try:
    while True:
        data, src = s.recvfrom(2000)
        print(struct.unpack(">Q", data[20:28])[0], len(data), flush=True)
except socket.timeout:
    pass
"#;

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_pong_answers_no_malformed_truncated_or_oversized_probe() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    let b = pong(&lab.b, &["239.42.0.4", "-i", "b0", "--name", "b"]);
    let mut cmd = lab.a.command("python3");
    cmd.args(["-c", CRAFTED]);
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    // The valid probe's unicast reply, no larger than the probe; nothing else.
    assert_eq!(done.stdout.trim(), "1 62", "{}", done.stdout);
    let pong_done = stop(b);
    assert!(
        // One probe answered twice: by unicast and to the group.
        pong_done
            .stderr
            .contains("2 replies sent to 1 prober; 4 datagrams were not valid probes"),
        "{}",
        pong_done.stderr
    );
}

/// Lines of ssmping's output that report a reply on `path` ("unicast" or
/// "multicast").
fn ssmping_replies(stdout: &str, path: &str) -> usize {
    stdout
        .lines()
        .filter(|l| l.trim_start().starts_with(&format!("{path} from")))
        .count()
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_ssmping_clients_against_mcast_pong() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    let b = pong(&lab.b, &["--ssmping", "-i", "b0"]);
    for (tool, args) in [
        ("ssmping", vec!["-4", "-I", "a0", "-c", "2", "192.0.2.2"]),
        ("ssmping", vec!["-6", "-I", "a0", "-c", "2", "2001:db8::2"]),
        (
            "asmping",
            vec!["-4", "-I", "a0", "-c", "2", "239.42.0.5", "192.0.2.2"],
        ),
        (
            "asmping",
            vec!["-6", "-I", "a0", "-c", "2", "ff15::42:5", "2001:db8::2"],
        ),
    ] {
        let mut cmd = lab.a.command(tool);
        cmd.args(&args);
        let done = run_with_timeout(cmd, WAIT).unwrap();
        let what = format!("{tool} {args:?}:\n{}\n{}", done.stdout, done.stderr);
        assert_eq!(done.code(), Some(0), "{what}");
        assert_eq!(ssmping_replies(&done.stdout, "unicast"), 2, "{what}");
        assert_eq!(ssmping_replies(&done.stdout, "multicast"), 2, "{what}");
        assert!(done.stdout.contains("dist=0"), "{what}");
    }
    let pong_done = stop(b);
    assert!(
        pong_done.stderr.contains("16 replies sent"),
        "{}",
        pong_done.stderr
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_ssmping_mode_against_ssmpingd() {
    require_root!();
    let lab = TwoHosts::new().unwrap();
    let mut daemon = lab.b.spawn(lab.b.command("ssmpingd")).unwrap();
    daemon
        .wait_for("ssmpingd to listen on UDP 4321", WAIT, || {
            let mut ss = lab.b.command("ss");
            let out = ss.args(["-Hunl", "sport = :4321"]).output()?;
            Ok(String::from_utf8_lossy(&out.stdout)
                .matches(":4321")
                .count()
                >= 2)
        })
        .unwrap();
    // ssmping's SSM groups, then asmping's way: replies on an ASM group.
    for (server, asm) in [
        ("192.0.2.2", None),
        ("2001:db8::2", None),
        ("192.0.2.2", Some("239.42.0.8")),
        ("2001:db8::2", Some("ff15::42:8")),
    ] {
        let mut args = vec![
            "--ssmping",
            server,
            "-i",
            "a0",
            "-c",
            "3",
            "--interval",
            "100ms",
            "-W",
            "1s",
        ];
        if let Some(g) = asm {
            args.extend(["--asm", g]);
        }
        let (done, records) = ping(&lab.a, &args);
        assert_eq!(
            done.code(),
            Some(0),
            "{server}: {}\n{}",
            done.stdout,
            done.stderr
        );
        let r = &records_of(&records, "responder")[0];
        assert_eq!(r["addr"], server, "{r}");
        for path in ["multicast", "unicast"] {
            assert_eq!(r[path]["received"], 3, "{server} {path}: {r}");
            assert_eq!(r[path]["hops_back"], 0, "{server} {path}: {r}");
        }
    }
    drop(daemon);
}

/// Runs `mcast ping --mesh` on every host of `lan` at once; returns each
/// host's result (host k is named `hK`; the last prints text, the others
/// JSON).
fn mesh_run(lan: &Lan, group: &str) -> Vec<Finished> {
    let n = lan.hosts.len();
    let running: Vec<Running> = (0..n)
        .map(|k| {
            let mut cmd = lan.hosts[k].mcast();
            let name = format!("h{k}");
            cmd.args([
                "ping",
                "--mesh",
                group,
                "-i",
                Lan::DEV,
                "--name",
                &name,
                "-c",
                "20",
                "--interval",
                "50ms",
                // Long enough for every host's last report to reach the
                // others while they still listen.
                "-W",
                "2s",
                "--expect",
                "3",
            ]);
            if k + 1 < n {
                cmd.arg("--json");
            }
            lan.hosts[k].spawn(cmd).unwrap()
        })
        .collect();
    running
        .into_iter()
        .map(|mut r| {
            let done = r.finish(WAIT).unwrap();
            assert!(!done.timed_out, "mesh hung: {}", done.stderr);
            done
        })
        .collect()
}

/// The `mesh_pair` record from `from` to `to`.
fn pair<'a>(records: &'a [Value], from: &str, to: &str) -> &'a Value {
    records_of(records, "mesh_pair")
        .into_iter()
        .find(|p| p["from"] == from && p["to"] == to)
        .unwrap_or_else(|| panic!("no pair {from} -> {to} in {records:#?}"))
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_mesh_of_three_prints_the_full_matrix() {
    require_root!();
    let lan = Lan::new(3).unwrap();
    for group in ["239.42.0.6", "[ff15::42:6]:5000"] {
        let done = mesh_run(&lan, group);
        for (k, d) in done.iter().enumerate() {
            assert_eq!(
                d.code(),
                Some(0),
                "{group} h{k}: {}\n{}",
                d.stdout,
                d.stderr
            );
        }
        for (k, d) in done.iter().take(2).enumerate() {
            let records = json_lines(&d.stdout);
            let pairs = records_of(&records, "mesh_pair");
            assert_eq!(pairs.len(), 6, "{group} h{k}: {}", d.stdout);
            for from in ["h0", "h1", "h2"] {
                for to in ["h0", "h1", "h2"].into_iter().filter(|t| *t != from) {
                    // Every cell has the prober's own figures: this
                    // host's probes, or the other host's reports.
                    let p = pair(&records, from, to);
                    assert_eq!(p["reached"], true, "{group} h{k}: {p}");
                    let own = from == format!("h{k}");
                    let seen = if own { "own probes" } else { "reported" };
                    assert_eq!(p["seen"], seen, "{group} h{k}: {p}");
                    assert_eq!(p["probes"], 20, "{group} h{k}: {p}");
                    for path in ["multicast", "unicast"] {
                        let rtt = &p[path]["rtt_ms"];
                        assert!(rtt["avg"].as_f64().unwrap() > 0.0, "{group} h{k}: {p}");
                        assert!(rtt["min"].as_f64() <= rtt["max"].as_f64(), "{p}");
                        // The first probes may go before the last host is up.
                        let got = p[path]["received"].as_u64().unwrap();
                        assert!((15..=20).contains(&got), "{group} h{k}: {p}");
                    }
                }
            }
        }
        // What h0 shows of h1's row is what h1 measured, and the reverse.
        let views = [json_lines(&done[0].stdout), json_lines(&done[1].stdout)];
        for (k, j) in [(0, 1), (1, 0)] {
            let from = format!("h{j}");
            for to in ["h0", "h1", "h2"].into_iter().filter(|t| *t != from) {
                let (seen, own) = (pair(&views[k], &from, to), pair(&views[j], &from, to));
                for path in ["multicast", "unicast"] {
                    assert_eq!(
                        seen[path]["received"], own[path]["received"],
                        "{seen}\n{own}"
                    );
                    let avg = |p: &Value| p[path]["rtt_ms"]["avg"].as_f64().unwrap();
                    assert!((avg(seen) - avg(own)).abs() < 0.001, "{seen}\n{own}");
                }
            }
        }
        let text = &done[2].stdout;
        assert!(
            text.contains("3 hosts, 6 of 6 pairs reached"),
            "{group}: {text}"
        );
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('h')).collect();
        assert_eq!(rows.len(), 3, "{group}: {text}");
        let first = rows[0].split_whitespace().next();
        assert_eq!(first, Some("h2"), "{group}: own row first: {text}");
        assert!(!rows[0].contains("[r]"), "{group}: {text}");
        for row in &rows[1..] {
            assert_eq!(row.matches("[r]").count(), 2, "{group}: {text}");
            assert_eq!(row.matches(" U ").count(), 2, "{group}: {text}");
        }
        assert!(
            !text.contains("0 heard"),
            "{group}: reports counted: {text}"
        );
    }
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_ping_mesh_shows_a_host_whose_multicast_is_blocked() {
    require_root!();
    let lan = Lan::new(3).unwrap();
    // h1 receives no multicast: neither probes nor replies to the group.
    let _blocked = Loss::install_multicast(&lan.hosts[1], Lan::DEV).unwrap();
    let done = mesh_run(&lan, "239.42.0.7");
    for (k, d) in done.iter().enumerate() {
        assert_eq!(
            d.code(),
            Some(1),
            "h{k} misses pairs: {}\n{}",
            d.stdout,
            d.stderr
        );
    }
    // Seen from h0: h1's column is empty; its row, from h1's own reports
    // (it sends multicast, only receives none), shows its probes got out
    // (unicast replies) while no multicast reply came back.
    let h0 = json_lines(&done[0].stdout);
    for from in ["h0", "h2"] {
        let p = pair(&h0, from, "h1");
        assert_eq!(p["reached"], false, "{}", done[0].stdout);
        assert_eq!(p["unicast"]["received"], 0, "{p}");
    }
    assert_eq!(pair(&h0, "h2", "h1")["seen"], "reported");
    for to in ["h0", "h2"] {
        let p = pair(&h0, "h1", to);
        assert_eq!(p["reached"], true, "{}", done[0].stdout);
        assert_eq!(p["seen"], "reported", "{p}");
        assert_eq!(p["multicast"]["received"], 0, "{p}");
        assert!(p["unicast"]["received"].as_u64().unwrap() > 0, "{p}");
        assert!(p["unicast"]["rtt_ms"]["avg"].as_f64().unwrap() > 0.0, "{p}");
    }
    assert_eq!(pair(&h0, "h0", "h2")["reached"], true);
    assert!(
        done[0].stderr.contains("h0 -> h1, h2 -> h1"),
        "{}",
        done[0].stderr
    );
    // Seen from h1: unicast replies come back, multicast never.
    let h1 = json_lines(&done[1].stdout);
    let own = pair(&h1, "h1", "h0");
    assert_eq!(own["multicast"]["received"], 0, "{own}");
    assert!(own["unicast"]["received"].as_u64().unwrap() > 0, "{own}");
    // The text matrix names the blocked column.
    assert!(done[2].stdout.contains("M none"), "{}", done[2].stdout);
}
