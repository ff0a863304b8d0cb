#!/usr/bin/env bash
# A 1-million-row opportunities CSV imported end to end into a large benchmark database (issue 10, section 5), on SQLite
# and on PostgreSQL, against the database's own bulk loader of the same file in the same run. One command:
#
#   bench/actuals.sh > /tmp/actuals.md      # progress on stderr, markdown report on stdout
#
# Builds src/Terrain in Release, then for each database: a fresh database (SQLite in a throwaway directory; PostgreSQL
# database `terrain_bench_actuals` on 127.0.0.1:55432, dropped and created), `terrain migrate`, the organisation
# (2,000 reps in 250 teams) and 200,000 accounts as bench/accounts.sh makes them, then BENCH_DEALS current
# opportunities with BENCH_CHANGES history rows each and BENCH_ACTIVITIES activities written straight into the tables
# by bench/actuals-data.py (COPY on PostgreSQL). The file to import (bench/actuals-data.py file) is a full extract of
# BENCH_ROWS deals: 2% of the database's deals are missing from it (marked deleted), the same number are new, one in ten
# changed; the rest is unchanged.
#
# Then, timed in this order: the database's own loader of the file into a scratch table (`sqlite3 .import --csv`;
# `psql \copy ... csv header`), `terrain import opportunities FILE --full` under /usr/bin/time -v (wall time and peak
# RSS of the whole process, start-up included), the loader again, and the same import a second time (a daily re-sync in
# which nothing changed). Prints every figure, the ratio to the loader (median of its two runs) and the load average.
#
# Knobs (environment): BENCH_DATABASES="sqlite postgres" BENCH_ROWS=1000000 BENCH_DEALS=1000000 BENCH_CHANGES=10
#                      BENCH_ACTIVITIES=5000000 BENCH_ACCOUNTS=200000 BENCH_REPS=2000 BENCH_PG_PORT=55432
#                      BENCH_SKIP_BUILD, BENCH_DLL, BENCH_RESULTS (see bench/lib.sh)
set -euo pipefail

BENCH_NAME=actuals
ROWS=${BENCH_ROWS:-1000000}
DEALS=${BENCH_DEALS:-1000000}
CHANGES=${BENCH_CHANGES:-10}
ACTIVITIES=${BENCH_ACTIVITIES:-5000000}
ACCOUNTS=${BENCH_ACCOUNTS:-200000}
BENCH_REPS_COUNT=${BENCH_REPS:-2000}
DATABASES=${BENCH_DATABASES:-sqlite postgres}
PG_PORT=${BENCH_PG_PORT:-55432}
PG_BASE="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
PG_DB=terrain_bench_actuals
PG_CREATED=0
TARGET_SECONDS=5
TARGET_RSS_MB=300
TARGET_RATIO=2
unset BENCH_REPS BENCH_ENDPOINTS
DEFAULT_ENDPOINTS="me"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'status=$?; if [[ $PG_CREATED == 1 ]]; then drop_pg || true; fi; (exit $status); bench_cleanup' EXIT

for n in ROWS DEALS CHANGES ACTIVITIES ACCOUNTS BENCH_REPS_COUNT; do
    [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number (got '${!n}')"
done
command -v python3 >/dev/null || die "python3 not found"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"
[[ $DATABASES != *sqlite* ]] || command -v sqlite3 >/dev/null || die "sqlite3 not found (apt-get install sqlite3)"
[[ $DATABASES != *postgres* ]] || command -v psql >/dev/null || die "psql not found (PostgreSQL client)"

LEADER=leader@bench.terrain
MANAGER=manager1@bench.terrain
REP=rep1@bench.terrain

terrain() { timeout 1800 dotnet "$DLL" "$@" "${DB_ARGS[@]}"; }
psql_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 -c "$1" >/dev/null; }
drop_pg() { psql_admin "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"; }
pg() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -q -v ON_ERROR_STOP=1 "$@"; }
now_ms() { date +%s%3N; }
seconds() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

# ---- data ---------------------------------------------------------------------------------------------------------
bench_build
log "writing the organisation ($BENCH_REPS_COUNT reps) and the file to import ($ROWS rows)"
python3 bench/accounts-data.py users "$WORK/users.csv" "$BENCH_REPS_COUNT"
started=$(now_ms)
python3 bench/actuals-data.py file "$WORK/deals.csv" "$ROWS" "$DEALS" "$BENCH_REPS_COUNT" "$ACCOUNTS"
FILE_MB=$(awk -v b="$(stat -c %s "$WORK/deals.csv")" 'BEGIN { printf "%.0f", b / 1048576 }')
log "file: $(wc -l <"$WORK/deals.csv") lines, $FILE_MB MB, written in $(seconds $(($(now_ms) - started))) s"

