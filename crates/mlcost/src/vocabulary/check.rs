//! Input checks shared by every part of the engine: each names the field it rejects.

use crate::vocabulary::error::{Error, Problem};

/// `value` if it is not zero: a count of accelerators, sequences or stages.
pub(crate) fn positive_count(field: &str, value: u32) -> Result<u32, Error> {
    if value == 0 { Err(Error::new(field, Problem::MustBePositive)) } else { Ok(value) }
}

/// A finite number > 0.
pub(crate) fn positive(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        Err(Error::new(field, Problem::NotFinite))
    } else if value <= 0.0 {
        Err(Error::new(field, Problem::MustBePositive))
    } else {
        Ok(value)
    }
}

/// A finite number ≥ 0.
pub(crate) fn non_negative(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        Err(Error::new(field, Problem::NotFinite))
    } else if value < 0.0 {
        Err(Error::new(field, Problem::Negative))
    } else {
        Ok(value)
    }
}

/// A count (parameters, tokens, samples): at least one, since a fraction of one means nothing and
/// would let results underflow to zero.
pub(crate) fn at_least_one(field: &str, value: f64) -> Result<f64, Error> {
    let value = positive(field, value)?;
    if value < 1.0 { Err(Error::new(field, Problem::AtLeast(1.0))) } else { Ok(value) }
}

/// A fraction in (0, 1].
pub(crate) fn fraction(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        Err(Error::new(field, Problem::NotFinite))
    } else if value <= 0.0 || value > 1.0 {
        Err(Error::new(field, Problem::OutOfRange { min: 0.0, max: 1.0 }))
    } else {
        Ok(value)
    }
}

/// A ceiling no real scenario reaches: a value above it is a slip of the keyboard (a missing
/// decimal point, an extra exponent digit), and estimating it would print nonsense.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ceiling {
    pub max: f64,
    pub unit: &'static str,
    pub why: &'static str,
}

/// Training tokens: Qwen3, among the largest published pre-training runs, used about 36 trillion
/// (Qwen3 Technical Report, arXiv 2505.09388, §3).
pub(crate) const MAX_TRAINING_TOKENS: Ceiling = Ceiling {
    max: 1e16,
    unit: "tokens",
    why: "over 250 times the 36 trillion of the largest published training runs",
};

/// Accelerators in one run or replica set: 2^20, the right-sizing search's own bound.
pub(crate) const MAX_ACCELERATORS: Ceiling = Ceiling {
    max: 1_048_576.0,
    unit: "accelerators",
    why: "no cluster comes near a million accelerators",
};

/// A price per accelerator-hour: the catalogue's on-demand prices are a few dollars to a few
/// tens of dollars.
pub(crate) const MAX_PRICE_PER_ACCELERATOR_HOUR: Ceiling = Ceiling {
    max: 1_000.0,
    unit: "USD an accelerator-hour",
    why: "far above any cloud's price; check the decimal point",
};

/// Parameters: Switch-C (arXiv 2101.03961), among the largest published, has 1.6 trillion.
pub(crate) const MAX_PARAMETERS: Ceiling = Ceiling {
    max: 1e15,
    unit: "parameters",
    why: "over 600 times the largest published models (1.6 trillion)",
};

/// FLOPs per sample of a non-transformer model: a thousand times a 1.6T model's 6·N per token.
pub(crate) const MAX_FLOPS_PER_SAMPLE: Ceiling =
    Ceiling { max: 1e16, unit: "FLOPs", why: "far beyond any published model's" };

/// Data-centre PUE: the industry's average is about 1.58 (Uptime Institute survey, 2023).
pub(crate) const MAX_PUE: Ceiling =
    Ceiling { max: 4.0, unit: "", why: "over twice the industry's average of about 1.58" };

/// A grid's carbon intensity: coal-fired generation emits about 1,000 g CO2e per kWh, the dirtiest
/// national grids about 700–800 (Ember 2024).
pub(crate) const MAX_GRAMS_CO2E_PER_KWH: Ceiling =
    Ceiling { max: 2_000.0, unit: "g CO2e/kWh", why: "twice coal-fired generation's" };

/// A duration in hours (a node's mean time between failures, say): a hundred years.
pub(crate) const MAX_HOURS: Ceiling =
    Ceiling { max: 876_600.0, unit: "hours", why: "a hundred years" };

/// A duration in minutes (a restart, a checkpoint interval): a year.
pub(crate) const MAX_MINUTES: Ceiling = Ceiling { max: 525_600.0, unit: "minutes", why: "a year" };

