# Shared by bench/load.sh and bench/profile.sh: build, start `terrain demo` on loopback, sign in, check URLs.
# Source it after `set -euo pipefail`; it cds to the repository root and installs an EXIT trap that stops the
# server and deletes its throwaway data directory.
#
# Knobs (environment): BENCH_ENDPOINTS (keys below; default all) BENCH_PORT=<free port> BENCH_SKIP_BUILD=0
#                      BENCH_DLL=<another build of terrain.dll, with BENCH_SKIP_BUILD=1>
#                      BENCH_RESULTS=bench/results/<timestamp>-<name>

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$BENCH_ROOT"

HOST=127.0.0.1 # loopback only, by design: there is no knob for the host
EMAIL=rep1@demo.terrain
PASSWORD=Terrain-demo-1
DLL=${BENCH_DLL:-src/Terrain/bin/Release/net10.0/terrain.dll} # another build, for A/B comparisons
WRK=/usr/bin/wrk
LUA=bench/report.lua
SKIP_BUILD=${BENCH_SKIP_BUILD:-0}
PORT=${BENCH_PORT:-}

# key | name | path | auth (none, cookie, bearer) | role in the report
ENDPOINTS=(
    "static|GET /css/site.css|/css/site.css|none|floor: static file, no auth, no database"
    "health|GET /health|/health|none|floor: anonymous, one database check"
    "me|GET /api/v1/me|/api/v1/me|bearer|floor: bearer auth, JSON, no database"
    "territory|GET /Territory|/Territory|cookie|target"
    "accounts|GET /api/v1/accounts?owner=me|/api/v1/accounts?owner=me|bearer|target"
)

# BENCH_ENDPOINTS="health territory" keeps only those keys (load.sh needs "health": it is the ratio reference).
if [[ -n ${BENCH_ENDPOINTS:-} ]]; then
    kept=()
    for e in "${ENDPOINTS[@]}"; do
        [[ " $BENCH_ENDPOINTS " == *" ${e%%|*} "* ]] && kept+=("$e")
    done
    ((${#kept[@]} > 0)) || { echo "BENCH_ENDPOINTS matches none of: static health me territory accounts" >&2; exit 2; }
    ENDPOINTS=("${kept[@]}")
fi

log() { printf '[%s %s] %s\n' "${BENCH_NAME:-bench}" "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 2
}

for tool in curl dotnet awk sed sort timeout pgrep getconf; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
[[ -x $WRK ]] || die "wrk not found at $WRK (apt-get install wrk)"

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
    log "starting terrain demo on $BASE (data $DATA_DIR, hard limit ${budget}s${*:+, $*})"
    env "$@" timeout --kill-after=10 "$budget" dotnet "$DLL" demo --urls "$BASE" "--Terrain:DataDirectory=$DATA_DIR" \
        >"$RESULTS/server.log" 2>&1 &
    SERVER_PID=$!
    local ready=0
    for _ in $(seq 1 240); do
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
    [[ $ready == 1 ]] || die "GET /health did not answer 200 within 120 s"
    # `timeout` runs dotnet as its child; CPU time and profiles are taken from the dotnet process itself.
    DOTNET_PID=$(pgrep -P "$SERVER_PID" | head -1) || die "cannot find the server process"
    log "server ready (pid $DOTNET_PID)"
}

# Sets COOKIE (every cookie of a signed-in browser session) and TOKEN (bearer access token) for $EMAIL.
bench_sign_in() {
    local jar="$WORK/cookies.txt" csrf status
    curl -s -f --max-time 10 -c "$jar" -b "$jar" -o "$WORK/login.html" "$BASE/Auth/Login" || die "GET /Auth/Login failed"
    csrf=$(sed -n 's/.*name="__RequestVerificationToken"[^>]*value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
    [[ -n $csrf ]] || die "no __RequestVerificationToken on the sign-in page"
    status=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
        --data-urlencode "Input.Email=$EMAIL" --data-urlencode "Input.Password=$PASSWORD" \
        --data-urlencode "__RequestVerificationToken=$csrf" "$BASE/Auth/Login")
    [[ $status == 302 ]] || die "cookie sign-in answered $status, expected 302"
    # Netscape jar: 7 tab-separated fields; HttpOnly cookies are written with a "#HttpOnly_" prefix.
    COOKIE=$(awk -F'\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
    [[ $COOKIE == *terrain.auth=* ]] || die "no terrain.auth cookie after sign-in"

    TOKEN=$(curl -s -f --max-time 30 -H 'Content-Type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" |
        sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p') || die "POST /api/v1/auth/login failed"
    [[ -n $TOKEN ]] || die "no accessToken in the login response"
    log "signed in as $EMAIL (cookie and bearer token)"
}

# header_args AUTH: fills the global array HDR with the -H arguments (curl and wrk alike) for an auth kind.
header_args() {
    case $1 in
        cookie) HDR=(-H "Cookie: $COOKIE") ;;
        bearer) HDR=(-H "Authorization: Bearer $TOKEN") ;;
        none) HDR=() ;;
        *) die "unknown auth '$1'" ;;
    esac
}

# Every URL must answer 200 with its auth before anything is measured (a 302 to the sign-in page would
# otherwise be benchmarked as a very fast page).
bench_check_endpoints() {
    local e key name path auth role status
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
