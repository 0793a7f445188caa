"""Attack 8: reads that try to leave no trace (issue 9), as an analyst; the traces checked as the
auditor (migstat.read_gaps) and in the server log ($MIGSTAT_PG_LOG, Scripts/pg.sh env).

  * a committed report: its "migstat read N: user=<analyst>" log line, and N is not a gap (it has its
    committed audit row) -- the control that shows the gap check can tell the two apart;
  * a report inside BEGIN ... ROLLBACK: its log line (with the user), and N in read_gaps();
  * a report cancelled by statement_timeout (57014): its log line, and N in read_gaps();
  * a report refused by the bounds (22023): its log line, and N in read_gaps();
  * a coverage call inside BEGIN ... ROLLBACK: likewise.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import LOGIN, Attacker, Refused, Tap, report_sql, require_api  # noqa: E402

LOG = os.environ.get("MIGSTAT_PG_LOG", "")
LINE = re.compile(r"migstat read (\d+): user=(\S+) call=(\S+)")


class LogTail:
    def __init__(self):
        self.pos = os.path.getsize(LOG)

    def new_reads(self, user, wait=2.0):
        """Read numbers logged for user since the last call (the log is written asynchronously by
        the server: wait briefly for it)."""
        deadline = time.time() + wait
        found = []
        while True:
            with open(LOG, "rb") as f:
                f.seek(self.pos)
                data = f.read().decode("utf-8", "replace")
            found = [(int(m.group(1)), m.group(3)) for m in LINE.finditer(data) if m.group(2) == user]
            if found or time.time() > deadline:
                break
            time.sleep(0.2)
        self.pos += len(data.encode("utf-8"))
        return found


def gaps():
    return {int(r[0]) for r in Attacker("auditor").sql("SELECT read_no FROM migstat.read_gaps()")}


def main():
    tap = Tap()
    if not require_api(tap, "migstat.read_gaps()", "migstat.report(text[],jsonb,date,date,text,text,integer,text,integer,boolean)"):
        return 1
    if not tap.ok(bool(LOG) and os.path.isfile(LOG), "the server log is readable (%s)" % LOG):
        return 1
    att = Attacker("analyst")
    user = LOGIN["analyst"]
    small = report_sql(["sex", "direction"], unit=None)
    heavy = report_sql(["age", "nationality", "sex", "direction", "ethnicity"], unit="month", count="persons")
    cases = [
        ("a committed report", small, None, False),
        ("a report inside BEGIN ... ROLLBACK", "BEGIN;\n%s;\nROLLBACK" % small, None, True),
        ("a report refused by the bounds (a sex filter listing 3 codes of 5)",
         report_sql(["sex"], {"sex": ["F", "M", "_U"]}, unit=None), None, True),
        ("coverage inside BEGIN ... ROLLBACK", "BEGIN;\nSELECT * FROM migstat.coverage('2024-01-01', '2024-12-31', NULL);\nROLLBACK",
         None, True),
    ]
    tail = LogTail()
    for what, sql, settings, expect_gap in cases:
        err = None
        try:
            att.sql(sql, settings)
        except Refused as e:
            err = e
        nums = tail.new_reads(user)
        g = gaps()
        ok_line = len(nums) == 1
        tap.ok(ok_line, "analyst: %s leaves one server-log line 'migstat read N: user=%s'" % (what, user),
               "log lines: %s; %s" % (nums, err or "no error"))
        if ok_line:
            n = nums[0][0]
            tap.ok((n in g) == expect_gap, "analyst: %s: read %d is %s migstat.read_gaps()" % (what, n, "in" if expect_gap else "not in"),
                   "gaps: %s" % sorted(g)[-10:], "error: %s" % err)
        if "refused" in what:
            tap.ok(err is not None and err.sqlstate == "22023", "analyst: %s is refused with 22023" % what, str(err))
    # Cancelled: statement_timeout, shortened until the heavy report is cancelled after its read began.
    cancelled = None
    for ms in (400, 200, 100, 50, 25, 12):
        try:
            att.sql(heavy, {"statement_timeout": "%dms" % ms})
            tail.new_reads(user, wait=0.5)
            continue
        except Refused as e:
            nums = tail.new_reads(user)
            if e.sqlstate == "57014":
                cancelled = (ms, nums)
                if nums:
                    break
    if cancelled is None:
        tap.ok(False, "analyst: a report cancelled by statement_timeout (57014)", "the heavy report was never cancelled")
    else:
        ms, nums = cancelled
        tap.ok(len(nums) == 1, "analyst: a report cancelled by statement_timeout=%dms (57014) leaves its log line" % ms,
               "log lines: %s" % nums)
        if nums:
            g = gaps()
            tap.ok(nums[0][0] in g, "analyst: the cancelled report's read %d is in migstat.read_gaps()" % nums[0][0])
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
