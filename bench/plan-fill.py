#!/usr/bin/env python3
"""Fills one rep's plan for bench/plan.sh (and bench/profile.sh), through the public HTTP API only.

    python3 bench/plan-fill.py BASE REP_EMAIL MANAGER_EMAIL PASSWORD ACCOUNTS ACTIONS

1. Signs in (POST /api/v1/auth/login) as admin@demo.terrain, the rep and the rep's manager.
2. Finds the rep's plan in the newest open cycle (GET /api/v1/cycles, GET /api/v1/plans). An approved plan is
   amended by the rep (POST .../amend), a submitted one sent back by the manager (POST .../request-changes), so that
   the rep can edit it.
3. Tops the rep's accounts up to exactly ACCOUNTS (GET /api/v1/accounts?owner=me counts them; the admin imports the
   missing ones as CSV through POST /api/v1/imports/accounts, external ids BENCH-PLAN-00001..., owner_email the rep).
4. As the rep, saves every section with PUT /api/v1/plans/{id}/sections/{key} and If-Match (the version from
   GET .../sections/{key}): goals first (the actions link to them), then every account tiered A to D by potential
   with a why and a next move, ACTIONS actions due inside the cycle's period linked to a goal and an account, and
   text in every other section.
5. Checks with GET /api/v1/plans/{id}, as the rep and as the manager, that the content is there.

Prints one line of JSON on stdout (plan id, counts, sizes); progress on stderr. Exits non-zero on any failure.
Talks to 127.0.0.1 only.
"""
import datetime
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE, REP, MANAGER, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ACCOUNTS, ACTIONS = int(sys.argv[5]), int(sys.argv[6])
ADMIN = "admin@demo.terrain"
if urllib.parse.urlparse(BASE).hostname != "127.0.0.1":
    sys.exit("plan-fill.py talks to 127.0.0.1 only")


def log(message):
    print(f"[plan-fill] {message}", file=sys.stderr, flush=True)


def call(method, path, token=None, body=None, headers=None, content_type="application/json", expect=(200,)):
    """One request; returns (status, headers, parsed JSON or None). Fails on an unexpected status."""
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, raw, head = response.status, response.read(), response.headers
    except urllib.error.HTTPError as e:
        status, raw, head = e.code, e.read(), e.headers
    if status not in expect:
        sys.exit(f"{method} {path} answered {status}, expected {expect}: {raw[:600].decode(errors='replace')}")
    return status, head, (json.loads(raw) if raw and raw.lstrip()[:1] in (b"{", b"[") else None)


def login(email):
    _, _, body = call("POST", "/api/v1/auth/login", body={"email": email, "password": PASSWORD})
    return body["accessToken"]


def own_accounts(token):
    items, page = [], 1
    while True:
        _, _, body = call("GET", f"/api/v1/accounts?owner=me&pageSize=1000&page={page}", token)
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            return items
        page += 1


rep, admin, manager = login(REP), login(ADMIN), login(MANAGER)

# ---- the plan ------------------------------------------------------------------------------------------------------
_, _, cycles = call("GET", "/api/v1/cycles", rep)
cycle = next((c for c in cycles if c["status"] == "Open"), None) or sys.exit("no open cycle")
_, _, plans = call("GET", f"/api/v1/plans?cycle={cycle['id']}", rep)
plan = next((p for p in plans if p["ownerEmail"].lower() == REP.lower()), None) or sys.exit(f"{REP} has no plan in {cycle['name']}")
plan_id = plan["id"]
log(f"{REP}'s plan {plan_id} in {cycle['name']} ({cycle['periodStart']} to {cycle['periodEnd']}) is {plan['status']}")
if plan["status"] == "Submitted":
    call("POST", f"/api/v1/plans/{plan_id}/request-changes", manager, {"comment": "Sent back so that the benchmark can fill it."})
    log("sent back by the manager (request-changes) so that the rep can edit it")
elif plan["status"] == "Approved":
    call("POST", f"/api/v1/plans/{plan_id}/amend", rep, {})
    log("amended by the rep (a new working version) so that the rep can edit it")

# ---- the accounts: exactly ACCOUNTS owned by the rep -------------------------------------------------------------
have = own_accounts(rep)
if len(have) > ACCOUNTS:
    sys.exit(f"{REP} already owns {len(have)} accounts, more than {ACCOUNTS}")
