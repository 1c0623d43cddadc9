//! A serving section resolved: every field checked, the model, accelerator, formats, the day's
//! load and the price looked up once, and the plain defaults filled in.

use crate::catalogue::hardware::Accelerator;
use crate::catalogue::pricing::{ApiModel, PriceBook};
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::resolve::carbon::{Place, grid_intensity, pue};
use crate::scenario::resolve::owned::ResolvedOwned;
use crate::scenario::resolve::pricing::pricing;
pub use crate::scenario::resolve::pricing::{Baseline, Pricing};
use crate::scenario::resolve::speculation::{Draft, resolve_draft};
use crate::scenario::resolve::split::{Split, resolve_split};
use crate::scenario::serving::{Autoscaling, Serving, Slo, TrafficShape};
use crate::vocabulary::check::{
    MAX_ACCELERATORS, MAX_DAILY_REQUESTS, MAX_REQUEST_TOKENS, MAX_REQUESTS_PER_SECOND, at_most,
    fraction, non_negative, positive,
};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::{Assumption, Sourced};
use crate::vocabulary::terms::{Plan, StoragePrecision};
use crate::vocabulary::units::{
    FlopsPerSecond, Fraction, GramsCo2ePerKilowattHour, HOURS_PER_DAY as HOURS, SECONDS_PER_DAY,
};

/// Default fraction of a replica's capacity the autoscaler aims to use: Knative's default target
/// utilisation is 70% (knative/serving, config/core/configmaps/autoscaler.yaml,
/// `container-concurrency-target-percentage: "70"`).
pub const DEFAULT_TARGET_UTILIZATION: Sourced<f64> = Sourced {
    value: 0.7,
    source: "Knative Serving's default target utilisation (70%)",
    as_of: "2026-11-29",
};

/// Peak-to-mean ratio assumed for a shaped day when none is given. Estimate: 2, toward the
/// work-hours end of published LLM serving days, which run from about 1.3 (chat: Azure's 2024
/// conversation trace, ServeGen) to 2.3 (Azure's 2024 coding trace on weekdays, BurstGPT's web
/// chat); no paper states the ratio, so each was computed from the traces
/// (docs/research/traffic-peak-to-mean.json). The range is `serving::ranges`'s.
pub const DEFAULT_PEAK_TO_MEAN: Sourced<f64> = Sourced {
    value: 2.0,
    source: "estimate: published LLM serving days run 1.3-2.3 (Azure 2024, BurstGPT, ServeGen)",
    as_of: "2026-12-06",
};

/// What a request asks of the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Requests {
    /// Language models: mean prompt and generated tokens per request.
    Tokens {
        /// Mean prompt tokens per request.
        input: f64,
        /// Mean generated tokens per request.
        output: f64,
    },
    /// Models without a transformer shape: one forward pass of this many FLOPs.
    Forward {
        /// Forward FLOPs per request: the scenario's, else the preset's.
        flops_per_request: f64,
    },
}

/// The autoscaling policy, checked; the scale-up time, when absent, is the estimator's to model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Autoscaler {
    /// Replicas kept running however quiet it is: the one given, else 1 (0 with
    /// `scale_to_zero`).
    pub min_replicas: u32,
    /// Replicas never exceeded, when given.
    pub max_replicas: Option<u32>,
    /// Fraction of a replica's capacity at the SLO the autoscaler aims to use; the default's
    /// when not given.
    pub target_utilization: Fraction,
    /// Minutes from deciding to scale up to a new replica serving, when given.
    pub scale_up_minutes: Option<f64>,
}

