//! Finds the socket-labs programs for the scenarios and benchmarks.
//!
//! Cargo builds for a package's tests only that package's own binaries, so the
//! scenarios, which need two programs at once, build theirs with escargot, once per
//! test run, in the same profile as the tests themselves.
// Tests report failures by panicking.
#![allow(clippy::expect_used)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

/// The path of the binary `name` (a package of the workspace), built if needed.
///
/// Panics, failing the test, if it cannot be built.
pub fn program(name: &str) -> PathBuf {
    static BUILT: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let built = built.get_or_insert_with(HashMap::new);
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let path = escargot::CargoBuild::new()
        .package(name)
        .bin(name)
        .current_release()
        .current_target()
        .run()
        .unwrap_or_else(|e| panic!("cannot build {name}: {e}"))
        .path()
        .to_path_buf();
    built.insert(name.to_string(), path.clone());
    path
}
