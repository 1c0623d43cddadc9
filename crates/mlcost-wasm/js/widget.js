// <mlcost-estimate>: an mlcost estimate on any page, no framework needed: the key figures of each
// section and what the first section costs under every pricing plan, as a bar chart.
//
// The scenario comes from, in this order: the `scenario` property (an object), the `link`
// attribute (an mlcost app link, `https://…/#s=2.…`), the `scenario` attribute (JSON text), or a
// `<script type="application/json">` child (JSON that no script runs, so strict CSP pages can
// use it). The engine's wasm loads once per page, from the first element's `wasm` attribute or,
// without one, from `mlcost_bg.wasm` beside this file; `load(url)` sets it from a script.
//
// It shows each section's warnings (no fit in memory, no price), key figures, price and notes;
// the first section with plans gets the chart. Styled from the page through CSS custom
// properties (see the package README) and `::part()`.
// Why a shadow root with an adopted style sheet? The page's styles cannot break the widget, and a
// constructed sheet needs no `style-src 'unsafe-inline'`: it runs under `default-src 'self'`.
//
// Events: `mlcost-estimate` (detail: {report, summary}) after each render, `mlcost-error`
// (detail: the error, with its `field`) when the scenario cannot be estimated.

import init, { estimate, scenarioFromLink, summarize } from "./mlcost.js";

let engine;

/** Loads the engine's wasm once for the page (later calls return the same promise; after a
 * failed load, the next call tries again, with its own URL). */
export function load(wasm) {
  engine ??= init(wasm === undefined ? undefined : { module_or_path: wasm }).catch((error) => {
    engine = undefined;
    throw error;
  });
  return engine;
}

const SVG = "http://www.w3.org/2000/svg";

const STYLE = new CSSStyleSheet();
STYLE.replaceSync(`
:host {
  display: block;
  font: var(--mlcost-font, 14px/1.4 system-ui, sans-serif);
  color: var(--mlcost-text, #1f2933);
  background: var(--mlcost-background, transparent);
  border: var(--mlcost-border, 1px solid #d5dbe1);
  border-radius: var(--mlcost-radius, 8px);
  padding: var(--mlcost-padding, 12px 16px);
  max-width: var(--mlcost-max-width, 40rem);
}
:host([hidden]) { display: none; }
section + section { margin-top: 12px; }
h3 { font-size: 1em; margin: 0 0 6px; }
h3 span, .muted, figcaption, footer { color: var(--mlcost-muted, #5f6b76); font-weight: normal; }
dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: 8px 16px; margin: 0; }
dt { color: var(--mlcost-muted, #5f6b76); font-size: 0.85em; }
dd { margin: 0; font-size: 1.25em; font-weight: 600; font-variant-numeric: tabular-nums; }
figure { margin: 12px 0 0; }
figcaption { font-size: 0.85em; margin-bottom: 4px; }
svg { display: block; overflow: visible; }
svg text { fill: var(--mlcost-text, #1f2933); font-size: 0.85em; font-variant-numeric: tabular-nums; }
.bar { fill: var(--mlcost-bar, #9aa5b1); }
.bar.chosen { fill: var(--mlcost-accent, #2563eb); }
footer, .price { font-size: 0.8em; margin-top: 8px; }
.price { color: var(--mlcost-muted, #5f6b76); }
[role="alert"], .warning { color: var(--mlcost-error, #b42318); }
.warning { font-weight: 600; margin: 0 0 8px; }
details { font-size: 0.85em; margin-top: 6px; }
summary { cursor: pointer; color: var(--mlcost-muted, #5f6b76); }
details ul { margin: 4px 0 0; padding-left: 1.2em; }
`);

export class MlcostEstimate extends HTMLElement {
  static observedAttributes = ["scenario", "link", "section"];

