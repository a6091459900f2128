//! Files and directories being written, so that an interrupt (SIGINT, SIGTERM) removes them
//! instead of leaving `.x.tmp-PID` litter, and output sets that are swapped in whole.
//!
//! Every temporary is registered while it exists; the signal thread takes the same lock, so a
//! swap in progress finishes (or has not started) before the cleanup runs, then the process
//! exits 130 (SIGINT) or 143 (SIGTERM), as shells expect.

use super::Failure;
use signal_hook::consts::{SIGINT, SIGTERM};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What an interrupt removes now.
static LIVE: Mutex<Live> = Mutex::new(Live {
    temporaries: Vec::new(),
    created: Vec::new(),
});

struct Live {
    /// Temporaries that exist now: removed with their contents.
    temporaries: Vec<PathBuf>,
    /// Directories made for output sets not yet committed, deepest first: removed while
    /// empty.
    created: Vec<PathBuf>,
}

/// Starts the thread that cleans up on SIGINT and SIGTERM. Call once, first thing.
pub fn install() {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let live = lock();
            for path in &live.temporaries {
                remove(path);
            }
            for level in &live.created {
                let _ = std::fs::remove_dir(level);
            }
            eprintln!("interrupted: temporary files removed, earlier outputs left as they were");
            std::process::exit(super::Exit::signalled(signal) as i32);
        }
    });
}

fn remove(path: &Path) {
    if path.is_dir() {
        let _ = std::fs::remove_dir_all(path);
    } else {
        let _ = std::fs::remove_file(path);
    }
}

/// A registered temporary: removed when dropped unless [`Temporary::keep`] was called.
pub struct Temporary {
    path: PathBuf,
    kept: bool,
}

impl Temporary {
    /// Registers `path` (not yet created).
    pub fn new(path: PathBuf) -> Self {
        lock().temporaries.push(path.clone());
        Temporary { path, kept: false }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `finish` (typically renames that move the temporary into place) with signals held
    /// off, then forgets the temporary.
    pub fn keep<T>(mut self, finish: impl FnOnce(&Path) -> T) -> T {
        let mut live = lock();
        let result = finish(&self.path);
        live.temporaries.retain(|path| path != &self.path);
        self.kept = true;
        result
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.kept {
            let mut live = lock();
            remove(&self.path);
            live.temporaries.retain(|path| path != &self.path);
        }
    }
}

/// Creates a directory inside a temporary while holding the registry's lock: an interrupt's
/// cleanup (which holds it until the process exits) then either removes it afterwards or
/// never sees it made, so a cleanup cannot be undone by a directory created behind it.
fn create_dir_locked(path: &Path) -> std::io::Result<()> {
    let _live = lock();
    std::fs::create_dir_all(path)
}

fn lock() -> std::sync::MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The list of files of an output set, written last into its directory: the next set removes
/// what this one wrote and it does not, and nothing else.
const MANIFEST: &str = ".scaleplan-outputs";

/// An output set being written: every file goes into a temporary sibling directory first,
/// so a failure (a full disk) or an interrupt leaves the previous set untouched; `commit`
/// moves them into place together (signals held off), writes the manifest, and removes the
/// files of the previous set that this one does not have. Other files in the directory are
/// left alone.
pub struct OutputSet {
    directory: PathBuf,
    staging: Temporary,
    names: Vec<String>,
    /// Declared after `staging`, so dropped after it: the staging directory may sit in a
    /// directory the set created.
    created: Created,
}

/// The directories [`OutputSet::begin`] created for a set, deepest first: a set that fails
/// or is interrupted before its commit removes them again (each only while empty), so a
/// failed `--out` into a new directory leaves nothing behind, not an empty directory.
struct Created {
    levels: Vec<PathBuf>,
    kept: bool,
}

impl Created {
    /// Creates `directory` and whatever of its ancestors is missing.
    fn directory(directory: &Path) -> std::io::Result<Created> {
        let levels: Vec<PathBuf> = directory
            .ancestors()
            .take_while(|level| !level.as_os_str().is_empty() && !level.exists())
            .map(Path::to_path_buf)
            .collect();
        // Registered before they are made, under the lock an interrupt's cleanup takes: a
        // level made before a failure or a signal is still removed.
        let mut live = lock();
        live.created.extend(levels.iter().cloned());
        let created = Created {
            levels,
            kept: false,
        };
        let made = std::fs::create_dir_all(directory);
        drop(live);
        made.map(|()| created)
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        let mut live = lock();
        if !self.kept {
            for level in &self.levels {
                let _ = std::fs::remove_dir(level);
            }
        }
        live.created.retain(|level| !self.levels.contains(level));
    }
}

impl OutputSet {
    /// Starts a set for `directory`.
    pub fn begin(directory: &Path) -> Result<Self, Failure> {
        let created = Created::directory(directory).map_err(|error| {
            Failure::Io(format!("cannot create `{}`: {error}", directory.display()))
        })?;
        let name = directory
            .file_name()
            .map_or("out".into(), |name| name.to_string_lossy().into_owned());
        let staging =
            Temporary::new(directory.with_file_name(format!(".{name}.tmp-{}", std::process::id())));
        create_dir_locked(staging.path()).map_err(|error| {
            Failure::Io(format!("cannot create a temporary directory: {error}"))
        })?;
        Ok(OutputSet {
            directory: directory.to_path_buf(),
            staging,
            names: Vec::new(),
            created,
        })
    }

