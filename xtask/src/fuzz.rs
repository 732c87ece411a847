//! Deterministic fuzzing of [`generate`](gapi_generator::generate), shared by the fuzz
//! test (`cargo test`) and `cargo xtask fuzz` (long runs): real documents,
//! mutated the ways documents go wrong, must give an [`Error`] or a crate,
//! never a panic.
//!
//! Every case is decided by its seed alone ([`case`]), so a failure is
//! replayed from the seed it reports (`cargo xtask fuzz --replay SEED`).
//! A case takes one document of the [`Corpus`] (in [`Size::Small`], a few of
//! its methods and the schemas they need, so that a debug build runs thousands
//! of cases in seconds), then applies one to four mutations: keys deleted,
//! values of the wrong JSON type, `$ref`s to missing or self schemas, hostile
//! names, names that collide after case conversion or with builder methods,
//! inline bodies, deep nesting, duplicated keys, and truncated or corrupted
//! text.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use fastrand::Rng;
use serde_json::{Map, Value, json};

use gapi_generator::Lock;
use gapi_generator::error::Error;
use gapi_generator::resolve::methods::reserved_argument_names;

/// Names no naming rule expects: keywords, std names, empty, digits, symbols,
/// non-ASCII, generated-code names and builder methods.
const HOSTILE_NAMES: &[&str] = &[
    "",
    " ",
    "_",
    "__",
    "$",
    "$.xgafv",
    "@type",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "fn",
    "async",
    "await",
    "r#type",
    "r#",
    "1",
    "123abc",
    "1080p",
    "a-b",
    "a.b",
    "a b",
    "a/b",
    "a:b",
    "a\"b",
    "a\\b",
    "{b}",
    "名前",
    "ß",
    "İ",
    "ǅungla",
    "🙂",
    "\u{0}",
    "\u{200b}",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Value",
    "BTreeMap",
    "runtime",
    "serde",
    "serde_json",
    "std",
    "core",
    "client",
    "new",
    "from_client",
    "request",
    "body",
    "wire_extras",
    "set_a",
    "clear_a",
    "UnknownValue",
    "API",
    "api",
    "types",
    "scopes",
    "Error",
    "unknown_value",
    "NAME",
    "ALL",
    "as_str",
    "from_str",
    "path",
    "value",
    "key",
    "map",
    "serializer",
    "deserializer",
    "object",
    "S",
    "D",
    "A",
    "E",
];

/// The documents cases are made from, parsed once, in name order.
pub struct Corpus {
    documents: Vec<(String, Value)>,
}

impl Corpus {
    /// `(name, text)` pairs; a text that is not JSON is an error naming it.
    pub fn new(documents: impl IntoIterator<Item = (String, String)>) -> Result<Self, Error> {
        let mut parsed = Vec::new();
        for (name, text) in documents {
            let value = serde_json::from_str(&text).map_err(|error| Error::Parse {
                path: name.clone(),
                message: format!("a fuzz corpus document must be JSON: {error}"),
            })?;
            parsed.push((name, value));
        }
        parsed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Self { documents: parsed })
    }

    /// The documents at `paths`: each a `.json` file or a folder of them
    /// (not recursive); a folder that does not exist adds nothing.
    pub fn read(paths: &[std::path::PathBuf]) -> Result<Self, Error> {
        let io = |path: &std::path::Path| {
            let path = path.display().to_string();
            move |source| Error::Io { action: "cannot read", path, source }
        };
        let mut files = Vec::new();
        for path in paths {
            if path.is_dir() {
                for entry in std::fs::read_dir(path).map_err(io(path))? {
                    let file = entry.map_err(io(path))?.path();
                    if file.extension().is_some_and(|ext| ext == "json") {
                        files.push(file);
                    }
                }
            } else if path.exists() {
                files.push(path.clone());
            }
        }
        let mut documents = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(io(&file))?;
            let name =
                file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            documents.push((name, text));
        }
        Self::new(documents)
    }

    pub fn len(&self) -> usize {
        self.documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// The documents' names, in the order cases index them.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.documents.iter().map(|(name, _)| name.as_str())
    }
}

