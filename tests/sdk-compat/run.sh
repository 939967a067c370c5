#!/usr/bin/env bash
# Runs the official TagoIO SDK against a fresh emulator: builds tagoform, starts
# `tagoform emulator` on a free loopback port, runs check.mjs and
# removal-and-permissions.mjs, stops the emulator.
# Usage: tests/sdk-compat/run.sh   (from anywhere; needs cargo, node >= 20 and npm)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# cargo builds into CARGO_TARGET_DIR when it is set (relative to the root, as cargo reads it).
target="${CARGO_TARGET_DIR:-target}"
[[ "$target" = /* ]] || target="$root/$target"
binary="${TAGOFORM_BIN:-$target/debug/tagoform}"

if [[ -z "${TAGOFORM_BIN:-}" ]]; then
  (cd "$root" && cargo build --quiet)
fi

workdir="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

# The emulator prints `listening on http://ADDRESS` first; read it through a FIFO so the
# emulator keeps its own pid (no subshell in between).
mkfifo "$workdir/out"
"$binary" emulator --listen 127.0.0.1:0 >"$workdir/out" 2>"$workdir/stderr" &
emulator_pid=$!
exec 3<"$workdir/out"
if ! read -r -t 30 first_line <&3; then
  echo "the emulator did not start:" >&2
  cat "$workdir/stderr" >&2
  exit 1
fi
# Keep draining its stdout so it never blocks on a full pipe.
cat <&3 >/dev/null &
url="${first_line#listening on }"
if [[ "$url" != http://* ]]; then
  echo "unexpected first line from the emulator: $first_line" >&2
  exit 1
fi

cd "$here"
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node check.mjs "$url"
node removal-and-permissions.mjs "$url"
