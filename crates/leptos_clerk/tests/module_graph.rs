//! The modules of `leptos_clerk` and of the dev instance depend on each other only downward: no
//! two modules import each other, directly or around a circle. Shared state and shared types live
//! in a module both sides import.
//!
//! A module depends on another when it names it or an item of it: `use` declarations (`pub use`
//! included), paths in code (`crate::…`, `super::…`, `self::…`, a child module's name), with
//! `pub use` re-exports followed to the module that defines the item. Comments, doc comments and
//! inline `#[cfg(test)] mod tests { … }` blocks are not read. `mod x;` alone is no dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module path inside the crate (`[]` is the crate root).
type Module = Vec<String>;

#[test]
fn leptos_clerk_has_no_import_cycle() {
    assert_no_cycle("src");
}

/// The dev instance (this crate's dev-dependency, beside it in the workspace).
#[test]
fn the_dev_instance_has_no_import_cycle() {
    assert_no_cycle("../clerk_dev_instance/src");
}

/// Fails with each cycle and the dependencies inside it.
fn assert_no_cycle(src: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
    let graph = Graph::read(&src);
    assert!(
        graph.modules.len() > 30,
        "read {} modules",
        graph.modules.len()
    );
    let cycles = graph.cycles();
    assert!(
        cycles.is_empty(),
        "import cycles in {}:\n{}",
        src.display(),
        graph.describe(&cycles)
    );
}

#[test]
fn a_cycle_between_siblings_or_through_a_parent_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("lib.rs", "mod a;\nmod b;\nmod fapi;\nmod store;\n"),
        // a ↔ b, one side through a grouped `use`, the other through a path in code.
        ("a.rs", "use crate::{b::{B}, store::Store};\npub struct A(Store);\n"),
        ("b.rs", "pub struct B;\nfn f() { let _ = crate::a::A; }\n"),
        // The parent re-exports its child, which reaches back for the parent's shared state.
        ("fapi/mod.rs", "mod sign_in;\npub use sign_in::routes;\npub struct Shared;\n"),
        ("fapi/sign_in.rs", "use super::Shared;\npub fn routes() {}\n"),
        // Downward only: no cycle. The test module's `super::*` is the file itself.
        (
            "store.rs",
            "// use crate::a::A;\npub struct Store;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::a::A;\n}\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let graph = Graph::read(dir.path());
    let cycles = graph.cycles();
    let names: BTreeSet<Vec<String>> = cycles
        .iter()
        .map(|cycle| cycle.iter().map(name).collect())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from([
            vec!["a".to_owned(), "b".to_owned()],
            vec!["fapi".to_owned(), "fapi::sign_in".to_owned()],
        ]),
        "{}",
        graph.describe(&cycles)
    );
}

/// The paths a module names, read once.
struct Named {
    /// Those of its `use` declarations, each with whether it is a re-export (`pub use`).
    uses: Vec<(bool, String)>,
    /// Those of its code.
    code: Vec<String>,
}

/// The modules of a crate's `src` and which modules each depends on.
struct Graph {
    modules: BTreeMap<Module, PathBuf>,
    edges: BTreeMap<Module, BTreeSet<Module>>,
}

impl Graph {
    fn read(src: &Path) -> Graph {
        let modules = module_files(src);
        let named: BTreeMap<Module, Named> = modules
            .iter()
            .map(|(module, file)| {
                let text = without_inline_tests(&strip(&fs::read_to_string(file).unwrap()));
                let (uses, code) = split_use_declarations(&text);
                let uses = uses
                    .into_iter()
                    .flat_map(|(is_pub, tree)| expand(&tree).into_iter().map(move |p| (is_pub, p)))
                    .collect();
                let code = code_paths(&code);
                (module.clone(), Named { uses, code })
            })
            .collect();
        let mut reexports: BTreeMap<Module, BTreeMap<String, String>> = BTreeMap::new();
        for (module, Named { uses, .. }) in &named {
            for (_, path) in uses.iter().filter(|(is_pub, _)| *is_pub) {
                let last = path.rsplit("::").next().unwrap_or("").trim().to_owned();
                if !last.is_empty() && last != "*" {
                    reexports
                        .entry(module.clone())
                        .or_default()
                        .insert(last, path.clone());
                }
            }
        }
        let resolver = Resolver {
            modules: &modules,
            reexports: &reexports,
        };
        let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
        for (module, Named { uses, code }) in &named {
            for path in uses.iter().map(|(_, path)| path).chain(code) {
                if let Some(target) = resolver.resolve(module, path, 0) {
                    if &target != module {
                        edges.entry(module.clone()).or_default().insert(target);
                    }
                }
            }
        }
        Graph { modules, edges }
    }

