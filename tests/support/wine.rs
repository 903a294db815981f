#![allow(clippy::expect_used)]
//! Runs the Windows build of mcast under Wine inside a [`Netns`].
//!
//! Wine creates sockets in its wineserver, not in the program's process,
//! so the server must live in the test's namespace: each [`Wine`] has its
//! own prefix (a copy of one template), hence its own server, started
//! inside the namespace and killed on drop. The template is made once per
//! test binary inside a throwaway namespace of its own.
//!
//! The build comes from `MCAST_WINDOWS_EXE` (set by `.ci/run`, which builds
//! it with `x86_64-pc-windows-gnu` and puts Wine's missing
//! `bcryptprimitives.dll` shim beside it).

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use super::{run, run_with_timeout, Netns};

/// Deadline for one run under Wine, and for a Windows listener's join:
/// Wine takes seconds to start a program.
pub const WINE_WAIT: Duration = Duration::from_secs(60);

/// The Windows `mcast.exe` under test; panics with how to get one.
pub fn exe() -> PathBuf {
    let exe = std::env::var_os("MCAST_WINDOWS_EXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!(
                "MCAST_WINDOWS_EXE is not set: build the Windows binary as .ci/run does \
             (section \"Windows build\") and point this at mcast.exe"
            )
        });
    assert!(
        exe.is_file(),
        "MCAST_WINDOWS_EXE={} is not a file",
        exe.display()
    );
    let shim = exe.with_file_name("bcryptprimitives.dll");
    assert!(
        shim.is_file(),
        "{} is missing: Wine 8 needs it beside mcast.exe (see .ci/run)",
        shim.display()
    );
    exe
}

fn wine64() -> &'static str {
    if Path::new("/usr/bin/wine64").exists() {
        "/usr/bin/wine64"
    } else {
        "/usr/lib/wine/wine64"
    }
}

/// A prefix initialised once (`wineboot`), copied for every [`Wine`]. It
/// lives in the target directory and is reused by later runs: a prefix is
/// ~700 MB, and one per test process used to pile up in /tmp.
fn template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join("wine-template");
        if dir.join("system.reg").exists() {
            return dir;
        }
        // Made aside and renamed into place, so a run that stops halfway
        // leaves no half-made template for the next one.
        let work = tempfile::Builder::new()
            .prefix("wine-template-")
            .tempdir_in(tmp)
            .expect("a directory for the Wine template");
        let ns = Netns::bare().expect("a namespace for wineboot");
        let mut boot = ns.command("env");
        boot.arg(format!("WINEPREFIX={}", work.path().display()))
            .args(["WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml="])
            .args([wine64(), "wineboot", "-i"]);
        let done = run_with_timeout(boot, Duration::from_secs(180)).expect("wineboot");
        assert!(
            !done.timed_out && work.path().join("system.reg").exists(),
            "wineboot did not make a prefix: {}",
            done.stderr
        );
        stop_server(&ns, work.path());
        // Another test binary may have won the race: then its copy is used.
        if std::fs::rename(work.path(), &dir).is_ok() {
            std::mem::forget(work);
        }
        dir
    })
}

fn stop_server(ns: &Netns, prefix: &Path) {
    let mut kill = ns.command("env");
    kill.arg(format!("WINEPREFIX={}", prefix.display()))
        .args(["wineserver", "-k"]);
    let _ = run_with_timeout(kill, Duration::from_secs(20));
}

/// Wine, with a prefix and server of its own, inside one namespace.
pub struct Wine<'a> {
    ns: &'a Netns,
    prefix: tempfile::TempDir,
    exe: PathBuf,
}

impl<'a> Wine<'a> {
    pub fn new(ns: &'a Netns) -> io::Result<Self> {
        let exe = exe();
        let prefix = tempfile::Builder::new().prefix("mcast-wine-").tempdir()?;
        run(Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", template().display()))
            .arg(prefix.path()))?;
        Ok(Self { ns, prefix, exe })
    }

    /// `mcast.exe ARGS...` under Wine, in the namespace.
    pub fn mcast(&self) -> Command {
        let mut cmd = self.ns.command("env");
        cmd.arg(format!("WINEPREFIX={}", self.prefix.path().display()))
            .args(["WINEDEBUG=-all", "NO_COLOR=1"])
            .arg(wine64())
            .arg(&self.exe);
        cmd
    }
}

impl Drop for Wine<'_> {
    fn drop(&mut self) {
        stop_server(self.ns, self.prefix.path());
    }
}
