//! FNV-1a, 64 bits: a small hash that is the same on every platform, for the snapshot checksums,
//! the seeds of read-only shuffles, and the ids ecsim derives instead of drawing them from the
//! simulation's generator.

pub(crate) struct Fnv(pub(crate) u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// `len` URL-safe characters (`A–Z a–z 0–9 _ -`) spun from `seed`: the shape of ECS's hook,
/// daemon deployment and similar ids.
pub(crate) fn url_safe_id(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ALPHABET[(state >> 58) as usize] as char
        })
        .collect()
}

/// 16 hex digits hashed from `parts` (each ended by `/`).
pub(crate) fn hex_id(parts: &[&str]) -> String {
    let mut hash = Fnv::new();
    for part in parts {
        hash.bytes(part.as_bytes());
        hash.bytes(b"/");
    }
    format!("{:016x}", hash.0)
}
