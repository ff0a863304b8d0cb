#!/usr/bin/env bash
# Review oversight at scale (issue 11, "Scale"): the benchmark organisation (2,000 reps in teams of eight under 250
# managers) with a year of bi-weekly reviews (about 50,000), their variance reasons, forecast calls and corrective
# actions, and won deals to measure the calls against, on SQLite and on PostgreSQL. One command, from anywhere:
#
#   bench/reviews.sh > /tmp/reviews.md      # progress on stderr, markdown report on stdout
#
# Builds src/Terrain in Release, then for each database: a fresh database (SQLite in a throwaway directory; PostgreSQL
# database `terrain_bench_reviews` on 127.0.0.1:55432, user postgres, dropped and created), `terrain migrate`, the
# organisation as bench/accounts.sh makes it, then a cycle over this calendar year, a plan per rep and the reviews,
# actions and deals written by bench/reviews-data.py straight into the tables (SQLite) or through COPY (PostgreSQL),
# then `terrain serve`. Target: the leader's oversight view and a manager's team view answer in 200 ms or less, p95
# server time, and one review page (rep1's open one and their last completed one) in 50 ms or less; measured as one person after another (wrk -t1 -c1): a warm-up per endpoint, then BENCH_RUNS interleaved
# rounds; medians. GET /health is the floor in the same rounds. Exit 1 if any response was not 2xx.
#
# Knobs (environment): BENCH_DATABASES="sqlite postgres" BENCH_REPS=2000 BENCH_THREADS=1 BENCH_CONNECTIONS=1
#                      BENCH_DURATION=10 BENCH_WARMUP=5 BENCH_RUNS=3 BENCH_PG_PORT=55432
#                      BENCH_SKIP_BUILD, BENCH_DLL, BENCH_PORT, BENCH_RESULTS (see bench/lib.sh)
set -euo pipefail

BENCH_NAME=reviews
THREADS=${BENCH_THREADS:-1}
CONNECTIONS=${BENCH_CONNECTIONS:-1}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-5}
RUNS=${BENCH_RUNS:-3}
BENCH_REPS_COUNT=${BENCH_REPS:-2000}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
PG_PORT=${BENCH_PG_PORT:-55432}
PG_BASE="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
PG_DB=terrain_bench_reviews
PG_CREATED=0
TARGET_P95_MS=200
# lib.sh must not start a scaled demo: this script starts `terrain serve` on its own database.
unset BENCH_REPS BENCH_ENDPOINTS
DEFAULT_ENDPOINTS="health"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Also drop the PostgreSQL database this script created, however it ends.
trap 'status=$?; if [[ $PG_CREATED == 1 ]]; then drop_pg || true; fi; (exit $status); bench_cleanup' EXIT

for n in THREADS CONNECTIONS DURATION WARMUP RUNS BENCH_REPS_COUNT; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer (got '${!n}')"
done
command -v python3 >/dev/null || die "python3 not found"
[[ $DATABASES != *postgres* ]] || command -v psql >/dev/null || die "psql not found (PostgreSQL client)"

DOMAIN=bench.terrain
LEADER=leader@$DOMAIN
MANAGER=manager1@$DOMAIN
REP=rep1@$DOMAIN

# key | name | path | auth | role. Auth: <who>-<bearer|cookie>, who = leader or manager.
ENDPOINTS=(
    "health|GET /health|/health|none-none|floor: anonymous, one database check"
    "page-leader|GET /Reviews/Oversight (leader, organisation)|/Reviews/Oversight|leader-cookie|target"
    "api-leader|GET /api/v1/reviews/oversight (leader, organisation)|/api/v1/reviews/oversight|leader-bearer|target"
    "page-manager|GET /Reviews/Oversight (manager1, their team)|/Reviews/Oversight|manager-cookie|target"
    "api-manager|GET /api/v1/reviews/oversight (manager1, their team)|/api/v1/reviews/oversight|manager-bearer|target"
    "review-open|GET /Reviews/{id} (manager1, rep1's review open now: figures prepared)|/Reviews/{open}|manager-cookie|target:50"
    "review-done|GET /Reviews/{id} (manager1, rep1's last completed review: figures frozen)|/Reviews/{done}|manager-cookie|target:50"
)

