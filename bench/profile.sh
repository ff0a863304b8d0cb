#!/usr/bin/env bash
# Where the server's CPU goes, per endpoint (docs/benchmarks.md). One command, from anywhere:
#
#   bench/profile.sh > /tmp/profile.md   # progress on stderr, markdown report on stdout
#
# Same setup as bench/load.sh (Release build, `terrain demo` on 127.0.0.1, rep1 signed in), but the server runs
# with DOTNET_PerfMapEnabled=1 (and W^X off) so `perf` can name JIT-compiled .NET methods. After a warm-up long
# enough for tiered compilation to settle, each endpoint is driven by wrk while `perf record` samples the server
# process only; bench/perf-classify.awk then buckets the samples (EF Core, SQLite, Razor, auth, GC, ...).
# Percentages are shares of the server's own CPU, so they hold up on a busy machine better than req/s do.
# Needs perf (linux-perf) and permission to profile the server process.
#
# Knobs (environment): BENCH_PROFILE_WARMUP=20 (s per endpoint) BENCH_PROFILE_SECONDS=10 BENCH_PERF_FREQ=499
#                      BENCH_THREADS=2 BENCH_CONNECTIONS=32, and those of bench/lib.sh
set -euo pipefail

BENCH_NAME=profile
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
WARMUP=${BENCH_PROFILE_WARMUP:-20}
PROFILE_SECONDS=${BENCH_PROFILE_SECONDS:-10}
FREQ=${BENCH_PERF_FREQ:-499}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for n in THREADS CONNECTIONS WARMUP PROFILE_SECONDS FREQ; do
    [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer (got '${!n}')"
done
command -v perf >/dev/null || die "perf not found (apt-get install linux-perf)"

BUCKETS=(
    "EF Core + ADO.NET (managed)"
    "SQLite engine (native)"
    "Razor rendering"
    "JSON serialization"
    "Auth, data protection, crypto"
    "Health check (other)"
    "ASP.NET Core pipeline (other)"
    "Kernel (network, scheduling)"
    "GC"
    "JIT: on request threads"
    "JIT: background tier-up"
    "Runtime, thread pool, libc (unattributed)"
)

bench_build
bench_start_server $((300 + ${#ENDPOINTS[@]} * (WARMUP + PROFILE_SECONDS + 60))) \
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
bench_sign_in
bench_check_endpoints

wrk_run() { # wrk_run SECONDS PATH AUTH OUT
    header_args "$3"
    timeout --kill-after=5 $(($1 + 30)) "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"${1}s" --timeout 5s -s "$LUA" \
        ${HDR[@]+"${HDR[@]}"} "$BASE$2" >"$4" 2>&1
}

for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name path auth role <<<"$e"
    log "warm-up: $name, ${WARMUP}s"
    wrk_run "$WARMUP" "$path" "$auth" "$RESULTS/$key.warmup.txt" || die "wrk failed for $name"
done

LOAD_BEFORE=$(uptime)
for e in "${ENDPOINTS[@]}"; do
    IFS='|' read -r key name path auth role <<<"$e"
    # wrk runs 4 s longer than perf so the profile sees steady load only, none of wrk's start or end.
    s0=$(proc_ticks "$DOTNET_PID")
    wrk_run $((PROFILE_SECONDS + 4)) "$path" "$auth" "$RESULTS/$key.txt" &
    wrk_pid=$!
    sleep 2
    perf record -q -F "$FREQ" -g -p "$DOTNET_PID" -o "$WORK/$key.perf" -- sleep "$PROFILE_SECONDS" >/dev/null 2>&1 ||
        die "perf record failed (is /proc/sys/kernel/perf_event_paranoid too strict?)"
    wait "$wrk_pid" || die "wrk failed for $name"
    s1=$(proc_ticks "$DOTNET_PID")
    result=$(grep '^RESULT ' "$RESULTS/$key.txt") || die "no RESULT from wrk for $name"
    requests=$(sed -n 's/.* requests=\([^ ]*\).*/\1/p' <<<"$result")
    non2xx=$(sed -n 's/.* non2xx=\([^ ]*\).*/\1/p' <<<"$result")
    ((non2xx == 0)) || die "$name: $non2xx responses were not 2xx during the profile"
    rps=$(sed -n 's/.* rps=\([^ ]*\).*/\1/p' <<<"$result")
    cpu_us=$(awk -v s="$((s1 - s0))" -v hz="$HZ" -v r="$requests" 'BEGIN { printf "%.0f", s / hz * 1e6 / r }')
    echo "$rps $cpu_us" >"$WORK/$key.summary"

    perf script -i "$WORK/$key.perf" 2>/dev/null >"$WORK/$key.script"
    awk -f bench/perf-classify.awk "$WORK/$key.script" >"$RESULTS/$key.buckets"
    perf report -i "$WORK/$key.perf" --no-children --sort dso,sym -g none --stdio 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -40 >"$RESULTS/$key.top-symbols.txt" || true
    log "$name: $(printf '%.0f' "$rps") req/s, ${cpu_us} us server CPU/request, $(awk -F'\t' '$3 == "total" { print $2 }' "$RESULTS/$key.buckets") samples"
done
LOAD_AFTER=$(uptime)

{
    echo "- Date: $(date)"
    echo "- Machine: $CORES cores, $(free -h | awk '/^Mem:/ { print $2 }') memory, $(uname -sr); $(perf --version 2>&1)"
    echo "- Command: \`bench/profile.sh\` (${WARMUP} s warm-up per endpoint, then perf record -F $FREQ -g for ${PROFILE_SECONDS} s under wrk -t$THREADS -c$CONNECTIONS)"
    echo "- Revision: $BENCH_REV"
    echo "- Load average before: ${LOAD_BEFORE##*load average: }; after: ${LOAD_AFTER##*load average: }"
    echo
    echo "Share of the server process's CPU samples, by bucket (bench/perf-classify.awk):"
    echo
    header="| Bucket |"
    rule="|---|"
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        header+=" \`${name#GET }\` |"
        rule+="---:|"
    done
    echo "$header"
    echo "$rule"
    for b in "${BUCKETS[@]}"; do
        row="| $b |"
        for e in "${ENDPOINTS[@]}"; do
            IFS='|' read -r key name path auth role <<<"$e"
            pct=$(awk -F'\t' -v b="$b" '$3 == b { print $1 }' "$RESULTS/$key.buckets")
            row+=" ${pct:-0.0}% |"
        done
        echo "$row"
    done
    row="| **req/s during the profile** |"
    row2="| **Server CPU per request** |"
    row3="| samples |"
    for e in "${ENDPOINTS[@]}"; do
        IFS='|' read -r key name path auth role <<<"$e"
        read -r rps cpu_us <"$WORK/$key.summary"
        row+=" $(printf '%.0f' "$rps") |"
        row2+=" ${cpu_us} us |"
        row3+=" $(awk -F'\t' '$3 == "total" { print $2 }' "$RESULTS/$key.buckets") |"
    done
    echo "$row"
    echo "$row2"
    echo "$row3"
} | tee "$RESULTS/report.md"
log "report, top symbols per endpoint and server log: $RESULTS"
