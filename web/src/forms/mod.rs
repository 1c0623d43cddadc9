//! The scenario form every page uses: a table of scenario fields, each kept as exactly the string
//! the user typed. Those strings become the scenario's JSON (numbers like "37B" read by
//! `parse_quantity`) and the engine's own parser reads it, so every error, the form's or the
//! engine's, names a field by the same dotted path and shows next to it.

use leptos::prelude::*;
use mlcost::{Assumption, Error, PriceBook, Problem, Scenario, format};
use serde_json::{Map, Value};
use wasm_bindgen::JsCast;

pub mod input;
pub mod serving;
pub mod training;

use input::parse_quantity;
use input::quantity_text;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Number,
    /// Numbers separated by commas (24 hourly rates, say), written as a JSON array.
    Numbers,
    Text,
    /// A fixed list of (value, label).
    Choice(&'static [(&'static str, &'static str)]),
    Accelerator,
    /// A model preset; `custom` labels the empty option (what describes the model instead).
    Preset {
        custom: &'static str,
    },
    /// An offer selling the accelerator chosen in the field at this path.
    Offer {
        accelerator: &'static str,
    },
    /// Any number of the catalogue's hosted APIs, written as a JSON array of ids.
    Apis,
    /// A pasted JSON document (a Hugging Face config.json).
    Json,
}

/// "owned" is listed so that a link or file holding it shows it (the page explains, at the field,
/// that the owned servers are priced elsewhere), never a blank choice.
pub const PLANS: &[(&str, &str)] = &[
    ("on-demand", "on-demand"),
    ("spot", "spot"),
    ("1y", "1-year"),
    ("3y", "3-year"),
    ("owned", "owned servers"),
];
/// How a section is priced: the choice behind its price fields' `Alternative`s.
pub const PRICING: &[(&str, &str)] =
    &[("price", "a price I type"), ("offer", "an offer from the catalogue")];

/// One scenario field as the form shows it.
#[derive(Debug)]
pub struct FieldSpec {
    pub path: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub kind: Kind,
    pub initial: &'static str,
}

/// Fields written only while a choice field (itself not part of the scenario) has `value`; the
/// other modes' values stay in the form, hidden.
#[derive(Debug)]
pub struct Alternative {
    pub choice: &'static str,
    pub value: &'static str,
    pub paths: &'static [&'static str],
}

/// A choice field (not part of the scenario) that, set to "yes", writes an empty object at
/// `object` for its settings (`Alternative`s of the choice) to fill, so that all of them left
/// empty still turns the feature on with its defaults; a scenario holding the object sets it.
#[derive(Debug)]
pub struct Switch {
    pub choice: &'static str,
    pub object: &'static str,
}

/// A field that, once filled, makes others stand aside (a pasted config replaces the preset).
#[derive(Debug)]
pub struct Supersede {
    pub filled: &'static str,
    pub replaces: &'static [&'static str],
}

/// The scenario a form opens on (its fields' initial values): what it is, where it comes from,
/// and the figures its source published, shown beside the estimate's while the form holds it.
#[derive(Debug)]
pub struct Example {
    pub title: &'static str,
    pub about: &'static str,
    pub published: &'static [Published],
}

/// A figure published for an example: which key number it stands beside (`training-accelerator-hours`),
/// as the source gives it, and the source.
#[derive(Debug)]
pub struct Published {
    pub figure: &'static str,
    pub value: &'static str,
    /// The same figure as a number in the key number's own unit, to say how far the estimate is.
    pub amount: f64,
    pub source: &'static str,
}

/// Everything a page's form is made of.
#[derive(Debug)]
pub struct FormSpec {
    pub example: Example,
    pub basic: &'static [FieldSpec],
    pub advanced: &'static [FieldSpec],
    pub alternatives: &'static [Alternative],
    pub supersedes: &'static [Supersede],
    pub switches: &'static [Switch],
    /// Settings that belong to the model, set back to their defaults when the user chooses another
    /// model unless the user typed them: a layout or API list kept from the previous model would
    /// price a scenario nobody chose, from fields the user may not even see.
    pub follows_model: &'static [&'static str],
}

impl FormSpec {
    /// The label of the field at `path`, if the form has one.
    pub fn label(&self, path: &str) -> Option<&'static str> {
        self.basic.iter().chain(self.advanced).find(|f| f.path == path).map(|f| f.label)
    }
}

/// How a page names a scenario input (`training.mfu`, `serving.engine_efficiency`), for a module
/// without the page's form: the label of its field on either form, or for the one input the
/// ranges move that no field holds, its words; else the path itself.
pub fn input_label(path: &str) -> &str {
    match path {
        "serving.engine_efficiency" => "Engine speed (× the calibrated efficiencies)",
        _ => training::FORM.label(path).or_else(|| serving::FORM.label(path)).unwrap_or(path),
    }
}

/// The fields that choose the model: a preset, a parameter count (a custom model) or a pasted
/// config. The user changing one of them is choosing another model.
const MODEL_CHOICES: [&str; 3] = ["model.preset", "model.parameters", "model.hf_config"];

