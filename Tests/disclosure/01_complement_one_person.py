"""Attack 1: complement differencing for one person (issue 9), as an analyst.

For many singled-out people (cells of true 1 of age x nationality x sex x direction x month) and as
many empty cells of the same shape (true 0, same nationality and age, another sex/direction/month),
the attacker runs the issue's 4 literal calls (a few) and the admissible rewritings of
differencing.py, and guesses "there is a person" by each of its rules.

Passes when the literal calls are refused by the bounds (SQLSTATE 22023) and, for every admissible
rewriting and every guess rule, the attacker's guess on the balanced sample (base rate 50%) is right
no more often than MARGIN above the base rate: accuracy <= 0.5 + MARGIN. MARGIN = 0.10 (with 80 + 80
cells the standard error of an accuracy of 0.5 is 0.04, so a protected table fails this by chance
well under 1% of the time; a leak that lets the attacker be right 6 times in 10 fails it).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, NATS, Tap, counts, require_api, truth  # noqa: E402
from differencing import Differencer, estimates, literal_calls, score  # noqa: E402

MARGIN = 0.10
PAIRS = int(os.environ.get("DISC_PAIRS", "80"))
SIGNATURE = "migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean)"


def targets(n, seed=9):
    """Checker side: n pairs ((a, c, s, d, m) of true 1, (a, c, s', d', m') of true 0)."""
    recs = truth()
    cell = counts(recs, lambda r: (r["age"], r["nationality"], r["sex"], r["direction"], r["month"]))
    ones = sorted(k for k, v in cell.items() if v == 1 and k[0] is not None and 3 <= k[0] <= 89)
    rng = random.Random(seed)
    rng.shuffle(ones)
    pairs, used = [], set()
    for (a, c, s, d, m) in ones:
        if (a, c) in used:
            continue
        zeros = [(a, c, s2, d2, m2) for s2 in ("F", "M") for d2 in ("IN", "OUT") for m2 in ["2024-%02d" % i for i in range(1, 13)]
                 if cell.get((a, c, s2, d2, m2), 0) == 0]
        if not zeros:
            continue
        used.add((a, c))
        pairs.append(((a, c, s, d, m), rng.choice(zeros)))
        if len(pairs) == n:
            break
    return pairs


def attack(tap, role, pairs, literal=3):
    att = Attacker(role)
    who = role
    # The literal 4 calls, for a few of the people.
    lit_refused, lit_answers = 0, []
    for (a, c, s, d, m), _neg in pairs[:literal]:
        est, refusals = literal_calls(att, a, c, s, d, m)
        if refusals and all(e.sqlstate == "22023" for e in refusals):
            lit_refused += 1
        else:
            lit_answers.append(((a, c, s, d, m), est, [str(e) for e in refusals]))
    tap.ok(lit_refused == min(literal, len(pairs)),
           "%s: the issue's 4 calls (complement filters listing every other code, band a alone) are refused (22023)" % who,
           *["answered for %s: estimate %s (true 1), refusals %s" % x for x in lit_answers])
    # Admissible rewritings.
    diff = Differencer(att)
    pos = {"open bands": [], "complement": []}
    neg = {"open bands": [], "complement": []}
    for (a, c, s, d, m), (_a, _c, s0, d0, m0) in pairs:
        e = estimates(diff, a, c, [(s, d, m), (s0, d0, m0)])
        for how in pos:
            pos[how].append(e[how][(s, d, m)])
            neg[how].append(e[how][(s0, d0, m0)])
    tap.diag("%s: %d report calls, refusals by SQLSTATE %s" % (who, att.calls, dict(att.refusals)))
    worst = {}
    for how in pos:
        sc = score(pos[how], neg[how])
        lines = ["%-40s accuracy %.3f (TPR %.3f, FPR %.3f), %d of %d estimates answered"
                 % (rule, acc, tpr, fpr, ans, 2 * len(pairs)) for rule, (acc, tpr, fpr, ans) in sc.items()]
        hist1 = sorted(counts([x for x in pos[how] if x is not None], lambda x: x).items())
        hist0 = sorted(counts([x for x in neg[how] if x is not None], lambda x: x).items())
        lines.append("estimates for true-1 cells: %s" % hist1)
        lines.append("estimates for true-0 cells: %s" % hist0)
        best = max(v[0] for v in sc.values())
        worst[how] = best
        tap.ok(best <= 0.5 + MARGIN,
               "%s: %s differencing (%d people of true 1, %d empty cells): the best guess rule is right at most "
               "%.2f of the time (base rate 0.50 + margin %.2f); got %.3f" % (who, how, len(pairs), len(pairs),
                                                                             0.5 + MARGIN, MARGIN, best),
               *([] if best <= 0.5 + MARGIN else lines))
        tap.diag(*["%s %s: %s" % (who, how, l) for l in lines])
    return worst


def main():
    tap = Tap()
    if not require_api(tap, SIGNATURE):
        return 1
    pairs = targets(PAIRS)
    tap.diag("%d pairs of target cells (true 1, true 0), nationalities %s" % (len(pairs), sorted({p[0][1] for p in pairs})))
    attack(tap, "analyst", pairs)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
