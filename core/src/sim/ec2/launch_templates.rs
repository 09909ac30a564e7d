//! Launch templates and their versions: what an instance a group launches is (type, image, user
//! data, tags). A version's data is kept as EC2 was given it and shown back as EC2 shows it.

use super::{api, invalid, page, read_filters, tags_for};
use crate::api::from_json::FromJson;
use crate::error::EcsimError;
use crate::sim::World;
use serde_json::Value;
use std::sync::Arc;

/// EC2's quotas (Service Quotas, "Launch templates"): 5,000 templates a region, 10,000 versions
/// a template. They also bound what a loop of calls can make the simulation keep.
const MAX_TEMPLATES: usize = 5_000;
const MAX_VERSIONS: usize = 10_000;

#[derive(Clone, Default)]
pub struct LaunchTemplates {
    templates: Vec<Template>,
}

#[derive(Clone)]
struct Template {
    id: String,
    name: String,
    created: f64,
    default_version: i64,
    versions: Vec<Version>,
    tags: Vec<api::Tag>,
}

#[derive(Clone)]
struct Version {
    number: i64,
    description: Option<String>,
    created: f64,
    data: Arc<Value>,
}

/// A launch template version as an instance is launched from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub data: Arc<Value>,
}

impl Resolved {
    fn text(&self, member: &str) -> Option<String> {
        self.data
            .get(member)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    pub fn instance_type(&self) -> Option<String> {
        self.text("InstanceType")
    }

    pub fn image_id(&self) -> Option<String> {
        self.text("ImageId")
    }

    /// The user data, base64 as EC2 takes it.
    pub fn user_data(&self) -> Option<String> {
        self.text("UserData")
    }

    /// The tags the version gives the instances it launches.
    pub fn instance_tags(&self) -> Vec<(String, String)> {
        let specifications = self.data.get("TagSpecifications").and_then(Value::as_array);
        specifications
            .into_iter()
            .flatten()
            .filter(|s| s.get("ResourceType").and_then(Value::as_str) == Some("instance"))
            .flat_map(|s| {
                s.get("Tags")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|t| {
                let key = t.get("Key")?.as_str()?.to_string();
                let value = t.get("Value").and_then(Value::as_str).unwrap_or_default();
                Some((key, value.to_string()))
            })
            .collect()
    }
}

/// A reference to a template: by id or by name, and a version (`$Default` unless given).
pub struct Reference<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub version: Option<&'a str>,
}

impl LaunchTemplates {
    fn find(&self, id: Option<&str>, name: Option<&str>) -> Result<usize, EcsimError> {
        match (id, name) {
            (Some(_), Some(_)) => Err(api::Error::InvalidParameterCombination
                .with("Both a launch template ID and a launch template name were specified. Specify one or the other.")),
            (None, None) => Err(api::Error::MissingParameter
                .with("The request must contain the parameter launchTemplateName or launchTemplateId")),
            (Some(id), None) => self.templates.iter().position(|t| t.id == id).ok_or_else(|| {
                api::Error::InvalidLaunchTemplateIdNotFound
                    .with(format!("The specified launch template, with template ID {id}, does not exist."))
            }),
            (None, Some(name)) => self.templates.iter().position(|t| t.name == name).ok_or_else(|| {
                api::Error::InvalidLaunchTemplateNameNotFoundException
                    .with(format!("The specified launch template, with template name {name}, does not exist."))
            }),
        }
    }

    /// The version a reference names, as the instances launched from it get it.
    pub fn resolve(&self, reference: &Reference) -> Result<Resolved, EcsimError> {
        let template = &self.templates[self.find(reference.id, reference.name)?];
        let number = template.version_number(reference.version.unwrap_or("$Default"))?;
        let version = &template.versions[template.index_of(number)?];
        Ok(Resolved {
            id: template.id.clone(),
            name: template.name.clone(),
            version: number,
            data: Arc::clone(&version.data),
        })
    }
}

impl Template {
    fn latest(&self) -> i64 {
        self.versions.last().map_or(1, |v| v.number)
    }

    fn version_number(&self, version: &str) -> Result<i64, EcsimError> {
        match version {
            "$Default" => Ok(self.default_version),
            "$Latest" => Ok(self.latest()),
            number => number.parse::<i64>().map_err(|_| {
                invalid(format!(
                    "The version '{number}' is not a number, $Latest or $Default."
                ))
            }),
        }
    }