    /// Every set of two or more modules that reach each other (Tarjan's strongly connected
    /// components), each sorted.
    fn cycles(&self) -> Vec<Vec<Module>> {
        let mut tarjan = Tarjan::default();
        for module in self.modules.keys() {
            if !tarjan.index.contains_key(module) {
                tarjan.visit(module, &self.edges);
            }
        }
        tarjan
            .components
            .into_iter()
            .filter(|component| component.len() > 1)
            .map(|mut component| {
                component.sort();
                component
            })
            .collect()
    }

    /// Each cycle with the dependencies inside it.
    fn describe(&self, cycles: &[Vec<Module>]) -> String {
        let mut out = String::new();
        for cycle in cycles {
            out.push_str(&format!("cycle of {}:\n", cycle.len()));
            for module in cycle {
                let inside: Vec<String> = self
                    .edges
                    .get(module)
                    .into_iter()
                    .flatten()
                    .filter(|target| cycle.contains(target))
                    .map(name)
                    .collect();
                out.push_str(&format!("  {} -> {}\n", name(module), inside.join(", ")));
            }
        }
        out
    }
}

/// How a module is called in messages (`crate` for the root).
fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// Every `.rs` file under `src` by its module path; `#[path = "…"] mod m;` files under the
/// declaring module; binaries (`src/bin`) are crates of their own and left out.
fn module_files(src: &Path) -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(src, &mut files);
    let mut modules = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(src).unwrap().with_extension("");
        let mut module: Module = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module.first().is_some_and(|first| first == "bin") {
            continue;
        }
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        modules.insert(module, file.clone());
    }
    for (module, file) in modules.clone() {
        let text = fs::read_to_string(&file).unwrap();
        for (path, name) in path_attributes(&text) {
            let target = file.parent().unwrap().join(path);
            modules.retain(|_, f| f.as_path() != target.as_path());
            let mut key = module.clone();
            key.push(name);
            modules.insert(key, target);
        }
    }
    modules
}

/// `(file, module name)` of each `#[path = "file"] … mod name;`.
fn path_attributes(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[path = \"") {
        rest = &rest[at + "#[path = \"".len()..];
        let Some(end) = rest.find('"') else { break };
        let path = rest[..end].to_owned();
        if let Some(mod_at) = rest.find("mod ") {
            let name: String = rest[mod_at + 4..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push((path, name));
        }
    }
    found
}

/// `text` without comments and with every string and char literal emptied.
fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !is_ident(chars[i - 1]))
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || next == Some('\\')) {
            // A char literal ('x', '\n', '\u{…}'); a lifetime ('a) has no closing quote.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `text` up to an inline `#[cfg(test)] mod name {`: there `super` is the file's own module.
fn without_inline_tests(text: &str) -> String {
    let mut from = 0;
    while let Some(at) = text[from..].find("#[cfg(test)]") {
        let start = from + at;
        let after = text[start + "#[cfg(test)]".len()..].trim_start();
        if let Some(rest) = after.strip_prefix("mod ") {
            let rest = rest.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
            if rest.trim_start().starts_with('{') {
                return text[..start].to_owned();
            }
        }
        from = start + 1;
    }
    text.to_owned()
}

/// Byte ranges of each `use …;` and whether it is `pub` (a re-export).
fn use_ranges(text: &str) -> Vec<(usize, usize, bool)> {
    let bytes = text.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("use") {
        let start = from + at;
        from = start + 3;
        let before_ok = start == 0 || !is_ident(bytes[start - 1]);
        let after_ok = bytes
            .get(start + 3)
            .is_some_and(|b| b.is_ascii_whitespace());
        if !(before_ok && after_ok) {
            continue;
        }
        let Some(end) = text[start..].find(';') else {
            break;
        };
        let before = text[..start].trim_end();
        let is_pub = before.ends_with("pub")
            || (before.ends_with(')')
                && before
                    .rfind("pub(")
                    .is_some_and(|p| before.len() - p < 24 && !before[p..].contains('\n')));
        ranges.push((start, start + end + 1, is_pub));
        from = start + end + 1;
    }
    ranges
}

/// The use trees of `text`'s `use` declarations (each with whether it is `pub`), and `text`
/// without them.
fn split_use_declarations(text: &str) -> (Vec<(bool, String)>, String) {
    let mut trees = Vec::new();
    let mut rest = String::new();
    let mut last = 0;
    for (start, end, is_pub) in use_ranges(text) {
        trees.push((is_pub, text[start + 3..end - 1].trim().to_owned()));
        rest.push_str(&text[last..start]);
        last = end;
    }
    rest.push_str(&text[last..]);
    (trees, rest)
}

/// The paths of a use tree: `a::{b, c::{d as e}, self}` → `a::b`, `a::c::d`, `a`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or("").trim();
        return vec![path.split_whitespace().collect()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut current) = (0, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    let mut paths = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        for path in expand(part) {
            if path == "self" {
                paths.push(prefix.trim_end_matches(':').trim().to_owned());
            } else {
                paths.push(format!("{}{path}", prefix.trim()));
            }
        }
    }
    paths
}

