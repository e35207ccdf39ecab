#!/usr/bin/env bash
# agora serve with OAuth, end to end on this machine: starts a real authorization server
# (oauth2-mock-server, interop/oauth/issuer.mjs), starts ./agora serve trusting it, gets a
# client-credentials token for Agora's /mcp (RFC 8707 resource) and calls a tool with it; shows
# that no token is 401 and where to get one. Needs the interop peers: ./build test installs them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

wait_for() { # wait_for FILE PATTERN: up to 60 s for a line in a process's output
  for _ in $(seq 1 600); do grep -q "$2" "$1" && return 0; sleep 0.1; done
  cat "$1" >&2; return 1
}

node "$root/interop/oauth/issuer.mjs" 0 > "$work/issuer.log" 2>&1 &
wait_for "$work/issuer.log" '^port'
issuer="http://127.0.0.1:$(awk '/^port/{print $2}' "$work/issuer.log")"
sed "s|\${ISSUER}|$issuer|" "$here/agora.yaml" > "$work/agora.yaml"

"$root/agora" serve --config "$work/agora.yaml" --port 0 > "$work/serve.log" 2>&1 &
wait_for "$work/serve.log" 'serving MCP at'
mcp="$(grep -o 'serving MCP at http://[^ ]*' "$work/serve.log" | awk '{print $4}')"
echo "issuer: $issuer"
echo "agora:  $mcp"

echo "--- without a token"
curl -s -o /dev/null -D - -X POST "$mcp" -H 'Content-Type: application/json' -d '{}' \
  | grep -i '^www-authenticate'

echo "--- a token for the agent scope (client ci-bot)"
token="$(curl -s -u ci-bot:secret -d grant_type=client_credentials -d scope=agora:agent \
  --data-urlencode "resource=$mcp" "$issuer/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')"
rpc() { # rpc SESSION BODY
  curl -s -D "$work/headers" -X POST "$mcp" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    ${1:+-H "Mcp-Session-Id: $1"} -d "$2"
}
rpc "" '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"run.sh","version":"1"}}}' > /dev/null
session="$(grep -i '^mcp-session-id' "$work/headers" | tr -d '\r' | awk '{print $2}')"
rpc "$session" '{"jsonrpc":"2.0","method":"notifications/initialized"}' > /dev/null
rpc "$session" '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ccos.echo","arguments":{"input":"hello with a token"}}}'
echo
kill %2; wait %2 2>/dev/null || true
echo "--- the Causal Chain: who called"
"$root/agora" chain show --config "$work/agora.yaml" --type CapabilityCall --capability ccos.echo
