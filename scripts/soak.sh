#!/usr/bin/env bash
# Soak (issue 15; not part of make test): against a real Vault that keeps its data (file storage,
# initialised and unsealed here), in three phases, each bounded in count and time:
#   1. 100,000 HTTP requests across 32 clients with session churn (initialize, use, DELETE, or
#      leave to expire), each answer checked;
#   2. 100,000 requests over stdio (32 in flight);
#   3. writes through the server while Vault is killed, restarted and unsealed; afterwards every
#      confirmed write must be in Vault exactly once and every failed one reported as failed.
# Phases 1 and 2 also check the server process: resident memory over the last half within +-10%,
# threads and file descriptors not climbing (last quarter within 10% of the second), no 5xx.
# Prints one JSON object of figures per phase and exits 1 when any bound fails.
# Usage: scripts/soak.sh   Settings: VAULT_BIN (default build/vault-dev/vault), SOAK_REQUESTS,
# SOAK_CLIENTS, SOAK_MAX_SECONDS (per phase, default 900), SOAK_OUTAGE_SECONDS (default 30).
# Every process it starts binds 127.0.0.1 and is stopped by its PID.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar=build/vault-mcp-server.jar
[ -f "$jar" ] || make -s jar >/dev/null
vault_bin="${VAULT_BIN:-build/vault-dev/vault}"
[ -x "$vault_bin" ] || { echo "soak: no vault binary at $vault_bin (scripts/build-vault.sh builds one)" >&2; exit 1; }
mkdir -p build
work="$(mktemp -d "$root/build/soak.XXXXXX")"
chmod 700 "$work"
log() { printf 'soak: %s\n' "$*" >&2; }

pids=()
stop() { # stops a process by PID and waits for it
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  for p in "${pids[@]}"; do stop "$p"; done
  log "logs and Vault's data are in $work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export VAULT_ADDR="http://127.0.0.1:$port"
cat > "$work/vault.hcl" <<EOF
storage "file" { path = "$work/data" }
listener "tcp" {
  address     = "127.0.0.1:$port"
  tls_disable = true
}
disable_mlock = true
api_addr      = "$VAULT_ADDR"
EOF

vault_pid=""
start_vault() {
  "$vault_bin" server -config="$work/vault.hcl" </dev/null >>"$work/vault.log" 2>&1 &
  vault_pid=$!
  pids+=("$vault_pid")
  for _ in $(seq 1 300); do
    # Any answer will do (501 uninitialised, 503 sealed): the listener is up.
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$VAULT_ADDR/v1/sys/health")" != 000 ] && return 0
    sleep 0.1
  done
  log "Vault did not start; see $work/vault.log"; exit 1
}
# Vault's API with the root token; the token travels in a header file, never on a command line.
api() { # METHOD PATH [JSON body on stdin]
  curl -sf -X "$1" -H @"$work/token.header" -H 'Content-Type: application/json' --data-binary @- "$VAULT_ADDR/v1/$2"
}
json() { # prints the member at a dotted path of the JSON on stdin
  node -e 'const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(process.argv[1].split(".").reduce((a, k) => a[k], o))' "$1"
}
unseal() {
  printf '{"key":"%s"}' "$unseal_key" | curl -sf -X PUT --data-binary @- "$VAULT_ADDR/v1/sys/unseal" >/dev/null
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$VAULT_ADDR/v1/sys/health")" = 200 ] && return 0
    sleep 0.1
  done
  log "Vault did not become active after unsealing"; exit 1
}

start_vault
"$vault_bin" operator init -key-shares=1 -key-threshold=1 -format=json > "$work/init.json"
unseal_key="$(json unseal_keys_b64.0 < "$work/init.json")"
root_token="$(json root_token < "$work/init.json")"
printf 'X-Vault-Token: %s\n' "$root_token" > "$work/token.header"
unseal
log "Vault $("$vault_bin" version | head -n1 | cut -d' ' -f2) on $VAULT_ADDR, file storage in $work/data"
echo '{"type":"kv","options":{"version":"2"}}' | api POST sys/mounts/secret >/dev/null
echo '{"data":{"user":"soak","password":"p"}}' | api POST secret/data/soak/config >/dev/null
echo '{"policy":"path \"secret/*\" { capabilities = [\"create\", \"read\", \"update\", \"list\"] }"}' \
  | api PUT sys/policies/acl/soak >/dev/null
for _ in $(seq 1 32); do
  echo '{"policies":["soak"],"ttl":"4h"}' | api POST auth/token/create | json auth.client_token
done > "$work/tokens"

limits=(MCP_RATE_LIMIT_GLOBAL=1000000:1000000 MCP_RATE_LIMIT_SESSION=1000000:1000000
  MCP_RATE_LIMIT_CREDENTIAL=1000000:1000000 MCP_LOG_LEVEL=warning)
start_http() { # extra env...; sets http_pid and url
  env -i PATH="$PATH" HOME="$HOME" VAULT_ADDR="$VAULT_ADDR" TRANSPORT_MODE=http TRANSPORT_PORT=0 \
    MCP_LOG_LEVEL=info "${limits[@]:0:3}" "$@" java -jar "$jar" 2> "$work/http.log" &
  http_pid=$!
  pids+=("$http_pid")
  url=""
  for _ in $(seq 1 300); do
    url="$(sed -n 's/.* INFO listening on \(http:[^ ]*\)$/\1/p' "$work/http.log")"
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  log "the HTTP server did not start; see $work/http.log"; exit 1
}

rc=0
log "phase 1: ${SOAK_REQUESTS:-100000} HTTP requests, ${SOAK_CLIENTS:-32} clients, session churn"
start_http MCP_SESSION_IDLE_TIMEOUT=5s MCP_MAX_SESSIONS=1000
node scripts/soak.mjs http "$url" "$http_pid" "$work/tokens" || rc=1
stop "$http_pid"

log "phase 2: ${SOAK_REQUESTS:-100000} requests over stdio"
VAULT_TOKEN="$(head -n1 "$work/tokens")" env "${limits[@]}" node scripts/soak.mjs stdio "$jar" || rc=1

outage="${SOAK_OUTAGE_SECONDS:-30}"
log "phase 3: ${outage} s of writes; Vault killed after 5 s, restarted and unsealed 5 s later"
start_http ENABLE_VAULT_OPERATIONS=true MCP_APPROVAL=off VAULT_CLIENT_TIMEOUT=5s
SOAK_VAULT_TOKEN="$root_token" node scripts/soak.mjs outage "$url" "$VAULT_ADDR" > "$work/outage.json" &
driver=$!
sleep 5
kill -KILL "$vault_pid"
wait "$vault_pid" 2>/dev/null || true
log "Vault killed (pid $vault_pid); down for 5 s"
sleep 5
start_vault
unseal
log "Vault restarted and unsealed"
wait "$driver" || rc=1
cat "$work/outage.json"
stop "$http_pid"
exit "$rc"
