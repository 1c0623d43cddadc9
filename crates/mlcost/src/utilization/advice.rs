//! Recommendations from the figures: how many accelerators the load needs, the hours of the day
//! nobody uses, and which accelerators' work would fit a MIG slice or a smaller card.

use crate::vocabulary::format::trimmed;
use std::collections::BTreeMap;

use super::hours::{HourGrid, percentile};
use super::report::{AcceleratorUsage, Load, Recommendation, RecommendationKind};
use super::settings::{PERCENTILE, Settings};
use crate::catalogue::pricing::PriceBook;
use crate::vocabulary::units::{Bytes, Hours, Usd};
use crate::vocabulary::units::{DAYS_PER_MONTH, HOURS_PER_MONTH, SECONDS_PER_DAY};

/// A MIG slice may hold work whose peak memory is at most this share of the slice's nominal size.
/// Estimate: the profile's "10gb" is nominal (about 9.5–10 GiB usable), and a peak between samples
/// can exceed the highest sample.
pub const MIG_MEMORY_HEADROOM: f64 = 0.9;
/// A smaller card may hold work whose peak memory is at most this share of its datasheet memory.
/// Estimate, for the same reasons: CUDA context and fragmentation take some, peaks fall between
/// samples.
pub const SMALLER_ACCELERATOR_MEMORY_HEADROOM: f64 = 0.9;
/// Smaller cards to suggest, by id in the bundled hardware table (memory from there, with its
/// source): the common inference cards with 24 GB and 48 GB.
pub const SMALLER_ACCELERATORS: [&str; 2] = ["l4", "l40s"];
/// Seven compute slices make a whole A100/H100/H200 under MIG (NVIDIA MIG user guide).
const MIG_COMPUTE_SLICES: f64 = 7.0;
/// Subtracted before rounding up a count of accelerators, so 3.0000000001 busy (float noise) is 3.
const ROUNDING_SLACK: f64 = 1e-9;

/// A MIG profile: its name, compute slices (of 7), nominal memory and how many fit one accelerator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MigProfile {
    /// The profile's name (`1g.10gb`).
    pub name: &'static str,
    /// Compute slices it takes, of the accelerator's 7.
    pub compute_slices: u8,
    /// Nominal memory, the GB in its name as bytes (1 GB = 10⁹ bytes).
    pub memory: Bytes,
    /// How many instances of it one accelerator holds.
    pub max_instances: u8,
}

const fn mig(
    name: &'static str,
    compute_slices: u8,
    gigabytes: f64,
    max_instances: u8,
) -> MigProfile {
    MigProfile { name, compute_slices, memory: Bytes::new(gigabytes * 1e9), max_instances }
}

/// A100-SXM4/PCIe-40GB, from the "Supported MIG Profiles" table of the NVIDIA Multi-Instance GPU
/// user guide (<https://docs.nvidia.com/datacenter/tesla/mig-user-guide/supported-mig-profiles.html>):
/// name, compute slices, and "Number of Instances Available". Smallest first.
pub const MIG_PROFILES_A100_40GB: [MigProfile; 5] = [
    mig("1g.5gb", 1, 5.0, 7),
    mig("2g.10gb", 2, 10.0, 3),
    mig("3g.20gb", 3, 20.0, 2),
    mig("4g.20gb", 4, 20.0, 1),
    mig("7g.40gb", 7, 40.0, 1),
];
/// A100-80GB and H100-80GB: the same slices with twice the memory (same guide, which renames the
/// A100 profiles "according to the memory proportion" and tabulates H100's).
pub const MIG_PROFILES_80GB: [MigProfile; 5] = [
    mig("1g.10gb", 1, 10.0, 7),
    mig("2g.20gb", 2, 20.0, 3),
    mig("3g.40gb", 3, 40.0, 2),
    mig("4g.40gb", 4, 40.0, 1),
    mig("7g.80gb", 7, 80.0, 1),
];
/// H200 (141 GB), same guide.
pub const MIG_PROFILES_H200: [MigProfile; 5] = [
    mig("1g.18gb", 1, 18.0, 7),
    mig("2g.35gb", 2, 35.0, 3),
    mig("3g.71gb", 3, 71.0, 2),
    mig("4g.71gb", 4, 71.0, 1),
    mig("7g.141gb", 7, 141.0, 1),
];