# The review pages' ids, found once the data is written (rep1's review open now and their last completed one).
REVIEW_OPEN="" REVIEW_DONE=""
expand() { local p=${1//\{open\}/$REVIEW_OPEN}; echo "${p//\{done\}/$REVIEW_DONE}"; }

# Cookies and tokens per person (lib.sh's header_args knows one person; this one knows two).
declare -A COOKIES TOKENS
header_args() {
    local who=${1%-*} kind=${1##*-}
    case $kind in
        cookie) HDR=(-H "Cookie: ${COOKIES[$who]:?not signed in}") ;;
        bearer) HDR=(-H "Authorization: Bearer ${TOKENS[$who]:?not signed in}") ;;
        none) HDR=() ;;
        *) die "unknown auth '$1'" ;;
    esac
}

terrain() { timeout 900 dotnet "$DLL" "$@" "${DB_ARGS[@]}"; }

stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

psql_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
drop_pg() { psql_admin "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"; }

# ---- data -----------------------------------------------------------------------------------------------------
bench_build
log "writing the organisation: $BENCH_REPS_COUNT reps (bench/accounts-data.py)"
python3 bench/accounts-data.py users "$WORK/users.csv" "$BENCH_REPS_COUNT"

# setup_database DB: a fresh database holding the organisation and a year of reviews. Sets DB_ARGS.
setup_database() {
    local db=$1 started pg=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -q -v ON_ERROR_STOP=1)
    DATA_DIR=$(mktemp -d -t terrain-bench-data.XXXXXX)
    case $db in
        sqlite) DB_ARGS=("--Terrain:DatabaseProvider=Sqlite" "--Terrain:DataDirectory=$DATA_DIR") ;;
        postgres)
            drop_pg
            psql_admin "CREATE DATABASE $PG_DB"
            PG_CREATED=1
            DB_ARGS=("--Terrain:DatabaseProvider=Postgres" "--ConnectionStrings:Terrain=$PG_BASE;Database=$PG_DB;Maximum Pool Size=40"
                "--Terrain:DataDirectory=$DATA_DIR")
            ;;
        *) die "unknown database '$db' (sqlite or postgres)" ;;
    esac
    started=$(date +%s)
    terrain migrate >"$RESULTS/$db-setup.log" 2>&1 || die "terrain migrate failed on $db; see $RESULTS/$db-setup.log"
    export TERRAIN_PASSWORD=$PASSWORD
    terrain users add --email "$LEADER" --name "Bench Leader" --role Leader >>"$RESULTS/$db-setup.log" 2>&1 || die "users add $LEADER"
    terrain users add --email "$MANAGER" --name "Manager 1" --role Manager --manager "$LEADER" >>"$RESULTS/$db-setup.log" 2>&1 || die "users add $MANAGER"
    terrain users add --email "$REP" --name "Rep 00001" --role Rep --manager "$MANAGER" >>"$RESULTS/$db-setup.log" 2>&1 || die "users add $REP"
    terrain import users "$WORK/users.csv" >>"$RESULTS/$db-setup.log" 2>&1 || die "import users failed on $db; see $RESULTS/$db-setup.log"
    log "$db: writing the cycle, plans, reviews, corrective actions and won deals (bench/reviews-data.py)"
    if [[ $db == sqlite ]]; then
        # No ANALYZE: Terrain never runs it, so the planner works without statistics, as in production.
        python3 bench/reviews-data.py sqlite "$DATA_DIR/terrain.db" 2>>"$RESULTS/$db-setup.log" || die "writing the reviews failed"
    else
        local table
        "${pg[@]}" -At -F, -c 'SELECT "Id", "Email", "ManagerId", "Role" FROM "AspNetUsers"' >"$WORK/users-ids.csv"
        python3 bench/reviews-data.py csv "$WORK/users-ids.csv" "$WORK" 2>>"$RESULTS/$db-setup.log" || die "writing the reviews failed"
        for table in Cycles Plans Reviews ReviewReasons CorrectiveActions Opportunities; do
            "${pg[@]}" -c "\\copy \"$table\"($(head -1 "$WORK/$table.csv")) FROM '$WORK/$table.csv' WITH (FORMAT csv, HEADER true, NULL '\\N')" ||
                die "COPY into $table failed"
        done
        # What autovacuum does within a minute of a bulk load; done now so that the rounds do not race it.
        "${pg[@]}" -c 'VACUUM ANALYZE "Plans", "Reviews", "ReviewReasons", "CorrectiveActions", "Opportunities"' || die "VACUUM ANALYZE failed"
    fi
    local q_open q_done
    q_open="SELECT r.\"Id\" FROM \"Reviews\" r JOIN \"AspNetUsers\" u ON u.\"Id\" = r.\"RepId\" WHERE u.\"Email\" = '$REP' AND r.\"CompletedOn\" IS NULL AND r.\"WindowStart\" <= '$(date +%F)' ORDER BY r.\"WindowStart\" DESC LIMIT 1"
    q_done="SELECT r.\"Id\" FROM \"Reviews\" r JOIN \"AspNetUsers\" u ON u.\"Id\" = r.\"RepId\" WHERE u.\"Email\" = '$REP' AND r.\"CompletedOn\" IS NOT NULL ORDER BY r.\"WindowStart\" DESC LIMIT 1"
    if [[ $db == sqlite ]]; then
        REVIEW_OPEN=$(python3 -c 'import sqlite3, sys; print((sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone() or [""])[0])' "$DATA_DIR/terrain.db" "$q_open")
        REVIEW_DONE=$(python3 -c 'import sqlite3, sys; print((sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone() or [""])[0])' "$DATA_DIR/terrain.db" "$q_done")
    else
        REVIEW_OPEN=$("${pg[@]}" -At -c "$q_open")
        REVIEW_DONE=$("${pg[@]}" -At -c "$q_done")
    fi
    [[ -n $REVIEW_OPEN && -n $REVIEW_DONE ]] || die "no open or completed review of $REP"
    cat "$RESULTS/$db-setup.log" | grep -E '^[A-Za-z]+: [0-9]+ rows' | tr '\n' ' ' >"$WORK/counts.txt" || true
    log "$db: database ready in $(($(date +%s) - started)) s"
}

