#!/usr/bin/env bash
# Measures what issue 3 promises: time from process start to the initialize answer over stdio,
# resident memory after start and after 1,000 tools/list calls, jar size, lines of main code.
# Usage: scripts/bench.sh [runs]   (builds the jar first if needed; needs no Vault)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
jar=build/vault-mcp-server.jar
[ -f "$jar" ] || make -s jar >/dev/null

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
list='{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
export VAULT_ADDR=http://127.0.0.1:9 VAULT_TOKEN=bench-token MCP_LOG_LEVEL=error
# The benchmark measures the server, not the rate limiter.
export MCP_RATE_LIMIT_GLOBAL=1000000:1000000 MCP_RATE_LIMIT_SESSION=1000000:1000000

rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }

first=(); rss_start=(); rss_after=()
for ((r = 1; r <= runs; r++)); do
  coproc SERVER { exec java -jar "$jar" 2>/dev/null; }
  pid=$SERVER_PID
  t0=$(date +%s%N)
  echo "$init" >&"${SERVER[1]}"
  read -r _ <&"${SERVER[0]}"
  t1=$(date +%s%N)
  first+=($(( (t1 - t0) / 1000000 )))
  sleep 1
  rss_start+=($(rss_kb "$pid"))
  for ((i = 0; i < 1000; i++)); do echo "$list" >&"${SERVER[1]}"; read -r _ <&"${SERVER[0]}"; done
  rss_after+=($(rss_kb "$pid"))
  exec {SERVER[1]}>&-
  wait "$pid" || true
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "runs:                              $runs (java $(java -version 2>&1 | head -1 | cut -d'"' -f2))"
echo "start to initialize answer (ms):   median $(median "${first[@]}")  all: ${first[*]}"
echo "resident after start (MB):         median $(( $(median "${rss_start[@]}") / 1024 ))"
echo "resident after 1000 tools/list (MB): median $(( $(median "${rss_after[@]}") / 1024 ))"
echo "jar size (bytes):                  $(stat -c %s "$jar")"
echo "main code (lines of Java in src/): $(find src -name '*.java' -print0 | xargs -0 cat | wc -l)"
