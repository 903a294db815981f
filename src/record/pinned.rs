//! The one comparison behind every golden test of the record layer.

/// Compares `got` with the pinned `want` (the text of `golden/<name>`); on
/// a difference, what was printed is left in the temporary directory under
/// the same name, to compare with a diff tool.
pub fn same(got: &[u8], want: &str, name: &str) {
    let got = String::from_utf8_lossy(got);
    if got != want {
        let dir = std::env::temp_dir().join("mcast-golden");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(name), got.as_bytes());
        panic!(
            "output differs from golden/{name} (got: {})",
            dir.join(name).display()
        );
    }
}