start_server() {
    local budget=$1 db=$2
    [[ -n $PORT ]] || PORT=$(free_port) || die "no free port found"
    BASE="http://$HOST:$PORT"
    log "$db: starting terrain serve on $BASE"
    timeout --kill-after=10 "$budget" dotnet "$DLL" serve --urls "$BASE" "${DB_ARGS[@]}" "--Terrain:MigrateOnStartup=false" \
        >"$RESULTS/$db-server.log" 2>&1 &
    SERVER_PID=$!
    local ready=0
    for _ in $(seq 1 240); do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$RESULTS/$db-server.log" >&2; die "the server exited during start"; }
        if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/health" || true) == 200 ]]; then
            ready=1
            break
        fi
        sleep 0.5
    done
    [[ $ready == 1 ]] || die "GET /health did not answer 200 within 120 s"
    DOTNET_PID=$(pgrep -P "$SERVER_PID" | head -1) || die "cannot find the server process"
}

check_endpoints() {
    local e key name path auth role status body total
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        path=$(expand "$path")
        header_args "$auth"
        status=$(curl -s --max-time 300 -o "$WORK/check.body" -w '%{http_code}' "${HDR[@]}" "$BASE$path")
        [[ $status == 200 ]] || die "$name answered $status with $auth auth, expected 200"
        if grep -q 'name="Input.Password"' "$WORK/check.body"; then die "$name served the sign-in form"; fi
        log "check: $name -> 200, $(wc -c <"$WORK/check.body") bytes"
    done
}

