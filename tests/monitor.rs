//! `mcast monitor` end to end in private namespaces: a real Prometheus
//! scraping it, silence alarms and their hook, the groups file reread on
//! SIGHUP, and the silence records of `listen` and `join`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::support::{
    ip, json_lines, records_of, run_with_timeout, Netns, Running, Stream, JOIN_TIMEOUT, WAIT,
};

/// Sends `count` test packets at `rate`/s from mc0 to each of `groups`,
/// and waits for the sender to finish.
fn send(ns: &Netns, groups: &[&str], count: u32, rate: u32) {
    let mut cmd = ns.mcast();
    cmd.arg("send").args(groups).args([
        "-i",
        "mc0",
        "-c",
        &count.to_string(),
        "--rate",
        &rate.to_string(),
        "-q",
    ]);
    let done = run_with_timeout(cmd, WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "send: {}", done.stderr);
}

fn spawn_monitor(ns: &Netns, args: &[&str]) -> Running {
    let mut cmd = ns.mcast();
    cmd.arg("monitor").args(args).env("NO_COLOR", "1");
    ns.spawn(cmd).unwrap()
}

/// The next JSON record on stdout that `want` accepts.
fn wait_record(m: &mut Running, timeout: Duration, want: impl Fn(&Value) -> bool) -> Value {
    let line = m
        .wait_for_line(Stream::Stdout, timeout, |l| {
            serde_json::from_str::<Value>(l).is_ok_and(|v| want(&v))
        })
        .unwrap();
    serde_json::from_str(&line).unwrap()
}

fn is_group(v: &Value, group: &str) -> bool {
    v["type"] == "group" && v["group"] == group
}

