#!/usr/bin/env bash
# Load baseline for Terrain (docs/benchmarks.md, "Load baseline"). One command, from anywhere:
#
#   bench/load.sh > /tmp/load.md        # progress on stderr, markdown report on stdout
#
# Builds src/Terrain in Release, starts `terrain demo` on 127.0.0.1 with a throwaway data directory, signs in
# as rep1 (cookie for the page, bearer token for the API), checks each URL answers 200 with that auth, then
# drives it with wrk: one warm-up run per endpoint, then BENCH_RUNS rounds over all endpoints (interleaved, so
# background noise hits every endpoint alike) and reports the median of each metric. GET /health runs in the
# same rounds as a floor reference. Exits 1 if any response was not 2xx (the run is then invalid).
#
# Knobs (environment): BENCH_THREADS=2 BENCH_CONNECTIONS=32 BENCH_DURATION=15 BENCH_WARMUP=5 BENCH_RUNS=3
#                      BENCH_PORT=<free port> BENCH_SKIP_BUILD=0 BENCH_RESULTS=bench/results/<timestamp>
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-5}
RUNS=${BENCH_RUNS:-3}
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
PORT=${BENCH_PORT:-}
RESULTS=${BENCH_RESULTS:-bench/results/$(date +%Y%m%d-%H%M%S)}
TARGET_RPS=1000
TARGET_P95_MS=50
HOST=127.0.0.1 # loopback only, by design: there is no knob for the host
EMAIL=rep1@demo.terrain
PASSWORD=Terrain-demo-1
DLL=src/Terrain/bin/Release/net10.0/terrain.dll
WRK=/usr/bin/wrk
LUA=bench/report.lua

# name | path | auth (none, cookie, bearer)
ENDPOINTS=(
    "GET /health (floor reference)|/health|none"
    "GET /Territory|/Territory|cookie"
    "GET /api/v1/accounts?owner=me|/api/v1/accounts?owner=me|bearer"
)

log() { printf '[load %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

for n in THREADS CONNECTIONS DURATION WARMUP RUNS; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "BENCH_$n must be a positive integer (got '${!n}')"
done
command -v "$WRK" >/dev/null || die "wrk not found at $WRK (apt-get install wrk)"
for tool in curl dotnet awk sed sort timeout pgrep; do
    command -v "$tool" >/dev/null || die "$tool not found"
done

# Hard upper bound for the whole script: the server is started under `timeout`, so even if this script is killed
# without running its trap, the server goes away by itself.
BUDGET=$((300 + ${#ENDPOINTS[@]} * (WARMUP + 30 + RUNS * (DURATION + 30))))

DATA_DIR=""
WORK=""
SERVER_PID=""
cleanup() {
    local status=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
    [[ -n $WORK ]] && rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % 20000))
        # Nothing listening means the connect fails.
        if ! (exec 3<>"/dev/tcp/$HOST/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# ---- build and start ------------------------------------------------------------------------------------------
if [[ $SKIP_BUILD != 1 ]]; then
    log "dotnet build -c Release src/Terrain"
    timeout 600 dotnet build -c Release src/Terrain -nologo -v quiet >&2 || die "Release build failed"
fi
[[ -f $DLL ]] || die "$DLL is missing (build first, or unset BENCH_SKIP_BUILD)"

[[ -n $PORT ]] || PORT=$(free_port) || die "no free port found"
BASE="http://$HOST:$PORT"
DATA_DIR=$(mktemp -d -t terrain-bench-data.XXXXXX)
WORK=$(mktemp -d -t terrain-bench-work.XXXXXX)
mkdir -p "$RESULTS"

log "starting terrain demo on $BASE (data $DATA_DIR, hard limit ${BUDGET}s)"
timeout --kill-after=10 "$BUDGET" dotnet "$DLL" demo --urls "$BASE" "--Terrain:DataDirectory=$DATA_DIR" \
    >"$RESULTS/server.log" 2>&1 &
SERVER_PID=$!

ready=0
for _ in $(seq 1 240); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$RESULTS/server.log" >&2; die "the server exited during start"; }
    if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/health" || true) == 200 ]]; then
        ready=1
        break
    fi
    sleep 0.5
done
[[ $ready == 1 ]] || die "GET /health did not answer 200 within 120 s"
# `timeout` runs dotnet as its child; CPU time is read from the dotnet process itself.
DOTNET_PID=$(pgrep -P "$SERVER_PID" | head -1) || die "cannot find the server process"
log "server ready (pid $DOTNET_PID)"

# ---- sign in --------------------------------------------------------------------------------------------------
JAR="$WORK/cookies.txt"
curl -s -f --max-time 10 -c "$JAR" -b "$JAR" -o "$WORK/login.html" "$BASE/Auth/Login" || die "GET /Auth/Login failed"
CSRF=$(sed -n 's/.*name="__RequestVerificationToken"[^>]*value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
[[ -n $CSRF ]] || die "no __RequestVerificationToken on the sign-in page"
status=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
    --data-urlencode "Input.Email=$EMAIL" --data-urlencode "Input.Password=$PASSWORD" \
    --data-urlencode "__RequestVerificationToken=$CSRF" "$BASE/Auth/Login")
[[ $status == 302 ]] || die "cookie sign-in answered $status, expected 302"
# Netscape jar: 7 tab-separated fields; HttpOnly cookies are written with a "#HttpOnly_" prefix.
COOKIE=$(awk -F'\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$JAR")
[[ $COOKIE == *terrain.auth=* ]] || die "no terrain.auth cookie after sign-in"

TOKEN=$(curl -s -f --max-time 30 -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" |
    sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p') || die "POST /api/v1/auth/login failed"
[[ -n $TOKEN ]] || die "no accessToken in the login response"
log "signed in as $EMAIL (cookie and bearer)"

auth_headers() { # prints one curl/wrk header per line for an auth kind
    case $1 in
        cookie) printf 'Cookie: %s\n' "$COOKIE" ;;
        bearer) printf 'Authorization: Bearer %s\n' "$TOKEN" ;;
        none) ;;
        *) die "unknown auth '$1'" ;;
    esac
}

header_args() { # fills the global array HDR with -H arguments
    HDR=()
    local h
    while IFS= read -r h; do [[ -n $h ]] && HDR+=(-H "$h"); done < <(auth_headers "$1")
}

for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r name path auth <<<"$e"
    header_args "$auth"
    status=$(curl -s --max-time 10 -o "$WORK/check.body" -w '%{http_code}' ${HDR[@]+"${HDR[@]}"} "$BASE$path")
    [[ $status == 200 ]] || die "$name answered $status with $auth auth, expected 200"
    if grep -q 'name="Input.Password"' "$WORK/check.body"; then die "$name served the sign-in form"; fi
    log "check: $name -> 200, $(wc -c <"$WORK/check.body") bytes"
done

# ---- measure --------------------------------------------------------------------------------------------------
proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; } # utime + stime, in clock ticks
sys_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }
HZ=$(getconf CLK_TCK)
CORES=$(nproc)
INVALID=0

