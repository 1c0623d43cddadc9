//! Helpers the engine's integration tests share.

#![allow(dead_code)] // Each test file uses what it needs.

/// serde_json writes NaN and infinity as null: a null anywhere in a report is a failure.
pub fn assert_all_numbers_finite(value: &serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite), "{n}"),
        serde_json::Value::Array(items) => items.iter().for_each(assert_all_numbers_finite),
        serde_json::Value::Object(map) => map.values().for_each(assert_all_numbers_finite),
        serde_json::Value::Null => panic!("null in a report (NaN or infinity?)"),
        serde_json::Value::Bool(_) | serde_json::Value::String(_) => {}
    }
}

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants): property checks over many
/// inputs, the same ones on every run and platform.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() as usize) % items.len()]
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i as u64 + 1) as usize);
        }
    }
}

/// 100,000 DCGM rows: 8 GPUs, 12,500 one-minute samples each (the importer's large-file test and
/// its benchmark read the same file).
pub fn hundred_thousand_dcgm_rows() -> String {
    dcgm_rows(100_000)
}

/// `rows` DCGM samples of eight GPUs a minute apart (`hundred_thousand_dcgm_rows` for any count).
pub fn dcgm_rows(rows: u64) -> String {
    let mut text = String::from("timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n");
    for row in 0..rows {
        let (minute, gpu) = (row / 8, row % 8);
        let utilization = (minute * 7 + gpu * 13) % 101;
        text.push_str(&format!(
            "{},{gpu},{utilization},{}\n",
            1_714_564_800 + minute * 60,
            1000 + gpu * 100
        ));
    }
    text
}
