//! Contents captured from Linux 6.18 in a namespace where `mcast join`
//! held 239.1.2.3 (ASM), 192.0.2.9,232.1.1.1 (SSM), [ff15::7] (ASM) and
//! 2001:db8::9,[ff35::8] (SSM) on mc1, plus awkward hand-made cases.

use super::*;

const IGMP: &str = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter
1\tlo        :     1      V3
\t\t\t\t010000E0     1 0:00000000\t\t0
2\tmc1       :     3      V2
\t\t\t\t010101E8     1 0:00000000\t\t0
\t\t\t\t030201EF     2 1:000001F4\t\t1
\t\t\t\t010000E0     1 0:00000000\t\t0
5\taveryverylongnm:     3      V3
\t\t\t\t010101E8     1 0:00000000\t\t0
";

const IGMP6: &str = "\
1    lo              ff020000000000000000000000000001     1 0000000C 0
2    mc1             ff350000000000000000000000000008     1 00000004 0
2    mc1             ff150000000000000000000000000007     1 00000004 0
2    mc1             ff0200000000000000000001ff025ae7     1 00000004 0
";

const MCFILTER: &str = "Idx Device        MCA        SRC    INC    EXC
  2    mc1 0xe8010101 0xc0000209      1      0
  5 averyv 0xe8010101 0xc0000209      1      0
";

const MCFILTER6: &str =
    "Idx Device                Multicast Address                   Source Address    INC    EXC
  2    mc1 ff350000000000000000000000000008 20010db8000000000000000000000009      1      0
";

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn igmp_devices_groups_and_byte_order() {
    let devs = parse_igmp_as(IGMP, true);
    assert_eq!(devs.len(), 3);
    assert_eq!((devs[1].index, devs[1].name.as_str()), (2, "mc1"));
    assert_eq!(devs[1].querier, Some(2));
    assert_eq!(devs[0].querier, Some(3));
    let g = &devs[1].groups;
    assert_eq!(g[0].group, Ipv4Addr::new(232, 1, 1, 1));
    assert_eq!(g[1].group, Ipv4Addr::new(239, 1, 2, 3));
    assert_eq!(g[1].users, 2);
    assert!(g[1].timer_running && g[1].reporter);
    assert!(!g[0].timer_running && !g[0].reporter);
    // A name of 15 characters runs into the colon.
    assert_eq!(devs[2].name, "averyverylongnm");
    assert_eq!(devs[2].groups.len(), 1);
    // Written by a big-endian kernel, the same digits are the other way.
    let be = parse_igmp_as(IGMP, false);
    assert_eq!(be[1].groups[0].group, Ipv4Addr::new(1, 1, 1, 232));
}

#[test]
fn igmp_awkward_contents() {
    assert!(parse_igmp("").is_empty());
    assert!(
        parse_igmp("Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n").is_empty()
    );
    // A group line before any device, garbage fields, a device without
    // a querier column: passed over or kept without it, never a panic.
    let text = "\t\t\t\t010000E0     1 0:0\t\t0\n3\tx:y\n4\teth0 :\n\t\t\t\tZZZZ 1 0:0 0\n";
    let devs = parse_igmp(text);
    assert_eq!(devs.len(), 2);
    assert_eq!(devs[0].name, "x");
    assert_eq!(devs[1].querier, None);
    assert!(devs[1].groups.is_empty());
}

#[test]
fn igmp6_entries() {
    let e = parse_igmp6(IGMP6);
    assert_eq!(e.len(), 4);
    assert_eq!(e[1].group, "ff35::8".parse::<Ipv6Addr>().unwrap());
    assert_eq!((e[1].index, e[1].name.as_str(), e[1].users), (2, "mc1", 1));
    assert!(parse_igmp6("").is_empty());
    assert!(
        parse_igmp6("2 mc1 ff35 1 4 0\n2 mc1 zz350000000000000000000000000008 1 4 0\n").is_empty()
    );
}

#[test]
fn source_filters_in_network_order() {
    let f = parse_mcfilter(MCFILTER);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].group, ip("232.1.1.1"));
    assert_eq!(f[0].source, ip("192.0.2.9"));
    assert_eq!((f[0].include, f[0].exclude), (1, 0));
    assert_eq!((f[1].index, f[1].name.as_str()), (5, "averyv"));
    let f6 = parse_mcfilter6(MCFILTER6);
    assert_eq!(f6[0].group, ip("ff35::8"));
    assert_eq!(f6[0].source, ip("2001:db8::9"));
    assert!(parse_mcfilter("").is_empty());
    assert!(parse_mcfilter("  2 mc1 e8010101 0xc0000209 1 0\n").is_empty());
}

#[test]
fn memberships_merge_asm_and_ssm() {
    let mut filters = parse_mcfilter(MCFILTER);
    filters.extend(parse_mcfilter6(MCFILTER6));
    let all = memberships(&parse_igmp_as(IGMP, true), &parse_igmp6(IGMP6), &filters);
    let find = |index: u32, g: &str| {
        all.iter()
            .find(|m| m.index == index && m.group == ip(g))
            .unwrap()
            .clone()
    };
    assert_eq!(
        find(2, "232.1.1.1").filter,
        Filter::Include(vec![ip("192.0.2.9")])
    );
    assert_eq!(find(2, "239.1.2.3").filter, Filter::Any);
    assert_eq!(
        find(2, "ff35::8").filter,
        Filter::Include(vec![ip("2001:db8::9")])
    );
    assert_eq!(find(2, "ff15::7").filter.mode(), "ASM");
    assert_eq!(find(5, "232.1.1.1").iface, "averyverylongnm");
    // Sorted by interface, then group.
    let keys: Vec<_> = all.iter().map(|m| (m.index, m.group)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn an_asm_join_beside_an_ssm_one_opens_the_group() {
    let igmp = "2\tmc1       :     1      V3\n\t\t\t\t010101E8     2 0:00000000\t\t0\n";
    let filters = parse_mcfilter(MCFILTER);
    let all = memberships(&parse_igmp_as(igmp, true), &[], &filters);
    assert_eq!(all[0].filter, Filter::Any);
    let excl = "  2    mc1 0xe8010101 0xc0000209      0      1\n";
    let all = memberships(&parse_igmp_as(igmp, true), &[], &parse_mcfilter(excl));
    assert_eq!(all[0].filter, Filter::Exclude(vec![ip("192.0.2.9")]));
}

#[test]
fn snmp6_counters() {
    let text = "Ip6InReceives                   \t12\nIcmp6InGroupMembQueries         \t5\nIcmp6OutMLDv2Reports\t7\n";
    assert_eq!(snmp6_counter(text, "Icmp6InGroupMembQueries"), Some(5));
    assert_eq!(snmp6_counter(text, "Icmp6OutMLDv2Reports"), Some(7));
    assert_eq!(snmp6_counter(text, "Icmp6InGroupMemb"), None);
    assert_eq!(snmp6_counter("", "x"), None);
}
