#!/usr/bin/env bash
# Starts the example's local API, runs the plan against it through Agora, stops the API.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port=8477
log="$(mktemp)"
node "$here/quotes-api.mjs" "$port" > "$log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do                # wait for its "listening" line (up to 10 s)
  grep -q listening "$log" && break
  kill -0 $api 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
QUOTES_TOKEN=demo-quotes-token "$root/agora" run --config "$here/agora.yaml" "$here/plan.rtfs" "$@"
