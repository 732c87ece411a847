//! All state of one fake account and the invariants every operation relies on:
//!
//! - contacts are `people/c<n>` with `n` from a counter that never goes back;
//! - every mutation takes the next store revision, and a contact's or group's
//!   etag is derived from the revision of its last change, so it changes
//!   with every mutation and sync tokens can ask "changed after revision r";
//! - a contact's group memberships only name groups that exist, and a group's
//!   member count is derived from the contacts, so the two never disagree;
//! - deletions leave tombstones for sync listings;
//! - every revision's time on the [`FakeClock`] is recorded, so that
//!   incremental syncs can leave out changes younger than the propagation
//!   delay, and times only grow with revisions.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use crate::clock::FakeClock;
use crate::error::ApiError;
use crate::listing::Moment;
use crate::person;
use crate::seed::{Seed, SeedError};
use crate::tokens::TokenCodec;

/// The system group every new contact joins unless the body names others.
const MY_CONTACTS: &str = "myContacts";

/// Google's system groups: id and formatted name.
const SYSTEM_GROUPS: &[(&str, &str)] = &[
    (MY_CONTACTS, "My Contacts"),
    ("starred", "Starred"),
    ("friends", "Friends"),
    ("family", "Family"),
    ("coworkers", "Coworkers"),
    ("chatBuddies", "Chat Buddies"),
    ("all", "All Contacts"),
    ("blocked", "Blocked"),
];

/// The system groups that can gain members; the others are deprecated and
/// can only lose them.
const ADDABLE_SYSTEM_GROUPS: &[&str] = &[MY_CONTACTS, "starred"];

/// Every contact is implicitly in this group.
const ALL_GROUP: &str = "all";

/// The profile `people/me` answers with when the seed has none.
const DEFAULT_ME_RESOURCE_NAME: &str = "people/100000000000000000001";

/// One contact: its contact-source fields as stored, and what the server
/// maintains around them.
#[derive(Debug)]
pub(crate) struct Contact {
    id: u64,
    fields: Map<String, Value>,
    groups: BTreeSet<String>,
    revision: u64,
    etag: String,
    source_etag: String,
    update_time: String,
}

impl Contact {
    pub(crate) fn resource_name(&self) -> String {
        format!("people/c{}", self.id)
    }

    /// The CONTACT source id: the hexadecimal of the number in the resource
    /// name, as Google's are.
    fn source_id(&self) -> String {
        format!("{:x}", self.id)
    }

    pub(crate) fn revision(&self) -> u64 {
        self.revision
    }

    /// The number in the resource name (`people/c<number>`).
    pub(crate) fn number(&self) -> u64 {
        self.id
    }

    pub(crate) fn source_etag(&self) -> &str {
        &self.source_etag
    }

    /// The stored contact fields (names, emailAddresses, ...).
    pub(crate) fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The whole person as the API returns it with every field requested.
    pub(crate) fn to_person(&self) -> Value {
        let source_id = self.source_id();
        let mut person = self.fields.clone();
        person.insert("resourceName".into(), Value::String(self.resource_name()));
        person.insert("etag".into(), Value::String(self.etag.clone()));
        person.insert(
            "metadata".into(),
            json!({
                "sources": [{
                    "type": "CONTACT",
                    "id": source_id,
                    "etag": self.source_etag,
                    "updateTime": self.update_time,
                }],
                "objectType": "PERSON",
            }),
        );
        if !self.groups.is_empty() {
            let memberships = self
                .groups
                .iter()
                .map(|group| {
                    json!({
                        "metadata": { "source": person::source(&source_id) },
                        "contactGroupMembership": {
                            "contactGroupId": group,
                            "contactGroupResourceName": format!("contactGroups/{group}"),
                        },
                    })
                })
                .collect();
            person.insert("memberships".into(), Value::Array(memberships));
        }
        Value::Object(person)
    }

    fn is_member_of(&self, group: &str) -> bool {
        group == ALL_GROUP || self.groups.contains(group)
    }