/// The MIG profiles of an accelerator, from its name and memory; none for models without MIG or
/// whose profiles are not tabulated here (H100 NVL's 94 GB, GH200's 96 GB).
fn mig_profiles(name: &str, total: Option<Bytes>) -> Option<&'static [MigProfile]> {
    let name = name.to_ascii_uppercase().replace([' ', '-', '_'], "");
    let total = total.map(Bytes::get);
    let between = |low: f64, high: f64| total.is_some_and(|t| (low..high).contains(&t));
    if name.contains("GH200") || name.contains("NVL") && name.contains("H100") {
        return None;
    }
    if name.contains("H200") {
        return (total.is_none() || between(130e9, 160e9)).then_some(&MIG_PROFILES_H200[..]);
    }
    if !(name.contains("A100") || name.contains("H100")) {
        return None;
    }
    // nvidia-smi reports 40960 MiB (43 GB) on an A100 40GB and 81559–81920 MiB (86 GB) on 80GB cards.
    let forty = if total.is_some() { between(35e9, 50e9) } else { name.contains("40GB") };
    let eighty = if total.is_some() { between(70e9, 90e9) } else { name.contains("80GB") };
    if forty && name.contains("A100") {
        Some(&MIG_PROFILES_A100_40GB[..])
    } else if eighty {
        Some(&MIG_PROFILES_80GB[..])
    } else {
        None
    }
}

pub(super) struct Advice {
    pub load: Load,
    pub idle_hours_of_day: Vec<u8>,
    pub recommendations: Vec<Recommendation>,
    pub notes: Vec<String>,
}

pub(super) fn advise(
    accelerators: &[AcceleratorUsage],
    hours: &HourGrid,
    settings: &Settings,
    book: &PriceBook,
) -> Advice {
    let mut notes = Vec::new();
    let mut recommendations = Vec::new();
    let load = load(accelerators, hours, settings);
    recommendations.extend(consolidate(&load, accelerators, settings));
    let idle_hours_of_day = idle_hours_of_day(hours, settings, &mut notes);
    recommendations.extend(off_hours(&idle_hours_of_day, accelerators, settings));
    if accelerators.iter().any(|a| a.name.is_none()) {
        notes.push(
            "the file does not name every accelerator's model; set settings.accelerator_name for the MIG check".into(),
        );
    }
    recommendations.extend(mig_slices(accelerators, settings));
    recommendations.extend(smaller_accelerator(accelerators, settings, book));
    // Largest saving first; those without a figure last, in the order above.
    recommendations.sort_by(|a, b| {
        let saving = |r: &Recommendation| r.monthly_saving_usd.map_or(-1.0, Usd::get);
        saving(b).total_cmp(&saving(a))
    });
    Advice { load, idle_hours_of_day, recommendations, notes }
}

fn load(accelerators: &[AcceleratorUsage], hours: &HourGrid, settings: &Settings) -> Load {
    let count = accelerators.len();
    let mean_busy: f64 =
        accelerators.iter().map(|a| a.usage.mean_utilization_percent / 100.0).sum();
    let mut hourly: Vec<f64> = hours
        .cells
        .values()
        .map(|gpus| gpus.values().map(|cell| cell.mean() / 100.0).sum())
        .collect();
    let p95_hourly = percentile(&mut hourly, PERCENTILE);
    let smallest_total = accelerators
        .iter()
        .map(|a| a.memory.total.map(Bytes::get))
        .collect::<Option<Vec<f64>>>()
        .and_then(|totals| totals.into_iter().reduce(f64::min))
        .filter(|t| *t > 0.0);
    let memory = smallest_total
        .map(|total| accelerators.iter().map(|a| a.memory.p95_used.get()).sum::<f64>() / total);
    let needed = (mean_busy / (settings.target_utilization_percent / 100.0))
        .max(p95_hourly)
        .max(memory.unwrap_or(0.0));
    Load {
        accelerators: count,
        mean_busy_accelerators: mean_busy,
        p95_hourly_busy_accelerators: p95_hourly,
        memory_accelerators: memory,
        accelerators_needed: whole_up(needed).clamp(1, count.max(1)),
    }
}

