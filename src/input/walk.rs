//! The directory walk: which files under the paths given are read, and which are skipped and
//! why. Directories come from people who did not write them, so the walk
//!
//! - visits each file once: symbolic links are not followed unless asked ([`Walk::follow_links`]),
//!   loops are detected when they are, and a file reached twice (two links, a hard link) is
//!   read once;
//! - reads only regular files (a FIFO named `x.toml` would block the batch forever);
//! - skips the file the run's own output goes to ([`Walk::exclude`], by device and inode);
//! - respects `.gitignore`, `.ignore` and hidden files as ripgrep does (the `ignore` crate),
//!   unless [`Walk::include_ignored`];
//! - goes at most [`MAX_WALK_DEPTH`] directories down;
//!
//! and every candidate it does not read (a file whose extension names a [`Format`], or a
//! directory it does not enter) is returned as a [`Skipped`] with the reason, never dropped
//! silently.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::Format;
use crate::diag::Text;

/// How many directories below a path given on the command line the walk goes. Filings sit a
/// few levels down; a deeper directory is reported as skipped.
pub const MAX_WALK_DEPTH: usize = 64;

/// A file's identity on disk: (device, inode).
pub type FileId = (u64, u64);

/// How to walk directories.
#[derive(Clone, Debug, Default)]
pub struct Walk {
    /// Read hidden files and files `.gitignore`/`.ignore` exclude too.
    pub include_ignored: bool,
    /// Follow symbolic links (loops are detected and reported).
    pub follow_links: bool,
    /// Files never to read, by identity: the file standard output is redirected to.
    pub exclude: Vec<FileId>,
}

/// A path that was not read, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: Text,
}

/// The files to read, in a stable order (each directory sorted), and what was skipped.
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
}

/// The identity of the file at `path` (following links), if it has one.
pub fn file_id(path: &Path) -> Option<FileId> {
    id_of(&std::fs::metadata(path).ok()?)
}

#[cfg(unix)]
fn id_of(m: &std::fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn id_of(_: &std::fs::Metadata) -> Option<FileId> {
    None
}

/// The identity of the regular file standard output writes to, if it is one (`> out.json`).
pub fn stdout_file_id() -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        let m = std::fs::File::from(fd).metadata().ok()?;
        if m.is_file() {
            return id_of(&m);
        }
    }
    None
}

fn skipped(path: &Path, zh: String, en: String) -> Skipped {
    Skipped {
        path: path.to_path_buf(),
        reason: Text::owned(zh, en),
    }
}

fn is_candidate(path: &Path) -> bool {
    Format::from_path(path).is_some()
}

/// The files under `paths` to read, and every candidate skipped. A path that is not a
/// directory (a file, `-`, a path that does not exist) is kept as given, for the reader to read
/// or report, unless it is an excluded file.
pub fn expand(paths: &[PathBuf], walk: &Walk) -> Expanded {
    let mut out = Expanded::default();
    let mut seen: HashSet<FileId> = HashSet::new();
    for p in paths {
        if p.as_os_str() != super::STDIN && p.is_dir() {
            walk_dir(p, walk, &mut seen, &mut out);
        } else if file_id(p).is_some_and(|id| walk.exclude.contains(&id)) {
            out.skipped.push(output_file(p));
        } else {
            out.files.push(p.clone());
        }
    }
    out
}

fn output_file(p: &Path) -> Skipped {
    skipped(
        p,
        "本次运行的输出文件（标准输出重定向到它），不作为申报读取".into(),
        "the output file of this run (standard output goes to it), not read as a filing".into(),
    )
}

fn builder(root: &Path, walk: &Walk, filtered: bool) -> ignore::WalkBuilder {
    let mut b = ignore::WalkBuilder::new(root);
    b.follow_links(walk.follow_links)
        .standard_filters(filtered)
        // Only the directory's own ignore files, not the reviewer's global git configuration:
        // the same directory gives the same batch on every machine.
        .git_global(false)
        // A folder received by mail has a `.gitignore` but no `.git`: respected all the same.
        .require_git(false)
        .max_depth(Some(MAX_WALK_DEPTH))
        .sort_by_file_name(|a, b| a.cmp(b));
    b
}

