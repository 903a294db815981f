//! Captured with tcpdump from Linux 6.18 (a bridge as querier, a host
//! joined with `mcast join`), plus hand-made awkward cases.

use super::*;

/// Bytes from tcpdump's `-x` hex (spaces and line breaks ignored).
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// IGMPv3 general query from 192.0.2.254: MRC 50 (5 s), QRV 2, QQIC 2 s.
const V3_QUERY: &str =
    "46c0 0024 0000 4000 0102 4114 c000 02fe e000 0001 9404 0000 1132 eccb 0000 0000 0202 0000";
/// IGMPv2 general query, max resp 50 (5 s).
const V2_QUERY: &str =
    "46c0 0020 0000 4000 0102 4118 c000 02fe e000 0001 9404 0000 1132 eecd 0000 0000";
/// IGMPv2 report of 232.1.1.1 from 192.0.2.1.
const V2_REPORT: &str =
    "46c0 0020 0000 4000 0102 3914 c000 0201 e801 0101 9404 0000 1600 00fd e801 0101";
/// IGMPv3 report: ALLOW(232.1.1.1, {192.0.2.9}), TO_EX(239.1.2.3, {}).
const V3_REPORT: &str =
    "46c0 0034 0000 4000 0102 41ec c000 0201 e000 0016 9404 0000 2200 38eb 0000 0002 \
                         0500 0001 e801 0101 c000 0209 0400 0000 ef01 0203";
/// MLDv2 general query (ICMPv6 part): MRC 5000 ms, QRV 2, QQIC 2.
const MLD2_QUERY: &str = "8200 e736 1388 0000 0000 0000 0000 0000 0000 0000 0000 0000 0202 0000";
/// MLDv1 general query: max resp delay 5000 ms.
const MLD1_QUERY: &str = "8200 cc98 1388 0000 0000 0000 0000 0000 0000 0000 0000 0000";
/// MLDv2 report, 3 records: TO_EX ff15::7, ff02::1:ff81:9c01, ff02::1:ff00:1.
const MLD2_REPORT: &str = "8f00 b43d 0000 0003 0400 0000 ff15 0000 0000 0000 0000 0000 0000 0007 \
                           0400 0000 ff02 0000 0000 0000 0000 0001 ff81 9c01 \
                           0400 0000 ff02 0000 0000 0000 0000 0001 ff00 0001";

fn query(m: Option<Ipv4Igmp>) -> (Ipv4Igmp, Query) {
    let p = m.expect("parses");
    match p.message {
        Message::Query(q) => (p.clone(), q),
        other => panic!("not a query: {other:?}"),
    }
}

#[test]
fn igmpv3_general_query() {
    let (p, q) = query(parse_ipv4(&hex(V3_QUERY)));
    assert_eq!(p.source, Ipv4Addr::new(192, 0, 2, 254));
    assert_eq!(p.dest, Ipv4Addr::new(224, 0, 0, 1));
    assert!(p.router_alert);
    assert_eq!(p.ttl, 1);
    assert_eq!(q.version, Version::IgmpV3);
    assert_eq!(q.group, None);
    assert_eq!(q.max_resp, Duration::from_secs(5));
    assert_eq!(q.qrv, Some(2));
    assert_eq!(q.qqi, Some(Duration::from_secs(2)));
    assert_eq!(q.sources, 0);
}

#[test]
fn igmpv2_and_v1_queries_by_length_and_code() {
    let (_, q) = query(parse_ipv4(&hex(V2_QUERY)));
    assert_eq!(q.version, Version::IgmpV2);
    assert_eq!(q.max_resp, Duration::from_secs(5));
    assert_eq!((q.qrv, q.qqi), (None, None));
    // The same message with Max Resp Code 0 is IGMPv1 (RFC 3376 §7.1).
    let mut v1 = hex(V2_QUERY);
    v1[25] = 0;
    let (_, q) = query(parse_ipv4(&v1));
    assert_eq!(q.version, Version::IgmpV1);
    assert_eq!(q.max_resp, Duration::from_secs(10));
}

