#!/usr/bin/env bash
# Runs the official MCP conformance server scenarios that apply to this server against its
# streamable HTTP endpoint on the sandbox. Exits non-zero if any scenario fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
SCENARIOS=(server-initialize ping logging-set-level tools-list resources-list prompts-list dns-rebinding-protection server-sse-multiple-streams)

node22="$(bash scripts/node22.sh)"
tool="$root/.cache/conformance/node_modules/@modelcontextprotocol/conformance/dist/index.js"
if [ ! -f "$tool" ]; then
  npm install --silent --no-audit --no-fund --prefix "$root/.cache/conformance" @modelcontextprotocol/conformance@0.1.16 >&2
fi
[ -f dist/cli.js ] || npm run build >&2

log="$(mktemp)"
node dist/cli.js --sandbox --http --port 0 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'listening on http://[^ ]*/mcp' "$log" | head -1 | sed 's/listening on //')" || true
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "server did not start:" >&2; cat "$log" >&2; exit 1; }

passed=0
failed=0
for scenario in "${SCENARIOS[@]}"; do
  if out="$(timeout 120 "$node22" "$tool" server --url "$url" --scenario "$scenario" 2>&1)" && grep -q ', 0 failed' <<<"$out"; then
    passed=$((passed + 1))
    echo "conformance: $scenario passed"
  else
    failed=$((failed + 1))
    echo "conformance: $scenario FAILED"
    echo "$out" | tail -20
  fi
done
echo "conformance: ${passed} of ${#SCENARIOS[@]} scenarios passed"
[ "$failed" -eq 0 ]
