//! What the second module (`web/deferred`) hands the Training and Serving pages beyond their
//! first-render estimate: each key number's range, the sentences under the "what moves the cost"
//! chart, and for training the Pareto front's rows, the deadline's pick and the notes that search
//! adds. The first render leaves those computations to the module (right-sizing alone is about
//! 5 KB of the first download's 400 KB budget).
//!
//! Why a type with its own text codec, not JSON? The two modules are separate programs that share
//! only strings, and serde's derived readers for these types would add to the first render what
//! moving the search out of it saved. The one type, its encoder and its decoder live here, so the
//! two sides cannot disagree on the format; a test round-trips it.

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
        let field = |text: &String| text.replace(['\t', '\n', '\r'], " ");
        lines
            .iter()
            .map(|line| line.iter().map(field).collect::<Vec<_>>().join("\t"))
            .collect::<Vec<_>>()
            .join("\n")
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
    fn a_line_it_cannot_read_is_skipped() {
        let read = PageExtras::decode("range\tonly-an-id\nswing\tkept\nfront\ttoo\tfew");
        assert_eq!(read, PageExtras { swings: vec!["kept".into()], ..PageExtras::default() });
    }
}
