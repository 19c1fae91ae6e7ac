#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
# test/e2e/package.json) against the jar over Streamable HTTP on 127.0.0.1:
#   0.1.16          --suite active                    (server-initialize, ping, logging-set-level,
#                                                      tools-list, server-sse-multiple-streams,
#                                                      dns-rebinding-protection must pass)
#   0.2.0-alpha.12  --requirements 2025-11-25         (also server-session-lifecycle, and
#                                                      wire-schema-valid in every scenario)
#   0.2.0-alpha.12  --requirements 2026-07-28         (the stateless era: server-stateless check by check,
#                                                      tools-list, caching, dns-rebinding-protection)
# Scenarios that need the suite's own fixtures are listed, with reasons, in
# test/e2e/conformance-expected-failures.yml (and -2026.yml for the stateless era). Writes build/results/conformance-<suite>.counts
# ("passed failed skipped", summed by scripts/count-results) and keeps the suites' checks.json
# and the server's log under build/results/conformance/. Needs node 20+ and the jar (make jar);
# installs test/e2e/node_modules with npm ci when it is missing. Exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=build/vault-mcp-server.jar
e2e=$PWD/test/e2e
baseline=$e2e/conformance-expected-failures.yml
results=build/results
out=$results/conformance
mkdir -p "$out"

setup_failed() {
  echo "conformance: $*" >&2
  for suite in 0.1.16 0.2 2026; do echo "0 1 0" > "$results/conformance-$suite.counts"; done
  exit 1
}
command -v node >/dev/null || setup_failed "node 20 or later is needed and not installed"
[ -f "$jar" ] || setup_failed "$jar is missing: run make jar"
if [ ! -d "$e2e/node_modules/conformance-next" ]; then
  (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error) || setup_failed "npm ci in test/e2e failed"
fi

pid=""
stop_server() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
trap stop_server EXIT INT TERM

# The scenarios never reach Vault, so VAULT_ADDR names the discard port on loopback. The rate
# limits are raised because the suite checks the protocol; the limiter has its own tests.
TRANSPORT_MODE=http TRANSPORT_HOST=127.0.0.1 TRANSPORT_PORT=0 VAULT_ADDR=http://127.0.0.1:9 \
  MCP_RATE_LIMIT_GLOBAL=1000:1000 MCP_RATE_LIMIT_SESSION=1000:1000 \
  java -jar "$jar" 2> "$out/server.log" &
pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/.* INFO listening on \(http:[^ ]*\)$/\1/p' "$out/server.log")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || setup_failed "the server did not start; see $out/server.log"

required="server-initialize,ping,logging-set-level,tools-list,server-sse-multiple-streams,dns-rebinding-protection"
rc=0
run_suite() {  # name, package directory, expected failures, required scenarios, CLI arguments...
  local name=$1 package=$2 baseline=$3 must=$4 cli_rc=0 counts
  shift 4
  rm -rf "${out:?}/$name" && mkdir -p "$out/$name"
  timeout --kill-after=10 600 node --import "$e2e/node20-preload.mjs" "$e2e/node_modules/$package/dist/index.js" \
    server --url "$url" --expected-failures "$baseline" -o "$out/$name" "$@" > "$out/$name/cli.log" 2>&1 || cli_rc=$?
  counts=$(node "$e2e/conformance-counts.mjs" "$out/$name" "$baseline" "$cli_rc" "$must")
  echo "$counts" > "$results/conformance-$name.counts"
  read -r p f s <<< "$counts"
  echo "conformance $name against $url: $p passed, $f failed, $s expected failures (details: $out/$name)"
  [ "$f" -eq 0 ] || rc=1
}
run_suite 0.1.16 @modelcontextprotocol/conformance "$baseline" "$required" --suite active
run_suite 0.2 conformance-next "$baseline" "$required,server-session-lifecycle" --requirements 2025-11-25
run_suite 2026 conformance-next "$e2e/conformance-expected-failures-2026.yml" \
  "server-stateless,tools-list,caching,dns-rebinding-protection" --requirements 2026-07-28
exit $rc