/// A serving section ready to estimate: everything an estimate of it reads, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedServing<'a> {
    /// The price book the section was resolved against.
    pub book: &'a PriceBook,
    /// The model served.
    pub model: ResolvedModel,
    /// The accelerator each replica runs on.
    pub accelerator: &'a Accelerator,
    /// Accelerators each layer is split across in a replica; 1 when not given.
    pub tensor: u32,
    /// Stages a replica's layers are cut into; 1 when not given.
    pub pipeline: u32,
    /// The format the weights are stored in.
    pub weight_format: StoragePrecision,
    /// The KV cache's format: the one given, else the weights' when they are 8-bit or wider,
    /// else BF16.
    pub kv_format: StoragePrecision,
    /// What a request asks of the model.
    pub requests: Requests,
    /// Share of prompt tokens served from a prefix cache, 0–1; 0 when not given.
    pub prefix_cache_hit_rate: Fraction,
    /// Given fractions; absent, the estimator's calibrated defaults.
    pub compute_efficiency: Option<Fraction>,
    /// The given fraction of memory bandwidth reached; absent, the estimator's calibrated default.
    pub bandwidth_efficiency: Option<Fraction>,
    /// The latency targets, each checked to be positive.
    pub slo: Slo,
    /// The most requests a replica batches at once, when given.
    pub max_batch: Option<u32>,
    /// Speculative decoding's draft, when the scenario turns it on.
    pub draft: Option<Draft>,
    /// Prefill and decode pools to price beside the combined replicas.
    pub split: Option<Split<'a>>,
    /// Mean requests per second in each hour of the day, when a load is given.
    pub rates: Option<[f64; HOURS]>,
    /// The autoscaling policy, checked, with its defaults.
    pub autoscaler: Autoscaler,
    /// Present exactly when a load is given: serving is priced per day of traffic.
    pub pricing: Option<Pricing<'a>>,
    /// With a load: the facility's PUE and the grid the month's energy is drawn from.
    pub power: Option<(f64, GramsCo2ePerKilowattHour)>,
    /// The region the section names (`serving.region`), when it does.
    pub region: Option<&'a str>,
    /// The hosted APIs to price the same tokens on, as the price book lists them.
    pub apis: Vec<&'a ApiModel>,
    /// The plain defaults filled in here, in the order the report lists them.
    pub assumptions: Vec<Assumption>,
}

/// Resolves a serving section against a resolved model and a price book.
pub fn resolve_serving<'a>(
    model: ResolvedModel,
    serving: &'a Serving,
    book: &'a PriceBook,
    owned: Option<&ResolvedOwned>,
) -> Result<ResolvedServing<'a>, Error> {
    let accelerator = book.accelerator(&serving.accelerator, "serving.accelerator")?;
    let tensor = serving.parallelism.tensor.unwrap_or(1);
    let pipeline = serving.parallelism.pipeline.unwrap_or(1);
    for (field, value) in
        [("serving.parallelism.tensor", tensor), ("serving.parallelism.pipeline", pipeline)]
    {
        if value == 0 {
            return Err(Error::new(field, Problem::MustBePositive));
        }
        at_most(field, f64::from(value), MAX_ACCELERATORS)?;
    }
    // Widened: two degrees under the ceiling can still multiply past 32 bits.
    let per_replica = u64::from(tensor) * u64::from(pipeline);
    at_most("serving.parallelism.pipeline", per_replica as f64, MAX_ACCELERATORS)?;
    let prefix_cache_hit_rate = match serving.prefix_cache_hit_rate {
        Some(rate) if (0.0..=1.0).contains(&rate) => rate,
        Some(_) => {
            return Err(Error::new(
                "serving.prefix_cache_hit_rate",
                Problem::Malformed("must be between 0 and 1".into()),
            ));
        }
        None => 0.0,
    };
    let efficiency = serving.engine_efficiency;
    let compute_efficiency =
        efficiency.compute.map(|e| fraction("serving.engine_efficiency.compute", e)).transpose()?;
    let bandwidth_efficiency = efficiency
        .bandwidth
        .map(|e| fraction("serving.engine_efficiency.bandwidth", e))
        .transpose()?;
    let weight_format = serving.weight_precision;
    let kv_format = serving.kv_cache_precision.unwrap_or(if weight_format.bytes() >= 1.0 {
        weight_format
    } else {
        StoragePrecision::Bf16
    });
    // The estimator sizes the replica at this peak; here, only that the format has one.
    serving_peak(accelerator, weight_format)?;
    let requests = requests(&model, serving)?;
    let means = [
        ("serving.slo.ttft_ms", serving.slo.ttft_ms),
        ("serving.slo.tpot_ms", serving.slo.tpot_ms),
    ];
    for (field, value) in means.into_iter().chain(serving.slo.percentiles()) {
        if let Some(value) = value {
            positive(field, value.get())?;
        }
    }
    if serving.max_batch == Some(0) {
        return Err(Error::new("serving.max_batch", Problem::MustBePositive));
    }
    let mut assumptions = Vec::new();
    let draft = serving
        .speculative_decoding
        .as_ref()
        .map(|spec| resolve_draft(&model, spec, &mut assumptions))
        .transpose()?;
    let rates = hourly_load(serving, &mut assumptions)?;
    let autoscaler = autoscaler(&serving.autoscaling, &mut assumptions)?;
    let pricing = match rates {
        Some(_) => Some(pricing(serving, book, owned)?),
        None if serving.price_per_accelerator_hour.is_some()
            || serving.offer.is_some()
            || serving.plan == Some(Plan::Owned) =>
        {
            return Err(Error::new(
                "serving.requests_per_second",
                Problem::Malformed("a load is needed to price serving: requests_per_second, traffic, or daily_requests".into()),
            ));
        }
        None => None,
    };
    let power = pricing.as_ref().map(|p| power(serving, p, &mut assumptions)).transpose()?;
    if let Some(owned) = pricing.as_ref().and_then(|p| p.owned.as_ref()) {
        assumptions.extend(owned.section.assumptions.iter().cloned());
    }
    let apis = apis(serving, book, requests)?;
    let split = serving
        .disaggregation
        .as_ref()
        .map(|d| resolve_split(d, serving, book, (accelerator, tensor), pricing.as_ref()))
        .transpose()?;
    Ok(ResolvedServing {
        book,
        model,
        accelerator,
        tensor,
        pipeline,
        weight_format,
        kv_format,
        requests,
        prefix_cache_hit_rate: Fraction::new(prefix_cache_hit_rate),
        compute_efficiency: compute_efficiency.map(Fraction::new),
        bandwidth_efficiency: bandwidth_efficiency.map(Fraction::new),
        slo: serving.slo,
        max_batch: serving.max_batch,
        draft,
        split,
        rates,
        autoscaler,
        pricing,
        power,
        region: serving.region.as_deref(),
        apis,
        assumptions,
    })
}

