//! Shared fixtures of the utklar benches (the benches themselves are the `[[bench]]` targets).

use utklar_core::synth::{generate_columns, OwnedColumns, SynthOptions};

/// `n` generated episodes as columns over one year of discharges, all 290 municipalities.
pub fn columns(n: usize) -> OwnedColumns {
    generate_columns(&SynthOptions {
        episodes: n,
        seed: 42,
        ..SynthOptions::default()
    })
}
