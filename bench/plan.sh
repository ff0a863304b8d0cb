#!/usr/bin/env bash
# A rep opening a big plan (docs/benchmarks.md, "Opening a plan with 300 accounts and 100 actions"). One command, from
# anywhere:
#
#   bench/plan.sh > /tmp/plan.md        # progress on stderr, markdown report on stdout
#
# Builds src/Terrain in Release, starts `terrain demo` on 127.0.0.1 with a throwaway data directory, signs in as
# rep1 (cookie for the page, bearer token for the API), then fills rep1's plan through the public API only
# (bench/plan-fill.py, called by bench_plan_setup in lib.sh): the admin imports CSV accounts owned by rep1 until rep1
# owns exactly 300; rep1's plan, approved in the demo, is amended so that rep1 can edit it; rep1 saves every section
# with If-Match: all 300 accounts tiered A to D with a why and a next move, 100 actions due inside the cycle's period
# and linked to goals and accounts, 8 goals, and text in every other section. GET /api/v1/plans/{id} must then show
# 300 rows and 100 actions, and manager1 (rep1's manager) must be able to review it. Then it checks each URL answers
# 200 and measures latency at one connection (one person opening their plan: wrk -t1 -c1, one request after another):
# a warm-up per endpoint, then BENCH_RUNS interleaved rounds, medians of p50/p95/p99, req/s and server CPU per request.
# Target: p95 <= 50 ms at 1 connection, server time. Two measures of it: wrk's latency (the verdict, as in board.sh)
# and the server's own duration of each request, from its "Request finished ... 12.3ms" log lines (ASP.NET Core's
# hosting diagnostics, switched on for this run; BENCH_SERVER_TIME=0 leaves them off). On a busy machine the second
# leaves out the time wrk itself waits for a core. References in the same rounds: GET /health, and the reads of
# PlanDocuments.LoadAsync (plan, cycle, owner's manager, template, saved sections, the rep's accounts, quotas) as raw
# SQL on the server's own SQLite file (python3's sqlite3 module, one read after another).
# Exits 1 if any response was not 2xx (the run is then invalid).
#
# Knobs (environment): BENCH_LEVELS="1" (connections, e.g. "1 4") BENCH_DURATION=15 BENCH_WARMUP=20 BENCH_RUNS=3
#                      BENCH_SQL_QUERIES=300 BENCH_ENDPOINTS="health plan plan-api plan-manager"
#                      BENCH_EMAIL=rep1@demo.terrain BENCH_MANAGER_EMAIL=manager1@demo.terrain
#                      BENCH_PLAN_ACCOUNTS=300 BENCH_PLAN_ACTIONS=100 BENCH_SERVER_TIME=1, and those of bench/lib.sh
#                      (BENCH_SKIP_BUILD, BENCH_DLL, ...)
set -euo pipefail

