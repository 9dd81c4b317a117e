//! The lesson table against the tree: every lesson in `lessons/lessons.toml` is a workspace
//! member (never a default member: its exercise fails as shipped) whose crate, build script,
//! chapter and variant files exist, every lesson crate is in the table, and each committed
//! exercise equals its shipped copy.

/// A TOML file of the workspace, parsed.
fn manifest(path: &std::path::Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The strings of the workspace manifest's `[workspace] <key>` list.
fn workspace_list(key: &str) -> Vec<String> {
    let root = manifest(&lesson_table::workspace_root().join("Cargo.toml"));
    root["workspace"][key]
        .as_array()
        .unwrap_or_else(|| panic!("the workspace has {key}"))
        .iter()
        .map(|v| v.as_str().expect("a path").to_string())
        .collect()
}

#[test]
fn lesson_names_are_unique_and_match_their_crates() {
    let members = workspace_list("members");
    let mut seen = std::collections::HashSet::new();
    for lesson in lesson_table::all() {
        assert!(
            seen.insert(&lesson.name),
            "duplicate lesson {}",
            lesson.name
        );
        let package = manifest(&lesson.path("Cargo.toml"));
        assert_eq!(
            package["package"]["name"].as_str(),
            Some(lesson.name.as_str()),
            "{}/Cargo.toml must name the package {}",
            lesson.dir,
            lesson.name
        );
        assert_eq!(
            package["package"].get("build").and_then(|b| b.as_str()),
            Some("../build.rs"),
            "{}: every lesson uses the one build script, lessons/build.rs",
            lesson.dir
        );
        assert!(
            !package.contains_key("features"),
            "{}: variants are chosen by LAB_VARIANT, not by cargo features",
            lesson.dir
        );
        assert!(
            members.contains(&lesson.dir),
            "{} is missing from the workspace members",
            lesson.dir
        );
        assert!(
            lesson_table::workspace_root()
                .join(&lesson.chapter)
                .is_file(),
            "{}: its chapter {} is missing",
            lesson.name,
            lesson.chapter
        );
        for rel in [lesson_table::EXERCISE, "README.md"]
            .into_iter()
            .map(String::from)
            .chain(lesson.variants().into_iter().map(|v| v.file))
        {
            assert!(
                lesson.path(&rel).is_file(),
                "{}/{rel} is missing",
                lesson.dir
            );
        }
    }
}

#[test]
fn every_lesson_crate_is_in_the_table() {
    let root = lesson_table::workspace_root();
    for entry in std::fs::read_dir(root.join("lessons")).unwrap().flatten() {
        if entry.path().join("Cargo.toml").is_file() {
            let dir = format!("lessons/{}", entry.file_name().to_string_lossy());
            assert!(
                lesson_table::all().iter().any(|l| l.dir == dir),
                "{dir} is a lesson crate missing from {}",
                lesson_table::TABLE
            );
        }
    }
}

#[test]
fn lessons_stay_out_of_the_default_members() {
    let defaults = workspace_list("default-members");
    assert!(
        !defaults.iter().any(|d| d.starts_with("lessons/")),
        "lessons fail as shipped: keep them out of default-members"
    );
    for lesson in lesson_table::all() {
        assert!(
            !defaults.contains(&lesson.dir),
            "{}: lessons fail as shipped: keep them out of default-members",
            lesson.dir
        );
    }
}

#[test]
fn every_shipped_copy_equals_its_exercise_in_git() {
    // The committed exercise and its shipped copy must be the same file (a student's
    // local edit is not a defect, so this only compares what git has).
    for lesson in lesson_table::all() {
        let show = |rel: &str| {
            std::process::Command::new("git")
                .current_dir(lesson_table::workspace_root())
                .args(["show", &format!("HEAD:{}/{rel}", lesson.dir)])
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| o.stdout)
        };
        if let (Some(a), Some(b)) = (show(lesson_table::EXERCISE), show(lesson_table::SHIPPED)) {
            assert!(
                a == b,
                "{}: committed exercise and shipped copy differ",
                lesson.name
            );
        }
    }
}