    /// The staging path of `relative` (its parent created), for a writer that streams; the
    /// file is part of the set.
    pub fn path(&mut self, relative: &Path) -> Result<PathBuf, Failure> {
        let path = self.staging.path().join(relative);
        if let Some(parent) = path.parent() {
            create_dir_locked(parent).map_err(|error| self.failed(relative, &error))?;
        }
        let name = relative.to_string_lossy().replace('\\', "/");
        if !self.names.contains(&name) {
            self.names.push(name);
        }
        Ok(path)
    }

    /// Adds `relative` with `bytes`.
    pub fn write(&mut self, relative: &Path, bytes: &[u8]) -> Result<(), Failure> {
        let path = self.path(relative)?;
        std::fs::write(path, bytes).map_err(|error| self.failed(relative, &error))
    }

    /// The error for a file of the set that could not be written.
    pub fn failed(&self, relative: &Path, error: &dyn std::fmt::Display) -> Failure {
        Failure::Io(format!(
            "cannot write `{}`: {error}",
            self.directory.join(relative).display()
        ))
    }

    /// Moves the set into place.
    pub fn commit(mut self) -> Result<(), Failure> {
        let manifest = self.names.join("\n") + "\n";
        self.write(Path::new(MANIFEST), manifest.as_bytes())?;
        let previous: Vec<String> = std::fs::read_to_string(self.directory.join(MANIFEST))
            .map(|text| text.lines().map(String::from).collect())
            .unwrap_or_default();
        let OutputSet {
            directory,
            staging,
            names,
            mut created,
        } = self;
        created.kept = true;
        staging.keep(|staging| {
            let moved = |relative: &str| -> std::io::Result<()> {
                let target = directory.join(relative);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(staging.join(relative), target)
            };
            let result = names
                .iter()
                .map(String::as_str)
                .try_for_each(moved)
                .map_err(|error| {
                    Failure::Io(format!(
                        "cannot move outputs into `{}`: {error}",
                        directory.display()
                    ))
                });
            for stale in previous.iter().filter(|name| !names.contains(name)) {
                if !stale.contains("..") && !stale.starts_with('/') {
                    let _ = std::fs::remove_file(directory.join(stale));
                }
            }
            let _ = std::fs::remove_dir_all(staging);
            result
        })
    }
}

/// Writes `files` (paths relative to `directory`) as one [`OutputSet`].
pub fn write_set(directory: &Path, files: Vec<(PathBuf, Vec<u8>)>) -> Result<(), Failure> {
    let mut set = OutputSet::begin(directory)?;
    for (relative, bytes) in &files {
        set.write(relative, bytes)?;
    }
    set.commit()
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so a reader
/// never sees a half-written file and an interrupted run leaves the old file intact.
/// Missing parent folders are created (`--out out/main.tf` in a fresh checkout), and
/// removed again, each only while empty, when the write fails.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let failed = |error: &dyn std::fmt::Display| {
        Failure::Io(format!("cannot write `{}`: {error}", path.display()))
    };
    let mut created = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            Some(Created::directory(parent).map_err(|error| failed(&error))?)
        }
        _ => None,
    };
    let name = path
        .file_name()
        .map_or("out".into(), |name| name.to_string_lossy().into_owned());
    let temporary =
        Temporary::new(path.with_file_name(format!(".{name}.tmp-{}", std::process::id())));
    std::fs::File::create(temporary.path())
        .and_then(|mut file| file.write_all(bytes).and_then(|_| file.sync_all()))
        .and_then(|_| temporary.keep(|temporary| std::fs::rename(temporary, path)))
        .map_err(|error| failed(&error))?;
    if let Some(created) = &mut created {
        created.kept = true;
    }
    Ok(())
}