/// The field a filled parameter count stands in for: a custom model is no preset.
const PRESET: &str = "model.preset";
const PARAMETERS: &str = "model.parameters";
/// The one model-following field whose default is not empty: the APIs suggested for the model.
const COMPARE_APIS: &str = "serving.compare_apis";

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub spec: &'static FieldSpec,
    pub value: RwSignal<String>,
    /// Whether the user typed or picked this value (rather than an example, a link or a reset
    /// setting it): a typed value survives choosing another model.
    pub typed: RwSignal<bool>,
}

impl Field {
    fn new(spec: &'static FieldSpec) -> Self {
        Self { spec, value: RwSignal::new(spec.initial.to_owned()), typed: RwSignal::new(false) }
    }
}

/// A page's form: what the user typed, one signal per field. Made once by the app, so a page
/// keeps its inputs when the user visits another tab and comes back.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    spec: &'static FormSpec,
    fields: StoredValue<Vec<Field>>,
    /// The forms sharing this one's model, whose model-following settings a change of model
    /// resets too.
    partners: StoredValue<Vec<Form>>,
    /// The scenario the example's fields make, as a JSON value. Compared as a scenario, not field
    /// by field: a link to the example writes "2" where the example says "2.00". Why its JSON
    /// value, not the scenario? Its conversion is in the first render already (links use it); a
    /// derived comparison of every field of a scenario would add 4.7 KB of code there.
    example_scenario: StoredValue<Option<Value>>,
}

impl Form {
    pub fn new(spec: &'static FormSpec) -> Self {
        let fields = spec.basic.iter().chain(spec.advanced).map(Field::new).collect();
        Self::with_example(Self {
            spec,
            fields: StoredValue::new(fields),
            partners: StoredValue::new(Vec::new()),
            example_scenario: StoredValue::new(None),
        })
    }

    /// The form, knowing the scenario of its example: the one its fields hold when it is made.
    fn with_example(self) -> Self {
        let example = untrack(|| self.scenario_json());
        self.example_scenario.set_value(example);
        self
    }

    /// A form whose `model.*` fields are `other`'s own signals: the app's scenario has one model,
    /// whichever page edits it.
    ///
    /// The other form's model fields this one does not show come along unseen (after the shown
    /// ones), so both pages estimate the very same model.
    pub fn sharing_model(spec: &'static FormSpec, other: &Form) -> Self {
        let mut fields: Vec<Field> = spec
            .basic
            .iter()
            .chain(spec.advanced)
            .map(|spec| {
                let shared = spec.path.starts_with("model.").then(|| other.field(spec.path));
                let shared = shared.flatten().map(|theirs| Field { spec, ..theirs });
                shared.unwrap_or_else(|| Field::new(spec))
            })
            .collect();
        let unseen: Vec<Field> = other.fields.with_value(|theirs| {
            theirs
                .iter()
                .filter(|f| f.spec.path.starts_with("model."))
                .filter(|f| fields.iter().all(|mine| mine.spec.path != f.spec.path))
                .copied()
                .collect()
        });
        fields.extend(unseen);
        let form = Self::with_example(Self {
            spec,
            fields: StoredValue::new(fields),
            partners: StoredValue::new(vec![*other]),
            example_scenario: StoredValue::new(None),
        });
        other.partners.update_value(|partners| partners.push(form));
        form
    }

    /// The user typed `text` into the field at `path` (or picked it). Choosing a model sets the
    /// settings that belonged to the previous one back to their defaults, here and in the forms
    /// sharing the model, unless the user typed them; a parameter count makes the model custom,
    /// and a preset drops the count.
    pub fn user_set(&self, path: &str, text: String, book: &PriceBook) {
        let Some(field) = self.field(path) else { return };
        let filled = !text.trim().is_empty();
        field.value.set(text);
        field.typed.set(true);
        self.drop_offers_of_another(path, book);
        if !MODEL_CHOICES.contains(&path) {
            return;
        }
        let excluded = match path {
            PARAMETERS if filled => self.field(PRESET),
            PRESET if filled => self.field(PARAMETERS),
            _ => None,
        };
        if let Some(other) = excluded {
            other.value.set(String::new());
            other.typed.set(false);
        }
        let preset = self.text_untracked(PRESET);
        let preset = (!preset.is_empty()).then_some(preset.as_str());
        self.model_chosen(preset, book);
        self.partners.with_value(|partners| {
            partners.iter().for_each(|partner| partner.model_chosen(preset, book));
        });
    }

    /// After the accelerator at `path` changed: empties each offer field whose offer sells
    /// another accelerator, so the Offer box never shows one offer while another is priced.
    fn drop_offers_of_another(&self, path: &str, book: &PriceBook) {
        let offers = self.fields.with_value(|fields| {
            let of_this = |f: &&Field| matches!(f.spec.kind, Kind::Offer { accelerator } if accelerator == path);
            fields.iter().filter(of_this).copied().collect::<Vec<_>>()
        });
        for field in offers {
            let accelerator = self.text_untracked(path);
            let sells_another = field.value.with_untracked(|offer| {
                book.offer(offer, field.spec.path).is_ok_and(|o| o.accelerator != accelerator)
            });
            if sells_another {
                field.value.set(String::new());
                field.typed.set(false);
            }
        }
    }

