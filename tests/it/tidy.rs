//! Tidy checks on the source itself, run as tests (in the spirit of rust-analyzer's `tidy.rs`): the
//! engine's layers import only downward, its estimators leave input checks to the resolve step,
//! and no crate in the workspace has an import cycle between its files.
//!
//! The layers are read from the table in ARCHITECTURE.md ("Layers"), so the document and the check
//! cannot drift apart. A file's references are every `crate::…` path in its code (a `use`, or a
//! path written inline), every `super::…` path, and every path that starts with one of its own
//! child modules; code after the file's first `#[cfg(test)]` is left out, since tests may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose files must not import each other in a cycle, by their `src` directory.
const CRATES: [&str; 8] = [
    "crates/mlcost/src",
    "crates/mlcost/tests/it",
    "crates/mlcost-cli/src",
    "crates/mlcost-wasm/src",
    "crates/xtask/src",
    "web/src",
    "web/deferred/src",
    "tests/it",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// One source file as a module: its path from the crate root (`["serving", "money"]`, empty for
/// `lib.rs` or `main.rs`) and its code up to the first `#[cfg(test)]`, comments removed.
#[derive(Debug, Clone)]
struct Module {
    path: Vec<String>,
    code: String,
}

fn modules_of(src: &Path) -> Vec<Module> {
    let mut files = Vec::new();
    collect_rs_files(src, &mut files);
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(src).expect("under src");
            let mut path: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(path.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                path.pop();
            }
            let text = std::fs::read_to_string(&file).expect("source is readable");
            Module { path, code: code_of(&text) }
        })
        .collect()
}

fn collect_rs_files(directory: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(directory) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rs_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
}

/// The code before the first `#[cfg(test)]`, without comments.
fn code_of(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
    before_tests
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module path a file refers to, made absolute (from the crate root): `crate::a::b::C` is
/// `a::b::C`; `super::x` is taken from the file's parent; `child::x` from the file itself.
fn references(module: &Module, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for statement in use_statements(&module.code) {
        for path in expand_use_tree(&statement) {
            paths.push(path);
        }
    }
    paths.extend(inline_paths(&module.code));
    paths.into_iter().filter_map(|segments| absolute(module, children, segments)).collect()
}

fn absolute(
    module: &Module,
    children: &BTreeSet<String>,
    segments: Vec<String>,
) -> Option<Vec<String>> {
    let first = segments.first()?.as_str();
    match first {
        "crate" => Some(segments[1..].to_vec()),
        "super" => {
            let mut base = module.path.clone();
            let mut rest = &segments[..];
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            Some(base)
        }
        "self" => {
            let mut base = module.path.clone();
            base.extend(segments[1..].iter().cloned());
            Some(base)
        }
        child if children.contains(child) => {
            let mut base = module.path.clone();
            base.extend(segments);
            Some(base)
        }
        _ => None,
    }
}

/// The text of each `use …;` statement: a line that starts with `use` (after any `pub(…)`), up to
/// its semicolon.
fn use_statements(code: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut offset = 0;
    for line in code.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let visibility = ["pub use ", "pub(crate) use ", "pub(super) use ", "use "]
            .iter()
            .find(|prefix| trimmed.starts_with(*prefix));
        if let Some(prefix) = visibility {
            let begin = offset + (line.len() - trimmed.len()) + prefix.len();
            let rest = &code[begin..];
            let end = rest.find(';').unwrap_or(rest.len());
            statements.push(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "));
        }
        offset += line.len();
    }
    statements
}

/// Where `keyword` starts as a word of its own (not inside an identifier).
fn find_keyword(text: &str, keyword: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find(keyword) {
        let at = from + found;
        let before = text[..at].chars().next_back();
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
            return Some(at);
        }
        from = at + keyword.len();
    }
    None
}

/// `a::{b, c::{d, e as f}}` as the paths `a::b`, `a::c::d`, `a::c::e`.
fn expand_use_tree(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        return vec![
            path.split("::").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
        ];
    };
    let prefix: Vec<String> =
        tree[..open].split("::").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    let close = tree.rfind('}').filter(|close| *close > open).unwrap_or(tree.len());
    let inner = &tree[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .flat_map(|part| {
            expand_use_tree(part).into_iter().map(|tail| {
                let mut path = prefix.clone();
                path.extend(tail.into_iter().filter(|s| s != "self"));
                path
            })
        })
        .collect()
}

/// Paths written inline: `crate::a::b`, `super::x`.
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for start in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(at) = find_keyword(rest, start) {
            let path: String = rest[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segments: Vec<String> =
                path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
            // `crate::{…}` is a grouped `use`, read by `use_statements`.
            if segments.len() > 1 {
                paths.push(segments);
            }
            rest = &rest[at + start.len()..];
        }
    }
    paths
}