/// How much of a document a case starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// A few methods of the document and the schemas they need: fast enough
    /// for thousands of cases in a debug build.
    Small,
    /// The whole document in half of the cases, a small part in the others.
    Whole,
}

/// One input for the generator, and how it was made.
#[derive(Clone, Debug)]
pub struct Case {
    pub seed: u64,
    pub size: Size,
    pub document: String,
    /// What was done to the document, in order, each with its JSON path.
    pub mutations: Vec<String>,
    /// Whether the case is generated with the lock of the unmutated document,
    /// as a regeneration would be.
    pub with_lock: bool,
    pub text: String,
    /// The unmutated (but possibly reduced) document, for the lock.
    pub original: String,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = match self.size {
            Size::Small => " --small",
            Size::Whole => "",
        };
        write!(
            f,
            "case {:#018x} (replay: cargo xtask fuzz --replay {:#x}{size}): {}{}, {}",
            self.seed,
            self.seed,
            self.document,
            if self.with_lock { " with its lock" } else { "" },
            self.mutations.join("; ")
        )
    }
}

/// What the generator made of a case.
#[derive(Clone, Debug)]
pub enum Verdict {
    Generated {
        warnings: usize,
    },
    Refused(String),
    /// A panic, a run slower than the limit, or output that differs between
    /// two runs of the same input: what is wrong.
    Failed(String),
}

