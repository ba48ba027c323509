//! What a learner has done, kept between runs in `$XDG_DATA_HOME/imap-tutor/progress.json`
//! (`~/.local/share/imap-tutor/` when XDG_DATA_HOME is unset, per the XDG base directory spec).
//!
//! Small and forgiving: a missing or unreadable file is an empty record, so a corrupt
//! file never stops a learner from starting a lesson; it is replaced on the next save.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Progress in every lesson, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub(crate) version: u32,
    pub(crate) lessons: BTreeMap<String, LessonProgress>,
}

/// Progress in one lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LessonProgress {
    /// The step to resume at (0-based).
    pub(crate) step: usize,
    /// Steps in the lesson when last saved (lessons can grow).
    pub(crate) steps: usize,
    pub(crate) completed: bool,
    /// Steps done by having the tutor type the command.
    #[serde(default)]
    pub(crate) skipped: usize,
}

impl LessonProgress {
    /// "done", "3/7", or "" for not started.
    pub(crate) fn label(&self) -> String {
        if self.completed {
            "done".into()
        } else if self.step > 0 {
            format!("{}/{}", self.step, self.steps)
        } else {
            String::new()
        }
    }
}

/// The data directory: `$XDG_DATA_HOME/imap-tutor`, else `~/.local/share/imap-tutor`.
pub(crate) fn data_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty() && Path::new(v).is_absolute())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })?;
    Some(base.join("imap-tutor"))
}

impl Progress {
    pub(crate) fn path() -> Option<PathBuf> {
        data_dir().map(|d| d.join("progress.json"))
    }

    pub fn load() -> Progress {
        Progress::path()
            .map(|p| Progress::load_from(&p))
            .unwrap_or_default()
    }

    pub(crate) fn load_from(path: &Path) -> Progress {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// Writes the file (via a temporary file, so a crash never leaves half a file).
    pub(crate) fn save(&self) -> std::io::Result<()> {
        let path =
            Progress::path().ok_or_else(|| std::io::Error::other("no HOME or XDG_DATA_HOME"))?;
        self.save_to(&path)
    }

    pub(crate) fn save_to(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        let mut text = serde_json::to_string_pretty(&Progress {
            version: 1,
            lessons: self.lessons.clone(),
        })?;
        text.push('\n');
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }

    pub(crate) fn get(&self, id: &str) -> LessonProgress {
        self.lessons.get(id).cloned().unwrap_or_default()
    }

    /// Records that `step` (0-based) of a lesson of `steps` steps is done.
    pub(crate) fn step_done(&mut self, id: &str, step: usize, steps: usize, skipped: bool) {
        let p = self.lessons.entry(id.to_owned()).or_default();
        p.step = p.step.max(step + 1).min(steps);
        p.steps = steps;
        if skipped {
            p.skipped += 1;
        }
        if step + 1 >= steps {
            p.completed = true;
        }
    }

    /// Where the learner is now, after a restart (`completed` stays: once done, done).
    pub(crate) fn set_step(&mut self, id: &str, step: usize, steps: usize) {
        let p = self.lessons.entry(id.to_owned()).or_default();
        p.step = step.min(steps);
        p.steps = steps;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_round_trips_and_completes() {
        let dir = std::env::temp_dir().join(format!("imap-tutor-progress-{}", std::process::id()));
        let path = dir.join("progress.json");
        let mut p = Progress::default();
        p.step_done("strategos", 0, 4, false);
        p.step_done("strategos", 1, 4, true);
        assert_eq!(p.get("strategos").label(), "2/4");
        p.save_to(&path).unwrap();
        let mut back = Progress::load_from(&path);
        assert_eq!(back.get("strategos").step, 2);
        back.step_done("strategos", 3, 4, false);
        assert!(back.get("strategos").completed);
        assert_eq!(
            Progress::load_from(&dir.join("missing.json")),
            Progress::default()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
