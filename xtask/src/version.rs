//! Crate versions as Cargo compares them: what `release-check` requires of a
//! breaking change and what `bump` moves to are decided here, once.

use std::fmt;

/// A `MAJOR.MINOR.PATCH` version; a pre-release or build suffix is read and
/// left out of comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(text: &str) -> Result<Version, String> {
        let not_a_version = || format!("`{text}` is not a MAJOR.MINOR.PATCH version");
        let core = text.split(['-', '+']).next().unwrap_or(text);
        let parts: Vec<u64> = core
            .split('.')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| not_a_version())?;
        match parts.as_slice() {
            [major, minor, patch] => Ok(Version { major: *major, minor: *minor, patch: *patch }),
            _ => Err(not_a_version()),
        }
    }

    /// The first version Cargo treats as incompatible with this one: the next
    /// major, or below 1.0 the next minor (`0.2.0` -> `0.3.0`).
    pub fn next_breaking(self) -> Version {
        if self.major == 0 { self.next_minor() } else { self.next_major() }
    }

    /// Whether Cargo would refuse `self` for a requirement written for `old`.
    pub fn breaks_from(self, old: Version) -> bool {
        self >= old.next_breaking()
    }

    pub fn next_major(self) -> Version {
        Version { major: self.major + 1, minor: 0, patch: 0 }
    }

    pub fn next_minor(self) -> Version {
        Version { major: self.major, minor: self.minor + 1, patch: 0 }
    }

    pub fn next_patch(self) -> Version {
        Version { major: self.major, minor: self.minor, patch: self.patch + 1 }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn below_1_0_the_minor_breaks_and_from_1_0_the_major() {
        assert_eq!(version("0.2.0").next_breaking(), version("0.3.0"));
        assert_eq!(version("0.2.7").next_breaking(), version("0.3.0"));
        assert_eq!(version("1.4.2").next_breaking(), version("2.0.0"));
        assert!(version("0.3.0").breaks_from(version("0.2.0")));
        assert!(version("1.0.0").breaks_from(version("0.2.0")));
        assert!(!version("0.2.1").breaks_from(version("0.2.0")));
        assert!(!version("1.5.0").breaks_from(version("1.4.2")));
    }

    #[test]
    fn suffixes_are_read_and_anything_else_refused() {
        assert_eq!(version("0.3.0-rc.1+build5"), version("0.3.0"));
        assert!(Version::parse("0.3").is_err());
        assert!(Version::parse("one").is_err());
    }
}
