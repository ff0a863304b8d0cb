#!/usr/bin/env bash
# The territory balancer's benchmark (issue 13 §3, ADR 0040): seeded instances with accounts clustered in cities
# and lognormal potentials, 10 reps x 2,000 accounts and 2,000 territories x 200,000 accounts. Builds
# bench/Balance (a console that compiles the balancer's sources; no database, no server) in Release and prints a
# markdown report on stdout, progress on stderr.
# Usage: bench/balance.sh > /tmp/balance.md      (about 12 minutes on a quiet 2-core machine)
# Knobs: BENCH_SIZES="10x2000 2000x200000" BENCH_SEED=1 BENCH_BUDGET_SMALL=4.5 BENCH_BUDGET_LARGE=110 (seconds)
#        BENCH_LOOSE=1 adds a run with balance switched off (the solver's own compactness floor)
#        BENCH_SWEEP="0.1 0.2 0.5" adds fresh runs at those tolerances (the price of balance)
#        BENCH_ONLY_FRESH=1 runs only the fresh cases; BENCH_RESTARTS, BENCH_ROUNDS, BENCH_SOLVER_SEED set the
#        balancer's starts, improvement rounds and seed (default: its own choice, seed 1)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
read -r -a sizes <<<"${BENCH_SIZES:-10x2000 2000x200000}"
echo "building bench/Balance (Release)" >&2
dotnet build bench/Balance -c Release -v quiet >&2
load_before=$(uptime)
started=$(date +%s)
report=$(timeout 3600 dotnet bench/Balance/bin/Release/net10.0/Terrain.Bench.Balance.dll "${sizes[@]}")
load_after=$(uptime)
echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); revision $(git rev-parse --short HEAD)"
echo "- Machine: $(nproc) cores, $(free -h | awk '/^Mem:/ { print $2 }') memory, $(uname -sr)"
echo "- Load average before: ${load_before##*load average: }; after: ${load_after##*load average: } (other agents' builds and tests share the cores)"
echo "- Command: \`bench/balance.sh\` (sizes ${sizes[*]}, seed ${BENCH_SEED:-1}, budgets ${BENCH_BUDGET_SMALL:-4.5} s / ${BENCH_BUDGET_LARGE:-110} s); wall time $(($(date +%s) - started)) s"
echo
echo "$report"
