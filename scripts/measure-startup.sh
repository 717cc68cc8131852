#!/usr/bin/env bash
# Start-up figures for the release app: time from process start to first paint (the UI's first command after
# it rendered) and idle memory after 5 s, over several runs, each with a fresh data dir and WebKit cache.
# Run under a display, e.g. `xvfb-run -a scripts/measure-startup.sh` (make startup does that).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/hookdesk-desktop
runs=${RUNS:-5}
[ -x "$bin" ] || { echo "build it first: cargo build --release -p hookdesk-desktop"; exit 1; }

# Sum a field of /proc/PID/(status|smaps_rollup) over a process and its descendants (WebKit helpers).
tree_kb() {
  local pid=$1 file=$2 field=$3 total=0 p v
  for p in $pid $(pgrep -P "$pid"; for c in $(pgrep -P "$pid"); do pgrep -P "$c"; done); do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$p/$file" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

for i in $(seq 1 "$runs"); do
  data=$(mktemp -d) xdg=$(mktemp -d) log=$(mktemp)
  XDG_DATA_HOME=$xdg XDG_CACHE_HOME=$xdg HOOKDESK_STARTUP_PROBE=1 HOOKDESK_NO_KEYCHAIN=1 \
    "$bin" --data-dir "$data" 2>"$log" &
  pid=$!
  for _ in $(seq 1 200); do grep -q first-paint-ms "$log" && break; sleep 0.05; done
  paint=$(sed -n 's/.*first-paint-ms=\([0-9]*\).*/\1/p' "$log" | head -1)
  sleep 5
  rss_main=$(tree_kb "$pid" status VmRSS | head -1)
  main_only=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status")
  pss_all=$(tree_kb "$pid" smaps_rollup Pss)
  echo "run $i: first paint ${paint:-?} ms; idle RSS app process $((main_only / 1024)) MiB; PSS app + WebKit processes $((pss_all / 1024)) MiB (RSS sum $((rss_main / 1024)) MiB)"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data" "$xdg" "$log"
done
