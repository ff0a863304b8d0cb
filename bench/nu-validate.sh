#!/usr/bin/env bash
# The Nu HTML checker over the main pages as each role (issue 12, section 8). Not part of the test suite.
#
#   bench/nu-validate.sh > /tmp/nu.md          # progress on stderr, markdown report on stdout
#
# Starts `terrain demo` (or uses NU_BASE=http://127.0.0.1:PORT, a demo already running), signs in as rep1, manager1,
# leader and admin, crawls up to NU_PAGES pages each from the home page (bench/nu-crawl.py: one page per route shape,
# the rules of OneWayToWriteTests' crawl) and runs vnu.jar over every page saved. Reports the pages checked and each
# error message with how often and where it occurs; exits 1 when there is an error.
#
# Needs Java (apt-get install -y default-jre-headless) and vnu.jar: VNU_JAR=<path>, else it is fetched from npm
# (the vnu-jar package) into the work directory.
# Knobs (environment): NU_BASE NU_PAGES=45 NU_PEOPLE="rep1 manager1 leader admin" VNU_JAR
#                      BENCH_SKIP_BUILD, BENCH_DLL, BENCH_PORT, BENCH_RESULTS (see bench/lib.sh)
set -euo pipefail

BENCH_NAME=nu-validate
DEFAULT_ENDPOINTS="health"
BENCH_NO_WRK=1
BENCH_START_WAIT=${BENCH_START_WAIT:-600}
PAGES=${NU_PAGES:-45}
PEOPLE=${NU_PEOPLE:-rep1 manager1 leader admin}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v java >/dev/null || die "java not found (apt-get install -y default-jre-headless)"
command -v python3 >/dev/null || die "python3 not found"

JAR=${VNU_JAR:-}
if [[ -z $JAR ]]; then
    log "fetching vnu-jar from npm"
    npm install --silent --no-audit --no-fund --prefix "$WORK/vnu" vnu-jar >&2 || die "npm install vnu-jar failed"
    JAR="$WORK/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
fi
[[ -f $JAR ]] || die "vnu.jar not found at $JAR"

if [[ -n ${NU_BASE:-} ]]; then
    BASE=${NU_BASE%/}
    BENCH_REV="the running instance at $BASE"
else
    bench_build
    bench_start_server 1800
fi

PAGES_DIR="$WORK/pages"
total=0
for who in $PEOPLE; do
    email="$who@demo.terrain"
    jar="$WORK/cookies-$who.txt"
    curl -s -f --max-time 60 -c "$jar" -b "$jar" -o "$WORK/login.html" "$BASE/Auth/Login" || die "GET /Auth/Login failed"
    csrf=$(sed -n 's/.*name="__RequestVerificationToken"[^>]*value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
    status=$(curl -s --max-time 120 -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "Input.Email=$email" \
        --data-urlencode "Input.Password=$PASSWORD" --data-urlencode "__RequestVerificationToken=$csrf" "$BASE/Auth/Login")
    [[ $status == 302 ]] || die "signing in as $email answered $status"
    cookie=$(awk -F'\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
    n=$(python3 bench/nu-crawl.py "$BASE" "$cookie" "$PAGES_DIR/$who" "$PAGES") || die "crawling as $who failed"
    log "$who: $n pages saved"
    total=$((total + n))
done
# The sign-in page, anonymous.
mkdir -p "$PAGES_DIR/anonymous"
curl -s -f --max-time 60 -o "$PAGES_DIR/anonymous/001.html" "$BASE/Auth/Login" || die "GET /Auth/Login failed"
printf '001.html\t/Auth/Login\n' >"$PAGES_DIR/anonymous/pages.tsv"
total=$((total + 1))

log "vnu over $total pages"
java -Xss4m -jar "$JAR" --errors-only --format json --skip-non-html "$PAGES_DIR" 2>"$RESULTS/vnu.json" || true
python3 - "$PAGES_DIR" "$RESULTS/vnu.json" "$total" "$BENCH_REV" "$PEOPLE" <<'PY' | tee "$RESULTS/report.md"
import json, sys
from collections import defaultdict
from pathlib import Path
pages_dir, report, total, rev, people = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
where = {}
for tsv in pages_dir.glob("*/pages.tsv"):
    for line in tsv.read_text().splitlines():
        name, path = line.split("\t", 1)
        where[str((tsv.parent / name).resolve())] = f"{tsv.parent.name} {path}"
messages = json.loads(Path(report).read_text() or '{"messages": []}')["messages"]
errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
by = defaultdict(list)
for m in errors:
    file = m.get("url", "").removeprefix("file:")
    by[m.get("message", "?")].append(where.get(str(Path(file).resolve()), file))
print("## Nu HTML checker over the main pages as each role\n")
print(f"- Build: {rev}")
print(f"- People: {people} and the anonymous sign-in page; {total} pages checked")
print(f"- Errors: {len(errors)} on {len({p for ps in by.values() for p in ps})} pages\n")
if by:
    print("| Error | Times | Pages (first three) |\n|---|---:|---|")
    for message, places in sorted(by.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(sorted(set(places))[:3]).replace("|", "\\|")
        text = message.replace("|", "\\|")
        print(f"| {text} | {len(places)} | {shown} |")
sys.exit(1 if errors else 0)
PY
