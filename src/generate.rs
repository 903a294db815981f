//! Shell completions and man pages, rendered from the clap command.
//!
//! Rendering goes to memory first so `tests/generated_files.rs` can compare
//! the committed copies under `completions/` and `man/` without writing; the
//! same test rewrites them when run with `MCAST_REGENERATE=1`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap_complete::{Generator, Shell};

/// The name completions are registered under and man pages are titled with.
pub const BIN_NAME: &str = "mcast";

/// Folder, relative to the crate root, holding the completion scripts.
pub const COMPLETIONS_DIR: &str = "completions";

/// Folder, relative to the crate root, holding the man pages.
pub const MAN_DIR: &str = "man";

/// Shells we ship completions for, in the order they are rendered.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// A rendered file: its path relative to the output root, and its bytes.
pub type Rendered = (PathBuf, Vec<u8>);

/// Writes the completion script for `shell` (as `mcast completions SHELL` prints it).
pub fn completion_to(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut cmd = crate::cli::command();
    cmd.set_bin_name(BIN_NAME);
    cmd.build();
    shell.try_generate(&cmd, out)
}

/// Every completion script, named as each shell expects (`mcast.bash`, `_mcast`, ...).
pub fn render_completions() -> io::Result<Vec<Rendered>> {
    SHELLS
        .iter()
        .map(|&shell| {
            let mut buf = Vec::new();
            completion_to(shell, &mut buf)?;
            Ok((PathBuf::from(shell.file_name(BIN_NAME)), buf))
        })
        .collect()
}

/// `mcast.1` and one page per visible subcommand, at any depth (`mcast-join.1`, ...).
pub fn render_man_pages() -> io::Result<Vec<Rendered>> {
    // Building sets each subcommand's display name to `mcast-join` etc.,
    // which clap_mangen uses for the title and the file name.
    let mut cmd = crate::cli::command().bin_name(BIN_NAME);
    cmd.build();
    let mut pages = Vec::new();
    render_man_tree(cmd, &mut pages)?;
    Ok(pages)
}

fn render_man_tree(cmd: clap::Command, pages: &mut Vec<Rendered>) -> io::Result<()> {
    let subcommands: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .cloned()
        .collect();
    // clap_mangen names a subcommand's source after the subcommand ("join
    // 0.1.0"); every page belongs to the one program.
    let man =
        clap_mangen::Man::new(cmd).source(format!("{BIN_NAME} {}", env!("CARGO_PKG_VERSION")));
    let mut buf = Vec::new();
    man.render(&mut buf)?;
    pages.push((PathBuf::from(man.get_filename()), buf));
    for sub in subcommands {
        render_man_tree(sub, pages)?;
    }
    Ok(())
}

/// Everything generated, with paths relative to the crate root
/// (`completions/mcast.bash`, `man/mcast-join.1`, ...).
pub fn all_files() -> io::Result<Vec<Rendered>> {
    let under = |dir: &str, files: Vec<Rendered>| {
        files
            .into_iter()
            .map(move |(name, bytes)| (Path::new(dir).join(name), bytes))
            .collect::<Vec<_>>()
    };
    let mut files = under(COMPLETIONS_DIR, render_completions()?);
    files.extend(under(MAN_DIR, render_man_pages()?));
    Ok(files)
}

/// Writes every completion script into `dir`, returning the paths written.
pub fn completions(dir: &Path) -> io::Result<Vec<PathBuf>> {
    write_files(dir, render_completions()?)
}

/// Writes every man page into `dir`, returning the paths written.
pub fn man_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    write_files(dir, render_man_pages()?)
}

/// Writes `files` under `root`, creating folders as needed.
pub fn write_files(root: &Path, files: Vec<Rendered>) -> io::Result<Vec<PathBuf>> {
    files
        .into_iter()
        .map(|(rel, bytes)| {
            let path = root.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, bytes).map_err(|e| with_path(e, &path))?;
            Ok(path)
        })
        .collect()
}

/// io::Error does not carry the path; add it so a failure names the file.
fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[Rendered]) -> Vec<String> {
        files.iter().map(|(p, _)| p.display().to_string()).collect()
    }

    #[test]
    fn completion_file_names() -> io::Result<()> {
        assert_eq!(
            names(&render_completions()?),
            [
                "mcast.bash",
                "_mcast",
                "mcast.fish",
                "mcast.elv",
                "_mcast.ps1"
            ]
        );
        Ok(())
    }

    #[test]
    fn man_pages_cover_visible_subcommands() -> io::Result<()> {
        let pages = names(&render_man_pages()?);
        assert_eq!(pages.first().map(String::as_str), Some("mcast.1"));
        for sub in crate::cli::command().get_subcommands() {
            let page = format!("mcast-{}.1", sub.get_name());
            assert_eq!(
                pages.contains(&page),
                !sub.is_hide_set(),
                "{page} in {pages:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn subcommand_pages_are_titled_with_the_full_name() -> io::Result<()> {
        let pages = render_man_pages()?;
        let join = pages
            .iter()
            .find(|(p, _)| p == Path::new("mcast-join.1"))
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        assert!(join.starts_with(".ie"), "{join}");
        assert!(join.contains(".TH mcast-join 1"), "{join}");
        Ok(())
    }

    #[test]
    fn writes_into_a_directory() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let written = completions(dir.path())?;
        assert_eq!(written.len(), SHELLS.len());
        assert!(written
            .iter()
            .all(|p| p.starts_with(dir.path()) && p.is_file()));
        Ok(())
    }
}