/// Every path of two or more segments in code (`a::b`, `crate::x::y`), not inside a longer one.
fn code_paths(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = is_ident(chars[i])
            && !chars[i].is_numeric()
            && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':'));
        if !starts {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        loop {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            segments.push(chars[start..i].iter().collect::<String>());
            let more = chars.get(i) == Some(&':')
                && chars.get(i + 1) == Some(&':')
                && chars.get(i + 2).is_some_and(|c| is_ident(*c));
            if !more {
                break;
            }
            i += 2;
        }
        if segments.len() > 1 {
            paths.push(segments.join("::"));
        }
    }
    paths
}

/// Resolves a path named in a module to the module it depends on.
struct Resolver<'a> {
    modules: &'a BTreeMap<Module, PathBuf>,
    reexports: &'a BTreeMap<Module, BTreeMap<String, String>>,
}

impl Resolver<'_> {
    /// The module that `path`, named in `module`, points into: the deepest module along it, or
    /// through a `pub use` the module that defines the item. `None` for other crates.
    fn resolve(&self, module: &Module, path: &str, depth: usize) -> Option<Module> {
        let segments: Vec<&str> = path.split("::").map(str::trim).collect();
        let mut current = module.clone();
        let mut i = 0;
        match segments.first().copied() {
            Some("crate") => {
                current.clear();
                i = 1;
            }
            Some("super" | "self") => {}
            Some(first) => {
                let mut child = current.clone();
                child.push(first.to_owned());
                if !self.modules.contains_key(&child) {
                    return None;
                }
            }
            None => return None,
        }
        while let Some(segment @ ("super" | "self")) = segments.get(i).copied() {
            if segment == "super" {
                current.pop();
            }
            i += 1;
        }
        while let Some(segment) = segments.get(i) {
            let mut child = current.clone();
            child.push((*segment).to_owned());
            if !self.modules.contains_key(&child) {
                break;
            }
            current = child;
            i += 1;
        }
        if let Some(item) = segments.get(i) {
            let target = self.reexports.get(&current).and_then(|r| r.get(*item));
            if let Some(target) = target.filter(|_| depth < 8) {
                let mut followed = target.clone();
                for rest in &segments[i + 1..] {
                    followed.push_str("::");
                    followed.push_str(rest);
                }
                if let Some(resolved) = self.resolve(&current, &followed, depth + 1) {
                    return Some(resolved);
                }
            }
        }
        self.modules.contains_key(&current).then_some(current)
    }
}

/// Tarjan's strongly connected components.
#[derive(Default)]
struct Tarjan {
    next: usize,
    index: BTreeMap<Module, usize>,
    low: BTreeMap<Module, usize>,
    stack: Vec<Module>,
    on_stack: BTreeSet<Module>,
    components: Vec<Vec<Module>>,
}

impl Tarjan {
    fn visit(&mut self, module: &Module, edges: &BTreeMap<Module, BTreeSet<Module>>) {
        self.index.insert(module.clone(), self.next);
        self.low.insert(module.clone(), self.next);
        self.next += 1;
        self.stack.push(module.clone());
        self.on_stack.insert(module.clone());
        for target in edges.get(module).into_iter().flatten() {
            if !self.index.contains_key(target) {
                self.visit(target, edges);
                let low = self.low[module].min(self.low[target]);
                self.low.insert(module.clone(), low);
            } else if self.on_stack.contains(target) {
                let low = self.low[module].min(self.index[target]);
                self.low.insert(module.clone(), low);
            }
        }
        if self.low[module] == self.index[module] {
            let mut component = Vec::new();
            loop {
                let top = self.stack.pop().unwrap();
                self.on_stack.remove(&top);
                let done = &top == module;
                component.push(top);
                if done {
                    break;
                }
            }
            self.components.push(component);
        }
    }
}
