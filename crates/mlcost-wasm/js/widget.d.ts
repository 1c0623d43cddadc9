// Declarations for widget.js: the <mlcost-estimate> element.
import type { InitInput, InitOutput, Report, Scenario, Summary, MlcostError } from "./mlcost.js";

/** Loads the engine's wasm once for the page, from `wasm` (a URL the page controls) or beside the package. */
export function load(wasm?: InitInput | Promise<InitInput>): Promise<InitOutput>;

/** `<mlcost-estimate>`: an estimate's key figures and its cost under each plan. */
export class MlcostEstimate extends HTMLElement {
  /** The scenario shown; setting it re-renders and wins over the `link` and `scenario` attributes. */
  scenario: Scenario | string | undefined;
  /** The last report shown. */
  readonly report: Report | undefined;
}

export interface MlcostEstimateDetail {
  report: Report;
  summary: Summary;
}

declare global {
  interface HTMLElementTagNameMap {
    "mlcost-estimate": MlcostEstimate;
  }
  // The events bubble: listen on the element or anywhere above it.
  interface HTMLElementEventMap extends MlcostEventMap {}
  interface DocumentEventMap extends MlcostEventMap {}
}

interface MlcostEventMap {
  "mlcost-estimate": CustomEvent<MlcostEstimateDetail>;
  "mlcost-error": CustomEvent<MlcostError>;
}
