//! The decode benchmark's input: a `people.connections.list` page shaped like
//! the API's real answers (sources with etags and update times, field metadata
//! on every entry), built deterministically so that every run decodes the same bytes.

use serde_json::{Value, json};

/// People on the page.
pub const PEOPLE: usize = 1000;

const GIVEN: [&str; 16] = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Dennis",
    "Frances",
    "Ken",
    "Radia",
    "John",
    "Shafi",
    "Tim",
    "Hedy",
];
const FAMILY: [&str; 16] = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Ritchie",
    "Allen",
    "Thompson",
    "Perlman",
    "McCarthy",
    "Goldwasser",
    "Berners-Lee",
    "Lamarr",
];
const CITIES: [(&str, &str, &str, &str); 4] = [
    ("London", "England", "United Kingdom", "GB"),
    ("Zürich", "ZH", "Switzerland", "CH"),
    ("Mountain View", "CA", "United States", "US"),
    ("Montréal", "QC", "Canada", "CA"),
];

/// The page as compact JSON, as the API sends it.
pub fn connections_page() -> String {
    let connections: Vec<Value> = (0..PEOPLE).map(person).collect();
    json!({
        "connections": connections,
        "nextPageToken": token(PEOPLE, 7, 48),
        "totalPeople": PEOPLE * 3,
        "totalItems": PEOPLE * 3,
    })
    .to_string()
}

fn person(index: usize) -> Value {
    let given = GIVEN[index % GIVEN.len()];
    let family = FAMILY[(index / GIVEN.len()) % FAMILY.len()];
    let contact_id = format!("{:x}", mix(index, 1));
    let source = json!({ "type": "CONTACT", "id": contact_id });
    let field = |primary: bool| {
        let mut metadata = json!({ "source": source });
        if primary {
            metadata["primary"] = json!(true);
            metadata["sourcePrimary"] = json!(true);
        }
        metadata
    };
    let mut sources = vec![json!({
        "type": "CONTACT",
        "id": contact_id,
        "etag": format!("#{}", token(index, 2, 16)),
        "updateTime": timestamp(index),
    })];
    if index.is_multiple_of(3) {
        sources.push(json!({
            "type": "PROFILE",
            "id": format!("1{:020}", mix(index, 3) % 10u64.pow(19)),
            "etag": format!("#{}", token(index, 4, 16)),
            "profileMetadata": { "objectType": "PERSON", "userTypes": ["GOOGLE_USER"] },
        }));
    }
    let login = format!("{}.{}{}", given.to_lowercase(), family.to_lowercase(), index);
    let mut emails = vec![json!({
        "metadata": field(true),
        "value": format!("{login}@example.com"),
        "type": "home",
        "formattedType": "Home",
    })];
    if index.is_multiple_of(3) {
        emails.push(json!({
            "metadata": field(false),
            "value": format!("{login}@work.example.org"),
            "type": "work",
            "formattedType": "Work",
        }));
    }
    let digits = mix(index, 5) % 10_000_000;
    let mut phones = vec![json!({
        "metadata": field(true),
        "value": format!("+1 650-{:03}-{:04}", digits / 10_000, digits % 10_000),
        "canonicalForm": format!("+1650{digits:07}"),
        "type": "mobile",
        "formattedType": "Mobile",
    })];
    if index % 4 == 1 {
        phones.push(json!({
            "metadata": field(false),
            "value": format!("020 7946 {:04}", digits % 10_000),
            "canonicalForm": format!("+44207946{:04}", digits % 10_000),
            "type": "work",
            "formattedType": "Work",
        }));
    }
    let (city, region, country, country_code) = CITIES[index % CITIES.len()];
    let street = format!("{} Analytical Engine Road", 1 + index % 200);
    let postal = format!("{:05}", mix(index, 6) % 100_000);
    let mut memberships = vec![json!({
        "metadata": field(false),
        "contactGroupMembership": {
            "contactGroupId": "myContacts",
            "contactGroupResourceName": "contactGroups/myContacts",
        },
    })];
    if index.is_multiple_of(5) {
        memberships.push(json!({
            "metadata": field(false),
            "contactGroupMembership": {
                "contactGroupId": "starred",
                "contactGroupResourceName": "contactGroups/starred",
            },
        }));
    }
    let mut person = json!({
        "resourceName": format!("people/c{}", mix(index, 8) % 10u64.pow(19)),
        "etag": format!("%{}", token(index, 9, 32)),
        "metadata": { "sources": sources, "objectType": "PERSON" },
        "names": [{
            "metadata": field(true),
            "displayName": format!("{given} {family}"),
            "familyName": family,
            "givenName": given,
            "displayNameLastFirst": format!("{family}, {given}"),
            "unstructuredName": format!("{given} {family}"),
        }],
        "photos": [{
            "metadata": field(true),
            "url": format!("https://lh3.googleusercontent.com/cm/{}=s100", token(index, 10, 40)),
            "default": true,
        }],
        "emailAddresses": emails,
        "phoneNumbers": phones,
        "addresses": [{
            "metadata": field(true),
            "formattedValue": format!("{street}\n{city} {region} {postal}\n{country}"),
            "type": "home",
            "formattedType": "Home",
            "streetAddress": street,
            "city": city,
            "region": region,
            "postalCode": postal,
            "country": country,
            "countryCode": country_code,
        }],
        "memberships": memberships,
    });
    if index % 2 == 1 {
        person["organizations"] = json!([{
            "metadata": field(true),
            "name": format!("{family} Computing"),
            "title": "Engineer",
            "type": "work",
            "formattedType": "Work",
        }]);
        person["birthdays"] = json!([{
            "metadata": field(true),
            "date": { "year": 1940 + index % 60, "month": 1 + index % 12, "day": 1 + index % 28 },
        }]);
    }
    person
}

/// An RFC 3339 update time with milliseconds, as the API writes them.
fn timestamp(index: usize) -> String {
    let seed = mix(index, 11);
    format!(
        "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        18 + seed % 7,
        1 + (seed >> 8) % 12,
        1 + (seed >> 16) % 28,
        (seed >> 24) % 24,
        (seed >> 32) % 60,
        (seed >> 40) % 60,
        1 + (seed >> 48) % 999,
    )
}

/// An opaque base64-looking token of `len` characters, like etags and page tokens.
fn token(index: usize, salt: u64, len: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..len)
        .map(|position| {
            let value = mix(index * 131 + position, salt);
            char::from(ALPHABET[(value % 64) as usize])
        })
        .collect()
}

/// splitmix64 of the index and a salt: varied, reproducible digits.
fn mix(index: usize, salt: u64) -> u64 {
    let mut z = (index as u64)
        .wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