BENCH_NAME=plan
DEFAULT_ENDPOINTS="health plan plan-api plan-manager"
DEFAULT_EMAIL=rep1@demo.terrain
LEVELS=${BENCH_LEVELS:-1}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-20}
RUNS=${BENCH_RUNS:-3}
SQL_QUERIES=${BENCH_SQL_QUERIES:-300}
SERVER_TIME=${BENCH_SERVER_TIME:-1}
TARGET_P95_MS=50
TARGET_CONNECTIONS=1 # the target: one person opening their plan; other levels show the headroom
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for n in DURATION WARMUP RUNS SQL_QUERIES; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "BENCH_$n must be a positive integer (got '${!n}')"
done
for c in $LEVELS; do [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_LEVELS must list positive integers (got '$LEVELS')"; done
command -v python3 >/dev/null || die "python3 not found (apt-get install python3): it fills the plan and times the raw SQL reference"

[[ $SERVER_TIME == 0 || $SERVER_TIME == 1 ]] || die "BENCH_SERVER_TIME must be 0 or 1 (got '$SERVER_TIME')"
SERVER_ENV=()
# Two log lines per request ("Request starting", "Request finished"): a little server CPU, alike for every endpoint.
[[ $SERVER_TIME == 1 ]] && SERVER_ENV=('Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information')

bench_build
bench_start_server $((600 + ${#ENDPOINTS[@]} * (WARMUP + 30 + $(wc -w <<<"$LEVELS") * RUNS * (DURATION + 30)) + RUNS * 120)) \
    ${SERVER_ENV[@]+"${SERVER_ENV[@]}"}
bench_sign_in
bench_plan_setup      # PLAN_ID, PLAN_INFO; signs the manager in when an endpoint needs it
bench_check_endpoints # replaces {plan} in the paths, checks every URL answers 200

# The plan as served: bytes of each response.
declare -A BYTES
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name path auth role <<<"$e"
    header_args "$auth"
    BYTES[$key]=$(curl -s --max-time 30 ${HDR[@]+"${HDR[@]}"} -o /dev/null -w '%{size_download}' "$BASE$path")
done
info() { sed -n "s/.*\"$1\": \\([^,}]*\\).*/\\1/p" <<<"$PLAN_INFO" | tr -d '"'; }
ROWS=$(info rows)
ACTIONS=$(info actions)

# ---- the raw SQL reference --------------------------------------------------------------------------------------
# The reads of PlanDocuments.LoadAsync for this plan, from the server's own database file while it runs: the plan row
# (with its cycle's name and owner, as the rep sees it), the cycle, the owner's manager, the cycle's template, the
# plan's saved sections (JSON text, read but not parsed), the rep's accounts by name, the rep's quotas. SQLite stores
# these GUIDs as upper-case text. Appends "rps p50_us p95_us p99_us cpu_us_per_query" to sql.runs; one "query" is
# the seven reads.
SQL_SCRIPT=$WORK/plan-sql.py
cat >"$SQL_SCRIPT" <<'PY'
import math, sqlite3, sys, time

path, plan, queries, accounts = sys.argv[1], sys.argv[2].upper(), int(sys.argv[3]), int(sys.argv[4])
con = sqlite3.connect(path, timeout=10)

def load():
    p = con.execute("""
        SELECT p.Id, p.CycleId, c.Name, p.OwnerId, u.DisplayName, u.Email, p.Status, p.WorkingVersion, p.ApprovedVersion,
               p.FirstSubmittedAt, p.LastSubmittedAt, p.ApprovedAt, p.ConcurrencyToken
        FROM Plans AS p JOIN Cycles AS c ON c.Id = p.CycleId JOIN AspNetUsers AS u ON u.Id = p.OwnerId
        WHERE p.Id = ? ORDER BY u.DisplayName LIMIT 1""", (plan,)).fetchone()
    cycle, owner = p[1], p[3]
    c = con.execute("SELECT * FROM Cycles WHERE Id = ?", (cycle,)).fetchone()
    m = con.execute("SELECT ManagerId FROM AspNetUsers WHERE Id = ?", (owner,)).fetchone()
    t = con.execute('SELECT * FROM TemplateSections WHERE CycleId = ? ORDER BY "Order"', (cycle,)).fetchall()
    s = con.execute("SELECT * FROM PlanSections WHERE PlanId = ?", (plan,)).fetchall()
    a = con.execute("SELECT Id, Name, Industry, Segment, Region, AnnualPotential FROM Accounts WHERE OwnerId = ? ORDER BY Name",
                    (owner,)).fetchall()
    q = con.execute("SELECT Quarter, Amount FROM Quotas WHERE CycleId = ? AND RepId = ?", (cycle, owner)).fetchall()
    return c, m, t, s, a, q

for _ in range(20):
    c, m, t, s, a, q = load()
if len(a) != accounts or not t or not s:
    sys.exit(f"the raw reads found {len(a)} accounts, {len(t)} template sections, {len(s)} saved sections; expected {accounts} accounts")
times = []
cpu0 = time.process_time()
for _ in range(queries):
    t0 = time.perf_counter()
    load()
    times.append(time.perf_counter() - t0)
cpu = time.process_time() - cpu0
times.sort()
rank = lambda p: times[max(0, math.ceil(p / 100 * len(times)) - 1)] * 1e6  # nearest rank, in microseconds
print(f"{queries / sum(times):.1f} {rank(50):.0f} {rank(95):.0f} {rank(99):.0f} {cpu / queries * 1e6:.0f}")
PY
SECTION_BYTES=$(python3 -c 'import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=10)
print(con.execute("SELECT COALESCE(SUM(LENGTH(Content)), 0) FROM PlanSections WHERE PlanId = ?", (sys.argv[2].upper(),)).fetchone()[0])' \
    "$DATA_DIR/demo.db" "$PLAN_ID") || die "cannot read the plan's sections from $DATA_DIR/demo.db"
run_sql() { # run_sql LABEL
    local out
    out=$(timeout 120 python3 "$SQL_SCRIPT" "$DATA_DIR/demo.db" "$PLAN_ID" "$SQL_QUERIES" "$(info accounts)") ||
        die "the raw SQL reference failed ($1)"
    local d=($out)
    log "$(printf '%-30s %-7s %7.0f q/s    p50 %7s  p95 %7s  p99 %7s ms  | %s us CPU/query' "raw SQL (sqlite3)" "$1" "${d[0]}" \
        "$(us_to_ms "${d[1]}")" "$(us_to_ms "${d[2]}")" "$(us_to_ms "${d[3]}")" "${d[4]}")"
    [[ $1 == warmup ]] || echo "$out" >>"$WORK/sql.runs"
}
log "plan $PLAN_ID: $ROWS segmentation rows, $ACTIONS actions, $SECTION_BYTES bytes of section JSON in the database"

# ---- measure ----------------------------------------------------------------------------------------------------
# measure KEY NAME PATH AUTH SECONDS LABEL: run_wrk, then (unless a warm-up) the server's own durations of the run's
# requests from its log, as "p50_ms p95_ms p99_ms requests" appended to $WORK/KEY.srv.
measure() {
    local before after
    before=$(wc -l <"$RESULTS/server.log")
    run_wrk "$@"
    [[ $SERVER_TIME == 1 && $6 != warmup ]] || return 0
    sleep 1 # the console logger writes from a queue
    after=$(wc -l <"$RESULTS/server.log")
    # "      Request finished HTTP/1.1 GET http://127.0.0.1:PORT/PATH - 200 - text/html;+charset=utf-8 12.3456ms"
    sed -n "$((before + 1)),${after}p" "$RESULTS/server.log" |
        awk -v path="$BASE$3 - 200 " 'index($0, "Request finished HTTP/1.1 GET " path) { v = $NF; sub(/ms$/, "", v); print v }' |
        sort -g | awk -v f="$WORK/$1.srv" -v name="$2" '{ v[NR] = $1 } END {
            if (NR == 0) { print "no Request finished lines in the server log for " name > "/dev/stderr"; exit 1 }
            r50 = int(NR * 0.50); if (r50 < NR * 0.50) r50++; r95 = int(NR * 0.95); if (r95 < NR * 0.95) r95++
            r99 = int(NR * 0.99); if (r99 < NR * 0.99) r99++
            printf "%s %s %s %d\n", v[r50], v[r95], v[r99], NR >> f }' || die "cannot read the server's request durations"
    local s
    s=$(tail -1 "$WORK/$1.srv")
    log "$(printf '%-30s %-7s server log: %s requests, p50 %s  p95 %s  p99 %s ms' "$2" "$6" $(awk '{ print $4, $1, $2, $3 }' <<<"$s"))"
}

set_level() { # set_level CONNECTIONS: wrk's -c, and -t no larger than -c (at most 2 threads: one per core)
    CONNECTIONS=$1
    THREADS=$((CONNECTIONS < 2 ? CONNECTIONS : 2))
}

LOAD_BEFORE=$(uptime)
log "load before: $LOAD_BEFORE"
set_level "$(awk '{ print $NF }' <<<"$LEVELS")"
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name path auth role <<<"$e"
    measure "$key" "$name" "$path" "$auth" "$WARMUP" warmup
done
run_sql warmup
# Rounds, not one endpoint after the other: a burst of background load then lands on every endpoint alike.
for r in $(seq 1 "$RUNS"); do
    for c in $LEVELS; do
        set_level "$c"
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            measure "$key.c$c" "$name" "$path" "$auth" "$DURATION" "run$r"
        done
    done
    run_sql "run$r"
done
LOAD_AFTER=$(uptime)
log "load after: $LOAD_AFTER"

# ---- report -----------------------------------------------------------------------------------------------------
ms() { us_to_ms "$1" | awk '{ printf "%.1f", $1 }'; }
kib() { awk -v b="${1:-0}" 'BEGIN { printf "%.0f", b / 1024 }'; }
sql_p50=$(median "$WORK/sql.runs" 2)
{
    echo "- Date: $(date -u)"
    echo "- Machine: $CORES cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB memory (\`free -g\`), $(uname -sr); $($WRK -v 2>&1 | head -1 | cut -d' ' -f1-2); SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)') (python3)"
    echo "- Command: \`bench/plan.sh\` (\`terrain demo\`${REPS:+ --reps $REPS}; the plan of $EMAIL filled through the API; wrk at $(sed 's/ / and /g' <<<"$LEVELS") connection(s), a ${WARMUP} s warm-up per endpoint, then $RUNS rounds of ${DURATION} s per endpoint and concurrency; raw SQL: $SQL_QUERIES loads per round; medians)"
    echo "- Revision: $BENCH_REV"
    echo "- Plan: $PLAN_INFO"
    echo "- Sizes: $(kib "$SECTION_BYTES") KiB of section JSON in the database; page $(kib "${BYTES[plan]:-}") KiB of HTML (rep)$([[ -n ${BYTES[plan-manager]:-} ]] && echo ", $(kib "${BYTES[plan-manager]}") KiB (manager)"), API $(kib "${BYTES[plan-api]:-}") KiB of JSON (uncompressed)"
    echo "- Load average before: ${LOAD_BEFORE##*load average: }; after: ${LOAD_AFTER##*load average: }"
    echo
    echo "wrk's latency (p50, p95, p99) and the server's own request durations from its log (server p50, p95, p99); the verdict is on wrk's p95."
    echo
    echo "| Request | Auth | Connections | p50 ms | p95 ms | p99 ms | server p50 ms | server p95 ms | server p99 ms | req/s | Errors | p50 vs raw SQL | Server CPU/request | Target: p95 <= $TARGET_P95_MS ms at $TARGET_CONNECTIONS connection |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
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
            srv=("–" "–" "–")
            if [[ -s $WORK/$key.c$c.srv ]]; then
                srv=("$(median "$WORK/$key.c$c.srv" 1)" "$(median "$WORK/$key.c$c.srv" 2)" "$(median "$WORK/$key.c$c.srv" 3)")
                srv=($(printf '%.1f %.1f %.1f' "${srv[@]}"))
            fi
            printf '| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %d | %.1f | %.0f us | %s |\n' "$name" "$auth" "$c" \
                "$(ms "$(median "$f" 2)")" "$(ms "$p95")" "$(ms "$(median "$f" 4)")" "${srv[@]}" "$(median "$f" 1)" "$errors" \
                "$(awk -v a="$(median "$f" 2)" -v b="$sql_p50" 'BEGIN { print a / b }')" "$(median "$f" 6)" "$verdict"
        done
    done
    printf '| raw SQL: the 7 reads of LoadAsync (%s accounts), same file | (sqlite3) | 1 | %s | %s | %s | | | | %.0f | 0 | 1.0 | %.0f us (client) | (reference) |\n' \
        "$(info accounts)" "$(ms "$sql_p50")" "$(ms "$(median "$WORK/sql.runs" 3)")" "$(ms "$(median "$WORK/sql.runs" 4)")" \
        "$(median "$WORK/sql.runs" 1)" "$(median "$WORK/sql.runs" 5)"
    echo
    echo "Each round (round 1 / 2 / ...); cores used during the round by the server, by wrk, and by everything else on the machine:"
    echo
    echo "| Request | Connections | p95 ms | server p95 ms | req/s | Server CPU/request, us | Server cores | wrk cores | Other load, cores |"
    echo "|---|---:|---|---|---|---|---|---|---|"
    for c in $LEVELS; do
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            f="$WORK/$key.c$c.runs"
            sp="–"
            [[ -s $WORK/$key.c$c.srv ]] && sp=$(per_run "$WORK/$key.c$c.srv" 2 1 %.1f)
            echo "| \`$name\` | $c | $(per_run "$f" 3 0.001 %.1f) | $sp | $(per_run "$f" 1 1 %.0f) | $(per_run "$f" 6 1 %.0f) | $(per_run "$f" 7 1 %.2f) | $(per_run "$f" 8 1 %.2f) | $(per_run "$f" 9 1 %.2f) |"
        done
    done
    echo "| raw SQL | 1 | $(per_run "$WORK/sql.runs" 3 0.001 %.1f) | | $(per_run "$WORK/sql.runs" 1 1 %.0f) | $(per_run "$WORK/sql.runs" 5 1 %.0f) (client) | | | |"
} | tee "$RESULTS/report.md"

log "report, raw wrk output and server log: $RESULTS"
if [[ $INVALID == 1 ]]; then
    log "INVALID RUN: some responses were not 2xx or the connection failed; do not use these numbers"
    exit 1
fi
