//! The resolve step: a scenario checked field by field and looked up in the price book once, into
//! the form the estimators read.
//!
//! Why resolve before estimating? A field is then checked in one place, before any arithmetic, so
//! an error names the field the user typed rather than a figure derived from it, and an
//! estimator's only failures are results out of range. The model, the accelerator, the layout and
//! the price are each looked up once, where before each part of an estimate looked up its own.
//!
//! What resolves here and what does not: plain settings and their defaults (epochs, micro-batch,
//! LoRA rank, PUE, storage, the KV cache's format, the day's load) resolve here. Defaults that are
//! calibrated models of their own (MFU, goodput, a serving engine's efficiency) stay with the
//! estimator that calibrates them: the resolved form says only whether the user gave one.

pub mod carbon;
pub mod machines;
pub mod owned;
pub mod pricing;
pub mod reliability;
pub mod serving;
pub mod speculation;
pub mod split;
pub mod storage;
pub mod training;

use crate::catalogue::pricing::PriceBook;
use crate::scenario::Scenario;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::terms::Plan;
use serving::{ResolvedServing, resolve_serving};
use training::{ResolvedTraining, resolve_training};

/// A scenario ready to estimate: its sections resolved against one price book.
#[derive(Debug, Clone)]
pub struct ResolvedScenario<'a> {
    /// The training section resolved, when the scenario has one.
    pub training: Option<ResolvedTraining<'a>>,
    /// The serving section resolved, when the scenario has one.
    pub serving: Option<ResolvedServing<'a>>,
    /// The `owned` section, when a section is bought on the owned plan.
    pub owned: Option<owned::ResolvedOwned>,
}

impl Scenario {
    /// Checks every field and resolves the model, hardware, layout, prices and defaults once.
    pub fn resolve<'a>(&'a self, book: &'a PriceBook) -> Result<ResolvedScenario<'a>, Error> {
        self.resolve_handed(book, None)
    }

