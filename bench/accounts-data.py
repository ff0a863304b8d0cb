#!/usr/bin/env python3
"""The data of bench/accounts.sh. Deterministic: the same arguments give the same rows (ids included).

    bench/accounts-data.py users OUT.csv [REPS=2000]
        The organisation as a users import file (docs/import-formats.md): REPS reps in teams of eight, one manager
        per team, every manager reporting to leader@bench.terrain. leader@, manager1@ and rep1@bench.terrain are not
        in it: the script creates them with a password (`terrain users add`) so that they can sign in.

    bench/accounts-data.py sqlite DB_FILE [ACCOUNTS=200000]
    bench/accounts-data.py csv OWNERS.csv OUT.csv [ACCOUNTS=200000]
        ACCOUNTS accounts spread over the reps (about one in twenty unassigned), written straight into the Accounts
        table of a migrated SQLite file, or as a CSV in the table's column order for PostgreSQL's COPY (OWNERS.csv:
        "id,email" of the users, from the database). Straight into the table because the CSV import of 200,000
        accounts takes minutes on a shared machine; the accounts stamp is left as is, which is right only because the
        server is started afterwards, with nothing in memory.
"""
import csv
import random
import sqlite3
import sys
import uuid

DOMAIN = "bench.terrain"
TEAM = 8
INDUSTRIES = ["Manufacturing", "Healthcare", "Retail", "Software", "Logistics", "Finance", "Energy", "Education",
              "Hospitality", "Construction", "Agriculture", "Media"]
SEGMENTS = ["Enterprise", "Mid-Market", "SMB"]
REGIONS = ["North", "South", "East", "West", "Central", "Mountain", "Pacific", "Atlantic"]
WORDS = ["Acme", "Blue", "Cedar", "Delta", "Echo", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Kestrel",
         "Lumen", "Maple", "Nova", "Orchid", "Pioneer", "Quartz", "Ridge", "Summit", "Tidal", "Union", "Vertex",
         "Willow", "Zenith"]
KINDS = ["Industries", "Group", "Holdings", "Labs", "Partners", "Systems", "Works", "Supply", "Health", "Foods"]
COLUMNS = ["Id", "ExternalId", "Name", "Industry", "Segment", "Region", "PostalCode", "Latitude", "Longitude",
           "AnnualPotential", "OwnerId", "Version"]


def users(out, reps):
    managers = (reps + TEAM - 1) // TEAM
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["email", "display_name", "role", "manager_email"])
        for m in range(2, managers + 1):
            w.writerow([f"manager{m}@{DOMAIN}", f"Manager {m}", "Manager", f"leader@{DOMAIN}"])
        for r in range(2, reps + 1):
            w.writerow([f"rep{r}@{DOMAIN}", f"Rep {r:05d}", "Rep", f"manager{(r - 1) // TEAM + 1}@{DOMAIN}"])


def accounts(owners, count, upper):
    """Rows in COLUMNS order; owners maps a rep's number to their id as the database stores it."""
    rng = random.Random(20261202)
    reps = len(owners)
    for n in range(1, count + 1):
        rep = (n - 1) % reps + 1
        team = (rep - 1) // TEAM
        ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(2)]
        ids = [str(i).upper() if upper else str(i) for i in ids]
        yield [ids[0], f"BENCH-{n:06d}",
               f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {n:06d}",
               rng.choice(INDUSTRIES), rng.choice(SEGMENTS), REGIONS[team % len(REGIONS)],
               f"{10000 + (n * 7919) % 89999:05d}", None, None,
               rng.randint(500_000, 500_000_000),  # whole cents: $5,000 to $5,000,000
               None if n % 20 == 0 else owners[rep], ids[1]]


def rep_ids(pairs):
    owners = {}
    for user_id, email in pairs:
        local = email.lower().split("@")[0]
        if local.startswith("rep") and local[3:].isdigit():
            owners[int(local[3:])] = user_id
    return owners


def main():
    mode = sys.argv[1]
    if mode == "users":
        users(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2_000)
    elif mode == "sqlite":
        count = int(sys.argv[3]) if len(sys.argv) > 3 else 200_000
        db = sqlite3.connect(sys.argv[2])
        owners = rep_ids(db.execute('SELECT "Id", "Email" FROM "AspNetUsers"'))
        with db:
            db.executemany(f'INSERT INTO "Accounts" ({", ".join(chr(34) + c + chr(34) for c in COLUMNS)}) '
                           f'VALUES ({", ".join("?" for _ in COLUMNS)})', accounts(owners, count, upper=True))
        db.close()
    elif mode == "csv":
        count = int(sys.argv[4]) if len(sys.argv) > 4 else 200_000
        with open(sys.argv[2], newline="") as f:
            owners = rep_ids(tuple(row) for row in csv.reader(f))
        with open(sys.argv[3], "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(COLUMNS)
            for row in accounts(owners, count, upper=False):
                w.writerow(["" if v is None else v for v in row])
    else:
        sys.exit(f"unknown mode '{mode}': users, sqlite or csv")


if __name__ == "__main__":
    main()
