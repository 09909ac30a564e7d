//! The tags a task starts with: those propagated from its task definition or its service
//! (`propagateTags`), then those its launch gives (which win on a key both have), then ECS's
//! managed tags (`enableECSManagedTags`: `aws:ecs:clusterName`, and `aws:ecs:serviceName` for a
//! service's task).

use crate::api::ecs::{self as api, PropagateTags, Tag};
use crate::error::EcsimError;

/// What a launching call asks for its tasks' tags.
#[derive(Default)]
pub(crate) struct TagsAsked<'a> {
    pub given: Option<Vec<Tag>>,
    pub propagate: Option<PropagateTags>,
    pub managed: bool,
    pub cluster: &'a str,
    /// The service the tasks belong to: its name and tags.
    pub service: Option<(&'a str, &'a [Tag])>,
}

fn tag(key: &str, value: &str) -> Tag {
    Tag {
        key: Some(key.into()),
        value: Some(value.into()),
    }
}

impl<'a> TagsAsked<'a> {
    /// For RunTask and StartTask, whose tasks belong to no service.
    pub fn standalone(
        cluster: Option<&'a str>,
        given: Option<Vec<Tag>>,
        propagate: Option<PropagateTags>,
        managed: Option<bool>,
    ) -> TagsAsked<'a> {
        TagsAsked {
            given,
            propagate,
            managed: managed == Some(true),
            cluster: super::cluster_name(cluster),
            service: None,
        }
    }

    /// The tags of a task of a task definition tagged `definition_tags`; None when none were
    /// given and none come from elsewhere (the task shows no `tags` then).
    pub fn resolve(self, definition_tags: &[Tag]) -> Result<Option<Vec<Tag>>, EcsimError> {
        super::names::check_tags(self.given.as_deref())?;
        let propagated: &[Tag] = match (self.propagate, self.service) {
            (Some(PropagateTags::TaskDefinition), _) => definition_tags,
            (Some(PropagateTags::Service), Some((_, tags))) => tags,
            (Some(PropagateTags::Service), None) => {
                return Err(api::Error::InvalidParameterException.with(
                    "propagateTags SERVICE is for a service's tasks: a task run on its own takes TASK_DEFINITION or NONE.",
                ))
            }
            _ => &[],
        };
        let asked = self.given.is_some();
        let given = self.given.unwrap_or_default();
        let mut tags: Vec<Tag> = propagated
            .iter()
            .filter(|t| !given.iter().any(|g| g.key == t.key))
            .cloned()
            .collect();
        tags.extend(given);
        if self.managed {
            tags.push(tag("aws:ecs:clusterName", self.cluster));
            if let Some((name, _)) = self.service {
                tags.push(tag("aws:ecs:serviceName", name));
            }
        }
        Ok((asked || !tags.is_empty()).then_some(tags))
    }
}
