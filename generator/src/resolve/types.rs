//! Schemas into types: named schemas first (so forward and cyclic `$ref`s
//! resolve), then the objects and enums found inline, then the variants of
//! every enum, then boxing to break recursion. Every name and shape decision
//! starts from the earlier generation's [`Lock`], so that what a document
//! adds never renames, retypes or re-boxes what it already had.

use std::collections::{BTreeMap, BTreeSet};

use super::ir::{
    AliasDef, Derived, EnumDef, Field, FieldPath, FieldPathsDef, Limit, StructDef, Ty, TypeDef,
    TypeId, Variant, Wrapping,
};
use super::lock::Lock;
use super::names::{Namespace, camel_case_of, camel_ident, snake_ident, type_name};
use super::prose;
use crate::error::Error;
use crate::load::model::{Document, Schema};

/// Builds the type table; type names are claimed in one namespace shared
/// with the method side.
pub struct TypeTable<'a> {
    types: Vec<Option<TypeDef>>,
    schema_ids: BTreeMap<String, TypeId>,
    /// The earlier generation's decisions, and this one's.
    prior: &'a Lock,
    decided: Lock,
    /// Inline enums by the place they appear (`$.schemas.Person.properties.x`)
    /// and by shared value prefix (`prefix READ_SOURCE_TYPE`): their type names.
    enum_names: Namespace,
    /// Enums by type name: every place with that name is one type, and its
    /// variants are the values of all of them.
    enums_by_name: BTreeMap<String, TypeId>,
    /// The values each enum gathers, named as variants in `finish`.
    enum_values: BTreeMap<TypeId, Vec<EnumValue>>,
    /// Field-path types by the struct whose fields they list; their paths
    /// grow with every mask that names them and become variants in `finish`.
    field_paths: BTreeMap<TypeId, GatheredPaths>,
}

#[derive(Default)]
struct GatheredPaths {
    id: TypeId,
    paths: BTreeSet<String>,
    used_by: BTreeSet<String>,
}

/// One enum value as a place documents it.
struct EnumValue {
    wire: String,
    doc: Option<String>,
    deprecated: bool,
}

/// Where a schema sits: its JSON path and the type name its inline types derive from.
#[derive(Clone)]
pub struct Context {
    pub path: String,
    pub name: String,
}

impl Context {
    fn child(&self, path: &str, name: &str) -> Self {
        Self { path: format!("{}.{path}", self.path), name: format!("{}{name}", self.name) }
    }
}

impl<'a> TypeTable<'a> {
    /// Reserves a type for every named schema, then converts them all.
    pub fn build(doc: &Document, prior: &'a Lock, names: &mut Namespace) -> Result<Self, Error> {
        let enum_names = Namespace::new("enums", prior);
        if let Some(recorded) = prior.names_in("enums") {
            names.reserve_all(recorded.values());
        }
        let mut table = Self {
            types: Vec::new(),
            schema_ids: BTreeMap::new(),
            prior,
            decided: Lock::default(),
            enum_names,
            enums_by_name: BTreeMap::new(),
            enum_values: BTreeMap::new(),
            field_paths: BTreeMap::new(),
        };
        for key in doc.schemas.keys() {
            table.schema_ids.insert(key.clone(), table.types.len());
            table.types.push(None);
        }
        let claimed: Vec<String> = doc
            .schemas
            .keys()
            .map(|key| names.claim(&format!("$.schemas.{key}"), type_name(key), false))
            .collect();
        for ((key, schema), name) in doc.schemas.iter().zip(claimed) {
            let id = table.schema_ids[key];
            let context = Context { path: format!("$.schemas.{key}"), name: name.clone() };
            let def = table.named_def(schema, name, id, &context, names)?;
            table.types[id] = Some(def);
        }
        table.refuse_alias_cycles()?;
        table.type_body_masks(names);
        Ok(table)
    }

