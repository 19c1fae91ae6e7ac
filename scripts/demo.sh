#!/usr/bin/env bash
# A newcomer's first run (make demo): a real Vault, the jar, an MCP client, then the snippets to
# paste into your own client. In order:
#   1. finds or builds the Vault dev server binary (scripts/build-vault.sh; about 20 minutes the
#      first time) and starts it on 127.0.0.1 with scripts/dev-vault.sh
#   2. seeds it: a KV v2 secret secret/demo/app, a PKI engine at pki/ with a root CA and a role
#      `demo` that allows any name
#   3. runs a short scripted MCP session through build/vault-mcp-server.jar with the official MCP
#      TypeScript SDK client (scripts/demo-session.mjs; test/e2e/node_modules, installed with npm ci
#      when missing, as scripts/e2e.sh does)
#   4. prints the Claude Desktop and VS Code entries for this jar and this Vault, and keeps Vault up
#      until Ctrl-C; then stops it by its pid
# Needs the jar (make demo builds it first), java, node 20+, curl; Go only when Vault is not built.
# VAULT_BIN=path uses that vault binary instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar="$root/build/vault-mcp-server.jar"
t0=$(date +%s)

say() { printf '%s\n' "$*"; }
head1() { printf '\n== %s\n' "$*"; }
die() { printf 'demo: error: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed or not on PATH: $2"; }
need java "it runs the jar"
need node "Node.js 20 or later runs the MCP TypeScript SDK client"
need curl "it seeds Vault through its HTTP API"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "node $(node --version) is too old: Node.js 20 or later is needed"
[ -f "$jar" ] || die "$jar is missing: run make demo (it builds the jar first) or make jar"

# Everything this script starts is stopped by its pid on the way out (Ctrl-C included).
work="$(mktemp -d "${TMPDIR:-/tmp}/vault-mcp-demo.XXXXXX")"   # the env file and the token header, mode 700
dev_pid=""
vault_pid=""
cleanup() {
  if [ -n "$dev_pid" ] && kill -0 "$dev_pid" 2>/dev/null; then
    kill -TERM "$dev_pid" 2>/dev/null || true   # dev-vault.sh then stops Vault by its pid
    wait "$dev_pid" 2>/dev/null || true
  fi
  if [ -n "$vault_pid" ]; then   # normally gone by now; if not, stop it by its pid too
    kill -0 "$vault_pid" 2>/dev/null && kill -TERM "$vault_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$vault_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$vault_pid" 2>/dev/null; then say "demo: Vault (pid $vault_pid) is still running"; else say "demo: Vault (pid $vault_pid) stopped"; fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
serving=""   # set once Vault is seeded and the snippets are out: Ctrl-C is then the normal way to end
trap 'exit "$([ -n "$serving" ] && echo 0 || echo 130)"' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# 1. Vault: the same "up to date" rule as scripts/build-vault.sh.
head1 "Vault dev server"
if [ -n "${VAULT_BIN:-}" ]; then
  say "using VAULT_BIN=$VAULT_BIN"
else
  bin="$root/build/vault-dev/vault"
  built=1
  for f in go.mod go.sum main.go; do [ -x "$bin" ] && [ "$bin" -nt "test/e2e/vault/$f" ] || built=""; done
  if [ -n "$built" ]; then
    say "already built: build/vault-dev/vault ($("$bin" version | head -n1))"
  else
    say "Vault is not built yet (or is older than test/e2e/vault/go.mod): building it now from Go modules (scripts/build-vault.sh)."
    say "The first time this takes about 20 minutes and several GB of Go caches; later runs start in seconds."
  fi
  VAULT_BIN="$(scripts/build-vault.sh)" || die "building Vault failed (scripts/build-vault.sh, output above)"
fi
export VAULT_BIN
# Its own session, so Ctrl-C reaches only this script, which stops it (and so Vault) by pid.
env_file="$work/vault.env"
VAULT_DEV_ENV_FILE="$env_file" setsid scripts/dev-vault.sh >/dev/null &
dev_pid=$!
while [ ! -s "$env_file" ]; do
  kill -0 "$dev_pid" 2>/dev/null || { dev_pid=""; die "the Vault dev server did not start (scripts/dev-vault.sh, output above)"; }
  sleep 0.1
done
# shellcheck disable=SC1090
. "$env_file"   # VAULT_ADDR, VAULT_TOKEN, VAULT_UNSEAL_KEY, VAULT_DEV_PID
vault_pid="$VAULT_DEV_PID"
export VAULT_ADDR VAULT_TOKEN

# 2. Seed it through the HTTP API; the token goes in a header file, not in curl's arguments.
head1 "Seeding Vault at $VAULT_ADDR"
(umask 077; printf 'X-Vault-Token: %s\n' "$VAULT_TOKEN" > "$work/header")
vault_api() { # METHOD PATH [JSON]: fails with Vault's answer unless 2xx
  local out code
  out="$(curl -sS --noproxy '*' --max-time 30 -H @"$work/header" -X "$1" ${3:+-H 'Content-Type: application/json' --data-raw "$3"} \
    -w '\n%{http_code}' "$VAULT_ADDR/v1/$2")" || die "curl $1 $2 failed"
  code="${out##*$'\n'}"
  [ "${code:0:1}" = 2 ] || die "Vault answered $1 $2 with HTTP $code: ${out%$'\n'*}"
}
password="demo-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
vault_api POST secret/data/demo/app "{\"data\":{\"username\":\"demo\",\"password\":\"$password\"}}"
say "KV v2 secret   secret/demo/app = {username, password}   (POST secret/data/demo/app)"
vault_api POST sys/mounts/pki '{"type":"pki","description":"make demo","config":{"max_lease_ttl":"87600h"}}'
say "PKI engine     pki/                                     (POST sys/mounts/pki)"
vault_api POST pki/root/generate/internal '{"common_name":"vault-mcp-server demo root CA","issuer_name":"demo-root","ttl":"87600h"}'
say "root CA        demo-root, 10 years                      (POST pki/root/generate/internal)"
vault_api POST pki/roles/demo '{"allow_any_name":true,"max_ttl":"72h"}'
say "PKI role       demo, any name, certificates up to 72h   (POST pki/roles/demo)"

# 3. The scripted MCP session.
if [ ! -f test/e2e/node_modules/.package-lock.json ] || [ test/e2e/package-lock.json -nt test/e2e/node_modules/.package-lock.json ]; then
  need npm "it installs the pinned MCP TypeScript SDK (npm ci in test/e2e)"
  say "installing the pinned MCP SDK: npm ci in test/e2e"
  npm ci --prefix test/e2e --no-audit --no-fund --loglevel=error >&2 || die "npm ci in test/e2e failed"
fi
head1 "MCP session: the MCP TypeScript SDK client runs the jar over stdio (ENABLE_VAULT_OPERATIONS=true, MCP_APPROVAL=off)"
DEMO_JAR="$jar" node scripts/demo-session.mjs || die "the scripted MCP session failed (above); stopping Vault"

# 4. What to paste, while this Vault stays up.
json() { local s="${1//\\/\\\\}"; printf '"%s"' "${s//\"/\\\"}"; }
# The README's launch flags (heap, collector, compiler), as its own client snippets have them.
flags=$(grep -m1 '"args": \[' README.md | sed 's/.*"args": \[//; s/"-jar".*//')
server_json="\"command\": \"java\",
      \"args\": [$flags\"-jar\", $(json "$jar")],
      \"env\": {\"VAULT_ADDR\": $(json "$VAULT_ADDR"), \"VAULT_TOKEN\": $(json "$VAULT_TOKEN")}"
head1 "Your turn: this Vault stays up until Ctrl-C (ready in $(( $(date +%s) - t0 ))s)"
cat <<EOF
Claude Desktop: claude_desktop_config.json (Settings > Developer > Edit Config), then restart it:

{
  "mcpServers": {
    "vault": {
      $server_json
    }
  }
}

VS Code: .vscode/mcp.json in your workspace:

{
  "servers": {
    "vault": {
      "type": "stdio",
      $server_json
    }
  }
}

These are read-only: add "ENABLE_VAULT_OPERATIONS": "true" to env for the tools that change Vault
(a client that can show forms then asks you before each change). Or, in a shell:
  VAULT_ADDR=$VAULT_ADDR VAULT_TOKEN=$VAULT_TOKEN make run
The address and root token die with this dev server (in memory only). Ctrl-C stops it.
EOF
serving=1

set +e
wait "$dev_pid"   # returns early on Ctrl-C (the trap stops Vault), or when Vault exits by itself
rc=$?
set -e
dev_pid=""
die "the Vault dev server exited by itself (status $rc; output above)"
