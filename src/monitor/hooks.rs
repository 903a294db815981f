//! `--on-alarm COMMAND`: one run of the system shell per alarm transition,
//! with the alarm in its environment. Never waits on the receive loop's
//! time: spawned and reaped without blocking, at most [`MAX_RUNNING`] at
//! once, [`MAX_QUEUED`] waiting; beyond that runs are dropped and counted
//! (an alarm storm must not fork-bomb the host).

use std::collections::VecDeque;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::platform;

pub const MAX_RUNNING: usize = 4;
pub const MAX_QUEUED: usize = 256;

/// Environment of one run.
pub type Env = Vec<(&'static str, String)>;

#[derive(Debug)]
pub struct Hooks {
    command: String,
    running: Vec<Child>,
    queued: VecDeque<Env>,
    pub dropped: u64,
}

impl Hooks {
    pub fn new(command: String) -> Self {
        Self {
            command,
            running: Vec::new(),
            queued: VecDeque::new(),
            dropped: 0,
        }
    }

    /// Runs the hook for one transition, or queues it.
    pub fn fire(&mut self, env: Env) {
        self.reap();
        if self.running.len() < MAX_RUNNING {
            self.spawn(env);
        } else if self.queued.len() < MAX_QUEUED {
            self.queued.push_back(env);
        } else {
            if self.dropped == 0 {
                tracing::warn!(
                    "--on-alarm: {MAX_RUNNING} runs busy and {MAX_QUEUED} waiting; further runs are skipped and counted"
                );
            }
            self.dropped += 1;
        }
    }

    fn spawn(&mut self, env: Env) {
        let mut cmd = platform::shell_command(&self.command);
        cmd.envs(env).stdin(Stdio::null());
        // stdout may carry JSON Lines: the hook's output goes to stderr.
        cmd.stdout(Stdio::from(std::io::stderr()));
        match cmd.spawn() {
            Ok(child) => self.running.push(child),
            Err(e) => tracing::warn!("--on-alarm: cannot run the command: {e}"),
        }
    }

    /// Collects finished runs and starts queued ones; never blocks.
    pub fn reap(&mut self) {
        self.running.retain_mut(|c| match c.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    tracing::warn!("--on-alarm: the command ended with {status}");
                }
                false
            }
            Ok(None) => true,
            Err(_) => false,
        });
        while self.running.len() < MAX_RUNNING {
            let Some(env) = self.queued.pop_front() else {
                break;
            };
            self.spawn(env);
        }
    }

    /// At the end: lets queued and running hooks finish, for at most `limit`.
    pub fn finish(&mut self, limit: Duration) {
        let until = Instant::now() + limit;
        loop {
            self.reap();
            if self.running.is_empty() && self.queued.is_empty() {
                return;
            }
            if Instant::now() >= until {
                tracing::warn!(
                    "--on-alarm: {} runs still going and {} waiting at exit; not waiting longer",
                    self.running.len(),
                    self.queued.len()
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_storm_is_bounded_and_counted() {
        let mut h = Hooks::new("sleep 30".into());
        for _ in 0..(MAX_RUNNING + MAX_QUEUED + 40) {
            h.fire(vec![("MCAST_ALARM_STATE", "raised".into())]);
        }
        assert_eq!(h.running.len(), MAX_RUNNING);
        assert_eq!(h.queued.len(), MAX_QUEUED);
        assert_eq!(h.dropped, 40);
        for c in &mut h.running {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    #[test]
    fn runs_with_the_alarm_in_its_environment() {
        let dir = std::env::temp_dir().join(format!("mcast-hook-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        let mut h = Hooks::new(format!(
            "echo \"$MCAST_ALARM_STATE $MCAST_ALARM_GROUP\" > '{}'",
            out.display()
        ));
        h.fire(vec![
            ("MCAST_ALARM_STATE", "cleared".into()),
            ("MCAST_ALARM_GROUP", "239.1.1.1".into()),
        ]);
        h.finish(Duration::from_secs(10));
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "cleared 239.1.1.1\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
