//! Bad input: one clear line naming the value and what is valid, exit 2,
//! never a panic. None of these opens a socket, so they run anywhere.

use predicates::prelude::*;

use crate::support::host_mcast as mcast;

/// Runs `args`, expects exit 2 and exactly one line on stderr containing
/// every piece of `expected`.
fn rejects(args: &[&str], expected: &[&str]) {
    let out = mcast().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr was {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: stdout should be empty");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(!stderr.contains("backtrace"), "{args:?}: {stderr}");
    for piece in expected {
        assert!(
            stderr.contains(piece),
            "{args:?}: {stderr:?} lacks {piece:?}"
        );
    }
}

/// Our own validation errors are a single line; clap's usage errors add a
/// usage hint, which is fine, so only ours are held to one line.
fn one_line(args: &[&str]) {
    let out = mcast().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
}

#[test]
fn unicast_group() {
    let args = ["listen", "10.1.1.1"];
    rejects(
        &args,
        &["10.1.1.1 is not a multicast address (IPv4 multicast is 224.0.0.0/4"],
    );
    one_line(&args);
    rejects(
        &["send", "[2001:db8::1]:5000"],
        &["2001:db8::1 is not a multicast address", "ff00::/8"],
    );
}

#[test]
fn mixed_families() {
    rejects(
        &["join", "2001:db8::1,239.1.1.1"],
        &["different IP versions"],
    );
    rejects(
        &["send", "239.1.1.1", "ff15::1"],
        &["one IP version at a time"],
    );
    one_line(&["join", "2001:db8::1,239.1.1.1"]);
}

#[test]
fn bad_ports() {
    rejects(
        &["listen", "239.1.1.1:0"],
        &["port 0 is not valid; use 1-65535"],
    );
    rejects(
        &["listen", "239.1.1.1:70000"],
        &["port 70000 is not valid; use 1-65535"],
    );
    rejects(
        &["listen", "239.1.1.1", "--port", "0"],
        &["port 0 is not valid"],
    );
    rejects(
        &["join", "239.1.1.1", "-p", "65536"],
        &["port 65536 is not valid"],
    );
    one_line(&["listen", "239.1.1.1:0"]);
}

#[test]
fn ttl_out_of_range() {
    rejects(
        &["send", "239.1.1.1", "--ttl", "300"],
        &["TTL 300 is out of range; use 0-255"],
    );
    one_line(&["send", "239.1.1.1", "--ttl", "300"]);
}

#[test]
fn unknown_interface_lists_the_real_ones() {
    rejects(
        &["join", "239.1.1.1", "--iface", "nosuch0"],
        &["unknown interface 'nosuch0'", "lo ("],
    );
    rejects(
        &["send", "239.1.1.1", "-i", "198.51.100.77"],
        &["no interface has address 198.51.100.77"],
    );
    one_line(&["join", "239.1.1.1", "--iface", "nosuch0"]);
}

#[test]
fn range_past_the_end() {
    rejects(
        &["join", "239.255.255.250+10"],
        &[
            "runs past the end of the multicast range",
            "239.255.255.255",
        ],
    );
    rejects(&["join", "239.1.1.1+0"], &["not a group count"]);
}

#[test]
fn unparsable_durations() {
    rejects(
        &["listen", "239.1.1.1", "-t", "soon"],
        &["soon", "250ms, 5s or 1m"],
    );
    rejects(&["send", "239.1.1.1", "-d", "5 parsecs"], &["5s"]);
    // Deadlines that would overflow the clock are refused before any socket.
    for (flag, value) in [("-d", "584542046090y"), ("--interval", "500000000000y")] {
        rejects(
            &["send", "239.1.1.1", flag, value],
            &["is not valid; give a duration of at most 100 years"],
        );
    }
    rejects(
        &["listen", "239.1.1.1", "-t", "0s"],
        &["--timeout 0s is not valid"],
    );
}

#[test]
fn other_bad_values() {
    rejects(
        &["send", "239.1.1.1", "--rate", "fast"],
        &["--rate fast is not valid", "max"],
    );
    rejects(
        &["send", "239.1.1.1", "--size", "10"],
        &["--size 10 is not valid", "36 to"],
    );
    rejects(
        &["send", "239.1.1.1", "--bind", "198.51.100.9"],
        &["not an address of this host"],
    );
    rejects(
        &["listen", "not-a-group"],
        &["'not-a-group' is not a group"],
    );
    rejects(&["listen", "239.1.1.1", "239.1.1.1"], &["given twice"]);
    rejects(
        &["listen", "239.1.1.1", "-c", "0"],
        &["--count 0 is not valid"],
    );
    rejects(
        &["listen", "239.1.1.1", "--format", "xml"],
        &["xml", "text", "json"],
    );
}

#[test]
fn missing_group_is_a_usage_error() {
    rejects(&["listen"], &["GROUP"]);
}

#[test]
fn help_and_version_succeed() {
    mcast()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
    mcast()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("mcast "));
    for sub in [
        "join",
        "listen",
        "send",
        "sockopt",
        "selftest",
        "monitor",
        "completions",
    ] {
        mcast().args([sub, "--help"]).assert().success();
    }
}

