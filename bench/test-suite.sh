#!/usr/bin/env bash
# The data-test suite's wall time, before and after a change, in one run: builds both commits in throwaway
# worktrees, then runs `dotnet test --no-build` on tests/Terrain.Tests of each, alternating, ROUNDS times.
# Only the test run is timed, never the build. Needs TERRAIN_TEST_POSTGRES (the PostgreSQL variants run too).
# Each side runs in the configuration its README's test command used: BEFORE_CONFIG (Debug by default, as
# `dotnet test` was before 2026-12-03) and AFTER_CONFIG (Release, as `dotnet test -c Release` is since).
# Usage: bench/test-suite.sh BEFORE_COMMIT [AFTER_COMMIT=HEAD]   (ROUNDS=1 by default; about 12 minutes a round)
# FILTER, when set, is passed to both runs as `--filter` (for example to run only the tests both commits have).
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?give the commit to compare with}
after=${2:-HEAD}
rounds=${ROUNDS:-1}
before_config=${BEFORE_CONFIG:-Debug}
after_config=${AFTER_CONFIG:-Release}
filter=()
[ -n "${FILTER:-}" ] && filter=(--filter "$FILTER")
: "${TERRAIN_TEST_POSTGRES:?set TERRAIN_TEST_POSTGRES so the PostgreSQL variants run}"
export CI=true DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; git worktree remove --force "$work/after" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
for side in before after; do
    commit=${!side}
    git worktree add --detach "$work/$side" "$commit" >/dev/null 2>&1
    config_var=${side}_config
    echo "building $side ($(git rev-parse --short "$commit"), ${!config_var})" >&2
    dotnet build "$work/$side/tests/Terrain.Tests" -c "${!config_var}" -v quiet >/dev/null
done
echo "| round | side | commit | configuration | tests | wall time (s) | CPU of the test process (user + sys, s) |"
echo "|---|---|---|---|---|---:|---:|"
for round in $(seq "$rounds"); do
    for side in before after; do
        log="$work/$side.log"
        config_var=${side}_config
        start=$(date +%s)
        /usr/bin/time -f "cpu %U %S" -o "$work/$side.time" \
            dotnet test "$work/$side/tests/Terrain.Tests" -c "${!config_var}" --no-build "${filter[@]}" >"$log" 2>&1 || true
        end=$(date +%s)
        summary=$(grep -E "^(Passed|Failed)!" "$log" | tail -1 | sed 's/ - Terrain.Tests.dll.*//')
        cpu=$(awk '/^cpu/ { printf "%.0f + %.0f", $2, $3 }' "$work/$side.time")
        echo "| $round | $side | $(git rev-parse --short "${!side}") | ${!config_var} | $summary | $((end - start)) | $cpu |"
    done
done