/// The file a path lands in: the longest prefix of it that is a module.
fn target_module<'a>(
    path: &[String],
    modules: &'a BTreeSet<Vec<String>>,
) -> Option<&'a Vec<String>> {
    (0..=path.len()).rev().find_map(|n| modules.get(&path[..n].to_vec()))
}

/// The crate's import graph between its files: module → modules it refers to (itself left out).
fn import_graph(modules: &[Module]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let mut graph = BTreeMap::new();
    for module in modules {
        let children: BTreeSet<String> = known
            .iter()
            .filter(|k| k.len() == module.path.len() + 1 && k.starts_with(&module.path))
            .filter_map(|k| k.last().cloned())
            .collect();
        let edges: BTreeSet<Vec<String>> = references(module, &children)
            .iter()
            .filter_map(|path| target_module(path, &known))
            .filter(|target| **target != module.path)
            .cloned()
            .collect();
        graph.insert(module.path.clone(), edges);
    }
    graph
}

/// Every cycle in the graph, as the modules of one strongly connected component (Tarjan).
fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(node: &'a Vec<String>, state: &mut State<'a>) {
        let next = state.index.len();
        state.index.insert(node, next);
        state.low.insert(node, next);
        state.stack.push(node);
        state.on_stack.insert(node);
        for target in state.graph.get(node).into_iter().flatten() {
            if !state.index.contains_key(target) {
                visit(target, state);
                let low = state.low[node].min(state.low[target]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.low[node].min(state.index[target]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(name(member));
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(node, &mut state);
        }
    }
    state.found
}

fn name(path: &[String]) -> String {
    if path.is_empty() { "(crate root)".to_owned() } else { path.join("::") }
}

/// The engine's layers from ARCHITECTURE.md's table: each row `| N | name | `paths` | … |`, its
/// paths the top-level modules (`serving/`) and files (`report.rs`) of that layer.
fn layer_table(architecture: &str) -> BTreeMap<String, u32> {
    let section = architecture.split("## Layers").nth(1).unwrap_or_default();
    let mut layers = BTreeMap::new();
    for row in section.lines().take_while(|l| !l.starts_with("## ")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(layer) = cells.get(1).and_then(|c| c.parse::<u32>().ok()) else { continue };
        for code in cells.get(3).unwrap_or(&"").split('`').skip(1).step_by(2) {
            let top = code.trim_end_matches('/').trim_end_matches(".rs");
            let top = if top == "lib" { String::new() } else { top.to_owned() };
            layers.insert(top, layer);
        }
    }
    layers
}

/// Imports that break the layering: a file referring to a layer above its own, or one of the twin
/// estimators (`training`, `serving`) referring to the other. Each as "file → target".
fn layer_violations(modules: &[Module], layers: &BTreeMap<String, u32>) -> Vec<String> {
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let layer_of = |path: &[String]| -> Option<u32> {
        let top = path.first().cloned().unwrap_or_default();
        // Items of the crate root (the facade) sit in the root's layer.
        if known.contains(&vec![top.clone()]) || top.is_empty() {
            layers.get(&top).copied()
        } else {
            layers.get("").copied()
        }
    };
    let mut violations = Vec::new();
    for module in modules {
        let Some(own) = layer_of(&module.path) else {
            violations
                .push(format!("{}: in no layer of ARCHITECTURE.md's table", name(&module.path)));
            continue;
        };
        let children: BTreeSet<String> = known
            .iter()
            .filter(|k| k.len() == module.path.len() + 1 && k.starts_with(&module.path))
            .filter_map(|k| k.last().cloned())
            .collect();
        for path in references(module, &children) {
            let top = path.first().map(String::as_str).unwrap_or_default();
            let own_top = module.path.first().map(String::as_str).unwrap_or_default();
            let twins = matches!((own_top, top), ("training", "serving") | ("serving", "training"));
            match layer_of(&path) {
                Some(target) if target > own || twins => violations.push(format!(
                    "{} (layer {own}) → {} (layer {target})",
                    name(&module.path),
                    name(&path)
                )),
                _ => {}
            }
        }
    }
    violations.sort();
    violations.dedup();
    violations
}

#[test]
fn the_engine_imports_only_downward() {
    let architecture =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let layers = layer_table(&architecture);
    assert!(layers.len() >= 6, "ARCHITECTURE.md's layer table is missing or short: {layers:?}");
    let modules = modules_of(&root().join("crates/mlcost/src"));
    let violations = layer_violations(&modules, &layers);
    assert!(
        violations.is_empty(),
        "imports that reach up a layer (ARCHITECTURE.md, \"Layers\"):\n  {}",
        violations.join("\n  ")
    );
}

/// Where an estimator may still reject something other than a result out of range, and why.
const ESTIMATOR_INPUT_ERRORS: [(&str, &str, &str); 7] = [
    ("training::calibration", "Missing", "the bundled published runs the default MFU is fitted on"),
    ("training::calibration", "BadEmbeddedData", "bundled published runs no MFU curve fits"),
    ("training::spread", "Missing", "the bundled published runs the MFU's spread comes from"),
    (
        "serving::spread",
        "Missing",
        "the bundled published measurements the efficiencies' spread comes from",
    ),
    (
        "serving::calibration",
        "Missing",
        "the bundled published measurements the efficiencies are recentred on",
    ),
    ("serving::search", "Malformed", "the optimizer's search takes a raw section, without a load"),
    ("serving::memory", "", "a format the search tries may have no peak on an accelerator"),
];

/// Input checks written in an estimator (`training/`, `serving/`): any `Problem` but
/// `ResultOutOfRange`, and any use of `vocabulary::check`. Those belong to the resolve step.
fn input_checks_in_estimators(modules: &[Module]) -> Vec<String> {
    let mut found = Vec::new();
    for module in modules {
        if !matches!(module.path.first().map(String::as_str), Some("training" | "serving")) {
            continue;
        }
        let name = name(&module.path);
        let allowed = |problem: &str| {
            ESTIMATOR_INPUT_ERRORS.iter().any(|(file, allowed, _)| {
                *file == name && (allowed.is_empty() || *allowed == problem)
            })
        };
        for (at, _) in module.code.match_indices("Problem::") {
            let rest = &module.code[at + "Problem::".len()..];
            let problem: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if problem != "ResultOutOfRange" && !allowed(&problem) {
                found.push(format!("{name}: Problem::{problem}"));
            }
        }
        if module.code.contains("vocabulary::check") && !allowed("") {
            found.push(format!("{name}: vocabulary::check"));
        }
        if module.code.contains("serving_peak") && !allowed("") {
            found.push(format!("{name}: serving_peak"));
        }
    }
    found
}

#[test]
fn the_estimators_fail_only_on_results_out_of_range() {
    let modules = modules_of(&root().join("crates/mlcost/src"));
    let found = input_checks_in_estimators(&modules);
    assert!(
        found.is_empty(),
        "input checks in an estimator (move them to scenario/resolve):\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn no_crate_has_an_import_cycle() {
    let mut found = Vec::new();
    for src in CRATES {
        let modules = modules_of(&root().join(src));
        assert!(!modules.is_empty(), "{src} has no source files");
        for cycle in cycles(&import_graph(&modules)) {
            found.push(format!("{src}: {}", cycle.join(" ↔ ")));
        }
    }
    assert!(found.is_empty(), "files that import each other in a cycle:\n  {}", found.join("\n  "));
}

/// The checks above must be able to fail: an upward import, a twin import, a cycle through
/// `super`, a cycle through a child module and one through a grouped `use` are all caught.
#[test]
fn the_tidy_checks_catch_what_they_forbid() {
    let module = |path: &str, code: &str| Module {
        path: path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        code: code_of(code),
    };
    let layers = layer_table(
        "## Layers\n| layer | name | code | may import |\n|---|---|---|---|\n\
         | 0 | vocabulary | `vocabulary/` | nothing |\n| 3 | estimators | `training/`, `serving/` | 0 |\n\
         | 4 | report | `report.rs`, `lib.rs` | 0-3 |\n## Next\n",
    );
    let crate_ = [
        module("", "pub mod vocabulary; pub mod training; pub mod serving; mod report;"),
        module("vocabulary", "use crate::report::Report; // reaches up\n"),
        module("training", "use crate::{vocabulary::units::Hours, serving::Sized};"),
        module("serving", "fn f() { let _ = crate::vocabulary::units::Hours::new(1.0); }"),
        module("report", "// use crate::nothing::Here;\nuse crate::training::Report;"),
    ];
    let violations = layer_violations(&crate_, &layers);
    assert_eq!(
        violations,
        [
            "training (layer 3) → serving::Sized (layer 3)",
            "vocabulary (layer 0) → report::Report (layer 4)",
        ]
    );

    let cyclic = [
        module("", "mod a; mod b; mod c;"),
        module("a", "mod inner;\nuse inner::X;"),
        module("a::inner", "use super::Y;"),
        module("b", "use crate::{c::{self, Z}};"),
        module("c", "pub fn z() { crate::b::w() }"),
    ];
    let found = cycles(&import_graph(&cyclic));
    assert_eq!(found, [vec!["a", "a::inner"], vec!["b", "c"]]);

    let estimators = [
        module("training::work", "return Err(Error::new(f, Problem::MustBePositive));"),
        module("training", "use crate::vocabulary::check::positive;"),
        module("serving::day", "Err(Error::new(f, Problem::ResultOutOfRange))"),
        module("training::calibration", "Error::new(name, Problem::Missing)"),
        module("scenario::resolve", "Error::new(f, Problem::Negative)"),
    ];
    assert_eq!(
        input_checks_in_estimators(&estimators),
        ["training::work: Problem::MustBePositive", "training: vocabulary::check"]
    );
}