/// The seed of case `index` of the run seeded `run_seed` (SplitMix64, so
/// neighbouring cases are unrelated).
pub fn case_seed(run_seed: u64, index: u64) -> u64 {
    let mut z = run_seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The case `seed` makes from `corpus`; `None` for an empty corpus.
pub fn case(corpus: &Corpus, seed: u64, size: Size) -> Option<Case> {
    let mut rng = Rng::with_seed(seed);
    let (name, whole) = corpus.documents.get(pick(&mut rng, corpus.documents.len())?)?;
    let mut doc = match size {
        Size::Whole if rng.bool() => whole.clone(),
        _ => reduce(whole, &mut rng),
    };
    let original = doc.to_string();
    let with_lock = rng.u8(..8) == 0;
    let mut mutations = Vec::new();
    let mut text = None;
    for _ in 0..rng.usize(1..=4) {
        // Text mutations come last: after them there is no JSON to mutate.
        if text.is_none() && rng.u8(..10) == 0 {
            let mut written = String::new();
            let duplicate = rng.bool().then(|| random_path(&doc, &mut rng, |v| v.is_object()));
            let duplicate = duplicate.flatten().and_then(|path| {
                let keys: Vec<String> = get(&doc, &path)?.as_object()?.keys().cloned().collect();
                let key = keys.get(pick(&mut rng, keys.len())?)?.clone();
                Some((path, key))
            });
            write_json(&doc, &mut Vec::new(), duplicate.as_ref(), &mut rng, &mut written);
            mutations.push(match &duplicate {
                Some((path, key)) => format!("duplicate-key {}.{key}", show(path)),
                None => "reserialized".to_owned(),
            });
            text = Some(mutate_text(written, &mut rng, &mut mutations));
            break;
        }
        mutations.push(mutate(&mut doc, &mut rng));
    }
    Some(Case {
        seed,
        size,
        document: name.clone(),
        mutations,
        with_lock,
        text: text.unwrap_or_else(|| doc.to_string()),
        original,
    })
}

/// Runs the generator on a case: a panic is caught and reported, and so is
/// a run slower than `limit` or output that differs between two runs.
pub fn run(case: &Case, limit: Duration) -> Verdict {
    let lock = if case.with_lock {
        match catch_unwind(|| gapi_generator::generate(&case.original, &Lock::default())) {
            Ok(Ok(output)) => output.lock,
            Ok(Err(_)) => Lock::default(),
            Err(panic) => {
                return Verdict::Failed(format!(
                    "panicked on the unmutated document: {}",
                    panic_message(&panic)
                ));
            }
        }
    } else {
        Lock::default()
    };
    let started = Instant::now();
    let first = catch_unwind(AssertUnwindSafe(|| gapi_generator::generate(&case.text, &lock)));
    let elapsed = started.elapsed();
    let verdict = match &first {
        Ok(Ok(output)) => Verdict::Generated { warnings: output.warnings.len() },
        Ok(Err(error)) => Verdict::Refused(error.to_string()),
        Err(panic) => return Verdict::Failed(format!("panicked: {}", panic_message(panic))),
    };
    if elapsed > limit {
        return Verdict::Failed(format!("took {elapsed:?}, more than {limit:?}"));
    }
    // Same input, same bytes: checked on one case in sixteen.
    if case.seed % 16 == 0 {
        let again = catch_unwind(AssertUnwindSafe(|| gapi_generator::generate(&case.text, &lock)));
        let same = match (&first, &again) {
            (Ok(Ok(a)), Ok(Ok(b))) => a.sources == b.sources && a.lock == b.lock,
            (Ok(Err(a)), Ok(Err(b))) => a.to_string() == b.to_string(),
            _ => false,
        };
        if !same {
            return Verdict::Failed("a second run of the same input gave another result".into());
        }
    }
    verdict
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// Counts of a run, for its summary.
#[derive(Debug, Default)]
pub struct Tally {
    pub cases: u64,
    pub generated: u64,
    pub refused: u64,
    pub warned: u64,
    pub failures: Vec<(Case, String)>,
    /// How often each kind of mutation was applied (`delete-key`, ...).
    pub mutations: BTreeMap<String, u64>,
}

impl Tally {
    pub fn add(&mut self, case: &Case, verdict: Verdict) {
        self.cases += 1;
        for mutation in &case.mutations {
            let kind = mutation.split(' ').next().unwrap_or_default().to_owned();
            *self.mutations.entry(kind).or_default() += 1;
        }
        match verdict {
            Verdict::Generated { warnings } => {
                self.generated += 1;
                self.warned += u64::from(warnings > 0);
            }
            Verdict::Refused(_) => self.refused += 1,
            Verdict::Failed(what) => self.failures.push((case.clone(), what)),
        }
    }
}

impl Tally {
    /// Adds the counts of another part of the run.
    pub fn merge(&mut self, other: Tally) {
        self.cases += other.cases;
        self.generated += other.generated;
        self.refused += other.refused;
        self.warned += other.warned;
        self.failures.extend(other.failures);
        for (kind, count) in other.mutations {
            *self.mutations.entry(kind).or_default() += count;
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} cases: {} generated ({} with warnings), {} refused with an error, {} failed",
            self.cases,
            self.generated,
            self.warned,
            self.refused,
            self.failures.len()
        )?;
        let kinds: Vec<String> =
            self.mutations.iter().map(|(kind, count)| format!("{kind} {count}")).collect();
        write!(f, "mutations: {}", kinds.join(", "))?;
        for (case, what) in &self.failures {
            write!(f, "\nFAILED {case}\n  {what}")?;
        }
        Ok(())
    }
}

fn pick(rng: &mut Rng, len: usize) -> Option<usize> {
    (len > 0).then(|| rng.usize(..len))
}

/// A hostile name, or one a call's builder methods and emitted locals take
/// (the generator's own list: parameters named like them must be renamed).
fn pick_hostile(rng: &mut Rng) -> Option<&'static str> {
    let reserved = reserved_argument_names();
    let names: Vec<&'static str> = HOSTILE_NAMES.iter().copied().chain(reserved).collect();
    pick_from(rng, &names).copied()
}

fn pick_from<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    items.get(pick(rng, items.len())?)
}

// ---- reducing a document -------------------------------------------------

