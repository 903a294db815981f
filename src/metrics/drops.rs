//! `mcast_kernel_drops_total` while the receive loop owns the sockets: the
//! kernel's drop counter rides on each datagram (`Packet::drops`), so
//! keeping the highest per socket costs no system call per packet.

use crate::recv::{Packet, Receiver};

/// The kernel's drop counters as packets report them.
#[derive(Debug, Clone, Default)]
pub struct KernelDrops {
    /// Group -> socket.
    socket_of: Vec<usize>,
    /// Per socket, the highest counter seen.
    seen: Vec<u32>,
    /// Drops of sockets closed by a reload.
    before: u64,
    /// Whether this OS keeps the counter at all.
    known: bool,
}

impl KernelDrops {
    pub fn new(rx: &Receiver) -> Self {
        Self {
            socket_of: rx.socket_of_groups(),
            seen: vec![0; rx.socket_count()],
            before: 0,
            known: rx.kernel_drops().is_some(),
        }
    }

    pub fn packet(&mut self, p: &Packet<'_>) {
        let (Some(d), Some(g)) = (p.drops, p.group) else {
            return;
        };
        if let Some(seen) = self.socket_of.get(g).and_then(|&s| self.seen.get_mut(s)) {
            *seen = (*seen).max(d);
        }
    }

    /// Summed over the sockets; `None` where the OS keeps no such counter.
    pub fn total(&self) -> Option<u64> {
        self.known
            .then(|| self.before + self.seen.iter().map(|&d| u64::from(d)).sum::<u64>())
    }

    /// The sockets are replaced by `next`'s (a `--groups-file` reload):
    /// what the old ones dropped stays counted.
    pub fn regroup(&mut self, next: &Receiver) {
        self.before += self.seen.iter().map(|&d| u64::from(d)).sum::<u64>();
        self.seen = vec![0; next.socket_count()];
        self.socket_of = next.socket_of_groups();
    }
}
