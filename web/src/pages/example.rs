//! What a page's form holds: its example, said with its source, or the user's own scenario with a
//! way back to the example.

use leptos::prelude::*;

use crate::deferred::DeferredPages;
use crate::forms::Form;

/// What the form holds: its example, said with its source, or the user's own scenario with a way
/// back to the example (which Undo, or Back, reverses).
pub fn example_label(form: Form, on_example: Memo<bool>) -> impl IntoView {
    let example = form.example();
    let pages = use_context::<DeferredPages>();
    let reset = move |_| {
        if let Some(pages) = pages {
            pages.replacing_with_example();
        }
        form.reset_to_example();
    };
    move || {
        if on_example.get() {
            view! {
                <p class="example" id="example-label">
                    <strong>{format!("Example: {}. ", example.title)}</strong>
                    {example.about}" Change any field to price your own."
                </p>
            }
            .into_any()
        } else {
            view! {
                <p class="example" id="example-label">
                    {format!("Your scenario, changed from the example ({}). ", example.title)}
                    <button type="button" id="reset-example" on:click=reset>"Reset to the example"</button>
                </p>
            }
            .into_any()
        }
    }
}
