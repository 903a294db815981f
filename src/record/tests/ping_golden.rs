//! `mcast ping`'s output, pinned: reply lines and records, the
//! per-responder table and records, and the mesh matrix and pairs, from
//! fixed replies.

use std::net::{IpAddr, SocketAddr};

use crate::output::ping::{mesh_matrix, responders, Replies};
use crate::ping::tally::{Heard, Path, Tally};
use crate::ping::{ReplyEvent, ReplyOut};
use crate::record::ping::{MeshPair, MeshPath, PingStart, Rtt};
use crate::record::SenderId;

/// As `same!` in `tests.rs`, for files included from here.
fn same(got: Vec<u8>, want: &str, name: &str) {
    crate::record::pinned::same(&got, want, name)
}

const B: u64 = 0x00b0_b0b0_b0b0_b0b0;

fn heard(path: Path, seq: u64, rtt_us: i64, name: &'static [u8]) -> Heard<'static> {
    Heard {
        addr: IpAddr::from([192, 0, 2, 2]),
        id: B,
        name,
        path,
        seq,
        rtt_ns: Some(rtt_us * 1000),
        hops_out: Some(1),
        hops_back: Some(2),
    }
}

/// Four probes: seq 0 both ways, seq 1 unicast twice (a duplicate), seq 2
/// multicast only, seq 3 lost; the name carries an escape sequence.
fn events() -> Vec<ReplyEvent<'static>> {
    let name = b"b\x1b[2J";
    [
        (heard(Path::Unicast, 0, 120, name), false),
        (heard(Path::Multicast, 0, 150, name), false),
        (heard(Path::Unicast, 1, 130, name), false),
        (heard(Path::Unicast, 1, 131, name), true),
        (heard(Path::Multicast, 2, 170, name), false),
    ]
    .into_iter()
    .map(|(heard, duplicate)| ReplyEvent {
        heard,
        from: SocketAddr::from(([192, 0, 2, 2], 5000)),
        ttl: Some(62),
        bytes: 67,
        duplicate,
    })
    .collect()
}

fn render(json: bool) -> Vec<u8> {
    let mut r = Replies {
        out: Vec::new(),
        json,
    };
    if json {
        let start = PingStart::new(
            "239.1.1.1:5000".into(),
            "mcast",
            Some("mc0".into()),
            41000,
            4,
            0.2,
            8,
            128,
            0x1ebd_2fbf_ede0_77e6,
        );
        serde_json::to_writer(&mut r.out, &start).unwrap();
        r.out.push(b'\n');
    }
    let mut tally = Tally::default();
    for e in events() {
        tally.record(&e.heard);
        r.reply(&e).unwrap();
    }
    responders(&mut r.out, json, &tally.responders, 4).unwrap();
    r.out
}

#[test]
fn ping_text() {
    same(
        render(false),
        include_str!("../golden/ping.text"),
        "ping.text",
    );
}

#[test]
fn ping_json() {
    same(
        render(true),
        include_str!("../golden/ping.jsonl"),
        "ping.jsonl",
    );
}

#[test]
fn mesh_outputs() {
    let rtt = Rtt {
        min: 0.1,
        avg: 0.125,
        p50: 0.12,
        p99: 0.2,
        max: 0.2,
        stddev: 0.01,
    };
    // Own and reported rows carry the prober's figures; overheard ones counts.
    let pair = |from: &str, to: &str, got: u64, seen: &'static str| {
        let own = seen != "overheard";
        MeshPair {
            from: from.into(),
            from_id: SenderId(from.len() as u64),
            to: to.into(),
            to_id: SenderId(to.len() as u64),
            probes: 20,
            multicast: MeshPath::new(got, 20, (own && got > 0).then_some(rtt)),
            unicast: own.then(|| MeshPath::new(got, 20, (got > 0).then_some(rtt))),
            seen,
            reached: got > 0,
        }
    };
    let pairs = [
        pair("h0", "h1", 20, "own probes"),
        pair("h0", "192.0.2.12", 0, "own probes"),
        pair("h1", "h0", 19, "reported"),
        pair("h1", "192.0.2.12", 0, "reported"),
        pair("192.0.2.12", "h0", 20, "overheard"),
        pair("192.0.2.12", "h1", 18, "overheard"),
    ];
    let labels = ["h0", "h1", "192.0.2.12"].map(String::from);
    let mut out = Vec::new();
    mesh_matrix(&mut out, &labels, &pairs).unwrap();
    for p in &pairs[..3] {
        serde_json::to_writer(&mut out, p).unwrap();
        out.push(b'\n');
    }
    same(out, include_str!("../golden/mesh.out"), "mesh.out");
}
