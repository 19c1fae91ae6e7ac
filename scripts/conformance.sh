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
# test/e2e/conformance-expected-failures.yml (and -2026.yml for the stateless era). Then the same three runs
# against the fixture server (test/vaultmcp/conformance/FixtureServer.java, test code, never in the jar: the
# same protocol core and transport serving the suite's fixture tools that production mechanisms can serve),
# with test/e2e/conformance-expected-failures-fixture.yml and -fixture-2026.yml.
# Writes build/results/conformance-<suite>.counts and conformance-fixture-<suite>.counts
# ("passed failed skipped", summed by scripts/count-results) and keeps the suites' checks.json
# and the servers' logs under build/results/conformance/. Needs node 20+, the jar (make jar) and the test
# classes (make build/test-classes.stamp); installs test/e2e/node_modules with npm ci when it is missing.
# Exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=build/vault-mcp-server.jar
e2e=$PWD/test/e2e
baseline=$e2e/conformance-expected-failures.yml
results=build/results
out=$results/conformance
mkdir -p "$out"

suites="0.1.16 0.2 2026 fixture-0.1.16 fixture-0.2 fixture-2026"
for suite in $suites; do rm -f "$results/conformance-$suite.counts"; done
setup_failed() {  # every suite that has not run counts one failure
  echo "conformance: $*" >&2
  for suite in $suites; do
    [ -f "$results/conformance-$suite.counts" ] || echo "0 1 0" > "$results/conformance-$suite.counts"
  done
  exit 1
}
command -v node >/dev/null || setup_failed "node 20 or later is needed and not installed"
[ -f "$jar" ] || setup_failed "$jar is missing: run make jar"
[ -f build/test-classes/vaultmcp/conformance/FixtureServer.class ] \
  || setup_failed "the fixture server is not built: run make build/test-classes.stamp"
if [ ! -d "$e2e/node_modules/conformance-next" ]; then
  (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error) || setup_failed "npm ci in test/e2e failed"
fi

pid=""
stop_server() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || { pid=""; return 0; }
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { pid=""; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  pid=""
}
trap stop_server EXIT INT TERM

url=""
start_server() {  # log file, command...: starts it in the background, sets pid and url
  local log=$1
  shift
  "$@" 2> "$log" &
  pid=$!
  url=""
  for _ in $(seq 1 300); do
    url=$(sed -n 's/.* INFO listening on \(http:[^ ]*\)$/\1/p' "$log")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$url" ] || setup_failed "the server did not start; see $log"
}

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

# The scenarios never reach Vault, so VAULT_ADDR names the discard port on loopback. The rate
# limits are raised because the suite checks the protocol; the limiter has its own tests.
start_server "$out/server.log" env TRANSPORT_MODE=http TRANSPORT_HOST=127.0.0.1 TRANSPORT_PORT=0 \
  VAULT_ADDR=http://127.0.0.1:9 MCP_RATE_LIMIT_GLOBAL=1000:1000 MCP_RATE_LIMIT_SESSION=1000:1000 java -jar "$jar"
required="server-initialize,ping,logging-set-level,tools-list,server-sse-multiple-streams,dns-rebinding-protection"
run_suite 0.1.16 @modelcontextprotocol/conformance "$baseline" "$required" --suite active
run_suite 0.2 conformance-next "$baseline" "$required,server-session-lifecycle" --requirements 2025-11-25
run_suite 2026 conformance-next "$e2e/conformance-expected-failures-2026.yml" \
  "server-stateless,tools-list,caching,dns-rebinding-protection" --requirements 2026-07-28
stop_server

# The fixture server configures itself (its own fake Vault, MCP_APPROVAL=require, operations on); the
# environment does not reach it.
start_server "$out/fixture-server.log" java -cp "build/test-classes:build/classes:$(ls lib/gson-*.jar)" \
  vaultmcp.conformance.FixtureServer
fixture=$e2e/conformance-expected-failures-fixture.yml
required="tools-call-simple-text,tools-call-error,tools-call-elicitation,tools-list"
run_suite fixture-0.1.16 @modelcontextprotocol/conformance "$fixture" "$required" --suite active
run_suite fixture-0.2 conformance-next "$fixture" "$required" --requirements 2025-11-25
run_suite fixture-2026 conformance-next "$e2e/conformance-expected-failures-fixture-2026.yml" \
  "server-stateless,tools-call-simple-text,tools-call-error,input-required-result-request-state,caching" \
  --requirements 2026-07-28
exit $rc
