#!/usr/bin/env bash
# Start-up harness (issue 13): a whole-process timer. Runs each command RUNS times (default 10)
# through ./agora and prints the median and p90 wall-clock time in seconds.
#   bench/startup/startup.sh                  caps list, run examples/hello.rtfs, eval
#   RUNS=20 bench/startup/startup.sh 'caps list'
# Commands run in the repository (its .agora/ data directory, as a user's would).
# Warm-up: one untimed run of each command first (it builds the jar and the AOT cache if needed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${RUNS:-10}"
if [ $# -eq 0 ]; then
  set -- "caps list" "run examples/hello.rtfs" "eval (+ 1 2)"
fi
cd "$root"
for cmd in "$@"; do
  read -ra words <<<"$cmd"
  if [ "${words[0]}" = eval ]; then words=(eval "${cmd#eval }"); fi
  ./agora "${words[@]}" >/dev/null 2>&1 || true
  times=()
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    ./agora "${words[@]}" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  median=${sorted[$(( (runs - 1) / 2 ))]}
  p90=${sorted[$(( (runs * 9 + 9) / 10 - 1 ))]}
  printf '%-28s median %5.2f s   p90 %5.2f s   (%d runs: %s ms)\n' "agora $cmd" \
    "$(echo "$median/1000" | bc -l)" "$(echo "$p90/1000" | bc -l)" "$runs" "${times[*]}"
done
