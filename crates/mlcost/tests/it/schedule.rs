//! Scheduling on a fixed cluster: capacity is never exceeded, backfilling fills gaps, feasible
//! deadlines are met, bad inputs name their field, and the best cluster size is the cheapest feasible one.

// Times here are sums of binary fractions, exact in f64, and the scheduler adds run times to starts
// exactly once: equality is the property under test, not an accident of rounding.
#![allow(clippy::float_cmp)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common::{Lcg, assert_all_numbers_finite};

use mlcost::schedule::{
    Cluster, Job, MAX_SIZES_EVALUATED, QueueOrder, ScheduleInput, ScheduleReport,
    best_cluster_size, schedule,
};
use mlcost::units::UsdPerHour;

const CLUSTER_PRICE: f64 = 1.5;
const ON_DEMAND_PRICE: f64 = 4.0;
const SPOT_PRICE: f64 = 1.6;

fn job(name: &str, accelerators: u32, hours: f64) -> Job {
    Job {
        name: name.into(),
        accelerators,
        hours,
        earliest_start_hours: 0.0,
        deadline_hours: None,
        priority: None,
    }
}

fn due(mut job: Job, deadline: f64) -> Job {
    job.deadline_hours = Some(deadline);
    job
}

fn input(accelerators: u32, jobs: Vec<Job>) -> ScheduleInput {
    ScheduleInput {
        cluster: Cluster {
            accelerators,
            price_per_accelerator_hour: UsdPerHour::new(CLUSTER_PRICE),
        },
        on_demand_price_per_accelerator_hour: UsdPerHour::new(ON_DEMAND_PRICE),
        spot_price_per_accelerator_hour: Some(UsdPerHour::new(SPOT_PRICE)),
        spot_overhead: None,
        order: QueueOrder::Edf,
        jobs,
    }
}

fn outcome<'a>(report: &'a ScheduleReport, name: &str) -> &'a mlcost::schedule::JobOutcome {
    report.jobs.iter().find(|j| j.name == name).unwrap()
}

fn start(report: &ScheduleReport, name: &str) -> f64 {
    outcome(report, name).placement.as_ref().unwrap().start_hours.get()
}

fn lanes_of(report: &ScheduleReport, index: usize) -> Vec<u32> {
    let placement = report.jobs[index].placement.as_ref().unwrap();
    placement.lanes.iter().flat_map(|r| r.first..r.first + r.count).collect()
}