/// A groups file with `text`, and the arguments to monitor it.
fn groups_file(text: &[u8]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("groups.txt");
    std::fs::write(&path, text).unwrap();
    (dir, path.display().to_string())
}

#[test]
fn monitor_groups_file_errors_name_the_line() {
    let (_d, f) = groups_file(b"# channels\n239.1.1.1 One\n\n10.0.0.1 Two\n");
    rejects(
        &["monitor", "--groups-file", &f],
        &["groups.txt line 4: ", "10.0.0.1 is not a multicast address"],
    );
    one_line(&["monitor", "--groups-file", &f]);
    let (_d, f) = groups_file(b"239.1.1.1 One\n239.1.1.1:5000 Again\n");
    rejects(
        &["monitor", "--groups-file", &f],
        &["line 2: group 239.1.1.1:5000 is already listed on line 1"],
    );
    let (_d, f) = groups_file(b"239.1.1.1 bad\x1b[2Jlabel\n");
    rejects(
        &["monitor", "--groups-file", &f],
        &["line 1: the label has control characters"],
    );
    let (_d, f) = groups_file(b"239.1.1.1\n\xff\xfe\n");
    rejects(
        &["monitor", "--groups-file", &f],
        &["line 2: not UTF-8 text"],
    );
    let (_d, f) = groups_file(b"# nothing\n");
    rejects(&["monitor", "--groups-file", &f], &["lists no groups"]);
    let (_d, f) = groups_file(b"239.1.1.1\n");
    rejects(
        &["monitor", "239.1.1.1", "--groups-file", &f],
        &["line 1: group 239.1.1.1:5000 is also given on the command line"],
    );
    rejects(
        &["monitor", "--groups-file", "/nonexistent/groups.txt"],
        &["--groups-file /nonexistent/groups.txt: cannot read it"],
    );
    rejects(
        &["monitor", "--groups-file", "/dev/zero"],
        &["--groups-file /dev/zero is larger than 16 MiB"],
    );
}

#[test]
fn monitor_options() {
    rejects(
        &["monitor", "239.1.1.1", "--heartbeat", "5/3"],
        &["--heartbeat 5/3 is not valid; give N/M with 1 <= N <= M <= 64"],
    );
    rejects(
        &[
            "monitor",
            "239.1.1.1",
            "--heartbeat",
            "3/5",
            "--silent-after",
            "2s",
        ],
        &["--heartbeat", "--silent-after"],
    );
    rejects(
        &["monitor", "239.1.1.1", "--min-rate=-3"],
        &["--min-rate -3 is not valid"],
    );
    rejects(
        &["monitor", "239.1.1.1", "--max-loss", "101"],
        &["--max-loss 101 is not valid"],
    );
    rejects(
        &["monitor", "239.1.1.1", "--max-sources", "0"],
        &["--max-sources 0 is not valid; give 1 to 1024"],
    );
    rejects(
        &["monitor", "239.1.1.1", "--interval", "10ms"],
        &["--interval is too short"],
    );
    rejects(
        &["monitor", "239.1.1.1", "--on-alarm", " "],
        &["--on-alarm is empty"],
    );
    rejects(
        &["monitor", "239.1.1.1", "--metrics", "localhost:http"],
        &["--metrics localhost:http is not valid; give ADDR:PORT"],
    );
    rejects(
        &["listen", "239.1.1.1", "--metrics", "1.2.3.4"],
        &["--metrics 1.2.3.4 is not valid"],
    );
    rejects(
        &["join", "239.1.1.1", "--silent-after", "1ms"],
        &["--silent-after 1ms is too short; use 100ms or more"],
    );
    rejects(&["monitor"], &["GROUP"]);
}

