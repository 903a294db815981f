use super::*;
use crate::media::ts::tests::packet as ts_packet;

fn ms(n: u64) -> Duration {
    Duration::from_secs(1_800_000_000) + Duration::from_millis(n)
}

fn rtp(seq: u16, ts: u32, ssrc: u32, pt: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn feed(m: &mut MediaStats, opts: &MediaOptions, packets: &[(Vec<u8>, u64)]) {
    for (p, t) in packets {
        m.record(p, ms(*t), opts, None);
    }
}

/// Audio at 8 kHz, 20 ms per packet, sent and received in time.
fn audio(seqs: impl IntoIterator<Item = u16>, ssrc: u32) -> Vec<(Vec<u8>, u64)> {
    seqs.into_iter()
        .map(|s| {
            (
                rtp(s, u32::from(s).wrapping_mul(160), ssrc, 0, &[0; 160]),
                u64::from(s) * 20,
            )
        })
        .collect()
}

#[test]
fn rtp_is_recognised_after_three_packets_and_counts_from_the_first() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    feed(&mut m, &opts, &audio(0..2, 7));
    assert_eq!(m.format(), None, "two packets are not enough");
    assert!(m.rtp().is_none());
    feed(&mut m, &opts, &audio([3, 4], 7));
    assert_eq!(m.format(), Some("rtp"));
    let r = m.rtp().unwrap();
    let f = r.figures();
    assert_eq!((f.expected, f.lost), (5, 1));
    assert_eq!(r.clock, Some(8000));
    assert_eq!(r.clock_source, Some("payload type"));
    // Perfectly timed: no jitter.
    assert!(r.jitter_ms().unwrap() < 1e-6);
}

#[test]
fn sequence_wrap_is_not_loss() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    let seqs = (65530u16..=65535).chain(0..6);
    let pkts: Vec<_> = seqs
        .enumerate()
        .map(|(i, s)| (rtp(s, i as u32 * 160, 1, 0, &[]), i as u64 * 20))
        .collect();
    feed(&mut m, &opts, &pkts);
    let f = m.rtp().unwrap().figures();
    assert_eq!(
        (f.expected, f.lost, f.duplicates, f.reordered),
        (12, 0, 0, 0)
    );
}

#[test]
fn duplicates_and_reordering() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    feed(&mut m, &opts, &audio([0, 1, 2, 4, 3, 5, 5, 6], 1));
    let f = m.rtp().unwrap().figures();
    assert_eq!(
        (f.expected, f.lost, f.duplicates, f.reordered),
        (7, 0, 1, 1)
    );
}

#[test]
fn ssrc_change_keeps_both_spans() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    feed(&mut m, &opts, &audio(100..110, 1));
    feed(&mut m, &opts, &audio([5000, 5001, 5003], 2));
    let r = m.rtp().unwrap();
    assert_eq!(r.ssrc_changes, 1);
    assert_eq!(r.ssrc, 2);
    let f = r.figures();
    assert_eq!((f.expected, f.lost), (14, 1));
}

#[test]
fn restart_is_confirmed_by_the_next_packet() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    feed(&mut m, &opts, &audio(1000..1010, 1));
    // One stray far-away number is ignored; two in a row restart.
    feed(&mut m, &opts, &audio([40000], 1));
    feed(&mut m, &opts, &audio([1010, 1011], 1));
    assert_eq!(m.rtp().unwrap().restarts, 0);
    feed(&mut m, &opts, &audio([20, 21, 22], 1));
    let r = m.rtp().unwrap();
    assert_eq!(r.restarts, 1);
    let f = r.figures();
    assert_eq!((f.expected, f.lost), (12 + 2, 0));
}

