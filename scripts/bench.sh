#!/usr/bin/env bash
# Performance side by side (issue 14): this jar, with the README's launch flags and bare, against
# HashiCorp's Go server, on this machine, against one Vault dev server this script starts (token auth,
# no audit device) with a KV v2 secret to read. The MCP rate limits and session cap are raised out of
# the way for every server. Interleaved: each figure is taken for every server in turn, ROUNDS times,
# and the table shows medians; every single run is listed under it. A benchmark, never a test.
#
#   GO_SERVER=/path/to/vault-mcp-server scripts/bench.sh     # without GO_SERVER: this jar only
#
# Optional: ROUNDS (3), START_RUNS (11 per server), STDIO_CALLS (2000, after 1,000 warm-up calls),
# HTTP_SECONDS (10 per run), WARM_SECONDS (15: HTTP warm-up at 8 sessions before the first run).
# Needs java, node, curl and the Vault dev server (scripts/build-vault.sh). The Go server is not built here.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
start_runs=${START_RUNS:-11}
stdio_calls=${STDIO_CALLS:-2000}
http_seconds=${HTTP_SECONDS:-10}
warm_seconds=${WARM_SECONDS:-15}
jar=build/vault-mcp-server.jar
[ -f "$jar" ] || make -s jar >/dev/null
# The launch flags of the README's client snippets (LaunchFlagsIT checks they are the same in each).
read -r -a flags <<< "$(grep -m1 '"args": \[' README.md | sed 's/.*"args": \[//; s/"-jar".*//; s/[",]//g')"
go=${GO_SERVER:-}
[ -z "$go" ] || [ -x "$go" ] || { echo "bench: GO_SERVER=$go is not an executable" >&2; exit 2; }

work=$(mktemp -d)
results=$work/results.jsonl
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
VAULT_DEV_ENV_FILE=$work/vault.env scripts/dev-vault.sh >/dev/null 2>"$work/dev-vault.log" &
pids+=($!)
for _ in $(seq 1 120); do [ -s "$work/vault.env" ] && break; sleep 0.5; done
[ -s "$work/vault.env" ] || { echo "bench: the Vault dev server did not start (see $work/dev-vault.log)" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/vault.env"
curl -sf -H "X-Vault-Token: $VAULT_TOKEN" -d '{"data":{"user":"bench","password":"correct horse battery"}}' \
  "$VAULT_ADDR/v1/secret/data/bench" >/dev/null
export VAULT_ADDR VAULT_TOKEN MCP_LOG_LEVEL=error MCP_MAX_SESSIONS=100000 MCP_MAX_SESSIONS_PER_CREDENTIAL=100000
export MCP_RATE_LIMIT_GLOBAL=1000000:1000000 MCP_RATE_LIMIT_SESSION=1000000:1000000 MCP_RATE_LIMIT_CREDENTIAL=1000000:1000000

servers=(ours bare)
[ -z "$go" ] || servers+=(go)
command_of() { # the stdio command line of a server
  case $1 in
    ours) echo java "${flags[@]}" -jar "$jar" ;;
    bare) echo java -jar "$jar" ;;
    go) echo "$go" stdio ;;
  esac
}
record() { # server test sessions json -> one line of results
  node -e 'const [s, t, c, j] = process.argv.slice(1); console.log(JSON.stringify({server: s, test: t,
    sessions: Number(c), ...JSON.parse(j)}))' "$1" "$2" "$3" "$4" >> "$results"
}
load=scripts/bench-load.mjs
echo "bench: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $("${VAULT_BIN:-build/vault-dev/vault}" version | head -1)," \
  "Go server: ${go:-none}, flags: ${flags[*]}" >&2

echo "bench: start-up, $start_runs runs each" >&2
for ((r = 0; r < start_runs; r++)); do
  for s in "${servers[@]}"; do
    # shellcheck disable=SC2046
    ms=$(node $load start 1 -- $(command_of "$s") | node -e 'process.stdin.on("data", d => {
      const r = JSON.parse(d); console.log(JSON.stringify({ms: r.startMs[0], listMs: r.listMs[0]})); })')
    record "$s" start 0 "$ms"
  done
done
for what in --version --print-tools-digest; do
  t0=$(date +%s%N); java "${flags[@]}" -jar "$jar" "$what" >/dev/null; t1=$(date +%s%N)
  echo "bench: java ${flags[*]} -jar $jar $what: $(( (t1 - t0) / 1000000 )) ms" >&2
done

echo "bench: stdio, $rounds rounds of 1,000 warm-up and $stdio_calls measured read_secret calls" >&2
for ((r = 0; r < rounds; r++)); do
  for s in "${servers[@]}"; do
    # shellcheck disable=SC2046
    record "$s" stdio 1 "$(node $load stdio 1000 "$stdio_calls" secret bench -- $(command_of "$s"))"
  done
done

echo "bench: HTTP, $warm_seconds s warm-up, then $rounds rounds of $http_seconds s at 1, 8 and 32 sessions" >&2
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
declare -A url pid
for s in "${servers[@]}"; do
  port=$(free_port)
  case $s in
    ours) TRANSPORT_MODE=http TRANSPORT_PORT=$port java "${flags[@]}" -jar "$jar" 2>/dev/null & ;;
    bare) TRANSPORT_MODE=http TRANSPORT_PORT=$port java -jar "$jar" 2>/dev/null & ;;
    go) TRANSPORT_MODE=http TRANSPORT_HOST=127.0.0.1 TRANSPORT_PORT=$port "$go" >/dev/null 2>&1 & ;;
  esac
  pid[$s]=$!
  pids+=($!)
  url[$s]=http://127.0.0.1:$port/mcp
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
  node $load http "${url[$s]}" "${pid[$s]}" 8 "$warm_seconds" secret bench >/dev/null
done
for c in 1 8 32; do
  for ((r = 0; r < rounds; r++)); do
    for s in "${servers[@]}"; do
      record "$s" http "$c" "$(node $load http "${url[$s]}" "${pid[$s]}" "$c" "$http_seconds" secret bench)"
    done
    record vault direct "$c" "$(node $load vault "$VAULT_ADDR" "$c" 3 secret/data/bench)"
  done
done

echo "bench: load at the end $(cut -d' ' -f1-3 /proc/loadavg); medians of $rounds rounds (start: $start_runs runs)" >&2
node $load table "$results"