#[test]
fn igmp_query_lengths_9_to_11_are_ignored() {
    let igmp = hex("1164 0000 0000 0000 0000 0000");
    for len in 9..12 {
        assert_eq!(parse_igmp(&igmp[..len]), None, "length {len}");
    }
    assert!(parse_igmp(&igmp[..8]).is_some());
    assert!(parse_igmp(&igmp[..12]).is_some());
}

#[test]
fn group_and_source_specific_query() {
    // v3 query for 239.1.2.3 with 2 sources, S flag, QRV 3, QQIC 0x8c.
    let b = hex("1164 0000 ef01 0203 0b8c 0002 c000 0201 c000 0202");
    let Some(Message::Query(q)) = parse_igmp(&b) else {
        panic!("not a query")
    };
    assert_eq!(q.group, Some(IpAddr::V4(Ipv4Addr::new(239, 1, 2, 3))));
    assert_eq!(q.sources, 2);
    assert!(q.suppress);
    assert_eq!(q.qrv, Some(3));
    // 0x8c: exp 0, mant 0xc -> 0x1c << 3 = 224 s.
    assert_eq!(q.qqi, Some(Duration::from_secs(224)));
    // 0x64 = 100 -> 10 s.
    assert_eq!(q.max_resp, Duration::from_secs(10));
    // One source missing: cut off, not parsed.
    assert_eq!(parse_igmp(&b[..16]), None);
}

#[test]
fn floating_point_codes() {
    assert_eq!(float_code8(0), 0);
    assert_eq!(float_code8(127), 127);
    assert_eq!(float_code8(0x80), 128);
    assert_eq!(float_code8(0xff), 31744);
    assert_eq!(float_code16(0x7fff), 32767);
    assert_eq!(float_code16(0x8000), 32768);
    assert_eq!(float_code16(0xffff), 8_387_584);
}

#[test]
fn igmp_reports() {
    let p = parse_ipv4(&hex(V2_REPORT)).unwrap();
    let Message::Report(r) = p.message else {
        panic!("not a report")
    };
    assert_eq!(r.version, Version::IgmpV2);
    assert_eq!(r.groups[0].group, IpAddr::V4(Ipv4Addr::new(232, 1, 1, 1)));
    assert_eq!(r.groups[0].record, RecordType::Join);

    let p = parse_ipv4(&hex(V3_REPORT)).unwrap();
    let Message::Report(r) = p.message else {
        panic!("not a report")
    };
    assert_eq!(r.version, Version::IgmpV3);
    assert_eq!(r.total, 2);
    assert_eq!(r.groups[0].record, RecordType::AllowNew);
    assert_eq!(r.groups[0].sources, 1);
    assert_eq!(r.groups[1].group, IpAddr::V4(Ipv4Addr::new(239, 1, 2, 3)));
    assert_eq!(r.groups[1].record, RecordType::ChangeToExclude);
}

#[test]
fn igmpv2_leave() {
    let b = hex("1700 0000 ef01 0203");
    let Some(Message::Report(r)) = parse_igmp(&b) else {
        panic!("not parsed")
    };
    assert!(r.groups[0].record.is_leave());
}

#[test]
fn mld_queries() {
    let Some(Message::Query(q)) = parse_mld(&hex(MLD2_QUERY)) else {
        panic!("not a query")
    };
    assert_eq!(q.version, Version::MldV2);
    assert_eq!(q.max_resp, Duration::from_secs(5));
    assert_eq!(q.qrv, Some(2));
    assert_eq!(q.qqi, Some(Duration::from_secs(2)));
    assert_eq!(q.group, None);
    let Some(Message::Query(q)) = parse_mld(&hex(MLD1_QUERY)) else {
        panic!("not a query")
    };
    assert_eq!(q.version, Version::MldV1);
    assert_eq!(q.max_resp, Duration::from_secs(5));
    // 25 to 27 octets: neither version.
    let mut long = hex(MLD1_QUERY);
    long.push(0);
    assert_eq!(parse_mld(&long), None);
}

