#!/usr/bin/env bash
# Bounded load test of `POST /api/v1/check` on loopback (wrk from Debian): one sample filing,
# 64 connections, 20 seconds. Prints wrk's figures and the server's resident memory before
# and after. Needs a release build (cargo build --release) and wrk (apt-get install wrk).
#
#   scripts/loadtest.sh [SAMPLE] [CONNECTIONS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."

sample="${1:-samples/02-over-cap.toml}"
conns="${2:-64}"
secs="${3:-20}"
bin="${WAGECHECK_BIN:-target/release/wagecheck}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

"$bin" serve --addr "127.0.0.1:$port" --lang en &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/healthz" >/dev/null && break
  sleep 0.1
done

lua="$(mktemp --suffix .lua)"
trap 'rm -f "$lua"; kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
python3 - "$sample" > "$lua" <<'PY'
import json, sys
body = open(sys.argv[1], encoding="utf-8").read()
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/toml"')
print("wrk.body = " + json.dumps(body, ensure_ascii=False))
print('''done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("checks/s %.0f, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, non-2xx %d, socket errors %d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end''')
PY

rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$server/status"; }
echo "server RSS before: $(rss)"
# A warm-up, so the figures are the steady state.
wrk -t2 -c"$conns" -d2s -s "$lua" "http://127.0.0.1:$port/api/v1/check" >/dev/null
echo "server RSS after warm-up: $(rss)"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$lua" "http://127.0.0.1:$port/api/v1/check"
echo "server RSS after ${secs}s: $(rss)"
