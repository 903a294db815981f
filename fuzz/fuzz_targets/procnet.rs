//! Linux's `/proc/net` membership tables as any text: the parsers and the
//! merge never panic, whatever the lines hold.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcast::host::procnet;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let igmp = procnet::parse_igmp(&text);
    let igmp_be = procnet::parse_igmp_as(&text, false);
    assert_eq!(igmp.len(), igmp_be.len());
    let igmp6 = procnet::parse_igmp6(&text);
    let mut filters = procnet::parse_mcfilter(&text);
    filters.extend(procnet::parse_mcfilter6(&text));
    let all = procnet::memberships(&igmp, &igmp6, &filters);
    let groups: usize = igmp.iter().map(|d| d.groups.len()).sum();
    assert_eq!(all.len(), groups + igmp6.len());
    let _ = procnet::snmp6_counter(&text, "Icmp6InGroupMembQueries");
});