#[test]
fn mld_reports() {
    let Some(Message::Report(r)) = parse_mld(&hex(MLD2_REPORT)) else {
        panic!("not a report")
    };
    assert_eq!(r.version, Version::MldV2);
    assert_eq!(r.total, 3);
    assert_eq!(r.groups[0].group, "ff15::7".parse::<IpAddr>().unwrap());
    let v1 = hex("8300 0000 0000 0000 ff15 0000 0000 0000 0000 0000 0000 0007");
    let Some(Message::Report(r)) = parse_mld(&v1) else {
        panic!("not a report")
    };
    assert_eq!(r.version, Version::MldV1);
    assert_eq!(r.groups[0].record, RecordType::Join);
}

#[test]
fn truncated_and_garbage_never_parse_or_panic() {
    for text in [V3_QUERY, V2_QUERY, V2_REPORT, V3_REPORT] {
        let b = hex(text);
        for len in 0..b.len() {
            // Cut inside the IP header or the message: never a panic, and
            // a report cut inside a record is not taken.
            let _ = parse_ipv4(&b[..len]);
        }
    }
    let report = hex(V3_REPORT);
    assert_eq!(parse_ipv4(&report[..report.len() - 1]), None);
    for text in [MLD2_QUERY, MLD1_QUERY, MLD2_REPORT] {
        let b = hex(text);
        for len in 0..b.len() {
            let _ = parse_mld(&b[..len]);
        }
    }
    // A record count far beyond the bytes.
    assert_eq!(parse_igmp(&hex("2200 0000 0000 ffff")), None);
    // Source counts that would overflow a naive length sum.
    assert_eq!(parse_mld(&hex("8f00 0000 0000 0001 04ff ffff")), None);
    // Not IPv4; header length below 20; another protocol.
    assert_eq!(parse_ipv4(&hex("6000 0000")), None);
    assert_eq!(parse_ipv4(&hex("4400 0020 0000 0000 0102 0000")), None);
    let mut udp = hex(V2_QUERY);
    udp[9] = 17;
    assert_eq!(parse_ipv4(&udp), None);
}

#[test]
fn ip_options_are_walked_safely() {
    // No options: no router alert.
    let mut b = hex("45c0 001c 0000 4000 0102 0000 c000 02fe e000 0001 1164 0000 0000 0000");
    assert!(!parse_ipv4(&b).unwrap().router_alert);
    // NOP, NOP, then an option claiming 200 bytes: stop, no alert, no panic.
    b = hex("46c0 0020 0000 4000 0102 0000 c000 02fe e000 0001 0101 07c8 1164 0000 0000 0000");
    let p = parse_ipv4(&b).unwrap();
    assert!(!p.router_alert);
    // A total length beyond the buffer is not trusted.
    b[3] = 0xff;
    assert!(parse_ipv4(&b).is_some());
}

#[test]
fn ipv6_packets_with_hop_by_hop() {
    // The whole MLDv2 report as a packet tap sees it (IPv6 + HBH + ICMPv6).
    let b = hex(
        "6000 0000 0024 0001 fe80 0000 0000 0000 8c78 f3ff fe81 9c01 ff02 0000 0000 0000 \
                 0000 0000 0000 0016 3a00 0502 0000 0100 8f00 54f5 0000 0001 0400 0000 ff15 0000 \
                 0000 0000 0000 0000 0000 0007",
    );
    let (src, m) = parse_ipv6_mld(&b).unwrap();
    assert_eq!(
        src,
        "fe80::8c78:f3ff:fe81:9c01".parse::<Ipv6Addr>().unwrap()
    );
    let Message::Report(r) = m else {
        panic!("not a report")
    };
    assert_eq!(r.groups[0].group, "ff15::7".parse::<IpAddr>().unwrap());
    for len in 0..b.len() {
        let _ = parse_ipv6_mld(&b[..len]);
    }
    // A hop-by-hop length pointing past the packet.
    let mut bad = b.clone();
    bad[41] = 0xff;
    assert_eq!(parse_ipv6_mld(&bad), None);
}
