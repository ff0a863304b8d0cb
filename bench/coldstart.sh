#!/usr/bin/env bash
# First loads after a start (issue 12, section 8): how much slower is the first request of a page than the second?
# One command, from anywhere:
#
#   bench/coldstart.sh > /tmp/coldstart.md      # progress on stderr, markdown report on stdout
#
# Builds src/Terrain in Release, then BENCH_ROUNDS times: starts `terrain demo` on a throwaway data directory, waits
# for GET /health = 200 and BENCH_SETTLE seconds (the app's start-up warm-up runs in the background then; 0 times the
# very first moment), and times with curl, one request after another, the first and the second
#   GET  /Auth/Login                        (the sign-in page, anonymous)
#   POST /Auth/Login                        (signing in as rep1; the second is a second person, rep2)
#   GET  /Plans/{plan}                      (rep1's plan, where "My plan" leads)
#   GET  /Plans/{plan}/Edit/account-segmentation   (the segmentation editor)
# then stops the server. Reports, per page, the median over rounds of the first and the second request and their
# ratio (the target: first within 2x of warm), and every round's values.
#
# Knobs (environment): BENCH_ROUNDS=3 BENCH_SETTLE=5 (seconds between ready and the first request)
#                      BENCH_SERVER_ENV="DOTNET_TieredPGO=0 ..." (extra environment for the server, to compare settings)
#                      BENCH_SKIP_BUILD, BENCH_DLL, BENCH_PORT, BENCH_RESULTS (see bench/lib.sh)
set -euo pipefail

BENCH_NAME=coldstart
ROUNDS=${BENCH_ROUNDS:-3}
SETTLE=${BENCH_SETTLE:-5}
SERVER_ENV=${BENCH_SERVER_ENV:-}
DEFAULT_ENDPOINTS="health"
BENCH_NO_WRK=1 # curl only
BENCH_START_WAIT=${BENCH_START_WAIT:-600} # a busy machine seeds the demo slowly
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer (got '$ROUNDS')"
[[ $SETTLE =~ ^[0-9]+$ ]] || die "BENCH_SETTLE must be a whole number of seconds (got '$SETTLE')"

# Stops the server of this round and removes its data (lib.sh's trap does the same at exit).
stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    rm -rf "$DATA_DIR"
    DATA_DIR=""
    PORT=""
}

# timed NAME EXPECTED-STATUS curl-args...: one request; appends "NAME seconds" to the round's file.
timed() {
    local name=$1 expected=$2 out
    shift 2
    out=$(curl -s --max-time 120 -o "$WORK/body" -w '%{http_code} %{time_total}' "$@") || die "$name: curl failed"
    [[ ${out%% *} == "$expected" ]] || die "$name answered ${out%% *}, expected $expected"
    if [[ $expected == 200 ]] && grep -q 'name="Input.Password"' "$WORK/body" && [[ $name != sign-in-page* ]]; then
        die "$name served the sign-in form"
    fi
    echo "$name ${out#* }" >>"$ROUND_FILE"
}

# sign_in_timed EMAIL NAME: the sign-in form posted for EMAIL in its own cookie jar; sets JAR.
sign_in_timed() {
    local email=$1 name=$2 csrf
    JAR="$WORK/jar-$email"
    rm -f "$JAR"
    curl -s -f --max-time 60 -c "$JAR" -b "$JAR" -o "$WORK/login.html" "$BASE/Auth/Login" || die "GET /Auth/Login failed"
    csrf=$(sed -n 's/.*name="__RequestVerificationToken"[^>]*value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
    [[ -n $csrf ]] || die "no __RequestVerificationToken on the sign-in page"
    timed "$name" 302 -c "$JAR" -b "$JAR" --data-urlencode "Input.Email=$email" --data-urlencode "Input.Password=$PASSWORD" \
        --data-urlencode "__RequestVerificationToken=$csrf" "$BASE/Auth/Login"
}

bench_build
log "measuring $BENCH_REV"
ALL="$RESULTS/rounds.txt"
: >"$ALL"
for round in $(seq 1 "$ROUNDS"); do
    # shellcheck disable=SC2086 # BENCH_SERVER_ENV is a list of VAR=value words
    bench_start_server 900 $SERVER_ENV
    sleep "$SETTLE"
    ROUND_FILE="$WORK/round-$round.txt"
    : >"$ROUND_FILE"
    timed sign-in-page-1 200 "$BASE/Auth/Login"
    timed sign-in-page-2 200 "$BASE/Auth/Login"
    sign_in_timed rep1@demo.terrain sign-in-1
    REP1=$JAR
    sign_in_timed rep2@demo.terrain sign-in-2
    # "My plan" answers 303 to the rep's plan in the open cycle.
    plan=$(curl -s --max-time 60 -b "$REP1" -o /dev/null -w '%{redirect_url}' "$BASE/Plans/Mine" | sed -n 's#.*/Plans/\([0-9a-f-]\{36\}\)$#\1#p')
    [[ -n $plan ]] || die "GET /Plans/Mine did not lead to a plan"
    timed my-plan-1 200 -b "$REP1" "$BASE/Plans/$plan"
    timed my-plan-2 200 -b "$REP1" "$BASE/Plans/$plan"
    timed segmentation-editor-1 200 -b "$REP1" "$BASE/Plans/$plan/Edit/account-segmentation"
    timed segmentation-editor-2 200 -b "$REP1" "$BASE/Plans/$plan/Edit/account-segmentation"
    log "round $round: $(tr '\n' ' ' <"$ROUND_FILE")"
    sed "s/^/$round /" "$ROUND_FILE" >>"$ALL"
    stop_server
done

# Median of the values of NAME over the rounds, in milliseconds.
med() { awk -v n="$1" '$2 == n { print $3 * 1000 }' "$ALL" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
each() { awk -v n="$1" '$2 == n { printf "%s%.0f", sep, $3 * 1000; sep = " / " }' "$ALL"; }

cat <<EOF
## Cold start: first and second request of a page after \`terrain demo\` starts

- Build: $BENCH_REV
- Machine: $CORES cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)
- $ROUNDS rounds, each a fresh server; first request $SETTLE s after GET /health answered 200${SERVER_ENV:+; server environment: $SERVER_ENV}
- Command: \`BENCH_ROUNDS=$ROUNDS BENCH_SETTLE=$SETTLE${SERVER_ENV:+ BENCH_SERVER_ENV="$SERVER_ENV"} bench/coldstart.sh\`

| Page | First (ms, median) | Second (ms, median) | First / second | First, each round (ms) | Second, each round (ms) |
|---|---:|---:|---:|---|---|
EOF
for page in sign-in-page:"GET /Auth/Login" sign-in:"POST /Auth/Login (sign in)" my-plan:"GET /Plans/{plan} (my plan)" segmentation-editor:"GET /Plans/{plan}/Edit/account-segmentation"; do
    key=${page%%:*}
    first=$(med "$key-1")
    second=$(med "$key-2")
    ratio=$(awk -v a="$first" -v b="$second" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
    printf '| %s | %.0f | %.0f | %s× | %s | %s |\n' "${page#*:}" "$first" "$second" "$ratio" "$(each "$key-1")" "$(each "$key-2")"
done
