//! Batched receive and send, the same on every OS: datagram buffers
//! allocated once and reused (the receive path allocates nothing per
//! packet), with the OS's calls and their scratch state (`os::RecvState`,
//! `os::SendState`) inside.

use std::io;

use socket2::{SockAddr, Socket};

use super::{os, RecvMeta};

/// Datagrams per batch: enough to amortise a `recvmmsg` over a burst (or,
/// where each datagram is its own call, to bound how long one socket is
/// served before the others), small enough that the buffers stay a couple
/// of MiB.
pub const BATCH: usize = 32;

const CACHE_LINE: usize = 64;

/// Buffers for one batched receive.
pub struct RecvBatch {
    pub(super) slots: RecvSlots,
    os: os::RecvState,
}

/// Receive buffers and the metadata of what the last call put in them.
pub struct RecvSlots {
    bufs: Vec<u8>,
    buf_len: usize,
    /// Distance between buffers: `buf_len` plus a cache line. At exactly
    /// 64 KiB apart every buffer's first bytes, where the kernel writes
    /// and the header is read, would share one cache set and evict each
    /// other within a batch.
    stride: usize,
    pub(super) metas: Vec<RecvMeta>,
}

impl RecvSlots {
    /// Buffer `i`, `buf_len` bytes, for the kernel to fill.
    pub(super) fn buf_mut(&mut self, i: usize) -> &mut [u8] {
        let start = i * self.stride;
        &mut self.bufs[start..start + self.buf_len]
    }

    pub(super) fn buf_len(&self) -> usize {
        self.buf_len
    }
}

impl RecvBatch {
    /// Room for `BATCH` datagrams of up to `buf_len` bytes each.
    pub fn new(buf_len: usize) -> Self {
        let stride = buf_len + CACHE_LINE;
        Self {
            slots: RecvSlots {
                bufs: vec![0; stride * BATCH],
                buf_len,
                stride,
                metas: Vec::with_capacity(BATCH),
            },
            os: os::RecvState::new(),
        }
    }

    /// Metadata of the datagrams the last call received.
    pub fn metas(&self) -> &[RecvMeta] {
        &self.slots.metas
    }

    /// Payload of datagram `i` of the last call.
    pub fn payload(&self, i: usize) -> &[u8] {
        let s = &self.slots;
        let len = s.metas.get(i).map_or(0, |m| m.len);
        let start = i * s.stride;
        &s.bufs[start..start + len.min(s.buf_len)]
    }
}

/// Receives up to `vlen` (at most `BATCH`) datagrams. With `wait`, blocks
/// for the first (up to the socket's receive timeout, which comes back as
/// `WouldBlock`) and takes what else is queued; without, `WouldBlock` when
/// none is queued.
pub fn recv_batch(sock: &Socket, b: &mut RecvBatch, wait: bool, vlen: usize) -> io::Result<usize> {
    let vlen = vlen.clamp(1, BATCH);
    b.slots.metas.clear();
    os::recv_into(sock, &mut b.slots, &mut b.os, wait, vlen)?;
    Ok(b.slots.metas.len())
}

/// Datagrams prepared for one batched send.
pub struct SendBatch {
    pub(super) slots: SendSlots,
    os: os::SendState,
}

/// Send buffers, their lengths and destinations.
pub struct SendSlots {
    bufs: Vec<u8>,
    slot: usize,
    lens: Vec<usize>,
    /// Destination per datagram; `None` on a connected socket.
    dests: Vec<Option<SockAddr>>,
    pub(super) used: usize,
}

impl SendSlots {
    /// Datagram `i` as prepared, and where it goes.
    pub(super) fn datagram(&self, i: usize) -> (&[u8], Option<&SockAddr>) {
        let start = i * self.slot;
        (
            &self.bufs[start..start + self.lens[i]],
            self.dests[i].as_ref(),
        )
    }
}

impl SendBatch {
    /// Room for `BATCH` datagrams of up to `slot` bytes.
    pub fn new(slot: usize) -> Self {
        Self {
            slots: SendSlots {
                bufs: vec![0; slot * BATCH],
                slot,
                lens: vec![0; BATCH],
                dests: vec![None; BATCH],
                used: 0,
            },
            os: os::SendState::new(),
        }
    }

    pub fn is_full(&self) -> bool {
        self.slots.used == BATCH
    }

    pub fn len(&self) -> usize {
        self.slots.used
    }

    pub fn is_empty(&self) -> bool {
        self.slots.used == 0
    }

    /// The next datagram's buffer, `len` bytes long (at most the slot size),
    /// still holding whatever it held last time, so fixed parts need not be
    /// rewritten. `None` when the batch is full.
    pub fn push(&mut self, len: usize, dest: Option<&SockAddr>) -> Option<&mut [u8]> {
        if self.is_full() {
            return None;
        }
        let s = &mut self.slots;
        let i = s.used;
        s.used += 1;
        s.lens[i] = len.min(s.slot);
        s.dests[i] = dest.cloned();
        let start = i * s.slot;
        Some(&mut s.bufs[start..start + s.lens[i]])
    }

    /// The buffer of slot `i`, for filling it once before the first batch.
    pub fn slot_mut(&mut self, i: usize) -> &mut [u8] {
        let s = &mut self.slots;
        let start = i * s.slot;
        &mut s.bufs[start..start + s.slot]
    }

    /// Sends every prepared datagram; returns how many the kernel took
    /// (it stops at the first refusal; the rest are dropped from the
    /// batch: the caller counts them as errors), or the error when it took
    /// none. Empties the batch.
    pub fn send(&mut self, sock: &Socket) -> io::Result<usize> {
        let n = std::mem::take(&mut self.slots.used);
        if n == 0 {
            return Ok(0);
        }
        os::send_from(sock, &self.slots, n, &mut self.os)
    }
}