setup_database() {
    local db=$1 started
    DATA_DIR=$(mktemp -d -t terrain-bench-data.XXXXXX)
    case $db in
        sqlite) DB_ARGS=("--Terrain:DatabaseProvider=Sqlite" "--Terrain:DataDirectory=$DATA_DIR") ;;
        postgres)
            drop_pg
            psql_admin "CREATE DATABASE $PG_DB"
            PG_CREATED=1
            DB_ARGS=("--Terrain:DatabaseProvider=Postgres" "--ConnectionStrings:Terrain=$PG_BASE;Database=$PG_DB" "--Terrain:DataDirectory=$DATA_DIR")
            ;;
        *) die "unknown database '$db' (sqlite or postgres)" ;;
    esac
    started=$(now_ms)
    terrain migrate >"$RESULTS/$db-setup.log" 2>&1 || die "terrain migrate failed on $db; see $RESULTS/$db-setup.log"
    export TERRAIN_PASSWORD=$PASSWORD
    terrain users add --email "$LEADER" --name "Bench Leader" --role Leader >>"$RESULTS/$db-setup.log" 2>&1 || die "users add $LEADER"
    terrain users add --email "$MANAGER" --name "Manager 1" --role Manager --manager "$LEADER" >>"$RESULTS/$db-setup.log" 2>&1 || die "users add $MANAGER"
    terrain users add --email "$REP" --name "Rep 00001" --role Rep --manager "$MANAGER" >>"$RESULTS/$db-setup.log" 2>&1 || die "users add $REP"
    terrain import users "$WORK/users.csv" >>"$RESULTS/$db-setup.log" 2>&1 || die "import users failed on $db; see $RESULTS/$db-setup.log"
    log "$db: writing $ACCOUNTS accounts, $DEALS deals with $CHANGES history rows each, $ACTIVITIES activities"
    if [[ $db == sqlite ]]; then
        python3 bench/accounts-data.py sqlite "$DATA_DIR/terrain.db" "$ACCOUNTS"
        python3 bench/actuals-data.py sqlite "$DATA_DIR/terrain.db" "$DEALS" "$CHANGES" "$ACTIVITIES"
    else
        pg -At -F, -c 'SELECT "Id", "Email" FROM "AspNetUsers"' >"$WORK/owners.csv"
        python3 bench/accounts-data.py csv "$WORK/owners.csv" "$WORK/accounts.csv" "$ACCOUNTS"
        pg -c "\\copy \"Accounts\"($(head -1 "$WORK/accounts.csv" | sed 's/[^,]*/"&"/g')) FROM '$WORK/accounts.csv' WITH (FORMAT csv, HEADER true)"
        pg -At -F, -c "SELECT 'user', \"Id\", \"Email\" FROM \"AspNetUsers\" UNION ALL SELECT 'account', \"Id\", \"ExternalId\" FROM \"Accounts\"" >"$WORK/ids.csv"
        python3 bench/actuals-data.py csv "$WORK/ids.csv" "$WORK" "$DEALS" "$CHANGES" "$ACTIVITIES"
        pg -c "\\copy \"Opportunities\" FROM '$WORK/opp.csv' WITH (FORMAT csv, FORCE_NOT_NULL (\"LineId\"))"
        pg -c "\\copy \"OpportunityChanges\" FROM '$WORK/change.csv' WITH (FORMAT csv)"
        pg -c "\\copy \"Activities\" FROM '$WORK/activity.csv' WITH (FORMAT csv)"
        rm -f "$WORK/opp.csv" "$WORK/change.csv" "$WORK/activity.csv"
        # What autovacuum does within a minute of a bulk load; done now so that the timings do not race it.
        pg -c 'VACUUM ANALYZE "Accounts", "Opportunities", "OpportunityChanges", "Activities"'
    fi
    log "$db: database ready in $(seconds $(($(now_ms) - started))) s"
}

# loader DB: the database's own bulk loader, the same file into a scratch table of text columns. Prints milliseconds.
loader() {
    local db=$1 started ms cols
    cols=$(head -1 "$WORK/deals.csv" | sed 's/[^,]*/"&" text/g')
    case $db in
        sqlite)
            sqlite3 "$DATA_DIR/terrain.db" "DROP TABLE IF EXISTS bench_scratch; CREATE TABLE bench_scratch ($cols);"
            started=$(now_ms)
            sqlite3 "$DATA_DIR/terrain.db" ".import --csv --skip 1 $WORK/deals.csv bench_scratch"
            ms=$(($(now_ms) - started))
            [[ $(sqlite3 "$DATA_DIR/terrain.db" "SELECT COUNT(*) FROM bench_scratch") == "$ROWS" ]] || die "sqlite3 .import did not load $ROWS rows"
            sqlite3 "$DATA_DIR/terrain.db" "DROP TABLE bench_scratch;"
            ;;
        postgres)
            pg -c "DROP TABLE IF EXISTS bench_scratch; CREATE TABLE bench_scratch ($cols)"
            started=$(now_ms)
            pg -c "\\copy bench_scratch FROM '$WORK/deals.csv' WITH (FORMAT csv, HEADER true)"
            ms=$(($(now_ms) - started))
            [[ $(pg -At -c "SELECT COUNT(*) FROM bench_scratch") == "$ROWS" ]] || die "psql \\copy did not load $ROWS rows"
            pg -c "DROP TABLE bench_scratch"
            ;;
    esac
    echo "$ms"
}

