//! What the second module (`web/deferred`) hands the Training and Serving pages beyond their
//! first-render estimate: each key number's range, the sentences under the "what moves the cost"
//! chart, and for training the Pareto front's rows, the deadline's pick and the notes that search
//! adds; for serving with percentile targets, the sizing the module's simulation worked out, which
//! the page's own estimate then uses (`mlcost::estimate_with_sizing`). The first render leaves
//! those computations to the module (right-sizing alone is about 5 KB of the first download's
//! 400 KB budget, the simulation 9 KB).
//!
//! Why a type with its own text codec, not JSON? The two modules are separate programs that share
//! only strings, and serde's derived readers for these types would add to the first render what
//! moving the search out of it saved. The one type, its encoder and its decoder live here, so the
//! two sides cannot disagree on the format; a test round-trips it.

use mlcost::serving::percentile::{MeanBased, Miss, PercentileSizing};
use mlcost::serving::simulate::Percentiles;

/// Percentiles as four numbers apart by spaces: p50, p90, p99, mean.
fn percentiles_text(p: &Percentiles) -> String {
    format!("{} {} {} {}", p.p50, p.p90, p.p99, p.mean)
}

fn percentiles(text: &str) -> Option<Percentiles> {
    let numbers: Vec<f64> = text.split(' ').map(str::parse).collect::<Result<_, _>>().ok()?;
    match numbers.as_slice() {
        &[p50, p90, p99, mean] => Some(Percentiles { p50, p90, p99, mean }),
        _ => None,
    }
}

/// Everything the module adds to a page, ready to show: the module formats, the page places.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageExtras {
    pub ranges: Vec<KeyRange>,
    /// What moves the cost, a sentence per input, largest swing first.
    pub swings: Vec<String>,
    /// The Pareto front across offers, cheapest first (training).
    pub front: Vec<FrontPoint>,
    /// The cheapest offer, count and plan within the deadline (training, with a deadline).
    pub pick: Option<Pick>,
    /// What the module's searches found worth a note ("no offer finishes within the deadline").
    pub notes: Vec<String>,
    /// The serving replica's sizing by its percentile targets, simulated (serving, with them).
    pub sizing: Option<PercentileSizing>,
    /// The scenario (as JSON) these were made for: set by the page that asked, not encoded.
    pub scenario: Option<String>,
}

/// A key number's range: the id of the figure it belongs to, the range as shown, and its bounds
/// in the figure's unit when a published figure is placed against it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRange {
    pub id: String,
    pub shown: String,
    pub bounds: Option<(f64, f64)>,
}

/// One point of the Pareto front, its cells as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontPoint {
    pub layout: String,
    pub plan: String,
    pub wall_clock: String,
    pub compute: String,
}

/// The deadline's pick: what to buy (shown strong), then its cost and time.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub choice: String,
    pub detail: String,
}

