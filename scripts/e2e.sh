#!/usr/bin/env bash
# End-to-end tests: the jar against a real HashiCorp Vault dev server, driven by the official MCP
# TypeScript SDK client (test/e2e). From scratch, in order:
#   1. checks that go, node, npm, java, curl and setsid are installed (a missing one is an error naming it)
#   2. builds Vault from Go modules unless already built (scripts/build-vault.sh)
#   3. installs test/e2e/node_modules with npm ci when missing or older than package-lock.json
#   4. replays the fidelity cases against a fresh dev server and FakeVault (FidelityReplay)
#   5. runs the node:test suites in test/e2e/suites (each starts its own dev servers)
#   6. runs the read and privileged suites again with the SDK's v2 client pinned to 2026-07-28
# Needs the jar and the test classes (make e2e builds both first); VAULT_BIN=path uses that vault
# binary instead of building one. Writes, under build/results/:
#   fidelity.log, e2e.log, e2e-v2.log (TAP)    fidelity.counts, e2e.counts, e2e-v2.counts ("passed failed skipped")
# and exits 1 when anything failed or could not run. Every process it starts is stopped by PID,
# also on Ctrl-C / SIGTERM. E2E_TRANSPORTS=stdio,http picks the MCP transports for one run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results=build/results
jar="$root/build/vault-mcp-server.jar"
classpath="${E2E_CLASSPATH:-build/test-classes:build/classes:$(ls lib/gson-*.jar 2>/dev/null | head -n1)}"
mkdir -p "$results"
rm -f "$results"/e2e.* "$results"/e2e-v2.* "$results"/fidelity.*

log() { printf 'e2e: %s\n' "$*" >&2; }
fail_setup() {
  log "error: $*"
  exit 1
}

# Background parts run in a process group of their own, stopped as a group by its id. A part
# that could not run, or was interrupted, counts as one failure in the summary line of make test.
group=""
stop_group() {
  [ -n "$group" ] || return 0
  kill -TERM -- "-$group" 2>/dev/null || true
  wait "$group" 2>/dev/null || true
  group=""
}
finish() {
  stop_group
  for part in fidelity e2e e2e-v2; do [ -s "$results/$part.counts" ] || echo "0 1 0" > "$results/$part.counts"; done
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Go may be installed without being on PATH (the usual tarball location); build-vault.sh does the same.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
need() { command -v "$1" >/dev/null 2>&1 || fail_setup "'$1' is not installed or not on PATH: $2"; }
need go "the Go toolchain builds the Vault dev server (test/e2e/vault/go.mod names the version)"
need node "Node.js 20 or later runs the MCP TypeScript SDK client"
need npm "it installs the pinned MCP SDK (npm ci in test/e2e)"
need java "it runs the jar and the fidelity replay"
need curl "scripts/dev-vault.sh polls Vault's sys/health with it"
need setsid "util-linux's setsid starts the test processes in a group that is stopped as one"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail_setup "node $(node --version) is too old: Node.js 20 or later is needed"
[ -f "$jar" ] || fail_setup "$jar is missing: run make jar (or make e2e)"
[ -f build/test-classes/vaultmcp/vault/FidelityReplay.class ] || fail_setup "the test classes are missing: run make e2e"

start=$(date +%s)
if [ -z "${VAULT_BIN:-}" ]; then
  VAULT_BIN="$(scripts/build-vault.sh)" || fail_setup "building the Vault dev server failed (scripts/build-vault.sh, output above)"
fi
[ -x "$VAULT_BIN" ] || fail_setup "VAULT_BIN=$VAULT_BIN is not an executable file"
export VAULT_BIN
log "Vault: $("$VAULT_BIN" version | head -n1) ($(( $(date +%s) - start ))s to build or find)"

if [ ! -f test/e2e/node_modules/.package-lock.json ] || [ test/e2e/package-lock.json -nt test/e2e/node_modules/.package-lock.json ]; then
  log "installing the pinned MCP SDK: npm ci in test/e2e"
  (cd test/e2e && npm ci --no-audit --no-fund --loglevel=error) >&2 || fail_setup "npm ci in test/e2e failed"
fi

in_group() { # runs "$@" as the leader of a new process group and waits for it; returns its status
  setsid "$@" &
  group=$!
  local rc=0
  wait "$group" || rc=$?
  group=""
  return "$rc"
}

# 4. Fidelity: the cases expect a fresh server, so this one is used for nothing else.
env_file="$root/$results/fidelity-vault.env"   # written by dev-vault.sh (mode 600), removed when it stops
rm -f "$env_file"
VAULT_DEV_ENV_FILE="$env_file" setsid scripts/dev-vault.sh >/dev/null &
group=$!
for _ in $(seq 1 600); do
  if [ -s "$env_file" ] || ! kill -0 "$group" 2>/dev/null; then break; fi
  sleep 0.1
done
[ -s "$env_file" ] || fail_setup "the dev server for the fidelity replay did not start (scripts/dev-vault.sh, output above)"
fidelity_rc=0
(
  set -a; . "$env_file"; set +a
  exec java -cp "$classpath" vaultmcp.vault.FidelityReplay "$VAULT_ADDR"
) > "$results/fidelity.log" || fidelity_rc=$?
stop_group
scripts/count-results node "$results/fidelity.log" > "$results/fidelity.counts"
[ "$fidelity_rc" = 0 ] || [ "$(cut -d' ' -f2 "$results/fidelity.counts")" != 0 ] || echo "0 1 0" > "$results/fidelity.counts"
read -r p f _ < "$results/fidelity.counts"
log "fidelity cases (real Vault vs FakeVault): $p passed, $f failed (details: $results/fidelity.log)"
grep -A3 '^not ok' "$results/fidelity.log" >&2 || true

# 5. The suites, reported as TAP into the log and as a readable tree on stderr.
suites_rc=0
E2E_JAR="$jar" in_group node --test --test-concurrency=2 --test-timeout=600000 \
  --test-reporter=tap --test-reporter-destination="$results/e2e.log" \
  --test-reporter=spec --test-reporter-destination=stderr test/e2e/suites/ || suites_rc=$?
scripts/count-results node "$results/e2e.log" > "$results/e2e.counts"
[ "$suites_rc" = 0 ] || [ "$(cut -d' ' -f2 "$results/e2e.counts")" != 0 ] || echo "0 1 0" > "$results/e2e.counts"
read -r p f s < "$results/e2e.counts"
log "end-to-end suites: $p passed, $f failed, $s skipped (details: $results/e2e.log) in $(( $(date +%s) - start ))s"

# 6. The same read and privileged suites with the other era's client: no initialize, no session.
v2_rc=0
E2E_CLIENT=v2 E2E_JAR="$jar" in_group node --test --test-concurrency=2 --test-timeout=600000 \
  --test-reporter=tap --test-reporter-destination="$results/e2e-v2.log" \
  --test-reporter=spec --test-reporter-destination=stderr \
  test/e2e/suites/read-tools.test.mjs test/e2e/suites/privileged.test.mjs || v2_rc=$?
scripts/count-results node "$results/e2e-v2.log" > "$results/e2e-v2.counts"
[ "$v2_rc" = 0 ] || [ "$(cut -d' ' -f2 "$results/e2e-v2.counts")" != 0 ] || echo "0 1 0" > "$results/e2e-v2.counts"
read -r p f s < "$results/e2e-v2.counts"
log "read and privileged suites with the v2 client (2026-07-28): $p passed, $f failed, $s skipped (details: $results/e2e-v2.log)"

[ "$fidelity_rc" = 0 ] && [ "$suites_rc" = 0 ] && [ "$v2_rc" = 0 ]