/// Rounds a count of accelerators up, forgiving float noise.
fn whole_up(value: f64) -> usize {
    (value - ROUNDING_SLACK).ceil().max(0.0) as usize
}

fn consolidate(
    load: &Load,
    accelerators: &[AcceleratorUsage],
    settings: &Settings,
) -> Option<Recommendation> {
    let spare = load.accelerators.checked_sub(load.accelerators_needed).filter(|s| *s > 0)?;
    // Free the least used; keep the busiest where they are.
    let mut by_use: Vec<&AcceleratorUsage> = accelerators.iter().collect();
    by_use.sort_by(|a, b| {
        a.usage.mean_utilization_percent.total_cmp(&b.usage.mean_utilization_percent)
    });
    let mut freed: Vec<u32> = by_use.iter().take(spare).map(|a| a.gpu).collect();
    freed.sort_unstable();
    let saving = monthly(spare as f64, settings);
    let memory = load.memory_accelerators.map_or_else(
        || " (memory not checked: totals unknown)".to_owned(),
        |m| format!(", and their {PERCENTILE}th-percentile memory fills {m:.2}"),
    );
    Some(Recommendation {
        kind: RecommendationKind::Consolidate,
        title: format!(
            "Consolidate onto {} of {} accelerators",
            load.accelerators_needed, load.accelerators
        ),
        monthly_saving_usd: Some(saving),
        reasoning: format!(
            "On average the work keeps {mean:.2} accelerators busy, which at a {target}% target needs {at_target}; in the busy hours ({PERCENTILE}th percentile of hourly load) {p95:.2} are busy at once{memory}. {needed} accelerators cover all of these, so {spare} ({gpus}, the least used) can go: {spare} × {price} $/h × {HOURS_PER_MONTH} h = {saving} a month. Jobs must be able to share or queue for accelerators for this to hold.",
            mean = load.mean_busy_accelerators,
            target = settings.target_utilization_percent,
            at_target = whole_up(
                load.mean_busy_accelerators / (settings.target_utilization_percent / 100.0)
            )
            .max(1),
            p95 = load.p95_hourly_busy_accelerators,
            needed = load.accelerators_needed,
            gpus = gpu_list(&freed),
            price = trimmed(settings.price_per_accelerator_hour.get()),
            saving = dollars(saving),
        ),
        gpus: freed,
    })
}

/// Hours of the day in which every accelerator idled on every day observed; none unless all 24 were
/// observed, since an unobserved hour says nothing.
fn idle_hours_of_day(hours: &HourGrid, settings: &Settings, notes: &mut Vec<String>) -> Vec<u8> {
    let mut observed = [false; 24];
    let mut idle = [true; 24];
    for (hour, gpus) in &hours.cells {
        let of_day = hour.rem_euclid(24) as usize;
        if let (Some(seen), Some(all_idle)) = (observed.get_mut(of_day), idle.get_mut(of_day)) {
            *seen = true;
            if gpus.values().any(|cell| cell.mean() >= settings.idle_threshold_percent) {
                *all_idle = false;
            }
        }
    }
    let seen = observed.iter().filter(|o| **o).count();
    if seen < 24 {
        notes.push(format!(
            "the data covers {seen} of the 24 hours of the day; the off-hours check needs all of them"
        ));
        return Vec::new();
    }
    (0u8..24).filter(|h| idle.get(usize::from(*h)).copied().unwrap_or(false)).collect()
}