/// The facility's PUE (given, the owned servers', or the cloud default) and the grid (given, the
/// offer's region's, or the world's average) the month's energy is drawn from.
fn power(
    serving: &Serving,
    pricing: &Pricing<'_>,
    assumptions: &mut Vec<Assumption>,
) -> Result<(f64, GramsCo2ePerKilowattHour), Error> {
    let pue = pue("serving.pue", serving.pue, pricing.owned.as_ref(), assumptions)?;
    let place = Place::priced(pricing.sold, pricing.offer.as_ref());
    let grid = grid_intensity(
        "serving.grams_co2e_per_kwh",
        serving.grams_co2e_per_kwh,
        place,
        assumptions,
    )?;
    Ok((pue, grid))
}

/// The peak a replica computes at with weights in `format`: FP8 and FP4 weights run FP8 and FP4
/// matrix multiplications where the hardware has them (FP4: Blackwell's NVFP4, which TensorRT-LLM's
/// FP4 checkpoints use for weights and activations); elsewhere, and for INT8 and INT4,
/// quantization is weight-only, computed in 16-bit.
pub fn serving_peak(
    accelerator: &Accelerator,
    format: StoragePrecision,
) -> Result<FlopsPerSecond, Error> {
    match format {
        StoragePrecision::Fp8 => accelerator.dense.fp8.or(accelerator.dense.sixteen_bit()),
        StoragePrecision::Fp4 => accelerator.dense.fp4.or(accelerator.dense.sixteen_bit()),
        StoragePrecision::Fp32 => accelerator.dense.tf32.or(accelerator.dense.fp32),
        _ => accelerator.dense.sixteen_bit(),
    }
    .ok_or_else(|| {
        Error::new(
            "serving.weight_precision",
            Problem::UnsupportedPrecision {
                accelerator: accelerator.id.clone(),
                precision: "16-bit".into(),
            },
        )
    })
}

/// What a request asks of this model: tokens for a language model, FLOPs for any other.
pub fn requests(model: &ResolvedModel, serving: &Serving) -> Result<Requests, Error> {
    if model.shape.is_some() {
        let tokens = |field: &str, value: Option<f64>| {
            let value = positive(field, value.ok_or_else(|| Error::new(field, Problem::Missing))?)?;
            at_most(field, value, MAX_REQUEST_TOKENS)
        };
        let input = tokens("serving.input_tokens", serving.input_tokens)?;
        let output = tokens("serving.output_tokens", serving.output_tokens)?;
        if serving.inference_flops_per_request.is_some() {
            return Err(Error::new(
                "serving.inference_flops_per_request",
                Problem::Conflicts {
                    other: "a transformer shape (FLOPs are counted from it)".into(),
                },
            ));
        }
        return Ok(Requests::Tokens { input, output });
    }
    for (field, given) in [
        ("serving.input_tokens", serving.input_tokens.is_some()),
        ("serving.output_tokens", serving.output_tokens.is_some()),
        ("serving.prefix_cache_hit_rate", serving.prefix_cache_hit_rate.is_some()),
    ] {
        if given {
            return Err(Error::new(
                field,
                Problem::Malformed("applies to language models; this model has no transformer shape (give inference_flops_per_request)".into()),
            ));
        }
    }
    let flops_per_request =
        match (serving.inference_flops_per_request, model.inference_flops_per_sample) {
            (Some(flops), _) => positive("serving.inference_flops_per_request", flops)?,
            (None, Some(flops)) => flops,
            (None, None) => {
                return Err(Error::new("serving.inference_flops_per_request", Problem::Missing));
            }
        };
    Ok(Requests::Forward { flops_per_request })
}

