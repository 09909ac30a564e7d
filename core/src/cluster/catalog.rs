//! The EC2 instance types ecsim knows, with what ECS registers for them.
//!
//! CPU: 1,024 units per vCPU. Memory: ECS registers what the kernel reports (MemTotal), which is
//! below the physical memory. ecsim models the kernel's share as 1/50 of physical memory plus
//! 9 MiB, calibrated on the published figures of a t2.micro (1 GiB → 995 MiB, ECS developer
//! guide sample) and a c4.2xlarge (15 GiB → 15,043 MiB, amazon-ecs-agent#399): within 1 MiB of
//! both. Real AMIs differ by a few MiB; `totalResources` overrides it.

/// The processor architecture, as the `ecs.cpu-architecture` attribute spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Architecture {
    X86_64,
    Arm64,
}

impl Architecture {
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpus: u32,
    /// Physical memory, MiB.
    pub memory_mib: u32,
    /// Elastic network interfaces, the primary one included.
    pub max_enis: u32,
    pub gpus: u32,
    pub architecture: Architecture,
}

impl InstanceType {
    pub fn registered_cpu(&self) -> u32 {
        self.vcpus * 1024
    }

    pub fn registered_memory(&self) -> u32 {
        self.memory_mib - (self.memory_mib / 50 + 9)
    }

    /// The type as the bindings list it (`instanceTypes()`): what it is and what ECS registers.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "vcpus": self.vcpus,
            "memoryMiB": self.memory_mib,
            "maxEnis": self.max_enis,
            "gpus": self.gpus,
            "architecture": self.architecture.as_str(),
            "registeredCpu": self.registered_cpu(),
            "registeredMemory": self.registered_memory(),
        })
    }
}

const fn entry(
    name: &'static str,
    vcpus: u32,
    gib: u32,
    max_enis: u32,
    gpus: u32,
    architecture: Architecture,
) -> InstanceType {
    InstanceType {
        name,
        vcpus,
        memory_mib: gib * 1024,
        max_enis,
        gpus,
        architecture,
    }
}

const fn x86(name: &'static str, vcpus: u32, gib: u32, max_enis: u32) -> InstanceType {
    entry(name, vcpus, gib, max_enis, 0, Architecture::X86_64)
}

const fn arm(name: &'static str, vcpus: u32, gib: u32, max_enis: u32) -> InstanceType {
    entry(name, vcpus, gib, max_enis, 0, Architecture::Arm64)
}

const fn gpu(name: &'static str, vcpus: u32, gib: u32, max_enis: u32, gpus: u32) -> InstanceType {
    entry(name, vcpus, gib, max_enis, gpus, Architecture::X86_64)
}

/// Every type of the catalog as the bindings list it (`instanceTypes()`).
pub fn catalog_json() -> serde_json::Value {
    CATALOG.iter().map(InstanceType::to_json).collect()
}

/// General purpose (m5, m6i, m7i), burstable (t2, t3, t4g), compute (c5, c6i), memory (r5, r6i),
/// Graviton (m6g, m7g, c7g, r7g, t4g) and GPU (g4dn, g5, p3, p4d) families.
pub const CATALOG: &[InstanceType] = &[
    x86("t2.micro", 1, 1, 2),
    x86("t3.micro", 2, 1, 2),
    x86("t3.small", 2, 2, 3),
    x86("t3.medium", 2, 4, 3),
    x86("t3.large", 2, 8, 3),
    x86("t3.xlarge", 4, 16, 4),
    arm("t4g.micro", 2, 1, 2),
    arm("t4g.small", 2, 2, 3),
    arm("t4g.medium", 2, 4, 3),
    arm("t4g.large", 2, 8, 3),
    arm("t4g.xlarge", 4, 16, 4),
    x86("m5.large", 2, 8, 3),
    x86("m5.xlarge", 4, 16, 4),
    x86("m5.2xlarge", 8, 32, 4),
    x86("m5.4xlarge", 16, 64, 8),
    x86("m6i.large", 2, 8, 3),
    x86("m6i.xlarge", 4, 16, 4),
    x86("m6i.2xlarge", 8, 32, 4),
    x86("m6i.4xlarge", 16, 64, 8),
    x86("m7i.large", 2, 8, 3),
    x86("m7i.xlarge", 4, 16, 4),
    x86("m7i.2xlarge", 8, 32, 4),
    arm("m6g.large", 2, 8, 3),
    arm("m6g.xlarge", 4, 16, 4),
    arm("m6g.2xlarge", 8, 32, 4),
    arm("m7g.large", 2, 8, 3),
    arm("m7g.xlarge", 4, 16, 4),
    arm("m7g.2xlarge", 8, 32, 4),
    x86("c5.large", 2, 4, 3),
    x86("c5.xlarge", 4, 8, 4),
    x86("c5.2xlarge", 8, 16, 4),
    x86("c5.4xlarge", 16, 32, 8),
    x86("c6i.large", 2, 4, 3),
    x86("c6i.xlarge", 4, 8, 4),
    x86("c6i.2xlarge", 8, 16, 4),
    arm("c7g.large", 2, 4, 3),
    arm("c7g.xlarge", 4, 8, 4),
    arm("c7g.2xlarge", 8, 16, 4),
    x86("r5.large", 2, 16, 3),
    x86("r5.xlarge", 4, 32, 4),
    x86("r5.2xlarge", 8, 64, 4),
    x86("r6i.large", 2, 16, 3),
    x86("r6i.xlarge", 4, 32, 4),
    arm("r7g.large", 2, 16, 3),
    arm("r7g.xlarge", 4, 32, 4),
    gpu("g4dn.xlarge", 4, 16, 3, 1),
    gpu("g4dn.2xlarge", 8, 32, 3, 1),
    gpu("g4dn.12xlarge", 48, 192, 8, 4),
    gpu("g5.xlarge", 4, 16, 4, 1),
    gpu("g5.2xlarge", 8, 32, 4, 1),
    gpu("g5.12xlarge", 48, 192, 15, 4),
    gpu("p3.2xlarge", 8, 61, 4, 1),
    gpu("p4d.24xlarge", 96, 1152, 60, 8),
];

