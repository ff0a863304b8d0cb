#!/usr/bin/env bash
# The leader's cycle board at scale (docs/benchmarks.md, "Cycle board at 2,000 reps"). One command, from anywhere:
#
#   bench/board.sh > /tmp/board.md      # progress on stderr, markdown report on stdout
#
# Builds src/Terrain in Release, starts `terrain demo --reps 2000` on 127.0.0.1 with a throwaway data directory (the
# demo grown to 2,000 reps in teams of eight, one open cycle with a plan per rep), signs in as the leader (cookie for
# the page, bearer token for the API), finds the open cycle through GET /api/v1/cycles and checks each URL answers
# 200. Target: a leader opening the whole board waits at most 100 ms, p95. So latency is measured at low concurrency:
# one leader (wrk -t1 -c1, one request after another) and four people at once (wrk -t2 -c4). After a warm-up per
# endpoint, BENCH_RUNS rounds run every endpoint at every concurrency (interleaved, so background noise hits all
# alike) and the report gives the median of each metric. References in the same rounds: GET /health at the same
# concurrency, and the board's rows read with a raw SQL query from the same SQLite file while the server runs
# (python3's sqlite3 module, one query after another: the database's own share of the work).
# Exits 1 if any response was not 2xx (the run is then invalid).
#
# Knobs (environment): BENCH_REPS=2000 BENCH_LEVELS="1 4" (connections) BENCH_DURATION=15 BENCH_WARMUP=20
#                      BENCH_RUNS=3 BENCH_SQL_QUERIES=300 BENCH_ENDPOINTS="health board board-api"
#                      BENCH_EMAIL=leader@demo.terrain, and those of bench/lib.sh (BENCH_SKIP_BUILD, BENCH_DLL, ...)
set -euo pipefail