    /// Sets the model-following settings the user did not type back to their defaults for the
    /// model now chosen (`preset`, if it is one).
    fn model_chosen(&self, preset: Option<&str>, book: &PriceBook) {
        for field in self.fields.get_value() {
            let path = field.spec.path;
            if !self.spec.follows_model.contains(&path) || field.typed.get_untracked() {
                continue;
            }
            let default = if path == COMPARE_APIS {
                book.suggested_apis(preset).join(",")
            } else {
                String::new()
            };
            if field.value.with_untracked(|now| *now != default) {
                field.value.set(default);
            }
        }
    }

    /// Whether the field at `path` is written into the scenario with a value other than its
    /// neutral one (empty, or a choice's first option) (tracked).
    fn holds_own_value(&self, path: &str) -> bool {
        let Some(field) = self.field(path) else { return false };
        let written = !(self.chosen_away(path) || self.superseded_by(path).is_some());
        let neutral = match field.spec.kind {
            Kind::Choice(choices) => choices.first().map_or("", |(value, _)| *value),
            _ => "",
        };
        written && field.value.with(|v| !v.trim().is_empty() && v.trim() != neutral)
    }

    /// The label of the field at `path`, if the form has one.
    pub fn label(&self, path: &str) -> Option<&'static str> {
        self.spec.label(path)
    }

    pub fn example(&self) -> &'static Example {
        &self.spec.example
    }

    /// Whether the form describes its example's scenario (tracked).
    pub fn is_example(&self) -> bool {
        let json = self.scenario_json();
        json.is_some() && self.example_scenario.with_value(|example| *example == json)
    }

    /// The scenario the form's strings describe, as a JSON value; none when a field cannot be
    /// read (tracked).
    fn scenario_json(&self) -> Option<Value> {
        self.scenario().ok().map(|scenario| scenario.to_value())
    }

    /// Sets every field back to the example's value, none of them typed by the user. The model is
    /// shared, so the other page follows.
    pub fn reset_to_example(&self) {
        for field in self.fields.get_value() {
            field.value.set(field.spec.initial.to_owned());
            field.typed.set(false);
        }
    }

    fn field(&self, path: &str) -> Option<Field> {
        self.fields.with_value(|fields| fields.iter().find(|f| f.spec.path == path).copied())
    }

    fn text_untracked(&self, path: &str) -> String {
        self.field(path).map(|f| f.value.get_untracked()).unwrap_or_default()
    }

    /// The fields the page shows: basic, then advanced (shared ones it does not show come after).
    fn shown(&self) -> Vec<Field> {
        let count = self.spec.basic.len() + self.spec.advanced.len();
        self.fields.with_value(|fields| fields[..count.min(fields.len())].to_vec())
    }

    /// Fills the fields of the scenario's `sections` (`model`, `training`, `serving`) from its
    /// JSON: each field takes the value at its path (empty when absent, so the engine's default
    /// applies), and each mode choice the mode whose fields the scenario has.
    pub fn load(&self, scenario: &Value, sections: &[&str]) {
        let in_sections = |path: &str| sections.iter().any(|s| path.split('.').next() == Some(*s));
        for field in self.fields.get_value() {
            let path = field.spec.path;
            if let Some(switch) = self.spec.switches.iter().find(|s| s.choice == path) {
                if in_sections(switch.object) {
                    let on = lookup(scenario, switch.object).is_some();
                    field.value.set(if on { "yes" } else { "" }.to_owned());
                }
            } else if self.is_choice(path) {
                let mut modes = self.spec.alternatives.iter().filter(|a| a.choice == path);
                let present = modes.find(|a| {
                    a.paths.iter().any(|p| in_sections(p) && lookup(scenario, p).is_some())
                });
                if let Some(mode) = present {
                    field.value.set(mode.value.to_owned());
                }
            } else if in_sections(path) {
                let text = lookup(scenario, path).map(|v| field_text(field.spec.kind, v));
                field.value.set(text.unwrap_or_default());
                // What a scenario holds is the scenario's, not something the user typed here.
                field.typed.set(false);
            }
        }
    }

    pub fn value(&self, path: &str) -> Option<RwSignal<String>> {
        self.field(path).map(|f| f.value)
    }

    fn text(&self, path: &str) -> String {
        self.value(path).map(|v| v.get()).unwrap_or_default()
    }

    /// Whether the field belongs to a mode its choice does not select (tracked).
    fn chosen_away(&self, path: &str) -> bool {
        let alternatives = self.spec.alternatives.iter();
        let mut mine = alternatives.filter(|a| a.paths.contains(&path)).peekable();
        mine.peek().is_some() && !mine.any(|a| self.text(a.choice) == a.value)
    }

    /// The filled field that makes this one stand aside, if any (tracked).
    fn superseded_by(&self, path: &str) -> Option<&'static str> {
        self.spec
            .supersedes
            .iter()
            .find(|s| s.replaces.contains(&path) && !self.text(s.filled).trim().is_empty())
            .map(|s| s.filled)
    }

    fn is_choice(&self, path: &str) -> bool {
        self.spec.alternatives.iter().any(|a| a.choice == path)
    }

    /// Whether an error belongs next to the field at `path` (`serving.compare_apis[1]` does to
    /// `serving.compare_apis`).
    fn owns(path: &str, error: &Error) -> bool {
        // "No model at all" belongs at the Model box, where one is chosen.
        if error.field == "model" {
            return path == PRESET;
        }
        error.field.strip_prefix(path).is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
    }

    /// The scenario the form's strings describe, or every field that cannot be read (tracked).
    pub fn scenario(&self) -> Result<Scenario, Vec<Error>> {
        let mut root = Value::Object(Map::new());
        let mut errors = Vec::new();
        for switch in self.spec.switches.iter().filter(|s| self.text(s.choice) == "yes") {
            insert(&mut root, switch.object, Value::Object(Map::new()));
        }
        for field in self.fields.get_value() {
            let path = field.spec.path;
            let text = field.value.get();
            let text = text.trim();
            let skipped = self.is_choice(path)
                || self.chosen_away(path)
                || self.superseded_by(path).is_some();
            if skipped {
                continue;
            }
            if text.is_empty() {
                // An offer chosen as the price but not picked: say so at its box, not at the
                // hidden price field the engine would name.
                // On the owned plan no offer is wanted: the engine says at the plan where the
                // owned servers are priced.
                let owned = self.text(&path.replace(".offer", ".plan")) == "owned";
                if matches!(field.spec.kind, Kind::Offer { .. }) && !owned {
                    errors.push(Error::new(path, Problem::Malformed(NO_OFFER.to_owned())));
                }
                continue;
            }
            match json_value(field.spec.kind, text) {
                Ok(value) => insert(&mut root, path, value),
                Err(problem) => errors.push(Error::new(path, problem)),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Whole numbers go to the engine as integers, so its parser checks counts itself.
        let json = integers(root).to_string();
        Scenario::from_json(&json).map_err(|e| vec![e])
    }
}

/// The value at a dotted path of a JSON object.
pub fn lookup<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(root, |node, part| node.get(part)).filter(|v| !v.is_null())
}

