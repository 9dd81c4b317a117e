//! Whether what a ledger row names exists: its witnesses and the commands that rerun them.
//!
//! Witness forms:
//! - `test:<package>::<fn_name>`: a `fn <fn_name>` in some `.rs` file under the package's directory;
//! - `bench:<id>`: `<id>` appears in `crates/*/benches/*.rs` or `crates/xtask/src/bench*`;
//! - `file:<path>`: a file at that path from the repository root.
//!
//! A command such as `cargo test -p ffi --test properties` must name a package and test targets
//! that exist. Packages, their directories and their test targets are cargo's own answer
//! (`cargo metadata --no-deps`, run once per check, offline), so a target declared with
//! `[[test]]`, or a `tests/*.rs` file that `autotests = false` leaves out, counts exactly as
//! cargo counts it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use cargo_metadata::{MetadataCommand, TargetKind};
use walkdir::WalkDir;

/// One package of the workspace.
#[derive(Debug)]
struct Package {
    /// The directory of its `Cargo.toml`.
    dir: PathBuf,
    /// Its test targets (`cargo test --test <name>`).
    tests: Vec<String>,
}

/// The repository as the ledger sees it: packages, where they live, their test targets.
#[derive(Debug)]
pub struct Repo {
    root: PathBuf,
    /// Package name → the package.
    packages: BTreeMap<String, Package>,
}

impl Repo {
    /// Asks cargo for the packages of the workspace at `root`.
    pub fn load(root: &Path) -> anyhow::Result<Self> {
        let metadata = MetadataCommand::new()
            .manifest_path(root.join("Cargo.toml"))
            .current_dir(root)
            .no_deps()
            .other_options(vec!["--offline".to_string()])
            .exec()
            .with_context(|| format!("cargo metadata failed in {}", root.display()))?;
        let packages = metadata
            .packages
            .iter()
            .map(|p| {
                let dir = p
                    .manifest_path
                    .parent()
                    .map_or_else(|| root.to_path_buf(), |d| d.as_std_path().to_path_buf());
                let tests = p
                    .targets
                    .iter()
                    .filter(|t| t.kind.contains(&TargetKind::Test))
                    .map(|t| t.name.clone())
                    .collect();
                (p.name.to_string(), Package { dir, tests })
            })
            .collect();
        Ok(Repo {
            root: root.to_path_buf(),
            packages,
        })
    }

    /// Why `witness` does not exist, or `None` when it does.
    pub fn missing_witness(&self, witness: &str) -> Option<String> {
        if let Some(rest) = witness.strip_prefix("test:") {
            let Some((pkg, func)) = rest.split_once("::") else {
                return Some(format!("`{witness}`: write `test:<package>::<fn_name>`"));
            };
            let Some(package) = self.packages.get(pkg) else {
                return Some(format!("`{witness}`: no package named `{pkg}`"));
            };
            if func.is_empty() || !func.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Some(format!("`{witness}`: `{func}` is not a function name"));
            }
            if rust_files(&package.dir).iter().any(|f| defines_fn(f, func)) {
                return None;
            }
            return Some(format!(
                "`{witness}`: no `fn {func}` in any .rs file under {}",
                rel(&self.root, &package.dir)
            ));
        }
        if let Some(id) = witness.strip_prefix("bench:") {
            if id.is_empty() {
                return Some(format!("`{witness}`: empty benchmark id"));
            }
            if self
                .bench_sources()
                .iter()
                .any(|f| fs::read_to_string(f).is_ok_and(|t| t.contains(id)))
            {
                return None;
            }
            return Some(format!(
                "`{witness}`: `{id}` appears in no benchmark source \
                 (crates/*/benches/*.rs, crates/xtask/src/bench*)"
            ));
        }
        if let Some(path) = witness.strip_prefix("file:") {
            if !path.is_empty() && !path.contains("..") && self.root.join(path).is_file() {
                return None;
            }
            return Some(format!("`{witness}`: no such file"));
        }
        Some(format!(
            "`{witness}`: unknown witness form (use `test:pkg::fn`, `bench:id` or `file:path`)"
        ))
    }

    /// Why `command` names something that does not exist, or `None`.
    pub fn bad_command(&self, command: &str) -> Option<String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let Some(&first) = words.first() else {
            return Some("an empty command".into());
        };
        if !["cargo", "bash", "sh", "make", "gcc", "cc"].contains(&first) {
            return Some(format!(
                "`{command}`: expected a `cargo ...` or `bash ...` command"
            ));
        }
        let mut package = None;
        let mut tests = Vec::new();
        for pair in words.windows(2) {
            match pair[0] {
                "-p" | "--package" => package = Some(pair[1]),
                "--test" => tests.push(pair[1]),
                _ => {}
            }
        }
        let package = match package {
            Some(p) => match self.packages.get(p) {
                Some(found) => Some(found),
                None => return Some(format!("`{command}`: no package named `{p}`")),
            },
            None => None,
        };
        for t in tests {
            let has = |p: &Package| p.tests.iter().any(|name| name == t);
            let found = match package {
                Some(p) => has(p),
                None => self.packages.values().any(has),
            };
            if !found {
                return Some(format!("`{command}`: no test target named `{t}`"));
            }
        }
        None
    }

    /// `crates/*/benches/*.rs`, and `crates/xtask/src/bench*` (a file, or every `.rs` file of
    /// a directory).
    fn bench_sources(&self) -> Vec<PathBuf> {
        let benches = WalkDir::new(self.root.join("crates"))
            .min_depth(3)
            .max_depth(3)
            .into_iter()
            .flatten()
            .filter(|e| {
                e.file_type().is_file()
                    && e.path().extension().is_some_and(|x| x == "rs")
                    && e.path()
                        .parent()
                        .and_then(Path::file_name)
                        .is_some_and(|d| d == "benches")
            })
            .map(walkdir::DirEntry::into_path);
        let xtask = WalkDir::new(self.root.join("crates/xtask/src"))
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| e.depth() > 1 || e.file_name().to_string_lossy().starts_with("bench"))
            .flatten()
            .filter(|e| {
                e.file_type().is_file()
                    && (e.depth() == 1 || e.path().extension().is_some_and(|x| x == "rs"))
            })
            .map(walkdir::DirEntry::into_path);
        benches.chain(xtask).collect()
    }
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