/// The autoscaling policy checked, with its default target utilisation.
fn autoscaler(
    autoscaling: &Autoscaling,
    assumptions: &mut Vec<Assumption>,
) -> Result<Autoscaler, Error> {
    let min_replicas = match (autoscaling.min_replicas, autoscaling.scale_to_zero) {
        (Some(n), true) if n > 0 => {
            return Err(Error::new(
                "serving.autoscaling.min_replicas",
                Problem::Conflicts { other: "scale_to_zero".into() },
            ));
        }
        (Some(n), _) => n,
        (None, true) => 0,
        (None, false) => 1,
    };
    let max_replicas = autoscaling.max_replicas;
    if let Some(max) = max_replicas
        && (max == 0 || max < min_replicas)
    {
        return Err(Error::new(
            "serving.autoscaling.max_replicas",
            Problem::AtLeast(f64::from(min_replicas.max(1))),
        ));
    }
    let target_utilization = match autoscaling.target_utilization {
        Some(u) => fraction("serving.autoscaling.target_utilization", u)?,
        None => {
            assumptions
                .push(DEFAULT_TARGET_UTILIZATION.assumed("serving.autoscaling.target_utilization"));
            DEFAULT_TARGET_UTILIZATION.value
        }
    };
    let scale_up_minutes = autoscaling
        .scale_up_minutes
        .map(|m| non_negative("serving.autoscaling.scale_up_minutes", m))
        .transpose()?;
    Ok(Autoscaler {
        min_replicas,
        max_replicas,
        target_utilization: Fraction::new(target_utilization),
        scale_up_minutes,
    })
}

/// The hosted APIs to compare against, found in the price book.
fn apis<'a>(
    serving: &Serving,
    book: &'a PriceBook,
    requests: Requests,
) -> Result<Vec<&'a ApiModel>, Error> {
    if matches!(requests, Requests::Forward { .. }) && !serving.compare_apis.is_empty() {
        return Err(Error::new(
            "serving.compare_apis",
            Problem::Malformed(
                "hosted APIs price tokens; this model serves requests without them".into(),
            ),
        ));
    }
    let mut apis = Vec::with_capacity(serving.compare_apis.len());
    for (i, id) in serving.compare_apis.iter().enumerate() {
        let Some(api) = book.apis.iter().find(|a| a.id == *id) else {
            return Err(Error::new(
                format!("serving.compare_apis[{i}]"),
                Problem::Unknown {
                    kind: "API model",
                    id: id.clone(),
                    known: book.apis.iter().map(|a| a.id.clone()).collect(),
                },
            ));
        };
        apis.push(api);
    }
    Ok(apis)
}

