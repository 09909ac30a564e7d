//! Pagination as the List actions define it: a page size (`maxResults`, `Limit`, `PageSize`)
//! within the action's range and with its default, and an opaque token for the next page. The
//! token is the position of the next item in the listing as it is when that page is asked for.

use crate::error::EcsimError;

/// One action's paging rules.
pub struct Paging {
    /// The member names, for messages (`maxResults`, `nextToken`).
    pub size_member: &'static str,
    pub token_member: &'static str,
    pub default: usize,
    pub max: usize,
}

/// ECS's List actions: 1 to 100 results a page.
pub const ECS: Paging = Paging {
    size_member: "maxResults",
    token_member: "nextToken",
    default: 100,
    max: 100,
};

/// ecsim's ListBusEvents: 1 to 10,000 events a page, all that the bus keeps by default.
pub const BUS: Paging = Paging {
    size_member: "maxResults",
    token_member: "nextToken",
    default: 10_000,
    max: 10_000,
};

/// EventBridge's ListRules and ListTargetsByRule: `Limit` 1 to 100.
pub const EVENTS: Paging = Paging {
    size_member: "Limit",
    token_member: "NextToken",
    default: 100,
    max: 100,
};

/// ELB's Describe actions: `PageSize` 1 to 400, `Marker` and `NextMarker`.
pub const ELBV2: Paging = Paging {
    size_member: "PageSize",
    token_member: "Marker",
    default: 400,
    max: 400,
};

/// Cloud Map's List actions: `MaxResults` 1 to 100 (its model's bounds), `NextToken`.
pub const SERVICEDISCOVERY: Paging = Paging {
    size_member: "MaxResults",
    token_member: "NextToken",
    default: 100,
    max: 100,
};

/// Application Auto Scaling's Describe actions: `MaxResults` 1 to 50, `NextToken`.
pub const APPLICATION_AUTOSCALING: Paging = Paging {
    size_member: "MaxResults",
    token_member: "NextToken",
    default: 50,
    max: 50,
};

const TOKEN_PREFIX: &str = "ecsim-page-";

impl Paging {
    /// The page of `items` that `size` and `token` ask for, and the token of the next one.
    pub fn page<T>(
        &self,
        items: Vec<T>,
        size: Option<i32>,
        token: Option<&str>,
        invalid: impl Fn(String) -> EcsimError,
    ) -> Result<(Vec<T>, Option<String>), EcsimError> {
        let size = match size {
            None => self.default,
            Some(size) => usize::try_from(size)
                .ok()
                .filter(|s| (1..=self.max).contains(s))
                .ok_or_else(|| {
                    invalid(format!(
                        "{} must be between 1 and {}, got {size}.",
                        self.size_member, self.max
                    ))
                })?,
        };
        let start = match token {
            None => 0,
            Some(token) => token
                .strip_prefix(TOKEN_PREFIX)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| n <= items.len())
                .ok_or_else(|| {
                    invalid(format!(
                        "The {} is not one this listing gave.",
                        self.token_member
                    ))
                })?,
        };
        let end = (start + size).min(items.len());
        let next = (end < items.len()).then(|| format!("{TOKEN_PREFIX}{end}"));
        let page = items.into_iter().skip(start).take(end - start).collect();
        Ok((page, next))
    }
}
