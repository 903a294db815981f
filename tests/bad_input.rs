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
        "completions",
    ] {
        mcast().args([sub, "--help"]).assert().success();
    }
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
        &["ping", "192.0.2.1,232.1.1.1"],
        &["is source-specific", "use --ssmping"],
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