fn off_hours(
    idle_hours: &[u8],
    accelerators: &[AcceleratorUsage],
    settings: &Settings,
) -> Option<Recommendation> {
    if idle_hours.is_empty() {
        return None;
    }
    let per_day = idle_hours.len();
    let count = accelerators.len();
    let saving = monthly((per_day * count) as f64 / 24.0, settings);
    let first = accelerators.iter().map(|a| a.first_time_seconds).fold(f64::INFINITY, f64::min);
    let last = accelerators.iter().map(|a| a.last_time_seconds).fold(0.0, f64::max);
    let days = ((last - first) / SECONDS_PER_DAY).max(0.0);
    Some(Recommendation {
        kind: RecommendationKind::OffHoursShutdown,
        title: format!("Shut down {} ({per_day} h a day)", hour_ranges(idle_hours)),
        monthly_saving_usd: Some(saving),
        reasoning: format!(
            "Every accelerator was below {idle}% utilisation in these hours on each of the {days:.1} days observed (hours on the file's clock: UTC for RFC 3339 and Unix times, the host's local time for nvidia-smi). Stopping all {count} for {per_day} h a day saves {per_day} h × {count} × {price} $/h × {DAYS_PER_MONTH:.1} days = {dollars} a month; a schedule that starts them before work resumes keeps the saving safe.",
            idle = settings.idle_threshold_percent,
            price = trimmed(settings.price_per_accelerator_hour.get()),
            dollars = dollars(saving),
        ),
        gpus: accelerators.iter().map(|a| a.gpu).collect(),
    })
}

fn mig_slices(accelerators: &[AcceleratorUsage], settings: &Settings) -> Option<Recommendation> {
    // The smallest profile holding each accelerator's peak memory and its 95th-percentile compute
    // (p95 rather than the single busiest sample, which one spike sets).
    let fits: Vec<(&AcceleratorUsage, &str, MigProfile)> = accelerators
        .iter()
        .filter_map(|a| {
            let name = a.name.as_deref()?;
            let profile = mig_profiles(name, a.memory.total)?
                .iter()
                .find(|p| {
                    a.memory.peak_used.get() <= p.memory.get() * MIG_MEMORY_HEADROOM
                        && a.p95_utilization_percent / 100.0
                            <= f64::from(p.compute_slices) / MIG_COMPUTE_SLICES
                })
                .filter(|p| f64::from(p.compute_slices) < MIG_COMPUTE_SLICES)?;
            Some((a, name, *profile))
        })
        .collect();
    if fits.is_empty() {
        return None;
    }
    // Slices of one profile pack together on one model; mixing profiles on one accelerator is
    // possible but placement rules limit it, so counting them apart never over-promises.
    let mut groups: BTreeMap<(&str, &str), (usize, u8)> = BTreeMap::new();
    for (_, name, profile) in &fits {
        let group = groups.entry((*name, profile.name)).or_insert((0, profile.max_instances));
        group.0 += 1;
    }
    let hosts: usize =
        groups.values().map(|(count, max)| count.div_ceil(usize::from((*max).max(1)))).sum();
    let freed = fits.len().saturating_sub(hosts);
    let each: Vec<String> = fits
        .iter()
        .map(|(a, _, p)| {
            format!(
                "GPU {} → {} (peak memory {:.1} GB, p95 utilisation {:.0}%)",
                a.gpu,
                p.name,
                a.memory.peak_used.get() / 1e9,
                a.p95_utilization_percent
            )
        })
        .collect();
    let gpus: Vec<u32> = fits.iter().map(|(a, _, _)| a.gpu).collect();
    let (title, saving, outcome) = if freed > 0 {
        let saving = monthly(freed as f64, settings);
        (
            format!("Run {} accelerators' work as MIG slices on {hosts}", fits.len()),
            Some(saving),
            format!(
                "Packed as slices they need {hosts} of them, freeing {freed}: {freed} × {} $/h × {HOURS_PER_MONTH} h = {} a month",
                trimmed(settings.price_per_accelerator_hour.get()),
                dollars(saving)
            ),
        )
    } else {
        (
            format!("Run {}'s work in a MIG slice", gpu_list(&gpus)),
            None,
            "The rest of each accelerator is then free for other work; that saves money only once other work would otherwise need its own accelerator".to_owned(),
        )
    };
    Some(Recommendation {
        kind: RecommendationKind::MigSlices,
        title,
        monthly_saving_usd: saving,
        reasoning: format!(
            "{}. Each fits the smallest slice holding its peak memory (within {:.0}% of the slice's size) and its {PERCENTILE}th-percentile utilisation as a share of the 7 compute slices; profiles and how many fit one accelerator are from the \"Supported MIG Profiles\" table of NVIDIA's MIG user guide. {outcome}.",
            each.join("; "),
            MIG_MEMORY_HEADROOM * 100.0
        ),
        gpus,
    })
}