    /// A named schema that is nothing but a `$ref` to itself, or to an alias
    /// that leads back to it (directly or as an array's items or a map's
    /// values), has no type: no struct or enum on the cycle holds it. It is an
    /// error naming the schemas on the cycle, found without recursion in one
    /// pass over the aliases.
    fn refuse_alias_cycles(&self) -> Result<(), Error> {
        // The aliases an alias names, at the top or inside arrays and maps.
        let alias_targets = |id: TypeId| {
            let mut ty = match self.types.get(id) {
                Some(Some(TypeDef::Alias(alias))) => &alias.ty,
                _ => return None,
            };
            while let Ty::Array(inner) | Ty::Map(inner) = ty {
                ty = inner;
            }
            match ty {
                Ty::Named(target) => match self.types.get(*target) {
                    Some(Some(TypeDef::Alias(_))) => Some(*target),
                    _ => None,
                },
                _ => None,
            }
        };
        let keys: BTreeMap<TypeId, &String> =
            self.schema_ids.iter().map(|(key, id)| (*id, key)).collect();
        // Each alias leads to at most one other: walk each chain once, marking
        // it with the walk that reached it; meeting the current walk's mark
        // again is a cycle, meeting an earlier walk's is a chain known to end.
        let mut walked: BTreeMap<TypeId, usize> = BTreeMap::new();
        for (walk, &start) in keys.keys().enumerate() {
            let mut chain = Vec::new();
            let mut current = Some(start);
            while let Some(id) = current {
                match walked.get(&id) {
                    Some(&mark) if mark == walk => {
                        let from = chain.iter().position(|on| *on == id).unwrap_or(0);
                        let cycle: Vec<&str> = chain[from..]
                            .iter()
                            .chain([&id])
                            .map(|id| keys.get(id).map_or("(inline)", |key| key.as_str()))
                            .collect();
                        let key = cycle.first().copied().unwrap_or_default();
                        return Err(Error::invalid(
                            format!("$.schemas.{key}"),
                            format!(
                                "schema `{key}` is an alias of itself ({}): a cycle of `$ref`s \
                                 without an object or enum on it has no type",
                                cycle.join(" -> ")
                            ),
                        ));
                    }
                    Some(_) => break,
                    None => {
                        walked.insert(id, walk);
                        chain.push(id);
                        current = alias_targets(id);
                    }
                }
            }
        }
        Ok(())
    }

