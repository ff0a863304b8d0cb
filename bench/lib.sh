# Shared by bench/load.sh, bench/profile.sh, bench/board.sh and bench/plan.sh: build, start `terrain demo` on loopback,
# sign in, check URLs, run wrk and summarise. Source it after `set -euo pipefail`; it cds to the repository root and
# installs an EXIT trap that stops the server and deletes its throwaway data directory.
#
# Knobs (environment): BENCH_ENDPOINTS (keys below; default: the script's own list) BENCH_PORT=<free port>
#                      BENCH_SKIP_BUILD=0 BENCH_DLL=<another build of terrain.dll, with BENCH_SKIP_BUILD=1>
#                      BENCH_RESULTS=bench/results/<timestamp>-<name>
#                      BENCH_REPS=<grow the demo to this many reps: `terrain demo --reps N`; default: the 8-rep demo>
#                      BENCH_EMAIL=<who signs in; default rep1@demo.terrain, or the script's own>
#                      for the plan endpoints: BENCH_PLAN_ACCOUNTS=300 BENCH_PLAN_ACTIONS=100
#                      BENCH_MANAGER_EMAIL=manager1@demo.terrain (the manager of BENCH_EMAIL, for "plan-manager")
# A script may set DEFAULT_ENDPOINTS (keys) and DEFAULT_EMAIL before sourcing this file.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$BENCH_ROOT"