# claims_import DB: checking every open claim after an import adds at most 10% to the import's time (issue 11,
# "Scale"). With the server stopped, imports one won deal per rep closed today (BENCH_REPS_COUNT rows, new external ids)
# with `terrain import opportunities`; the import's time is its job's start to finish (which includes the check, run
# before the job shows as done); the check's own time is ImportWorker's log line. Appends a row to $WORK/claims.md.
claims_import() {
    local db=$1 csv="$WORK/claims-deals.csv" out="$RESULTS/$db-claims-import.log" pending check_ms job_ms
    python3 - "$WORK/users.csv" "$REP" "$csv" <<'PY'
import csv, datetime, sys
reps = [r["email"] for r in csv.DictReader(open(sys.argv[1])) if r["role"] == "Rep"] + [sys.argv[2]]
today = datetime.date.today()
with open(sys.argv[3], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["externalId", "name", "owner", "stage", "forecastCategory", "amount", "currency", "probability", "closeDate", "createdDate"])
    for n, email in enumerate(sorted(reps), 1):
        w.writerow([f"CLM-{n:05d}", f"Claims bench deal {n}", email, "Closed Won", "Closed", f"{3000 + n % 97 * 100}.00", "USD", 100,
                    today.isoformat(), (today - datetime.timedelta(days=20)).isoformat()])
PY
    pending=$(db_scalar "$db" "SELECT COUNT(*) FROM \"CorrectiveActions\" WHERE \"ClaimOutcome\" = 'Pending' AND \"Status\" <> 'Dropped'")
    log "$db: importing $(($(wc -l <"$csv") - 1)) won deals with $pending open claims to check"
    terrain import opportunities "$csv" --partial "--Logging:LogLevel:Terrain.Features.Imports.ImportWorker=Information" >"$out" 2>&1 ||
        die "the claims import failed on $db; see $out"
    check_ms=$(sed -n 's/.*Checked the open claims of corrective actions after the import in \([0-9]*\) ms.*/\1/p' "$out" | tail -1)
    [[ -n $check_ms ]] || die "no claim-check line in $out"
    if [[ $db == sqlite ]]; then # instants are DateTimeOffsetToBinaryConverter values: (ticks / 1000) << 11, ticks of 100 ns
        job_ms=$(db_scalar "$db" "SELECT ((\"FinishedAt\" >> 11) - (\"StartedAt\" >> 11)) / 10 FROM \"ImportJobs\" ORDER BY \"CreatedAt\" DESC LIMIT 1")
    else
        job_ms=$(db_scalar "$db" "SELECT round(extract(epoch FROM \"FinishedAt\" - \"StartedAt\") * 1000) FROM \"ImportJobs\" ORDER BY \"CreatedAt\" DESC LIMIT 1")
    fi
    awk -v db="$db" -v rows="$(($(wc -l <"$csv") - 1))" -v pending="$pending" -v job="$job_ms" -v check="$check_ms" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
        without = job - check; ratio = without > 0 ? check / without : 0
        printf "| %s | %d | %d | %d ms | %d ms | %d ms | %.1f%% | %s | %s |\n", db, rows, pending, job, without, check, ratio * 100, load,
            (ratio <= 0.10 ? "met" : "**missed**") }' >>"$WORK/claims.md"
}

db_scalar() { # db_scalar DB SQL
    if [[ $1 == sqlite ]]; then
        python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$DATA_DIR/terrain.db" "$2"
    else
        psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -At -c "$2"
    fi
}

