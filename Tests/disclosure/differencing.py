"""The differencing attacker of attacks 1-3 and 6 (issue 9), and the checker's scoring.

The attacker knows a person's quasi-identifiers -- single-year age a, nationality c, sex s,
direction d, month m -- and wants n(a, c, s, d, m), the number of crossings with exactly those.

Rewritings it tries, from the issue's literal calls to the admissible ones:

  literal     the issue's 4 calls: T - T(age != a) - T(nat != c) + T(age != a, nat != c), age != a by
              the custom bands 0-(a-1),a,(a+1)+ and a filter on the other two bands, nat != c by a
              filter listing every other code of the nationality code list;
  open bands  n(a) = N(age >= a) - N(age >= a+1), or N(age <= a) - N(age <= a-1) where that one is
              published: two reports with the custom bands "0-(a-1),a+" and
              "0-a,(a+1)+" (every band at least 3 years wide, the last one open), dims age, sex,
              direction, month, with the filter nationality = [c] (one code of 253);
  complement  the same difference computed on the whole population minus the population with
              nationality in the nine other occurring codes (each filter far below half of the list):
              [N(>=a) - N(>=a+1)] - [N(>=a | nat in others) - N(>=a+1 | nat in others)].

Every estimate is a difference of published cells. Under exact publication it is the truth; under
cell-key perturbation each term carries its own deviation (at most 3), except that two terms made of
the same records carry the same one -- so a true 0 gives a difference of exactly 0, whatever the
deviations (the "zero-difference oracle"). The attacker's guess rules are scored by the checker.
"""
from common import NATS, MONTHS, Refused

SEXES = ["F", "M", "_U"]
DIRS = ["IN", "OUT"]


def band_label(res, dims, band):
    """The label the report gives the open band `band` ("a+"): the text itself, or failing that the
    last age category in report order (the open band is the last one; "_T" and "_Z" aside)."""
    j = dims.index("age")
    labels = []
    for k in res:
        if k[j] not in labels and k[j] not in ("_T", "_Z"):
            labels.append(k[j])
    if band in labels:
        return band
    return labels[-1] if labels else None


class Differencer:
    """Caches the reports of one attacker: tails(a, filters) = ({(extra..., s, d, m): published
    N(age >= a)}, {...: published N(age <= a-1)}), None where withheld, from one report with the
    bands "0-(a-1),a+"."""

    def __init__(self, attacker, extra_dims=()):
        self.att = attacker
        self.cache = {}
        self.extra = list(extra_dims)

    def tails(self, a, filters=None):
        key = (a, json_key(filters))
        if key in self.cache:
            if isinstance(self.cache[key], Refused):
                raise self.cache[key]
            return self.cache[key]
        bands = "0-%d,%d+" % (a - 1, a)
        dims = ["age"] + self.extra + ["sex", "direction"]
        try:
            res = self.att.report(dims, filters=filters, bands=bands)
        except Refused as e:
            self.cache[key] = e
            raise
        hi_lab = band_label(res, dims + ["period"], "%d+" % a)
        lo_lab = "0-%d" % (a - 1)
        hi, lo = {}, {}
        for k, (v, _st) in res.items():
            if "_T" in k[1:]:
                continue
            if k[0] == hi_lab:
                hi[k[1:]] = v
            elif k[0] == lo_lab:
                lo[k[1:]] = v
        self.cache[key] = (hi, lo)
        return self.cache[key]

    def step(self, a, filters=None):
        """{(extra..., s, d, m): estimate of n(age = a)}: published N(>=a) - N(>=a+1) when both are
        published, else published N(<=a) - N(<=a-1) when both are, else None (withheld)."""
        hi0, lo0 = self.tails(a, filters)
        hi1, lo1 = self.tails(a + 1, filters)
        out = {}
        for k in set(hi0) | set(hi1) | set(lo0) | set(lo1):
            x, y = hi0.get(k, 0), hi1.get(k, 0)
            if x is not None and y is not None:
                out[k] = x - y
                continue
            x, y = lo1.get(k, 0), lo0.get(k, 0)
            out[k] = None if x is None or y is None else x - y
        return out


def json_key(filters):
    return tuple(sorted((k, tuple(v)) for k, v in (filters or {}).items()))


def literal_calls(att, a, c, s, d, m, extra=None):
    """The issue's 4 calls for one person (with extra filters, e.g. {"migration_status": every code but
    IRR}); returns (estimate or None, [refusals])."""
    others = [x for x in all_country_codes(att) if x != c]
    bands = "0-%d,%d,%d+" % (a - 1, a, a + 1)
    not_a = [("0-%d" % (a - 1)), ("%d+" % (a + 1))]
    calls = [({}, None), ({"age": not_a}, bands), ({"nationality": others}, None),
             ({"age": not_a, "nationality": others}, bands)]
    vals, refusals = [], []
    for filters, b in calls:
        try:
            res = att.report(["sex", "direction"], filters=dict(filters, **(extra or {})), bands=b)
            vals.append(res.get((s, d, m), (0, None))[0])
        except Refused as e:
            refusals.append(e)
            vals.append(None)
    if any(v is None for v in vals):
        return None, refusals
    return vals[0] - vals[1] - vals[2] + vals[3], refusals


_codes = None


def all_country_codes(att):
    global _codes
    if _codes is None:
        _codes = [r[0] for r in att.sql("SELECT code FROM migstat.code WHERE dimension = 'country' ORDER BY sort_order")]
    return _codes


def estimates(diff, a, c, cells):
    """For (s, d, m) cells of nationality c at age a: {'open bands': {...}, 'complement': {...}}, each
    {(s, d, m): estimate or None}; a refused term gives None (and is counted by the attacker)."""
    out = {"open bands": {}, "complement": {}}
    try:
        st = diff.step(a, {"nationality": [c]})
    except Refused:
        st = None
    try:
        whole = diff.step(a)
        rest = diff.step(a, {"nationality": [x for x in NATS if x != c]})
    except Refused:
        whole = rest = None
    for k in cells:
        out["open bands"][k] = None if st is None else st.get(k, 0)
        if whole is None:
            out["complement"][k] = None
        else:
            w, r = whole.get(k, 0), rest.get(k, 0)
            out["complement"][k] = None if w is None or r is None else w - r
    return out


GUESS_RULES = {
    "estimate >= 1": lambda x: x >= 1,
    "estimate != 0 (zero-difference oracle)": lambda x: x != 0,
    "estimate in 1..3": lambda x: 1 <= x <= 3,
}


def score(pos, neg):
    """pos, neg: lists of estimates (None = refused) for cells of true 1 and true 0. Returns, per guess
    rule, (accuracy on the balanced sample, TPR, FPR, answered); a refused estimate counts as the
    guess 'no person' (the attacker learned nothing)."""
    out = {}
    for name, rule in GUESS_RULES.items():
        tp = sum(1 for x in pos if x is not None and rule(x))
        fp = sum(1 for x in neg if x is not None and rule(x))
        tpr, fpr = tp / len(pos), fp / len(neg)
        out[name] = ((tpr + 1 - fpr) / 2, tpr, fpr,
                     sum(1 for x in pos + neg if x is not None))
    return out
