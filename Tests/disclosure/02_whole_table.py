"""Attack 2: whole-table reconstruction (issue 9), as an analyst.

The attacker rebuilds the five-way table single-year age x nationality x sex x direction x month of
all records from admissible flexible reports: for every a in 3..91 one report with dims age,
nationality, sex, direction, month and the custom bands "0-(a-1),a+" (two bands, each at least 3
years, the last open), then n(a, c, s, d, m) = N(>=a) - N(>=a+1) (or the lower tails where those are
published; differencing.py). About 90 calls instead of the issue's ~1,400. It then also sums its
estimates over five-year bands (the issue's age-band table): the sum telescopes to the difference of
two published tails.

It claims "exactly one person here" by each of its guess rules. The issue's attack identified 2,702
people exactly and was always right. The check asserts, for every rule that makes at least 50
claims, that its claims are right at most half of the time (PRECISION_MAX = 0.5): a claim that a cell
holds exactly one person is then no better than a coin, so nobody is singled out with confidence
(plausible deniability), whatever the number of claims. The numbers (claims, correct, precision, vs
2,702) are printed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, Tap, counts, require_api, truth  # noqa: E402
from differencing import Differencer  # noqa: E402

PRECISION_MAX = 0.5
MIN_CLAIMS = 50
ISSUE_RECOVERED = 2702
SIGNATURE = "migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean)"
RULES = {"estimate == 1": lambda x: x == 1, "estimate != 0": lambda x: x != 0, "estimate in 1..3": lambda x: 1 <= x <= 3}


def main():
    tap = Tap()
    if not require_api(tap, SIGNATURE):
        return 1
    att = Attacker("analyst")
    diff = Differencer(att, extra_dims=["nationality"])
    est = {}          # (a, c, s, d, m) -> estimate
    refused = 0
    for a in range(3, 91):
        try:
            st = diff.step(a)
        except Exception as e:  # a refused report: nothing learned at this age
            refused += 1
            tap.diag("age %d: %s" % (a, e))
            continue
        for (c, s, d, m), x in st.items():
            if x is not None:
                est[(a, c, s, d, m)] = x
    tap.diag("%d report calls (%d ages refused), %d cells estimated" % (att.calls, refused, len(est)))
    # Checker side.
    cell = counts(truth(), lambda r: (r["age"], r["nationality"], r["sex"], r["direction"], r["month"]))
    ones_total = sum(1 for k, v in cell.items() if v == 1 and k[0] is not None and 3 <= k[0] <= 90)
    tap.diag("true 1-cells at ages 3-90: %d (issue: %d people identified exactly)" % (ones_total, ISSUE_RECOVERED))
    results = []
    for name, rule in RULES.items():
        claims = [k for k, x in est.items() if rule(x)]
        correct = sum(1 for k in claims if cell.get(k, 0) == 1)
        prec = correct / len(claims) if claims else 0.0
        results.append((name, len(claims), correct, prec))
        tap.diag("single years, claim 1 if %-18s %6d claims, %5d right (precision %.3f), %.1f%% of the issue's %d"
                 % (name + ":", len(claims), correct, prec, 100.0 * correct / ISSUE_RECOVERED, ISSUE_RECOVERED))
    # Five-year bands: estimate = N(>=5b) - N(>=5b+5), a telescoped sum of the single-year steps.
    band_cell = counts(truth(), lambda r: (min(r["age"] // 5, 17) if r["age"] is not None else None, r["nationality"],
                                           r["sex"], r["direction"], r["month"]))
    band_est = {}
    for b in range(1, 18):
        lo, hi = 5 * b, 5 * b + 5
        try:
            t0, t1 = diff.tails(lo)[0], diff.tails(hi)[0]
        except Exception:
            continue
        for k in set(t0) | set(t1):
            x, y = t0.get(k, 0), t1.get(k, 0)
            if x is not None and y is not None:
                band_est[(b,) + k] = x - y
    for name, rule in RULES.items():
        claims = [k for k, x in band_est.items() if rule(x)]
        correct = sum(1 for k in claims if band_cell.get(k, 0) == 1)
        prec = correct / len(claims) if claims else 0.0
        results.append(("five-year bands, " + name, len(claims), correct, prec))
        tap.diag("five-year bands 5-89, claim 1 if %-18s %6d claims, %5d right (precision %.3f)"
                 % (name + ":", len(claims), correct, prec))
    bad = [r for r in results if r[1] >= MIN_CLAIMS and r[3] > PRECISION_MAX]
    tap.ok(not bad, "analyst: rebuilding the 5-way table from ~90 admissible reports, no guess rule with >= %d claims of "
                    "'exactly 1' is right more than %.0f%% of the time" % (MIN_CLAIMS, 100 * PRECISION_MAX),
           *["%s: %d claims, %d right (precision %.3f)" % r for r in bad])
    best = max((r[2] for r in results if r[3] > PRECISION_MAX), default=0)
    tap.diag("people identified by a rule more often right than wrong: %d (issue: %d)" % (best, ISSUE_RECOVERED))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
