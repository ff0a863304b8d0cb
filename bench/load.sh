#!/usr/bin/env bash
# Load baseline for Terrain (docs/benchmarks.md, "Load baseline"). One command, from anywhere:
#
#   bench/load.sh > /tmp/load.md        # progress on stderr, markdown report on stdout
#
# Builds src/Terrain in Release, starts `terrain demo` on 127.0.0.1 with a throwaway data directory, signs in
# as rep1 (cookie for the page, bearer token for the API), checks each URL answers 200 with that auth, then
# drives it with wrk: one warm-up run per endpoint, then BENCH_RUNS rounds over all endpoints (interleaved, so
# background noise hits every endpoint alike) and reports the median of each metric. GET /health runs in the
# same rounds as a floor reference, with a static file and GET /api/v1/me (bearer, no database) beside it.
# Exits 1 if any response was not 2xx (the run is then invalid).
#
# Knobs (environment): BENCH_THREADS=2 BENCH_CONNECTIONS=32 BENCH_DURATION=15 BENCH_WARMUP=5 BENCH_RUNS=3
#                      BENCH_ENDPOINTS="static health me territory accounts" BENCH_PORT=<free port>
#                      BENCH_SKIP_BUILD=0 BENCH_DLL=... BENCH_RESULTS=bench/results/<timestamp>-load (see bench/lib.sh)
set -euo pipefail

BENCH_NAME=load
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-5}
RUNS=${BENCH_RUNS:-3}
TARGET_RPS=1000
TARGET_P95_MS=50
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for n in THREADS CONNECTIONS DURATION WARMUP RUNS; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "BENCH_$n must be a positive integer (got '${!n}')"
done

has_health=0
for e in "${ENDPOINTS[@]}"; do [[ ${e%%|*} == health ]] && has_health=1; done
[[ $has_health == 1 ]] || die "BENCH_ENDPOINTS must include health: it is the ratio reference"

bench_build
# Hard upper bound for the whole run, enforced on the server by `timeout` (wrk runs are bounded separately).
bench_start_server $((300 + ${#ENDPOINTS[@]} * (WARMUP + 30 + RUNS * (DURATION + 30))))
bench_sign_in
bench_check_endpoints

# ---- measure --------------------------------------------------------------------------------------------------
LOAD_BEFORE=$(uptime)
log "load before: $LOAD_BEFORE"
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name path auth role <<<"$e"
    run_wrk "$key" "$name" "$path" "$auth" "$WARMUP" warmup
done
# Rounds, not one endpoint after the other: a burst of background load then lands on every endpoint alike.
for r in $(seq 1 "$RUNS"); do
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        run_wrk "$key" "$name" "$path" "$auth" "$DURATION" "run$r"
    done
done
LOAD_AFTER=$(uptime)
log "load after: $LOAD_AFTER"

# ---- report ---------------------------------------------------------------------------------------------------
health_rps=$(median "$WORK/health.runs" 1)
{
    echo "- Date: $(date)"
    echo "- Machine: $CORES cores, $(free -h | awk '/^Mem:/ { print $2 }') memory, $(uname -sr); $($WRK -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- Command: \`bench/load.sh\` (wrk -t$THREADS -c$CONNECTIONS, ${WARMUP} s warm-up per endpoint, then $RUNS rounds of ${DURATION} s per endpoint; medians)"
    echo "- Revision: $BENCH_REV"
    echo "- Load average before: ${LOAD_BEFORE##*load average: }; after: ${LOAD_AFTER##*load average: }"
    echo
    echo "| Endpoint | Auth | Role | req/s | p50 ms | p95 ms | p99 ms | Errors | req/s vs /health | Server CPU/request | Target: >= $TARGET_RPS req/s, p95 <= $TARGET_P95_MS ms |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        f="$WORK/$key.runs"
        rps=$(median "$f" 1)
        errors=$(awk '{ s += $5 } END { print s + 0 }' "$f")
        verdict="(reference)"
        if [[ $role == target ]]; then
            verdict=$(awk -v r="$rps" -v p="$(median "$f" 3)" -v tr="$TARGET_RPS" -v tp="$TARGET_P95_MS" -v err="$errors" 'BEGIN {
                if (err > 0) { print "INVALID (errors)"; exit }
                printf "req/s %s, p95 %s", (r >= tr ? "met" : "**missed**"), (p / 1000 <= tp ? "met" : "**missed**") }')
        fi
        printf '| `%s` | %s | %s | %.0f | %.1f | %.1f | %.1f | %d | %.2f | %.0f us | %s |\n' \
            "$name" "$auth" "${role%%:*}" "$rps" "$(us_to_ms "$(median "$f" 2)")" "$(us_to_ms "$(median "$f" 3)")" \
            "$(us_to_ms "$(median "$f" 4)")" "$errors" "$(awk -v a="$rps" -v b="$health_rps" 'BEGIN { print a / b }')" \
            "$(median "$f" 6)" "$verdict"
    done
    echo
    echo "Each run (run 1 / run 2 / ...); cores used during the run by the server, by wrk, and by everything else on the machine:"
    echo
    echo "| Endpoint | req/s | p95 ms | Server CPU/request, us | Server cores | wrk cores | Other load, cores |"
    echo "|---|---|---|---|---|---|---|"
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        f="$WORK/$key.runs"
        echo "| \`$name\` | $(per_run "$f" 1 1 %.0f) | $(per_run "$f" 3 0.001 %.1f) | $(per_run "$f" 6 1 %.0f) | $(per_run "$f" 7 1 %.2f) | $(per_run "$f" 8 1 %.2f) | $(per_run "$f" 9 1 %.2f) |"
    done
} | tee "$RESULTS/report.md"

log "report, raw wrk output and server log: $RESULTS"
if [[ $INVALID == 1 ]]; then
    log "INVALID RUN: some responses were not 2xx or the connection failed; do not use these numbers"
    exit 1
fi