HOST=127.0.0.1 # loopback only, by design: there is no knob for the host
EMAIL=${BENCH_EMAIL:-${DEFAULT_EMAIL:-rep1@demo.terrain}}
PASSWORD=Terrain-demo-1
DLL=${BENCH_DLL:-src/Terrain/bin/Release/net10.0/terrain.dll} # another build, for A/B comparisons
WRK=/usr/bin/wrk
LUA=bench/report.lua
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
PORT=${BENCH_PORT:-}
REPS=${BENCH_REPS:-}
DEMO_ARGS=()
if [[ -n $REPS ]]; then
    [[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_REPS must be a positive integer (got '$REPS')" >&2; exit 2; }
    DEMO_ARGS=(--reps "$REPS")
fi

# key | name | path | auth (none, cookie, bearer, manager-cookie) | role in the report. "{cycle}" in a path is
# replaced by the id of the newest open cycle (bench_check_endpoints looks it up, as the signed-in user, through
# GET /api/v1/cycles); "{plan}" by the id of the signed-in rep's plan in it, filled first by bench_plan_setup
# (bench/plan-fill.py).
ENDPOINTS=(
    "static|GET /css/site.css|/css/site.css|none|floor: static file, no auth, no database"
    "health|GET /health|/health|none|floor: anonymous, one database check"
    "me|GET /api/v1/me|/api/v1/me|bearer|floor: bearer auth, JSON, no database"
    "territory|GET /Territory|/Territory|cookie|target"
    "accounts|GET /api/v1/accounts?owner=me|/api/v1/accounts?owner=me|bearer|target"
    "board|GET /Cycles/Board/{id}|/Cycles/Board/{cycle}|cookie|target: the leader's cycle board page"
    "board-api|GET /api/v1/cycles/{id}/board|/api/v1/cycles/{cycle}/board|bearer|target: the cycle board through the API"
    "plan|GET /Plans/{id}|/Plans/{plan}|cookie|target: the rep opens their plan"
    "plan-api|GET /api/v1/plans/{id}|/api/v1/plans/{plan}|bearer|target: the plan through the API"
    "plan-manager|GET /Plans/{id} as manager|/Plans/{plan}|manager-cookie|target: the rep's manager opens the plan"
)

# BENCH_ENDPOINTS="health territory" keeps only those keys, in this order (load.sh needs "health": it is the
# ratio reference). Without it, the script's DEFAULT_ENDPOINTS, else the five of the load baseline.
SELECTED=${BENCH_ENDPOINTS:-${DEFAULT_ENDPOINTS:-static health me territory accounts}}
kept=()
for key in $SELECTED; do
    found=""
    for e in "${ENDPOINTS[@]}"; do
        [[ ${e%%|*} == "$key" ]] && found=$e
    done
    [[ -n $found ]] || { echo "unknown endpoint key '$key'; use: $(printf '%s ' "${ENDPOINTS[@]%%|*}")" >&2; exit 2; }
    kept+=("$found")
done
((${#kept[@]} > 0)) || { echo "BENCH_ENDPOINTS selects no endpoint" >&2; exit 2; }
ENDPOINTS=("${kept[@]}")

log() { printf '[%s %s] %s\n' "${BENCH_NAME:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 2
}

for tool in curl dotnet awk sed sort timeout pgrep getconf; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
[[ ${BENCH_NO_WRK:-0} == 1 || -x $WRK ]] || die "wrk not found at $WRK (apt-get install wrk)" # coldstart.sh uses curl only

DATA_DIR=""
WORK=""
SERVER_PID=""
DOTNET_PID=""
bench_cleanup() {
    local status=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
    [[ -n $WORK ]] && rm -rf "$WORK"
    exit "$status"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

WORK=$(mktemp -d -t terrain-bench-work.XXXXXX)
RESULTS=${BENCH_RESULTS:-bench/results/$(date +%Y%m%d-%H%M%S)-${BENCH_NAME:-bench}}
mkdir -p "$RESULTS"

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

# Sets BENCH_REV: what was measured (the tree as built, or which existing build).
bench_build() {
    if [[ $SKIP_BUILD != 1 ]]; then
        BENCH_REV=$(bench_revision)
        log "dotnet build -c Release src/Terrain ($BENCH_REV)"
        timeout 900 dotnet build -c Release src/Terrain -nologo -v quiet >&2 || die "Release build failed"
    fi
    [[ -f $DLL ]] || die "$DLL is missing (build first, or unset BENCH_SKIP_BUILD)"
    if [[ $SKIP_BUILD == 1 ]]; then
        BENCH_REV="existing build $DLL of $(date -r "$DLL" '+%F %T %Z') (not rebuilt; the tree is now at $(bench_revision))"
    fi
}

# bench_start_server SECONDS [VAR=value ...]: starts the demo under `timeout SECONDS` (a hard bound even if this
# script dies without its trap), waits for GET /health = 200. Sets BASE, SERVER_PID (timeout) and DOTNET_PID.
bench_start_server() {
    local budget=$1
    shift
    [[ -n $PORT ]] || PORT=$(free_port) || die "no free port found"
    BASE="http://$HOST:$PORT"
    DATA_DIR=$(mktemp -d -t terrain-bench-data.XXXXXX)
    log "starting terrain demo ${DEMO_ARGS[*]:-}${DEMO_ARGS[*]:+ }on $BASE (data $DATA_DIR, hard limit ${budget}s${*:+, $*})"
    env "$@" timeout --kill-after=10 "$budget" dotnet "$DLL" demo ${DEMO_ARGS[@]+"${DEMO_ARGS[@]}"} --urls "$BASE" \
        "--Terrain:DataDirectory=$DATA_DIR" >"$RESULTS/server.log" 2>&1 &
    SERVER_PID=$!
    local ready=0 wait=${BENCH_START_WAIT:-120} # seconds for the demo to seed and answer (coldstart.sh allows more)
    for _ in $(seq 1 $((wait * 2))); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -20 "$RESULTS/server.log" >&2
            die "the server exited during start"
        fi
        if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/health" || true) == 200 ]]; then
            ready=1
            break
        fi
        sleep 0.5
    done
    [[ $ready == 1 ]] || die "GET /health did not answer 200 within $wait s"
    # `timeout` runs dotnet as its child; CPU time and profiles are taken from the dotnet process itself.
    DOTNET_PID=$(pgrep -P "$SERVER_PID" | head -1) || die "cannot find the server process"
    log "server ready (pid $DOTNET_PID)"
}

# bench_sign_in [EMAIL]: sets COOKIE (every cookie of a signed-in browser session) and TOKEN (bearer access token) for
# EMAIL (default $EMAIL). Each person gets their own cookie jar.
bench_sign_in() {
    local email=${1:-$EMAIL}
    local jar="$WORK/cookies-$email.txt" csrf status
    curl -s -f --max-time 10 -c "$jar" -b "$jar" -o "$WORK/login.html" "$BASE/Auth/Login" || die "GET /Auth/Login failed"
    csrf=$(sed -n 's/.*name="__RequestVerificationToken"[^>]*value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
    [[ -n $csrf ]] || die "no __RequestVerificationToken on the sign-in page"
    status=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
        --data-urlencode "Input.Email=$email" --data-urlencode "Input.Password=$PASSWORD" \
        --data-urlencode "__RequestVerificationToken=$csrf" "$BASE/Auth/Login")
    [[ $status == 302 ]] || die "cookie sign-in answered $status, expected 302"
    # Netscape jar: 7 tab-separated fields; HttpOnly cookies are written with a "#HttpOnly_" prefix.
    COOKIE=$(awk -F'\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
    [[ $COOKIE == *terrain.auth=* ]] || die "no terrain.auth cookie after sign-in"

    TOKEN=$(curl -s -f --max-time 30 -H 'Content-Type: application/json' \
        -d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" |
        sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p') || die "POST /api/v1/auth/login failed"
    [[ -n $TOKEN ]] || die "no accessToken in the login response"
    log "signed in as $email (cookie and bearer token)"
}

# header_args AUTH: fills the global array HDR with the -H arguments (curl and wrk alike) for an auth kind.
header_args() {
    case $1 in
        cookie) HDR=(-H "Cookie: $COOKIE") ;;
        bearer) HDR=(-H "Authorization: Bearer $TOKEN") ;;
        manager-cookie) HDR=(-H "Cookie: ${MANAGER_COOKIE:?bench_plan_setup signs the manager in}") ;;
        none) HDR=() ;;
        *) die "unknown auth '$1'" ;;
    esac
}

# Sets CYCLE_ID and CYCLE_NAME: the newest open cycle the signed-in user sees (GET /api/v1/cycles, newest first).
bench_find_cycle() {
    local json match
    json=$(curl -s -f --max-time 30 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/cycles") || die "GET /api/v1/cycles failed"
    # Each cycle is {"id":..., "name":..., ..., "status":..., "quarters":[...], ...}: no "]" between its id and status.
    match=$(tr -d '\n' <<<"$json" | grep -o '"id":"[0-9a-fA-F-]*","name":"[^"]*"[^]]*"status":"Open"' | head -1) ||
        die "no open cycle in GET /api/v1/cycles"
    CYCLE_ID=$(sed -n 's/^"id":"\([^"]*\)".*/\1/p' <<<"$match")
    CYCLE_NAME=$(sed -n 's/^"id":"[^"]*","name":"\([^"]*\)".*/\1/p' <<<"$match")
    [[ -n $CYCLE_ID ]] || die "cannot read the open cycle's id"
    log "open cycle: $CYCLE_NAME ($CYCLE_ID)"
}

# The plan of the signed-in rep ($EMAIL) in the open cycle, filled through the API by bench/plan-fill.py: that rep's
# accounts topped up to exactly BENCH_PLAN_ACCOUNTS (an admin imports the missing ones as CSV), every account tiered
# with a why and a next move, BENCH_PLAN_ACTIONS actions, goals and text in every section. Signs in the rep's
# manager (BENCH_MANAGER_EMAIL) for "plan-manager". Sets PLAN_ID and PLAN_INFO (plan-fill.py's JSON line).
bench_plan_setup() {
    command -v python3 >/dev/null || die "python3 not found (apt-get install python3): it fills the plan"
    local accounts=${BENCH_PLAN_ACCOUNTS:-300} actions=${BENCH_PLAN_ACTIONS:-100}
    MANAGER_EMAIL=${BENCH_MANAGER_EMAIL:-manager1@demo.terrain}
    log "filling $EMAIL's plan: $accounts accounts, $actions actions (bench/plan-fill.py, through the API)"
    PLAN_INFO=$(timeout 600 python3 bench/plan-fill.py "$BASE" "$EMAIL" "$MANAGER_EMAIL" "$PASSWORD" "$accounts" "$actions") ||
        die "filling the plan failed"
    PLAN_ID=$(sed -n 's/^{"plan": "\([^"]*\)".*/\1/p' <<<"$PLAN_INFO")
    [[ -n $PLAN_ID ]] || die "bench/plan-fill.py printed no plan id"
    log "plan $PLAN_ID filled: $PLAN_INFO"
    local e cookie=$COOKIE token=$TOKEN
    for e in "${ENDPOINTS[@]}"; do
        if [[ $e == *"|manager-cookie|"* && -z ${MANAGER_COOKIE:-} ]]; then
            bench_sign_in "$MANAGER_EMAIL"
            MANAGER_COOKIE=$COOKIE
            COOKIE=$cookie
            TOKEN=$token
        fi
    done
}

# Every URL must answer 200 with its auth before anything is measured (a 302 to the sign-in page would
# otherwise be benchmarked as a very fast page). Replaces "{cycle}" and "{plan}" in the paths first.
bench_check_endpoints() {
    local e key name path auth role status i
    for i in "${!ENDPOINTS[@]}"; do
        if [[ ${ENDPOINTS[$i]} == *"{cycle}"* ]]; then
            [[ -n ${CYCLE_ID:-} ]] || bench_find_cycle
            ENDPOINTS[$i]=${ENDPOINTS[$i]//\{cycle\}/$CYCLE_ID}
        fi
        if [[ ${ENDPOINTS[$i]} == *"{plan}"* ]]; then
            [[ -n ${PLAN_ID:-} ]] || bench_plan_setup
            ENDPOINTS[$i]=${ENDPOINTS[$i]//\{plan\}/$PLAN_ID}
        fi
    done
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        header_args "$auth"
        status=$(curl -s --max-time 10 -o "$WORK/check.body" -w '%{http_code}' ${HDR[@]+"${HDR[@]}"} "$BASE$path")
        [[ $status == 200 ]] || die "$name answered $status with $auth auth, expected 200"
        if grep -q 'name="Input.Password"' "$WORK/check.body"; then die "$name served the sign-in form"; fi
        log "check: $name ($auth) -> 200, $(wc -c <"$WORK/check.body") bytes"
    done
}

proc_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; } # utime + stime, in clock ticks
sys_ticks() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }
HZ=$(getconf CLK_TCK)
CORES=$(nproc)

# The commit measured, and whether src/ had uncommitted changes when it was built.
bench_revision() {
    local sha dirty
    sha=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    dirty=$(git status --porcelain -- src 2>/dev/null | wc -l)
    if ((dirty > 0)); then echo "$sha + $dirty uncommitted change(s) under src/"; else echo "$sha"; fi
}

# ---- wrk runs and their summaries (load.sh, board.sh) --------------------------------------------------------------
INVALID=0
us_to_ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# run_wrk KEY NAME PATH AUTH SECONDS LABEL: one wrk run with -t$THREADS -c$CONNECTIONS (globals the script sets);
# unless LABEL is "warmup", appends to $WORK/KEY.runs:
#   rps p50_us p95_us p99_us errors server_cpu_us_per_request server_cores wrk_cores other_cores
run_wrk() {
    local key=$1 name=$2 path=$3 auth=$4 seconds=$5 label=$6
    local out="$RESULTS/$key.$label.txt"
    header_args "$auth"
    local s0 s1 b0 t0 b1 t1 w0 w1 TIMEFORMAT='%U %S'
    s0=$(proc_ticks "$DOTNET_PID")
    read -r b0 t0 < <(sys_ticks)
    w0=$(date +%s%N)
    # `time` reports wrk's own CPU (user, system), so its share of the two cores is known.
    { time timeout --kill-after=5 $((seconds + 30)) "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" \
        --timeout 5s -s "$LUA" ${HDR[@]+"${HDR[@]}"} "$BASE$path" >"$out" 2>&1; } 2>"$out.cpu" ||
        die "wrk failed for $name ($label); see $out"
    w1=$(date +%s%N)
    s1=$(proc_ticks "$DOTNET_PID")
    read -r b1 t1 < <(sys_ticks)

    local result rps p50 p95 p99 requests non2xx socket first errors derived
    result=$(grep '^RESULT ' "$out") || die "no RESULT line from wrk for $name ($label); see $out"
    rps=$(field rps "$result")
    p50=$(field p50 "$result")
    p95=$(field p95 "$result")
    p99=$(field p99 "$result")
    requests=$(field requests "$result")
    non2xx=$(field non2xx "$result")
    socket=$(field socket_errors "$result")
    first=$(field first_bad_status "$result")
    errors=$((non2xx + socket))
    if ((errors > 0)); then
        INVALID=1
        log "INVALID: $name ($label): $non2xx non-2xx responses (first: $first), $socket socket errors"
    fi
    # Server CPU per request, and who used the machine's cores during the run: the server, wrk, everyone else.
    derived=$(awk -v s="$((s1 - s0))" -v hz="$HZ" -v req="$requests" -v wall_us="$(((w1 - w0) / 1000))" \
        -v cpu="$(tail -1 "$out.cpu")" -v db="$((b1 - b0))" -v dt="$((t1 - t0))" -v cores="$CORES" 'BEGIN {
            split(cpu, c, " "); wall = wall_us / 1e6
            server = s / hz / wall; wrkc = (c[1] + c[2]) / wall
            busy = dt > 0 ? db / dt * cores : 0; other = busy - server - wrkc; if (other < 0) other = 0
            printf "%.0f %.2f %.2f %.2f", (req > 0 ? s / hz * 1e6 / req : 0), server, wrkc, other }')
    local d=($derived)
    log "$(printf '%-30s %-7s %7.0f req/s  p50 %7s  p95 %7s  p99 %7s ms  errors %d | server %s us CPU/req, %s cores; wrk %s; others %s' \
        "$name" "$label" "$rps" "$(us_to_ms "$p50")" "$(us_to_ms "$p95")" "$(us_to_ms "$p99")" "$errors" \
        "${d[0]}" "${d[1]}" "${d[2]}" "${d[3]}")"
    if [[ $label != warmup ]]; then
        echo "$rps $p50 $p95 $p99 $errors $derived" >>"$WORK/$key.runs"
    fi
}

median() { # median of column $2 of file $1 (the middle value; mean of the two middle values for an even count)
    awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
per_run() { # column $2 of file $1 as "a / b / c", scaled by $3 and printed with format $4
    awk -v c="$2" -v k="$3" -v f="$4" '{ printf "%s" f, (NR > 1 ? " / " : ""), $c * k }' "$1"
}
