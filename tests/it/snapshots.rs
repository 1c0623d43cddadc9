//! The CLI's whole output for every scenario in `examples/`, compared byte for byte with the
//! snapshots in `tests/it/snapshots/`: `mlcost estimate` as a table, JSON and CSV, `mlcost
//! optimize` as a table and JSON, and for an example that owns servers `mlcost own` as a table,
//! JSON and CSV. A change to any figure, label or rounding shows up here, so a
//! restructure can prove it changed no number, and a change meant to move numbers shows which.
//!
//! After a change that is meant to move figures, write the snapshots anew and review their diff:
//! `MLCOST_BLESS=1 cargo test -p mlcost-tests --test it snapshots`.
//!
//! The README's examples are checked against the same runs: every scenario it shows with `$ cat`
//! is a file in `examples/`, and every output line it shows is the CLI's (a line ending in `...` or
//! `…` is shortened there, so only its beginning is compared).

use std::path::{Path, PathBuf};

use crate::support::{mlcost, mlcost_in, text};

/// The command lines snapshotted for each example, and the snapshot file's extension.
const RUNS: [(&[&str], &str); 5] = [
    (&["estimate"], "estimate.txt"),
    (&["estimate", "--format", "json"], "estimate.json"),
    (&["estimate", "--format", "csv"], "estimate.csv"),
    (&["optimize"], "optimize.txt"),
    (&["optimize", "--format", "json"], "optimize.json"),
];

