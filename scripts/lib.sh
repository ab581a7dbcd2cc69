# Sourced by the check scripts. start_sandbox_http starts the built server on its sandbox over
# streamable HTTP on a free port, stops it on exit, and sets $url to its /mcp endpoint.
start_sandbox_http() {
  local log
  log="$(mktemp)"
  node dist/cli.js --sandbox --http --port 0 2>"$log" &
  local pid=$!
  # shellcheck disable=SC2064 # expand now: the pid and log of this server
  trap "kill $pid 2>/dev/null || true; rm -f '$log'" EXIT
  url=""
  for _ in $(seq 1 100); do
    url="$(grep -o 'listening on http://[^ ]*/mcp' "$log" | head -1 | sed 's/listening on //')" || true
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$log" >&2
  return 1
}
