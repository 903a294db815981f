use super::*;

/// Builds one control message the way `layout`'s kernel lays it out.
pub(crate) fn message(layout: &Layout, level: i32, kind: i32, data: &[u8]) -> Vec<u8> {
    let hdr = layout.header_len();
    let len = hdr + data.len();
    let mut out = vec![0u8; align_to(len, layout.align)];
    let w = layout.len_width;
    match w {
        8 => out[..8].copy_from_slice(&(len as u64).to_ne_bytes()),
        _ => out[..4].copy_from_slice(&(len as u32).to_ne_bytes()),
    }
    out[w..w + 4].copy_from_slice(&level.to_ne_bytes());
    out[w + 4..w + 8].copy_from_slice(&kind.to_ne_bytes());
    out[hdr..hdr + data.len()].copy_from_slice(data);
    out
}

fn pktinfo_linux(ifindex: i32, group: [u8; 4]) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&ifindex.to_ne_bytes());
    d.extend_from_slice(&[192, 0, 2, 2]);
    d.extend_from_slice(&group);
    message(&LINUX, 0, 8, &d)
}

fn v6_pktinfo(layout: &Layout, kind: i32, group: &str, ifindex: u32) -> Vec<u8> {
    let mut d = group.parse::<Ipv6Addr>().unwrap().octets().to_vec();
    d.extend_from_slice(&ifindex.to_ne_bytes());
    message(layout, 41, kind, &d)
}

#[test]
fn linux_ipv4_info_ttl_time_and_drops() {
    let mut buf = pktinfo_linux(3, [239, 1, 2, 3]);
    buf.extend(message(&LINUX, 0, 2, &7i32.to_ne_bytes()));
    let mut ts = 1_700_000_000i64.to_ne_bytes().to_vec();
    ts.extend_from_slice(&5i64.to_ne_bytes());
    buf.extend(message(&LINUX, 1, 35, &ts));
    buf.extend(message(&LINUX, 1, 40, &12u32.to_ne_bytes()));
    let info = parse(&buf, &LINUX);
    assert_eq!(info.dest, Some("239.1.2.3".parse().unwrap()));
    assert_eq!(info.ifindex, 3);
    assert_eq!(info.ttl, Some(7));
    assert_eq!(info.drops, Some(12));
    assert_eq!(info.kernel_time, Some(Duration::new(1_700_000_000, 5)));
    assert!(!info.truncated);
}

#[test]
fn linux_ipv6_info_and_hop_limit() {
    let mut buf = v6_pktinfo(&LINUX, 50, "ff15::1", 4);
    buf.extend(message(&LINUX, 41, 52, &64i32.to_ne_bytes()));
    let info = parse(&buf, &LINUX);
    assert_eq!(info.dest, Some("ff15::1".parse().unwrap()));
    assert_eq!(info.ifindex, 4);
    assert_eq!(info.ttl, Some(64));
}

/// `sockaddr_dl` as `IP_RECVIF` delivers it: length, family, index.
fn recvif(layout: &Layout, index: u16) -> Vec<u8> {
    let mut d = vec![20u8, 18];
    d.extend_from_slice(&index.to_ne_bytes());
    d.extend_from_slice(&[0; 16]);
    message(layout, 0, 20, &d)
}

#[test]
fn bsd_dstaddr_recvif_byte_ttl_and_timeval() {
    for (layout, ttl_type, usec) in [(&FREEBSD, 65, 8usize), (&MACOS, 24, 4)] {
        let mut buf = message(layout, 0, 7, &[239, 1, 2, 3]);
        buf.extend(recvif(layout, 5));
        buf.extend(message(layout, 0, ttl_type, &[9]));
        let mut tv = 1_700_000_000i64.to_ne_bytes().to_vec();
        match usec {
            8 => tv.extend_from_slice(&250_000i64.to_ne_bytes()),
            _ => tv.extend_from_slice(&[&250_000i32.to_ne_bytes()[..], &[0; 4]].concat()),
        }
        buf.extend(message(layout, 0xffff, 2, &tv));
        let info = parse(&buf, layout);
        assert_eq!(info.dest, Some("239.1.2.3".parse().unwrap()));
        assert_eq!(info.ifindex, 5);
        assert_eq!(info.ttl, Some(9));
        assert_eq!(
            info.kernel_time,
            Some(Duration::new(1_700_000_000, 250_000_000))
        );
        assert!(!info.truncated, "{layout:?}");
        let buf = v6_pktinfo(layout, 46, "ff05::2", 6);
        assert_eq!(parse(&buf, layout).dest, Some("ff05::2".parse().unwrap()));
    }
}