#[test]
fn random_payloads_are_not_rtp() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    // Version 2 by chance, but SSRC and sequence all over the place.
    let mut x = 0x1234_5678u32;
    for i in 0..40 {
        let mut p = vec![0u8; 64];
        for b in &mut p {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        p[0] = 0x80;
        m.record(&p, ms(i), &opts, None);
    }
    assert_eq!(m.format(), None);
    assert!(m.rtp().is_none() && m.ts().is_none());
    // Forced, the first one is RTP.
    let force = MediaOptions {
        rtp: RtpMode::Force,
        ..opts
    };
    let mut m = MediaStats::new();
    m.record(&rtp(9, 0, 1, 96, b"x"), ms(0), &force, None);
    assert_eq!(m.format(), Some("rtp"));
    assert_eq!(m.rtp().unwrap().clock, None, "dynamic PT without SDP");
    // Off: RTP is never looked for.
    let off = MediaOptions {
        rtp: RtpMode::Off,
        ..opts
    };
    let mut m = MediaStats::new();
    feed(&mut m, &off, &audio(0..20, 1));
    assert_eq!(m.format(), None);
}

#[test]
fn rtp_clock_option_and_sdp_clock() {
    let opts = MediaOptions {
        rtp_clock: Some(48_000),
        ..MediaOptions::default()
    };
    let mut m = MediaStats::new();
    feed(&mut m, &opts, &audio(0..4, 1));
    assert_eq!(m.rtp().unwrap().clock_source, Some("option"));
    let mut m = MediaStats::new();
    for s in 0..4u16 {
        m.record(
            &rtp(s, 0, 1, 96, &[]),
            ms(u64::from(s)),
            &MediaOptions::default(),
            Some(90_000),
        );
    }
    assert_eq!(m.rtp().unwrap().clock, Some(90_000));
    assert_eq!(m.rtp().unwrap().clock_source, Some("sdp"));
}

#[test]
fn jitter_follows_rfc3550() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    // Every other packet 10 ms late: |D| = 80 units at 8 kHz, each time.
    let pkts: Vec<_> = (0u16..200)
        .map(|s| {
            (
                rtp(s, u32::from(s) * 160, 1, 0, &[]),
                u64::from(s) * 20 + u64::from(s % 2) * 10,
            )
        })
        .collect();
    feed(&mut m, &opts, &pkts);
    let j = m.rtp().unwrap().jitter_ms().unwrap();
    assert!((j - 10.0).abs() < 0.01, "jitter {j} ms");
}

/// A datagram of TS packets for PIDs with counters.
fn ts_dgram(pkts: &[(u16, u8)]) -> Vec<u8> {
    pkts.iter()
        .flat_map(|&(pid, cc)| ts_packet(pid, cc, true, false, None))
        .collect()
}

#[test]
fn ts_over_udp_continuity() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    m.record(
        &ts_dgram(&[(0, 0), (0x100, 14), (0x100, 15)]),
        ms(0),
        &opts,
        None,
    );
    assert_eq!(m.format(), None);
    // Wrap 15 → 0, then a duplicate (allowed once), then a gap.
    m.record(
        &ts_dgram(&[(0x100, 0), (0x100, 0), (0x100, 3)]),
        ms(1),
        &opts,
        None,
    );
    assert_eq!(m.format(), Some("mpegts"));
    let t = m.ts().unwrap();
    assert_eq!(t.packets, 6);
    assert_eq!(t.cc_errors, 1);
    assert_eq!(t.cc_error_datagrams, 1);
    let video = t.pids.iter().find(|p| p.pid == 0x100).unwrap();
    assert_eq!((video.packets, video.cc_errors), (5, 1));
    // A second duplicate in a row is an error.
    let mut m = MediaStats::new();
    for (i, cc) in [1u8, 1, 1].iter().enumerate() {
        m.record(&ts_dgram(&[(0x20, *cc)]), ms(i as u64), &opts, None);
    }
    assert_eq!(m.ts().unwrap().cc_errors, 1);
}