/// Every `.rs` file under `dir`, skipping `target/`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == "target"))
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// Whether `file` defines `fn <name>` (followed by `(` or `<`, so a longer name does not count).
fn defines_fn(file: &Path, name: &str) -> bool {
    let Ok(text) = fs::read_to_string(file) else {
        return false;
    };
    let needle = format!("fn {name}");
    text.match_indices(&needle).any(|(at, _)| {
        let before_ok = at == 0
            || !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = text[at + needle.len()..].trim_start();
        before_ok && (after.starts_with('(') || after.starts_with('<'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Repo {
        Repo::load(&lab::workspace_root()).expect("cargo metadata")
    }

    #[test]
    fn test_witnesses_need_an_existing_package_and_function() {
        let r = repo();
        // This very function is a witness that exists.
        assert_eq!(
            r.missing_witness("test:xtask::test_witnesses_need_an_existing_package_and_function"),
            None
        );
        assert!(
            r.missing_witness("test:xtask::no_such_function_anywhere_xyz")
                .is_some()
        );
        assert!(
            r.missing_witness("test:xtask::test_witnesses_need")
                .is_some(),
            "a prefix"
        );
        assert!(r.missing_witness("test:no-such-package::f").is_some());
        assert!(r.missing_witness("test:lab").is_some());
        assert!(r.missing_witness("proof:lab::x").is_some());
    }

    #[test]
    fn file_and_bench_witnesses_are_looked_up() {
        let r = repo();
        assert_eq!(r.missing_witness("file:c_src/counter.c"), None);
        assert!(r.missing_witness("file:c_src/nope.c").is_some());
        assert!(r.missing_witness("file:../etc/passwd").is_some());
        assert!(
            r.missing_witness("bench:an-id-that-no-benchmark-has-0x5eed")
                .is_some()
        );
    }

    #[test]
    fn bench_sources_are_the_benches_and_the_bench_harness() {
        let r = repo();
        let sources: Vec<String> = r.bench_sources().iter().map(|p| rel(&r.root, p)).collect();
        assert!(
            sources.contains(&"crates/kernels/benches/counters.rs".to_string()),
            "{sources:#?}"
        );
        assert!(
            sources
                .iter()
                .any(|s| s.starts_with("crates/xtask/src/bench")),
            "{sources:#?}"
        );
        assert!(
            sources
                .iter()
                .all(|s| s.contains("/benches/") || s.starts_with("crates/xtask/src/bench")),
            "{sources:#?}"
        );
    }

    #[test]
    fn commands_must_name_real_packages_and_test_targets() {
        let r = repo();
        assert_eq!(r.bad_command("cargo test -p ffi --test properties"), None);
        assert_eq!(r.bad_command("cargo xtask book-check"), None);
        assert!(r.bad_command("cargo test -p nope").is_some());
        assert!(r.bad_command("cargo test -p ffi --test nope").is_some());
        assert!(r.bad_command("rm -rf /").is_some());
        // Declared with [[test]] (workspace-tests has `autotests = false`).
        assert_eq!(
            r.bad_command("cargo test -p workspace-tests --test ledger"),
            None
        );
        assert!(
            r.bad_command("cargo test -p workspace-tests --test properties")
                .is_some(),
            "a test target of another package"
        );
    }
}