    /// New etags and update time for a change made at `revision`.
    fn touch(&mut self, revision: u64) {
        self.revision = revision;
        self.etag = format!("%{}", STANDARD.encode(format!("c{}r{revision}", self.id)));
        self.source_etag = format!("#{}", STANDARD.encode(format!("s{}r{revision}", self.id)));
        self.update_time = now();
    }
}

/// A contact group: a system group or one the user made.
#[derive(Debug)]
pub(crate) struct Group {
    id: String,
    name: String,
    system: bool,
    client_data: Vec<Value>,
    revision: u64,
    etag: String,
    update_time: String,
}

impl Group {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn revision(&self) -> u64 {
        self.revision
    }

    pub(crate) fn etag(&self) -> &str {
        &self.etag
    }

    fn resource_name(&self) -> String {
        format!("contactGroups/{}", self.id)
    }

    fn touch(&mut self, revision: u64) {
        self.revision = revision;
        self.etag = STANDARD.encode(format!("g{}r{revision}", self.id));
        self.update_time = now();
    }
}

/// What `contactGroups.members.modify` could not do.
#[derive(Debug, Default)]
pub(crate) struct MembershipOutcome {
    pub(crate) not_found: Vec<String>,
    pub(crate) cannot_remove_last_group: Vec<String>,
}

/// A deleted resource, kept for sync listings.
#[derive(Debug)]
pub(crate) struct Tombstone {
    pub(crate) resource_name: String,
    pub(crate) revision: u64,
}

impl Tombstone {
    /// How sync listings report a deletion.
    pub(crate) fn to_json(&self) -> Value {
        json!({ "resourceName": self.resource_name, "metadata": { "deleted": true } })
    }
}

/// The state behind one fake server.
#[derive(Debug)]
pub(crate) struct Store {
    me: Value,
    contacts: BTreeMap<u64, Contact>,
    next_contact_id: u64,
    groups: Vec<Group>,
    next_group_number: u64,
    other_contacts: Vec<Value>,
    directory: Vec<Value>,
    revision: u64,
    deleted_contacts: Vec<Tombstone>,
    deleted_groups: Vec<Tombstone>,
    pub(crate) tokens: TokenCodec,
    /// The documented behaviours around the data, as configured.
    behaviour: Behaviour,
    /// `revision_times[r]`: when revision `r` was made, on the clock.
    revision_times: Vec<Duration>,
    /// What `searchContacts` answers from while the search cache is on: the
    /// contacts as they were at the last warm-up (or at the start).
    search_snapshot: Vec<Value>,
    /// How many of the next full syncs are refused with a 429.
    full_sync_refusals: u32,
}

/// How the fake models the behaviours the documentation describes; set with
/// [`FakePeopleBuilder`](crate::FakePeopleBuilder).
#[derive(Debug, Clone)]
pub(crate) struct Behaviour {
    pub(crate) clock: FakeClock,
    /// Changes younger than this are not yet seen by incremental syncs.
    pub(crate) propagation_delay: Duration,
    /// Whether searches answer from the snapshot of the last warm-up.
    pub(crate) search_cache: bool,
    /// The `Retry-After` of a refused full sync.
    pub(crate) full_sync_retry_after: Duration,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            clock: FakeClock::new(),
            propagation_delay: Duration::ZERO,
            search_cache: true,
            full_sync_retry_after: Duration::ZERO,
        }
    }
}