BENCH_NAME=board
DEFAULT_ENDPOINTS="health board board-api"
DEFAULT_EMAIL=leader@demo.terrain
BENCH_REPS=${BENCH_REPS:-2000}
LEVELS=${BENCH_LEVELS:-1 4}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-20}
RUNS=${BENCH_RUNS:-3}
SQL_QUERIES=${BENCH_SQL_QUERIES:-300}
TARGET_P95_MS=100
TARGET_CONNECTIONS=1 # the target: one leader opening the board; other levels show the headroom
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for n in DURATION WARMUP RUNS SQL_QUERIES; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "BENCH_$n must be a positive integer (got '${!n}')"
done
for c in $LEVELS; do [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_LEVELS must list positive integers (got '$LEVELS')"; done
command -v python3 >/dev/null || die "python3 not found (apt-get install python3): it times the raw SQL reference"

bench_build
bench_start_server $((300 + ${#ENDPOINTS[@]} * $(wc -w <<<"$LEVELS") * (WARMUP + 30 + RUNS * (DURATION + 30)) + RUNS * 120))
bench_sign_in
bench_check_endpoints # also finds the open cycle: CYCLE_ID, CYCLE_NAME

# The board's size as served: plans on it (from the API's summary) and bytes of each response.
header_args bearer
PLANS=$(curl -s -f --max-time 30 "${HDR[@]}" "$BASE/api/v1/cycles/$CYCLE_ID/board" |
    sed -n 's/.*"summary":{"plans":\([0-9]*\).*/\1/p') || die "GET /api/v1/cycles/$CYCLE_ID/board failed"
[[ -n $PLANS ]] || die "no summary.plans in the board JSON"
declare -A BYTES
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name path auth role <<<"$e"
    header_args "$auth"
    BYTES[$key]=$(curl -s --max-time 30 ${HDR[@]+"${HDR[@]}"} -o /dev/null -w '%{size_download}' "$BASE$path")
done
log "board of $CYCLE_NAME: $PLANS plans; page ${BYTES[board]:-?} bytes, JSON ${BYTES[board-api]:-?} bytes"

# ---- the raw SQL reference --------------------------------------------------------------------------------------
# The rows a board needs (plan, rep, rep's manager) for the cycle, read from the server's own database file while it
# runs. SQLite stores these GUIDs as upper-case text. Appends "rps p50_us p95_us p99_us cpu_us_per_query" to sql.runs.
SQL_SCRIPT=$WORK/board-sql.py
cat >"$SQL_SCRIPT" <<'PY'
import math, sqlite3, sys, time

path, cycle, queries, expected = sys.argv[1], sys.argv[2].upper(), int(sys.argv[3]), int(sys.argv[4])
sql = """
SELECT p.Id, p.OwnerId, p.Status, p.WorkingVersion, p.ApprovedVersion, p.FirstSubmittedAt,
       r.DisplayName, r.Email, r.ManagerId, m.DisplayName
FROM Plans AS p
JOIN AspNetUsers AS r ON r.Id = p.OwnerId
LEFT JOIN AspNetUsers AS m ON m.Id = r.ManagerId
WHERE p.CycleId = ?"""
con = sqlite3.connect(path, timeout=10)
for _ in range(20):
    rows = con.execute(sql, (cycle,)).fetchall()
if len(rows) != expected:
    sys.exit(f"the raw query returned {len(rows)} rows, the board shows {expected}")
times = []
cpu0 = time.process_time()
for _ in range(queries):
    t0 = time.perf_counter()
    rows = con.execute(sql, (cycle,)).fetchall()
    times.append(time.perf_counter() - t0)
cpu = time.process_time() - cpu0
times.sort()
rank = lambda p: times[max(0, math.ceil(p / 100 * len(times)) - 1)] * 1e6  # nearest rank, in microseconds
print(f"{queries / sum(times):.1f} {rank(50):.0f} {rank(95):.0f} {rank(99):.0f} {cpu / queries * 1e6:.0f}")
PY
run_sql() { # run_sql LABEL
    local out
    out=$(timeout 120 python3 "$SQL_SCRIPT" "$DATA_DIR/demo.db" "$CYCLE_ID" "$SQL_QUERIES" "$PLANS") ||
        die "the raw SQL reference failed ($1)"
    local d=($out)
    log "$(printf '%-30s %-7s %7.0f q/s    p50 %7s  p95 %7s  p99 %7s ms  | %s us CPU/query' "raw SQL (sqlite3)" "$1" "${d[0]}" \
        "$(us_to_ms "${d[1]}")" "$(us_to_ms "${d[2]}")" "$(us_to_ms "${d[3]}")" "${d[4]}")"
    [[ $1 == warmup ]] || echo "$out" >>"$WORK/sql.runs"
}

# ---- measure ----------------------------------------------------------------------------------------------------
set_level() { # set_level CONNECTIONS: wrk's -c, and -t no larger than -c (at most 2 threads: one per core)
    CONNECTIONS=$1
    THREADS=$((CONNECTIONS < 2 ? CONNECTIONS : 2))
}

LOAD_BEFORE=$(uptime)
log "load before: $LOAD_BEFORE"
set_level "$(awk '{ print $NF }' <<<"$LEVELS")"
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name path auth role <<<"$e"
    run_wrk "$key" "$name" "$path" "$auth" "$WARMUP" warmup
done
run_sql warmup
# Rounds, not one endpoint after the other: a burst of background load then lands on every endpoint alike.
for r in $(seq 1 "$RUNS"); do
    for c in $LEVELS; do
        set_level "$c"
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            run_wrk "$key.c$c" "$name" "$path" "$auth" "$DURATION" "run$r"
        done
    done
    run_sql "run$r"
done
LOAD_AFTER=$(uptime)
log "load after: $LOAD_AFTER"

# ---- report -----------------------------------------------------------------------------------------------------
ms() { us_to_ms "$1" | awk '{ printf "%.1f", $1 }'; }
sql_p50=$(median "$WORK/sql.runs" 2)
{
    echo "- Date: $(date -u)"
    echo "- Machine: $CORES cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB memory (\`free -g\`), $(uname -sr); $($WRK -v 2>&1 | head -1 | cut -d' ' -f1-2); SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)') (python3)"
    echo "- Command: \`bench/board.sh\` (\`terrain demo --reps $REPS\`, signed in as $EMAIL; wrk at $(sed 's/ / and /g' <<<"$LEVELS") connection(s), a ${WARMUP} s warm-up per endpoint, then $RUNS rounds of ${DURATION} s per endpoint and concurrency; raw SQL: $SQL_QUERIES queries per round; medians)"
    echo "- Revision: $BENCH_REV"
    echo "- Demo: $(grep -o 'Seeded the demo organisation grown to .*' "$RESULTS/server.log" | head -1 || echo "the standard demo")"
    echo "- Board: cycle $CYCLE_NAME, $PLANS plans; page $(awk -v b="${BYTES[board]:-0}" 'BEGIN { printf "%.0f", b / 1024 }') KiB of HTML, API $(awk -v b="${BYTES[board-api]:-0}" 'BEGIN { printf "%.0f", b / 1024 }') KiB of JSON (uncompressed)"
    echo "- Load average before: ${LOAD_BEFORE##*load average: }; after: ${LOAD_AFTER##*load average: }"
    echo
    echo "| Request | Auth | Connections | p50 ms | p95 ms | p99 ms | req/s | Errors | p50 vs raw SQL | Server CPU/request | Target: p95 <= $TARGET_P95_MS ms at $TARGET_CONNECTIONS connection |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    for c in $LEVELS; do
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            f="$WORK/$key.c$c.runs"
            errors=$(awk '{ s += $5 } END { print s + 0 }' "$f")
            p95=$(median "$f" 3)
            verdict="(reference)"
            if [[ $role == target* ]]; then
                verdict=$(awk -v p="$p95" -v t="$TARGET_P95_MS" -v err="$errors" -v target="$((c == TARGET_CONNECTIONS))" 'BEGIN {
                    if (err > 0) print "INVALID (errors)"
                    else if (target) print (p / 1000 <= t ? "met" : "**missed**")
                    else print (p / 1000 <= t ? "(headroom) within" : "(headroom) over") }')
            fi
            printf '| `%s` | %s | %s | %s | %s | %s | %.0f | %d | %.1f | %.0f us | %s |\n' "$name" "$auth" "$c" \
                "$(ms "$(median "$f" 2)")" "$(ms "$p95")" "$(ms "$(median "$f" 4)")" "$(median "$f" 1)" "$errors" \
                "$(awk -v a="$(median "$f" 2)" -v b="$sql_p50" 'BEGIN { print a / b }')" "$(median "$f" 6)" "$verdict"
        done
    done
    printf '| raw SQL: the board'"'"'s %s rows, same file | (sqlite3) | 1 | %s | %s | %s | %.0f | 0 | 1.0 | %.0f us (client) | (reference) |\n' \
        "$PLANS" "$(ms "$sql_p50")" "$(ms "$(median "$WORK/sql.runs" 3)")" "$(ms "$(median "$WORK/sql.runs" 4)")" \
        "$(median "$WORK/sql.runs" 1)" "$(median "$WORK/sql.runs" 5)"
    echo
    echo "Each round (round 1 / 2 / ...); cores used during the round by the server, by wrk, and by everything else on the machine:"
    echo
    echo "| Request | Connections | p95 ms | req/s | Server CPU/request, us | Server cores | wrk cores | Other load, cores |"
    echo "|---|---:|---|---|---|---|---|---|"
    for c in $LEVELS; do
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            f="$WORK/$key.c$c.runs"
            echo "| \`$name\` | $c | $(per_run "$f" 3 0.001 %.1f) | $(per_run "$f" 1 1 %.0f) | $(per_run "$f" 6 1 %.0f) | $(per_run "$f" 7 1 %.2f) | $(per_run "$f" 8 1 %.2f) | $(per_run "$f" 9 1 %.2f) |"
        done
    done
    echo "| raw SQL | 1 | $(per_run "$WORK/sql.runs" 3 0.001 %.1f) | $(per_run "$WORK/sql.runs" 1 1 %.0f) | $(per_run "$WORK/sql.runs" 5 1 %.0f) (client) | | | |"
} | tee "$RESULTS/report.md"

log "report, raw wrk output and server log: $RESULTS"
if [[ $INVALID == 1 ]]; then
    log "INVALID RUN: some responses were not 2xx or the connection failed; do not use these numbers"
    exit 1
fi