    /// The earlier generation's decisions.
    pub fn prior(&self) -> &'a Lock {
        self.prior
    }

    /// This generation's decisions so far, for the method side to add to.
    pub fn decided(&mut self) -> &mut Lock {
        &mut self.decided
    }

    /// Types the mask fields of request bodies (`readMask` of
    /// `BatchCreateContactsRequest`) once every struct is known.
    fn type_body_masks(&mut self, names: &mut Namespace) {
        let mut masks = Vec::new();
        for (id, def) in self.types.iter().enumerate() {
            if let Some(TypeDef::Struct(def)) = def {
                for (index, field) in def.fields.iter().enumerate() {
                    if let (Ty::FieldMask, Some(doc)) = (&field.ty, &field.doc) {
                        let key = format!("{}.properties.{}", def.origin, field.wire_name);
                        masks.push((id, index, doc.clone(), field.wire_name.clone(), key));
                    }
                }
            }
        }
        for (id, index, doc, wire, key) in masks {
            let Some(paths) = self.typed_mask(&doc, &wire, &key, names) else { continue };
            if let Some(Some(TypeDef::Struct(def))) = self.types.get_mut(id) {
                if let Some(field) = def.fields.get_mut(index) {
                    field.ty = Ty::FieldMaskOf(paths);
                }
            }
        }
    }

    /// The field-path type of a mask whose description lists its valid paths,
    /// when they are all fields of one struct (`personFields` lists
    /// `Person`'s: `PersonField`); `None` leaves the mask as text. The struct
    /// the lock recorded for the mask (`key`, its JSON path) keeps it while it
    /// has every path, so that a new schema with the same fields cannot make
    /// the choice ambiguous; otherwise exactly one struct must have them all.
    pub fn typed_mask(
        &mut self,
        description: &str,
        user: &str,
        key: &str,
        names: &mut Namespace,
    ) -> Option<TypeId> {
        let paths = documented_paths(description);
        if paths.is_empty() {
            return None;
        }
        let owns_all = |def: &StructDef| {
            paths.iter().all(|path| def.fields.iter().any(|field| field.wire_name == *path))
        };
        let structs = || {
            self.types.iter().enumerate().filter_map(|(id, def)| match def {
                Some(TypeDef::Struct(def)) if owns_all(def) => Some((id, def)),
                _ => None,
            })
        };
        let recorded = self.prior.masks.get(key);
        let owner = match structs().find(|(_, def)| Some(&def.origin) == recorded) {
            Some(owner) => Some(owner),
            None => {
                let mut owners = structs();
                match (owners.next(), owners.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            }
        };
        let (schema, struct_name, origin) =
            owner.map(|(id, def)| (id, def.name.clone(), def.origin.clone()))?;
        self.decided.masks.insert(key.to_owned(), origin.clone());
        let gathered = match self.field_paths.get_mut(&schema) {
            Some(gathered) => gathered,
            None => {
                let name =
                    names.claim(&format!("{origin}#paths"), format!("{struct_name}Field"), false);
                let id = self.push(TypeDef::FieldPaths(FieldPathsDef {
                    name,
                    schema,
                    paths: Vec::new(),
                    used_by: Vec::new(),
                }));
                self.field_paths.entry(schema).or_insert(GatheredPaths { id, ..Default::default() })
            }
        };
        gathered.paths.extend(paths);
        gathered.used_by.insert(user.to_owned());
        Some(gathered.id)
    }

    /// The type of a `$ref`, or an error naming the dangling reference.
    pub fn reference(&self, reference: &str, path: &str) -> Result<TypeId, Error> {
        self.schema_ids.get(reference).copied().ok_or_else(|| {
            Error::invalid(
                path,
                format!("`$ref` names schema `{reference}`, which the document does not define"),
            )
        })
    }

    /// The type of a method's request or response body: the named schema a
    /// `$ref` names or, for a schema given inline, a type of its own named
    /// after the call (`ThingsGetRequest`), its name kept by the lock under
    /// the body's JSON path (`context.path`) like any inline type's.
    pub fn body(
        &mut self,
        schema: &Schema,
        context: &Context,
        names: &mut Namespace,
    ) -> Result<TypeId, Error> {
        if let Some(reference) = &schema.reference {
            return self.reference(reference, &format!("{}.$ref", context.path));
        }
        let name = names.claim(&context.path, type_name(&context.name), false);
        let id = self.types.len();
        self.types.push(None);
        let def = self.named_def(schema, name, id, context, names)?;
        self.types[id] = Some(def);
        Ok(id)
    }

    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(id).and_then(Option::as_ref)
    }

    fn named_def(
        &mut self,
        schema: &Schema,
        name: String,
        id: TypeId,
        context: &Context,
        names: &mut Namespace,
    ) -> Result<TypeDef, Error> {
        if let Some(values) = &schema.enum_values {
            self.enum_values.insert(id, enum_values(schema, values));
            return Ok(TypeDef::Enum(enum_def(name, schema.description.clone(), &context.path)));
        }
        if is_object(schema) && schema.additional_properties.is_none() {
            return self.struct_def(schema, name, context, names).map(TypeDef::Struct);
        }
        let ty = self.convert(schema, context, names)?;
        Ok(TypeDef::Alias(AliasDef { name, doc: schema.description.clone(), ty }))
    }

    fn struct_def(
        &mut self,
        schema: &Schema,
        name: String,
        context: &Context,
        names: &mut Namespace,
    ) -> Result<StructDef, Error> {
        // Names that convert back exactly claim first, so `type` keeps `r#type` over `@type`.
        let properties: Vec<(&String, &Schema)> = schema.properties.iter().flatten().collect();
        let mut field_names = Namespace::new(format!("fields {}", context.path), self.prior);
        let mut claimed = vec![String::new(); properties.len()];
        for exact in [true, false] {
            for (index, (wire, _)) in properties.iter().enumerate() {
                let candidate = snake_ident(wire);
                if (camel_case_of(&candidate) == **wire) == exact {
                    claimed[index] = field_names.claim(wire, candidate, true);
                }
            }
        }
        // After the properties, so that none of them loses its natural name.
        let extras_field = field_names.claim("(extras)", "wire_extras".to_owned(), true);
        field_names.close(&mut self.decided);
        let mut fields = Vec::new();
        for ((wire, property), rust_name) in properties.into_iter().zip(claimed) {
            let child = context.child(&format!("properties.{wire}"), &camel_ident(wire));
            let ty = self.convert(property, &child, names)?;
            // `_1080p` and `self_` set through `set_1080p` and `set_self`.
            let stem = rust_name.trim_start_matches("r#").trim_matches('_');
            let (setter, clearer) = (format!("set_{stem}"), format!("clear_{stem}"));
            let max_items = match ty {
                Ty::Array(_) | Ty::Map(_) => property.description.as_deref().and_then(|doc| {
                    Some(Limit {
                        max: documented_max_items(doc)?,
                        source: Derived {
                            sentence: prose::sentence_with(doc, &["in a single request"])?,
                            origin: child.path.clone(),
                        },
                    })
                }),
                _ => None,
            };
            let wrapping = Wrapping { optional: !ty.is_container(), boxed: false };
            fields.push(Field {
                rust_name,
                wire_name: wire.clone(),
                setter,
                clearer,
                ty,
                wrapping,
                doc: property.description.clone(),
                read_only: property.read_only,
                deprecated: property.deprecated,
                max_items,
            });
        }
        Ok(StructDef {
            name,
            doc: schema.description.clone(),
            origin: context.path.clone(),
            deprecated: schema.deprecated,
            fields,
            extras_field,
            response_body: false,
        })
    }

    /// The type of a property, parameter or element; inline objects and enums
    /// become named types called after `context.name`.
    pub fn convert(
        &mut self,
        schema: &Schema,
        context: &Context,
        names: &mut Namespace,
    ) -> Result<Ty, Error> {
        if let Some(reference) = &schema.reference {
            return self.reference(reference, &format!("{}.$ref", context.path)).map(Ty::Named);
        }
        if let Some(values) = &schema.enum_values {
            return Ok(Ty::Named(self.inline_enum(
                schema,
                values,
                &context.name,
                &context.path,
                names,
            )));
        }
        let kind =
            schema.kind.as_deref().unwrap_or(if is_object(schema) { "object" } else { "any" });
        let format = schema.format.as_deref();
        let ty = match kind {
            "string" => match format {
                Some("byte") => Ty::Bytes,
                Some("date-time" | "google-datetime") => Ty::Timestamp,
                Some("google-duration") => Ty::Duration,
                Some("google-fieldmask") => Ty::FieldMask,
                Some("int64") => Ty::I64 { as_string: true },
                Some("uint64") => Ty::U64,
                _ => Ty::String,
            },
            "integer" => match format {
                Some("int32") => Ty::I32,
                Some("uint32") => Ty::U32,
                Some("int64") | None => Ty::I64 { as_string: false },
                Some(other) => {
                    return Err(Error::invalid(
                        format!("{}.format", context.path),
                        format!("unknown integer format `{other}`"),
                    ));
                }
            },
            "number" => match format {
                Some("float") => Ty::F32,
                _ => Ty::F64,
            },
            "boolean" => Ty::Bool,
            "any" => Ty::Any,
            "array" => {
                let items = schema.items.as_deref().ok_or_else(|| {
                    Error::invalid(&context.path, "an array schema needs `items`")
                })?;
                Ty::Array(Box::new(self.convert(items, &context.child("items", "Item"), names)?))
            }
            "object" => {
                if schema.properties.as_ref().is_some_and(|properties| !properties.is_empty()) {
                    let name = names.claim(&context.path, type_name(&context.name), false);
                    let def = self.struct_def(schema, name, context, names)?;
                    Ty::Named(self.push(TypeDef::Struct(def)))
                } else if let Some(values) = &schema.additional_properties {
                    Ty::Map(Box::new(self.convert(
                        values,
                        &context.child("additionalProperties", "Value"),
                        names,
                    )?))
                } else {
                    Ty::Any
                }
            }
            other => {
                return Err(Error::invalid(
                    format!("{}.type", context.path),
                    format!("unknown type `{other}`"),
                ));
            }
        };
        Ok(ty)
    }

    /// An enum declared inline (a property's, an array item's, a parameter's).
    /// Values that share a prefix of two or more words name the type after it
    /// (`READ_SOURCE_TYPE_*` is `ReadSourceType`), and every place with that
    /// prefix is that one type, whose variants are the values of all of them:
    /// a value added in one place is a new variant, not a new type. Other
    /// enums are named after where they appear (`fallback`). A place the lock
    /// knows keeps its type.
    pub fn inline_enum(
        &mut self,
        schema: &Schema,
        values: &[String],
        fallback: &str,
        path: &str,
        names: &mut Namespace,
    ) -> TypeId {
        let prefix = common_word_prefix(values);
        let prefix_key = (prefix.len() >= 2).then(|| format!("prefix {}", prefix.join("_")));
        let shared = self
            .enum_names
            .prior(path)
            .or_else(|| prefix_key.as_deref().and_then(|key| self.enum_names.lookup(key)))
            .map(str::to_owned);
        let name = match (shared, &prefix_key) {
            (Some(name), _) => name,
            (None, Some(_)) => names.take(type_name(&camel_ident(&prefix.join("_"))), false),
            (None, None) => names.take(type_name(fallback), false),
        };
        self.enum_names.record(path, &name);
        if let Some(key) = &prefix_key {
            if self.enum_names.decided(key).is_none() {
                let kept = self.enum_names.prior(key).unwrap_or(&name).to_owned();
                self.enum_names.record(key, &kept);
            }
        }
        let values = enum_values(schema, values);
        match self.enums_by_name.get(&name) {
            Some(&id) => {
                // More than one place: the type has no single description.
                if let Some(Some(TypeDef::Enum(def))) = self.types.get_mut(id) {
                    def.doc = None;
                }
                let known = self.enum_values.entry(id).or_default();
                for value in values {
                    if !known.iter().any(|seen| seen.wire == value.wire) {
                        known.push(value);
                    }
                }
                id
            }
            None => {
                // A type named after a prefix may be shared later: no place's description.
                let doc = if prefix_key.is_some() { None } else { schema.description.clone() };
                let id = self.push(TypeDef::Enum(enum_def(name.clone(), doc, path)));
                self.enums_by_name.insert(name, id);
                self.enum_values.insert(id, values);
                id
            }
        }
    }

    fn push(&mut self, def: TypeDef) -> TypeId {
        self.types.push(Some(def));
        self.types.len() - 1
    }

    /// Names every enum's variants, keyed by wire value in a namespace of the
    /// enum's own, so a variant keeps its name whatever values are added.
    fn name_variants(&mut self) {
        for (id, values) in std::mem::take(&mut self.enum_values) {
            let Some(Some(TypeDef::Enum(def))) = self.types.get_mut(id) else { continue };
            let mut names = Namespace::new(format!("variants {}", def.name), self.prior);
            let wires: Vec<String> = values.iter().map(|value| value.wire.clone()).collect();
            let strip = variant_prefix_to_strip(&wires);
            def.variants = values
                .into_iter()
                .map(|value| {
                    let words: Vec<&str> = value.wire.split('_').collect();
                    let stem = words
                        .get(strip..)
                        .map(|rest| rest.join("_"))
                        .unwrap_or_else(|| value.wire.clone());
                    Variant {
                        name: names.claim(
                            &format!("value {}", value.wire),
                            camel_ident(&stem),
                            false,
                        ),
                        wire: value.wire,
                        doc: value.doc,
                        deprecated: value.deprecated,
                    }
                })
                .collect();
            def.unknown_variant = names.claim("unknown", "UnknownValue".to_owned(), false);
            names.close(&mut self.decided);
        }
    }

    /// Gives each field-path type its variants, named and documented after the
    /// struct fields they select, each with the discriminant it had before
    /// (new paths count on from the largest), so that `as` casts downstream
    /// keep their values when a path is added.
    fn name_field_paths(&mut self) {
        for (schema, gathered) in std::mem::take(&mut self.field_paths) {
            let fields: BTreeMap<String, Option<String>> = match self.get(schema) {
                Some(TypeDef::Struct(def)) => {
                    def.fields.iter().map(|f| (f.wire_name.clone(), f.doc.clone())).collect()
                }
                _ => BTreeMap::new(),
            };
            let Some(Some(TypeDef::FieldPaths(def))) = self.types.get_mut(gathered.id) else {
                continue;
            };
            let mut variants = Namespace::new(format!("variants {}", def.name), self.prior);
            let recorded = self.prior.discriminants.get(&def.name).cloned().unwrap_or_default();
            let mut next = recorded.values().max().map_or(0, |max| max + 1);
            def.paths = gathered
                .paths
                .into_iter()
                .map(|wire| {
                    let discriminant = recorded.get(&wire).copied().unwrap_or_else(|| {
                        next += 1;
                        next - 1
                    });
                    FieldPath {
                        variant: variants.claim(
                            &format!("value {wire}"),
                            camel_ident(&wire),
                            false,
                        ),
                        doc: fields.get(&wire).cloned().flatten(),
                        discriminant,
                        wire,
                    }
                })
                .collect();
            def.used_by = gathered.used_by.into_iter().collect();
            let discriminants =
                def.paths.iter().map(|path| (path.wire.clone(), path.discriminant)).collect();
            self.decided.discriminants.insert(def.name.clone(), discriminants);
            variants.close(&mut self.decided);
        }
    }

    /// Names the variants, boxes what recursion needs, then hands out the
    /// finished types and this generation's decisions.
    pub fn finish(mut self) -> (Vec<TypeDef>, Lock) {
        self.name_variants();
        self.name_field_paths();
        self.enum_names.close(&mut self.decided);
        let mut types: Vec<TypeDef> = self.types.into_iter().flatten().collect();
        let boxed = box_recursion(&types, self.prior);
        for def in &mut types {
            if let TypeDef::Struct(def) = def {
                for field in &mut def.fields {
                    field.wrapping.boxed = boxed.contains(&field_key(def.origin.as_str(), field));
                }
            }
        }
        self.decided.boxed = boxed;
        (types, self.decided)
    }
}