impl Store {
    /// A store holding `seed`, with resource names and etags assigned where
    /// the seed has none.
    pub(crate) fn from_seed(seed: Seed, behaviour: Behaviour) -> Result<Self, SeedError> {
        let groups = SYSTEM_GROUPS
            .iter()
            .map(|(id, _)| {
                let mut group = Group {
                    id: (*id).to_owned(),
                    name: (*id).to_owned(),
                    system: true,
                    client_data: Vec::new(),
                    revision: 0,
                    etag: String::new(),
                    update_time: String::new(),
                };
                group.touch(0);
                group
            })
            .collect();
        let mut store = Self {
            me: Value::Null,
            contacts: Default::default(),
            next_contact_id: 1,
            groups,
            next_group_number: 1,
            other_contacts: Vec::new(),
            directory: Vec::new(),
            revision: 0,
            deleted_contacts: Vec::new(),
            deleted_groups: Vec::new(),
            tokens: TokenCodec::default(),
            revision_times: vec![behaviour.clock.elapsed()],
            behaviour,
            search_snapshot: Vec::new(),
            full_sync_refusals: 0,
        };
        for (index, group) in seed.contact_groups.iter().enumerate() {
            store
                .seed_group(group)
                .map_err(|error| invalid_seed("contactGroups", index, &error))?;
        }
        store.next_contact_id = seeded_contact_ids(&seed.contacts)?.max().map_or(1, |id| id + 1);
        for (index, contact) in seed.contacts.iter().enumerate() {
            store.seed_contact(contact).map_err(|error| invalid_seed("contacts", index, &error))?;
        }
        store.me = seed_static(
            seed.me.unwrap_or_else(|| {
                json!({"names": [{"givenName": "Fake", "familyName": "User",
                                   "displayName": "Fake User"}],
                       "emailAddresses": [{"value": "me@example.com"}]})
            }),
            || DEFAULT_ME_RESOURCE_NAME.to_owned(),
            "PROFILE",
        )
        .map_err(|message| SeedError::Invalid(format!("me: {message}")))?;
        for (index, other) in seed.other_contacts.into_iter().enumerate() {
            let person =
                seed_static(other, || format!("otherContacts/c{}", index + 1), "OTHER_CONTACT")
                    .map_err(|message| {
                        SeedError::Invalid(format!("otherContacts[{index}]: {message}"))
                    })?;
            store.other_contacts.push(person);
        }
        for (index, profile) in seed.directory.into_iter().enumerate() {
            // Numeric like Google account ids, apart from the default profile's.
            let person = seed_static(profile, || format!("people/2{index:020}"), "DOMAIN_PROFILE")
                .map_err(|message| SeedError::Invalid(format!("directory[{index}]: {message}")))?;
            store.directory.push(person);
        }
        for (list, people) in
            [("otherContacts", &store.other_contacts), ("directory", &store.directory)]
        {
            let mut names = BTreeSet::new();
            let names_of = people.iter().filter_map(|person| person.get("resourceName")?.as_str());
            if let Some(duplicate) = names_of.into_iter().find(|name| !names.insert(*name)) {
                return Err(SeedError::Invalid(format!(
                    "{list}: duplicate resourceName `{duplicate}`"
                )));
            }
        }
        store.search_snapshot = store.live_contacts();
        Ok(store)
    }

