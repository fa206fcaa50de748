#!/usr/bin/env bash
# The API checked against its own OpenAPI document with schemathesis (from PyPI): generated
# requests for every operation, bounded in examples and time; a failure is a 5xx, an answer
# that violates its documented schema, an undocumented status or content type.
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]        (default 200 per operation)
#
# Needs `schemathesis` on PATH (pip install schemathesis) and a built binary
# (cargo build). Starts the server on a free loopback port and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${1:-200}"
bin="${WAGECHECK_BIN:-target/debug/wagecheck}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

"$bin" serve --addr "127.0.0.1:$port" --lang en &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/healthz" >/dev/null && break
  sleep 0.1
done

export SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="scripts${PYTHONPATH:+:$PYTHONPATH}"
timeout 600 schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --url "http://127.0.0.1:$port/api/v1" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --max-examples "$examples" \
  --request-timeout 10 \
  --no-color