/// What a field shows for a scenario value: the inverse of `json_value`.
fn field_text(kind: Kind, value: &Value) -> String {
    match value {
        Value::Number(n) => n.as_f64().map(quantity_text).unwrap_or_default(),
        Value::String(text) => text.clone(),
        Value::Bool(true) => "true".to_owned(),
        Value::Bool(false) => String::new(),
        Value::Array(items) => {
            let separator = if kind == Kind::Apis { "," } else { ", " };
            items.iter().map(|item| field_text(kind, item)).collect::<Vec<_>>().join(separator)
        }
        Value::Object(_) => serde_json::to_string_pretty(value).unwrap_or_default(),
        Value::Null => String::new(),
    }
}

const NO_MODEL: &str =
    "Choose a model, or type a custom model's parameter count (or paste its config.json).";

const NO_OFFER: &str =
    "choose an offer selling this accelerator, or price with a price you type (Priced with)";

fn not_a_number(text: &str) -> Problem {
    // What was typed, cut short: a pasted megabyte is not echoed back.
    let shown = mlcost::vocabulary::error::clip(text);
    if !input::thousands_grouped(text) {
        return Problem::Malformed(format!(
            "\"{shown}\" is not a number: commas separate thousands (2,048); decimals take a point (2.50)"
        ));
    }
    Problem::Malformed(format!("\"{shown}\" is not a number (e.g. 7B, 1.4T, 2048)"))
}

fn json_value(kind: Kind, text: &str) -> Result<Value, Problem> {
    let number = |text: &str| {
        parse_quantity(text)
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| not_a_number(text))
    };
    match kind {
        Kind::Number => number(text),
        Kind::Numbers => text.split(',').map(|n| number(n.trim())).collect::<Result<_, _>>(),
        Kind::Apis => Ok(Value::Array(
            text.split(',').map(|id| Value::String(id.trim().to_owned())).collect(),
        )),
        Kind::Choice(_) if text == "true" => Ok(Value::Bool(true)),
        Kind::Json => serde_json::from_str::<Value>(text)
            .map_err(|e| Problem::Malformed(format!("not valid JSON: {e}"))),
        _ => Ok(Value::String(text.to_owned())),
    }
}

fn insert(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(map) = node else { return };
        if parts.peek().is_none() {
            map.insert(part.to_owned(), value);
            return;
        }
        node = map.entry(part.to_owned()).or_insert_with(|| Value::Object(Map::new()));
    }
}

fn integers(value: Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::Number((f as i64).into()),
            _ => Value::Number(n),
        },
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, integers(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(integers).collect()),
        other => other,
    }
}