  #root;
  #scenario;
  #report;
  #renders = 0;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    this.#root.adoptedStyleSheets = [STYLE];
  }

  /** The scenario object shown; setting it re-renders (and wins over the attributes). */
  get scenario() {
    return this.#scenario;
  }

  set scenario(value) {
    this.#scenario = value;
    this.#render();
  }

  /** The last report shown, as `estimate` returned it. */
  get report() {
    return this.#report;
  }

  connectedCallback() {
    this.#render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#render();
  }

  async #render() {
    const render = ++this.#renders;
    if (!this.#report) this.#root.replaceChildren(element("p", { class: "muted" }, "Estimating…"));
    try {
      await load(this.getAttribute("wasm") ?? undefined);
      const report = estimate(this.#source());
      const summary = summarize(report);
      const only = this.getAttribute("section");
      if (only && !summary.sections.some((s) => s.section === only)) {
        const has = summary.sections.map((s) => s.section).join(" and ");
        throw Object.assign(
          new Error(`section="${only}": this scenario has ${has}; section may be training or serving`),
          { field: "section" },
        );
      }
      if (render !== this.#renders) return;
      this.#report = report;
      this.#root.replaceChildren(...view(summary, only));
      this.dispatchEvent(new CustomEvent("mlcost-estimate", { detail: { report, summary }, bubbles: true }));
    } catch (error) {
      if (render !== this.#renders) return;
      // The engine's messages start with the field's path ("serving.input_tokens: must be > 0").
      const message = String(error?.message ?? error);
      const field = error?.field && !message.includes(error.field) ? ` (${error.field})` : "";
      this.#root.replaceChildren(
        element("p", { role: "alert", part: "error" }, `This estimate cannot be shown${field}: ${message}`),
      );
      this.dispatchEvent(new CustomEvent("mlcost-error", { detail: error, bubbles: true }));
    }
  }

  #source() {
    if (this.#scenario !== undefined) return this.#scenario;
    const link = this.getAttribute("link");
    if (link) return scenarioFromLink(link);
    const json = this.getAttribute("scenario") ?? this.querySelector('script[type="application/json"]')?.textContent;
    if (json) return json;
    throw Object.assign(
      new Error(
        'no scenario: give <mlcost-estimate> a link attribute (an mlcost app link), a scenario attribute (JSON), or a <script type="application/json"> child',
      ),
      { field: "" },
    );
  }
}

/** The summary's sections (or the one named), each with its warnings, figures, price and notes;
 * the first section with plans gets the one chart, inside it. */
function view(summary, only) {
  const sections = summary.sections.filter((s) => !only || s.section === only);
  const charted = sections.find((s) => s.plans.length > 0);
  const nodes = sections.map((s) =>
    element(
      "section",
      { part: "section", "data-section": s.section },
      element("h3", {}, s.model, " ", element("span", {}, s.heading)),
      ...s.warnings.map((w) => element("p", { class: "warning", part: "warning" }, w)),
      element(
        "dl",
        { part: "figures" },
        ...s.figures.map((f) =>
          element("div", { "data-key": f.key }, element("dt", {}, f.label), element("dd", {}, f.text)),
        ),
      ),
      ...(s === charted ? [chart(s)] : []),
      ...(s.price ? [element("p", { class: "price" }, `Priced at ${s.price}`)] : []),
      ...(s.notes.length > 0
        ? [
            element(
              "details",
              { part: "notes" },
              element("summary", {}, `Notes (${s.notes.length})`),
              element("ul", {}, ...s.notes.map((n) => element("li", {}, n))),
            ),
          ]
        : []),
    ),
  );
  nodes.push(element("footer", { part: "footer", class: "muted" }, "Estimated by mlcost"));
  return nodes;
}

/** Horizontal bars, one per plan, cheapest first; the plan the estimate is priced on in accent.
 * Why percentages and no viewBox? The text stays at the page's size at any width, where a
 * scaled drawing would shrink it on a phone and blow it up on a desktop. */
function chart(section) {
  const row = 24;
  const label = 26; // % of the width for the plan's name
  const span = 54; // % for the longest bar; the rest for its figure
  const most = Math.max(...section.plans.map((p) => p.cost_usd), 0);
  const svg = document.createElementNS(SVG, "svg");
  attributes(svg, {
    width: "100%",
    height: row * section.plans.length,
    role: "img",
    "aria-label": `${section.plans_caption}: ${section.plans.map((p) => `${p.label} ${p.text}`).join(", ")}`,
    part: "chart",
  });
  section.plans.forEach((plan, i) => {
    const y = i * row;
    const length = most > 0 ? (span * plan.cost_usd) / most : 0;
    svg.append(
      svgElement("text", { x: 0, y: y + 16 }, plan.label),
      svgElement("rect", {
        x: `${label}%`,
        y: y + 4,
        width: `${Math.max(length, 0.2)}%`,
        height: row - 8,
        class: plan.chosen ? "bar chosen" : "bar",
      }),
      svgElement("text", { x: `${label + length + 1.5}%`, y: y + 16 }, plan.text),
    );
  });
  return element("figure", { part: "plans" }, element("figcaption", {}, section.plans_caption), svg);
}

function element(name, attrs, ...children) {
  const node = document.createElement(name);
  attributes(node, attrs);
  node.append(...children);
  return node;
}

function svgElement(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  attributes(node, attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

function attributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
}

if (!customElements.get("mlcost-estimate")) customElements.define("mlcost-estimate", MlcostEstimate);