/// Everything a schedule must satisfy: each placed job holds exactly its accelerators on lanes
/// inside the cluster, no lane carries two jobs at once, no job starts early, and every number is
/// finite.
fn assert_valid(input: &ScheduleInput, report: &ScheduleReport) {
    let cluster = report.accelerators;
    assert_eq!(report.jobs.len(), input.jobs.len());
    let mut makespan = 0.0_f64;
    for (index, (job, outcome)) in input.jobs.iter().zip(&report.jobs).enumerate() {
        assert_eq!(job.name, outcome.name);
        let Some(placement) = &outcome.placement else {
            assert!(job.accelerators > cluster, "{} was not placed but fits", job.name);
            assert!(report.unschedulable.contains(&job.name));
            continue;
        };
        let (start, end) = (placement.start_hours.get(), placement.end_hours.get());
        assert!(start >= job.earliest_start_hours, "{} starts early", job.name);
        assert_eq!(end, start + job.hours);
        let lanes = lanes_of(report, index);
        assert_eq!(lanes.len(), job.accelerators as usize, "{}", job.name);
        assert!(lanes.iter().all(|&lane| lane < cluster), "{} is off the cluster", job.name);
        assert!(lanes.windows(2).all(|pair| pair[0] < pair[1]), "{} repeats a lane", job.name);
        makespan = makespan.max(end);
        let on_time = job.deadline_hours.map(|deadline| end <= deadline);
        assert_eq!(outcome.met_deadline, on_time);
        assert_eq!(report.deadline_misses.contains(&job.name), on_time == Some(false));
    }
    for (i, a) in report.jobs.iter().enumerate() {
        for (j, b) in report.jobs.iter().enumerate().skip(i + 1) {
            let (Some(pa), Some(pb)) = (&a.placement, &b.placement) else { continue };
            let overlap = pa.start_hours < pb.end_hours && pb.start_hours < pa.end_hours;
            if overlap {
                let lanes_a = lanes_of(report, i);
                assert!(
                    lanes_of(report, j).iter().all(|lane| !lanes_a.contains(lane)),
                    "{} and {} share a lane at the same time",
                    a.name,
                    b.name
                );
            }
        }
    }
    // The same, counted: at every start, the jobs running hold no more than the cluster.
    for outcome in &report.jobs {
        let Some(at) = &outcome.placement else { continue };
        let running: u64 = report
            .jobs
            .iter()
            .filter_map(|o| o.placement.as_ref().map(|p| (o.accelerators, p)))
            .filter(|(_, p)| p.start_hours <= at.start_hours && at.start_hours < p.end_hours)
            .map(|(accelerators, _)| u64::from(accelerators))
            .sum();
        assert!(running <= u64::from(cluster), "{running} busy of {cluster}");
    }
    assert_eq!(report.makespan_hours.get(), makespan);
    let utilization = report.utilization.get();
    assert!((0.0..=1.0 + 1e-12).contains(&utilization), "{utilization}");
    let cluster_cost = f64::from(cluster) * makespan * CLUSTER_PRICE;
    assert!((report.cluster_cost_usd.get() - cluster_cost).abs() <= 1e-9 * cluster_cost);
    assert_all_numbers_finite(&serde_json::to_value(report).unwrap());
}

#[test]
fn a_small_job_backfills_the_gap_before_a_big_one_without_delaying_it() {
    let report = schedule(&input(
        4,
        vec![
            due(job("running", 2, 10.0), 10.0),
            due(job("big", 4, 5.0), 15.0),
            job("small", 2, 3.0),
        ],
    ))
    .unwrap();
    // `small` is last in the queue (no deadline) yet starts first, in the two idle accelerators.
    assert_eq!(start(&report, "small"), 0.0);
    assert_eq!(start(&report, "big"), 10.0);
    assert!(report.deadline_misses.is_empty());
    // One that would overrun the gap waits instead of delaying `big`.
    let report = schedule(&input(
        4,
        vec![
            due(job("running", 2, 10.0), 10.0),
            due(job("big", 4, 5.0), 15.0),
            job("too-long", 2, 11.0),
        ],
    ))
    .unwrap();
    assert_eq!(start(&report, "big"), 10.0);
    assert_eq!(start(&report, "too-long"), 15.0);
}

#[test]
fn edf_meets_deadlines_that_fifo_misses() {
    let jobs = vec![
        job("long", 1, 10.0),
        due(job("medium", 1, 2.0), 5.0),
        due(job("urgent", 1, 1.0), 2.0),
    ];
    let mut fifo = input(1, jobs.clone());
    fifo.order = QueueOrder::Fifo;
    let fifo = schedule(&fifo).unwrap();
    assert_eq!(fifo.deadline_misses, vec!["medium".to_owned(), "urgent".to_owned()]);
    let edf = schedule(&input(1, jobs)).unwrap();
    assert!(edf.deadline_misses.is_empty(), "{edf:?}");
    assert_eq!(start(&edf, "urgent"), 0.0);
    assert_eq!(start(&edf, "medium"), 1.0);
    assert_eq!(start(&edf, "long"), 3.0);
    assert_eq!(edf.makespan_hours, fifo.makespan_hours);
}

#[test]
fn priority_breaks_ties_between_jobs_without_deadlines() {
    let mut urgent = job("b-urgent", 2, 1.0);
    urgent.priority = Some(5);
    let report = schedule(&input(2, vec![job("a-routine", 2, 1.0), urgent])).unwrap();
    assert_eq!(start(&report, "b-urgent"), 0.0);
    assert_eq!(start(&report, "a-routine"), 1.0);
}