/// A document with up to two of its methods (in their resources, with at most
/// six query parameters) and the
/// schemas they need, up to five of at most eight properties, and in half the cases without its standard
/// parameters; a `$ref` to a schema left out becomes a
/// string, so that the reduced document is as valid as the whole one.
fn reduce(doc: &Value, rng: &mut Rng) -> Value {
    let Some(object) = doc.as_object() else { return doc.clone() };
    let mut methods = Vec::new();
    collect_methods(doc, &mut Vec::new(), &mut methods);
    let mut out: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "schemas" | "resources" | "methods"))
        // Every call has a setter per standard parameter: half the cases go without.
        .filter(|(key, _)| key.as_str() != "parameters" || rng.bool())
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let mut wanted = BTreeSet::new();
    let mut reduced = Value::Object(Map::new());
    for _ in 0..rng.usize(0..=2) {
        let Some(path) = pick_from(rng, &methods) else { break };
        if let Some(method) = get(doc, path) {
            let mut method = method.clone();
            trim_query_parameters(&mut method, rng);
            refs(&method, &mut wanted);
            set(&mut reduced, path, method);
        }
    }
    if let Value::Object(reduced) = reduced {
        out.extend(reduced);
    }
    let schemas = object.get("schemas").and_then(Value::as_object);
    if let Some(schemas) = schemas {
        let names: Vec<&String> = schemas.keys().collect();
        for _ in 0..rng.usize(0..=2) {
            if let Some(name) = pick_from(rng, &names) {
                wanted.insert((*name).clone());
            }
        }
        let mut kept = Map::new();
        let mut queue: Vec<String> = wanted.into_iter().collect();
        while let Some(name) = queue.pop() {
            if kept.len() >= 5 || kept.contains_key(&name) {
                continue;
            }
            if let Some(schema) = schemas.get(&name) {
                let mut schema = schema.clone();
                trim_properties(&mut schema, rng);
                let mut more = BTreeSet::new();
                refs(&schema, &mut more);
                queue.extend(more);
                kept.insert(name, schema);
            }
        }
        let known: BTreeSet<String> = kept.keys().cloned().collect();
        let mut kept = Value::Object(kept);
        let mut methods_part = out.remove("resources").unwrap_or(Value::Null);
        let mut top_methods = out.remove("methods").unwrap_or(Value::Null);
        for value in [&mut kept, &mut methods_part, &mut top_methods] {
            cut_dangling(value, &known);
        }
        out.insert("schemas".into(), kept);
        for (key, value) in [("resources", methods_part), ("methods", top_methods)] {
            if !value.is_null() {
                out.insert(key.into(), value);
            }
        }
    }
    Value::Object(out)
}

/// Keeps at most eight properties of every object in `value`, chosen at random.
fn trim_properties(value: &mut Value, rng: &mut Rng) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                while properties.len() > 8 {
                    let keys: Vec<String> = properties.keys().cloned().collect();
                    let Some(key) = pick_from(rng, &keys) else { break };
                    properties.remove(key);
                }
            }
            object.values_mut().for_each(|value| trim_properties(value, rng));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| trim_properties(item, rng)),
        _ => {}
    }
}

/// Keeps at most six of a method's optional query parameters (path parameters
/// and those `parameterOrder` names stay).
fn trim_query_parameters(method: &mut Value, rng: &mut Rng) {
    let ordered: BTreeSet<String> = match method.get("parameterOrder") {
        Some(Value::Array(names)) => {
            names.iter().filter_map(Value::as_str).map(str::to_owned).collect()
        }
        _ => BTreeSet::new(),
    };
    let Some(Value::Object(parameters)) = method.get_mut("parameters") else { return };
    loop {
        let query: Vec<String> = parameters
            .iter()
            .filter(|(key, param)| {
                param.get("location") != Some(&json!("path")) && !ordered.contains(*key)
            })
            .map(|(key, _)| key.clone())
            .collect();
        if query.len() <= 6 {
            break;
        }
        let Some(key) = pick_from(rng, &query) else { break };
        parameters.remove(key);
    }
}

