#!/usr/bin/env python3
"""The actuals of bench/actuals.sh. Deterministic: deal n always has the same owner, account, stage, amount and dates.

    bench/actuals-data.py sqlite DB_FILE DEALS CHANGES ACTIVITIES
        Writes DEALS current opportunities, CHANGES change rows per deal (the history "across snapshots": the last is
        the current state, the earlier ones ended), and ACTIVITIES activities straight into the tables of a migrated
        SQLite file that holds the organisation and the accounts of bench/accounts-data.py.

    bench/actuals-data.py csv IDS.csv OUT_DIR DEALS CHANGES ACTIVITIES
        The same rows as three CSV files in the tables' column order, for PostgreSQL's COPY (IDS.csv: "kind,id,key" of
        the users by email and the accounts by external id, from the database).

    bench/actuals-data.py file OUT.csv ROWS DEALS REPS ACCOUNTS
        The opportunities CSV to import (Terrain's columns): a full extract of ROWS deals starting at deal ROWS/50 + 1,
        so that the first 2% of the database's deals are missing (marked deleted), deals past DEALS are new, and every
        tenth deal changed its amount (and an open one its stage). The rest is exactly what the database holds.
"""
import csv
import os
import random
import sqlite3
import sys
import uuid

DOMAIN = "bench.terrain"
OPEN_STAGES = ["Discovery", "Proposal", "Negotiation", "Commit"]
FORECASTS = {"Discovery": "Pipeline", "Proposal": "Pipeline", "Negotiation": "BestCase", "Commit": "Commit"}
TYPES = ["NewBusiness", "Expansion", "Renewal"]
ACTIVITY_TYPES = ["Call", "Meeting", "Email", "Demo", "Visit"]
EPOCH = 737425  # date(2020, 1, 1).toordinal()
START = 738521  # date(2023, 1, 1).toordinal(): two years of deals, 2023 and 2024
OPP_COLUMNS = ["Id", "ExternalId", "LineId", "Name", "AccountId", "AccountName", "OwnerId", "Stage", "Outcome", "Forecast", "Amount",
               "Currency", "OriginalAmount", "Probability", "CloseDate", "CreatedDate", "Type", "ProductId", "ProductName", "LossReason",
               "Deleted", "LastImportId", "UpdatedAt"]
CHANGE_COLUMNS = ["Id", "OpportunityId", "ImportId", "ValidFrom", "ValidTo", "OwnerId", "Stage", "Outcome", "Forecast", "Amount",
                  "CloseDate", "Deleted"]
ACTIVITY_COLUMNS = ["Id", "ExternalId", "OwnerId", "Type", "Date", "AccountId", "Held", "LastImportId"]


def iso(ordinal):
    from datetime import date
    return date.fromordinal(ordinal).isoformat()


