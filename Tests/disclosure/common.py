"""Shared helpers of the disclosure attacks (Scripts/test-sql-disclosure.sh sets the DISC_* variables).

The attacker's side talks to PostgreSQL only through psql connected as a login of the run (an
analyst, steward, admin or padding login), never as the superuser: `Attacker(login).report(...)`.
The checker's side (`truth()`, `su()`) reads the records as the superuser, only to score what the
attacker got.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

DB = os.environ.get("DISC_DB", "")
LOGIN = {k: os.environ.get("DISC_" + k.upper(), "") for k in ("analyst", "steward", "admin", "auditor", "padder")}
SUPERUSER = os.environ.get("DISC_SUPERUSER", "postgres")
PERIOD = ("2024-01-01", "2024-12-31")
NATS = ["UZB", "TJK", "KAZ", "RUS", "CHN", "TUR", "AFG", "PAK", "IND", "KGZ"]
SPECIAL = {"migration_status": ["REG", "IRR", "ASY_APPL", "REF", "STLS", "UNK"],
           "disability": ["DIS", "NODIS", "UNK"],
           "ethnicity": ["UZBEK", "TAJIK", "KAZAKH", "RUSSIAN", "KYRGYZ", "UYGHUR", "DUNGAN"]}
MONTHS = ["2024-%02d" % m for m in range(1, 13)]


class Tap:
    """ok N - name / not ok N - name, numbered per file; diagnostics as '# ...'."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, *diag):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, name))
        if not cond:
            self.failed += 1
        for d in diag:
            for line in str(d).splitlines():
                print("#   " + line)
        sys.stdout.flush()
        return cond

    def diag(self, *lines):
        for d in lines:
            for line in str(d).splitlines():
                print("# " + line)
        sys.stdout.flush()


class Refused(Exception):
    def __init__(self, sqlstate, message, rows=None):
        super().__init__("%s: %s" % (sqlstate, message))
        self.sqlstate = sqlstate
        self.message = message
        self.rows = rows or []   # what psql printed before the error


ERR = re.compile(r"ERROR:\s+([0-9A-Z]{5}):\s*(.*)")


def run_psql(user, sql, settings=None, timeout=600):
    """Runs sql (one or more statements) as user; returns (rows of the last result as lists of
    strings, None) or (None, Refused) on the first error. CSV output, no psqlrc, verbose errors."""
    env = dict(os.environ)
    env["PGOPTIONS"] = " ".join("-c %s=%s" % kv for kv in (settings or {}).items())
    p = subprocess.run(["psql", "-X", "-q", "--csv", "-t", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
                        "-v", "SHOW_CONTEXT=never", "-d", DB, "-U", user, "-f", "-"],
                       input=sql, capture_output=True, text=True, env=env, timeout=timeout)
    if p.returncode != 0:
        partial = list(csv.reader(io.StringIO(p.stdout)))
        m = ERR.search(p.stderr)
        if m:
            return None, Refused(m.group(1), m.group(2), partial)
        return None, Refused("?????", p.stderr.strip()[:500], partial)
    return list(csv.reader(io.StringIO(p.stdout))), None


def lit(s):
    return "NULL" if s is None else "'" + str(s).replace("'", "''") + "'"


def text_array(xs):
    return "ARRAY[%s]::text[]" % ", ".join(lit(x) for x in xs)


def report_sql(dims, filters=None, period=PERIOD, unit="month", bands=None, count="records", threshold=None):
    return ("SELECT array_to_string(cell_dims, '|'), obs_value, conf_status FROM migstat.report("
            "p_dims => %s, p_filters => %s::jsonb, p_period_from => %s::date, p_period_to => %s::date, "
            "p_period_unit => %s, p_age_bands => %s, p_threshold => %s, p_count => %s)"
            % (text_array(dims), lit(json.dumps(filters or {})), lit(period[0]), lit(period[1]), lit(unit),
               lit(bands), "NULL" if threshold is None else int(threshold), lit(count)))


class Attacker:
    """A login that attacks with nothing but the functions it may execute, through psql."""

    def __init__(self, role):
        self.role = role
        self.user = LOGIN[role]
        self.calls = 0
        self.refusals = Counter()

    def sql(self, sql, settings=None):
        rows, err = run_psql(self.user, sql, settings)
        if err:
            raise err
        return rows

    def report(self, dims, filters=None, period=PERIOD, unit="month", bands=None, count="records"):
        """{cell tuple: (value or None, conf_status)}; raises Refused."""
        self.calls += 1
        try:
            rows = self.sql(report_sql(dims, filters, period, unit, bands, count))
        except Refused as e:
            self.refusals[e.sqlstate] += 1
            raise
        return {tuple(r[0].split("|")): (int(r[1]) if r[1] != "" else None, r[2]) for r in rows}

    def try_report(self, *a, **k):
        try:
            return self.report(*a, **k), None
        except Refused as e:
            return None, e

    def declared_report(self, purpose, table):
        self.calls += 1
        rows = self.sql("SELECT array_to_string(cell_dims, '|'), obs_value, conf_status FROM migstat.declared_report(%s, %s)"
                        % (lit(purpose), lit(table)))
        return {tuple(r[0].split("|")): (int(r[1]) if r[1] != "" else None, r[2]) for r in rows}


def su(sql):
    rows, err = run_psql(SUPERUSER, sql)
    if err:
        raise err
    return rows


_truth = None


def truth(purpose="mig"):
    """The records of a purpose as dicts (checker side only: superuser)."""
    global _truth
    if _truth is None:
        rows = su("SELECT purpose, month, direction, sex, age, nationality, migration_status, disability, ethnicity, reason "
                  "FROM dcx.truth")
        keys = ["purpose", "month", "direction", "sex", "age", "nationality", "migration_status", "disability",
                "ethnicity", "reason"]
        _truth = [dict(zip(keys, r)) for r in rows]
        for t in _truth:
            t["age"] = int(t["age"]) if t["age"] != "" else None
    return [t for t in _truth if purpose is None or t["purpose"] == purpose]


def counts(recs, key):
    c = Counter()
    for r in recs:
        c[key(r)] += 1
    return c


def has_function(signature):
    rows = su("SELECT to_regprocedure(%s) IS NOT NULL" % lit(signature))
    return rows[0][0] == "t"


def require_api(tap, *signatures):
    """A missing function of the API under attack is a failure, never a skip."""
    missing = [s for s in signatures if not has_function(s)]
    tap.ok(not missing, "the API under attack exists: " + ", ".join(signatures), *(["missing: " + ", ".join(missing)] if missing else []))
    return not missing


def settings():
    return {r[0]: r[1] for r in su("SELECT key, value FROM migstat.setting")}