fn walk_dir(root: &Path, walk: &Walk, seen: &mut HashSet<FileId>, out: &mut Expanded) {
    let filtered = !walk.include_ignored;
    // Directories the filtered walk entered: a candidate found only by the unfiltered walk is
    // reported under the first of its ancestors the filtered walk did not enter.
    let mut entered: HashSet<PathBuf> = HashSet::new();
    let mut read: HashSet<PathBuf> = HashSet::new();
    for entry in builder(root, walk, filtered).build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.skipped.push(walk_error(root, &e));
                continue;
            }
        };
        let path = entry.path();
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() {
            entered.insert(path.to_path_buf());
            if entry.depth() >= MAX_WALK_DEPTH {
                out.skipped.push(skipped(
                    path,
                    format!("目录层级超过上限 {MAX_WALK_DEPTH} 层，未读取其内容"),
                    format!(
                        "directory deeper than {MAX_WALK_DEPTH} levels below the path given: not read"
                    ),
                ));
            }
            continue;
        }
        if ft.is_symlink() {
            // Only when links are not followed.
            let target_is_dir = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
            if target_is_dir || is_candidate(path) {
                out.skipped.push(skipped(
                    path,
                    "符号链接，未跟随（使用 --follow 跟随）".into(),
                    "a symbolic link, not followed (--follow follows links)".into(),
                ));
            }
            continue;
        }
        if !is_candidate(path) {
            continue;
        }
        if !ft.is_file() {
            out.skipped.push(skipped(
                path,
                "不是普通文件（管道、套接字或设备），未读取".into(),
                "not a regular file (a FIFO, socket or device): not read".into(),
            ));
            continue;
        }
        let id = entry.metadata().ok().as_ref().and_then(id_of);
        if let Some(id) = id {
            if walk.exclude.contains(&id) {
                out.skipped.push(output_file(path));
                continue;
            }
            if !seen.insert(id) {
                out.skipped.push(skipped(
                    path,
                    "与已读取的文件是同一个文件（链接），不重复读取".into(),
                    "the same file as one already read (a link): not read twice".into(),
                ));
                continue;
            }
        }
        read.insert(path.to_path_buf());
        out.files.push(path.to_path_buf());
    }
    if filtered {
        let mut known = read;
        known.extend(out.skipped.iter().map(|s| s.path.clone()));
        report_ignored(root, walk, &entered, &known, out);
    }
}

/// Counts the candidates the ignore rules and the hidden-file rule left out, one line per
/// ignored file or directory (`target/: 322 files`).
fn report_ignored(
    root: &Path,
    walk: &Walk,
    entered: &HashSet<PathBuf>,
    known: &HashSet<PathBuf>,
    out: &mut Expanded,
) {
    let mut groups: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for entry in builder(root, walk, false).build().flatten() {
        let path = entry.path();
        let regular = entry.file_type().is_some_and(|t| t.is_file());
        if !regular || !is_candidate(path) || known.contains(path) {
            continue;
        }
        // The ignored path: the outermost ancestor below the root the filtered walk did not
        // enter, else the file itself.
        let ancestors: Vec<&Path> = path
            .ancestors()
            .skip(1)
            .take_while(|a| a.starts_with(root) && *a != root)
            .collect();
        let top = ancestors
            .iter()
            .rev()
            .find(|a| !entered.contains(**a))
            .map(|a| a.to_path_buf());
        *groups
            .entry(top.unwrap_or_else(|| path.to_path_buf()))
            .or_default() += 1;
    }
    for (path, n) in groups {
        let is_dir = path.is_dir();
        out.skipped.push(if is_dir {
            skipped(
                &path,
                format!("被 .gitignore/.ignore 排除或为隐藏目录（其中 {n} 个文件；--no-ignore 读取）"),
                format!(
                    "excluded by .gitignore/.ignore or hidden ({n} file(s) under it; --no-ignore reads them)"
                ),
            )
        } else {
            skipped(
                &path,
                "被 .gitignore/.ignore 排除或为隐藏文件（--no-ignore 读取）".into(),
                "excluded by .gitignore/.ignore or hidden (--no-ignore reads it)".into(),
            )
        });
    }
}

fn walk_error(root: &Path, e: &ignore::Error) -> Skipped {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::Loop { child, .. } => Some(child),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    let path = path_of(e).unwrap_or(root);
    if let ignore::Error::Loop { ancestor, .. } = strip(e) {
        return skipped(
            path,
            format!("符号链接形成循环（指向 {}），未读取", ancestor.display()),
            format!(
                "a symbolic link loop (back to {}): not read",
                ancestor.display()
            ),
        );
    }
    let msg = strip(e).to_string();
    skipped(
        path,
        format!("无法读取：{msg}"),
        format!("cannot be read: {msg}"),
    )
}

/// The error under its path and depth wrappers.
fn strip(e: &ignore::Error) -> &ignore::Error {
    match e {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => strip(err),
        e => e,
    }
}
