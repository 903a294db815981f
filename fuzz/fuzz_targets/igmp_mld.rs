//! IGMP and MLD as anything on a link might send them: an IPv4 datagram
//! (header included, as a raw socket gives it), a bare ICMPv6 message, or
//! an IPv6 packet with hop-by-hop header (as the packet tap gives it).
//! Never a panic, and a parsed report keeps at most 32 groups.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::querier::wire::{parse_igmp, parse_ipv4, parse_ipv6_mld, parse_mld, Message, MAX_GROUPS};

fn check(m: &Message) {
    if let Message::Report(r) = m {
        assert!(r.groups.len() <= MAX_GROUPS && r.groups.len() <= r.total);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(p) = parse_ipv4(data) {
        check(&p.message);
    }
    for m in [parse_igmp(data), parse_mld(data)].iter().flatten() {
        check(m);
    }
    if let Some((_, m)) = parse_ipv6_mld(data) {
        check(&m);
    }
});
