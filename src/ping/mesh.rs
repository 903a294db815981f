//! What one host of a mesh knows of who reached whom. Every host probes
//! the group from the group's port and answers by unicast and to the
//! group, so each host hears, besides the replies to its own probes, the
//! other hosts' probes (its own column) and their replies to the group
//! (the other rows). Round trips are known only for its own row; the
//! other cells say how many probes arrived.

use std::net::IpAddr;

use super::tally::MAX_RESPONDERS;

/// A host of the mesh, by its id (the sender id of its probes and the
/// responder id of its replies).
#[derive(Debug, Clone)]
pub struct Host {
    pub id: u64,
    pub addr: IpAddr,
    /// From its replies; empty until it has answered someone.
    pub name: Vec<u8>,
    /// Highest sequence number seen of its probes (in probes or replies).
    pub max_seq: Option<u64>,
}

/// Probes of `from` that `to` received, as far as this host can tell.
#[derive(Debug, Clone)]
pub struct Cell {
    pub from: u64,
    pub to: u64,
    pub received: u64,
    /// The latest sequence counted: probes arrive in order, mostly, and a
    /// duplicate of the latest is not counted twice.
    last: Option<u64>,
}

#[derive(Debug, Default)]
pub struct Mesh {
    pub hosts: Vec<Host>,
    /// Cells other than this host's own row (the tally has that).
    pub cells: Vec<Cell>,
}

impl Mesh {
    /// Notes a host; returns its index, or `None` past the limit.
    pub fn host(&mut self, id: u64, addr: IpAddr, name: Option<&[u8]>) -> Option<usize> {
        let i = match self.hosts.iter().position(|h| h.id == id) {
            Some(i) => i,
            None if self.hosts.len() < MAX_RESPONDERS => {
                self.hosts.push(Host {
                    id,
                    addr,
                    name: Vec::new(),
                    max_seq: None,
                });
                self.hosts.len() - 1
            }
            None => return None,
        };
        if self.hosts[i].addr.is_unspecified() {
            self.hosts[i].addr = addr;
        }
        if let Some(n) = name.filter(|n| !n.is_empty() && self.hosts[i].name.is_empty()) {
            self.hosts[i].name = n.to_vec();
        }
        Some(i)
    }

    fn saw_seq(&mut self, i: usize, seq: u64) {
        let h = &mut self.hosts[i];
        h.max_seq = Some(h.max_seq.map_or(seq, |m| m.max(seq)));
    }

    /// Probe `seq` of `from` (at `addr`) reached `to`.
    pub fn reached(&mut self, from: u64, addr: IpAddr, to: u64, seq: u64) {
        let Some(i) = self.host(from, addr, None) else {
            return;
        };
        self.saw_seq(i, seq);
        let k = match self.cells.iter().position(|c| c.from == from && c.to == to) {
            Some(k) => k,
            None if self.cells.len() < MAX_RESPONDERS * 4 => {
                self.cells.push(Cell {
                    from,
                    to,
                    received: 0,
                    last: None,
                });
                self.cells.len() - 1
            }
            None => return,
        };
        let c = &mut self.cells[k];
        if c.last != Some(seq) {
            c.received += 1;
            c.last = Some(seq);
        }
    }

    /// Probes `from` sent as far as seen: its highest sequence plus one.
    pub fn probes_of(&self, from: u64) -> u64 {
        self.hosts
            .iter()
            .find(|h| h.id == from)
            .and_then(|h| h.max_seq)
            .map_or(0, |s| s + 1)
    }

    pub fn cell(&self, from: u64, to: u64) -> Option<&Cell> {
        self.cells.iter().find(|c| c.from == from && c.to == to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_count_each_probe_once() {
        let a = IpAddr::from([192, 0, 2, 1]);
        let mut m = Mesh::default();
        m.reached(1, a, 2, 0);
        m.reached(1, a, 2, 0);
        m.reached(1, a, 2, 3);
        m.reached(1, a, 9, 1);
        assert_eq!(m.cell(1, 2).map(|c| c.received), Some(2));
        assert_eq!(m.cell(1, 9).map(|c| c.received), Some(1));
        assert!(m.cell(2, 1).is_none());
        assert_eq!(m.probes_of(1), 4);
        assert_eq!(m.probes_of(2), 0);
        assert_eq!(m.host(2, a, Some(b"b")), Some(1));
        assert_eq!(m.host(2, a, Some(b"other")), Some(1));
        assert_eq!(m.hosts[1].name, b"b");
    }
}
