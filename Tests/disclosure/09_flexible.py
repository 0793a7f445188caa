"""Check 9: the promises of the perturbed flexible tables (issue 9), read as an analyst, scored with
the truth read as the superuser.

  * same records, same value: every cell of six differently shaped reports (margins, custom bands,
    months, nationality, a special category) is grouped with every other cell made of exactly the
    same set of records (checker side: record sets), and each group has one published value;
  * no cell is published as 1 or 2;
  * |published - true| <= 3 (the p-table's maximum deviation) for every cell;
  * coverage likewise: no 1 or 2, records within 3 of the true count;
  * the bounds refuse (22023) what the issue's differencing needs: a one-year band, a filter listing
    more than half of a code list, a period that is not whole months (report and coverage), a table
    whose perturbed total is under 20.
"""
import os
import sys
from itertools import product

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, Refused, Tap, require_api, su, truth  # noqa: E402

MAXDEV = 3
SIG = "migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean)"
TABLES = [
    (["sex"], None, None, {}),
    (["sex", "direction"], None, None, {}),
    (["age", "sex"], "0-14,15-64,65+", None, {}),
    (["age", "sex", "direction"], "0-17,18-64,65+", None, {}),
    (["age", "nationality", "sex", "direction"], "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+", "month", {}),
    (["disability", "nationality", "sex"], None, None, {"nationality": ["PAK"]}),
]


def band_of(bands):
    parts = [b.strip() for b in bands.split(",")]

    def f(age):
        if age is None:
            return "_Z"
        for b in parts:
            lo = int(b.rstrip("+").split("-")[0])
            hi = 999 if b.endswith("+") else int(b.split("-")[1]) if "-" in b else lo
            if lo <= age <= hi:
                return b
        return None
    return f


def coords(rec, dims, bands):
    vals = []
    for d in dims:
        if d == "age":
            vals.append(band_of(bands)(rec["age"]))
        elif d == "period":
            vals.append(rec["month"])
        else:
            vals.append(rec[d] if rec[d] not in ("", None) else "_Z")
    return vals


def record_sets(recs, dims, bands, filters):
    """{cell tuple (with '_T'): frozenset of record indices}."""
    sets = {}
    for i, r in enumerate(recs):
        if any((r[d] if d != "age" else band_of(bands)(r["age"])) not in v for d, v in filters.items()):
            continue
        vals = coords(r, dims, bands)
        for mask in product((0, 1), repeat=len(dims)):
            k = tuple("_T" if m else v for v, m in zip(vals, mask))
            sets.setdefault(k, set()).add(i)
    return {k: frozenset(v) for k, v in sets.items()}