type Path = Vec<Seg>;

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn show(path: &[Seg]) -> String {
    let mut out = "$".to_owned();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Seg::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

fn collect_methods(doc: &Value, at: &mut Path, out: &mut Vec<Path>) {
    let Some(object) = doc.as_object() else { return };
    if let Some(methods) = object.get("methods").and_then(Value::as_object) {
        for name in methods.keys() {
            let mut path = at.clone();
            path.extend([Seg::Key("methods".into()), Seg::Key(name.clone())]);
            out.push(path);
        }
    }
    if let Some(resources) = object.get("resources").and_then(Value::as_object) {
        for (name, resource) in resources {
            at.extend([Seg::Key("resources".into()), Seg::Key(name.clone())]);
            collect_methods(resource, at, out);
            at.truncate(at.len().saturating_sub(2));
        }
    }
}

/// Every schema name a `$ref` in `value` names.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("$ref", Value::String(name)) => {
                        out.insert(name.clone());
                    }
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

fn cut_dangling(value: &mut Value, known: &BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            let dangling =
                matches!(object.get("$ref"), Some(Value::String(name)) if !known.contains(name));
            if dangling {
                object.remove("$ref");
                object.insert("type".into(), json!("string"));
            }
            object.values_mut().for_each(|value| cut_dangling(value, known));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| cut_dangling(item, known)),
        _ => {}
    }
}

// ---- paths into a value ----------------------------------------------------

fn get<'a>(value: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, seg| match seg {
        Seg::Key(key) => value.get(key),
        Seg::Index(index) => value.get(index),
    })
}

fn get_mut<'a>(value: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |value, seg| match seg {
        Seg::Key(key) => value.get_mut(key),
        Seg::Index(index) => value.get_mut(index),
    })
}

/// Puts `new` at `path`, making the objects on the way.
fn set(root: &mut Value, path: &[Seg], new: Value) {
    let mut value = root;
    for seg in path {
        let Seg::Key(key) = seg else { return };
        if !value.is_object() {
            *value = Value::Object(Map::new());
        }
        let Value::Object(object) = value else { return };
        value = object.entry(key.clone()).or_insert(Value::Null);
    }
    *value = new;
}

/// A random node for which `accept` holds, found by a walk that visits each
/// node once (reservoir sampling).
fn random_path(root: &Value, rng: &mut Rng, accept: impl Fn(&Value) -> bool) -> Option<Path> {
    let mut chosen = None;
    let mut seen = 0u64;
    let mut stack: Vec<(Path, &Value)> = vec![(Vec::new(), root)];
    while let Some((path, value)) = stack.pop() {
        if accept(value) {
            seen += 1;
            if rng.u64(..seen) == 0 {
                chosen = Some(path.clone());
            }
        }
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    let mut child_path = path.clone();
                    child_path.push(Seg::Key(key.clone()));
                    stack.push((child_path, child));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let mut child_path = path.clone();
                    child_path.push(Seg::Index(index));
                    stack.push((child_path, child));
                }
            }
            _ => {}
        }
    }
    chosen
}

/// A path to a random name map: `schemas`, `properties`, `parameters`,
/// `methods`, `resources`, `scopes`.
fn random_name_map(doc: &Value, rng: &mut Rng) -> Option<Path> {
    let mut found = None;
    let mut seen = 0u64;
    let mut stack: Vec<(Path, &Value)> = vec![(Vec::new(), doc)];
    while let Some((path, value)) = stack.pop() {
        let Value::Object(object) = value else { continue };
        let is_name_map = matches!(
            path.last(),
            Some(Seg::Key(key)) if matches!(key.as_str(), "schemas" | "properties" | "parameters" | "methods" | "resources" | "scopes")
        ) && !object.is_empty();
        if is_name_map {
            seen += 1;
            if rng.u64(..seen) == 0 {
                found = Some(path.clone());
            }
        }
        for (key, child) in object {
            let mut child_path = path.clone();
            child_path.push(Seg::Key(key.clone()));
            stack.push((child_path, child));
        }
    }
    found
}

// ---- mutations -----------------------------------------------------------------