/// Jobs laid out on a known schedule, each with no slack (its window is exactly its slot), then
/// queued in a random order: the scheduler must find a slot for each, so every deadline is met.
#[test]
fn deadlines_are_met_when_a_known_schedule_meets_them() {
    let mut rng = Lcg(7);
    for _ in 0..100 {
        let cluster = 1 + rng.below(16) as u32;
        let mut lane_free = vec![0.0_f64; cluster as usize];
        let mut jobs = Vec::new();
        for k in 0..1 + rng.below(30) {
            let need = 1 + rng.below(u64::from(cluster)) as usize;
            let mut lanes: Vec<usize> = (0..lane_free.len()).collect();
            lanes.sort_by(|&a, &b| lane_free[a].total_cmp(&lane_free[b]).then(a.cmp(&b)));
            lanes.truncate(need);
            let gap = 0.25 * rng.below(4) as f64;
            let begin = lanes.iter().map(|&l| lane_free[l]).fold(0.0, f64::max) + gap;
            let hours = 0.25 * (1 + rng.below(40)) as f64;
            for &lane in &lanes {
                lane_free[lane] = begin + hours;
            }
            let mut job = due(job(&format!("job-{k}"), need as u32, hours), begin + hours);
            job.earliest_start_hours = begin;
            jobs.push(job);
        }
        rng.shuffle(&mut jobs);
        for order in [QueueOrder::Edf, QueueOrder::Fifo] {
            let mut input = input(cluster, jobs.clone());
            input.order = order;
            let report = schedule(&input).unwrap();
            assert_valid(&input, &report);
            assert!(report.deadline_misses.is_empty(), "{order:?}: {input:?}");
        }
    }
}