/// A struct field's JSON path, the key of its boxing decision.
fn field_key(origin: &str, field: &Field) -> String {
    format!("{origin}.properties.{}", field.wire_name)
}

/// The by-value fields to put in a `Box` so that no struct contains itself.
/// Fields the lock boxed stay boxed; then each field that is new since the
/// lock and lies on a cycle is boxed, so that a cycle a document adds is
/// broken at the field it added; only a cycle of old fields alone (a changed
/// type) boxes an old field. Without a lock every field is new: every field
/// on a cycle is boxed, whatever order the schemas come in.
fn box_recursion(types: &[TypeDef], prior: &Lock) -> BTreeSet<String> {
    struct Edge {
        key: String,
        from: TypeId,
        to: TypeId,
        new: bool,
    }
    let mut edges = Vec::new();
    for (from, def) in types.iter().enumerate() {
        let TypeDef::Struct(def) = def else { continue };
        let known = prior.names_in(&format!("fields {}", def.origin));
        for field in &def.fields {
            if let Some(to) = by_value_target(&field.ty, types) {
                let new = !known.is_some_and(|known| known.contains_key(&field.wire_name));
                edges.push(Edge { key: field_key(&def.origin, field), from, to, new });
            }
        }
    }
    let mut boxed: BTreeSet<String> = edges
        .iter()
        .filter(|edge| prior.boxed.contains(&edge.key))
        .map(|e| e.key.clone())
        .collect();
    for new in [true, false] {
        let graph = by_value_graph(
            types,
            edges.iter().filter(|e| !boxed.contains(&e.key)).map(|e| (e.from, e.to)),
        );
        let on_cycle: Vec<String> = edges
            .iter()
            .filter(|edge| edge.new == new && !boxed.contains(&edge.key))
            .filter(|edge| reaches(&graph, edge.to, edge.from))
            .map(|edge| edge.key.clone())
            .collect();
        boxed.extend(on_cycle);
    }
    boxed
}

