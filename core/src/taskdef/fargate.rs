//! The Fargate task size table (Linux and Windows), exactly as the ECS developer guide's
//! "task CPU and memory" page and the RegisterTaskDefinition reference give it.

/// One row: a cpu value and the memory values (MiB) it accepts.
#[derive(Debug, Clone, Copy)]
pub struct FargateSize {
    pub cpu: u32,
    pub memory: Memories,
    /// Rows below 1 vCPU and above 4 vCPU exist only for Linux.
    pub windows: bool,
}

/// The memory values of a row: listed (0.25 vCPU takes 512, 1024 and 2048, not 1536), or
/// `first..=last` by `step`.
#[derive(Debug, Clone, Copy)]
pub enum Memories {
    Listed(&'static [u32]),
    Stepped { first: u32, last: u32, step: u32 },
}

const fn stepped(first: u32, last: u32, step: u32) -> Memories {
    Memories::Stepped { first, last, step }
}

pub const SIZES: [FargateSize; 7] = [
    FargateSize {
        cpu: 256,
        memory: Memories::Listed(&[512, 1024, 2048]),
        windows: false,
    },
    FargateSize {
        cpu: 512,
        memory: stepped(1024, 4096, 1024),
        windows: false,
    },
    FargateSize {
        cpu: 1024,
        memory: stepped(2048, 8192, 1024),
        windows: true,
    },
    FargateSize {
        cpu: 2048,
        memory: stepped(4096, 16384, 1024),
        windows: true,
    },
    FargateSize {
        cpu: 4096,
        memory: stepped(8192, 30720, 1024),
        windows: true,
    },
    FargateSize {
        cpu: 8192,
        memory: stepped(16384, 61440, 4096),
        windows: false,
    },
    FargateSize {
        cpu: 16384,
        memory: stepped(32768, 122880, 8192),
        windows: false,
    },
];

impl FargateSize {
    pub fn memories(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        match self.memory {
            Memories::Listed(values) => Box::new(values.iter().copied()),
            Memories::Stepped { first, last, step } => {
                Box::new((first..=last).step_by(step as usize))
            }
        }
    }

    pub fn accepts(&self, memory: u32) -> bool {
        match self.memory {
            Memories::Listed(values) => values.contains(&memory),
            Memories::Stepped { first, last, step } => {
                (first..=last).contains(&memory) && (memory - first) % step == 0
            }
        }
    }

    /// The valid memory closest to `memory` (the smaller one on a tie).
    pub fn nearest_memory(&self, memory: u32) -> u32 {
        self.memories()
            .min_by_key(|candidate| candidate.abs_diff(memory))
            .unwrap_or(memory)
    }

    /// "512, 1024, 2048" or "2048 to 8192 in steps of 1024".
    pub fn describe_memories(&self) -> String {
        match self.memory {
            Memories::Stepped { first, last, step } if (last - first) / step >= 4 => {
                format!("{first} to {last} in steps of {step}")
            }
            _ => self
                .memories()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The row for a cpu value, on Windows or Linux.
pub fn size_for_cpu(cpu: u32, windows: bool) -> Option<&'static FargateSize> {
    SIZES
        .iter()
        .find(|size| size.cpu == cpu && (size.windows || !windows))
}

/// The cpu values that accept `memory` (MiB), on Windows or Linux.
pub fn cpus_for_memory(memory: u32, windows: bool) -> Vec<u32> {
    SIZES
        .iter()
        .filter(|size| (size.windows || !windows) && size.accepts(memory))
        .map(|size| size.cpu)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_documented_rows() {
        let count = |cpu| size_for_cpu(cpu, false).map(|s| s.memories().count());
        assert_eq!(count(256), Some(3));
        assert_eq!(count(512), Some(4));
        assert_eq!(count(1024), Some(7));
        assert_eq!(count(2048), Some(13));
        assert_eq!(count(4096), Some(23));
        assert_eq!(count(8192), Some(12));
        assert_eq!(count(16384), Some(12));
        assert!(size_for_cpu(256, true).is_none());
        assert!(size_for_cpu(8192, true).is_none());
        assert!(size_for_cpu(4096, true).is_some_and(|s| s.accepts(30720)));
    }

    #[test]
    fn nearest_memory_rounds_to_the_grid() {
        let size = size_for_cpu(8192, false).unwrap();
        assert_eq!(size.nearest_memory(17000), 16384);
        assert_eq!(size.nearest_memory(19000), 20480);
        assert_eq!(size.nearest_memory(1), 16384);
        assert_eq!(size.nearest_memory(999_999), 61440);
        assert_eq!(cpus_for_memory(2048, false), vec![256, 512, 1024]);
        assert_eq!(cpus_for_memory(2048, true), vec![1024]);
    }
}
