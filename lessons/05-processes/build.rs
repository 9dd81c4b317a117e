//! Refuses to build two exercise variants at once: each feature (`solution`, `shipped`,
//! `wrong-*`) puts a different file in place of `src/exercise.rs`.
fn main() {
    let chosen: Vec<String> = std::env::vars()
        .filter_map(|(k, _)| k.strip_prefix("CARGO_FEATURE_").map(str::to_lowercase))
        .collect();
    assert!(
        chosen.len() <= 1,
        "choose at most one exercise variant (solution, shipped, wrong-*), got {chosen:?}"
    );
}
