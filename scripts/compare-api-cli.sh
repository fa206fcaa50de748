#!/usr/bin/env bash
# Posts filing files to a running `wagecheck serve` and compares each answer with what
# `wagecheck check --format json` prints for the same file, byte for byte (both dated by
# WAGECHECK_TODAY, which the server must have been started with too, or the receipts differ).
#
#   WAGECHECK_TODAY=2025-01-01 wagecheck serve &
#   WAGECHECK_TODAY=2025-01-01 scripts/compare-api-cli.sh [--url http://127.0.0.1:8080] [--lang en] FILE…
#
# A .json file is posted as application/json, anything else as application/toml. Prints one
# line per file (HTTP status, verdict, same/different) and exits 1 if any differs. A file that
# does not parse is a `400` error document, not a report: its located `errors` are compared
# with the `invalid` report's.
set -euo pipefail
url="http://127.0.0.1:8080"
lang="zh"
bin="${WAGECHECK_BIN:-wagecheck}"
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="$2"; shift 2 ;;
    --lang) lang="$2"; shift 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "${files[@]}"; do
  case "$f" in
    *.json|*.JSON) ct="application/json" ;;
    *) ct="application/toml" ;;
  esac
  "$bin" check --format json --lang "$lang" "$f" > "$tmp/cli" 2>/dev/null || true
  code="$(curl -s -o "$tmp/api" -w '%{http_code}' -X POST -H "Content-Type: $ct" \
    --data-binary @"$f" "$url/api/v1/check?lang=$lang&source=$(urlencode "$f")")"
  verdict="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("verdict", "-"))' "$tmp/api" 2>/dev/null || echo -)"
  if cmp -s "$tmp/cli" "$tmp/api"; then
    echo "$code $verdict same $f"
  elif [ "$code" = 400 ] && python3 - "$tmp/cli" "$tmp/api" <<'PY'
import json, sys
cli, api = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if cli.get("verdict") == "invalid" and cli.get("errors") == api.get("errors") else 1)
PY
  then
    echo "$code unparseable same-errors $f"
  else
    echo "$code $verdict DIFFERENT $f"
    status=1
  fi
done
exit "$status"