fn alarms(records: &[Value]) -> Vec<(String, String, String)> {
    records_of(records, "alarm")
        .iter()
        .map(|a| {
            (
                a["group"].as_str().unwrap().to_string(),
                a["state"].as_str().unwrap().to_string(),
                a["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Asks the Prometheus inside `ns` for `query`; the `result` vector.
fn prom_query(ns: &Netns, query: &str) -> Vec<Value> {
    let mut cmd = ns.command("curl");
    cmd.args([
        "-s",
        "--max-time",
        "5",
        "-G",
        "http://127.0.0.1:19090/api/v1/query",
        "--data-urlencode",
    ])
    .arg(format!("query={query}"));
    let Ok(done) = run_with_timeout(cmd, WAIT) else {
        return Vec::new();
    };
    serde_json::from_str::<Value>(&done.stdout)
        .ok()
        .and_then(|v| v["data"]["result"].as_array().cloned())
        .unwrap_or_default()
}

fn prometheus_config(dir: &Path, target: &str) -> std::path::PathBuf {
    let path = dir.join("prometheus.yml");
    std::fs::write(
        &path,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n\
             scrape_configs:\n  - job_name: mcast\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )
    .unwrap();
    path
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_prometheus_scrapes_monitor() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut monitor = spawn_monitor(
        &ns,
        &[
            "239.1.1.1+3",
            "-i",
            "mc1",
            "--metrics",
            "127.0.0.1:19464",
            "--silent-after",
            "1s",
            "-d",
            "120s",
            "--json",
        ],
    );
    monitor
        .wait_for_group(&ns, ip("239.1.1.3"), JOIN_TIMEOUT)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = prometheus_config(dir.path(), "127.0.0.1:19464");
    let mut prom = ns.command("/usr/bin/prometheus");
    prom.arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg("--web.listen-address=127.0.0.1:19090");
    let mut prom = ns.spawn(prom).unwrap();
    // Traffic for two of the three groups, long enough for a few scrapes.
    send(&ns, &["239.1.1.1:5000", "239.1.1.2:5000"], 100, 50);
    let mut packets = Vec::new();
    let mut silent = Vec::new();
    prom.wait_for(
        "Prometheus to see the groups",
        Duration::from_secs(60),
        || {
            packets = prom_query(&ns, "sum by (group) (mcast_packets_total)");
            silent = prom_query(&ns, "mcast_group_silent == 1");
            let traffic = packets
                .iter()
                .filter(|r| r["value"][1].as_str().is_some_and(|v| v != "0"))
                .count();
            Ok(traffic == 2 && silent.iter().any(|r| r["metric"]["group"] == "239.1.1.3"))
        },
    )
    .unwrap();
    let mut groups: Vec<&str> = packets
        .iter()
        .map(|r| r["metric"]["group"].as_str().unwrap())
        .collect();
    groups.sort_unstable();
    assert_eq!(groups, ["239.1.1.1", "239.1.1.2"], "{packets:?}");
    for r in &packets {
        let n: f64 = r["value"][1].as_str().unwrap().parse().unwrap();
        assert!(n > 0.0 && n <= 100.0, "{r}");
    }
    let silent_groups: Vec<&str> = silent
        .iter()
        .map(|r| r["metric"]["group"].as_str().unwrap())
        .collect();
    assert!(silent_groups.contains(&"239.1.1.3"), "{silent:?}");
    // The scrape sees labels as documented.
    let series = prom_query(&ns, "mcast_packets_total{group=\"239.1.1.1\"}");
    assert_eq!(series[0]["metric"]["source"], "192.0.2.1", "{series:?}");
    assert_eq!(series[0]["metric"]["iface"], "mc1", "{series:?}");
    assert_eq!(series[0]["metric"]["port"], "5000", "{series:?}");
    drop(prom);
    monitor.interrupt().unwrap();
    let done = monitor.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_silence_alarm_raised_and_cleared_once_with_hook() {
    require_root!();
    let ns = Netns::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("hook.log");
    let hook = format!(
        "echo \"$MCAST_ALARM_STATE $MCAST_ALARM_REASON $MCAST_ALARM_GROUP $MCAST_ALARM_PORT\" >> '{}'",
        log.display()
    );
    let mut m = spawn_monitor(
        &ns,
        &[
            "239.1.1.1:5000",
            "-i",
            "mc1",
            "--silent-after",
            "2s",
            "--interval",
            "200ms",
            "--on-alarm",
            &hook,
            "-d",
            "60s",
            "--json",
        ],
    );
    m.wait_for_group(&ns, ip("239.1.1.1"), JOIN_TIMEOUT)
        .unwrap();
    send(&ns, &["239.1.1.1:5000"], 20, 20);
    // The stream stops: one alarm, then traffic returns: cleared.
    wait_record(&mut m, WAIT, |v| {
        v["type"] == "alarm" && v["state"] == "raised"
    });
    send(&ns, &["239.1.1.1:5000"], 10, 20);
    wait_record(&mut m, WAIT, |v| {
        v["type"] == "alarm" && v["state"] == "cleared"
    });
    // Quiet again for less than --silent-after: nothing more.
    wait_record(&mut m, WAIT, |v| {
        is_group(v, "239.1.1.1") && v["last_packet_age_s"].as_f64().is_some_and(|a| a > 0.5)
    });
    m.interrupt().unwrap();
    let done = m.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    let g = "239.1.1.1".to_string();
    assert_eq!(
        alarms(&records),
        [
            (g.clone(), "raised".into(), "silent".into()),
            (g.clone(), "cleared".into(), "silent".into())
        ],
        "{}",
        done.stdout
    );
    let raised = records_of(&records, "alarm")[0];
    assert!(raised["value"].as_f64().unwrap() >= 2.0, "{raised}");
    assert_eq!(raised["threshold"], 2.0);
    assert_eq!(raised["unit"], "s");
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["alarms_raised"], 1);
    assert_eq!(summary["packets"], 30);
    // The hook ran once per transition, with the alarm in its environment.
    let ran = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        ran,
        "raised silent 239.1.1.1 5000\ncleared silent 239.1.1.1 5000\n"
    );
    assert_eq!(
        done.stderr
            .matches("alarm raised: 239.1.1.1:5000: no packet for")
            .count(),
        1,
        "{}",
        done.stderr
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_groups_file_reread_keeps_counters() {
    require_root!();
    let ns = Netns::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("groups.txt");
    std::fs::write(&file, "# channels\n239.1.1.1 One\n239.1.1.2:5000 Two\n").unwrap();
    let file_arg = file.display().to_string();
    let mut m = spawn_monitor(
        &ns,
        &[
            "--groups-file",
            &file_arg,
            "-i",
            "mc1",
            "--interval",
            "200ms",
            "-d",
            "60s",
            "--json",
        ],
    );
    m.wait_for_group(&ns, ip("239.1.1.2"), JOIN_TIMEOUT)
        .unwrap();
    send(&ns, &["239.1.1.1:5000", "239.1.1.2:5000"], 10, 100);
    let one = wait_record(&mut m, WAIT, |v| {
        is_group(v, "239.1.1.1") && v["packets"] == 10
    });
    assert_eq!(one["label"], "One");
    std::fs::write(&file, "239.1.1.1 One renamed\n\n239.1.1.3 Three\n").unwrap();
    let hup = Command::new("kill")
        .args(["-s", "HUP", &m.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    m.wait_for_line(Stream::Stderr, WAIT, |l| {
        l.contains("groups file reread: 2 groups (1 added, 1 removed)")
    })
    .unwrap();
    m.wait_for_group(&ns, ip("239.1.1.3"), JOIN_TIMEOUT)
        .unwrap();
    m.wait_for("239.1.1.2 to be left", WAIT, || {
        ns.has_group(ip("239.1.1.2")).map(|joined| !joined)
    })
    .unwrap();
    send(&ns, &["239.1.1.1:5000", "239.1.1.3:5000"], 5, 100);
    let one = wait_record(&mut m, WAIT, |v| {
        is_group(v, "239.1.1.1") && v["packets"] == 15
    });
    assert_eq!(one["label"], "One renamed");
    assert_eq!(one["lost"], 0, "one stream continued, not restarted: {one}");
    let three = wait_record(&mut m, WAIT, |v| {
        is_group(v, "239.1.1.3") && v["packets"] == 5
    });
    assert_eq!(three["label"], "Three");
    // A broken file is reported and changes nothing.
    std::fs::write(&file, "239.1.1.1\nnot-a-group\n").unwrap();
    Command::new("kill")
        .args(["-s", "HUP", &m.id().to_string()])
        .status()
        .unwrap();
    m.wait_for_line(Stream::Stderr, WAIT, |l| {
        l.contains("line 2") && l.contains("still monitoring the same 2 groups")
    })
    .unwrap();
    m.interrupt().unwrap();
    let done = m.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    let summary = records.last().unwrap();
    assert_eq!(summary["reloads"], 1, "{summary}");
    assert_eq!(summary["groups"], 2);
    let last_groups: Vec<&Value> = records_of(&records, "group")
        .into_iter()
        .rev()
        .take(2)
        .collect();
    assert!(
        last_groups.iter().all(|v| v["group"] != "239.1.1.2"),
        "{last_groups:?}"
    );
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_metrics_port_in_use_is_exit_3() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut first = spawn_monitor(
        &ns,
        &[
            "239.1.1.1",
            "-i",
            "mc1",
            "--metrics",
            "19464",
            "-d",
            "30s",
            "--json",
        ],
    );
    first
        .wait_for_group(&ns, ip("239.1.1.1"), JOIN_TIMEOUT)
        .unwrap();
    let mut second = ns.mcast();
    second.args([
        "monitor",
        "239.1.1.2",
        "-i",
        "mc1",
        "--metrics",
        "127.0.0.1:19464",
    ]);
    let done = run_with_timeout(second, WAIT).unwrap();
    assert_eq!(done.code(), Some(3), "{}", done.stderr);
    assert_eq!(
        done.stderr.trim(),
        "mcast: --metrics 127.0.0.1:19464: cannot listen: address in use (another exporter or mcast on that port?); choose another port"
    );
    assert!(!ns.has_group(ip("239.1.1.2")).unwrap(), "nothing joined");
    let mut listen = ns.mcast();
    listen.args([
        "listen",
        "239.1.1.2",
        "-i",
        "mc1",
        "--metrics",
        "19464",
        "-d",
        "1s",
    ]);
    let done = run_with_timeout(listen, WAIT).unwrap();
    assert_eq!(done.code(), Some(3), "{}", done.stderr);
    assert!(done.stderr.contains("address in use"), "{}", done.stderr);
    first.interrupt().unwrap();
    assert_eq!(first.finish(WAIT).unwrap().code(), Some(0));
}

#[test]
#[ignore = "needs root: creates network namespaces"]
fn root_listen_and_join_explain_a_stop() {
    require_root!();
    let ns = Netns::new().unwrap();
    let mut cmd = ns.mcast();
    cmd.args([
        "listen",
        "239.1.1.1:5000",
        "-i",
        "mc1",
        "--json",
        "--silent-after",
        "1s",
        "-d",
        "60s",
    ]);
    let mut listen = ns.spawn(cmd).unwrap();
    listen
        .wait_for_group(&ns, ip("239.1.1.1"), JOIN_TIMEOUT)
        .unwrap();
    send(&ns, &["239.1.1.1:5000"], 10, 20);
    let began = wait_record(&mut listen, WAIT, |v| v["type"] == "silence");
    assert_eq!(began["state"], "began", "{began}");
    assert_eq!(began["group"], "239.1.1.1");
    assert_eq!(began["threshold_s"], 1.0);
    assert!(began["after_s"].as_f64().unwrap() >= 1.0, "{began}");
    assert!(began["last_packet"].is_string());
    // Run as root, listen watches queries; this link has no querier.
    assert_eq!(began["query_seen"], false, "{began}");
    listen
        .wait_for_line(Stream::Stderr, WAIT, |l| {
            l.starts_with("239.1.1.1:5000 went silent: nothing for 1.")
        })
        .unwrap();
    send(&ns, &["239.1.1.1:5000"], 3, 20);
    let ended = wait_record(&mut listen, WAIT, |v| v["type"] == "silence");
    assert_eq!(ended["state"], "ended", "{ended}");
    listen.interrupt().unwrap();
    let done = listen.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    let records = json_lines(&done.stdout);
    assert_eq!(records_of(&records, "silence").len(), 2, "{}", done.stdout);
    let silences = &records.last().unwrap()["silences"];
    assert_eq!(silences[0]["group"], "239.1.1.1", "{silences}");
    assert_eq!(silences[0]["count"], 1);
    assert_eq!(silences[0]["silent_at_end"], false);

    // join: the live line on stderr and the summary, learned rate (no flag).
    let mut cmd = ns.mcast();
    cmd.args(["join", "239.1.1.2:5000", "-i", "mc1", "-d", "60s"]);
    let mut join = ns.spawn(cmd).unwrap();
    join.wait_for_group(&ns, ip("239.1.1.2"), JOIN_TIMEOUT)
        .unwrap();
    send(&ns, &["239.1.1.2:5000"], 20, 50);
    join.wait_for_line(Stream::Stderr, WAIT, |l| {
        l.starts_with("239.1.1.2:5000 went silent: nothing for")
            && l.contains("a packet was due every")
    })
    .unwrap();
    join.interrupt().unwrap();
    let done = join.finish(WAIT).unwrap();
    assert_eq!(done.code(), Some(0), "{}", done.stderr);
    assert!(
        done.stderr.contains(
            "239.1.1.2:5000 went silent 1 time (longest that ended: 0 ms); still silent at the end"
        ),
        "{}",
        done.stderr
    );
}