# ours DB LABEL: terrain import opportunities FILE --full under /usr/bin/time -v. Sets OURS_S, OURS_RSS_MB, OURS_SUMMARY.
ours() {
    local db=$1 label=$2 out="$RESULTS/$db-import-$2.txt"
    /usr/bin/time -v -o "$out.time" timeout 1800 dotnet "$DLL" import opportunities "$WORK/deals.csv" --full "${DB_ARGS[@]}" >"$out" 2>&1 ||
        { tail -20 "$out" >&2; die "terrain import opportunities failed on $db ($label); see $out"; }
    OURS_S=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$out.time")
    OURS_RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$out.time")
    OURS_SUMMARY=$(grep -E 'rows read:|marked deleted' "$out" | tr '\n' ' ')
    log "$db ($label): ${OURS_S} s, peak RSS ${OURS_RSS_MB} MB: $OURS_SUMMARY"
}

REPORT="$WORK/report.md"
: >"$REPORT"
for db in $DATABASES; do
    setup_database "$db"
    counts=$(if [[ $db == sqlite ]]; then
        sqlite3 "$DATA_DIR/terrain.db" 'SELECT (SELECT COUNT(*) FROM "Opportunities") || " deals, " || (SELECT COUNT(*) FROM "OpportunityChanges") || " change rows, " || (SELECT COUNT(*) FROM "Activities") || " activities, " || (SELECT COUNT(*) FROM "Accounts") || " accounts"'
    else
        pg -At -c 'SELECT (SELECT COUNT(*) FROM "Opportunities") || '"' deals, '"' || (SELECT COUNT(*) FROM "OpportunityChanges") || '"' change rows, '"' || (SELECT COUNT(*) FROM "Activities") || '"' activities, '"' || (SELECT COUNT(*) FROM "Accounts") || '"' accounts'"
    fi)
    log "$db: $counts"
    LOAD_BEFORE=$(uptime)
    l1=$(loader "$db")
    log "$db: loader $(seconds "$l1") s"
    ours "$db" first
    first_s=$OURS_S first_rss=$OURS_RSS_MB first_summary=$OURS_SUMMARY
    l2=$(loader "$db")
    log "$db: loader $(seconds "$l2") s"
    ours "$db" again
    LOAD_AFTER=$(uptime)
    loader_s=$(awk -v a="$l1" -v b="$l2" 'BEGIN { printf "%.2f", (a + b) / 2000 }')
    {
        echo "### $db"
        echo
        echo "- Database: $counts (before the import); file: $ROWS rows, $FILE_MB MB"
        echo "- Load average before: ${LOAD_BEFORE##*load average: }; after: ${LOAD_AFTER##*load average: }"
        echo
        echo "| Run | Wall s | Peak RSS MB | vs loader | Target: <= $TARGET_SECONDS s, <= $TARGET_RSS_MB MB, aim <= ${TARGET_RATIO}x | Report |"
        echo "|---|---:|---:|---:|---|---|"
        echo "| loader (\`$([[ $db == sqlite ]] && echo 'sqlite3 .import' || echo 'psql \copy')\`), runs 1 / 2 | $(seconds "$l1") / $(seconds "$l2") | | 1.0x | | |"
        for run in first again; do
            if [[ $run == first ]]; then s=$first_s rss=$first_rss summary=$first_summary; else s=$OURS_S rss=$OURS_RSS_MB summary=$OURS_SUMMARY; fi
            verdict=$(awk -v s="$s" -v r="$rss" -v l="$loader_s" -v ts="$TARGET_SECONDS" -v tr="$TARGET_RSS_MB" -v tx="$TARGET_RATIO" 'BEGIN {
                printf "time %s, memory %s, ratio %s", (s <= ts ? "met" : "**missed**"), (r <= tr ? "met" : "**missed**"), (s / l <= tx ? "met" : "missed") }')
            echo "| \`terrain import opportunities --full\` ($([[ $run == first ]] && echo 'changes, new, deleted' || echo 're-sync, nothing changed')) | $s | $rss | $(awk -v s="$s" -v l="$loader_s" 'BEGIN { printf "%.1fx", s / l }') | $verdict | $summary |"
        done
        echo
    } >>"$REPORT"
    if [[ $db == postgres ]]; then
        drop_pg
        PG_CREATED=0
    fi
    rm -rf "$DATA_DIR"
    DATA_DIR=""
done

{
    echo "- Date: $(date -u)"
    echo "- Machine: $CORES cores, $(free -h | awk '/^Mem:/ { print $2 }') memory, $(uname -sr)"
    echo "- Command: \`bench/actuals.sh\` (BENCH_ROWS=$ROWS BENCH_DEALS=$DEALS BENCH_CHANGES=$CHANGES BENCH_ACTIVITIES=$ACTIVITIES BENCH_ACCOUNTS=$ACCOUNTS BENCH_REPS=$BENCH_REPS_COUNT)"
    echo "- Revision: $BENCH_REV"
    echo
    cat "$REPORT"
} | tee "$RESULTS/report.md"
log "report and logs: $RESULTS"
