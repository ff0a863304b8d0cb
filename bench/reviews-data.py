#!/usr/bin/env python3
"""A year of bi-weekly reviews for every rep, written straight into the tables (bench/reviews.sh).

  reviews-data.py sqlite DB_FILE            writes into the SQLite file (executemany, one transaction)
  reviews-data.py csv USERS_CSV OUT_DIR     USERS_CSV: id,email,managerId,role rows from PostgreSQL; writes
                                            cycle.csv plans.csv reviews.csv actions.csv opps.csv for COPY (NULL '\\N')

One open cycle over this calendar year (so that it is the current one), an approved plan per rep, 26 reviews per rep in
14-day windows from 1 January: past ones 80% held, 8% late, 12% missed; 40% of completed ones record one or two variance
reasons and agree a corrective action on the first reason's goal (claims decided once their date passed); 70% carry a
rep and a manager call; three won deals per rep and quarter. Deterministic (fixed seed).
"""
import csv
import datetime as dt
import json
import os
import random
import sqlite3
import sys
import uuid

CATEGORIES = ["PipelineShortfall", "DealsSlipped", "LostToCompetitor", "RampUp", "Market", "TerritoryChange", "ActivityShortfall", "PlanWasWrong"]
WEIGHTS = [30, 25, 10, 5, 8, 4, 14, 4]
METRICS = ["RevenueWon", "PipelineCreated", "ActivitiesHeld", "NewLogos"]
GOALS = ["rev", "pipe", "meet"]
EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)

REVIEW_COLS = ["Id", "CycleId", "PlanId", "RepId", "ManagerId", "Cadence", "Number", "WindowStart", "WindowEnd", "ScheduledOn", "Moved", "Agenda",
               "SharedNotes", "SelfAssessment", "CoachingNotes", "RepCommit", "RepBestCase", "RepCallNote", "ManagerCommit", "ManagerBestCase",
               "ManagerCallNote", "Variances", "NoActionReason", "NoActionSignedById", "NoActionSignedAt", "Snapshot", "CompletedAt", "CompletedOn",
               "CompletedById", "CreatedAt", "Version"]
ACTION_COLS = ["Id", "ReviewId", "CycleId", "RepId", "ManagerId", "What", "OwnerId", "Due", "GoalKey", "ClaimMetric", "ClaimFilter", "ClaimFilterId",
               "ClaimAmount", "ClaimFrom", "ClaimBy", "ClaimOutcome", "ClaimActual", "ClaimCheckedAt", "Status", "DropReason", "Outcome",
               "RepConfirmedById", "RepConfirmedAt", "ManagerConfirmedById", "ManagerConfirmedAt", "CreatedById", "CreatedAt", "Version"]
PLAN_COLS = ["Id", "CycleId", "OwnerId", "Status", "WorkingVersion", "ApprovedVersion", "FirstSubmittedAt", "LastSubmittedAt", "ApprovedAt",
             "ApprovedById", "CreatedAt", "UpdatedAt", "ConcurrencyToken"]
CYCLE_COLS = ["Id", "ApprovalWindowDays", "ClosedAt", "CreatedAt", "CreatedById", "DraftDue", "Kickoff", "Name", "PeriodEnd", "PeriodStart",
              "RequireAcknowledgement", "Status", "StrategyId", "TimeZone", "Version", "Calendar"]
REASON_COLS = ["ReviewId", "GoalKey", "CycleId", "RepId", "ManagerId", "CompletedOn", "Category"]
OPP_COLS = ["Id", "ExternalId", "LineId", "Name", "AccountId", "AccountName", "OwnerId", "Stage", "Outcome", "Forecast", "Amount", "Currency",
            "OriginalAmount", "Probability", "CloseDate", "CreatedDate", "Type", "ProductId", "ProductName", "LossReason", "Deleted", "LastImportId",
            "UpdatedAt"]