/// Mean requests per second in each hour of the day, whichever way the load was given; `None`
/// when none was.
pub fn hourly_load(
    serving: &Serving,
    assumptions: &mut Vec<Assumption>,
) -> Result<Option<[f64; HOURS]>, Error> {
    let given = [
        ("serving.requests_per_second", serving.requests_per_second.is_some()),
        ("serving.traffic", serving.traffic.is_some()),
        ("serving.daily_requests", serving.daily_requests.is_some()),
    ];
    let shaping = [
        ("serving.shape", serving.shape.is_some()),
        ("serving.peak_to_mean", serving.peak_to_mean.is_some()),
    ];
    let mut named = given.iter().filter(|(_, is)| *is).map(|(field, _)| *field);
    let (Some(first), second) = (named.next(), named.next()) else {
        if let Some((field, _)) = shaping.iter().find(|(_, is)| *is) {
            return Err(Error::new(
                *field,
                Problem::Conflicts {
                    other: "no daily_requests (a shape spreads a daily total)".into(),
                },
            ));
        }
        return Ok(None);
    };
    if let Some(second) = second {
        return Err(Error::new(second, Problem::Conflicts { other: first.into() }));
    }
    if serving.daily_requests.is_none()
        && let Some((field, _)) = shaping.iter().find(|(_, is)| *is)
    {
        return Err(Error::new(
            *field,
            Problem::Conflicts { other: format!("{first} (a shape spreads daily_requests)") },
        ));
    }
    if let Some(rate) = serving.requests_per_second {
        let rate = positive("serving.requests_per_second", rate)?;
        return Ok(Some(
            [at_most("serving.requests_per_second", rate, MAX_REQUESTS_PER_SECOND)?; HOURS],
        ));
    }
    if let Some(traffic) = &serving.traffic {
        if traffic.len() != HOURS {
            return Err(Error::new(
                "serving.traffic",
                Problem::Malformed(format!(
                    "needs 24 hourly request rates (requests/s, hour 0 first), got {}",
                    traffic.len()
                )),
            ));
        }
        let mut rates = [0.0; HOURS];
        for (hour, (rate, given)) in rates.iter_mut().zip(traffic).enumerate() {
            let field = format!("serving.traffic[{hour}]");
            *rate = at_most(&field, non_negative(&field, *given)?, MAX_REQUESTS_PER_SECOND)?;
        }
        if rates.iter().all(|r| *r == 0.0) {
            return Err(Error::new(
                "serving.traffic",
                Problem::Malformed("has no requests in any hour".into()),
            ));
        }
        return Ok(Some(rates));
    }
    let daily = positive("serving.daily_requests", serving.daily_requests.unwrap_or_default())?;
    let daily = at_most("serving.daily_requests", daily, MAX_DAILY_REQUESTS)?;
    let shape = serving.shape.unwrap_or_default();
    let ratio = match (serving.peak_to_mean, shape) {
        (Some(r), _) => r,
        (None, TrafficShape::Flat) => 1.0,
        (None, _) => {
            assumptions.push(DEFAULT_PEAK_TO_MEAN.assumed("serving.peak_to_mean"));
            DEFAULT_PEAK_TO_MEAN.value
        }
    };
    let max = shape.max_peak_to_mean();
    if !ratio.is_finite()
        || ratio < 1.0
        || (shape == TrafficShape::Flat && (ratio - 1.0).abs() > 1e-12)
    {
        let why = if shape == TrafficShape::Flat {
            "must be 1 for flat traffic (choose the diurnal or business-hours shape)".to_owned()
        } else {
            format!("must be between 1 and {max:.2} for this shape")
        };
        return Err(Error::new("serving.peak_to_mean", Problem::Malformed(why)));
    }
    if ratio > max + 1e-9 {
        return Err(Error::new(
            "serving.peak_to_mean",
            Problem::Malformed(format!(
                "must be between 1 and {max:.2} for this shape (its quietest hour would need negative traffic)"
            )),
        ));
    }
    Ok(Some(spread(daily, shape, ratio)))
}

/// A daily total spread over the hours of a shape, stretched so the busiest hour is `ratio` times
/// the mean: each hour is the mean plus the profile's deviation from its own mean, scaled.
fn spread(daily: f64, shape: TrafficShape, ratio: f64) -> [f64; HOURS] {
    let mean = daily / SECONDS_PER_DAY;
    let profile = shape.profile();
    let profile_mean = profile.iter().sum::<f64>() / HOURS as f64;
    let scale = if profile_mean < 1.0 { (ratio - 1.0) / (1.0 - profile_mean) } else { 0.0 };
    profile.map(|p| (mean * (1.0 + scale * (p - profile_mean))).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_shaped_day_keeps_its_total_and_peaks_at_the_ratio() {
        for shape in [TrafficShape::Diurnal, TrafficShape::BusinessHours] {
            let rates = spread(864_000.0, shape, 2.0);
            let total: f64 = rates.iter().map(|r| r * 3600.0).sum();
            assert!((total - 864_000.0).abs() < 1e-6, "{shape:?}: {total}");
            let peak = rates.iter().copied().fold(0.0, f64::max);
            assert!((peak / 10.0 - 2.0).abs() < 1e-9, "{shape:?}: {peak}");
            assert!(rates.iter().all(|r| *r >= 0.0));
        }
    }
}
