#!/usr/bin/env bash
# Starts a local A2A agent (the official A2A JS SDK's, interop/a2a/agent.mjs), runs the plan against
# it through Agora, stops the agent. Needs the interop peers: ./build test installs them (npm ci).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port=8478
log="$(mktemp)"
node "$root/interop/a2a/agent.mjs" "$port" > "$log" 2>&1 &
agent=$!
trap 'kill $agent 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do                # wait for its "port" line (up to 10 s)
  grep -q "^port" "$log" && break
  kill -0 $agent 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
"$root/agora" run --config "$here/agora.yaml" "$here/plan.rtfs" "$@"
