#!/usr/bin/env bash
# Load over real HTTP: gunicorn (2 workers) on 127.0.0.1, wrk from Debian (apt-get install wrk).
# Prints requests/s, mean and p99 latency per route; any non-2xx/3xx response is reported by wrk as "Non-2xx".
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8011}
gunicorn -w 2 -b "127.0.0.1:$port" app:app >/tmp/gislayout-bench-http.log 2>&1 &
pid=$!
trap 'kill $pid' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/layers" >/dev/null && break; sleep 0.2; done
for route in "/" "/api/point?lon=94.66&lat=40.14" "/api/layers/bases?level=national" "/api/stats?unit=prefectures"; do
  echo "== $route"
  # warm both workers' caches (locator, nearest-feature tables): the figures are for a running server
  for _ in $(seq 8); do curl -s -o /dev/null "http://127.0.0.1:$port$route"; done
  wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$port$route" | grep -E "Latency|99%|Requests/sec|Non-2xx|Socket errors"
done