missing = ACCOUNTS - len(have)
if missing:
    industries = ["Manufacturing", "Healthcare", "Retail", "Financial Services", "Technology", "Logistics", "Energy"]
    segments = [("Enterprise", 400_000), ("Mid-Market", 90_000), ("SMB", 8_000)]
    lines = ["external_id,name,industry,segment,region,postal_code,latitude,longitude,potential,owner_email"]
    for n in range(1, missing + 1):
        segment, base = segments[n % 3]
        potential = base + (n * 7919) % 97 * (base // 20)
        lines.append(f"BENCH-PLAN-{n:05d},\"Bench Account {n:03d}, Inc.\",{industries[n % len(industries)]},{segment},North,"
                     f"55{n % 1000:03d},{44 + (n % 100) / 100:.2f},{-94 + (n % 100) / 100:.2f},{potential},{REP}")
    _, _, report = call("POST", "/api/v1/imports/accounts", admin, "\n".join(lines) + "\n", content_type="text/csv")
    log(f"imported {missing} accounts owned by {REP} (it owned {len(have)}): {json.dumps(report)[:300]}")
    have = own_accounts(rep)
if len(have) != ACCOUNTS:
    sys.exit(f"{REP} owns {len(have)} accounts after the import, expected {ACCOUNTS}")

# ---- the content ---------------------------------------------------------------------------------------------------
start = datetime.date.fromisoformat(cycle["periodStart"])
end = datetime.date.fromisoformat(cycle["periodEnd"])
days = (end - start).days
ranked = sorted(have, key=lambda a: (-a["annualPotential"], a["name"]))
a_cut, b_cut, c_cut = ACCOUNTS * 15 // 100, ACCOUNTS * 45 // 100, ACCOUNTS * 75 // 100
tiers = {a["id"]: ("A" if i < a_cut else "B" if i < b_cut else "C" if i < c_cut else "D") for i, a in enumerate(ranked)}
quarters = len(cycle["quarters"])
goals = [
    {"id": "rev-existing", "metric": "Revenue", "name": "Revenue from existing customers", "targets": [450000 + 25000 * q for q in range(quarters)]},
    {"id": "rev-new", "metric": "Revenue", "name": "Revenue from new business", "segment": "Mid-Market", "targets": [120000 + 30000 * q for q in range(quarters)]},
    {"id": "rev-platform", "metric": "Revenue", "name": "Platform upsell", "product": "Platform", "targets": [60000] * quarters},
    {"id": "logos", "metric": "NewLogos", "name": "New logos", "targets": [3, 4, 4, 5][:quarters] + [4] * max(0, quarters - 4)},
    {"id": "pipeline", "metric": "Pipeline", "name": "Qualified pipeline created", "targets": [900000] * quarters},
    {"id": "meetings", "metric": "Activity", "name": "Discovery meetings", "targets": [40] * quarters},
    {"id": "workshops", "metric": "Activity", "name": "Value workshops", "targets": [6] * quarters},
    {"id": "qbrs", "metric": "Activity", "name": "Quarterly business reviews with A accounts", "targets": [a_cut] * quarters},
]
moves = ["Executive briefing on the roadmap", "Value workshop with operations and finance", "Paid pilot at a second site",
         "Quarterly business review with the sponsor", "Introduce the pre-sales architect to the IT lead"]
whys = ["Top potential in the region and an active sponsor", "Expanding to new sites this year; budget approved",
        "Incumbent contract ends in Q2; they asked us to bid", "Two departments already use us; strong fit",
        "Fast-growing account with a new CIO open to change"]
rows = []
for i, a in enumerate(ranked):
    potential = a["annualPotential"]
    rows.append({"accountId": a["id"], "tier": tiers[a["id"]], "potential": potential, "currentRevenue": round(potential * 0.3),
                 "targetRevenue": round(potential * 0.45), "rationale": f"{whys[i % len(whys)]} ({a['segment'] or 'n/a'}, {a['industry'] or 'n/a'}).",
                 "nextMove": f"{moves[i % len(moves)]} by {start + datetime.timedelta(days=(i * 3) % days):%B %d}."})
statuses = ["NotStarted", "InProgress", "Done", "Blocked"]
actions = []
for i in range(ACTIONS):
    account = ranked[i % max(1, min(len(ranked), ACTIONS))]  # the top accounts first: every A account gets one
    actions.append({"id": f"act-{i + 1:03d}", "title": f"{moves[i % len(moves)]}: {account['name']}",
                    "due": str(start + datetime.timedelta(days=(i * 37) % (days + 1))), "status": statuses[i % 4],
                    "owner": ["", "Pre-sales", "Partner", "Manager"][i % 4] or None, "goalId": goals[i % len(goals)]["id"],
                    "accountId": account["id"]})
paragraph = ("The territory covers the northern region: manufacturing and healthcare make up most of the potential, "
             "and mid-market accounts grow fastest. Two competitors hold the largest installed base; their contracts "
             "renew over the next four quarters, which opens the door for a platform offer with a paid pilot. ")
by_kind = {
    "Narrative": lambda: {"text": "\n\n".join(f"{i + 1}. {paragraph * 2}" for i in range(5))},
    "Swot": lambda: {q: [{"point": f"{q.capitalize()[:-1]} {n + 1}: {whys[n % len(whys)]}", "soWhat": moves[n % len(moves)]} for n in range(5)]
                     for q in ["strengths", "weaknesses", "opportunities", "threats"]},
    "Goals": lambda: {"goals": goals},
    "AccountSegmentation": lambda: {"rows": rows},
    "KeyAccountPlans": lambda: {"accounts": [{"accountId": a["id"], "objectives": f"Grow {a['name']} by 50% this year.",
                                              "stakeholders": "COO (decides)\nIT lead (influences)\nProcurement (blocks)",
                                              "opportunities": "Second site rollout\nPlatform upsell", "competition": "Incumbent, renewing in Q2",
                                              "strategy": paragraph} for a in ranked[:20]]},
    "ProspectingPlan": lambda: {"prospects": [{"company": f"Prospect {n + 1} Ltd.", "usesToday": "A competitor's suite",
                                               "approach": "Introduction by a reference customer, then a value workshop",
                                               "contactBy": str(start + datetime.timedelta(days=n * 9))} for n in range(20)]},
    "ActionPlan": lambda: {"actions": actions},
    "ResourcesNeeded": lambda: {"items": [{"kind": k, "description": f"{k} support for the A accounts", "cost": 5000 * (n + 1),
                                           "neededBy": str(start + datetime.timedelta(days=30 * (n + 1)))}
                                          for n, k in enumerate(["Marketing", "PreSales", "Partner", "Budget", "Training"])]},
    "Risks": lambda: {"items": [{"risk": f"Risk {n + 1}: {whys[n % len(whys)]} may slip", "likelihood": ["Low", "Medium", "High"][n % 3],
                                 "impact": ["High", "Medium", "Low"][n % 3], "mitigation": moves[n % len(moves)]} for n in range(6)]},
}

_, _, document = call("GET", f"/api/v1/plans/{plan_id}", rep)
sections = sorted(document["sections"], key=lambda s: (s["kind"] != "Goals", s["kind"] == "ActionPlan"))  # goals first, actions last
for section in sections:
    make = by_kind.get(section["kind"]) or sys.exit(f"unknown section kind {section['kind']}")
    _, head, _ = call("GET", f"/api/v1/plans/{plan_id}/sections/{section['key']}", rep)
    content = make()
    call("PUT", f"/api/v1/plans/{plan_id}/sections/{section['key']}", rep, content, headers={"If-Match": head["ETag"]})
    log(f"saved {section['key']} ({section['kind']}, {len(json.dumps(content)) // 1024} KiB)")

# ---- check ---------------------------------------------------------------------------------------------------------
_, _, document = call("GET", f"/api/v1/plans/{plan_id}", rep)
content = {s["kind"]: s["content"] for s in document["sections"]}
seg_rows = content["AccountSegmentation"]["rows"]
saved_actions = content["ActionPlan"]["actions"]
problems = []
if len(seg_rows) != ACCOUNTS or any(r.get("tier") is None for r in seg_rows):
    problems.append(f"{len(seg_rows)} segmentation rows ({sum(1 for r in seg_rows if r.get('tier'))} tiered), expected {ACCOUNTS} tiered")
if len(saved_actions) != ACTIONS or any(not (a.get("due") and a.get("goalId") and a.get("accountId")) for a in saved_actions):
    problems.append(f"{len(saved_actions)} actions, expected {ACTIONS} each with a due date, a goal and an account")
if any(s["kind"] != "ResourcesNeeded" and s["version"] == "new" for s in document["sections"]):
    problems.append("a section was not saved")
if any(not (s["content"].get("text") or "").strip() for s in document["sections"] if s["kind"] == "Narrative"):
    problems.append("a narrative section is empty")
_, _, seen = call("GET", f"/api/v1/plans/{plan_id}", manager)
if not seen["canReview"]:
    problems.append(f"{MANAGER} cannot review the plan: is it the rep's manager?")
if problems:
    sys.exit("the plan is not as filled: " + "; ".join(problems))
print(json.dumps({
    "plan": plan_id, "cycle": cycle["id"], "cycleName": cycle["name"], "status": document["status"], "accounts": len(have),
    "imported": missing, "rows": len(seg_rows), "tiers": {t: sum(1 for r in seg_rows if r["tier"] == t) for t in "ABCD"},
    "actions": len(saved_actions), "goals": len(content["Goals"]["goals"]), "sections": len(document["sections"]),
    "blocking": len(document["checks"]["blocking"]), "warnings": len(document["checks"]["warnings"]),
}))