#[test]
fn bsd_headers_are_twelve_bytes_aligned_per_os() {
    assert_eq!(FREEBSD.header_len(), 16);
    assert_eq!(MACOS.header_len(), 12);
    assert_eq!(LINUX.header_len(), 16);
    assert_eq!(WINDOWS.header_len(), 16);
}

#[test]
fn windows_pktinfo_puts_the_address_first() {
    let mut d = vec![239, 1, 2, 3];
    d.extend_from_slice(&7u32.to_ne_bytes());
    let mut buf = message(&WINDOWS, 0, 19, &d);
    buf.extend(message(&WINDOWS, 0, 4, &3i32.to_ne_bytes()));
    let info = parse(&buf, &WINDOWS);
    assert_eq!(info.dest, Some("239.1.2.3".parse().unwrap()));
    assert_eq!(info.ifindex, 7);
    assert_eq!(info.ttl, Some(3));
    assert_eq!(info.kernel_time, None, "Windows has no kernel timestamps");
    let buf = v6_pktinfo(&WINDOWS, 19, "ff15::9", 2);
    let info = parse(&buf, &WINDOWS);
    assert_eq!(info.dest, Some("ff15::9".parse().unwrap()));
    assert_eq!(info.ifindex, 2);
}

#[test]
fn truncated_buffers_are_flagged_not_read_past() {
    let full = pktinfo_linux(3, [239, 1, 2, 3]);
    // Up to cmsg_len (header + 12 bytes of in_pktinfo); the rest is padding.
    let used = LINUX.header_len() + 12;
    assert!(parse(&full[..used], &LINUX).dest.is_some());
    for cut in 0..used {
        let info = parse(&full[..cut], &LINUX);
        assert_eq!(info.dest, None, "cut at {cut}");
        if cut >= 16 {
            assert!(info.truncated, "cut at {cut}");
        }
    }
}

#[test]
fn short_data_and_bogus_lengths_are_flagged() {
    let buf = message(&LINUX, 0, 2, &[1, 2]);
    let info = parse(&buf, &LINUX);
    assert_eq!(info.ttl, None);
    assert!(info.truncated);
    let mut bogus = message(&LINUX, 0, 2, &1i32.to_ne_bytes());
    bogus[..8].copy_from_slice(&u64::MAX.to_ne_bytes());
    assert!(parse(&bogus, &LINUX).truncated);
    bogus[..8].copy_from_slice(&0u64.to_ne_bytes());
    assert!(parse(&bogus, &LINUX).truncated);
}

/// A second header whose length is near `usize::MAX` once made
/// `off + len` wrap (found by fuzzing).
#[test]
fn a_huge_second_length_cannot_wrap_the_offset() {
    for near_max in [u64::MAX, u64::MAX - 7, u64::MAX - 15, u64::MAX / 2 + 1] {
        let mut buf = message(&LINUX, 0, 2, &5i32.to_ne_bytes());
        let mut second = message(&LINUX, 0, 2, &6i32.to_ne_bytes());
        second[..8].copy_from_slice(&near_max.to_ne_bytes());
        buf.extend(second);
        let info = parse(&buf, &LINUX);
        assert_eq!(info.ttl, Some(5));
        assert!(info.truncated);
    }
}

#[test]
fn unknown_messages_are_skipped() {
    let mut buf = message(&LINUX, 99, 99, &[0; 5]);
    buf.extend(message(&LINUX, 0, 2, &9i32.to_ne_bytes()));
    let info = parse(&buf, &LINUX);
    assert_eq!(info.ttl, Some(9));
    assert!(!info.truncated);
}

#[test]
fn garbage_never_panics_in_any_layout() {
    let mut state = 0x1234_5678_9abc_def0u64;
    for layout in [&LINUX, &FREEBSD, &MACOS, &WINDOWS] {
        for _ in 0..2000 {
            let mut buf = [0u8; 96];
            for b in buf.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let _ = parse(&buf[..(state % 97) as usize], layout);
        }
    }
}
