//! What a newcomer's first minutes depend on, in the files that set them: `cargo lab` shows
//! cargo's progress from the first second of a cold build (a quiet alias prints nothing for
//! minutes, and a newcomer thinks it hung), and the pinned toolchain carries what editors need.

use std::path::Path;

fn read_toml(relative: &str) -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    text.parse()
        .unwrap_or_else(|e| panic!("{relative} is not TOML: {e}"))
}

#[test]
fn the_runners_aliases_let_cargo_show_its_progress() {
    let config = read_toml(".cargo/config.toml");
    for alias in ["lab", "xtask"] {
        let command = config["alias"][alias]
            .as_str()
            .unwrap_or_else(|| panic!("alias {alias} is one string"));
        let words: Vec<&str> = command.split_whitespace().collect();
        assert!(
            !words.iter().any(|w| ["--quiet", "-q"].contains(w)),
            "`cargo {alias}` = `cargo {command}`: --quiet hides cargo's progress during a cold \
             build, which takes minutes"
        );
        assert_eq!(words.first(), Some(&"run"), "`cargo {alias}` runs a binary");
    }
}

#[test]
fn the_pinned_toolchain_has_the_sources_rust_analyzer_reads() {
    let toolchain = read_toml("rust-toolchain.toml");
    let components: Vec<&str> = toolchain["toolchain"]["components"]
        .as_array()
        .expect("components is a list")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    for needed in ["rustfmt", "clippy", "rust-src"] {
        assert!(
            components.contains(&needed),
            "rust-toolchain.toml lacks {needed}: {components:?}"
        );
    }
}