/// The runs snapshotted besides, for an example that owns servers: `mlcost own` as a table, JSON
/// and CSV.
const OWN_RUNS: [(&[&str], &str); 3] = [
    (&["own"], "own.txt"),
    (&["own", "--format", "json"], "own.json"),
    (&["own", "--format", "csv"], "own.csv"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ is readable")
        .map(|entry| entry.expect("examples/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "examples/ holds no scenario");
    files
}

/// The CLI's standard output for `args` with the example's path after the subcommand.
fn run(args: &[&str], example: &Path) -> String {
    let mut full: Vec<&str> = args.to_vec();
    full.insert(1, example.to_str().expect("utf-8 path"));
    let out = mlcost(&full, "");
    assert!(out.status.success(), "mlcost {full:?} failed: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn every_example_prints_exactly_its_snapshot() {
    let bless = std::env::var_os("MLCOST_BLESS").is_some();
    let directory = root().join("tests/it/snapshots");
    let mut failures = Vec::new();
    for example in examples() {
        let stem = example.file_stem().and_then(|s| s.to_str()).expect("utf-8 name").to_owned();
        let owns = std::fs::read_to_string(&example).is_ok_and(|text| text.contains("\"owned\""));
        let own_runs = OWN_RUNS.iter().filter(|_| owns);
        for &(args, extension) in RUNS.iter().chain(own_runs) {
            let output = run(args, &example);
            let snapshot = directory.join(format!("{stem}.{extension}"));
            if bless {
                std::fs::create_dir_all(&directory).expect("create the snapshot directory");
                std::fs::write(&snapshot, &output).expect("write the snapshot");
                continue;
            }
            let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
            if let Some(difference) = first_difference(&expected, &output) {
                failures.push(format!("{}: {difference}", snapshot.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "the CLI's output differs from its snapshots (if the change is meant to move figures, \
         run with MLCOST_BLESS=1 and review the diff):\n{}",
        failures.join("\n")
    );
}

/// Where two texts first differ, as line number and both lines; `None` when they are equal.
fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    if expected.is_empty() {
        return Some("no snapshot yet".to_owned());
    }
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    let mut number = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => number += 1,
            (e, a) => {
                return Some(format!(
                    "line {number}\n  snapshot: {}\n  now:      {}",
                    e.unwrap_or("(end)"),
                    a.unwrap_or("(end)")
                ));
            }
        }
    }
}

/// A block of the README: `$ cat FILE` followed by the scenario, or `mlcost estimate FILE`,
/// `mlcost optimize FILE` or `mlcost own FILE` (either spelling: `$ mlcost …`, `$ cargo run … -- …`) and its output,
/// or `mlcost diff` of two examples (any arguments, run from the project's root) and its output.
#[derive(Debug)]
enum ReadmeBlock {
    Scenario { file: String, json: String },
    Output { subcommand: &'static str, file: String, lines: Vec<String> },
    Diff { args: Vec<String>, lines: Vec<String> },
}

fn readme_blocks(readme: &str) -> Vec<ReadmeBlock> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(command) = line.strip_prefix("$ ") else { continue };
        let mut body = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("$ ") || next.starts_with("```") {
                break;
            }
            body.push((*next).to_owned());
            lines.next();
        }
        if let Some(args) = command.strip_prefix("mlcost diff ") {
            let args = args.split_whitespace().map(str::to_owned).collect();
            blocks.push(ReadmeBlock::Diff { args, lines: body });
        } else if let Some(file) = command.strip_prefix("cat ") {
            blocks.push(ReadmeBlock::Scenario {
                file: file.trim().to_owned(),
                json: body.join("\n"),
            });
        } else {
            for subcommand in ["estimate", "optimize", "own"] {
                let runs = command
                    .strip_prefix("mlcost ")
                    .or_else(|| command.strip_prefix("cargo run -q -p mlcost-cli -- "));
                let file = runs.and_then(|rest| rest.strip_prefix(subcommand)).map(str::trim);
                if let Some(file) = file.filter(|f| f.starts_with("examples/")) {
                    let file = file.to_owned();
                    blocks.push(ReadmeBlock::Output { subcommand, file, lines: body.clone() });
                }
            }
        }
    }
    blocks
}

#[test]
fn the_readme_shows_the_examples_and_their_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let blocks = readme_blocks(&readme);
    let outputs = blocks.iter().filter(|b| matches!(b, ReadmeBlock::Output { .. })).count();
    assert!(outputs >= 2, "the README shows a training and a serving estimate: {blocks:?}");
    let diffs = blocks.iter().filter(|b| matches!(b, ReadmeBlock::Diff { .. })).count();
    assert!(diffs >= 1, "the README's CI section shows a diff of two examples: {blocks:?}");
    for block in &blocks {
        match block {
            ReadmeBlock::Scenario { file, json } => {
                let shown: serde_json::Value = serde_json::from_str(json)
                    .unwrap_or_else(|e| panic!("README's {file} is not JSON: {e}"));
                assert!(file.starts_with("examples/"), "README's {file} is not in examples/");
                let stored = std::fs::read_to_string(root().join(file))
                    .unwrap_or_else(|e| panic!("README shows {file}, which cannot be read: {e}"));
                let stored: serde_json::Value =
                    serde_json::from_str(&stored).expect("the example is JSON");
                assert_eq!(shown, stored, "README's {file} differs from the file");
            }
            ReadmeBlock::Diff { args, lines } => {
                let mut full = vec!["diff"];
                full.extend(args.iter().map(String::as_str));
                let out = mlcost_in(&root(), &full);
                assert!(
                    out.status.success(),
                    "README's `mlcost {full:?}` fails: {}",
                    text(&out.stderr)
                );
                if let Err(why) = shows_lines_of(lines, &text(&out.stdout)) {
                    panic!("README's `mlcost {full:?}` differs from the CLI's: {why}");
                }
            }
            ReadmeBlock::Output { subcommand, file, lines } => {
                let output = run(&[subcommand], &root().join(file));
                if let Err(why) = shows_lines_of(lines, &output) {
                    panic!("README's `mlcost {subcommand} {file}` differs from the CLI's: {why}");
                }
            }
        }
    }
}

/// Whether every line the README shows is the CLI's, in order (see [`line_matches`]); a line of
/// `…` alone stands for lines left out. With none left out, the README shows every line.
fn shows_lines_of(shown: &[String], output: &str) -> Result<(), String> {
    let actual: Vec<&str> = output.lines().collect();
    let skips = shown.iter().any(|line| line.trim() == "…");
    if !skips && shown.len() != actual.len() {
        return Err(format!("{} lines shown, the CLI prints {}", shown.len(), actual.len()));
    }
    let mut next = 0;
    for line in shown {
        if line.trim() == "…" {
            continue;
        }
        let matches = |candidate: &&str| line_matches(line, candidate);
        let found = if skips {
            actual[next..].iter().position(matches).map(|i| next + i)
        } else {
            actual.get(next).filter(|candidate| matches(candidate)).map(|_| next)
        };
        match found {
            Some(at) => next = at + 1,
            None => {
                let cli = actual.get(next).copied().unwrap_or("(end)");
                return Err(format!("\n  README: {line}\n  CLI:    {cli}"));
            }
        }
    }
    Ok(())
}

/// Whether a line the README shows is this line of the CLI's: `…` (or `...` at the end) stands for
/// text left out, and the pieces around it must appear in order, the first at the start and the
/// last at the end unless the line ends in an ellipsis.
fn line_matches(shown: &str, actual: &str) -> bool {
    let (shown, open_end) = match shown.strip_suffix("...").or_else(|| shown.strip_suffix('…')) {
        Some(shortened) => (shortened, true),
        None => (shown, false),
    };
    let pieces: Vec<&str> = shown.split('…').collect();
    let mut rest = actual;
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        let at = if i == 0 {
            rest.starts_with(piece).then_some(0)
        } else if last && !open_end {
            rest.ends_with(piece).then(|| rest.len() - piece.len())
        } else {
            rest.find(piece)
        };
        match at {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    open_end || pieces.len() > 1 || rest.is_empty()
}

#[test]
fn readme_lines_match_with_their_ellipses() {
    assert!(line_matches("total $5", "total $5"));
    assert!(!line_matches("total $5", "total $50"));
    assert!(line_matches("Priced with a...", "Priced with aws"));
    assert!(line_matches(
        "1. Quantize … (lambda): −87%",
        "1. Quantize on GH200 (96GB) (lambda): −87%"
    ));
    assert!(!line_matches("1. Quantize … (lambda): −87%", "1. Quantize on GH200 (lambda): −80%"));
    assert!(line_matches("quality: FP8 keeps …", "quality: FP8 keeps ~99.5%"));
}