# ---- measure each database --------------------------------------------------------------------------------------
REPORT="$WORK/report.md"
: >"$REPORT"
: >"$WORK/claims.md"
for db in $DATABASES; do
    setup_database "$db"
    start_server $((600 + ${#ENDPOINTS[@]} * (WARMUP + 30 + RUNS * (DURATION + 30)))) "$db"
    for who in leader manager; do
        case $who in leader) email=$LEADER ;; manager) email=$MANAGER ;; esac
        bench_sign_in "$email"
        COOKIES[$who]=$COOKIE
        TOKENS[$who]=$TOKEN
    done
    check_endpoints
    rm -f "$WORK"/*.runs
    LOAD_BEFORE=$(uptime)
    log "$db: load before: $LOAD_BEFORE"
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        run_wrk "$key" "$name" "$(expand "$path")" "$auth" "$WARMUP" warmup
    done
    for r in $(seq 1 "$RUNS"); do
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            run_wrk "$key" "$name" "$(expand "$path")" "$auth" "$DURATION" "run$r"
        done
    done
    LOAD_AFTER=$(uptime)
    log "$db: load after: $LOAD_AFTER"
    {
        echo "### $db"
        echo
        echo "- Data: $(cat "$WORK/counts.txt")"
        echo "- Load average before: ${LOAD_BEFORE##*load average: }; after: ${LOAD_AFTER##*load average: }"
        echo
        echo "| Endpoint | req/s | p50 ms | p95 ms | p99 ms | Errors | Server CPU/request | Other load, cores | Target: p95 <= $TARGET_P95_MS ms (review pages 50 ms) |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            f="$WORK/$key.runs"
            rps=$(median "$f" 1)
            errors=$(awk '{ s += $5 } END { print s + 0 }' "$f")
            verdict="(floor)"
            if [[ $role == target* ]]; then
                target=$TARGET_P95_MS
                [[ $role != target:* ]] || target=${role#target:}
                verdict=$(awk -v p="$(median "$f" 3)" -v tp="$target" -v err="$errors" 'BEGIN {
                    if (err > 0) { print "INVALID (errors)"; exit }
                    printf "p95 %s", (p / 1000 <= tp ? "met" : "**missed**") }')
            fi
            printf '| `%s` | %.0f | %.1f | %.1f | %.1f | %d | %.0f us | %.2f | %s |\n' \
                "$name" "$rps" "$(us_to_ms "$(median "$f" 2)")" "$(us_to_ms "$(median "$f" 3)")" \
                "$(us_to_ms "$(median "$f" 4)")" "$errors" "$(median "$f" 6)" "$(median "$f" 9)" "$verdict"
        done
        echo
        echo "Each run (run 1 / run 2 / ...):"
        echo
        echo "| Endpoint | req/s | p95 ms | Server CPU/request, us | Other load, cores |"
        echo "|---|---|---|---|---|"
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            f="$WORK/$key.runs"
            echo "| \`$name\` | $(per_run "$f" 1 1 %.0f) | $(per_run "$f" 3 0.001 %.1f) | $(per_run "$f" 6 1 %.0f) | $(per_run "$f" 9 1 %.2f) |"
        done
        echo
    } >>"$REPORT"
    stop_server
    claims_import "$db"
    if [[ $db == postgres ]]; then
        drop_pg
        PG_CREATED=0
    fi
    rm -rf "$DATA_DIR"
    DATA_DIR=""
    PORT=${BENCH_PORT:-}
done

{
    echo "- Date: $(date)"
    echo "- Machine: $CORES cores, $(free -h | awk '/^Mem:/ { print $2 }') memory, $(uname -sr); $($WRK -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "- Command: \`bench/reviews.sh\` ($BENCH_REPS_COUNT reps, a year of bi-weekly reviews; wrk -t$THREADS -c$CONNECTIONS, ${WARMUP} s warm-up per endpoint, then $RUNS rounds of ${DURATION} s per endpoint; medians)"
    echo "- Revision: $BENCH_REV"
    echo
    cat "$REPORT"
    echo "### Checking every open claim after an import (target: at most 10% of the import's time)"
    echo
    echo "| Database | Deals imported | Open claims | Import (job start to finish) | Without the check | The check | Check ÷ import without it | Load average | Target |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|---|"
    cat "$WORK/claims.md"
    echo
} | tee "$RESULTS/report.md"

log "report, raw wrk output and server logs: $RESULTS"
if [[ $INVALID == 1 ]]; then
    log "INVALID RUN: some responses were not 2xx or the connection failed; do not use these numbers"
    exit 1
fi