/// Adjacency lists of struct-to-type edges, plus aliases to what they name.
fn by_value_graph(
    types: &[TypeDef],
    struct_edges: impl Iterator<Item = (TypeId, TypeId)>,
) -> Vec<Vec<TypeId>> {
    let mut graph: Vec<Vec<TypeId>> = types
        .iter()
        .map(|def| match def {
            TypeDef::Alias(alias) => by_value_target(&alias.ty, types).into_iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    for (from, to) in struct_edges {
        graph[from].push(to);
    }
    graph
}

/// The paths a mask description lists after "Valid values are:" or "valid
/// fields are:" as `* path` items; several lists (one per read source) add up.
pub fn documented_paths(description: &str) -> BTreeSet<String> {
    let lower = description.to_ascii_lowercase();
    let mut paths = BTreeSet::new();
    for marker in ["valid values are:", "valid fields are:"] {
        for (start, _) in lower.match_indices(marker) {
            let mut words = description[start + marker.len()..].split_whitespace();
            while words.next() == Some("*") {
                let Some(path) = words.next() else { break };
                let path = path.trim_end_matches(['.', ',', ';']);
                if path.is_empty() || !path.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    break;
                }
                paths.insert(path.to_owned());
            }
        }
    }
    paths
}

/// The limit a description states as "up to N ... in a single request", the
/// way Google documents per-request caps on batch inputs.
fn documented_max_items(description: &str) -> Option<usize> {
    description.split(". ").filter(|sentence| sentence.contains("in a single request")).find_map(
        |sentence| {
            let after = &sentence[sentence.find("up to ")? + "up to ".len()..];
            let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        },
    )
}

pub(super) fn is_object(schema: &Schema) -> bool {
    schema.kind.as_deref() == Some("object")
        || (schema.kind.is_none() && schema.properties.is_some())
}

/// An enum whose variants `finish` names, once every place has added its values.
fn enum_def(name: String, doc: Option<String>, path: &str) -> EnumDef {
    EnumDef {
        name,
        doc,
        origin: path.to_owned(),
        variants: Vec::new(),
        unknown_variant: String::new(),
        response_body: false,
    }
}

/// The values of one place's enum, with the descriptions and deprecation marks it gives them.
fn enum_values(schema: &Schema, values: &[String]) -> Vec<EnumValue> {
    values
        .iter()
        .enumerate()
        .map(|(index, wire)| EnumValue {
            wire: wire.clone(),
            doc: schema
                .enum_descriptions
                .as_ref()
                .and_then(|docs| docs.get(index))
                .filter(|doc| !doc.is_empty())
                .cloned(),
            deprecated: schema
                .enum_deprecated
                .as_ref()
                .and_then(|flags| flags.get(index))
                .copied()
                .unwrap_or(false),
        })
        .collect()
}

/// How many leading words every value shares and can lose while each still
/// names itself with a letter up front (clippy rejects variants sharing a prefix).
fn variant_prefix_to_strip(values: &[String]) -> usize {
    if values.len() < 2 {
        return 0;
    }
    let prefix = common_word_prefix(values).len();
    let all_named = values.iter().all(|value| {
        value
            .split('_')
            .nth(prefix)
            .is_some_and(|word| word.starts_with(|c: char| c.is_ascii_alphabetic()))
    });
    if all_named { prefix } else { 0 }
}

/// The `_`-separated words all values start with, leaving each at least one word.
fn common_word_prefix(values: &[String]) -> Vec<String> {
    let split: Vec<Vec<&str>> = values.iter().map(|value| value.split('_').collect()).collect();
    let Some(first) = split.first() else {
        return Vec::new();
    };
    let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
    first
        .iter()
        .take(shortest.saturating_sub(1))
        .enumerate()
        .take_while(|(index, word)| {
            !word.is_empty() && split.iter().all(|words| words[*index] == **word)
        })
        .map(|(_, word)| (*word).to_owned())
        .collect()
}

/// The type a field holds by value (not behind a `Vec` or map), through
/// aliases: a loop, not recursion, as a document's chain of aliases can be
/// long (and has no cycle: `refuse_alias_cycles`).
fn by_value_target(ty: &Ty, types: &[TypeDef]) -> Option<TypeId> {
    let mut ty = ty;
    loop {
        let Ty::Named(id) = ty else { return None };
        match types.get(*id) {
            Some(TypeDef::Alias(alias)) => ty = &alias.ty,
            _ => return Some(*id),
        }
    }
}

fn reaches(edges: &[Vec<TypeId>], from: TypeId, to: TypeId) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if std::mem::replace(&mut seen[id], true) {
            continue;
        }
        stack.extend(edges[id].iter().copied());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_request_limits_are_read_from_descriptions() {
        let limit = |text: &str| documented_max_items(text);
        assert_eq!(
            limit(
                "Required. The contact to create. Allows up to 200 contacts in a single request."
            ),
            Some(200)
        );
        assert_eq!(
            limit("It's repetitive. Allows up to 500 resource names in a single request."),
            Some(500)
        );
        assert_eq!(
            limit("Returns up to 1000 results. Pages are small."),
            None,
            "not a request cap"
        );
        assert_eq!(limit("Send up to many items in a single request."), None);
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }

    #[test]
    fn common_prefix_keeps_one_word_per_value() {
        let values = strings(&[
            "READ_SOURCE_TYPE_UNSPECIFIED",
            "READ_SOURCE_TYPE_PROFILE",
            "READ_SOURCE_TYPE_DOMAIN_CONTACT",
        ]);
        assert_eq!(common_word_prefix(&values), ["READ", "SOURCE", "TYPE"]);
        assert_eq!(variant_prefix_to_strip(&values), 3);
        assert!(common_word_prefix(&strings(&["A_B", "A_B_C"])).len() == 1);
    }

    #[test]
    fn prefixes_that_leave_digits_up_front_are_kept() {
        assert_eq!(variant_prefix_to_strip(&strings(&["VERSION_1", "VERSION_2"])), 0);
        assert_eq!(variant_prefix_to_strip(&strings(&["ONLY_ONE"])), 0);
    }
}