#[test]
fn ts_adaptation_only_and_discontinuity() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    let mut d = ts_packet(0x30, 5, true, false, None);
    // Adaptation-only packets keep the counter.
    d.extend(ts_packet(0x30, 5, false, false, Some(0)));
    d.extend(ts_packet(0x30, 6, true, false, None));
    m.record(&d, ms(0), &opts, None);
    // A jump the discontinuity indicator announces is no error.
    let mut d = ts_packet(0x30, 12, true, true, Some(27_000_000 * 5));
    d.extend(ts_packet(0x30, 13, true, false, None));
    // An adaptation-only packet that steps the counter is.
    d.extend(ts_packet(0x30, 14, false, false, None));
    // Null packets' counters mean nothing.
    d.extend(ts_packet(ts::NULL_PID, 3, true, false, None));
    d.extend(ts_packet(ts::NULL_PID, 9, true, false, None));
    m.record(&d, ms(1), &opts, None);
    let t = m.ts().unwrap();
    assert_eq!(t.cc_errors, 1);
    let p = t.pids.iter().find(|p| p.pid == 0x30).unwrap();
    assert_eq!(
        (p.discontinuities, p.pcrs, p.pcr_discontinuity_errors),
        (1, 2, 0)
    );
}

#[test]
fn ts_pcr_interval_jitter_and_repetition() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    // PCR every 20 ms of stream time; arrivals every 20 ms but one at 60.
    let arrivals = [0u64, 20, 40, 100, 120];
    for (i, &t) in arrivals.iter().enumerate() {
        let pcr = i as u64 * 20 * 27_000;
        let d = ts_packet(0x100, i as u8, true, false, Some(pcr));
        m.record(&d, ms(t), &opts, None);
    }
    let t = m.ts().unwrap();
    let p = &t.pids[0];
    assert_eq!(p.pcrs, 5);
    assert_eq!(p.pcr_intervals, 4);
    assert_eq!(p.pcr_interval_max, Duration::from_millis(20));
    assert_eq!(p.pcr_repetition_errors, 0);
    assert!(
        (p.pcr_jitter_max - 0.040).abs() < 1e-6,
        "{}",
        p.pcr_jitter_max
    );
    // A 50 ms gap between PCRs breaks the 40 ms rule; 200 ms is a jump.
    let mut m = MediaStats::new();
    for (i, pcr_ms) in [0u64, 50, 250].iter().enumerate() {
        let d = ts_packet(0x100, i as u8, true, false, Some(pcr_ms * 27_000));
        m.record(&d, ms(*pcr_ms), &opts, None);
    }
    let p = &m.ts().unwrap().pids[0];
    assert_eq!(
        (p.pcr_repetition_errors, p.pcr_discontinuity_errors),
        (1, 1)
    );
}

#[test]
fn ts_over_rtp_and_sync_loss() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    for s in 0u16..4 {
        let payload = ts_dgram(&[(0x100, (s * 2) as u8 & 15), (0x100, (s * 2 + 1) as u8 & 15)]);
        m.record(
            &rtp(s, u32::from(s) * 3000, 5, 33, &payload),
            ms(u64::from(s)),
            &opts,
            None,
        );
    }
    assert_eq!(m.format(), Some("rtp/mpegts"));
    assert_eq!(m.ts().unwrap().packets, 8);
    assert_eq!(m.ts().unwrap().cc_errors, 0);
    // A payload that lost its sync bytes.
    m.record(&rtp(4, 0, 5, 33, &[0u8; 376]), ms(5), &opts, None);
    assert_eq!(m.ts().unwrap().sync_byte_errors, 2);
    m.record(&rtp(5, 0, 5, 33, &[0x47u8; 100]), ms(6), &opts, None);
    assert_eq!(m.ts().unwrap().sync_errors, 1);
}

#[test]
fn pat_repetition() {
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    for (i, t) in [0u64, 400, 1000].iter().enumerate() {
        m.record(&ts_dgram(&[(0, i as u8)]), ms(*t), &opts, None);
    }
    assert_eq!(m.ts().unwrap().pat_errors, 1);
    // No PAT at all for more than half a second: one error.
    let mut m = MediaStats::new();
    for i in 0..10u64 {
        m.record(&ts_dgram(&[(0x44, i as u8)]), ms(i * 100), &opts, None);
    }
    assert_eq!(m.ts().unwrap().pat_errors, 1);
}

