//! The names, tags and texts whose limits the ECS API documents, checked before a call changes
//! anything: a name reaches ARNs and event messages, and a 10 MB stop reason or 100,000 tags
//! would only grow the state.

use crate::api::ecs as api;
use crate::error::EcsimError;

/// ECS allows 50 tags per resource.
pub const MAX_TAGS: usize = 50;
/// StopTask's reason: "Up to 255 characters are allowed in this message."
pub const MAX_REASON_CHARS: usize = 255;

/// Service names: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
/// hyphens are allowed" (CreateService), as cluster names.
pub fn check_service_name(name: &str) -> Result<(), EcsimError> {
    check_name("Service name", name)
}

/// ECS's rule for the names of services, daemons and gateways: up to 255 letters, numbers,
/// underscores and hyphens; `what` names the member in the error.
pub fn check_name(what: &str, name: &str) -> Result<(), EcsimError> {
    let valid = (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        return Ok(());
    }
    Err(api::Error::InvalidParameterException.with(format!(
        "{what} can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens."
    )))
}

/// Tags as ECS limits them: 50 per resource, keys 1 to 128 characters and unique, values up to
/// 256, and neither may start with `aws:` in any case (reserved for AWS).
pub fn check_tags(tags: Option<&[api::Tag]>) -> Result<(), EcsimError> {
    let tags = tags.unwrap_or_default();
    let invalid = |message: String| Err(api::Error::InvalidParameterException.with(message));
    if tags.len() > MAX_TAGS {
        return invalid(format!(
            "A resource can have at most {MAX_TAGS} tags; {} were given.",
            tags.len()
        ));
    }
    for (index, tag) in tags.iter().enumerate() {
        let key = tag.key.as_deref().unwrap_or_default();
        let value = tag.value.as_deref().unwrap_or_default();
        if !(1..=128).contains(&key.chars().count()) {
            return invalid(format!("tags[{index}].key must be 1 to 128 characters."));
        }
        if value.chars().count() > 256 {
            return invalid(format!(
                "tags[{index}].value must be at most 256 characters."
            ));
        }
        for (what, text) in [("key", key), ("value", value)] {
            if text
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
            {
                return invalid(format!(
                    "tags[{index}].{what} '{text}' starts with aws:, which is reserved for AWS use."
                ));
            }
        }
        if tags[..index].iter().any(|t| t.key.as_deref() == Some(key)) {
            return invalid(format!("tags[{index}].key '{key}' is given twice."));
        }
    }
    Ok(())
}

/// StopTask's reason, up to 255 characters.
pub fn check_reason(reason: Option<&str>) -> Result<(), EcsimError> {
    match reason {
        Some(reason) if reason.chars().count() > MAX_REASON_CHARS => {
            Err(api::Error::InvalidParameterException.with(format!(
                "reason can have up to {MAX_REASON_CHARS} characters; {} were given.",
                reason.chars().count()
            )))
        }
        _ => Ok(()),
    }
}