/// The instance type of that name.
pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    CATALOG.iter().find(|t| t.name == name)
}

/// The `count` catalog names closest to `name` (edit distance, then catalog order).
pub fn nearest(name: &str, count: usize) -> Vec<&'static str> {
    let mut names: Vec<(usize, usize, &'static str)> = CATALOG
        .iter()
        .enumerate()
        .map(|(index, t)| (strsim::levenshtein(name, t.name), index, t.name))
        .collect();
    names.sort_unstable();
    names.into_iter().take(count).map(|(_, _, n)| n).collect()
}

/// The architecture of a type the catalog lacks, read from its name: Graviton families carry a
/// `g` after their generation digit (`m7g`, `c6gn`, `r8gd`, `is4gen`); others are x86_64
/// (ecsim's convention, for instances registered with only their resources).
pub fn architecture_of(name: &str) -> Architecture {
    let family = name.split('.').next().unwrap_or_default();
    let after_generation = family
        .find(|c: char| c.is_ascii_digit())
        .map(|digit| &family[digit..])
        .map(|rest| rest.trim_start_matches(|c: char| c.is_ascii_digit()));
    match after_generation {
        Some(suffix) if suffix.contains('g') => Architecture::Arm64,
        // The first Graviton family.
        _ if family == "a1" => Architecture::Arm64,
        _ => Architecture::X86_64,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn graviton_families_are_read_from_the_name() {
        use super::{architecture_of, Architecture::*};
        for (name, expected) in [
            ("m7g.large", Arm64),
            ("c6gn.xlarge", Arm64),
            ("is4gen.large", Arm64),
            ("g5g.xlarge", Arm64),
            ("g5.xlarge", X86_64),
            ("m5dn.large", X86_64),
            ("t3a.large", X86_64),
            ("m7i-flex.large", X86_64),
        ] {
            assert_eq!(architecture_of(name), expected, "{name}");
        }
    }

    use super::*;

    #[test]
    fn registered_memory_matches_the_published_figures() {
        assert_eq!(instance_type("t2.micro").unwrap().registered_memory(), 995);
        let c4_2xlarge = x86("c4.2xlarge", 8, 15, 4);
        assert!(c4_2xlarge.registered_memory().abs_diff(15043) <= 1);
    }

    #[test]
    fn names_are_unique_and_values_sane() {
        for (index, entry) in CATALOG.iter().enumerate() {
            assert!(
                CATALOG[..index]
                    .iter()
                    .all(|other| other.name != entry.name),
                "{}",
                entry.name
            );
            assert!(entry.max_enis >= 2 && entry.registered_memory() < entry.memory_mib);
        }
        assert_eq!(
            instance_type("m6g.large").unwrap().architecture.as_str(),
            "arm64"
        );
        assert_eq!(instance_type("p4d.24xlarge").unwrap().gpus, 8);
        assert_eq!(instance_type("m5.large").unwrap().registered_cpu(), 2048);
    }
}