# run_wrk KEY NAME PATH AUTH SECONDS LABEL -> appends one line to $WORK/KEY.runs (unless LABEL is warmup):
#   rps p50_us p95_us p99_us errors server_us_per_request server_cores wrk_cores other_cores
run_wrk() {
    local key=$1 name=$2 path=$3 auth=$4 seconds=$5 label=$6
    local out="$RESULTS/$key.$label.txt"
    header_args "$auth"
    local s0 s1 b0 t0 b1 t1 w0 w1
    s0=$(proc_ticks "$DOTNET_PID")
    read -r b0 t0 < <(sys_ticks)
    w0=$(date +%s%N)
    local TIMEFORMAT='%U %S'
    { time timeout --kill-after=5 $((seconds + 30)) "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s \
        -s "$LUA" ${HDR[@]+"${HDR[@]}"} "$BASE$path" >"$out" 2>&1; } 2>"$out.cpu" ||
        die "wrk failed for $name ($label); see $out"
    w1=$(date +%s%N)
    s1=$(proc_ticks "$DOTNET_PID")
    read -r b1 t1 < <(sys_ticks)

    local result
    result=$(grep '^RESULT ' "$out") || die "no RESULT line from wrk for $name ($label); see $out"
    local rps p50 p95 p99 requests non2xx socket first
    rps=$(sed 's/.* rps=\([^ ]*\).*/\1/' <<<"$result")
    p50=$(sed 's/.* p50=\([^ ]*\).*/\1/' <<<"$result")
    p95=$(sed 's/.* p95=\([^ ]*\).*/\1/' <<<"$result")
    p99=$(sed 's/.* p99=\([^ ]*\).*/\1/' <<<"$result")
    requests=$(sed 's/.* requests=\([^ ]*\).*/\1/' <<<"$result")
    non2xx=$(sed 's/.* non2xx=\([^ ]*\).*/\1/' <<<"$result")
    socket=$(sed 's/.* socket_errors=\([^ ]*\).*/\1/' <<<"$result")
    first=$(sed 's/.* first_bad_status=\([^ ]*\).*/\1/' <<<"$result")
    local errors=$((non2xx + socket))
    if ((errors > 0)); then
        INVALID=1
        log "INVALID: $name ($label): $non2xx non-2xx (first status $first), $socket socket errors"
    fi

    local derived
    derived=$(awk -v s="$((s1 - s0))" -v hz="$HZ" -v req="$requests" -v wall="$(((w1 - w0) / 1000))" \
        -v cpu="$(cat "$out.cpu")" -v db="$((b1 - b0))" -v dt="$((t1 - t0))" -v cores="$CORES" 'BEGIN {
            split(cpu, c, " "); wall_s = wall / 1e6
            server = s / hz / wall_s; wrkc = (c[1] + c[2]) / wall_s
            busy = dt > 0 ? db / dt * cores : 0; other = busy - server - wrkc; if (other < 0) other = 0
            printf "%.0f %.2f %.2f %.2f", (req > 0 ? s / hz * 1e6 / req : 0), server, wrkc, other }')
    log "$(printf '%-32s %-8s %8.0f req/s  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  errors %d  [server %s]' \
        "$name" "$label" "$rps" "$(awk -v v="$p50" 'BEGIN{print v/1000}')" \
        "$(awk -v v="$p95" 'BEGIN{print v/1000}')" "$(awk -v v="$p99" 'BEGIN{print v/1000}')" "$errors" \
        "$(awk -v d="$derived" 'BEGIN{split(d,x," "); printf "%s us CPU/req, %s cores; wrk %s cores; other %s cores", x[1], x[2], x[3], x[4]}')")"
    if [[ $label != warmup ]]; then
        echo "$rps $p50 $p95 $p99 $errors $derived" >>"$WORK/$key.runs"
    fi
}

LOAD_BEFORE=$(uptime)
log "load before: $LOAD_BEFORE"
i=0
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r name path auth <<<"$e"
    run_wrk "e$i" "$name" "$path" "$auth" "$WARMUP" warmup
    i=$((i + 1))
done
for r in $(seq 1 "$RUNS"); do
    i=0
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r name path auth <<<"$e"
        run_wrk "e$i" "$name" "$path" "$auth" "$DURATION" "run$r"
        i=$((i + 1))
    done
done
LOAD_AFTER=$(uptime)
log "load after: $LOAD_AFTER"

# ---- report ---------------------------------------------------------------------------------------------------
median() { # median of column $2 of file $1 (middle value; mean of the two middle values for an even count)
    awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
column_list() { awk -v c="$2" -v f="$3" '{ printf "%s%" f, (NR > 1 ? " / " : ""), $c * (c >= 2 && c <= 4 ? 0.001 : 1) }' "$1"; }

floor_rps=$(median "$WORK/e0.runs" 1)
{
    echo "Date: $(date)"
    echo "Machine: $(nproc) cores, $(free -h | awk '/^Mem:/ { print $2 }') memory; $(uname -sr)"
    echo "Command: bench/load.sh  (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, ${WARMUP}s warm-up, median of $RUNS runs; ${HOST})"
    echo "Load before: ${LOAD_BEFORE#*, }"
    echo "Load after:  ${LOAD_AFTER#*, }"
    echo
    echo "| Endpoint | Auth | req/s | p50 ms | p95 ms | p99 ms | Errors | req/s vs /health | Server CPU per request | Target (>= $TARGET_RPS req/s, p95 <= $TARGET_P95_MS ms) |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    i=0
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r name path auth <<<"$e"
        f="$WORK/e$i.runs"
        rps=$(median "$f" 1)
        p50=$(median "$f" 2)
        p95=$(median "$f" 3)
        p99=$(median "$f" 4)
        errors=$(awk '{ s += $5 } END { print s + 0 }' "$f")
        cpu=$(median "$f" 6)
        if [[ $auth == none ]]; then
            verdict="reference"
        else
            verdict=$(awk -v r="$rps" -v p="$p95" -v tr="$TARGET_RPS" -v tp="$TARGET_P95_MS" -v err="$errors" 'BEGIN {
                if (err > 0) { print "invalid (errors)"; exit }
                a = (r >= tr) ? "req/s met" : "req/s MISSED"; b = (p / 1000 <= tp) ? "p95 met" : "p95 MISSED"
                print a ", " b }')
        fi
        awk -v n="$name" -v a="$auth" -v r="$rps" -v p50="$p50" -v p95="$p95" -v p99="$p99" -v err="$errors" \
            -v fl="$floor_rps" -v cpu="$cpu" -v v="$verdict" 'BEGIN {
            printf "| `%s` | %s | %.0f | %.1f | %.1f | %.1f | %d | %.2f | %.0f us | %s |\n",
                n, a, r, p50 / 1000, p95 / 1000, p99 / 1000, err, r / fl, cpu, v }'
        i=$((i + 1))
    done
    echo
    echo "Per run (run 1 / run 2 / ...):"
    echo
    echo "| Endpoint | req/s | p95 ms | server cores | wrk cores | other load, cores |"
    echo "|---|---|---|---|---|---|"
    i=0
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r name path auth <<<"$e"
        f="$WORK/e$i.runs"
        echo "| \`$name\` | $(column_list "$f" 1 .0f) | $(column_list "$f" 3 .1f) | $(column_list "$f" 7 .2f) | $(column_list "$f" 8 .2f) | $(column_list "$f" 9 .2f) |"
        i=$((i + 1))
    done
} | tee "$RESULTS/report.md"

log "raw wrk output and server log: $RESULTS"
if [[ $INVALID == 1 ]]; then
    log "INVALID RUN: some responses were not 2xx or failed; do not use these numbers"
    exit 1
fi
