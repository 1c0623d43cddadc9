// Uses the package's declarations as an editor would check them: every line must type-check, and
// each `@ts-expect-error` must meet an error (so a declaration that fell back to `any` fails).
import init, { diff, estimate, isMlcostError, optimize, summarize } from "mlcost";
import type { Advice, Report, ReportDiff, Scenario, Summary } from "mlcost";
import { load, MlcostEstimate } from "mlcost/widget";

await init({ module_or_path: new URL("/mlcost/mlcost_bg.wasm", location.href) });
await load();

const scenario: Scenario = {
  model: { preset: "llama-3.1-8b" },
  serving: { accelerator: "h100-sxm", input_tokens: 1000, output_tokens: 200, daily_requests: 1e6, plan: "spot" },
};
const report: Report = estimate(scenario);
const monthly: number | undefined = report.serving?.monthly_cost_usd;
const advice: Advice = optimize(scenario, { accepted: ["serving-plan"] });
const changes: ReportDiff = diff(scenario, JSON.stringify(scenario));
const summary: Summary = summarize(report);
const label: string = summary.sections[0].figures[0].label;
const warnings: string[] = summary.sections[0].warnings;
console.log(monthly, advice.recommendations.length, changes.sections.length, label, warnings);
// Ranges hold `low` and `high`, as the JSON does.
const low: number | undefined = report.serving?.ranges?.monthly_cost_usd?.low;
// @ts-expect-error: not `start`, which a range of std's would have
report.serving?.ranges?.monthly_cost_usd?.start;
// Sections and moves are the engine's names, not any string.
const section: "training" | "serving" = changes.sections[0].section;
// @ts-expect-error: the advisor knows no such move
optimize(scenario, { accepted: ["serving-cheaper"] });
console.log(low, section);

// @ts-expect-error: a report has no `monthly_cost` (it is `monthly_cost_usd`)
report.serving?.monthly_cost;
// @ts-expect-error: `plan` is one of the plans the engine knows
const unknownPlan: Scenario = { serving: { accelerator: "h100-sxm", plan: "cheapest" } };
// @ts-expect-error: counts are numbers
const textCount: Scenario = { training: { accelerator: "h100-sxm", accelerator_count: "64", precision: "bf16" } };
console.log(unknownPlan, textCount);

try {
  estimate("{}");
} catch (error) {
  if (isMlcostError(error)) {
    const field: string = error.field;
    console.log(field, error.message);
  }
}

const element: MlcostEstimate | null = document.querySelector("mlcost-estimate");
if (element) element.scenario = scenario;
document.addEventListener("mlcost-estimate", (event) => console.log(event.detail.summary.sections.length));