/// Jobs that each take the whole cluster, all ready at once: one machine, where earliest deadline
/// first meets every deadline some order meets (Jackson 1955). Deadlines come from a known order
/// plus slack, and the queue is shuffled.
#[test]
fn edf_meets_every_deadline_a_sequence_meets_when_jobs_take_the_whole_cluster() {
    let mut rng = Lcg(11);
    for _ in 0..100 {
        let cluster = 1 + rng.below(8) as u32;
        let mut clock = 0.0;
        let mut jobs = Vec::new();
        for k in 0..1 + rng.below(20) {
            let hours = 0.5 * (1 + rng.below(20)) as f64;
            clock += hours;
            jobs.push(due(
                job(&format!("job-{k}"), cluster, hours),
                clock + 0.5 * rng.below(6) as f64,
            ));
        }
        rng.shuffle(&mut jobs);
        let input = input(cluster, jobs);
        let report = schedule(&input).unwrap();
        assert_valid(&input, &report);
        assert!(report.deadline_misses.is_empty(), "{input:?}");
        assert_eq!(report.makespan_hours.get(), clock);
        assert!((report.utilization.get() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn a_job_larger_than_the_cluster_is_reported_not_run() {
    let input = input(8, vec![due(job("huge", 16, 2.0), 4.0), job("small", 4, 3.0)]);
    let report = schedule(&input).unwrap();
    assert_valid(&input, &report);
    let huge = outcome(&report, "huge");
    assert_eq!(huge.placement, None);
    assert_eq!(huge.met_deadline, Some(false));
    assert_eq!(report.unschedulable, vec!["huge".to_owned()]);
    assert!(report.deadline_misses.is_empty());
    assert!(
        report.notes.iter().any(|n| n.contains("huge needs 16 accelerators")),
        "{:?}",
        report.notes
    );
    assert_eq!(report.unschedulable_on_demand_cost_usd.get(), 16.0 * 2.0 * ON_DEMAND_PRICE);
    assert_eq!(report.makespan_hours.get(), 3.0);
}

#[test]
fn costs_compare_owning_with_renting() {
    let input = input(4, vec![job("a", 4, 2.0), job("b", 2, 3.0)]);
    let report = schedule(&input).unwrap();
    assert_valid(&input, &report);
    assert_eq!(report.makespan_hours.get(), 5.0);
    assert_eq!(report.busy_accelerator_hours, 14.0);
    assert!((report.utilization.get() - 14.0 / 20.0).abs() < 1e-12);
    assert_eq!(report.cluster_cost_usd.get(), 4.0 * 5.0 * CLUSTER_PRICE);
    assert_eq!(report.on_demand_cost_usd.get(), 14.0 * ON_DEMAND_PRICE);
    let spot = report.spot_cost_usd.unwrap().get();
    assert!((spot - 14.0 * 1.1 * SPOT_PRICE).abs() < 1e-9);
    assert!(report.assumptions.iter().any(|a| a.field == "spot_overhead"));
    let mut given = input.clone();
    given.spot_overhead = Some(0.0);
    given.spot_price_per_accelerator_hour = None;
    let report = schedule(&given).unwrap();
    assert_eq!(report.spot_cost_usd, None);
    assert!(report.assumptions.is_empty());
}

#[test]
fn each_bad_field_is_named() {
    type Edit = Box<dyn FnOnce(&mut ScheduleInput)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("cluster.accelerators: must be > 0", Box::new(|i| i.cluster.accelerators = 0)),
        (
            "cluster.price_per_accelerator_hour: must be greater than 0: the cluster's committed or amortised price per accelerator-hour; or price an owned cluster by its owned section (mlcost schedule --owned)",
            Box::new(|i| i.cluster.price_per_accelerator_hour = UsdPerHour::new(0.0)),
        ),
        (
            "on_demand_price_per_accelerator_hour: must be a finite number",
            Box::new(|i| i.on_demand_price_per_accelerator_hour = UsdPerHour::new(f64::NAN)),
        ),
        (
            "spot_price_per_accelerator_hour: must be > 0",
            Box::new(|i| i.spot_price_per_accelerator_hour = Some(UsdPerHour::new(-1.0))),
        ),
        ("spot_overhead: must be ≥ 0", Box::new(|i| i.spot_overhead = Some(-0.1))),
        ("jobs: is required", Box::new(|i| i.jobs.clear())),
        ("jobs[1].name: is required", Box::new(|i| i.jobs[1].name = " ".into())),
        ("jobs[0].accelerators: must be > 0", Box::new(|i| i.jobs[0].accelerators = 0)),
        ("jobs[1].hours: must be > 0", Box::new(|i| i.jobs[1].hours = 0.0)),
        ("jobs[1].hours: must be a finite number", Box::new(|i| i.jobs[1].hours = f64::INFINITY)),
        (
            "jobs[2].earliest_start_hours: must be ≥ 0",
            Box::new(|i| i.jobs[2].earliest_start_hours = -1.0),
        ),
        (
            "jobs[2].deadline_hours: must be after earliest_start_hours",
            Box::new(|i| {
                i.jobs[2].earliest_start_hours = 5.0;
                i.jobs[2].deadline_hours = Some(5.0);
            }),
        ),
        (
            "jobs[0].deadline_hours: must be a finite number",
            Box::new(|i| i.jobs[0].deadline_hours = Some(f64::NAN)),
        ),
        (
            "jobs[2].name: repeats jobs[0].name \"a\"; names tell jobs apart",
            Box::new(|i| i.jobs[2].name = "a".into()),
        ),
        (
            "cluster_cost_usd: result is out of range (too large or too small to mean anything); check the inputs' magnitudes",
            Box::new(|i| i.cluster.price_per_accelerator_hour = UsdPerHour::new(f64::MAX)),
        ),
        (
            "jobs[1].hours: result is out of range (too large or too small to mean anything); check the inputs' magnitudes",
            Box::new(|i| {
                i.jobs[0].hours = f64::MAX;
                i.jobs[1].hours = f64::MAX;
            }),
        ),
    ];
    for (expected, edit) in cases {
        let mut bad = input(4, vec![job("a", 4, 1.0), job("b", 4, 1.0), job("c", 1, 1.0)]);
        edit(&mut bad);
        assert_eq!(schedule(&bad).unwrap_err().to_string(), expected);
        assert_eq!(best_cluster_size(&bad, None).unwrap_err().to_string(), expected);
    }
}

#[test]
fn a_run_too_short_to_register_late_in_the_horizon_is_refused_not_dropped() {
    let mut late = job("late", 1, 1e-300);
    late.earliest_start_hours = 1e10;
    let err = schedule(&input(1, vec![late])).unwrap_err();
    assert_eq!(err.field, "jobs[0].hours");
}

#[test]
fn json_inputs_parse_and_errors_name_the_field() {
    let json = r#"{"cluster": {"accelerators": 8, "price_per_accelerator_hour": 1.5},
        "on_demand_price_per_accelerator_hour": 4,
        "jobs": [{"name": "pretrain", "accelerators": 8, "hours": 24, "deadline_hours": 30},
                 {"name": "eval", "accelerators": 1, "hours": 2, "earliest_start_hours": 1, "priority": 2}]}"#;
    let input = ScheduleInput::from_json(json).unwrap();
    assert_eq!(input.order, QueueOrder::Edf);
    assert_eq!(input.jobs[1].earliest_start_hours, 1.0);
    let report = schedule(&input).unwrap();
    assert_valid(&input, &report);
    let round_trip = ScheduleInput::from_json(&serde_json::to_string(&input).unwrap()).unwrap();
    assert_eq!(round_trip, input);

    let missing = ScheduleInput::from_json(
        r#"{"cluster": {"accelerators": 8, "price_per_accelerator_hour": 1.5},
            "on_demand_price_per_accelerator_hour": 4, "jobs": [{"name": "x", "accelerators": 1}]}"#,
    )
    .unwrap_err();
    assert_eq!(missing.to_string(), "jobs[0].hours: is required");
    let unknown = ScheduleInput::from_json(
        r#"{"cluster": {"accelerators": 8, "price_per_accelerator_hour": 1.5, "gpus": 2},
            "on_demand_price_per_accelerator_hour": 4, "jobs": []}"#,
    )
    .unwrap_err();
    assert!(unknown.field.starts_with("cluster"), "{unknown}");
    let fifo = ScheduleInput::from_json(
        r#"{"cluster": {"accelerators": 1, "price_per_accelerator_hour": 1},
            "on_demand_price_per_accelerator_hour": 4, "order": "fifo",
            "jobs": [{"name": "x", "accelerators": 1, "hours": 1}]}"#,
    )
    .unwrap();
    assert_eq!(fifo.order, QueueOrder::Fifo);
}

