#!/usr/bin/env bash
# Start-up of two builds of the CLI, interleaved so that the machine's load weighs on both alike
# (issue 13): each of A and B is a directory holding a copy of cli/target/agora.jar. An AOT cache
# is recorded next to each as ./agora records it (from `run examples/hello.rtfs`; a cache names
# the jar's path, so one recorded for cli/target/agora.jar is not used for a copy). Runs each
# command RUNS times (default 20) with each build in turn, straight through java with ./agora's
# options (its launcher's ~0.1 s left out), and prints median and p90 per build.
#   bench/startup/compare.sh /tmp/su/old /tmp/su/new
#   RUNS=10 bench/startup/compare.sh A B 'caps list'
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
a="$1" b="$2"
shift 2
runs="${RUNS:-20}"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
if [ $# -eq 0 ]; then
  set -- "caps list" "run examples/hello.rtfs" "eval (+ 1 2)"
fi
opts=(--enable-native-access=ALL-UNNAMED -XX:+DisplayVMOutputToStderr)
for dir in "$a" "$b"; do
  if [ ! -f "$dir/agora.aot" ] || [ "$dir/agora.jar" -nt "$dir/agora.aot" ]; then
    scratch="$(mktemp -d)"
    cp "$root/examples/hello.rtfs" "$scratch/"
    (cd "$scratch" && "$java" "${opts[@]}" -XX:AOTCacheOutput="$dir/agora.aot" -Xlog:aot=off \
      -Xlog:cds=off -jar "$dir/agora.jar" run hello.rtfs </dev/null >/dev/null 2>&1) || true
    rm -rf "$scratch"
  fi
done
cd "$root"
stats() { # prints median and p90 of the numbers given
  local sorted n
  sorted=($(printf '%s\n' "$@" | sort -n))
  n=${#sorted[@]}
  printf 'median %5.2f s  p90 %5.2f s' "$(echo "${sorted[$(((n - 1) / 2))]}/1000" | bc -l)" \
    "$(echo "${sorted[$(((n * 9 + 9) / 10 - 1))]}/1000" | bc -l)"
}
for cmd in "$@"; do
  read -ra words <<<"$cmd"
  if [ "${words[0]}" = eval ]; then words=(eval "${cmd#eval }"); fi
  declare -a ta=() tb=()
  for ((i = 0; i < runs; i++)); do
    for which in a b; do
      dir="${!which}"
      start=$(date +%s%N)
      "$java" "${opts[@]}" -XX:AOTCache="$dir/agora.aot" -Xlog:aot=off -Xlog:cds=off \
        -jar "$dir/agora.jar" "${words[@]}" >/dev/null 2>&1 || true
      end=$(date +%s%N)
      if [ "$which" = a ]; then ta+=("$(((end - start) / 1000000))"); else tb+=("$(((end - start) / 1000000))"); fi
    done
  done
  printf '%-28s A: %s   B: %s   (%d runs each, interleaved)\n' "agora $cmd" "$(stats "${ta[@]}")" \
    "$(stats "${tb[@]}")" "$runs"
done