fn smaller_accelerator(
    accelerators: &[AcceleratorUsage],
    settings: &Settings,
    book: &PriceBook,
) -> Option<Recommendation> {
    let mut cards: Vec<_> = book
        .accelerators
        .iter()
        .filter(|a| SMALLER_ACCELERATORS.contains(&a.id.as_str()))
        .collect();
    cards.sort_by(|a, b| a.memory_bytes.get().total_cmp(&b.memory_bytes.get()));
    // Only work that mostly waits: the smaller cards have less compute as well as less memory.
    let moves: Vec<(&AcceleratorUsage, &crate::catalogue::hardware::Accelerator)> = accelerators
        .iter()
        .filter(|a| a.p95_utilization_percent < settings.underuse_threshold_percent)
        .filter_map(|a| {
            let total = a.memory.total?.get();
            let card = cards.iter().find(|card| {
                card.memory_bytes.get() < total
                    && a.memory.peak_used.get()
                        <= card.memory_bytes.get() * SMALLER_ACCELERATOR_MEMORY_HEADROOM
            })?;
            Some((a, *card))
        })
        .collect();
    if moves.is_empty() {
        return None;
    }
    let gpus: Vec<u32> = moves.iter().map(|(a, _)| a.gpu).collect();
    let each: Vec<String> = moves
        .iter()
        .map(|(a, card)| {
            format!(
                "GPU {} → {} ({:.0} GB; peak used {:.1} GB, p95 utilisation {:.0}%)",
                a.gpu,
                card.name,
                card.memory_bytes.get() / 1e9,
                a.memory.peak_used.get() / 1e9,
                a.p95_utilization_percent
            )
        })
        .collect();
    let price = settings.price_per_accelerator_hour.get();
    let (saving, money) = match settings.alternative_price_per_accelerator_hour {
        Some(alternative) if alternative.get() < price => {
            let saving =
                Usd::new((price - alternative.get()) * moves.len() as f64 * HOURS_PER_MONTH);
            (
                Some(saving),
                format!(
                    "At the {} $/h you gave for the smaller card: {} × ({} − {}) $/h × {HOURS_PER_MONTH} h = {} a month",
                    trimmed(alternative.get()),
                    moves.len(),
                    trimmed(price),
                    trimmed(alternative.get()),
                    dollars(saving)
                ),
            )
        }
        Some(alternative) => (
            None,
            format!(
                "The {} $/h you gave for the smaller card is no cheaper",
                trimmed(alternative.get())
            ),
        ),
        None => (
            None,
            "Give settings.alternative_price_per_accelerator_hour for the monthly saving"
                .to_owned(),
        ),
    };
    Some(Recommendation {
        kind: RecommendationKind::SmallerAccelerator,
        title: format!("Move {} to a smaller accelerator", gpu_list(&gpus)),
        monthly_saving_usd: saving,
        reasoning: format!(
            "{}. Peak memory fits within {:.0}% of the smaller card's (memory from the bundled hardware table), and the {PERCENTILE}th-percentile utilisation is below {}%, so the smaller card's lower compute should carry the work; check latency before moving. {money}.",
            each.join("; "),
            SMALLER_ACCELERATOR_MEMORY_HEADROOM * 100.0,
            settings.underuse_threshold_percent,
        ),
        gpus,
    })
}

