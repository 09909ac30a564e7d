//! Task-level `cpu` and `memory` are strings in the API: plain units ("1024") or unit strings
//! ("1 vCPU", ".25 vcpu", "2 GB", "2gb"), case-insensitive, as RegisterTaskDefinition accepts.

/// CPU units (1 vCPU = 1024 units), or None if the string is not a valid cpu value.
pub fn parse_cpu(text: &str) -> Option<u32> {
    parse_with_unit(text, "vcpu")
}

/// MiB (1 GB = 1024 MiB), or None if the string is not a valid memory value.
pub fn parse_memory(text: &str) -> Option<u32> {
    parse_with_unit(text, "gb")
}

fn parse_with_unit(text: &str, unit: &str) -> Option<u32> {
    let lowered = text.trim().to_ascii_lowercase();
    match lowered.strip_suffix(unit) {
        Some(amount) => {
            let amount = amount.trim_end();
            let valid =
                !amount.is_empty() && amount.chars().all(|c| c.is_ascii_digit() || c == '.');
            let scaled = amount.parse::<f64>().ok().filter(|_| valid)? * 1024.0;
            (scaled.fract() == 0.0 && scaled > 0.0 && scaled <= f64::from(u32::MAX))
                .then_some(scaled as u32)
        }
        None if !lowered.is_empty() && lowered.chars().all(|c| c.is_ascii_digit()) => {
            lowered.parse().ok()
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_accepts_units_and_unit_strings() {
        assert_eq!(parse_cpu("256"), Some(256));
        assert_eq!(parse_cpu("1 vCPU"), Some(1024));
        assert_eq!(parse_cpu(".25 vcpu"), Some(256));
        assert_eq!(parse_cpu("0.5vCPU"), Some(512));
        assert_eq!(parse_cpu("16 VCPU"), Some(16384));
        assert_eq!(parse_cpu("1 GB"), None);
        assert_eq!(parse_cpu("-1"), None);
        assert_eq!(parse_cpu("1e3"), None);
        assert_eq!(parse_cpu(" vcpu"), None);
    }

    #[test]
    fn memory_accepts_mib_and_gb() {
        assert_eq!(parse_memory("512"), Some(512));
        assert_eq!(parse_memory("2 GB"), Some(2048));
        assert_eq!(parse_memory("0.5gb"), Some(512));
        assert_eq!(parse_memory("2 GiB"), None);
        assert_eq!(parse_memory("99999999999"), None);
    }
}
