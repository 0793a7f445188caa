#!/usr/bin/env python3
"""Generates synthetic migration-flow batches in the canonical layout (no real people).

    generate-batch.py --rows N [--seed S] [--prefix R] [--delimiter ';'] [--encoding windows-1251] [--bom] [--crlf] OUT

Distributions are skewed like real flows (mostly Central Asian nationalities, working ages, work
reasons). person_id values are random strings shaped like passport numbers; record_id is
<prefix>-<n>, unique within the file.
"""
import argparse, csv, io, random, sys, datetime

NATIONALITIES = [("KGZ", 40), ("UZB", 20), ("TJK", 12), ("KAZ", 8), ("RUS", 8), ("CHN", 4), ("TUR", 3),
                 ("AFG", 1), ("XXA", 1), ("IND", 2), ("PAK", 1)]
COUNTRIES = [("RUS", 50), ("KAZ", 20), ("TUR", 8), ("KOR", 5), ("DEU", 3), ("UZB", 6), ("CHN", 4), ("ARE", 4)]
REGIONS = ["KG-GB", "KG-GO", "KG-B", "KG-C", "KG-J", "KG-N", "KG-O", "KG-T", "KG-Y"]
REASONS = [("OCC", 55), ("FAM", 15), ("EDUC", 8), ("ASY", 1), ("RET", 12), ("OTH", 4), ("UNK", 5)]
WORKERS = [("SEASONAL", 15), ("FRONTIER", 3), ("PROJECT_TIED", 4), ("SPECIFIED_EMPLOYMENT", 5), ("SELF_EMPLOYED", 6),
           ("OTHER", 25), ("NOT_WORKER", 35), ("UNK", 7), ("ITINERANT", 1), ("SEAFARER", 1)]
ETHNICITY = [("KYRGYZ", 60), ("UZBEK", 18), ("RUSSIAN", 6), ("DUNGAN", 2), ("UYGHUR", 1), ("TAJIK", 2), ("KAZAKH", 1),
             ("OTH", 2), ("UNK", 8)]
STATUS = [("REG", 80), ("IRR", 8), ("ASY_APPL", 1), ("REF", 1), ("STLS", 1), ("UNK", 9)]
OCCUPATIONS = ["9313", "7112", "5120", "8322", "9211", "5223", "7411", "2341", "9112", "611", "93", "9"]
HEADER = ["record_id", "person_id", "event_date", "direction", "sex", "age", "nationality", "country", "region",
          "reason", "occupation", "worker_category", "ethnicity", "migration_status", "disability"]


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    r = rng.uniform(0, total)
    for value, w in weighted:
        r -= w
        if r <= 0:
            return value
    return weighted[-1][0]


def rows(n, seed, prefix, start_date):
    rng = random.Random(seed)
    people = max(1, n // 3)
    for i in range(1, n + 1):
        person = rng.randrange(people)
        age = int(min(95, max(0, rng.gauss(31, 11)))) if rng.random() > 0.03 else ""
        day = start_date + datetime.timedelta(days=rng.randrange(365))
        reason = pick(rng, REASONS)
        yield [
            f"{prefix}-{i}",
            f"AC{person:07d}" if rng.random() > 0.05 else "",
            day.isoformat(),
            "OUT" if rng.random() < 0.55 else "IN",
            "M" if rng.random() < 0.62 else ("F" if rng.random() < 0.995 else "_U"),
            age,
            pick(rng, NATIONALITIES),
            pick(rng, COUNTRIES) if rng.random() > 0.1 else "",
            rng.choice(REGIONS) if rng.random() > 0.2 else "",
            reason,
            rng.choice(OCCUPATIONS) if reason == "OCC" and rng.random() > 0.2 else "",
            pick(rng, WORKERS),
            pick(rng, ETHNICITY) if rng.random() > 0.3 else "",
            pick(rng, STATUS),
            ("DIS" if rng.random() < 0.04 else "NODIS") if rng.random() > 0.4 else "",
        ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="R")
    ap.add_argument("--delimiter", default=",")
    ap.add_argument("--encoding", default="utf-8")
    ap.add_argument("--bom", action="store_true")
    ap.add_argument("--crlf", action="store_true")
    ap.add_argument("--start", default="2024-01-01")
    a = ap.parse_args()
    delimiter = "\t" if a.delimiter == "tab" else a.delimiter
    with open(a.out, "w", encoding=("utf-8-sig" if a.bom else a.encoding), newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n" if a.crlf else "\n")
        w.writerow(HEADER)
        start = datetime.date.fromisoformat(a.start)
        for row in rows(a.rows, a.seed, a.prefix, start):
            w.writerow(row)


if __name__ == "__main__":
    main()