/// Applies one random mutation to `doc`; says what it did, with the path.
fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let outcome = match rng.u8(..12) {
        0 => delete_key(doc, rng),
        1 => wrong_type(doc, rng),
        2 => ref_missing(doc, rng),
        3 => ref_self(doc, rng),
        4 | 5 => hostile_name(doc, rng),
        6 => case_collision(doc, rng),
        7 => builder_collision(doc, rng),
        8 => hostile_enum(doc, rng),
        9 => inline_body(doc, rng),
        10 => deep_nesting(doc, rng),
        _ => top_level(doc, rng),
    };
    outcome.unwrap_or_else(|| "none (nothing to mutate)".to_owned())
}

fn delete_key(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = random_path(doc, rng, |value| value.as_object().is_some_and(|o| !o.is_empty()))?;
    let object = get_mut(doc, &path)?.as_object_mut()?;
    let keys: Vec<String> = object.keys().cloned().collect();
    let key = pick_from(rng, &keys)?.clone();
    object.remove(&key);
    Some(format!("delete-key {}.{key}", show(&path)))
}

fn wrong_type(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = random_path(doc, rng, |_| true)?;
    let replacements = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1e300),
        json!(18446744073709551615u64),
        json!(""),
        json!("x"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"type": "object"}),
    ];
    let node = get_mut(doc, &path)?;
    let new = pick_from(rng, &replacements)?.clone();
    let old_kind = kind(node);
    *node = new;
    Some(format!("wrong-type {} ({old_kind} -> {})", show(&path), kind(node)))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn ref_missing(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = random_path(doc, rng, |value| value.get("$ref").is_some())
        .or_else(|| random_path(doc, rng, Value::is_object))?;
    let node = get_mut(doc, &path)?.as_object_mut()?;
    let target = pick_from(rng, &["NoSuchSchema", "", "#/schemas/x", "$ref"])?;
    node.insert("$ref".into(), json!(target));
    Some(format!("ref-missing {} -> {target:?}", show(&path)))
}

fn ref_self(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let names: Vec<String> = doc.get("schemas")?.as_object()?.keys().cloned().collect();
    let name = pick_from(rng, &names)?.clone();
    let schemas = doc.get_mut("schemas")?.as_object_mut()?;
    match rng.u8(..4) {
        0 => {
            schemas.insert(name.clone(), json!({"$ref": name}));
            Some(format!("ref-self $.schemas.{name} is {{\"$ref\": {name:?}}}"))
        }
        1 => {
            let other = pick_from(rng, &names)?.clone();
            schemas.insert(name.clone(), json!({"$ref": other}));
            schemas.insert(other.clone(), json!({"type": "array", "items": {"$ref": name}}));
            Some(format!("ref-self $.schemas.{name} -> {other} -> [{name}]"))
        }
        2 => {
            let schema = schemas.get_mut(&name)?.as_object_mut()?;
            let properties = schema.entry("properties").or_insert_with(|| json!({}));
            properties.as_object_mut()?.insert("me".into(), json!({"$ref": name}));
            Some(format!("ref-self $.schemas.{name}.properties.me"))
        }
        _ => {
            schemas.insert(
                name.clone(),
                json!({"type": "object", "additionalProperties": {"$ref": name}}),
            );
            Some(format!("ref-self $.schemas.{name} is a map of itself"))
        }
    }
}

fn hostile_name(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = random_name_map(doc, rng)?;
    let map = get_mut(doc, &path)?.as_object_mut()?;
    let keys: Vec<String> = map.keys().cloned().collect();
    let old = pick_from(rng, &keys)?.clone();
    let new = match rng.u8(..8) {
        0 => "a".repeat(rng.usize(200..400)),
        1 => format!("{old}{}", pick_hostile(rng)?),
        _ => pick_hostile(rng)?.to_owned(),
    };
    let value = map.remove(&old)?;
    map.insert(new.clone(), value);
    // A renamed method keeps its id and path: they name it as before.
    Some(format!("hostile-name {}.{old} -> {new:?}", show(&path)))
}

