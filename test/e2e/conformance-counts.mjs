// Turns one conformance run into the line `make test` sums: "passed failed skipped".
//   node conformance-counts.mjs RESULTS_DIR EXPECTED_FAILURES_YML CLI_EXIT_CODE REQUIRED_SCENARIOS(comma-separated)
// A scenario in the expected-failures file counts as one skipped while it fails, and as one failure
// once it passes (stale entry); an entry "scenario/check-id" does the same for one check of a scenario
// whose other checks are scored. Any other scenario counts its SUCCESS checks as passed and its
// FAILURE and WARNING checks as failed. A failing wire-schema-valid check is a failure everywhere.
// A required scenario that did not run, or a non-zero CLI exit that explains nothing else, is one
// failure. Reasons go to stderr.
import fs from 'node:fs';
import path from 'node:path';

const [dir, baselineFile, cliExit, required = ''] = process.argv.slice(2);
const baseline = new Set(fs.readFileSync(baselineFile, 'utf8').split('\n')
  .map((line) => /^\s*-\s*([A-Za-z0-9._/-]+)\s*$/.exec(line)?.[1]).filter(Boolean));
let passed = 0, failed = 0, skipped = 0;
const seen = new Set();
const partial = new Set(); // scenarios the CLI calls failed only for their expected checks
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
  for (const c of checks) {
    const expected = baseline.has(`${scenario}/${c.id}`);
    if (c.status === 'SUCCESS' && expected) problem(`${scenario}/${c.id}: passes now; remove it from ${path.basename(baselineFile)}`);
    else if (c.status === 'SUCCESS') passed += 1;
    else if (bad.includes(c) && expected) { skipped += 1; partial.add(scenario); }
    else if (bad.includes(c)) problem(`${scenario}: ${c.id} ${c.status}: ${c.errorMessage ?? ''}`);
  }
}
for (const scenario of required.split(',').filter(Boolean)) {
  if (!seen.has(scenario)) problem(`${scenario}: did not run`);
}
if (seen.size === 0) problem('no results at all (see cli.log)');
if (Number(cliExit) !== 0 && failed === 0 && partial.size === 0) problem(`the conformance CLI exited with ${cliExit} (see cli.log)`);
console.log(`${passed} ${failed} ${skipped}`);
