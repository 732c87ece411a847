//! The recorded surface is what was emitted: for every corner-case and corpus
//! document, the items `api.surface.txt` lists are exactly the public items
//! `syn` finds in the generated sources (less the few every crate has, which
//! the surface leaves out on purpose).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::generate;

/// Every public item of the generated sources, spelled as surface paths.
fn public_items(sources: &[gapi_generator::SourceFile]) -> BTreeSet<String> {
    let mut items = BTreeSet::new();
    for source in sources {
        let module = source.path.trim_end_matches(".rs");
        let file = syn::parse_file(&source.contents).expect("generated sources parse");
        for item in &file.items {
            public_item(module, item, &mut items);
        }
    }
    items
}

fn is_public(visibility: &syn::Visibility) -> bool {
    matches!(visibility, syn::Visibility::Public(_))
}

fn unraw(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

fn public_item(module: &str, item: &syn::Item, items: &mut BTreeSet<String>) {
    match item {
        syn::Item::Mod(inner) if module == "lib" && inner.ident == "scopes" => {
            for constant in inner.content.iter().flat_map(|(_, items)| items) {
                if let syn::Item::Const(constant) = constant {
                    items.insert(format!("scopes::{}", constant.ident));
                }
            }
        }
        syn::Item::Struct(def) if is_public(&def.vis) && module != "lib" => {
            let path = format!("{module}::{}", def.ident);
            for field in def.fields.iter().filter(|field| is_public(&field.vis)) {
                if let Some(name) = &field.ident {
                    items.insert(format!("{path}::{}", unraw(name)));
                }
            }
            items.insert(path);
        }
        syn::Item::Enum(def) if is_public(&def.vis) => {
            let path = format!("{module}::{}", def.ident);
            for variant in &def.variants {
                items.insert(format!("{path}::{}", variant.ident));
            }
            items.insert(path);
        }
        syn::Item::Type(alias) if is_public(&alias.vis) => {
            items.insert(format!("{module}::{}", alias.ident));
        }
        syn::Item::Impl(block) => {
            let syn::Type::Path(self_type) = &*block.self_ty else { return };
            let Some(owner) = self_type.path.segments.last() else { return };
            let path = format!("{module}::{}", owner.ident);
            match &block.trait_ {
                Some((_, name, _)) => {
                    // The runtime's traits a user calls through: the call options,
                    // and adding a call to a batch.
                    if let Some(last) = name.segments.last()
                        && ["CallOptions", "Batchable"].iter().any(|known| last.ident == known)
                    {
                        items.insert(format!("{path}: {}", last.ident));
                    }
                }
                None => {
                    for member in &block.items {
                        if let syn::ImplItem::Fn(function) = member
                            && is_public(&function.vis)
                        {
                            items.insert(format!("{path}::{}()", unraw(&function.sig.ident)));
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// What every generated crate has and the surface leaves out: the service's
/// constructors, and the per-kind helpers of enums (`as_str`, `ALL`).
fn leaves_out(path: &str, service: &str) -> bool {
    [
        format!("api::{service}::new()"),
        format!("api::{service}::from_client()"),
        format!("api::{service}::client()"),
    ]
    .contains(&path.to_owned())
        || path.ends_with("::as_str()")
}

fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = Vec::new();
    for dir in [root.join("generator/tests/corner-cases"), root.join("../shared/discovery/corpus")]
    {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| panic!("{dir:?}: {error}"));
        paths.extend(
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json")),
        );
    }
    paths.push(root.join("discovery/people.v1.json"));
    paths.sort();
    paths
}

#[test]
fn the_recorded_surface_lists_exactly_the_public_items_emitted() {
    for path in documents() {
        let text = std::fs::read_to_string(&path).expect("a document");
        let output = generate(&text).unwrap_or_else(|error| panic!("{path:?}: {error}"));
        let service = output
            .surface
            .iter()
            .find(|(_, item)| item.kind == "struct" && item.group == "service")
            .map(|(path, _)| path.trim_start_matches("api::").to_owned())
            .unwrap_or_default();
        let recorded: BTreeSet<String> = output
            .surface
            .iter()
            .filter(|(_, item)| item.kind != "behaviour")
            .map(|(path, _)| path.clone())
            .collect();
        let emitted: BTreeSet<String> = public_items(&output.sources)
            .into_iter()
            .filter(|path| !leaves_out(path, &service))
            .collect();
        let unrecorded: Vec<&String> = emitted.difference(&recorded).collect();
        let not_emitted: Vec<&String> = recorded.difference(&emitted).collect();
        assert!(
            unrecorded.is_empty() && not_emitted.is_empty(),
            "{path:?}: emitted but not recorded {unrecorded:#?}; recorded but not emitted {not_emitted:#?}"
        );
    }
}