#[test]
fn analyzer_shows_rtp_loss_per_group_and_in_totals() {
    use crate::analysis::Analyzer;
    use crate::recv::Packet;
    let mut a = Analyzer::new(&crate::analysis::tests::groups());
    for (p, t) in audio([0, 1, 2, 4, 5], 9) {
        a.record(&Packet {
            group: Some(0),
            time: ms(t),
            ..Packet::sample(&p)
        });
    }
    assert!(a.last_is_rtp());
    let v = &a.group_views()[0];
    assert_eq!((v.expected, v.lost), (6, 1));
    let t = a.totals();
    assert_eq!((t.media.rtp_streams, t.media.rtp.lost), (1, 1));
    assert_eq!(t.loss_pct(), None, "test loss stays test loss");
    // Forced off: the same stream is only counted.
    let mut a = Analyzer::new(&crate::analysis::tests::groups());
    a.set_media(MediaOptions {
        rtp: RtpMode::Off,
        rtp_clock: None,
    });
    for (p, t) in audio(0..5, 9) {
        a.record(&Packet {
            group: Some(0),
            time: ms(t),
            ..Packet::sample(&p)
        });
    }
    assert!(!a.last_is_rtp());
    assert_eq!(a.totals().media, crate::analysis::MediaTotals::default());
}

#[test]
fn forced_rtp_still_recognises_ts_over_udp() {
    let force = MediaOptions {
        rtp: RtpMode::Force,
        rtp_clock: None,
    };
    let mut m = MediaStats::new();
    m.record(&ts_dgram(&[(0x100, 0)]), ms(0), &force, None);
    m.record(&ts_dgram(&[(0x100, 1)]), ms(1), &force, None);
    assert_eq!(m.format(), Some("mpegts"));
}

#[test]
fn pat_and_pmt_name_the_pids() {
    use crate::media::ts::tests::psi;
    let opts = MediaOptions::default();
    let mut m = MediaStats::new();
    let pat = psi(0, 0, 0, &[0, 1, 0xf0, 0x00]);
    // H.264 at 0x100 (present), AAC at 0x101 (never sent).
    let pmt = |cc| {
        psi(
            0x1000,
            cc,
            2,
            &[
                0xe1, 0x00, 0xf0, 0x00, 0x1b, 0xe1, 0x00, 0xf0, 0x00, 0x0f, 0xe1, 0x01, 0xf0, 0x00,
            ],
        )
    };
    let mut d = pat.clone();
    d.extend(pmt(0));
    d.extend(ts_packet(0x100, 0, true, false, None));
    m.record(&d, ms(0), &opts, None);
    // The PMT again 0.7 s later: a PMT error; and one with a bad CRC.
    let mut again = pmt(1);
    let mut bad = pmt(2);
    bad[30] ^= 0xff;
    again.extend(bad);
    again.extend(ts_packet(0x100, 1, true, false, None));
    m.record(&again, ms(700), &opts, None);
    let t = m.ts().unwrap();
    let kind = |pid: u16| {
        t.pids
            .iter()
            .find(|p| p.pid == pid)
            .and_then(PidStats::kind)
    };
    assert_eq!(kind(0), Some("PAT"));
    assert_eq!(kind(0x1000), Some("PMT"));
    assert_eq!(kind(0x100), Some("H.264 video"));
    assert_eq!(kind(0x101), Some("AAC audio"));
    let missing: Vec<u16> = t.missing_pids().map(|p| p.pid).collect();
    assert_eq!(missing, [0x101]);
    assert_eq!((t.pmt_errors, t.crc_errors, t.cc_errors), (1, 1, 0));
    let sum: u64 = t.pids.iter().map(|p| p.packets).sum();
    assert_eq!(sum, t.packets);
}

#[test]
fn recognition_state_is_small() {
    // Every foreign stream carries it; RTP and TS figures are boxed.
    assert!(
        std::mem::size_of::<MediaStats>() <= 40,
        "{}",
        std::mem::size_of::<MediaStats>()
    );
    assert!(std::mem::size_of::<RtpStats>() < 1024);
}