class Values:
    """How each provider stores a value (EF Core's mappings: ADR 0012 cents, SQLite instants as binary ticks)."""

    def __init__(self, sqlite):
        self.sqlite = sqlite

    def id(self, rng):
        u = uuid.UUID(int=rng.getrandbits(128), version=4)
        return str(u).upper() if self.sqlite else str(u)

    @staticmethod
    def token(rng):
        return uuid.UUID(int=rng.getrandbits(128), version=4).hex

    def at(self, day):
        t = dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.timezone.utc)
        if not self.sqlite:
            return t.isoformat()
        ticks = (t - EPOCH) // dt.timedelta(microseconds=1) * 10
        return (ticks // 1000) << 11  # DateTimeOffsetToBinaryConverter, offset 0

    def flag(self, value):
        return (1 if value else 0) if self.sqlite else ("t" if value else "f")


def windows(year):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = [(start + dt.timedelta(days=14 * i)) for i in range(27) if start + dt.timedelta(days=14 * i) <= end]
    spans = [(d, d + dt.timedelta(days=13)) for d in days]
    if (end - spans[-1][0]).days < 7:  # a remainder under a week joins the last window
        spans = spans[:-1]
    spans[-1] = (spans[-1][0], end)
    return spans


def generate(users, v):
    """users: (id, email, managerId, role). Yields (table, columns, rows)."""
    rng = random.Random(20261202)
    today = dt.date.today()
    year = today.year
    leader = next(u for u in users if u[3] == "Leader")[0]
    reps = sorted((u for u in users if u[3] == "Rep" and u[2]), key=lambda u: u[1])
    cycle = v.id(rng)
    yield "Cycles", CYCLE_COLS, [[cycle, 14, None, v.at(dt.date(year - 1, 11, 1)), leader, f"{year - 1}-12-15", f"{year - 1}-11-20",
                                  f"Reviews bench FY{year}", f"{year}-12-31", f"{year}-01-01", v.flag(False), "Open", None, "UTC", v.token(rng), "Months"]]
    plans, reviews, actions, opps, reasons = [], [], [], [], []
    spans = windows(year)
    quarters = [(dt.date(year, m, 1), (dt.date(year, m + 3, 1) if m < 10 else dt.date(year + 1, 1, 1)) - dt.timedelta(days=1)) for m in (1, 4, 7, 10)]
    snapshot = json.dumps({"asOf": f"{year}-01-01", "period": "Q1", "edition": 1, "goals": [], "actionItems": [], "earlierActions": []})
    for n, (rep, email, manager, _) in enumerate(reps, 1):
        plan = v.id(rng)
        plans.append([plan, cycle, rep, "Approved", 1, 1, v.at(dt.date(year - 1, 12, 1)), v.at(dt.date(year - 1, 12, 1)),
                      v.at(dt.date(year - 1, 12, 10)), manager, v.at(dt.date(year - 1, 11, 20)), v.at(dt.date(year - 1, 12, 10)), v.token(rng)])
        quota = rng.randint(50, 150) * 1_000_00  # cents per quarter
        for q, (qs, qe) in enumerate(quarters):
            for k in range(3):
                close = qs + dt.timedelta(days=rng.randint(0, (qe - qs).days))
                if close > today:
                    continue
                amount = quota // 3 + rng.randint(-quota // 6, quota // 6)
                opps.append([v.id(rng), f"RVW-{n:05d}-{q}-{k}", "", f"Bench deal {n}-{q}-{k}", None, "", rep, "Closed Won", "Won", "Closed",
                             amount, "USD", amount, 100, close.isoformat(), (close - dt.timedelta(days=60)).isoformat(), "NewBusiness", None, None, None,
                             v.flag(False), v.id(rng), v.at(close)])
        for number, (ws, we) in enumerate(spans, 1):
            rid = v.id(rng)
            completed_on, variances, rep_call, mgr_call = None, [], None, None
            if we < today:
                roll = rng.random()
                if roll < 0.80:
                    completed_on = we - dt.timedelta(days=rng.randint(0, 5))
                elif roll < 0.88:
                    completed_on = min(we + dt.timedelta(days=rng.randint(1, 5)), today)
            if completed_on is not None:
                if rng.random() < 0.40:
                    keys = rng.sample(GOALS, rng.choice([1, 1, 2]))
                    variances = [{"goalKey": g, "category": rng.choices(CATEGORIES, WEIGHTS)[0], "explanation": "Behind plan."} for g in keys]
                if rng.random() < 0.70:
                    rep_call = quota + rng.randint(-quota // 4, quota // 4)
                    mgr_call = quota + rng.randint(-quota // 5, quota // 5)
            done = completed_on is not None
            reviews.append([rid, cycle, plan, rep, manager, "Biweekly", number, ws.isoformat(), we.isoformat(), we.isoformat(), v.flag(False), "", "", "",
                            "Coaching notes." if done else "", rep_call, None, "", mgr_call, None, "", json.dumps(variances), None, None, None,
                            snapshot if done else None, v.at(completed_on) if done else None, completed_on.isoformat() if done else None,
                            manager if done else None, v.at(ws), v.id(rng)])
            for reason in variances:  # the rows the application writes when it completes a review (ADR 0051)
                reasons.append([rid, reason["goalKey"], cycle, rep, manager, completed_on.isoformat(), reason["category"]])
            if variances:
                by = completed_on + dt.timedelta(days=rng.randint(14, 45))
                metric = rng.choice(METRICS)
                outcome, actual, status = "Pending", None, "Open"
                if by < today:
                    outcome = rng.choices(["Achieved", "PartlyAchieved", "Missed"], [45, 30, 25])[0]
                    actual = {"Achieved": 10_000_00, "PartlyAchieved": 4_000_00, "Missed": 0}[outcome]
                    status = "Done" if rng.random() < 0.7 else "Open"
                confirmed = rng.random() < 0.95
                actions.append([v.id(rng), rid, cycle, rep, manager, f"{metric} push after review {number}", rep, by.isoformat(), variances[0]["goalKey"],
                                metric, "None", None, 10_000_00, completed_on.isoformat(), by.isoformat(), outcome, actual,
                                v.at(by) if actual is not None else None, status, None, "", rep if confirmed else None,
                                v.at(completed_on) if confirmed else None, manager, v.at(completed_on), manager, v.at(completed_on), v.id(rng)])
    yield "Plans", PLAN_COLS, plans
    yield "Reviews", REVIEW_COLS, reviews
    yield "ReviewReasons", REASON_COLS, reasons
    yield "CorrectiveActions", ACTION_COLS, actions
    yield "Opportunities", OPP_COLS, opps


def main():
    mode = sys.argv[1]
    if mode == "sqlite":
        con = sqlite3.connect(sys.argv[2])
        users = con.execute('SELECT "Id", "Email", "ManagerId", "Role" FROM "AspNetUsers"').fetchall()
        with con:
            for table, cols, rows in generate(users, Values(True)):
                con.executemany(f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) VALUES ({", ".join("?" * len(cols))})', rows)
                print(f"{table}: {len(rows)} rows", file=sys.stderr)
        con.close()
    elif mode == "csv":
        with open(sys.argv[2], newline="") as f:
            users = [tuple(r[i] or None for i in range(4)) for r in csv.reader(f)]
        out = sys.argv[3]
        for table, cols, rows in generate(users, Values(False)):
            with open(os.path.join(out, f"{table}.csv"), "w", newline="") as f:
                f.write(",".join(f'"{c}"' for c in cols) + "\n")
                w = csv.writer(f, lineterminator="\n")
                w.writerows([["\\N" if x is None else x for x in r] for r in rows])
            print(f"{table}: {len(rows)} rows", file=sys.stderr)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
