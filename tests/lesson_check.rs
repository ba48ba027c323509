//! CI's gate on the catalogue: every lesson in `scenarios/` validates, and every step's
//! shown command gets the expected reply from the mock, as `imap-tutor check scenarios/`.

use std::path::{Path, PathBuf};

use imap_tutor::lesson::{self, check};

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

#[test]
fn every_lesson_in_scenarios_passes_check() {
    let report = check::check_paths(&[scenarios()]).unwrap();
    assert!(report.ok, "\n{}", report.text());
    assert!(
        report.files.len() >= 25,
        "the catalogue has {} lessons, issue 12 asks for 25",
        report.files.len()
    );
}

#[test]
fn the_built_in_catalogue_is_the_scenarios_folder() {
    let files: Vec<String> = lesson::scenario_files(&scenarios())
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let built_in: Vec<&str> = lesson::BUILT_IN.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        built_in, files,
        "add the file to BUILT_IN in src/lesson/mod.rs"
    );
    for (name, text) in lesson::BUILT_IN {
        assert_eq!(
            *text,
            std::fs::read_to_string(scenarios().join(name)).unwrap(),
            "{name}"
        );
    }
    let catalogue = lesson::catalogue().unwrap();
    assert_eq!(catalogue[0].id, "strategos", "the seed is the first lesson");
}
