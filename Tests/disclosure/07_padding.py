"""Attack 7: padding (issue 9).

A login holding loader (purpose mig) and analyst -- which access_grant allows -- opens a
transaction, imports nine made-up records into a target cell through the loader path
(begin_batch, INSERT into its batch table, check_batch, finish_batch: Tests/sql/helpers/loader.sql),
then reads in the same transaction: a flexible report, coverage and a declared report. Each must be
refused (any error; the API says 25000), or not see the nine records (the published value equals
the one read outside the transaction). The transaction is rolled back.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import Attacker, Refused, Tap, lit, report_sql, require_api  # noqa: E402

TARGET = {"sex": "M", "nationality": "KAZ"}       # the cell padded: M, KAZ, age 7, IN, May
DIMS = ["sex", "direction"]


def padding_sql(read_sql):
    rows = ",\n".join(
        "(%d, 'pad-%d', date '2024-05-1%d', (SELECT id FROM migstat.code WHERE dimension = 'direction' AND code = 'IN'), "
        "(SELECT id FROM migstat.code WHERE dimension = 'sex' AND code = 'M'), 7, "
        "(SELECT id FROM migstat.code WHERE dimension = 'country' AND code = 'KAZ'), "
        "(SELECT id FROM migstat.code WHERE dimension = 'reason' AND code = 'FAM'), "
        "(SELECT id FROM migstat.code WHERE dimension = 'ethnicity' AND code = 'KAZAKH'), "
        "(SELECT id FROM migstat.code WHERE dimension = 'migration_status' AND code = 'IRR'), "
        "(SELECT id FROM migstat.code WHERE dimension = 'disability' AND code = 'NODIS'), "
        "sha256(convert_to('pad-%d', 'UTF8')))" % (i, i, i, i) for i in range(1, 10))
    return """BEGIN;
SELECT batch_id AS pad_batch, table_name AS pad_table
  FROM migstat.begin_batch('border', 'mig', 'padding.csv', encode(sha256(convert_to(clock_timestamp()::text, 'UTF8')), 'hex')) \\gset
INSERT INTO :pad_table (line_no, record_id, event_date, direction, sex, age, nationality, reason, ethnicity,
                        migration_status, disability, person_pseudonym) VALUES
%s;
SELECT count(*) FROM migstat.check_batch(:pad_batch);
SELECT 'PADDED', (migstat.finish_batch(:pad_batch, 9, 0)).accepted;
%s;
ROLLBACK;
""" % (rows, read_sql)


def main():
    tap = Tap()
    if not require_api(tap, "migstat.begin_batch(text,text,text,text,text)", "migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean)"):
        return 1
    att = Attacker("padder")
    # Without padding, outside any transaction: the value the attacker compares with.
    try:
        before = att.report(DIMS, filters={"nationality": ["KAZ"]}, bands=None, unit="month")
    except Refused as e:
        tap.ok(False, "padder: a plain report (no transaction) runs", str(e))
        return 1
    reads = [
        ("a flexible report", report_sql(DIMS, {"nationality": ["KAZ"]}, bands=None, unit="month")
         .replace("SELECT array_to_string", "SELECT 'R', array_to_string")),
        ("coverage", "SELECT 'R', source, period, dimension, records FROM migstat.coverage('2024-01-01', '2024-12-31', NULL)"),
        ("a declared report", "SELECT 'R', array_to_string(cell_dims, '|'), obs_value, conf_status "
                              "FROM migstat.declared_report('mig', (SELECT name FROM migstat.declared_tables('mig') LIMIT 1))"),
    ]
    for what, sql in reads:
        try:
            rows = att.sql(padding_sql(sql))
        except Refused as e:
            # The padding steps themselves must have worked: the refusal must come from the read.
            padded = [r for r in e.rows if r and r[0] == "PADDED"]
            tap.ok(bool(padded) and e.sqlstate not in ("?????", "42883", "42P01", "42703"),
                   "padder: %s in the transaction that imported nine made-up records is refused (%s)" % (what, e.sqlstate),
                   str(e), "padding steps completed: %s" % (padded or "no"))
            continue
        got = [r for r in rows if r and r[0] == "R"]
        if what == "a flexible report":
            after = {tuple(r[1].split("|")): (int(r[2]) if r[2] else None) for r in got}
            cell = ("M", "IN", "2024-05")
            same = after.get(cell) == before.get(cell, (None,))[0]
            tap.ok(same, "padder: %s in the padding transaction is refused or does not see the made-up records" % what,
                   "cell %s: %s before, %s in the padding transaction" % (cell, before.get(cell), after.get(cell)))
        else:
            tap.ok(False, "padder: %s in the transaction that imported nine made-up records is refused" % what,
                   "it answered %d rows" % len(got))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
