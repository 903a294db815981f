//! Batched receive and send: `recvmmsg`/`sendmmsg` where the kernel has
//! them (Linux, FreeBSD), one `recvmsg`/`sendmsg` per datagram on macOS.
//! Buffers are allocated once and reused, so the receive path allocates
//! nothing per packet.
#![allow(unsafe_code)]

use std::io;
use std::mem::size_of;
use std::os::fd::AsRawFd;

use socket2::{SockAddr, Socket};

use super::socket_addr;
use crate::platform::cmsg::{self, CmsgBuf};
use crate::platform::os::CMSG_LAYOUT;
use crate::platform::RecvMeta;

/// `mmsghdr` where the kernel has it; the same shape elsewhere, so one
/// code path fills the headers.
#[cfg(not(target_os = "macos"))]
type Hdr = libc::mmsghdr;

#[cfg(target_os = "macos")]
#[repr(C)]
#[derive(Clone, Copy)]
struct Hdr {
    msg_hdr: libc::msghdr,
    msg_len: libc::c_uint,
}

/// Iovecs whose pointers are filled in before each call.
fn empty_iovecs() -> Vec<libc::iovec> {
    let empty = libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    };
    vec![empty; BATCH]
}

fn zero_hdrs() -> Vec<Hdr> {
    // SAFETY: all-zero is a valid value for this plain C struct; pointers
    // are filled in before each call.
    let zero: Hdr = unsafe { std::mem::zeroed() };
    vec![zero; BATCH]
}

const CACHE_LINE: usize = 64;

/// Datagrams taken per receive call: enough to amortise the syscall
/// over a burst, small enough that the buffers stay a couple of MiB.
pub const BATCH: usize = 32;

/// Buffers for one batched receive, allocated once and reused.
pub struct RecvBatch {
    bufs: Vec<u8>,
    buf_len: usize,
    /// Distance between buffers: `buf_len` plus a cache line. At exactly
    /// 64 KiB apart every buffer's first bytes, where the kernel writes
    /// and the header is read, would share one cache set and evict each
    /// other within a batch.
    stride: usize,
    ctrl: Vec<CmsgBuf>,
    names: Vec<libc::sockaddr_storage>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<Hdr>,
    metas: Vec<RecvMeta>,
}

impl RecvBatch {
    /// Room for `BATCH` datagrams of up to `buf_len` bytes each.
    pub fn new(buf_len: usize) -> Self {
        // SAFETY: all-zero is a valid sockaddr_storage.
        let zero_name: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let stride = buf_len + CACHE_LINE;
        Self {
            bufs: vec![0; stride * BATCH],
            buf_len,
            stride,
            ctrl: (0..BATCH).map(|_| CmsgBuf::default()).collect(),
            names: vec![zero_name; BATCH],
            iovs: empty_iovecs(),
            hdrs: zero_hdrs(),
            metas: Vec::with_capacity(BATCH),
        }
    }

    /// Metadata of the datagrams the last call received.
    pub fn metas(&self) -> &[RecvMeta] {
        &self.metas
    }

    /// Payload of datagram `i` of the last call.
    pub fn payload(&self, i: usize) -> &[u8] {
        let len = self.metas.get(i).map_or(0, |m| m.len);
        let start = i * self.stride;
        &self.bufs[start..start + len.min(self.buf_len)]
    }

    /// Points the first `vlen` headers at their buffers.
    fn prepare(&mut self, vlen: usize) {
        let base = self.bufs.as_mut_ptr();
        for i in 0..vlen {
            // SAFETY: `i * stride + buf_len` is inside `bufs` (BATCH strides).
            self.iovs[i].iov_base = unsafe { base.add(i * self.stride) }.cast();
            self.iovs[i].iov_len = self.buf_len;
            let h = &mut self.hdrs[i];
            h.msg_hdr.msg_name = (&mut self.names[i] as *mut libc::sockaddr_storage).cast();
            h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_hdr.msg_iov = &mut self.iovs[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_control = self.ctrl[i].0.as_mut_ptr().cast();
            h.msg_hdr.msg_controllen = self.ctrl[i].0.len() as _;
            h.msg_hdr.msg_flags = 0;
            h.msg_len = 0;
        }
    }

    /// One `recvmsg` into slot `i`; its length goes to `msg_len`.
    fn recv_one(&mut self, sock: &Socket, i: usize, flags: libc::c_int) -> io::Result<()> {
        // SAFETY: header `i` points at buffers owned by `self` (prepare).
        let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut self.hdrs[i].msg_hdr, flags) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        self.hdrs[i].msg_len = n as _;
        Ok(())
    }

    /// Reads the metadata of the first `n` headers after a receive.
    fn collect(&mut self, n: usize) -> usize {
        self.metas.clear();
        for i in 0..n {
            let h = &self.hdrs[i];
            // `socklen_t` on the BSDs, `size_t` on Linux.
            #[allow(clippy::unnecessary_cast)]
            let control_len = (h.msg_hdr.msg_controllen as usize).min(self.ctrl[i].0.len());
            let mut info = cmsg::parse(&self.ctrl[i].0[..control_len], &CMSG_LAYOUT);
            info.truncated |= h.msg_hdr.msg_flags & libc::MSG_CTRUNC != 0;
            self.metas.push(RecvMeta {
                len: h.msg_len as usize,
                truncated: h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0,
                source: socket_addr(&self.names[i]),
                info,
            });
        }
        n
    }
}

