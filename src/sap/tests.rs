use super::*;

const SDP: &str = "v=0\r\no=- 42 1 IN IP4 192.0.2.1\r\ns=Camera 1\r\nc=IN IP4 239.7.7.7/1\r\n\
    t=0 0\r\nm=video 5004 RTP/AVP 33\r\n";

fn packet(flags: u8, hash: u16, sdp: &str) -> Vec<u8> {
    let mut p = vec![flags, 0];
    p.extend_from_slice(&hash.to_be_bytes());
    p.extend_from_slice(&[192, 0, 2, 1]);
    p.extend_from_slice(b"application/sdp\0");
    p.extend_from_slice(sdp.as_bytes());
    p
}

fn at(s: u64) -> Duration {
    Duration::from_secs(1_800_000_000 + s)
}

fn from() -> SocketAddr {
    SocketAddr::from(([192, 0, 2, 1], 9875))
}

fn receive(d: &mut Directory, bytes: &[u8], s: u64) -> Event {
    let p = SapPacket::parse(bytes).unwrap();
    d.receive(&p, from(), None, at(s))
}

#[test]
fn announcements_interval_and_timeout() {
    let mut d = Directory::new();
    let a = packet(0x20, 7, SDP);
    assert_eq!(receive(&mut d, &a, 0), Event::New(0));
    assert_eq!(d.sessions()[0].interval(), None);
    assert_eq!(d.sessions()[0].timeout(), FIRST_TIMEOUT);
    assert_eq!(receive(&mut d, &a, 5), Event::Repeated(0));
    assert_eq!(receive(&mut d, &a, 10), Event::Repeated(0));
    let s = &d.sessions()[0];
    assert_eq!(
        (s.announcements, s.interval()),
        (3, Some(Duration::from_secs(5)))
    );
    assert_eq!(s.age(at(12)), Duration::from_secs(12));
    assert_eq!(s.sdp.name, "Camera 1");
    // Ten intervals of silence are allowed, not more.
    assert!(d.expire(at(60)).is_empty());
    assert_eq!(d.expire(at(61)), [0]);
    assert_eq!(d.sessions()[0].state, State::TimedOut);
    assert_eq!(d.active(), 0);
    // Announced again: back as new.
    assert_eq!(receive(&mut d, &a, 70), Event::New(0));
    assert_eq!(d.active(), 1);
}

#[test]
fn changes_and_deletion() {
    let mut d = Directory::new();
    assert_eq!(receive(&mut d, &packet(0x20, 7, SDP), 0), Event::New(0));
    let changed = SDP.replace("5004", "5006");
    assert_eq!(
        receive(&mut d, &packet(0x20, 7, &changed), 5),
        Event::Changed(0)
    );
    assert_eq!(d.sessions()[0].sdp.media[0].port, 5006);
    // Another session from the same origin with hash 0.
    let other = SDP.replace("- 42 1", "- 43 1");
    assert_eq!(receive(&mut d, &packet(0x20, 0, &other), 6), Event::New(1));
    // The deletion (T bit) carries the o= line.
    let del = "v=0\r\no=- 42 1 IN IP4 192.0.2.1\r\n";
    assert_eq!(receive(&mut d, &packet(0x24, 9, del), 7), Event::Deleted(0));
    assert_eq!(d.sessions()[0].state, State::Deleted);
    assert_eq!(d.sessions()[1].state, State::Active);
    let unknown = "v=0\r\no=- 99 1 IN IP4 192.0.2.1\r\n";
    assert_eq!(
        receive(&mut d, &packet(0x24, 9, unknown), 8),
        Event::UnknownDeletion
    );
    // A deleted session does not time out.
    assert_eq!(d.expire(at(100_000)), [1]);
}

#[test]
fn directory_is_bounded() {
    let mut d = Directory::new();
    for i in 0..MAX_SESSIONS as u16 + 5 {
        let sdp = SDP.replace("- 42 1", &format!("- {i} 1"));
        receive(&mut d, &packet(0x20, i, &sdp), 0);
    }
    assert_eq!(d.sessions().len(), MAX_SESSIONS);
    assert_eq!(d.overflow, 5);
}
