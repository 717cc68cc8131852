#!/usr/bin/env bash
# Start-up figures for the release app against the floor, a blank Tauri 2 window built from the same Tauri
# (scripts/blank-window): time from process start to first paint (the page's first command after it
# rendered) and idle memory after 5 s, over several runs each, with a fresh data dir and WebKit cache.
# Run under a display, e.g. `xvfb-run -a scripts/measure-startup.sh` (make startup does that).
set -euo pipefail
cd "$(dirname "$0")/.."
app=target/release/hookdesk-desktop
blank=target/release/hookdesk-blank-window
runs=${RUNS:-5}
for b in "$app" "$blank"; do
  [ -x "$b" ] || { echo "build it first: cargo build --release -p hookdesk-desktop -p hookdesk-blank-window"; exit 1; }
done

# Sum a field of /proc/PID/(status|smaps_rollup) over a process and its descendants (WebKit helpers).
tree_kb() {
  local pid=$1 file=$2 field=$3 total=0 p v
  for p in $pid $(pgrep -P "$pid"; for c in $(pgrep -P "$pid"); do pgrep -P "$c"; done); do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$p/$file" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : 0)}'; }

# measure NAME BIN: prints one line per run and leaves the medians in $paint_med and $pss_med (KiB).
measure() {
  local name=$1 bin=$2 paints="" psss="" i data xdg log pid paint main_only pss_all
  for i in $(seq 1 "$runs"); do
    data=$(mktemp -d) xdg=$(mktemp -d) log=$(mktemp)
    XDG_DATA_HOME=$xdg XDG_CACHE_HOME=$xdg HOOKDESK_STARTUP_PROBE=1 HOOKDESK_NO_KEYCHAIN=1 \
      "$bin" --data-dir "$data" 2>"$log" &
    pid=$!
    for _ in $(seq 1 200); do grep -q first-paint-ms "$log" && break; sleep 0.05; done
    paint=$(sed -n 's/.*first-paint-ms=\([0-9]*\).*/\1/p' "$log" | head -1)
    sleep 5
    main_only=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$pid/status")
    pss_all=$(tree_kb "$pid" smaps_rollup Pss)
    echo "$name run $i: first paint ${paint:-?} ms; idle RSS app process $((main_only / 1024)) MiB; PSS app + WebKit processes $((pss_all / 1024)) MiB"
    paints="$paints ${paint:-0}" psss="$psss $pss_all"
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$data" "$xdg" "$log"
  done
  paint_med=$(tr ' ' '\n' <<<"$paints" | grep . | median)
  pss_med=$(tr ' ' '\n' <<<"$psss" | grep . | median)
}

measure blank "$blank"
blank_paint=$paint_med blank_pss=$pss_med
measure hookdesk "$app"
echo "median first paint: hookdesk ${paint_med} ms, blank window ${blank_paint} ms"
echo "median idle PSS: hookdesk $((pss_med / 1024)) MiB, blank window $((blank_pss / 1024)) MiB," \
  "ratio $(awk -v a="$pss_med" -v b="$blank_pss" 'BEGIN {printf "%.2f", (b ? a / b : 0)}') (target <= 1.3)"