impl PageExtras {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The text the module returns: a line per item, its kind first, fields apart by tabs (which,
    /// like line breaks, become spaces inside a field).
    pub fn encode(&self) -> String {
        let mut lines: Vec<Vec<String>> = Vec::new();
        for r in &self.ranges {
            let mut line = vec!["range".into(), r.id.clone(), r.shown.clone()];
            if let Some((low, high)) = r.bounds {
                line.extend([low.to_string(), high.to_string()]);
            }
            lines.push(line);
        }
        lines.extend(self.swings.iter().map(|s| vec!["swing".into(), s.clone()]));
        lines.extend(self.front.iter().map(|p| {
            let cells = [&p.layout, &p.plan, &p.wall_clock, &p.compute];
            std::iter::once("front".to_owned()).chain(cells.map(Clone::clone)).collect()
        }));
        if let Some(pick) = &self.pick {
            lines.push(vec!["pick".into(), pick.choice.clone(), pick.detail.clone()]);
        }
        lines.extend(self.notes.iter().map(|n| vec!["note".into(), n.clone()]));
        if let Some(sizing) = &self.sizing {
            lines.push(encode_sizing(sizing));
            lines.extend(sizing.notes.iter().map(|n| vec!["sizing-note".into(), n.clone()]));
        }
        tab_separated(&lines)
    }

    /// Reads [`Self::encode`]'s text; a line it cannot read (from a module of another version,
    /// say) is skipped rather than shown wrong.
    pub fn decode(text: &str) -> Self {
        let mut read = Self::default();
        let owned = |s: &&str| (*s).to_owned();
        for line in text.lines() {
            match line.split('\t').collect::<Vec<_>>().as_slice() {
                ["range", id, shown, rest @ ..] => {
                    let bounds = match rest {
                        [low, high] => low.parse().ok().zip(high.parse().ok()),
                        _ => None,
                    };
                    read.ranges.push(KeyRange { id: owned(id), shown: owned(shown), bounds });
                }
                ["swing", sentence] => read.swings.push(owned(sentence)),
                ["front", layout, plan, wall_clock, compute] => read.front.push(FrontPoint {
                    layout: owned(layout),
                    plan: owned(plan),
                    wall_clock: owned(wall_clock),
                    compute: owned(compute),
                }),
                ["pick", choice, detail] => {
                    read.pick = Some(Pick { choice: owned(choice), detail: owned(detail) });
                }
                ["note", note] => read.notes.push(owned(note)),
                ["sizing", fields @ ..] => read.sizing = decode_sizing(fields),
                ["sizing-note", note] => {
                    if let Some(sizing) = &mut read.sizing {
                        sizing.notes.push(owned(note));
                    }
                }
                _ => {}
            }
        }
        read
    }

    /// The range shown beside the key number `id`.
    pub fn range(&self, id: &str) -> Option<String> {
        self.ranges.iter().find(|r| r.id == id).map(|r| r.shown.clone())
    }

    /// The bounds of the key number `id`'s range, when the module gave them.
    pub fn bounds(&self, id: &str) -> Option<(f64, f64)> {
        self.ranges.iter().find(|r| r.id == id).and_then(|r| r.bounds)
    }
}

/// Lines of fields as the two modules' text codecs write them: fields apart by tabs, lines by
/// line breaks, either of which inside a field becomes a space.
pub fn tab_separated(lines: &[Vec<String>]) -> String {
    let field = |text: &String| text.replace(['\t', '\n', '\r'], " ");
    lines
        .iter()
        .map(|line| line.iter().map(field).collect::<Vec<_>>().join("\t"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sizing's figures as text, each number in Rust's shortest form that reads back the same.
fn encode_sizing(s: &PercentileSizing) -> Vec<String> {
    let mut line = vec![
        "sizing".to_owned(),
        s.requests_per_second_per_replica.to_string(),
        s.capacity_without_percentiles.to_string(),
        percentiles_text(&s.ttft_ms),
        percentiles_text(&s.tpot_ms),
    ];
    if let Some(m) = &s.mean_based {
        line.push(m.requests_per_second_per_replica.to_string());
        line.push(m.replicas_peak.map(|n| n.to_string()).unwrap_or_default());
        let misses =
            m.misses.iter().map(|x| format!("{} {} {}", x.field, x.target_ms, x.simulated_ms));
        line.push(misses.collect::<Vec<_>>().join(";"));
    }
    line
}

fn decode_sizing(fields: &[&str]) -> Option<PercentileSizing> {
    let (rate, without, ttft, tpot, rest) = match fields {
        [rate, without, ttft, tpot, rest @ ..] => (rate, without, ttft, tpot, rest),
        _ => return None,
    };
    let mean_based = match rest {
        [] => None,
        [rate, replicas, misses] => {
            let miss = |text: &str| match text.split(' ').collect::<Vec<_>>().as_slice() {
                [field, target, simulated] => Some(Miss {
                    field: (*field).to_owned(),
                    target_ms: target.parse().ok()?,
                    simulated_ms: simulated.parse().ok()?,
                }),
                _ => None,
            };
            Some(MeanBased {
                requests_per_second_per_replica: rate.parse().ok()?,
                replicas_peak: if replicas.is_empty() {
                    None
                } else {
                    Some(replicas.parse().ok()?)
                },
                misses: misses
                    .split(';')
                    .filter(|m| !m.is_empty())
                    .map(miss)
                    .collect::<Option<_>>()?,
            })
        }
        _ => return None,
    };
    Some(PercentileSizing {
        requests_per_second_per_replica: rate.parse().ok()?,
        capacity_without_percentiles: without.parse().ok()?,
        ttft_ms: percentiles(ttft)?,
        tpot_ms: percentiles(tpot)?,
        mean_based,
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_module_encodes_the_page_decodes() {
        let extras = PageExtras {
            ranges: vec![
                KeyRange { id: "a".into(), shown: "$1 – $2".into(), bounds: Some((1.0, 2.5e9)) },
                KeyRange { id: "b".into(), shown: "3 – 4".into(), bounds: None },
            ],
            swings: vec!["MFU 30% – 50%: $1 – $2".into()],
            front: vec![FrontPoint {
                layout: "8× H100 (p5)".into(),
                plan: "spot".into(),
                wall_clock: "3 d".into(),
                compute: "$9".into(),
            }],
            pick: Some(Pick { choice: "8× H100".into(), detail: " — $9 in 3 d".into() }),
            notes: vec!["no offer finishes within the 1 h deadline".into()],
            sizing: Some(PercentileSizing {
                requests_per_second_per_replica: 8.410970985661425,
                ttft_ms: Percentiles { p50: 40.2, p90: 74.7, p99: 119.9, mean: 1.0 / 3.0 },
                tpot_ms: Percentiles { p50: 4.3, p90: 5.3, p99: 6.0, mean: 4.4 },
                capacity_without_percentiles: 19.9,
                mean_based: Some(MeanBased {
                    requests_per_second_per_replica: 13.3,
                    replicas_peak: Some(3),
                    misses: vec![Miss {
                        field: "serving.slo.ttft_p99_ms".into(),
                        target_ms: 120.0,
                        simulated_ms: 164.4,
                    }],
                }),
                notes: vec!["the percentile targets limit a replica".into()],
            }),
            scenario: None,
        };
        assert_eq!(PageExtras::decode(&extras.encode()), extras);
        assert!(PageExtras::decode("").is_empty());
    }

    #[test]
    fn a_tab_or_line_break_inside_a_field_cannot_split_it() {
        let extras = PageExtras {
            swings: vec!["a\tsheet's\nname".into()],
            notes: vec!["x".into()],
            ..PageExtras::default()
        };
        let read = PageExtras::decode(&extras.encode());
        assert_eq!(read.swings, ["a sheet's name"]);
        assert_eq!(read.notes, ["x"]);
    }

    #[test]
    fn a_sizing_without_a_mean_based_answer_reads_back() {
        let sizing = PercentileSizing {
            requests_per_second_per_replica: 0.1 + 0.2,
            ttft_ms: Percentiles::default(),
            tpot_ms: Percentiles { p50: 1e-300, p90: 2.5, p99: 1e300, mean: 3.0 },
            capacity_without_percentiles: 7.0,
            mean_based: None,
            notes: Vec::new(),
        };
        let extras = PageExtras { sizing: Some(sizing), ..PageExtras::default() };
        assert_eq!(PageExtras::decode(&extras.encode()), extras);
        assert_eq!(PageExtras::decode("sizing\t1\t2\tx").sizing, None);
    }

    #[test]
    fn a_line_it_cannot_read_is_skipped() {
        let read = PageExtras::decode("range\tonly-an-id\nswing\tkept\nfront\ttoo\tfew");
        assert_eq!(read, PageExtras { swings: vec!["kept".into()], ..PageExtras::default() });
    }
}
