#!/usr/bin/env python3
"""Builds migstat's cell-key perturbation table, Schemas/ptable/ptable.csv (Docs/PTABLE.md).

ONS layout (ONSdigital/cell-key-perturbation, Method_Specification_cell_key_perturbation.md):
record keys 0..255, cell key = sum of the cell's record keys mod 256, pcv = the count for counts
0..750 and ((count - 1) % 250) + 501 above; a cell with perturbation cell value pcv and cell key
in ckey_lo..ckey_hi is published as count + pvalue.

Construction as in the R package ptable (create_cnt_ptable, maximum entropy): for each pcv i the
transition probabilities p(i -> i + d), d = -D..D, maximise the entropy -sum p log p subject to
  sum p = 1, sum p d = 0 (unbiased), sum p d^2 = V (variance), p(i -> j) = 0 for j < 0 and for
  j in 1..js (no published 1 .. js), and 0 -> 0.
Where V cannot be met (pcv 1 and 2 have a single feasible distribution, whose variance happens to
be exactly 2; pcv 3 and 4 can reach V), the closest feasible variance is used and reported.
The probabilities are then quantised to multiples of 1/256 (one cell key each), choosing the
integer counts that keep the mean closest to 0, then the variance closest to V, and laid out on
the cell keys in increasing order of pvalue (as ptable's lower/upper bounds are).

Usage: Scripts/make-ptable.py [--check] [--stats]   (writes Schemas/ptable/ptable.csv; --check
compares instead of writing; --stats prints the measured properties as Markdown)
Parameters: D = 3, V = 2, js = 2. Deterministic (no random numbers).
"""
import itertools
import math
import os
import sys

import numpy as np
from scipy.optimize import minimize

D, V, JS = 3, 2.0, 2
KEYS = 256
PCV_MAX = 750
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Schemas", "ptable", "ptable.csv")


def support(i):
    """Deviations d allowed for pcv i."""
    return [d for d in range(-D, D + 1) if i + d >= 0 and not (1 <= i + d <= JS)]


def maxent(i):
    """Maximum-entropy probabilities over support(i): mean 0, variance V (or the closest feasible)."""
    ds = np.array(support(i), dtype=float)
    n = len(ds)
    # The variance range the unbiased distributions allow: a small LP done by SLSQP.
    cons = [{"type": "eq", "fun": lambda p: p.sum() - 1}, {"type": "eq", "fun": lambda p: p @ ds}]
    bounds = [(0, 1)] * n
    x0 = np.full(n, 1.0 / n)
    lo = minimize(lambda p: p @ ds ** 2, x0, bounds=bounds, constraints=cons, method="SLSQP", tol=1e-14)
    hi = minimize(lambda p: -(p @ ds ** 2), x0, bounds=bounds, constraints=cons, method="SLSQP", tol=1e-14)
    vmin, vmax = lo.fun, -hi.fun
    target = min(max(V, vmin), vmax)
    if target - vmin < 1e-9:
        return ds, np.clip(lo.x, 0, 1), target
    cons.append({"type": "eq", "fun": lambda p: p @ ds ** 2 - target})

    def negent(p):
        q = np.clip(p, 1e-15, 1)
        return float(np.sum(q * np.log(q)))

    best = None
    for start in (x0, lo.x * 0.5 + hi.x * 0.5, np.exp(-ds ** 2 / (2 * V)) / np.exp(-ds ** 2 / (2 * V)).sum()):
        r = minimize(negent, start, bounds=[(1e-12, 1)] * n, constraints=cons, method="SLSQP",
                     tol=1e-14, options={"maxiter": 1000})
        if r.success and (best is None or r.fun < best.fun):
            best = r
    return ds, np.clip(best.x, 0, 1), target


def quantise(ds, p):
    """Integer key counts (sum 256): mean closest to 0, then variance closest to V, then closest to p."""
    ideal = p * KEYS
    base = np.floor(ideal).astype(int)
    free = np.where(p > 1e-9)[0]
    best = None
    # Each count is floor or floor + 1 (or floor - 1 / + 2 to reach an exact mean), over the outcomes
    # that have probability.
    for delta in itertools.product(*[(-1, 0, 1, 2) if k in free else (0,) for k in range(len(p))]):
        c = base + np.array(delta)
        if c.sum() != KEYS or (c < 0).any() or ((c > 0) & (p <= 1e-9)).any():
            continue
        mean = float(c @ ds) / KEYS
        var = float(c @ ds ** 2) / KEYS - mean ** 2
        key = (round(abs(mean) * KEYS), round(abs(var - V) * KEYS), float(np.abs(c - ideal).sum()))
        if best is None or key < best[0]:
            best = (key, c)
    return best[1]


def build():
    rows = [(0, 0, KEYS - 1, 0)]
    cache = {}
    for i in range(1, PCV_MAX + 1):
        sup = tuple(support(i))
        if sup not in cache or i <= D + JS + 1:
            ds, p, _ = maxent(i)
            cache[sup] = (ds, quantise(ds, p))
        ds, counts = cache[sup]
        lo = 0
        for d, c in zip(ds, counts):
            if c > 0:
                rows.append((i, lo, lo + int(c) - 1, int(d)))
                lo += int(c)
        assert lo == KEYS
    return rows


def stats(rows):
    by = {}
    for pcv, lo, hi, pv in rows:
        by.setdefault(pcv, []).append((hi - lo + 1, pv))
    out = ["| pcv | mean pvalue | variance | P(pvalue) by pvalue (in 256ths) |", "| --- | --- | --- | --- |"]
    for i in list(range(0, 8)) + [100, 501, 750]:
        n = sum(c for c, _ in by[i])
        m = sum(c * v for c, v in by[i]) / n
        var = sum(c * (v - m) ** 2 for c, v in by[i]) / n
        out.append(f"| {i} | {m:+.5f} | {var:.4f} | " + ", ".join(f"{v:+d}: {c}" for c, v in by[i]) + " |")
    means = [sum(c * v for c, v in by[i]) / KEYS for i in range(1, PCV_MAX + 1)]
    out.append("")
    out.append(f"max |pvalue| = {max(abs(r[3]) for r in rows)}; max |mean| over pcv 1..750 = {max(map(abs, means)):.5f} "
               f"(= {round(max(map(abs, means)) * KEYS)}/256)")
    for t in (1, 2):
        z = sum(c for c, v in by[t] if t + v == 0)
        out.append(f"P(a true {t} publishes as 0) = {z}/256 = {z / KEYS:.4f}")
    return "\n".join(out)


def main():
    rows = build()
    text = "pcv,ckey_lo,ckey_hi,pvalue\n" + "".join(f"{a},{b},{c},{d}\n" for a, b, c, d in rows)
    if "--check" in sys.argv:
        with open(OUT) as f:
            same = f.read() == text
        print("ptable.csv is up to date" if same else "ptable.csv differs from what this script makes")
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    if "--stats" in sys.argv:
        print(stats(rows))


if __name__ == "__main__":
    main()