fn random_input(rng: &mut Lcg) -> ScheduleInput {
    let cluster = 1 + rng.below(64) as u32;
    let jobs = (0..1 + rng.below(40))
        .map(|k| {
            // Now and then a job larger than the cluster.
            let accelerators =
                1 + rng.below(u64::from(cluster) + u64::from(cluster) / 8 + 1) as u32;
            let hours = 0.1 + rng.below(1000) as f64 / 7.0;
            let mut job = job(&format!("job-{k}"), accelerators, hours);
            if rng.below(2) == 0 {
                job.earliest_start_hours = rng.below(500) as f64 / 3.0;
            }
            if rng.below(2) == 0 {
                job.deadline_hours = Some(job.earliest_start_hours + 0.01 + rng.below(300) as f64);
            }
            if rng.below(4) == 0 {
                job.priority = Some(rng.below(5) as i32 - 2);
            }
            job
        })
        .collect();
    let mut input = input(cluster, jobs);
    if rng.below(3) == 0 {
        input.order = QueueOrder::Fifo;
    }
    input
}

#[test]
fn random_queues_never_overlap_never_start_early_and_stay_finite() {
    let mut rng = Lcg(2026);
    for _ in 0..300 {
        let input = random_input(&mut rng);
        let report = schedule(&input).unwrap();
        assert_valid(&input, &report);
        assert_eq!(schedule(&input).unwrap(), report, "same input, same schedule");
    }
}

