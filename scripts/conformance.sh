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

source scripts/lib.sh
start_sandbox_http

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