/// The form's inputs: basic fields, the advanced ones folded, each with its error and, where the
/// engine filled in a default, that default and its source.
#[component]
pub fn ScenarioForm(
    form: Form,
    book: Memo<PriceBook>,
    errors: Signal<Vec<Error>>,
    defaults: Signal<Vec<Assumption>>,
    heading: &'static str,
    /// Which parts of the app's scenario the page uses and shares.
    uses: &'static str,
    /// Whether the form holds its example (`Form::is_example`, computed once by the page).
    on_example: Memo<bool>,
    advanced_summary: &'static str,
    /// Shown above the fields: what the form holds.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    // Each field's own problem, in words, or none (the engine's path stays in the JSON and CLI).
    let problem_at = move |path: &'static str| {
        errors.with(|all| {
            all.iter().find(|e| Form::owns(path, e)).map(|e| match e.field.as_str() {
                // The form writes no model at all when every model field is empty.
                "model" => NO_MODEL.to_owned(),
                _ => sentence(&e.problem),
            })
        })
    };
    // Once the user departs from the example, a basic field still holding the example's value
    // (its tokens, its accelerator, its price) says so: a fine-tune priced on the example's 14.8T
    // pre-training tokens is a wrong answer the user never asked for.
    let example_title = form.example().title;
    let field_view = move |field: Field, basic: bool| {
        let path = field.spec.path;
        let superseded = move || form.superseded_by(path);
        let problem = Memo::new(move |_| problem_at(path));
        let example_value = basic
            && !field.spec.initial.is_empty()
            && !path.starts_with("model.")
            && !form.is_choice(path);
        let from_example = move || {
            example_value
                && !on_example.get()
                && !field.typed.get()
                && field.value.with(|v| v == field.spec.initial)
        };
        view! {
            <div class="field" class:hidden=move || form.chosen_away(path) class:superseded=move || superseded().is_some()>
                {field_input(field, book, form, problem)}
                {move || from_example().then(|| view! {
                    <p class="hint from-example">{format!("The example's value ({example_title}): set your own.")}</p>
                })}
                {move || superseded().map(|by| {
                    let by = form.field(by).map_or(by, |f| f.spec.label);
                    view! { <p class="hint">{format!("Not used: {by} replaces it.")}</p> }
                })}
                {move || defaults.with(|all| all.iter().find(|a| a.field == path).map(|a| view! {
                    <p class="hint">"Default used: "<span class="default" title=a.citation()>{format::trimmed(a.value)}</span></p>
                }))}
                {move || problem.get().map(|text| {
                    view! { <p class="field-error" id=format!("{path}-error") role="alert">{text}</p> }
                })}
            </div>
        }
    };
    let (basic, advanced) = {
        let mut shown = form.shown();
        let advanced = shown.split_off(form.spec.basic.len().min(shown.len()));
        (shown, advanced)
    };
    // How many advanced fields hold a value of their own and how many a problem: said while the
    // section is folded, and either opens it, so nothing priced or wrong hides there.
    let advanced_paths: Vec<&'static str> = advanced.iter().map(|f| f.spec.path).collect();
    let advanced_state = Memo::new(move |_| {
        let set = advanced_paths.iter().filter(|path| form.holds_own_value(path)).count();
        let wrong = advanced_paths.iter().filter(|path| problem_at(path).is_some()).count();
        (set, wrong)
    });
    let advanced_count = move || match advanced_state.get() {
        (0, 0) => String::new(),
        (set, 0) => format!(" ({set} set)"),
        (0, wrong) => format!(" ({wrong} to fix)"),
        (set, wrong) => format!(" ({set} set, {wrong} to fix)"),
    };
    let unplaced = move || {
        let paths: Vec<&str> = form.shown().iter().map(|f| f.spec.path).collect();
        let unplaced: Vec<Error> = errors
            .get()
            .into_iter()
            .filter(|e| !paths.iter().any(|path| Form::owns(path, e)))
            .collect();
        (!unplaced.is_empty()).then(|| {
            view! {
                <div class="field-error" role="alert">
                    {unplaced.into_iter().map(|e| view! { <p>{e.to_string()}</p> }).collect_view()}
                </div>
            }
        })
    };
    view! {
        <section class="inputs" aria-label="Scenario">
            <h2>{heading}</h2>
            {children.map(|children| children())}
            <p class="hint">{uses}</p>
            {basic.into_iter().map(|field| field_view(field, true)).collect_view()}
            <details class="advanced" prop:open=move || advanced_state.get() != (0, 0)>
                <summary>{advanced_summary}{advanced_count}</summary>
                {advanced.into_iter().map(|field| field_view(field, false)).collect_view()}
            </details>
            {unplaced}
        </section>
    }
}

/// A problem as a sentence next to its field: "Must be > 0."
fn sentence(problem: &Problem) -> String {
    let text = problem.to_string();
    let mut chars = text.chars();
    // ASCII case: the messages start with an English word, and Unicode's case tables would add
    // 14 KB gzip to the first render.
    let first = chars.next().map(|c| c.to_ascii_uppercase().to_string()).unwrap_or_default();
    let end = if text.ends_with(['.', ')', '?']) { "" } else { "." };
    format!("{first}{}{end}", chars.as_str())
}