def main():
    tap = Tap()
    if not require_api(tap, SIG, "migstat.coverage(date,date,text)"):
        return 1
    att = Attacker("analyst")
    recs = truth(None)      # every purpose: a report counts all of them
    groups = {}             # record set -> [(table no, cell, published)]
    small, far, ncells = [], [], 0
    for t, (dims, bands, unit, filters) in enumerate(TABLES):
        try:
            res = att.report(dims, filters=filters, bands=bands, unit=unit)
        except Refused as e:
            tap.ok(False, "analyst: report %s (bands %s, unit %s, filters %s) runs" % (dims, bands, unit, filters), str(e))
            continue
        full = dims + (["period"] if unit else [])
        sets = record_sets(recs, full, bands, filters)
        for k, (v, st) in res.items():
            ncells += 1
            s = sets.get(k, frozenset())
            if v is None:
                far.append((t, k, "withheld (%s)" % st, len(s)))
                continue
            groups.setdefault(s, []).append((t, k, v))
            if v in (1, 2):
                small.append((t, k, v, len(s)))
            if abs(v - len(s)) > MAXDEV:
                far.append((t, k, v, len(s)))
    multi = {s: g for s, g in groups.items() if len({x[0] for x in g}) > 1}
    differ = [(len(s), g) for s, g in multi.items() if len({x[2] for x in g}) > 1]
    tap.ok(not differ, "analyst: the same records give the same published value in every table (%d record sets seen in "
                       "more than one of %d tables)" % (len(multi), len(TABLES)),
           *["true %d: %s" % (n, g[:6]) for n, g in differ[:10]])
    tap.ok(not small, "analyst: no cell of %d cells in %d flexible tables is published as 1 or 2" % (ncells, len(TABLES)),
           *["table %d %s: published %d, true %d" % x for x in small[:10]])
    tap.ok(not far, "analyst: every published cell is within %d of the true count (and none is withheld)" % MAXDEV,
           *["table %d %s: published %s, true %d" % x for x in far[:10]])
    # Coverage.
    try:
        cov = att.sql("SELECT source, period, dimension, records, stated FROM migstat.coverage('2024-01-01', '2024-12-31', NULL)")
    except Refused as e:
        tap.ok(False, "analyst: coverage of 2024 runs", str(e))
        cov = []
    true_rec = {(r[0], r[1]): int(r[2]) for r in su(
        "SELECT s.name, to_char(r.event_date, 'YYYY'), count(*) FROM migstat.records r JOIN migstat.source s ON s.id = r.source_id "
        "GROUP BY 1, 2")}
    bad = [r for r in cov if (r[3] and int(r[3]) in (1, 2)) or (r[4] and int(r[4]) in (1, 2))
           or ((r[0], r[1]) in true_rec and abs(int(r[3]) - true_rec[(r[0], r[1])]) > MAXDEV)]
    tap.ok(cov and not bad, "analyst: coverage (%d rows): no 1 or 2 published, records within %d of the truth" % (len(cov), MAXDEV),
           *["%s (true records %s)" % (r, true_rec.get((r[0], r[1]))) for r in bad[:10]])
    # The bounds.
    refusals = [
        ("a one-year age band", dict(dims=["sex"], bands="0-6,7,8+", unit=None)),
        ("a one-year age band as the first band", dict(dims=["age", "sex"], bands="0,1-4,5+", unit=None)),
        ("a nationality filter listing every other code", dict(dims=["sex"], filters={"nationality": None}, unit=None)),
        ("a sex filter listing 3 codes", dict(dims=["direction"], filters={"sex": ["F", "M", "_U"]}, unit=None)),
        ("a period of one day", dict(dims=["sex"], period=("2024-05-10", "2024-05-10"), unit=None)),
        ("a period ending mid-month", dict(dims=["sex"], period=("2024-05-01", "2024-05-20"), unit=None)),
        ("a period of whole months but not a whole year", dict(dims=["sex"], period=("2024-05-01", "2024-05-31"), unit=None)),
        ("a nationality filter on two codes", dict(dims=["sex"], filters={"nationality": ["PAK", "IND"]}, unit=None)),
        ("a table whose total is tiny (sex _U, nationality KGZ, direction IN)",
         dict(dims=["age"], filters={"sex": ["_U"], "nationality": ["KGZ"], "direction": ["IN"]}, unit=None)),
    ]
    codes = [r[0] for r in att.sql("SELECT code FROM migstat.code WHERE dimension = 'country'")]
    for what, kw in refusals:
        if kw.get("filters", {}).get("nationality", "") is None:
            kw["filters"] = {"nationality": [c for c in codes if c != "KAZ"]}
        res, err = att.try_report(**kw)
        tap.ok(err is not None and err.sqlstate == "22023", "analyst: the bounds refuse %s (22023)" % what,
               str(err) if err else "answered %d cells" % len(res))
    for what, (f, t) in [("coverage over one day", ("2024-05-10", "2024-05-10")),
                         ("coverage over a part of a month", ("2024-05-01", "2024-05-20"))]:
        try:
            rows = att.sql("SELECT * FROM migstat.coverage('%s', '%s', NULL)" % (f, t))
            tap.ok(False, "analyst: the bounds refuse %s (22023)" % what, "answered %d rows" % len(rows))
        except Refused as e:
            tap.ok(e.sqlstate == "22023", "analyst: the bounds refuse %s (22023)" % what, str(e))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