#[test]
fn the_best_cluster_size_is_the_cheapest_that_meets_every_deadline() {
    // Four 4-accelerator jobs due when they end: only 16 accelerators run them all at once.
    let jobs = (0..4).map(|k| due(job(&format!("j{k}"), 4, 10.0), 10.0)).collect();
    let sizing = best_cluster_size(&input(1, jobs), None).unwrap();
    assert_eq!(sizing.sizes.first().map(|s| s.accelerators), Some(4));
    assert_eq!(sizing.sizes.last().map(|s| s.accelerators), Some(16));
    assert_eq!(sizing.best, Some(16));
    assert!(sizing.why.starts_with("16 accelerators is the cheapest"), "{}", sizing.why);
    assert!(sizing.sizes.iter().filter(|s| s.accelerators < 16).all(|s| !s.feasible));

    let mut rng = Lcg(99);
    for _ in 0..30 {
        let input = random_input(&mut rng);
        let sizing = best_cluster_size(&input, None).unwrap();
        assert!(sizing.sizes.windows(2).all(|pair| pair[0].accelerators < pair[1].accelerators));
        for size in &sizing.sizes {
            let mut at = input.clone();
            at.cluster.accelerators = size.accelerators;
            let report = schedule(&at).unwrap();
            assert_eq!(size.makespan_hours, report.makespan_hours);
            assert_eq!(size.cluster_cost_usd, report.cluster_cost_usd);
            assert_eq!(
                size.feasible,
                report.deadline_misses.is_empty() && report.unschedulable.is_empty()
            );
        }
        let cheapest_feasible = sizing
            .sizes
            .iter()
            .filter(|s| s.feasible)
            .map(|s| s.cluster_cost_usd.get())
            .fold(f64::INFINITY, f64::min);
        match sizing.best {
            Some(best) => {
                let pick = sizing.sizes.iter().find(|s| s.accelerators == best).unwrap();
                assert!(pick.feasible);
                assert_eq!(pick.cluster_cost_usd.get(), cheapest_feasible);
            }
            None => {
                assert!(sizing.sizes.iter().all(|s| !s.feasible));
                assert!(sizing.why.starts_with("no size"), "{}", sizing.why);
            }
        }
    }
}

#[test]
fn a_wide_size_range_is_sampled_and_a_bad_one_is_named() {
    let jobs = vec![due(job("a", 3, 5.0), 5.0), due(job("b", 2, 1.0), 1.0)];
    let sizing = best_cluster_size(&input(1, jobs.clone()), Some(1..=100_000)).unwrap();
    assert!(sizing.sizes.len() <= MAX_SIZES_EVALUATED);
    assert_eq!(sizing.sizes.first().map(|s| s.accelerators), Some(1));
    assert_eq!(sizing.sizes.last().map(|s| s.accelerators), Some(100_000));
    // 5 accelerators run both at once; on fewer, `a` waits for `b` and ends late (or cannot run).
    assert_eq!(sizing.best, Some(5));
    assert!(sizing.why.contains("; 4 misses 1 deadline;"), "{}", sizing.why);
    let at_two = sizing.sizes.iter().find(|s| s.accelerators == 2).unwrap();
    assert_eq!((at_two.unschedulable, at_two.deadline_misses), (1, 0));
    let err = best_cluster_size(&input(1, jobs.clone()), Some(std::ops::RangeInclusive::new(5, 4)))
        .unwrap_err();
    assert_eq!(err.to_string(), "sizes: the range 5..=4 is empty");
    let err = best_cluster_size(&input(1, jobs), Some(0..=4)).unwrap_err();
    assert_eq!(err.to_string(), "sizes: must be at least 1");
}