    /// Adds a seeded user group, or for a system group (which always
    /// exists, its member count derived) keeps only its seeded etag and
    /// update time, so that a snapshot seeds an identical fake.
    fn seed_group(&mut self, group: &Value) -> Result<(), ApiError> {
        let id = match group.get("resourceName").and_then(Value::as_str) {
            Some(name) => name
                .strip_prefix("contactGroups/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
                .ok_or_else(|| ApiError::invalid_argument(format!("bad resourceName `{name}`")))?
                .to_owned(),
            None => self.new_group_id(),
        };
        let index = match self.groups.iter().position(|existing| existing.id == id) {
            Some(index) if self.groups.get(index).is_some_and(|existing| existing.system) => index,
            Some(_) => return Err(ApiError::invalid_argument(format!("duplicate group `{id}`"))),
            None => {
                let name = group.get("name").and_then(Value::as_str).unwrap_or_default();
                let client_data = group.get("clientData").and_then(Value::as_array).cloned();
                self.check_unique_group_name(name, None)?;
                self.push_group(id, name, client_data.unwrap_or_default());
                self.groups.len() - 1
            }
        };
        let text = |pointer| group.pointer(pointer).and_then(Value::as_str);
        if let Some(seeded) = self.groups.get_mut(index) {
            if let Some(etag) = text("/etag") {
                etag.clone_into(&mut seeded.etag);
            }
            if let Some(update_time) = text("/metadata/updateTime") {
                update_time.clone_into(&mut seeded.update_time);
            }
        }
        Ok(())
    }

    fn seed_contact(&mut self, value: &Value) -> Result<(), ApiError> {
        let person = person::parse_person(value, "contact")?;
        person::check_singletons(
            person,
            crate::mask::UPDATABLE_PERSON_FIELDS.iter().copied(),
            "contact",
        )?;
        let mut writable: Vec<&str> = crate::mask::UPDATABLE_PERSON_FIELDS.to_vec();
        writable.push("photos");
        let groups = person::requested_group_ids(person, "contact")?
            .unwrap_or_else(|| vec![MY_CONTACTS.to_owned()]);
        for group in &groups {
            if self.group(group).is_none() {
                return Err(ApiError::invalid_argument(format!("unknown contact group `{group}`")));
            }
        }
        let id = match person.get("resourceName").and_then(Value::as_str) {
            Some(name) => parse_contact_id(name)
                .ok_or_else(|| ApiError::invalid_argument(format!("bad resourceName `{name}`")))?,
            None => {
                let id = self.next_contact_id;
                self.next_contact_id += 1;
                id
            }
        };
        if self.contacts.contains_key(&id) {
            return Err(ApiError::invalid_argument(format!("duplicate contact people/c{id}")));
        }
        let contact = self.insert_contact(id, person, &writable, groups.into_iter().collect());
        if let Some(etag) = person.get("etag").and_then(Value::as_str) {
            etag.clone_into(&mut contact.etag);
        }
        let seeded_source = contact_source(person);
        let text = |key| seeded_source.and_then(|source| source.get(key)?.as_str());
        if let Some(etag) = text("etag") {
            etag.clone_into(&mut contact.source_etag);
        }
        if let Some(update_time) = text("updateTime") {
            update_time.clone_into(&mut contact.update_time);
        }
        Ok(())
    }

    fn next_revision(&mut self) -> u64 {
        self.revision += 1;
        self.revision_times.push(self.behaviour.clock.elapsed());
        self.revision
    }

    /// The revisions and the clock now, for a listing page.
    pub(crate) fn moment(&self) -> Moment {
        let elapsed = self.behaviour.clock.elapsed();
        let visible_revision = match elapsed.checked_sub(self.behaviour.propagation_delay) {
            // Times grow with revisions: the visible ones are a prefix.
            Some(cutoff) => {
                let visible = self.revision_times.partition_point(|time| *time <= cutoff);
                u64::try_from(visible.saturating_sub(1)).unwrap_or(u64::MAX)
            }
            None => 0,
        };
        Moment {
            revision: self.revision,
            visible_revision: visible_revision.min(self.revision),
            now_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        }
    }

    pub(crate) fn behaviour_mut(&mut self) -> &mut Behaviour {
        &mut self.behaviour
    }

    pub(crate) fn clock(&self) -> &FakeClock {
        &self.behaviour.clock
    }

    /// Refuses the next `times` full syncs (first pages) with a 429 asking
    /// to come back after `retry_after`.
    pub(crate) fn refuse_full_syncs(&mut self, times: u32, retry_after: Duration) {
        self.full_sync_refusals = times;
        self.behaviour.full_sync_retry_after = retry_after;
    }

    /// The first page of a full sync uses up one of the refusals, if any are left.
    pub(crate) fn check_full_sync_quota(&mut self) -> Result<(), ApiError> {
        if self.full_sync_refusals == 0 {
            return Ok(());
        }
        self.full_sync_refusals -= 1;
        Err(ApiError::full_sync_quota_exceeded(self.behaviour.full_sync_retry_after))
    }

    /// Every contact as the API returns it, now.
    fn live_contacts(&self) -> Vec<Value> {
        self.contacts.values().map(Contact::to_person).collect()
    }

    /// The warm-up request of `searchContacts`: the cache catches up.
    pub(crate) fn warm_up_search(&mut self) {
        if self.behaviour.search_cache {
            self.search_snapshot = self.live_contacts();
        }
    }

    /// What `searchContacts` searches: the cache of the last warm-up, or
    /// with the cache off the contacts now.
    pub(crate) fn searchable_contacts(&self) -> Vec<Value> {
        if self.behaviour.search_cache {
            self.search_snapshot.clone()
        } else {
            self.live_contacts()
        }
    }

    /// Everything, in the shape of a seed.
    pub(crate) fn snapshot(&self) -> Seed {
        Seed {
            me: Some(self.me.clone()),
            contacts: self.live_contacts(),
            contact_groups: self.groups.iter().map(|group| self.group_json(group, 0)).collect(),
            other_contacts: self.other_contacts.clone(),
            directory: self.directory.clone(),
        }
    }

    pub(crate) fn me(&self) -> &Value {
        &self.me
    }

    pub(crate) fn other_contacts(&self) -> &[Value] {
        &self.other_contacts
    }

    pub(crate) fn directory(&self) -> &[Value] {
        &self.directory
    }

    pub(crate) fn contacts(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.values()
    }

    /// The contact named `resource_name`: 400 when it cannot name a contact
    /// (`people/c<number>`), 404 when there is none.
    pub(crate) fn contact(&self, resource_name: &str) -> Result<&Contact, ApiError> {
        let id = parse_contact_id(resource_name).ok_or_else(|| {
            ApiError::invalid_argument(format!(
                "Resource name \"{resource_name}\" is not a valid contact: contacts are \
                 `people/c<number>`."
            ))
        })?;
        self.contacts
            .get(&id)
            .ok_or_else(|| ApiError::not_found(format!("Contact {resource_name} was not found.")))
    }

    pub(crate) fn deleted_contacts(&self) -> &[Tombstone] {
        &self.deleted_contacts
    }

    /// Creates a contact from the `fields` of a validated `person`, in
    /// `groups` (or `myContacts` when `None`).
    pub(crate) fn create_contact(
        &mut self,
        person: &Map<String, Value>,
        fields: &[&str],
        groups: Option<Vec<String>>,
    ) -> Result<&Contact, ApiError> {
        let groups = groups.unwrap_or_else(|| vec![MY_CONTACTS.to_owned()]);
        self.check_memberships(&BTreeSet::new(), &groups)?;
        let id = self.next_contact_id;
        self.next_contact_id += 1;
        Ok(self.insert_contact(id, person, fields, groups.into_iter().collect()))
    }

    fn insert_contact(
        &mut self,
        id: u64,
        person: &Map<String, Value>,
        fields: &[&str],
        groups: BTreeSet<String>,
    ) -> &mut Contact {
        let revision = self.next_revision();
        let mut contact = Contact {
            id,
            fields: Map::new(),
            groups,
            revision,
            etag: String::new(),
            source_etag: String::new(),
            update_time: String::new(),
        };
        let source_id = contact.source_id();
        for field in fields {
            if let Some(value) = person::contact_field(person, field, &source_id) {
                contact.fields.insert((*field).to_owned(), value);
            }
        }
        contact.touch(revision);
        match self.contacts.entry(id) {
            Entry::Vacant(slot) => slot.insert(contact),
            Entry::Occupied(mut slot) => {
                slot.insert(contact);
                slot.into_mut()
            }
        }
    }

    /// Replaces `fields` of the contact with the validated `person`'s
    /// (absent means cleared), and its memberships when `groups` is set.
    pub(crate) fn update_contact(
        &mut self,
        resource_name: &str,
        person: &Map<String, Value>,
        fields: &[&str],
        groups: Option<Vec<String>>,
    ) -> Result<&Contact, ApiError> {
        let current = self.contact(resource_name)?;
        let id = current.id;
        if let Some(groups) = &groups {
            self.check_memberships(&current.groups, groups)?;
        }
        let revision = self.next_revision();
        let contact = self.contacts.get_mut(&id).ok_or_else(|| not_found(resource_name))?;
        let source_id = contact.source_id();
        for field in fields {
            match person::contact_field(person, field, &source_id) {
                Some(value) => contact.fields.insert((*field).to_owned(), value),
                None => contact.fields.remove(*field),
            };
        }
        if let Some(groups) = groups {
            contact.groups = groups.into_iter().collect();
        }
        contact.touch(revision);
        Ok(contact)
    }

    /// Sets (or with `None` removes) the contact's photo. A removal when
    /// there is no photo changes nothing, so the etag stays.
    pub(crate) fn set_photo(
        &mut self,
        resource_name: &str,
        url: Option<String>,
    ) -> Result<&Contact, ApiError> {
        let id = self.contact(resource_name)?.id;
        let revision = self.revision + 1;
        let contact = self.contacts.get_mut(&id).ok_or_else(|| not_found(resource_name))?;
        let changed = match url {
            Some(url) => {
                let photo = json!({
                    "metadata": { "primary": true, "source": person::source(&contact.source_id()) },
                    "url": url,
                });
                contact.fields.insert("photos".into(), json!([photo]));
                true
            }
            None => contact.fields.remove("photos").is_some(),
        };
        if changed {
            contact.touch(revision);
            self.revision = revision;
            self.revision_times.push(self.behaviour.clock.elapsed());
        }
        Ok(contact)
    }

    pub(crate) fn delete_contact(&mut self, resource_name: &str) -> Result<(), ApiError> {
        let id = self.contact(resource_name)?.id;
        self.contacts.remove(&id);
        let revision = self.next_revision();
        self.deleted_contacts.push(Tombstone { resource_name: resource_name.to_owned(), revision });
        Ok(())
    }

    /// Memberships may name existing groups only, and may only add the
    /// groups that accept new members.
    pub(crate) fn check_memberships(
        &self,
        current: &BTreeSet<String>,
        requested: &[String],
    ) -> Result<(), ApiError> {
        for id in requested.iter().filter(|id| !current.contains(*id)) {
            match self.group(id) {
                None => {
                    return Err(ApiError::invalid_field(
                        "memberships",
                        format!("Contact group contactGroups/{id} does not exist."),
                    ));
                }
                Some(group) if group.system && !ADDABLE_SYSTEM_GROUPS.contains(&id.as_str()) => {
                    return Err(ApiError::invalid_field(
                        "memberships",
                        format!(
                            "Contacts cannot be added to the system group contactGroups/{id}: \
                             only user groups, myContacts and starred accept members."
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    pub(crate) fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub(crate) fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|group| group.id == id)
    }

    /// The group named `resource_name` (`contactGroups/<id>`), or 404.
    pub(crate) fn group_by_name(&self, resource_name: &str) -> Result<&Group, ApiError> {
        resource_name.strip_prefix("contactGroups/").and_then(|id| self.group(id)).ok_or_else(
            || ApiError::not_found(format!("Contact group {resource_name} was not found.")),
        )
    }

    pub(crate) fn deleted_groups(&self) -> &[Tombstone] {
        &self.deleted_groups
    }

    /// The members of a group, in resource-name order.
    pub(crate) fn members<'a>(&'a self, group: &'a Group) -> impl Iterator<Item = &'a Contact> {
        self.contacts.values().filter(|contact| contact.is_member_of(&group.id))
    }

    /// The group as the API returns it with every field requested, and
    /// `max_members` of its member resource names.
    pub(crate) fn group_json(&self, group: &Group, max_members: usize) -> Value {
        let formatted_name = SYSTEM_GROUPS
            .iter()
            .find(|(id, _)| group.system && *id == group.id)
            .map_or(group.name.as_str(), |(_, formatted)| formatted);
        let mut json = json!({
            "resourceName": group.resource_name(),
            "etag": group.etag,
            "metadata": { "updateTime": group.update_time },
            "groupType": if group.system { "SYSTEM_CONTACT_GROUP" } else { "USER_CONTACT_GROUP" },
            "name": group.name,
            "formattedName": formatted_name,
            "memberCount": self.members(group).count(),
        });
        if !group.client_data.is_empty() {
            json["clientData"] = Value::Array(group.client_data.clone());
        }
        let members: Vec<Value> = self
            .members(group)
            .take(max_members)
            .map(|contact| Value::String(contact.resource_name()))
            .collect();
        if !members.is_empty() {
            json["memberResourceNames"] = Value::Array(members);
        }
        json
    }

    fn check_unique_group_name(&self, name: &str, except: Option<&str>) -> Result<(), ApiError> {
        if name.trim().is_empty() {
            return Err(ApiError::invalid_field("contactGroup.name", "A group name is required."));
        }
        let taken = self
            .groups
            .iter()
            .any(|group| !group.system && group.name == name && Some(group.id.as_str()) != except);
        if taken {
            return Err(ApiError::already_exists(format!(
                "A contact group named \"{name}\" already exists."
            )));
        }
        Ok(())
    }

    pub(crate) fn create_group(
        &mut self,
        name: &str,
        client_data: Vec<Value>,
    ) -> Result<&Group, ApiError> {
        self.check_unique_group_name(name, None)?;
        let id = self.new_group_id();
        Ok(self.push_group(id, name, client_data))
    }

    /// A fresh user group id: 16 hex digits, like Google's.
    fn new_group_id(&mut self) -> String {
        loop {
            // An odd multiplier is a bijection on u64: distinct, random-looking ids.
            let candidate =
                format!("{:016x}", self.next_group_number.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            self.next_group_number += 1;
            if self.group(&candidate).is_none() {
                return candidate;
            }
        }
    }

    fn push_group(&mut self, id: String, name: &str, client_data: Vec<Value>) -> &Group {
        let revision = self.next_revision();
        let mut group = Group {
            id,
            name: name.to_owned(),
            system: false,
            client_data,
            revision,
            etag: String::new(),
            update_time: String::new(),
        };
        group.touch(revision);
        let index = self.groups.len();
        self.groups.push(group);
        // The index of the element just pushed: always in bounds.
        &self.groups[index]
    }

    /// Updates a user group's name and/or client data.
    pub(crate) fn update_group(
        &mut self,
        id: &str,
        name: Option<&str>,
        client_data: Option<Vec<Value>>,
    ) -> Result<&Group, ApiError> {
        let group = self.user_group(id)?;
        if let Some(name) = name {
            self.check_unique_group_name(name, Some(&group.id))?;
        }
        let revision = self.next_revision();
        let group = self
            .groups
            .iter_mut()
            .find(|group| group.id == id)
            .ok_or_else(|| group_not_found(id))?;
        if let Some(name) = name {
            name.clone_into(&mut group.name);
        }
        if let Some(client_data) = client_data {
            group.client_data = client_data;
        }
        group.touch(revision);
        Ok(group)
    }

    /// The user group `id`: 404 when missing, 400 for a system group, which
    /// cannot be changed or deleted.
    pub(crate) fn user_group(&self, id: &str) -> Result<&Group, ApiError> {
        let group = self.group(id).ok_or_else(|| group_not_found(id))?;
        if group.system {
            return Err(ApiError::invalid_argument(format!(
                "contactGroups/{id} is a system contact group and cannot be changed or deleted."
            )));
        }
        Ok(group)
    }

    /// Deletes a user group: its members leave it, or with
    /// `delete_contacts` are deleted too.
    pub(crate) fn delete_group(&mut self, id: &str, delete_contacts: bool) -> Result<(), ApiError> {
        self.user_group(id)?;
        let revision = self.next_revision();
        let members: Vec<u64> = self
            .contacts
            .values()
            .filter(|contact| contact.groups.contains(id))
            .map(|contact| contact.id)
            .collect();
        for member in members {
            if delete_contacts {
                if let Some(contact) = self.contacts.remove(&member) {
                    let resource_name = contact.resource_name();
                    self.deleted_contacts.push(Tombstone { resource_name, revision });
                }
            } else if let Some(contact) = self.contacts.get_mut(&member) {
                contact.groups.remove(id);
                contact.touch(revision);
            }
        }
        self.groups.retain(|group| group.id != id);
        let resource_name = format!("contactGroups/{id}");
        self.deleted_groups.push(Tombstone { resource_name, revision });
        Ok(())
    }

    /// Adds and removes members of group `id`. Unknown or malformed contact
    /// names are reported, not fatal; a contact never loses its last group.
    pub(crate) fn modify_members(
        &mut self,
        id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<MembershipOutcome, ApiError> {
        let group = self.group(id).ok_or_else(|| group_not_found(id))?;
        if !add.is_empty() && group.system && !ADDABLE_SYSTEM_GROUPS.contains(&id) {
            return Err(ApiError::invalid_argument(format!(
                "Contacts cannot be added to the system group contactGroups/{id}: only user \
                 groups, myContacts and starred accept members."
            )));
        }
        let mut outcome = MembershipOutcome::default();
        let mut changed = Vec::new();
        for (name, adding) in
            add.iter().map(|name| (name, true)).chain(remove.iter().map(|name| (name, false)))
        {
            let Some(contact) = parse_contact_id(name).and_then(|id| self.contacts.get(&id)) else {
                outcome.not_found.push(name.clone());
                continue;
            };
            let mut groups = contact.groups.clone();
            if adding {
                groups.insert(id.to_owned());
            } else {
                groups.remove(id);
                if groups.is_empty() {
                    outcome.cannot_remove_last_group.push(name.clone());
                    continue;
                }
            }
            if groups != contact.groups {
                changed.push((contact.id, groups));
            }
        }
        if !changed.is_empty() {
            let revision = self.next_revision();
            for (contact_id, groups) in changed {
                if let Some(contact) = self.contacts.get_mut(&contact_id) {
                    contact.groups = groups;
                    contact.touch(revision);
                }
            }
            if let Some(group) = self.groups.iter_mut().find(|group| group.id == id) {
                group.touch(revision);
            }
        }
        Ok(outcome)
    }
}

/// `people/c<decimal>` to its number.
fn parse_contact_id(resource_name: &str) -> Option<u64> {
    let digits = resource_name.strip_prefix("people/c")?;
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The CONTACT source in a person's `metadata.sources`.
fn contact_source(person: &Map<String, Value>) -> Option<&Value> {
    person
        .get("metadata")?
        .get("sources")?
        .as_array()?
        .iter()
        .find(|source| source.get("type").and_then(Value::as_str) == Some("CONTACT"))
}

/// The etag of the CONTACT source in a person's `metadata.sources`: what an
/// update must send back.
pub(crate) fn contact_source_etag(person: &Map<String, Value>) -> Option<&str> {
    contact_source(person)?.get("etag")?.as_str()
}

fn not_found(resource_name: &str) -> ApiError {
    ApiError::not_found(format!("Contact {resource_name} was not found."))
}

fn group_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Contact group contactGroups/{id} was not found."))
}

/// The ids of seeded contacts that bring their own resource name.
fn seeded_contact_ids(contacts: &[Value]) -> Result<impl Iterator<Item = u64> + '_, SeedError> {
    for (index, contact) in contacts.iter().enumerate() {
        if let Some(name) = contact.get("resourceName").and_then(Value::as_str) {
            if parse_contact_id(name).is_none() {
                return Err(SeedError::Invalid(format!(
                    "contacts[{index}]: resourceName `{name}` is not `people/c<number>`"
                )));
            }
        }
    }
    Ok(contacts
        .iter()
        .filter_map(|contact| contact.get("resourceName").and_then(Value::as_str))
        .filter_map(parse_contact_id))
}

/// A seeded person that the API only reads (profile, other contact,
/// directory entry): given a resource name, an etag and a source if missing.
fn seed_static(
    value: Value,
    resource_name: impl FnOnce() -> String,
    source_type: &str,
) -> Result<Value, String> {
    let Value::Object(mut person) = value else {
        return Err("not a JSON object".into());
    };
    let resource_name = match person.get("resourceName").and_then(Value::as_str) {
        Some(name) => name.to_owned(),
        None => resource_name(),
    };
    person.insert("resourceName".into(), Value::String(resource_name.clone()));
    if !person.contains_key("etag") {
        person
            .insert("etag".into(), Value::String(format!("%{}", STANDARD.encode(&resource_name))));
    }
    if !person.contains_key("metadata") {
        let id = resource_name.rsplit('/').next().unwrap_or_default();
        person.insert(
            "metadata".into(),
            json!({ "sources": [{ "type": source_type, "id": id }], "objectType": "PERSON" }),
        );
    }
    Ok(Value::Object(person))
}

fn invalid_seed(list: &str, index: usize, error: &ApiError) -> SeedError {
    SeedError::Invalid(format!("{list}[{index}]: {}", error.message))
}

/// The current time in RFC 3339, as `updateTime` fields carry it.
fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
