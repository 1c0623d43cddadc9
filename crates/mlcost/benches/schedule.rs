//! How long scheduling takes: the scheduling page re-plans on every edit, and sizing a cluster runs
//! the scheduler once per size weighed.

use criterion::{Criterion, criterion_group, criterion_main};
use mlcost::schedule::{Cluster, Job, QueueOrder, ScheduleInput, best_cluster_size, schedule};
use mlcost::units::UsdPerHour;

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants): the same queue every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// A week of mixed work: mostly single-node jobs, some multi-node, a few that take half the cluster
/// or all of it; a third with deadlines.
fn queue(jobs: usize, accelerators: u32) -> ScheduleInput {
    let mut rng = Lcg(42);
    let sizes = [1, 1, 2, 4, 8, 8, 8, 16, 32, 64, 128, accelerators / 2, accelerators];
    let jobs = (0..jobs)
        .map(|k| {
            let earliest_start_hours = rng.below(168) as f64;
            let hours = 0.5 + rng.below(96) as f64 / 2.0;
            let deadline = rng.below(3) == 0;
            Job {
                name: format!("job-{k}"),
                accelerators: sizes[rng.below(sizes.len() as u64) as usize].clamp(1, accelerators),
                hours,
                earliest_start_hours,
                deadline_hours: deadline.then_some(earliest_start_hours + hours * 4.0),
                priority: None,
            }
        })
        .collect();
    ScheduleInput {
        cluster: Cluster { accelerators, price_per_accelerator_hour: UsdPerHour::new(1.8) },
        on_demand_price_per_accelerator_hour: UsdPerHour::new(4.0),
        spot_price_per_accelerator_hour: Some(UsdPerHour::new(1.6)),
        spot_overhead: None,
        order: QueueOrder::Edf,
        jobs,
    }
}

fn scheduling(c: &mut Criterion) {
    let input = queue(1000, 512);
    c.bench_function("schedule/1000_jobs_512_accelerators", |b| {
        b.iter(|| schedule(std::hint::black_box(&input)))
    });
    let input = queue(100, 64);
    let mut group = c.benchmark_group("schedule");
    group.sample_size(10);
    group.bench_function("best_cluster_size/100_jobs", |b| {
        b.iter(|| best_cluster_size(std::hint::black_box(&input), None))
    });
    // Issue 14: 10,000 random jobs once took seconds and 30,000 minutes. Each job scanned the
    // whole backlog from its earliest start; a bound from the jobs placed before it now skips
    // what cannot fit, and sizing weighs fewer sizes for a long queue.
    let big = queue(100_000, 4096);
    group.bench_function("100000_jobs_4096_accelerators", |b| {
        b.iter(|| schedule(std::hint::black_box(&big)))
    });
    let backlogged = queue(100_000, 512);
    group.bench_function("100000_jobs_512_accelerators", |b| {
        b.iter(|| schedule(std::hint::black_box(&backlogged)))
    });
    let sized = queue(10_000, 512);
    group.bench_function("best_cluster_size/10000_jobs", |b| {
        b.iter(|| best_cluster_size(std::hint::black_box(&sized), None))
    });
    group.finish();
}

criterion_group!(benches, scheduling);
criterion_main!(benches);
