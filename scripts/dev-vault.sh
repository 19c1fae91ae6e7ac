#!/usr/bin/env bash
# Run a real HashiCorp Vault dev server (in-memory, unsealed, one unseal key) on
# 127.0.0.1 at a free port, for end-to-end tests and manual poking.
#
#   scripts/dev-vault.sh      # builds Vault first if needed (scripts/build-vault.sh)
#
# When /v1/sys/health answers it prints, on stdout:
#   export VAULT_ADDR=http://127.0.0.1:<port>
#   export VAULT_TOKEN=<random root token>
#   export VAULT_UNSEAL_KEY=<base64 unseal key>
#   export VAULT_DEV_PID=<pid of the vault server>
# then stays in the foreground until Ctrl-C / SIGTERM / SIGHUP, and stops the
# server by its PID. Everything else (progress, the server's log on failure) goes
# to stderr. The server's own output is kept in a log file named on stderr.
#
# For a harness: start this script in the background with VAULT_DEV_ENV_FILE=path
# and wait for that file to appear (it is written atomically, same lines as above),
# or read stdout until the VAULT_DEV_PID line. Stop it with SIGTERM to the script's
# PID (it then stops Vault), or SIGTERM to VAULT_DEV_PID. If the script itself is
# SIGKILLed, Vault gets SIGTERM too where setpriv(1) supports --pdeathsig.
#
# Optional environment:
#   VAULT_BIN               use this vault binary instead of building one
#   VAULT_DEV_PORT          listen on this port instead of a free one chosen now
#   VAULT_DEV_ROOT_TOKEN    root token (default: random)
#   VAULT_DEV_START_TIMEOUT seconds to wait for sys/health (default 60)
#   VAULT_DEV_ENV_FILE      also write the export lines to this file
#   VAULT_DEV_LOG           server log file (default: a new file under build/vault-dev/)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf 'dev-vault: %s\n' "$*" >&2; }
die() { printf 'dev-vault: error: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || die "curl is required (to poll /v1/sys/health); install curl"

vault_bin="${VAULT_BIN:-}"
if [ -z "$vault_bin" ]; then
  vault_bin="$("$root/scripts/build-vault.sh")" || die "building Vault failed (scripts/build-vault.sh)"
fi
[ -x "$vault_bin" ] || die "no executable vault binary at $vault_bin"
vault_version="$("$vault_bin" version 2>/dev/null | head -n1)" || die "$vault_bin does not run"

port_free() { # true when nothing accepts connections on 127.0.0.1:$1
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
pick_port() { # a free port P with P+1 free too (the dev server's cluster listener takes P+1)
  local p
  for _ in $(seq 1 200); do
    p=""
    if command -v python3 >/dev/null 2>&1; then
      p="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null)" || p=""
    fi
    [ -n "$p" ] || p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if [ "$p" -lt 65535 ] && port_free "$p" && port_free "$(( p + 1 ))"; then
      printf '%s\n' "$p"; return
    fi
  done
  die "found no free port on 127.0.0.1"
}
random_token() {
  printf 'e2e-%s\n' "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
}

token="${VAULT_DEV_ROOT_TOKEN:-$(random_token)}"
timeout_s="${VAULT_DEV_START_TIMEOUT:-60}"
mkdir -p "$root/build/vault-dev"

# The server inherits no client settings that could confuse it.
unset VAULT_ADDR VAULT_TOKEN VAULT_DEV_ROOT_TOKEN_ID VAULT_DEV_LISTEN_ADDRESS VAULT_CACERT VAULT_NAMESPACE

pdeathsig=()
if command -v setpriv >/dev/null 2>&1 && setpriv --help 2>&1 | grep -q -- --pdeathsig; then
  pdeathsig=(setpriv --pdeathsig TERM --)
fi

pid=""
server_log=""
auto_log=""   # set when this script made the log file: removed after a clean stop
started=""
stop_server() {
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping Vault (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "Vault (pid $pid) did not stop in 10s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  pid=""
  if [ -n "${VAULT_DEV_ENV_FILE:-}" ]; then rm -f "$VAULT_DEV_ENV_FILE"; fi
  if [ -n "$started" ] && [ -n "$auto_log" ]; then rm -f "$auto_log"; fi
}
trap 'stop_server' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

start_one() { # $1 = port; sets pid; returns 0 once sys/health answers 200
  local port="$1" addr="http://127.0.0.1:$1" t0 code
  if [ -n "${VAULT_DEV_LOG:-}" ]; then
    server_log="$VAULT_DEV_LOG"
  else
    if [ -n "$auto_log" ]; then rm -f "$auto_log"; fi
    server_log="$(mktemp "$root/build/vault-dev/server.XXXXXX.log")"
    auto_log="$server_log"
  fi
  t0=$(date +%s%N)
  # No exec-by-name anywhere: the server is this script's child, tracked by $pid.
  # The root token goes by environment, not argument, so it does not show in ps.
  VAULT_DEV_ROOT_TOKEN_ID="$token" "${pdeathsig[@]}" "$vault_bin" server -dev \
    -dev-listen-address="127.0.0.1:$port" \
    -dev-no-store-token \
    </dev/null >"$server_log" 2>&1 &
  pid=$!
  log "started Vault (pid $pid) on $addr; log: $server_log"
  local deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      pid=""
      return 1
    fi
    code="$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' --max-time 2 "$addr/v1/sys/health" 2>/dev/null || true)"
    if [ "$code" = 200 ]; then
      log "sys/health answered 200 after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
      return 0
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "sys/health did not answer 200 within ${timeout_s}s (last HTTP status: ${code:-none})"
      return 2
    fi
    sleep 0.1
  done
}

attempt=0
while :; do
  attempt=$(( attempt + 1 ))
  port="${VAULT_DEV_PORT:-$(pick_port)}"
  rc=0; start_one "$port" || rc=$?
  if [ "$rc" = 0 ]; then started=1; break; fi
  if [ "$rc" = 1 ] && [ -z "${VAULT_DEV_PORT:-}" ] && [ "$attempt" -lt 3 ] &&
     grep -qi 'address already in use' "$server_log" 2>/dev/null; then
    log "port $port was taken meanwhile; trying another"
    continue
  fi
  log "Vault failed to start; its output follows:"
  sed 's/^/  | /' "$server_log" >&2 || true
  exit 1
done

# The dev server prints "Unseal Key: <base64>" in its banner, right after it is ready.
unseal_key=""
for _ in $(seq 1 100); do
  unseal_key="$(sed -n 's/^Unseal Key: *//p' "$server_log" | head -n1 | tr -d '\r')"
  [ -n "$unseal_key" ] && break
  sleep 0.1
done
[ -n "$unseal_key" ] || log "warning: no 'Unseal Key:' line in $server_log"

env_lines="export VAULT_ADDR=http://127.0.0.1:$port
export VAULT_TOKEN=$token
export VAULT_UNSEAL_KEY=$unseal_key
export VAULT_DEV_PID=$pid"
if [ -n "${VAULT_DEV_ENV_FILE:-}" ]; then
  umask 077
  printf '%s\n' "$env_lines" >"$VAULT_DEV_ENV_FILE.tmp.$$"
  mv -f "$VAULT_DEV_ENV_FILE.tmp.$$" "$VAULT_DEV_ENV_FILE"
fi
printf '%s\n' "$env_lines"
log "$vault_version is up (pid $pid); Ctrl-C stops it"

# Foreground until a signal (the traps stop the server) or until Vault exits by itself.
set +e
wait "$pid"
rc=$?
set -e
log "Vault (pid $pid) exited by itself with status $rc; its log: $server_log"
pid=""
started=""   # keep the log of an unexpected exit
exit "$(( rc == 0 ? 1 : rc ))"