fn field_input(
    field: Field,
    book: Memo<PriceBook>,
    form: Form,
    problem: Memo<Option<String>>,
) -> impl IntoView {
    let FieldSpec { path, label, hint, kind, .. } = *field.spec;
    // Announced with the field: screen readers say it is invalid and read its problem.
    let invalid = move || problem.with(Option::is_some).then_some("true");
    let described = move || problem.with(Option::is_some).then(|| format!("{path}-error"));
    let value = field.value;
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        book.with_untracked(|book| form.user_set(path, text, book));
    };
    let options = move || -> Vec<(String, String)> {
        match kind {
            Kind::Choice(choices) => {
                choices.iter().map(|(v, l)| ((*v).to_owned(), (*l).to_owned())).collect()
            }
            Kind::Accelerator => book
                .with(|b| b.accelerators.iter().map(|a| (a.id.clone(), a.name.clone())).collect()),
            Kind::Preset { custom } => {
                let mut list = vec![(String::new(), custom.to_owned())];
                if let Ok(presets) = mlcost::catalogue::presets::presets() {
                    list.extend(presets.iter().map(|p| (p.id.clone(), p.name.clone())));
                }
                list
            }
            Kind::Offer { accelerator } => {
                let wanted = form.text(accelerator);
                let mut list = vec![(String::new(), "choose an offer".to_owned())];
                book.with(|b| {
                    list.extend(
                        b.offers
                            .iter()
                            .filter(|o| o.accelerator == wanted)
                            .map(|o| (o.id(), format!("{} ({}x)", o.id(), o.accelerator_count))),
                    )
                });
                // The box always shows the offer the scenario names, even one for another
                // accelerator (the engine then says what does not match).
                let current = value.get();
                if !current.is_empty() && list.iter().all(|(id, _)| *id != current) {
                    let label = format!("{current} (not a {wanted} offer)");
                    list.push((current, label));
                }
                list
            }
            Kind::Number | Kind::Numbers | Kind::Text | Kind::Json | Kind::Apis => Vec::new(),
        }
    };
    match kind {
        Kind::Json => view! {
            <label for=path>{label}</label>
            <textarea id=path rows="4" placeholder=hint spellcheck="false"
                aria-invalid=invalid aria-describedby=described
                prop:value=move || value.get() on:input=on_input></textarea>
        }
        .into_any(),
        Kind::Number | Kind::Numbers | Kind::Text => view! {
            <label for=path>{label}</label>
            <input id=path type="text" autocomplete="off" placeholder=hint
                aria-invalid=invalid aria-describedby=described
                inputmode=if kind == Kind::Number { "decimal" } else { "text" }
                prop:value=move || value.get() on:input=on_input />
        }
        .into_any(),
        Kind::Apis => api_checklist(path, label, form, book).into_any(),
        _ => view! {
            <label for=path>{label}</label>
            <select id=path aria-invalid=invalid aria-describedby=described
                prop:value=move || value.get() on:change=on_input>
                {move || options().into_iter().map(|(v, l)| {
                    let selected = v == value.get_untracked();
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
    }
}

/// One checkbox per hosted API; the field's string is the chosen ids, comma-separated, in the
/// order they were ticked.
fn api_checklist(
    path: &'static str,
    label: &'static str,
    form: Form,
    book: Memo<PriceBook>,
) -> Option<impl IntoView> {
    let value = form.value(path)?;
    let chosen = move || -> Vec<String> {
        value.with(|v| {
            v.split(',').map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned).collect()
        })
    };
    let toggle = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let id = input.value();
        let mut ids = chosen();
        ids.retain(|other| *other != id);
        if input.checked() {
            ids.push(id);
        }
        book.with_untracked(|book| form.user_set(path, ids.join(","), book));
    };
    // Typing narrows the list (every word must appear, ASCII case ignored as in `sentence`);
    // ticked APIs always stay in sight.
    let filter = RwSignal::new(String::new());
    let shown = move |api: &mlcost::catalogue::pricing::ApiModel, ticked: bool| {
        let haystack = format!("{} {} {}", api.provider, api.name, api.id).to_ascii_lowercase();
        ticked
            || filter
                .with(|f| f.to_ascii_lowercase().split_whitespace().all(|w| haystack.contains(w)))
    };
    Some(view! {
        <fieldset id=path class="apis">
            <legend>{label}</legend>
            <input type="search" id="api-filter" class="api-filter" autocomplete="off" aria-label="Filter the hosted APIs"
                placeholder="filter: llama 70b, groq…"
                prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
            <div class="checklist">
                {move || book.with(|b| b.apis.iter().filter_map(|api| {
                    let id = api.id.clone();
                    let checked = chosen().contains(&id);
                    shown(api, checked).then(|| view! {
                        <label class="check" title=id.clone()>
                            <input type="checkbox" value=id.clone() prop:checked=checked on:change=toggle />
                            {format!("{}: {}", api.provider, api.name)}
                        </label>
                    })
                }).collect_view())}
            </div>
        </fieldset>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: FormSpec = FormSpec {
        example: Example { title: "", about: "", published: &[] },
        basic: &[
            FieldSpec {
                path: "model.parameters",
                label: "",
                hint: "",
                kind: Kind::Number,
                initial: "7B",
            },
            FieldSpec {
                path: "serving.accelerator",
                label: "",
                hint: "",
                kind: Kind::Text,
                initial: "h100-sxm",
            },
            FieldSpec {
                path: "serving.inference_flops_per_request",
                label: "",
                hint: "",
                kind: Kind::Number,
                initial: "14T",
            },
            FieldSpec {
                path: "load",
                label: "",
                hint: "",
                kind: Kind::Choice(&[]),
                initial: "rate",
            },
            FieldSpec {
                path: "serving.requests_per_second",
                label: "",
                hint: "",
                kind: Kind::Number,
                initial: "5",
            },
            FieldSpec {
                path: "serving.daily_requests",
                label: "",
                hint: "",
                kind: Kind::Number,
                initial: "2M",
            },
        ],
        advanced: &[FieldSpec {
            path: "serving.traffic",
            label: "",
            hint: "",
            kind: Kind::Numbers,
            initial: "",
        }],
        alternatives: &[
            Alternative { choice: "load", value: "rate", paths: &["serving.requests_per_second"] },
            Alternative { choice: "load", value: "daily", paths: &["serving.daily_requests"] },
        ],
        supersedes: &[Supersede {
            filled: "serving.traffic",
            replaces: &["serving.requests_per_second", "serving.daily_requests"],
        }],
        switches: &[],
        follows_model: &[],
    };

    #[test]
    fn the_chosen_mode_is_written_and_a_filled_field_supersedes() {
        let owner = Owner::new();
        owner.set();
        let form = Form::new(&SPEC);
        let serving = form.scenario().unwrap().serving.unwrap();
        assert_eq!((serving.requests_per_second, serving.daily_requests), (Some(5.0), None));

        form.value("load").unwrap().set("daily".into());
        let serving = form.scenario().unwrap().serving.unwrap();
        assert_eq!((serving.requests_per_second, serving.daily_requests), (None, Some(2e6)));

        form.value("serving.traffic").unwrap().set(["1k"; 24].join(", "));
        let serving = form.scenario().unwrap().serving.unwrap();
        assert_eq!(serving.daily_requests, None);
        assert_eq!(serving.traffic, Some(vec![1000.0; 24]));
    }

    #[test]
    fn every_unreadable_field_is_named() {
        let owner = Owner::new();
        owner.set();
        let form = Form::new(&SPEC);
        form.value("serving.requests_per_second").unwrap().set("5x".into());
        form.value("serving.traffic").unwrap().set("1, two".into());
        let errors = form.scenario().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["serving.traffic"], "traffic supersedes the rate");
        assert!(errors[0].to_string().contains("\"two\" is not a number"), "{}", errors[0]);
    }

    #[test]
    fn each_form_opens_on_its_example_and_a_link_to_it_is_still_the_example() {
        let owner = Owner::new();
        owner.set();
        let app = crate::state::AppScenario::new();
        for form in [app.training, app.serving] {
            assert!(form.is_example(), "{}", form.example().title);
        }
        // The example's link, loaded back: "2" for "2.00", "14.8T" written by the link.
        let scenario = app.scenario().unwrap();
        app.load(&scenario);
        assert!(app.training.is_example() && app.serving.is_example());
        app.training.value("training.accelerator_count").unwrap().set("1024".into());
        assert!(!app.training.is_example() && app.serving.is_example());
        app.training.reset_to_example();
        assert!(app.training.is_example());
    }

    /// Every example scenario opens in the forms and reads back as itself: no field of a scenario
    /// (a shared link, a recommendation opened from the advisor) is dropped for want of a form
    /// field to hold it, and silently priced differently.
    #[test]
    fn every_example_opens_in_the_forms_and_reads_back_whole() {
        let owner = Owner::new();
        owner.set();
        for (name, text) in [
            (
                "fine-tune-and-serve-llama-3.1-8b",
                include_str!("../../../examples/fine-tune-and-serve-llama-3.1-8b.json"),
            ),
            ("serve-llama-3.1-70b", include_str!("../../../examples/serve-llama-3.1-70b.json")),
            (
                "serve-llama-3.1-8b-chat",
                include_str!("../../../examples/serve-llama-3.1-8b-chat.json"),
            ),
            (
                "serve-llama-3.3-70b-fp8",
                include_str!("../../../examples/serve-llama-3.3-70b-fp8.json"),
            ),
            ("train-llama-3.1-70b", include_str!("../../../examples/train-llama-3.1-70b.json")),
            ("train-llama-3.1-8b", include_str!("../../../examples/train-llama-3.1-8b.json")),
            // Issue 16's settings: percentile targets, speculative decoding, split pools.
            (
                "latency settings",
                r#"{"model": {"preset": "llama-3.3-70b"}, "serving": {"accelerator": "h100-sxm",
                "parallelism": {"tensor": 4}, "input_tokens": 1000, "output_tokens": 300,
                "requests_per_second": 5, "offer": "aws:p5.48xlarge",
                "slo": {"ttft_ms": 1000, "ttft_p99_ms": 800, "tpot_p50_ms": 30},
                "speculative_decoding": {"draft_model": "llama-3.1-8b", "acceptance_rate": 0.7,
                "draft_tokens": 3}, "disaggregation": {}}}"#,
            ),
            (
                "heads and sized pools",
                r#"{"model": {"preset": "deepseek-v3"}, "serving": {"accelerator": "h200-sxm",
                "parallelism": {"tensor": 8}, "input_tokens": 1000, "output_tokens": 300,
                "requests_per_second": 5, "price_per_accelerator_hour": 3,
                "speculative_decoding": {"heads": true},
                "disaggregation": {"prefill_tensor": 4, "link_gbps": 400}}}"#,
            ),
            (
                "pools on offers of their own",
                r#"{"model": {"preset": "llama-3.3-70b"}, "serving": {"accelerator": "h100-sxm",
                "parallelism": {"tensor": 4}, "requests_per_second": 5,
                "offer": "aws:p5.48xlarge", "disaggregation": {"prefill_offer":
                "aws:p5.48xlarge", "decode_offer": "aws:p4d.24xlarge", "decode_tensor": 8}}}"#,
            ),
            // Issue 17's: servers owned, and a section on them.
            ("own-or-rent-h100", include_str!("../../../examples/own-or-rent-h100.json")),
            (
                "training on the owned plan",
                r#"{"model": {"preset": "llama-3.1-8b"}, "training": {"tokens": 2e11,
                "accelerator": "h100-sxm", "accelerator_count": 16, "precision": "bf16",
                "plan": "owned"}, "owned": {"server": "hgx-h100", "utilization": 0.9}}"#,
            ),
        ] {
            let scenario = Scenario::from_json(text).unwrap();
            let app = crate::state::AppScenario::new();
            app.load(&scenario);
            let back = app.scenario().unwrap_or_else(|| panic!("{name} reads back"));
            assert_eq!(back.model, scenario.model, "{name}: model");
            if scenario.training.is_some() {
                assert_eq!(back.training, scenario.training, "{name}: training");
            }
            if scenario.serving.is_some() {
                assert_eq!(back.serving, scenario.serving, "{name}: serving");
            }
            assert_eq!(back.owned, scenario.owned, "{name}: owned");
        }
    }

    #[test]
    fn a_loaded_scenario_reads_back_as_itself() {
        let owner = Owner::new();
        owner.set();
        let form = Form::new(&SPEC);
        let json: Value = serde_json::from_str(
            r#"{"model": {"parameters": 70e9}, "serving": {"accelerator": "a100-sxm-80gb",
                "inference_flops_per_request": 1.5e12, "daily_requests": 3.3e6}}"#,
        )
        .unwrap();
        form.load(&json, &["model", "serving"]);
        assert_eq!(
            form.value("load").unwrap().get_untracked(),
            "daily",
            "the mode follows the fields"
        );
        assert_eq!(form.value("serving.requests_per_second").unwrap().get_untracked(), "");
        let serving = form.scenario().unwrap().serving.unwrap();
        assert_eq!(serving.daily_requests, Some(3.3e6));
        assert_eq!(serving.inference_flops_per_request, Some(1.5e12));
        let shared = Form::sharing_model(&SPEC, &form);
        shared.value("model.parameters").unwrap().set("8B".into());
        assert_eq!(form.value("model.parameters").unwrap().get_untracked(), "8B", "one model");
    }

    #[test]
    fn choosing_a_model_resets_what_belonged_to_the_previous_one_unless_typed() {
        let owner = Owner::new();
        owner.set();
        let book = PriceBook::bundled().unwrap();
        let training = Form::new(&training::FORM);
        let serving = Form::sharing_model(&serving::FORM, &training);
        let text = |form: &Form, path: &str| form.value(path).unwrap().get_untracked();
        // The example's MoE layout, and a tensor degree the user typed.
        assert_eq!(text(&training, "training.parallelism.expert"), "64");
        training.user_set("training.parallelism.tensor", "2".into(), book);
        training.user_set("model.preset", "llama-3.3-70b".into(), book);
        assert_eq!(text(&training, "training.parallelism.expert"), "");
        assert_eq!(text(&training, "training.parallelism.pipeline"), "");
        assert_eq!(text(&training, "training.parallelism.tensor"), "2", "typed, so kept");
        // The other page's model-following settings too: the APIs serving the new model.
        assert_eq!(
            text(&serving, "serving.compare_apis"),
            book.suggested_apis(Some("llama-3.3-70b")).join(",")
        );
        assert_eq!(text(&serving, "serving.parallelism.tensor"), "");
        // A parameter count is a custom model, and a preset drops it.
        training.user_set("model.parameters", "7B".into(), book);
        assert_eq!(text(&training, "model.preset"), "");
        assert_eq!(training.scenario().unwrap().model.preset, None);
        training.user_set("model.preset", "llama-3.1-8b".into(), book);
        assert_eq!(text(&training, "model.parameters"), "");
    }

    #[test]
    fn an_offer_for_another_accelerator_is_dropped_and_the_box_says_so() {
        let owner = Owner::new();
        owner.set();
        let book = PriceBook::bundled().unwrap();
        let serving = Form::new(&serving::FORM);
        assert!(serving.scenario().is_ok(), "the example is priced with an H200 offer");
        serving.user_set("serving.accelerator", "h100-sxm".into(), book);
        assert_eq!(serving.value("serving.offer").unwrap().get_untracked(), "");
        let errors = serving.scenario().unwrap_err();
        assert_eq!(errors[0].field, "serving.offer");
        assert!(errors[0].to_string().contains("choose an offer"), "{}", errors[0]);
    }

    #[test]
    fn errors_sit_by_their_field_and_its_list_items() {
        let error = |field: &str| Error::new(field, Problem::Missing);
        assert!(Form::owns("serving.compare_apis", &error("serving.compare_apis[1]")));
        assert!(Form::owns("serving.slo", &error("serving.slo")));
        assert!(!Form::owns("serving.slo", &error("serving.slo.ttft_ms")));
    }
}
