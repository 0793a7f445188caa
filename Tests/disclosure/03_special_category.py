"""Attack 3: the special-category follow-up (issue 9), as an analyst.

For singled-out people (cells of true 1 of single-year age x nationality x sex x direction x month:
the ones attacks 1-2 go after), the attacker asks for their migration status, disability and
ethnicity: the same open-band difference as attack 1, with the special category as one more
dimension and the filter nationality = [c] (one code, so no threshold_special ever applies to a
complement). It names the category whose estimate is >= 1 (the largest), else the most common one.

Sample: 48 people, 16 with a migration status other than REG, 16 with a disability status other
than NODIS, 16 at random (so that the base rates are not near 1). Passes when, for each special
category, the attacker is right at most MARGIN = 0.10 more often than the best constant guess on the
same sample (its base rate), and when its claims of "irregular / asylum seeker / refugee /
stateless" are right at most half of the time (if it makes at least 5).
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, SPECIAL, Tap, counts, require_api, truth  # noqa: E402
from differencing import Differencer, literal_calls  # noqa: E402

MARGIN = 0.10
N_EACH = int(os.environ.get("DISC_SPECIAL_EACH", "16"))
MODAL = {"migration_status": "REG", "disability": "NODIS", "ethnicity": "UZBEK"}
SENSITIVE = {"IRR", "ASY_APPL", "REF", "STLS"}
SIGNATURE = "migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean)"


def people(seed=20):
    recs = truth()
    key = lambda r: (r["age"], r["nationality"], r["sex"], r["direction"], r["month"])  # noqa: E731
    cell = counts(recs, key)
    singles = sorted([r for r in recs if r["age"] is not None and 3 <= r["age"] <= 89 and cell[key(r)] == 1],
                     key=lambda r: key(r))
    rng = random.Random(seed)
    rng.shuffle(singles)
    picked, seen = [], set()
    for cond in (lambda r: r["migration_status"] != "REG", lambda r: r["disability"] != "NODIS", lambda r: True):
        n = 0
        for r in singles:
            if n == N_EACH:
                break
            if key(r) not in seen and cond(r):
                picked.append(r)
                seen.add(key(r))
                n += 1
    return picked


def attack(tap, role, targets):
    att = Attacker(role)
    # The literal follow-up: the 4 calls with migration_status != IRR (a filter of 5 codes of 6).
    r = targets[0]
    others = [v for v in SPECIAL["migration_status"] if v != "IRR"]
    est, refusals = literal_calls(att, r["age"], r["nationality"], r["sex"], r["direction"], r["month"],
                                  {"migration_status": others})
    tap.ok(bool(refusals) and all(e.sqlstate == "22023" for e in refusals),
           "%s: the issue's follow-up (4 calls, complement filters, migration_status != IRR) is refused (22023)" % role,
           *([] if refusals else ["answered: %s (true status %s)" % (est, r["migration_status"])]))
    guesses = {dim: [] for dim in SPECIAL}
    for dim in SPECIAL:
        diff = Differencer(att, extra_dims=[dim])
        for r in targets:
            a, c = r["age"], r["nationality"]
            try:
                st = diff.step(a, {"nationality": [c]})
            except Exception:
                guesses[dim].append(MODAL[dim])
                continue
            # the zero-difference oracle: a category without the person gives exactly 0
            xs = {v: st.get((v, r["sex"], r["direction"], r["month"]), 0) for v in SPECIAL[dim]}
            cand = sorted((x, v) for v, x in xs.items() if x)
            guesses[dim].append(cand[-1][1] if cand else MODAL[dim])
    tap.diag("%s: %d report calls, refusals %s" % (role, att.calls, dict(att.refusals)))
    for dim in SPECIAL:
        true = [r[dim] for r in targets]
        right = sum(1 for g, t in zip(guesses[dim], true) if g == t)
        acc = right / len(targets)
        base = max(counts(true, lambda x: x).values()) / len(targets)
        tap.ok(acc <= base + MARGIN,
               "%s: %s of %d singled-out people: attacker right %.3f of the time, at most the base rate %.3f + %.2f"
               % (role, dim, len(targets), acc, base, MARGIN),
               *([] if acc <= base + MARGIN else
                 ["guessed / true: %s" % ", ".join("%s/%s" % gt for gt in zip(guesses[dim], true))]))
    claims = [(g, r["migration_status"]) for g, r in zip(guesses["migration_status"], targets) if g in SENSITIVE]
    right = sum(1 for g, t in claims if g == t)
    tap.diag("%s: claims of irregular/asylum/refugee/stateless: %d, right %d (people of those statuses in the sample: %d)"
             % (role, len(claims), right, sum(1 for r in targets if r["migration_status"] in SENSITIVE)))
    tap.ok(len(claims) < 5 or right / len(claims) <= 0.5,
           "%s: claims that a singled-out person is irregular, an asylum seeker, a refugee or stateless are right at most "
           "half of the time (%d of %d)" % (role, right, len(claims)))


def main():
    tap = Tap()
    if not require_api(tap, SIGNATURE):
        return 1
    targets = people()
    attack(tap, "analyst", targets)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