    fn index_of(&self, number: i64) -> Result<usize, EcsimError> {
        self.versions
            .iter()
            .position(|v| v.number == number)
            .ok_or_else(|| {
                api::Error::InvalidLaunchTemplateIdVersionNotFound.with(format!(
                    "Could not find launch template version {number} for the launch template with ID {}.",
                    self.id
                ))
            })
    }

    fn to_api(&self, account: &str) -> api::LaunchTemplate {
        api::LaunchTemplate {
            launch_template_id: Some(self.id.clone()),
            launch_template_name: Some(self.name.clone()),
            create_time: Some(self.created),
            created_by: Some(created_by(account)),
            default_version_number: Some(self.default_version),
            latest_version_number: Some(self.latest()),
            tags: (!self.tags.is_empty()).then(|| self.tags.clone()),
            ..Default::default()
        }
    }

    fn version_to_api(&self, account: &str, version: &Version) -> api::LaunchTemplateVersion {
        api::LaunchTemplateVersion {
            launch_template_id: Some(self.id.clone()),
            launch_template_name: Some(self.name.clone()),
            version_number: Some(version.number),
            version_description: version.description.clone(),
            create_time: Some(version.created),
            created_by: Some(created_by(account)),
            default_version: Some(version.number == self.default_version),
            launch_template_data: api::ResponseLaunchTemplateData::from_json(
                (*version.data).clone(),
            ),
            ..Default::default()
        }
    }
}

fn created_by(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

fn data_of(data: Option<&api::RequestLaunchTemplateData>) -> Result<Value, EcsimError> {
    if let Some(user_data) = data.and_then(|d| d.user_data.as_deref()) {
        super::instances::check_user_data(user_data)?;
    }
    serde_json::to_value(data.cloned().unwrap_or_default())
        .map_err(|e| invalid(format!("LaunchTemplateData: {e}")))
}

pub fn create_launch_template(
    world: &mut World,
    request: api::CreateLaunchTemplateRequest,
) -> Result<api::CreateLaunchTemplateResult, EcsimError> {
    let name = request.launch_template_name.clone().unwrap_or_default();
    if world
        .ec2
        .launch_templates
        .templates
        .iter()
        .any(|t| t.name == name)
    {
        return Err(api::Error::InvalidLaunchTemplateNameAlreadyExistsException
            .with("Launch template name already in use."));
    }
    if world.ec2.launch_templates.templates.len() >= MAX_TEMPLATES {
        return Err(invalid(format!(
            "You have reached the maximum of {MAX_TEMPLATES} launch templates in this region."
        )));
    }
    let data = data_of(request.launch_template_data.as_ref())?;
    let id = format!("lt-{}", world.random_hex(17));
    let now = world.now;
    let template = Template {
        id,
        name,
        created: now,
        default_version: 1,
        versions: vec![Version {
            number: 1,
            description: request.version_description,
            created: now,
            data: Arc::new(data),
        }],
        tags: tags_for(request.tag_specifications.as_deref(), "launch-template"),
    };
    let answer = template.to_api(&world.config.account_id);
    world.ec2.launch_templates.templates.push(template);
    Ok(api::CreateLaunchTemplateResult {
        launch_template: Some(answer),
        warning: None,
    })
}

pub fn create_launch_template_version(
    world: &mut World,
    request: api::CreateLaunchTemplateVersionRequest,
) -> Result<api::CreateLaunchTemplateVersionResult, EcsimError> {
    let templates = &world.ec2.launch_templates;
    let index = templates.find(
        request.launch_template_id.as_deref(),
        request.launch_template_name.as_deref(),
    )?;
    let template = &templates.templates[index];
    if template.versions.len() >= MAX_VERSIONS {
        return Err(invalid(format!(
            "Launch template {} has the maximum of {MAX_VERSIONS} versions.",
            template.id
        )));
    }
    let mut data = data_of(request.launch_template_data.as_ref())?;
    if let Some(source) = &request.source_version {
        let number = template.version_number(source)?;
        let base = &template.versions[template.index_of(number)?].data;
        // The new version is the source's data with the given members replacing its own.
        let mut merged = (**base).clone();
        if let (Some(merged), Value::Object(given)) = (merged.as_object_mut(), &mut data) {
            merged.append(given);
        }
        data = merged;
    }
    let now = world.now;
    let template = &mut world.ec2.launch_templates.templates[index];
    let version = Version {
        number: template.latest() + 1,
        description: request.version_description,
        created: now,
        data: Arc::new(data),
    };
    let answer = template.version_to_api(&world.config.account_id, &version);
    template.versions.push(version);
    Ok(api::CreateLaunchTemplateVersionResult {
        launch_template_version: Some(answer),
        warning: None,
    })
}

pub fn describe_launch_templates(
    world: &mut World,
    request: api::DescribeLaunchTemplatesRequest,
) -> Result<api::DescribeLaunchTemplatesResult, EcsimError> {
    let filters = read_filters(request.filters, &["launch-template-name", "tag:"])?;
    let ids = request.launch_template_ids.unwrap_or_default();
    let names = request.launch_template_names.unwrap_or_default();
    let templates = &world.ec2.launch_templates.templates;
    if let Some(id) = ids
        .iter()
        .find(|id| !templates.iter().any(|t| &t.id == *id))
    {
        return Err(api::Error::InvalidLaunchTemplateIdNotFound.with(format!(
            "The specified launch template, with template ID {id}, does not exist."
        )));
    }
    if names
        .iter()
        .any(|name| !templates.iter().any(|t| &t.name == name))
    {
        return Err(api::Error::InvalidLaunchTemplateNameNotFoundException.with(
            "At least one of the launch templates specified in the request does not exist.",
        ));
    }
    let listed: Vec<api::LaunchTemplate> = templates
        .iter()
        .filter(|t| ids.is_empty() || ids.contains(&t.id))
        .filter(|t| names.is_empty() || names.contains(&t.name))
        .filter(|t| {
            filters.pass(|name| match name.strip_prefix("tag:") {
                None => vec![t.name.clone()],
                Some(key) => t
                    .tags
                    .iter()
                    .filter(|tag| tag.key.as_deref() == Some(key))
                    .filter_map(|tag| tag.value.clone())
                    .collect(),
            })
        })
        .map(|t| t.to_api(&world.config.account_id))
        .collect();
    let (listed, next_token) = page(listed, request.max_results, request.next_token.as_deref())?;
    Ok(api::DescribeLaunchTemplatesResult {
        launch_templates: Some(listed),
        next_token,
    })
}

pub fn describe_launch_template_versions(
    world: &mut World,
    request: api::DescribeLaunchTemplateVersionsRequest,
) -> Result<api::DescribeLaunchTemplateVersionsResult, EcsimError> {
    read_filters(request.filters, &[])?;
    let templates = &world.ec2.launch_templates;
    let template = &templates.templates[templates.find(
        request.launch_template_id.as_deref(),
        request.launch_template_name.as_deref(),
    )?];
    let wanted: Vec<i64> = request
        .versions
        .iter()
        .flatten()
        .map(|v| template.version_number(v))
        .collect::<Result<_, _>>()?;
    let bound = |given: &Option<String>| -> Result<Option<i64>, EcsimError> {
        given
            .as_deref()
            .map(|v| template.version_number(v))
            .transpose()
    };
    let (low, high) = (bound(&request.min_version)?, bound(&request.max_version)?);
    let versions: Vec<api::LaunchTemplateVersion> = template
        .versions
        .iter()
        .filter(|v| wanted.is_empty() || wanted.contains(&v.number))
        .filter(|v| {
            low.is_none_or(|low| v.number >= low) && high.is_none_or(|high| v.number <= high)
        })
        .map(|v| template.version_to_api(&world.config.account_id, v))
        .collect();
    let (versions, next_token) =
        page(versions, request.max_results, request.next_token.as_deref())?;
    Ok(api::DescribeLaunchTemplateVersionsResult {
        launch_template_versions: Some(versions),
        next_token,
    })
}

pub fn delete_launch_template(
    world: &mut World,
    request: api::DeleteLaunchTemplateRequest,
) -> Result<api::DeleteLaunchTemplateResult, EcsimError> {
    let index = world.ec2.launch_templates.find(
        request.launch_template_id.as_deref(),
        request.launch_template_name.as_deref(),
    )?;
    let answer = world.ec2.launch_templates.templates[index].to_api(&world.config.account_id);
    world.ec2.launch_templates.templates.remove(index);
    Ok(api::DeleteLaunchTemplateResult {
        launch_template: Some(answer),
    })
}
