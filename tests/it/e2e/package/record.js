// What the test reads: policy violations, the README example's console output, and when the
// first figure of a widget was on the page (ms after navigation start).
window.mlcostCspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.mlcostCspViolations.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
window.mlcostLog = [];
const log = console.log.bind(console);
console.log = (...args) => {
  window.mlcostLog.push(args.map(String).join(" "));
  log(...args);
};
document.addEventListener("mlcost-estimate", () => {
  window.mlcostFirstFigure ??= performance.now();
});
