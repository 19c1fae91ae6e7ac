// Turns one conformance run into the line `make test` sums: "passed failed skipped".
//   node conformance-counts.mjs RESULTS_DIR EXPECTED_FAILURES_YML CLI_EXIT_CODE REQUIRED_SCENARIOS(comma-separated)
// A scenario in the expected-failures file counts as one skipped while it fails, and as one failure
// once it passes (stale entry). Any other scenario counts its SUCCESS checks as passed and its
// FAILURE and WARNING checks as failed. A failing wire-schema-valid check is a failure everywhere.
// A required scenario that did not run, or a non-zero CLI exit that explains nothing else, is one
// failure. Reasons go to stderr.
import fs from 'node:fs';
import path from 'node:path';

const [dir, baselineFile, cliExit, required = ''] = process.argv.slice(2);
const baseline = new Set(fs.readFileSync(baselineFile, 'utf8').split('\n')
  .map((line) => /^\s*-\s*([A-Za-z0-9._-]+)\s*$/.exec(line)?.[1]).filter(Boolean));
let passed = 0, failed = 0, skipped = 0;
const seen = new Set();
const problem = (text) => { failed += 1; console.error(`  FAIL ${text}`); };

for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
  const file = path.join(dir, entry.name, 'checks.json');
  if (!entry.isDirectory() || !fs.existsSync(file)) continue;
  const scenario = entry.name.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '');
  seen.add(scenario);
  const checks = JSON.parse(fs.readFileSync(file, 'utf8'));
  const bad = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
  for (const c of checks) {
    if (c.id === 'wire-schema-valid' && c.status === 'FAILURE') problem(`${scenario}: wire-schema-valid: ${c.errorMessage ?? ''}`);
  }
  if (baseline.has(scenario)) {
    if (bad.length > 0) skipped += 1;
    else problem(`${scenario}: passes now; remove it from ${path.basename(baselineFile)}`);
    continue;
  }
  passed += checks.filter((c) => c.status === 'SUCCESS').length;
  for (const c of bad) problem(`${scenario}: ${c.id} ${c.status}: ${c.errorMessage ?? ''}`);
}
for (const scenario of required.split(',').filter(Boolean)) {
  if (!seen.has(scenario)) problem(`${scenario}: did not run`);
}
if (seen.size === 0) problem('no results at all (see cli.log)');
if (Number(cliExit) !== 0 && failed === 0) problem(`the conformance CLI exited with ${cliExit} (see cli.log)`);
console.log(`${passed} ${failed} ${skipped}`);