/// Receives up to `vlen` (at most `BATCH`) datagrams. With `wait`, blocks
/// for the first (up to the socket's receive timeout) and takes what else
/// is queued; without, `WouldBlock` when none is queued.
pub fn recv_batch(sock: &Socket, b: &mut RecvBatch, wait: bool, vlen: usize) -> io::Result<usize> {
    let vlen = vlen.clamp(1, BATCH);
    b.prepare(vlen);
    if vlen == 1 {
        // One datagram: plain recvmsg skips recvmmsg's batching overhead.
        b.recv_one(sock, 0, if wait { 0 } else { libc::MSG_DONTWAIT })?;
        return Ok(b.collect(1));
    }
    let n = recv_many(sock, b, wait, vlen)?;
    Ok(b.collect(n))
}

#[cfg(not(target_os = "macos"))]
fn recv_many(sock: &Socket, b: &mut RecvBatch, wait: bool, vlen: usize) -> io::Result<usize> {
    let flags = if wait {
        libc::MSG_WAITFORONE
    } else {
        libc::MSG_DONTWAIT
    };
    // SAFETY: every header points at buffers owned by `b` that outlive the
    // call, with matching lengths.
    let n = unsafe {
        libc::recvmmsg(
            sock.as_raw_fd(),
            b.hdrs.as_mut_ptr(),
            vlen as _,
            flags,
            std::ptr::null_mut(),
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// macOS has no `recvmmsg`: the first datagram as asked, then whatever
/// else is already queued.
#[cfg(target_os = "macos")]
fn recv_many(sock: &Socket, b: &mut RecvBatch, wait: bool, vlen: usize) -> io::Result<usize> {
    b.recv_one(sock, 0, if wait { 0 } else { libc::MSG_DONTWAIT })?;
    let mut n = 1;
    while n < vlen {
        match b.recv_one(sock, n, libc::MSG_DONTWAIT) {
            Ok(()) => n += 1,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => break,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Datagrams prepared for one batched send, in buffers allocated once.
pub struct SendBatch {
    bufs: Vec<u8>,
    slot: usize,
    lens: Vec<usize>,
    /// Destination per datagram; `None` on a connected socket.
    dests: Vec<Option<SockAddr>>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<Hdr>,
    used: usize,
}

impl SendBatch {
    /// Room for `BATCH` datagrams of up to `slot` bytes.
    pub fn new(slot: usize) -> Self {
        Self {
            bufs: vec![0; slot * BATCH],
            slot,
            lens: vec![0; BATCH],
            dests: vec![None; BATCH],
            iovs: empty_iovecs(),
            hdrs: zero_hdrs(),
            used: 0,
        }
    }

    pub fn is_full(&self) -> bool {
        self.used == BATCH
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// The next datagram's buffer, `len` bytes long (at most the slot size),
    /// still holding whatever it held last time, so fixed parts need not be
    /// rewritten. `None` when the batch is full.
    pub fn push(&mut self, len: usize, dest: Option<&SockAddr>) -> Option<&mut [u8]> {
        if self.is_full() {
            return None;
        }
        let i = self.used;
        self.used += 1;
        self.lens[i] = len.min(self.slot);
        self.dests[i] = dest.cloned();
        let start = i * self.slot;
        Some(&mut self.bufs[start..start + self.lens[i]])
    }

    /// The buffer of slot `i`, for filling it once before the first batch.
    pub fn slot_mut(&mut self, i: usize) -> &mut [u8] {
        let start = i * self.slot;
        &mut self.bufs[start..start + self.slot]
    }

    /// Sends every prepared datagram; returns how many the kernel took
    /// (the rest are dropped from the batch: the caller counts them as
    /// errors) and empties the batch.
    pub fn send(&mut self, sock: &Socket) -> io::Result<usize> {
        let n = self.used;
        self.used = 0;
        if n == 0 {
            return Ok(0);
        }
        let base = self.bufs.as_mut_ptr();
        for i in 0..n {
            // SAFETY: slot `i` lies inside `bufs`.
            self.iovs[i].iov_base = unsafe { base.add(i * self.slot) }.cast();
            self.iovs[i].iov_len = self.lens[i];
            let h = &mut self.hdrs[i];
            match &self.dests[i] {
                Some(d) => {
                    h.msg_hdr.msg_name = d.as_ptr() as *mut libc::c_void;
                    h.msg_hdr.msg_namelen = d.len();
                }
                None => {
                    h.msg_hdr.msg_name = std::ptr::null_mut();
                    h.msg_hdr.msg_namelen = 0;
                }
            }
            h.msg_hdr.msg_iov = &mut self.iovs[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_control = std::ptr::null_mut();
            h.msg_hdr.msg_controllen = 0;
        }
        send_many(sock, &mut self.hdrs[..n])
    }
}

#[cfg(not(target_os = "macos"))]
fn send_many(sock: &Socket, hdrs: &mut [Hdr]) -> io::Result<usize> {
    // SAFETY: the headers point at live buffers and addresses owned by
    // the batch.
    let sent = unsafe { libc::sendmmsg(sock.as_raw_fd(), hdrs.as_mut_ptr(), hdrs.len() as _, 0) };
    if sent < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(sent as usize)
}

/// macOS has no `sendmmsg`: one `sendmsg` each, stopping at the first
/// refusal as `sendmmsg` does.
#[cfg(target_os = "macos")]
fn send_many(sock: &Socket, hdrs: &mut [Hdr]) -> io::Result<usize> {
    for (i, h) in hdrs.iter().enumerate() {
        // SAFETY: as above.
        let rc = unsafe { libc::sendmsg(sock.as_raw_fd(), &h.msg_hdr, 0) };
        if rc < 0 {
            let err = io::Error::last_os_error();
            return if i == 0 { Err(err) } else { Ok(i) };
        }
    }
    Ok(hdrs.len())
}