/// Spellings that the case conversions make equal (`fooBar`, `foo_bar`,
/// `FooBar`, `FOO_BAR`, `foo-bar`, `foo.bar`).
fn case_collision(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = random_name_map(doc, rng)?;
    let map = get_mut(doc, &path)?.as_object_mut()?;
    let keys: Vec<String> = map.keys().cloned().collect();
    let key = pick_from(rng, &keys)?.clone();
    let snake = heck::ToSnakeCase::to_snake_case(key.as_str());
    let spellings = [
        snake.clone(),
        heck::ToUpperCamelCase::to_upper_camel_case(key.as_str()),
        heck::ToLowerCamelCase::to_lower_camel_case(key.as_str()),
        heck::ToShoutySnakeCase::to_shouty_snake_case(key.as_str()),
        snake.replace('_', "-"),
        snake.replace('_', "."),
        format!("{snake}_"),
        format!("_{snake}"),
        format!("{key}2"),
    ];
    let new = pick_from(rng, &spellings)?.clone();
    let value = map.get(&key)?.clone();
    map.insert(new.clone(), value);
    Some(format!("case-collision {}.{key} also as {new:?}", show(&path)))
}

fn builder_collision(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let mut methods = Vec::new();
    collect_methods(doc, &mut Vec::new(), &mut methods);
    let name = *pick_from(rng, &reserved_argument_names())?;
    if let Some(path) = pick_from(rng, &methods) {
        let method = get_mut(doc, path)?.as_object_mut()?;
        let params = method.entry("parameters").or_insert_with(|| json!({}));
        params.as_object_mut()?.insert(name.into(), json!({"type": "string", "location": "query"}));
        return Some(format!("builder-collision {}.parameters.{name}", show(path)));
    }
    let path =
        random_path(doc, rng, |value| value.get("properties").is_some_and(Value::is_object))?;
    let properties = get_mut(doc, &path)?.get_mut("properties")?.as_object_mut()?;
    properties.insert(name.into(), json!({"type": "string"}));
    Some(format!("builder-collision {}.properties.{name}", show(&path)))
}

fn hostile_enum(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = random_path(doc, rng, |value| value.get("enum").is_some_and(Value::is_array))
        .or_else(|| random_path(doc, rng, |value| value.get("type") == Some(&json!("string"))))?;
    let node = get_mut(doc, &path)?.as_object_mut()?;
    let mut values: Vec<Value> =
        node.get("enum").and_then(Value::as_array).cloned().unwrap_or_default();
    let count = rng.usize(1..=3);
    let mut added = Vec::new();
    for _ in 0..count {
        let value = match rng.u8(..4) {
            0 => values.get(pick(rng, values.len()).unwrap_or(0)).cloned().unwrap_or(json!("A")),
            1 => json!(format!("{}_X", pick_hostile(rng)?)),
            _ => json!(pick_hostile(rng)?),
        };
        added.push(value.to_string());
        values.push(value);
    }
    node.insert("enum".into(), Value::Array(values));
    Some(format!("hostile-enum {}.enum + {}", show(&path), added.join(", ")))
}

fn inline_body(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let mut methods = Vec::new();
    collect_methods(doc, &mut Vec::new(), &mut methods);
    let path = pick_from(rng, &methods)?.clone();
    let schemas: Vec<Value> = doc
        .get("schemas")
        .and_then(Value::as_object)
        .map(|s| s.values().cloned().collect())
        .unwrap_or_default();
    let bodies = [
        json!({"type": "object", "additionalProperties": {"type": "any"}}),
        json!({"type": "object"}),
        json!({"type": "string"}),
        json!({"type": "array", "items": {"type": "object", "properties": {"a": {"type": "string"}}}}),
        json!({"type": "string", "enum": ["A", "B"]}),
        json!({}),
    ];
    let body = match pick_from(rng, &schemas) {
        Some(schema) if rng.bool() => schema.clone(),
        _ => pick_from(rng, &bodies)?.clone(),
    };
    let role = if rng.bool() { "request" } else { "response" };
    get_mut(doc, &path)?.as_object_mut()?.insert(role.into(), body);
    Some(format!("inline-body {}.{role}", show(&path)))
}

