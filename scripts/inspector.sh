#!/usr/bin/env bash
# Drives the official MCP Inspector in CLI mode against the built server on its sandbox, over
# stdio and over streamable HTTP: tools/list, one tools/call per platform, resources/templates/list,
# resources/read. Exits non-zero on the first failed check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node22="$(bash scripts/node22.sh)"
inspector="$root/.cache/inspector/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
if [ ! -f "$inspector" ]; then
  npm install --silent --no-audit --no-fund --prefix "$root/.cache/inspector" @modelcontextprotocol/inspector@2.12.0 >&2
fi
[ -f dist/cli.js ] || npm run build >&2
export MCP_CATALOG_PATH="$root/.cache/inspector/catalog.json"
checks=0

# run LABEL EXPECTED_SUBSTRING -- inspector args...
run() {
  local label="$1" expect="$2"
  shift 3
  local out
  out="$(timeout 60 "$node22" "$inspector" --cli "$@" 2>/dev/null)" || { echo "inspector: $label FAILED (exit)"; exit 1; }
  if ! grep -qF -- "$expect" <<<"$out"; then
    echo "inspector: $label FAILED: expected $expect in:"
    echo "$out" | head -40
    exit 1
  fi
  checks=$((checks + 1))
  echo "inspector: $label ok"
  LAST="$out"
}

stdio=("$(command -v node)" "$root/dist/cli.js" --sandbox)
run "stdio tools/list" '"platforms_status"' -- "${stdio[@]}" --method tools/list
run "stdio tools/call platforms_status" '"authenticated": true' -- "${stdio[@]}" --method tools/call --tool-name platforms_status
run "stdio tools/call ama2_list_threads" '"threads"' -- "${stdio[@]}" --method tools/call --tool-name ama2_list_threads --tool-arg limit=5
run "stdio tools/call atthene_list_agents" '"support_agent"' -- "${stdio[@]}" --method tools/call --tool-name atthene_list_agents --tool-arg limit=5
run "stdio tools/call amigo_whoami" '"workspace_matches": true' -- "${stdio[@]}" --method tools/call --tool-name amigo_whoami
run "stdio resources/templates/list" '"atthene://sessions/{session_id}"' -- "${stdio[@]}" --method resources/templates/list
run "stdio resources/read amigo://entity-types" 'total_entities' -- "${stdio[@]}" --method resources/read --uri amigo://entity-types

source scripts/lib.sh
start_sandbox_http

run "http tools/list" '"atthene_execute_turn"' -- "$url" --method tools/list
run "http tools/call atthene_create_session" '"session_id"' -- "$url" --method tools/call --tool-name atthene_create_session --tool-arg agent_key=support_agent
session="$(grep -o '"session_id": *"[0-9a-f-]*"' <<<"$LAST" | head -1 | grep -o '[0-9a-f-]\{36\}')"
run "http tools/call atthene_execute_turn" 'Support Agent' -- "$url" --method tools/call --tool-name atthene_execute_turn --tool-arg session_id="$session" --tool-arg content="Hello from the Inspector"
run "http resources/templates/list" '"ama2://threads/{thread_id}"' -- "$url" --method resources/templates/list
run "http resources/read" 'Hello from the Inspector' -- "$url" --method resources/read --uri "atthene://sessions/$session"
echo "inspector: all $checks checks passed"
