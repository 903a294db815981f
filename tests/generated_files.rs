//! The committed completions and man pages must match what the CLI renders
//! today, so they never drift from the code. Refresh them with the command
//! in `REFRESH`.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use mcast::generate::{self, Rendered};

const REFRESH: &str = "MCAST_REGENERATE=1 cargo test --test generated_files";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn regenerating() -> bool {
    std::env::var_os("MCAST_REGENERATE").is_some_and(|v| v == "1")
}

/// Files in the generated folders that nothing renders any more (a removed
/// subcommand's page, say), relative to the crate root.
fn stale_files(files: &[Rendered]) -> io::Result<Vec<PathBuf>> {
    let wanted: BTreeSet<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
    let mut stale = Vec::new();
    for dir in [generate::COMPLETIONS_DIR, generate::MAN_DIR] {
        let entries = match fs::read_dir(root().join(dir)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let rel = Path::new(dir).join(entry?.file_name());
            if !wanted.contains(rel.as_path()) {
                stale.push(rel);
            }
        }
    }
    stale.sort();
    Ok(stale)
}

#[test]
fn generated_files_are_up_to_date() -> io::Result<()> {
    let files = generate::all_files()?;
    let stale = stale_files(&files)?;

    if regenerating() {
        for rel in &stale {
            fs::remove_file(root().join(rel))?;
            eprintln!("removed {}", rel.display());
        }
        for path in generate::write_files(root(), files)? {
            eprintln!("wrote {}", path.display());
        }
        return Ok(());
    }

    let mut problems = Vec::new();
    for (rel, rendered) in &files {
        match fs::read(root().join(rel)) {
            Ok(committed) if committed == *rendered => {}
            Ok(_) => problems.push(format!("{} is out of date", rel.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                problems.push(format!("{} is missing", rel.display()))
            }
            Err(e) => problems.push(format!("{}: {e}", rel.display())),
        }
    }
    for rel in &stale {
        problems.push(format!("{} is no longer generated", rel.display()));
    }
    assert!(
        problems.is_empty(),
        "generated files differ from the CLI:\n  {}\nrefresh them with:\n  {REFRESH}",
        problems.join("\n  ")
    );
    Ok(())
}

#[test]
fn cli_definition_is_consistent() {
    mcast::cli::command().debug_assert();
}