def deal(n, reps, accounts, changed=False):
    """The facts of deal n as an import would read them: (rep, account, stage, outcome, forecast, cents, prob, close, created, type, loss)."""
    rep = (n - 1) % reps + 1
    account = (n - 1) % accounts + 1  # accounts-data.py gives account a to rep (a - 1) % reps + 1: the same rep
    kind = n % 10
    close = START + (n * 37) % 730
    created = close - (n % 120)
    cents = (1_000 + (n * 7919) % 99_000) * 100
    if kind < 4:
        stage, outcome, forecast, prob, loss = "Won", "Won", "Closed", 100, None
    elif kind < 6:
        stage, outcome, forecast, prob, loss = "Lost", "Lost", "Closed", 0, "Price"
    else:
        stage = OPEN_STAGES[(n // 10) % 4]
        outcome, forecast, prob, loss = "Open", FORECASTS[stage], 20 + 20 * ((n // 10) % 4), None
        close = START + 700 + (n * 37) % 400  # open deals close from late 2024 on
        created = close - 30 - (n % 300)
    if changed:
        cents += 50_000
        if outcome == "Open":
            stage = OPEN_STAGES[((n // 10) + 1) % 4]
            forecast, prob = FORECASTS[stage], 20 + 20 * (((n // 10) + 1) % 4)
    return rep, account, stage, outcome, forecast, cents, prob, close, created, TYPES[n % 3], loss


def ticks_binary(seconds):
    """A UTC instant as EF Core's DateTimeOffsetToBinaryConverter stores it on SQLite."""
    ticks = (seconds + 62_135_596_800) * 10_000_000
    return (ticks // 1000) << 11


def rows(owners, account_ids, deals, changes, activities, sqlite_style):
    """Yields ("opp" | "change" | "activity", row) in the tables' column order."""
    rng = random.Random(20261202)
    reps = len(owners)
    accounts = len(account_ids)
    import_id = uuid.UUID(int=rng.getrandbits(128), version=4)

    def gid():
        u = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return u.upper() if sqlite_style else u

    def instant(days_after_epoch):
        seconds = (EPOCH + days_after_epoch - 719163) * 86400  # 719163 = date(1970, 1, 1).toordinal()
        if sqlite_style:
            return ticks_binary(seconds)
        from datetime import datetime, timezone
        return datetime.fromtimestamp(seconds, timezone.utc).isoformat()

    imp = str(import_id).upper() if sqlite_style else str(import_id)
    false, true = (0, 1) if sqlite_style else ("f", "t")
    for n in range(1, deals + 1):
        rep, account, stage, outcome, forecast, cents, prob, close, created, typ, loss = deal(n, reps, accounts)
        opp_id = gid()
        owner = owners[rep]
        ext = f"BENCH-{account:06d}"
        yield "opp", [opp_id, f"D-{n:08d}", "", f"Deal {n:08d}", account_ids[account], ext, owner, stage, outcome, forecast, cents, "USD",
                      cents, prob, iso(close), iso(created), typ, None, None, loss, false, imp, instant(1800)]
        # The history: earlier snapshots of the same deal (an earlier stage and a smaller amount), each ended by the next.
        for k in range(changes):
            current = k == changes - 1
            valid_from = 1000 + k * 100 + n % 50
            yield "change", [gid(), opp_id, imp, instant(valid_from), None if current else instant(valid_from + 100), owner,
                             stage if current else OPEN_STAGES[k % 4], outcome if current else "Open",
                             forecast if current else "Pipeline", cents if current else cents - (changes - k) * 1000, iso(close), false]
    for n in range(1, activities + 1):
        rep = (n - 1) % reps + 1
        account = (n - 1) % accounts + 1
        day = START + (n * 13) % 730
        yield "activity", [gid(), f"A-{n:08d}", owners[rep], ACTIVITY_TYPES[n % 5], iso(day), account_ids[account], true if n % 7 else false, imp]


def rep_number(email):
    local = email.lower().split("@")[0]
    return int(local[3:]) if local.startswith("rep") and local[3:].isdigit() else None


def account_number(external_id):
    return int(external_id[6:]) if external_id.startswith("BENCH-") and external_id[6:].isdigit() else None


def main():
    mode = sys.argv[1]
    if mode == "sqlite":
        path, deals, changes, activities = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        owners = {rep_number(e): i for i, e in db.execute('SELECT "Id", "Email" FROM "AspNetUsers"') if rep_number(e)}
        account_ids = {account_number(x): i for i, x in db.execute('SELECT "Id", "ExternalId" FROM "Accounts"') if account_number(x)}
        sql = {
            "opp": f'INSERT INTO "Opportunities" ({", ".join(chr(34) + c + chr(34) for c in OPP_COLUMNS)}) VALUES ({", ".join("?" for _ in OPP_COLUMNS)})',
            "change": f'INSERT INTO "OpportunityChanges" ({", ".join(chr(34) + c + chr(34) for c in CHANGE_COLUMNS)}) VALUES ({", ".join("?" for _ in CHANGE_COLUMNS)})',
            "activity": f'INSERT INTO "Activities" ({", ".join(chr(34) + c + chr(34) for c in ACTIVITY_COLUMNS)}) VALUES ({", ".join("?" for _ in ACTIVITY_COLUMNS)})',
        }
        batch = {"opp": [], "change": [], "activity": []}
        with db:
            for kind, row in rows(owners, account_ids, deals, changes, activities, sqlite_style=True):
                batch[kind].append(row)
                if len(batch[kind]) >= 50_000:
                    if kind == "change":
                        db.executemany(sql["opp"], batch["opp"])
                        batch["opp"].clear()
                    db.executemany(sql[kind], batch[kind])
                    batch[kind].clear()
            for kind in ("opp", "change", "activity"):
                db.executemany(sql[kind], batch[kind])
        db.close()
    elif mode == "csv":
        ids, out, deals, changes, activities = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        owners, account_ids = {}, {}
        with open(ids, newline="") as f:
            for kind, i, key in csv.reader(f):
                if kind == "user" and rep_number(key):
                    owners[rep_number(key)] = i
                elif kind == "account" and account_number(key):
                    account_ids[account_number(key)] = i
        files = {k: open(os.path.join(out, f"{k}.csv"), "w", newline="") for k in ("opp", "change", "activity")}
        writers = {k: csv.writer(f, lineterminator="\n") for k, f in files.items()}
        for kind, row in rows(owners, account_ids, deals, changes, activities, sqlite_style=False):
            writers[kind].writerow(["" if v is None else v for v in row])
        for f in files.values():
            f.close()
    elif mode == "file":
        out, count, deals, reps, accounts = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        first = count // 50 + 1
        with open(out, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["externalId", "name", "account", "owner", "stage", "forecastCategory", "amount", "currency", "probability",
                        "closeDate", "createdDate", "type", "lossReason"])
            for n in range(first, first + count):
                rep, account, stage, outcome, forecast, cents, prob, close, created, typ, loss = deal(n, reps, accounts, changed=n % 10 == 3)
                w.writerow([f"D-{n:08d}", f"Deal {n:08d}", f"BENCH-{account:06d}", f"rep{rep}@{DOMAIN}", stage, forecast,
                            f"{cents // 100}.{cents % 100:02d}", "USD", prob, iso(close), iso(created), typ, loss or ""])
    else:
        sys.exit(f"unknown mode '{mode}': sqlite, csv or file")


if __name__ == "__main__":
    main()
