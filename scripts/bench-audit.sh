#!/usr/bin/env bash
# The cost of the audit trail (issue 11): read_secret over stdio against a real Vault dev server,
# N sequential calls without and with MCP_AUDIT_LOG, calls per second each, and the trail's size
# per 1,000 calls. Usage: scripts/bench-audit.sh [calls] [rounds]   (defaults 2000 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
calls=${1:-2000}
rounds=${2:-3}
jar=build/vault-mcp-server.jar
[ -f "$jar" ] || make -s jar >/dev/null
work=$(mktemp -d)
env_file=$work/vault.env
VAULT_DEV_ENV_FILE=$env_file scripts/dev-vault.sh >/dev/null 2>"$work/dev-vault.log" &
dev=$!
trap 'kill "$dev" 2>/dev/null || true; wait "$dev" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do [ -s "$env_file" ] && break; sleep 0.5; done
[ -s "$env_file" ] || { echo "bench-audit: the Vault dev server did not start (see $work/dev-vault.log)" >&2; exit 1; }
# shellcheck disable=SC1090
source "$env_file"
curl -sf -H "X-Vault-Token: $VAULT_TOKEN" -d '{"data":{"user":"bench","password":"p"}}' \
  "$VAULT_ADDR/v1/secret/data/bench" >/dev/null
export MCP_LOG_LEVEL=error MCP_RATE_LIMIT_GLOBAL=1000000:1000000 MCP_RATE_LIMIT_SESSION=1000000:1000000
printf 'audit-bench-key-%s' "$RANDOM$RANDOM" > "$work/key"

init='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
call='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_secret","arguments":{"mount":"secret","path":"bench"}}}'

run() { # prints calls per second for one server process; $1: audit file or ""
  local t0 t1
  if [ -n "$1" ]; then export MCP_AUDIT_LOG=$1 MCP_AUDIT_HMAC_KEY_FILE=$work/key; else unset MCP_AUDIT_LOG MCP_AUDIT_HMAC_KEY_FILE; fi
  coproc SERVER { exec java -jar "$jar" 2>/dev/null; }
  local pid=$SERVER_PID
  echo "$init" >&"${SERVER[1]}"; read -r _ <&"${SERVER[0]}"
  for ((i = 0; i < 200; i++)); do echo "$call" >&"${SERVER[1]}"; read -r _ <&"${SERVER[0]}"; done # warm-up
  t0=$(date +%s%N)
  for ((i = 0; i < calls; i++)); do echo "$call" >&"${SERVER[1]}"; read -r _ <&"${SERVER[0]}"; done
  t1=$(date +%s%N)
  exec {SERVER[1]}>&-
  wait "$pid" || true
  echo $(( calls * 1000000000 / (t1 - t0) ))
}

plain=(); audited=()
for ((r = 1; r <= rounds; r++)); do
  plain+=($(run ""))
  rm -f "$work/audit.log"
  audited+=($(run "$work/audit.log"))
done
records=$(wc -l < "$work/audit.log")
bytes=$(stat -c %s "$work/audit.log")
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo "read_secret over stdio, $calls sequential calls, $rounds rounds (java $(java -version 2>&1 | head -1 | cut -d'"' -f2))"
echo "without audit trail (calls/s):  median $(median "${plain[@]}")  all: ${plain[*]}"
echo "with audit trail (calls/s):     median $(median "${audited[@]}")  all: ${audited[*]}"
echo "audit trail: $records records, $bytes bytes: $(( bytes / records )) bytes per call, $(( bytes * 1000 / records / 1024 )) KiB per 1,000 calls"
MCP_AUDIT_HMAC_KEY_FILE=$work/key java -jar "$jar" --verify-audit "$work/audit.log" | sed 's/^/verify: /'