fn deep_nesting(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let path = random_path(doc, rng, |value| value.get("type").is_some())?;
    let depth = rng.usize(20..140);
    let node = get_mut(doc, &path)?;
    let mut nested = node.clone();
    // Objects are few: each is a struct of its own to print.
    for level in 0..depth {
        nested = if level % 16 == 15 {
            json!({"type": "object", "properties": {"p": nested}})
        } else if level % 2 == 1 {
            json!({"type": "object", "additionalProperties": nested})
        } else {
            json!({"type": "array", "items": nested})
        };
    }
    *node = nested;
    Some(format!("deep-nesting {} {depth} levels", show(&path)))
}

fn top_level(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let object = doc.as_object_mut()?;
    let keys = [
        "rootUrl",
        "baseUrl",
        "servicePath",
        "resources",
        "methods",
        "name",
        "version",
        "parameters",
        "auth",
        "schemas",
    ];
    let key = *pick_from(rng, &keys)?;
    if rng.bool() {
        object.remove(key);
        Some(format!("top-level delete $.{key}"))
    } else {
        let value = pick_from(
            rng,
            &[json!(""), json!("a b/c"), json!("https://x.example/"), json!({}), json!(null)],
        )?
        .clone();
        object.insert(key.into(), value.clone());
        Some(format!("top-level $.{key} = {value}"))
    }
}

// ---- text --------------------------------------------------------------------

/// Compact JSON of `value`; the object at `duplicate.0` gets key `duplicate.1`
/// twice, first with a random earlier value.
fn write_json(
    value: &Value,
    at: &mut Path,
    duplicate: Option<&(Path, String)>,
    rng: &mut Rng,
    out: &mut String,
) {
    match value {
        Value::Object(object) => {
            out.push('{');
            let here = duplicate.filter(|(path, _)| same_path(path, at));
            let mut first = true;
            for (key, child) in object {
                if !first {
                    out.push(',');
                }
                first = false;
                if here.is_some_and(|(_, dup)| dup == key) {
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    out.push_str(if rng.bool() { "{}" } else { "null" });
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                at.push(Seg::Key(key.clone()));
                write_json(child, at, duplicate, rng, out);
                at.pop();
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                at.push(Seg::Index(index));
                write_json(item, at, duplicate, rng, out);
                at.pop();
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn same_path(a: &[Seg], b: &[Seg]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (Seg::Key(x), Seg::Key(y)) => x == y,
            (Seg::Index(x), Seg::Index(y)) => x == y,
            _ => false,
        })
}

/// Truncates the text or corrupts a few of its characters (or neither: the
/// text is then only reserialized, perhaps with a duplicated key).
fn mutate_text(text: String, rng: &mut Rng, mutations: &mut Vec<String>) -> String {
    let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
    match rng.u8(..3) {
        0 => {
            let Some(&cut) = pick_from(rng, &boundaries) else { return text };
            mutations.push(format!("truncate at byte {cut} of {}", text.len()));
            text[..cut].to_owned()
        }
        1 => {
            let mut chars: Vec<char> = text.chars().collect();
            let mut changed = Vec::new();
            for _ in 0..rng.usize(1..=8) {
                let Some(index) = pick(rng, chars.len()) else { break };
                let replacement = *pick_from(
                    rng,
                    &[
                        '{', '}', '[', ']', '"', ',', ':', '\\', '0', 'a', ' ', '\u{0}', 'é',
                        '\u{fffd}',
                    ],
                )
                .unwrap_or(&'x');
                if let Some(char) = chars.get_mut(index) {
                    *char = replacement;
                    changed.push(index);
                }
            }
            mutations.push(format!("corrupt chars at {changed:?}"));
            chars.into_iter().collect()
        }
        _ => text,
    }
}