#[test]
fn ping_and_pong_arguments() {
    rejects(
        &["ping", "239.1.1.1", "--ttl", "0"],
        &["--ttl 0 is not valid; give 1 to 255"],
    );
    rejects(
        &["pong", "239.1.1.1", "--ttl", "256"],
        &["--ttl 256 is not valid"],
    );
    rejects(
        &["ping", "239.1.1.1", "-s", "63"],
        &["--size 63 is not valid; give 64 to 1024 bytes"],
    );
    rejects(
        &["ping", "239.1.1.1", "-s", "1025"],
        &["--size 1025 is not valid"],
    );
    rejects(
        &["ping", "239.1.1.1", "-c", "0"],
        &["--count 0 is not valid; give 1 to 1000000 probes"],
    );
    rejects(
        &["ping", "239.1.1.1", "--max-loss", "101"],
        &["--max-loss 101 is not valid"],
    );
    rejects(
        &["ping", "239.1.1.1+2"],
        &["names 2 groups; mcast ping probes one"],
    );
    rejects(
        &["ping", "232.1.1.1"],
        &["232.1.1.1:5000 is in the source-specific range; write RESPONDER,GROUP"],
    );
    rejects(
        &["ping", "--mesh", "192.0.2.1,232.1.1.1"],
        &["is source-specific; --mesh needs an any-source group"],
    );
    rejects(
        &["pong", "192.0.2.1,232.1.1.1", "192.0.2.2,232.1.1.2"],
        &["sources 192.0.2.1 and 192.0.2.2 are both given"],
    );
    rejects(
        &[
            "ping",
            "--ssmping",
            "192.0.2.1",
            "--asm",
            "192.0.2.9,239.1.1.1",
        ],
        &["--asm 192.0.2.9,239.1.1.1:5000 is source-specific; give an any-source group"],
    );
    rejects(
        &["ping", "10.0.0.1"],
        &["10.0.0.1 is not a multicast address"],
    );
    rejects(
        &["ping", "--ssmping", "239.1.1.1"],
        &["SERVER 239.1.1.1 is not valid; give the ssmping server's unicast address"],
    );
    rejects(
        &["ping", "--ssmping", "server\x1b[2J"],
        &["SERVER server\\x1b[2J is not valid"],
    );
    rejects(
        &["ping", "--ssmping", "192.0.2.1", "--asm", "ff15::1"],
        &["--asm ff15::1 is not valid; give one group of the server's IP version"],
    );
    rejects(
        &["ping", "239.1.1.1", "--interval", "0s"],
        &["--interval 0s is not valid"],
    );
    rejects(
        &["pong"],
        &["no GROUP given; name the groups to answer on, or give --ssmping"],
    );
    rejects(
        &["pong", "239.1.1.1", "--rate", "0"],
        &["--rate 0 is not valid"],
    );
    rejects(
        &["pong", "239.1.1.1", "--name", "a\nb"],
        &["--name a\\nb is not valid"],
    );
    rejects(&["pong", "239.1.1.1", "239.1.1.1"], &["given twice"]);
    for args in [
        &["ping", "239.1.1.1", "--ttl", "0"][..],
        &["pong"],
        &["ping", "--ssmping", "server\x1b[2J"],
    ] {
        one_line(args);
    }
}

/// clap's own errors (bad value, unknown flag, missing argument, unknown
/// subcommand) are one line too, exit 2, naming what was typed.
#[test]
fn argument_errors_are_one_line() {
    for (args, names) in [
        (&["join", "239.1.1.1", "-t", "soon"][..], "'soon'"),
        (&["join", "239.1.1.1", "--tll", "3"][..], "'--tll'"),
        (&["join"][..], "<GROUP>"),
        (&["bogus"][..], "'bogus'"),
        (&["doctor", "--querier-wait", "soon"][..], "'soon'"),
    ] {
        rejects(args, &[names]);
        one_line(args);
    }
}

#[test]
fn monitor_max_cc_errors_must_be_a_count() {
    for bad in ["x", "1.5", "-1"] {
        rejects(
            &["monitor", "239.1.1.1", &format!("--max-cc-errors={bad}")],
            &["--max-cc-errors"],
        );
    }
}