/// What `accelerators` cost for a month.
fn monthly(accelerators: f64, settings: &Settings) -> Usd {
    Hours::new(accelerators * HOURS_PER_MONTH) * settings.price_per_accelerator_hour
}

/// `$12,345`.
fn dollars(amount: Usd) -> String {
    let whole = format!("{:.0}", amount.get().abs());
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if amount.get() < 0.0 { "-" } else { "" };
    format!("{sign}${grouped}")
}

fn gpu_list(gpus: &[u32]) -> String {
    let list: Vec<String> = gpus.iter().map(u32::to_string).collect();
    match gpus {
        [_] => format!("GPU {}", list.join("")),
        _ => format!("GPUs {}", list.join(", ")),
    }
}

/// `22:00–06:00, 12:00–13:00`: runs of hours, wrapping past midnight; `all day` for all 24.
fn hour_ranges(hours: &[u8]) -> String {
    if hours.len() >= 24 {
        return "all day".into();
    }
    let idle = |h: u8| hours.contains(&(h % 24));
    // Start at an hour that is not idle, so a run across midnight is read whole.
    let Some(start) = (0u8..24).find(|h| !idle(*h)) else {
        return "all day".into();
    };
    let mut runs = Vec::new();
    let mut run_start = None;
    for step in 1..=24u8 {
        let h = (start + step) % 24;
        match (idle(h), run_start) {
            (true, None) => run_start = Some(h),
            (false, Some(first)) => {
                runs.push(format!("{first:02}:00–{h:02}:00"));
                run_start = None;
            }
            _ => {}
        }
    }
    runs.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn hour_ranges_wrap_past_midnight() {
        assert_eq!(hour_ranges(&[0, 1, 2, 22, 23]), "22:00–03:00");
        assert_eq!(hour_ranges(&[3, 4, 12]), "03:00–05:00, 12:00–13:00");
        assert_eq!(hour_ranges(&(0..24).collect::<Vec<_>>()), "all day");
        assert_eq!(hour_ranges(&[23]), "23:00–00:00");
    }

    #[test]
    fn dollars_group_thousands() {
        assert_eq!(dollars(Usd::new(1234567.4)), "$1,234,567");
        assert_eq!(dollars(Usd::new(999.0)), "$999");
        assert_eq!(dollars(Usd::new(0.2)), "$0");
    }

    #[test]
    fn mig_profiles_follow_the_model_and_its_memory() {
        let gib = |g: f64| Some(Bytes::new(g * 1_073_741_824.0));
        let h100 = mig_profiles("NVIDIA H100 80GB HBM3", gib(79.6));
        assert_eq!(h100.map(|p| p[0].name), Some("1g.10gb"));
        let a100_40 = mig_profiles("NVIDIA A100-SXM4-40GB", gib(40.0));
        assert_eq!(a100_40.map(|p| p[0].name), Some("1g.5gb"));
        assert_eq!(mig_profiles("NVIDIA A100-SXM4-80GB", None).map(|p| p[0].name), Some("1g.10gb"));
        assert_eq!(mig_profiles("NVIDIA H200", gib(140.4)).map(|p| p[0].name), Some("1g.18gb"));
        assert!(mig_profiles("NVIDIA H100 NVL", gib(93.6)).is_none());
        assert!(mig_profiles("NVIDIA GH200 480GB", gib(95.0)).is_none());
        assert!(mig_profiles("NVIDIA L4", gib(22.5)).is_none());
        assert!(mig_profiles("NVIDIA A100", None).is_none());
    }
}
