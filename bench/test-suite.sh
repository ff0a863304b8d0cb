#!/usr/bin/env bash
# The data-test suite's wall time, before and after a change, in one run: builds both commits in throwaway
# worktrees, then runs `dotnet test --no-build` on tests/Terrain.Tests of each, alternating, ROUNDS times.
# Only the test run is timed, never the build. Needs TERRAIN_TEST_POSTGRES (the PostgreSQL variants run too).
# Usage: bench/test-suite.sh BEFORE_COMMIT [AFTER_COMMIT=HEAD]   (ROUNDS=1 by default; about 12 minutes a round)
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?give the commit to compare with}
after=${2:-HEAD}
rounds=${ROUNDS:-1}
: "${TERRAIN_TEST_POSTGRES:?set TERRAIN_TEST_POSTGRES so the PostgreSQL variants run}"
export CI=true DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; git worktree remove --force "$work/after" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
for side in before after; do
    commit=${!side}
    git worktree add --detach "$work/$side" "$commit" >/dev/null 2>&1
    echo "building $side ($(git rev-parse --short "$commit"))" >&2
    dotnet build "$work/$side/tests/Terrain.Tests" -v quiet >/dev/null
done
echo "| round | side | commit | tests | wall time (s) |"
echo "|---|---|---|---|---|"
for round in $(seq "$rounds"); do
    for side in before after; do
        log="$work/$side.log"
        start=$(date +%s)
        dotnet test "$work/$side/tests/Terrain.Tests" --no-build >"$log" 2>&1 || true
        end=$(date +%s)
        summary=$(grep -E "^(Passed|Failed)!" "$log" | tail -1 | sed 's/ - Terrain.Tests.dll.*//')
        echo "| $round | $side | $(git rev-parse --short "${!side}") | $summary | $((end - start)) |"
    done
done