    /// [`Scenario::resolve`] with the `owned` section resolved already (by a build with the
    /// `owned` feature: the app's second module hands it to its first render), when given.
    pub fn resolve_handed<'a>(
        &'a self,
        book: &'a PriceBook,
        owned: Option<&owned::ResolvedOwned>,
    ) -> Result<ResolvedScenario<'a>, Error> {
        if self.training.is_none() && self.serving.is_none() {
            return Err(Error::new(
                "training",
                Problem::Malformed("is required, or serving, or both".to_owned()),
            ));
        }
        let model = self.model.resolve()?;
        let owned = match owned {
            Some(handed) => Some(handed.clone()),
            None => self.owned_for_plans(book)?,
        };
        // Each section owns its model: a copy only when both need one.
        let (for_training, for_serving) = match self.serving {
            Some(_) if self.training.is_some() => (Some(model.clone()), Some(model)),
            Some(_) => (None, Some(model)),
            None => (Some(model), None),
        };
        let training = match (&self.training, for_training) {
            (Some(training), Some(model)) => {
                Some(resolve_training(model, training, book, owned.as_ref())?)
            }
            _ => None,
        };
        let serving = match (&self.serving, for_serving) {
            (Some(serving), Some(model)) => {
                Some(resolve_serving(model, serving, book, owned.as_ref())?)
            }
            _ => None,
        };
        Ok(ResolvedScenario { training, serving, owned })
    }

    /// The `owned` section, resolved when a section is bought on the owned plan (otherwise only
    /// `mlcost own` reads it). Without the engine's `owned` feature (the app's first render, where
    /// reading and checking the section is 12 KB gzip of its budget) a section on the owned plan
    /// is refused at its plan, in words that say where it is priced.
    pub fn owned_for_plans(
        &self,
        #[cfg_attr(not(feature = "owned"), allow(unused_variables))] book: &PriceBook,
    ) -> Result<Option<owned::ResolvedOwned>, Error> {
        let on_owned = [
            ("training.plan", self.training.as_ref().and_then(|t| t.plan)),
            ("serving.plan", self.serving.as_ref().and_then(|s| s.plan)),
        ]
        .into_iter()
        .find(|(_, plan)| *plan == Some(Plan::Owned));
        let Some((_field, _)) = on_owned else { return Ok(None) };
        #[cfg(not(feature = "owned"))]
        return Err(Error::new(_field, Problem::Malformed(owned::NOT_IN_THIS_BUILD.into())));
        // Without the section, the section on the owned plan refuses it at its plan.
        #[cfg(feature = "owned")]
        match &self.owned {
            Some(section) => Ok(Some(owned::resolve_owned(&owned::read_owned(section)?, book)?)),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::resolve::serving::Requests;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn resolve(json: &str) -> Result<(), Error> {
        let scenario = Scenario::from_json(json)?;
        scenario.resolve(PriceBook::bundled()?).map(|_| ())
    }

    const MODEL: &str = r#""model": {"preset": "llama-3.1-8b"}"#;

    #[test]
    fn defaults_are_filled_once_and_reported_in_order() {
        let scenario = Scenario::from_json(&format!(
            r#"{{{MODEL}, "training": {{"tokens": 1e12, "accelerator": "h100-sxm",
                "accelerator_count": 16, "precision": "bf16", "offer": "aws:p5.48xlarge",
                "parallelism": {{"tensor": 2}}}},
              "serving": {{"accelerator": "h100-sxm", "input_tokens": 512, "output_tokens": 128,
                "daily_requests": 1e6, "shape": "diurnal", "price_per_accelerator_hour": 3}}}}"#
        ))
        .unwrap();
        let book = PriceBook::bundled().unwrap();
        let resolved = scenario.resolve(book).unwrap();
        let training = resolved.training.unwrap();
        assert_eq!((training.layout.data, training.layout.tensor), (8, 2));
        assert_eq!(training.setup.micro_batch, 1);
        assert_eq!(training.pue.to_bits(), training::DEFAULT_PUE.value.to_bits());
        assert!(!training.on_spot() && training.sold.is_some());
        let fields: Vec<&str> = training.assumptions.iter().map(|a| a.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "training.storage.bytes_per_token",
                "training.storage.checkpoints_kept",
                "training.pue",
                "training.grams_co2e_per_kwh"
            ]
        );
        let serving = resolved.serving.unwrap();
        assert_eq!(serving.requests, Requests::Tokens { input: 512.0, output: 128.0 });
        assert_eq!(serving.model, training.model, "one model for both sections");
        let rates = serving.rates.unwrap();
        let daily: f64 = rates.iter().map(|r| r * 3600.0).sum();
        assert!((daily - 1e6).abs() < 1e-6, "{daily}");
        let fields: Vec<&str> = serving.assumptions.iter().map(|a| a.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "serving.peak_to_mean",
                "serving.autoscaling.target_utilization",
                "serving.pue",
                "serving.grams_co2e_per_kwh"
            ]
        );
    }

    /// Fields an estimate used to read only on some paths are checked on every path now.
    #[test]
    fn every_field_is_checked_whatever_path_the_estimate_takes() {
        let field = |json: String| resolve(&json).unwrap_err().field;
        // No load: the section was never priced, and its API ids never looked up.
        assert_eq!(
            field(format!(
                r#"{{{MODEL}, "serving": {{"accelerator": "h100-sxm", "input_tokens": 512,
                    "output_tokens": 128, "compare_apis": ["nobody:nothing"]}}}}"#
            )),
            "serving.compare_apis[0]"
        );
        // A run that did not fit was never priced: its offer must still be one the book sells.
        assert_eq!(
            field(
                r#"{"model": {"preset": "llama-3.1-405b"}, "serving": {"accelerator": "l4",
                    "input_tokens": 512, "output_tokens": 128, "requests_per_second": 1,
                    "offer": "aws:p5.48xlarge"}}"#
                    .to_owned()
            ),
            "serving.accelerator"
        );
        assert_eq!(
            field(format!(
                r#"{{{MODEL}, "training": {{"tokens": 1e12, "accelerator": "h100-sxm",
                    "accelerator_count": 8, "precision": "bf16", "price_per_accelerator_hour": 2,
                    "storage": {{"dataset_bytes": -1}}}}}}"#
            )),
            "training.storage.dataset_bytes"
        );
        assert_eq!(field(format!("{{{MODEL}}}")), "training");
    }
}
