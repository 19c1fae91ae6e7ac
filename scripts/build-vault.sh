#!/usr/bin/env bash
# Build a real HashiCorp Vault (the release pinned in test/e2e/vault/go.mod) from
# Go modules, for end-to-end tests: no Docker, no binary download.
#
#   scripts/build-vault.sh            # prints the binary's path on stdout
#   VAULT_BUILD_FORCE=1 scripts/build-vault.sh   # rebuild even if up to date
#
# The binary is reused while it is newer than go.mod, go.sum and main.go.
# A cold build downloads ~620 MB of module zips (the module cache grows by ~3.6 GB,
# the build cache by ~3.9 GB) and needs ~15 CPU-minutes: 8-10 minutes on an idle
# 2-core machine, longer when busy. The go command peaks at ~5 GB RAM while linking.
# The binary is ~345 MiB (static, stripped).
# Progress goes to stderr; stdout carries only the binary's path.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mod_dir="$root/test/e2e/vault"
out_dir="$root/build/vault-dev"
out="$out_dir/vault"

log() { printf 'build-vault: %s\n' "$*" >&2; }
die() { printf 'build-vault: error: %s\n' "$*" >&2; exit 1; }

# Go may be installed without being on PATH (the usual tarball location).
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 ||
  die "the Go toolchain ('go', version >= 1.25.3, as test/e2e/vault/go.mod says) is not installed or not on PATH; install Go and re-run"

[ -f "$mod_dir/go.mod" ] && [ -f "$mod_dir/go.sum" ] && [ -f "$mod_dir/main.go" ] ||
  die "missing $mod_dir/{go.mod,go.sum,main.go}"

up_to_date() {
  [ -x "$out" ] || return 1
  local f
  for f in go.mod go.sum main.go; do
    [ "$out" -nt "$mod_dir/$f" ] || return 1
  done
}

if [ "${VAULT_BUILD_FORCE:-0}" != 1 ] && up_to_date; then
  log "up to date: $out"
  printf '%s\n' "$out"
  exit 0
fi

mkdir -p "$out_dir"

# Serialize concurrent builds (e.g. parallel test runs); the second one reuses the result.
if command -v flock >/dev/null 2>&1 && [ -z "${VAULT_BUILD_LOCKED:-}" ]; then
  export VAULT_BUILD_LOCKED=1
  exec flock "$out_dir/.build.lock" bash "${BASH_SOURCE[0]}" "$@"
fi
if [ "${VAULT_BUILD_FORCE:-0}" != 1 ] && up_to_date; then
  log "up to date: $out"
  printf '%s\n' "$out"
  exit 0
fi

# Sane, explicit build settings: whatever GOFLAGS the caller has (-mod=vendor,
# -tags, ...) must not change what is built. GOCACHE/GOMODCACHE/GOPROXY are left
# to the caller and to go's own defaults; GOCACHE gets a default only when go
# cannot derive one (no HOME).
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0   # as Vault's release builds; a static binary, no C compiler needed
if [ -z "${GOCACHE:-}" ] && [ -z "${HOME:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ]; then
  export GOCACHE="$root/build/go-cache"
fi
if [ -z "${GOMODCACHE:-}" ] && [ -z "${GOPATH:-}" ] && [ -z "${HOME:-}" ]; then
  export GOMODCACHE="$root/build/go-mod-cache"
fi

log "$(go version); building $(cd "$mod_dir" && go list -m -f '{{.Path}} {{.Version}}' github.com/hashicorp/vault) into $out"
start=$(date +%s)
cd "$mod_dir"
go mod download || die "go mod download failed (the Go module proxy must be reachable, or the module cache already filled)"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
go build -mod=readonly -trimpath -ldflags='-s -w' -o "$tmp" . ||
  die "go build failed (see above; linking needs ~6 GB of free memory)"
mv -f "$tmp" "$out"
trap - EXIT
log "built $out in $(( $(date +%s) - start ))s ($("$out" version 2>/dev/null || echo 'version unknown'))"
printf '%s\n' "$out"