/// Checkpoint write bandwidth per node: the fastest parallel file systems deliver a few TB/s to a
/// whole cluster, not to one node.
pub(crate) const MAX_WRITE_GBPS: Ceiling =
    Ceiling { max: 10_000.0, unit: "GB/s", why: "beyond any node's storage link" };

/// A machine's network to the others: the fastest link an instance is sold with today is
/// 6,400 Gbps (AWS p6-b300); five times that leaves room for what comes next and refuses a
/// figure in the wrong unit.
pub(crate) const MAX_NETWORK_GBPS: Ceiling = Ceiling {
    max: 32_000.0,
    unit: "Gbps",
    why: "five times the fastest link an instance is sold with (6,400 Gbps)",
};

/// Spot preemptions per hour: one a minute.
pub(crate) const MAX_PREEMPTIONS_PER_HOUR: Ceiling =
    Ceiling { max: 60.0, unit: "an hour", why: "one a minute; no instance would ever run" };

/// Requests per second: Google Search answers about 100,000 (8.5 billion a day).
pub(crate) const MAX_REQUESTS_PER_SECOND: Ceiling =
    Ceiling { max: 1e8, unit: "requests a second", why: "a thousand times Google Search's rate" };

/// Requests per day: the same ceiling over a day.
pub(crate) const MAX_DAILY_REQUESTS: Ceiling = Ceiling {
    max: 8.64e12,
    unit: "requests a day",
    why: "a thousand times Google Search's 8.5 billion",
};

/// Tokens in one request: ten times the longest context window sold (10 million, Llama 4 Scout).
pub(crate) const MAX_REQUEST_TOKENS: Ceiling =
    Ceiling { max: 1e8, unit: "tokens", why: "ten times the longest context window (10 million)" };

/// A server's price: an NVIDIA GB200 NVL72 rack, the dearest single system sold, lists at a few
/// million dollars; a hundred million is a slip of the keyboard.
pub(crate) const MAX_SERVER_PRICE_USD: Ceiling =
    Ceiling { max: 1e8, unit: "USD", why: "over thirty GB200 NVL72 racks" };

/// Servers one cluster holds: a hundred times the largest AI clusters built (about 100,000 GPUs in
/// 12,500 servers).
pub(crate) const MAX_SERVERS: Ceiling =
    Ceiling { max: 1e6, unit: "servers", why: "a hundred times the largest AI cluster" };

/// A yearly cost (a salary, a support subscription): a hundred million dollars a year is a slip of
/// the keyboard.
pub(crate) const MAX_USD_PER_YEAR: Ceiling =
    Ceiling { max: 1e8, unit: "USD a year", why: "beyond any salary or subscription" };

/// Years a server is depreciated over: hyperscalers use five or six.
pub(crate) const MAX_DEPRECIATION_YEARS: Ceiling =
    Ceiling { max: 30.0, unit: "years", why: "five times a hyperscaler's six" };

/// A price of energy: retail electricity is cents a kilowatt-hour, dearest markets under a dollar.
pub(crate) const MAX_USD_PER_KWH: Ceiling =
    Ceiling { max: 10.0, unit: "USD/kWh", why: "over ten times the dearest retail electricity" };

/// A facility's price per kilowatt a month: colocation is hundreds of dollars.
pub(crate) const MAX_USD_PER_KW_MONTH: Ceiling =
    Ceiling { max: 100_000.0, unit: "USD/kW-month", why: "hundreds of times colocation's price" };

/// A server's power: a GB200 NVL72 rack draws about 130 kW.
pub(crate) const MAX_SERVER_WATTS: Ceiling =
    Ceiling { max: 1e7, unit: "W", why: "about eighty GB200 NVL72 racks" };

/// A share between 0 and 1, both allowed (a residual value of nothing, capital at no cost).
pub(crate) fn share(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        Err(Error::new(field, Problem::NotFinite))
    } else if !(0.0..=1.0).contains(&value) {
        Err(Error::new(field, Problem::OutOfRange { min: 0.0, max: 1.0 }))
    } else {
        Ok(value)
    }
}

/// `value` if it is at most the ceiling.
pub(crate) fn at_most(field: &str, value: f64, ceiling: Ceiling) -> Result<f64, Error> {
    if value > ceiling.max {
        let Ceiling { max, unit, why } = ceiling;
        Err(Error::new(field, Problem::AtMost { max, unit, why }))
    } else {
        Ok(value)
    }
}
