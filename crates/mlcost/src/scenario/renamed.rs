//! Fields the schema has renamed, still read under their old names: a scenario file, a saved
//! scenario or a link written before the rename opens as it did.
//!
//! Why hidden fields moved after parsing, and not a rewrite of the JSON before it? A rewrite needs
//! a second JSON parser and printer in the web app's first render (2.8 KB gzip, measured); the
//! derived reader takes two more optional fields for next to nothing. Every reader (JSON, TOML,
//! links) goes through [`move_old_names`], so no estimator sees the old fields set.

use crate::scenario::Scenario;
use crate::vocabulary::error::{Error, Problem};

/// Moves `serving.tensor_parallel` and `serving.pipeline_parallel` to `serving.parallelism`.
/// Both names given is an error naming the old one.
pub(crate) fn move_old_names(scenario: &mut Scenario) -> Result<(), Error> {
    let Some(serving) = scenario.serving.as_mut() else { return Ok(()) };
    let moves = [
        (
            serving.tensor_parallel.take(),
            &mut serving.parallelism.tensor,
            "serving.tensor_parallel",
            "serving.parallelism.tensor",
        ),
        (
            serving.pipeline_parallel.take(),
            &mut serving.parallelism.pipeline,
            "serving.pipeline_parallel",
            "serving.parallelism.pipeline",
        ),
    ];
    for (old, new, old_name, new_name) in moves {
        let Some(value) = old else { continue };
        if new.is_some() {
            return Err(Error::new(old_name, Problem::Conflicts { other: new_name.to_owned() }));
        }
        *new = Some(value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use crate::scenario::share::decode;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Links the release before the rename wrote (`mlcost link`, commit 3bebc22) for scenarios
    /// whose serving section used `tensor_parallel` and `pipeline_parallel` (the first two are
    /// the examples of that commit), with the same scenarios in today's names.
    const OLD_LINKS: [(&str, &str); 3] = [
        (
            "2.TZDRboMwDEX_xc9QAaPbxK9MU-SCgWhJnCVm7VTx73PoHpq3XJ_rq-s7eJ7IwXCHmCiTwADOocf65dTWb80F9goypR8blgLhOJKjhMJJybVtmjrfPFQwso-YyGC0GYYP4EgB7bBEqXuuvQ0WPiuY0Lpfk-h7oyzKdc3xTk0FNsRNjPAXBR20_yrPM5UkvOYhnk_9-81hWkgDeZNnQ3c--OgwKM6hnshjmBTMK0ZSbbJbCuiK4rh0kchivHofVpH58e2ObO0tupmT0V7oXDlSX8GV7LKK0WONNlsuYZe5fYV9_wM",
            r#"{
  "model": { "preset": "llama-3.1-70b" },
  "serving": {
    "accelerator": "h100-sxm",
    "parallelism": { "tensor": 4 },
    "weight_precision": "bf16",
    "input_tokens": 1000,
    "output_tokens": 250,
    "slo": { "ttft_ms": 2000, "tpot_ms": 50 },
    "daily_requests": 2000000,
    "shape": "diurnal",
    "offer": "aws:p5.48xlarge",
    "plan": "on-demand",
    "compare_apis": ["openai:gpt-4o-mini"]
  }
}"#,
        ),
        (
            "2.VVBLboNADL2L14BISNSIq1TVyAUDo8zHnTFNqoi71xO6aLzz8_vI7wE-juSgfwAnyiTQg3Pose6arn5rP2GrIFP6tmEuJBwGcpRQYlLmcmjbOt89VDBEz5jIINsM_TtEpoC2n1nqU9T7y157Gyx8VDCidT8m0ddKWVR3bJ_TtBXYwKsYiVcKejj8oXGaqCTjLfd8bk6Xu8M0UwlY5b-g2_lMeFXMeMKg9gXKCzKpxWjXFNCpNLtYfhOOYrxqz0-pyLSve7b2IOock9E_0blS2rGCG9l5EaPlDTbbqCEw8QW27Rc",
            r#"{
  "model": {"preset": "llama-3.3-70b"},
  "serving": {"accelerator": "h100-sxm", "parallelism": {"tensor": 2}, "weight_precision": "fp8",
              "input_tokens": 1000, "output_tokens": 300, "slo": {"ttft_ms": 1000, "tpot_ms": 50},
              "daily_requests": 2e6, "shape": "diurnal", "peak_to_mean": 2,
              "offer": "aws:p5.48xlarge", "compare_apis": ["openai:gpt-4o", "openai:gpt-4o-mini"]}
}"#,
        ),
        (
            "2.TY_RDoIwDEX_pc_DDJCE8DPLHBUWxza3Tk0I_25RE3k9Pb23XWEJIzoYVogJMxIM4JxedNWe6uosuwtsAjKmh_XTbmlj0GHSFBKrcy1llV8LCLA-FlIUbugzDI2U8iQFhEJH3H1ptBGd9aiiTtq5vb9hmqxhhEkdStQcCje1-1rCe8FM-eNkNMGPvwlxOrv_uF7AE-00k-K3jM02eD73GnvYtjc",
            r#"{"model": {"preset": "llama-3.1-405b"},
                "serving": {"accelerator": "h100-sxm", "parallelism": {"tensor": 8, "pipeline": 2},
                            "weight_precision": "fp8", "input_tokens": 2000, "output_tokens": 500,
                            "requests_per_second": 3, "price_per_accelerator_hour": 3.0}}"#,
        ),
    ];

    #[test]
    fn links_written_before_the_rename_still_open() {
        for (link, today) in OLD_LINKS {
            assert_eq!(decode(link).unwrap(), Scenario::from_json(today).unwrap(), "{today}");
        }
    }

    #[test]
    fn old_names_read_in_json_and_write_as_new_ones() {
        let old = r#"{"model": {"parameters": 7e9},
            "serving": {"accelerator": "h100-sxm", "tensor_parallel": 2, "pipeline_parallel": 4}}"#;
        let scenario = Scenario::from_json(old).unwrap();
        let serving = scenario.serving.as_ref().unwrap();
        assert_eq!((serving.parallelism.tensor, serving.parallelism.pipeline), (Some(2), Some(4)));
        let json = scenario.to_json();
        assert!(json.contains("\"parallelism\"") && !json.contains("tensor_parallel"), "{json}");
    }

    #[test]
    fn an_old_and_a_new_name_together_are_refused_naming_the_old() {
        let both = r#"{"model": {"parameters": 7e9},
            "serving": {"accelerator": "h100-sxm", "tensor_parallel": 2,
                        "parallelism": {"tensor": 4}}}"#;
        let err = Scenario::from_json(both).unwrap_err();
        assert_eq!(err.field, "serving.tensor_parallel");
        assert!(err.to_string().contains("serving.parallelism.tensor"), "{err}");
        // Errors elsewhere still name their field after the rewrite.
        let bad = r#"{"model": {"parameters": 7e9},
            "serving": {"accelerator": "h100-sxm", "tensor_parallel": 2, "input_tokens": "many"}}"#;
        assert_eq!(Scenario::from_json(bad).unwrap_err().field, "serving.input_tokens");
    }

    #[cfg(feature = "toml")]
    #[test]
    fn old_names_read_in_toml() {
        let toml = "[model]\nparameters = 7e9\n[serving]\naccelerator = \"h100-sxm\"\ntensor_parallel = 2\n";
        let scenario = Scenario::from_toml(toml).unwrap();
        assert_eq!(scenario.serving.unwrap().parallelism.tensor, Some(2));
    }
}
