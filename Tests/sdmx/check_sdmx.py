"""SDMX checks of Scripts/test-sql-sdmx.sh with an independent reader, the PyPI package sdmx1.

Reads the shipped structure (SDMX_STRUCTURE) with sdmx1, then every SDMX-CSV file the script wrote
($SDMX_OUT/sdmx/*.csv, and $SDMX_OUT/nsc.csv against $SDMX_OUT/nsc-structure.xml) with sdmx1's SDMX-CSV 2.0
reader against the dataflow, and checks: every column is a dimension, the measure or an attribute of the
DSD; every row has every dimension; every coded value is in its code list; TIME_PERIOD is an SDMX time
period or range; no key repeats within a file or, with another value, across all files; and that the
dimensions that keep reports apart (UNIT_MEASURE, TABLE_TYPE) are needed: without them keys would collide.
Prints TAP-style "ok N - ..." / "not ok N - ..." lines.
"""

import csv
import glob
import os
import re
import sys

import sdmx

OUT = os.environ["SDMX_OUT"]
STRUCTURE = os.environ["SDMX_STRUCTURE"]
number = int(os.environ.get("SDMX_FIRST", "1"))

TIME = re.compile(
    r"^(\d{4}|\d{4}-Q[1-4]|\d{4}-M(0[1-9]|1[0-2])|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])/P\d+[YMD])$")


def check(ok, name, detail=""):
    global number
    print(f"{'ok' if ok else 'not ok'} {number} - {name}")
    if not ok and detail:
        for line in str(detail).splitlines()[:15]:
            print(f"#   {line}")
    number += 1
    return ok


def load_structure(path, dataflow_id):
    message = sdmx.read_sdmx(path)
    flow = message.dataflow[dataflow_id]
    return message, flow


def validate_file(path, message, flow, observed, check=check):
    """Checks one SDMX-CSV file; records key → (value, conf) of its observations in `observed`."""
    name = os.path.basename(path)
    dsd = flow.structure
    dims = [d.id for d in dsd.dimensions]
    attrs = [a.id for a in dsd.attributes]
    measures = [m.id for m in dsd.measures]
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    allowed = ["STRUCTURE", "STRUCTURE_ID", "ACTION"] + dims + measures + attrs
    check(set(header) <= set(allowed) and len(set(header)) == len(header) and set(dims) <= set(header),
          f"{name}: every column is a component of {dsd.id} and every dimension is there",
          f"unknown: {sorted(set(header) - set(allowed))}, missing: {sorted(set(dims) - set(header))}")
    check(len(body) > 0, f"{name}: has observations")
    structure_id = f"{flow.maintainer.id}:{flow.id}({flow.version})"
    check(all(r[0] == "dataflow" and r[1] == structure_id and r[2] == "I" for r in body),
          f"{name}: every row is of dataflow {structure_id}")

    # The independent reader: sdmx1's SDMX-CSV 2.0 reader against the dataflow.
    try:
        data = sdmx.read_sdmx(path, structure=flow)
        obs = [o for ds in data.data for o in ds.obs]
        error = None
    except Exception as e:  # noqa: BLE001 - any failure of the reader is the finding
        obs, error = [], repr(e)
    check(error is None and len(obs) == len(body), f"{name}: sdmx1 reads {len(body)} observations",
          error or f"read {len(obs)}")

    bad_codes, bad_time, missing = [], [], []
    keys = {}
    repeated = []
    for o in obs:
        key = {k: str(v.value) for k, v in o.dimension.values.items()}
        if set(key) != set(dims):
            missing.append(sorted(set(dims) - set(key)))
            continue
        for d in dsd.dimensions:
            value = key[d.id]
            if d.id == "TIME_PERIOD":
                if not TIME.match(value):
                    bad_time.append(value)
                continue
            rep = d.local_representation
            if rep is not None and rep.enumerated is not None:
                if value not in rep.enumerated:
                    bad_codes.append(f"{d.id}={value}")
            elif not value:
                bad_codes.append(f"{d.id} empty")
        for a in ("OBS_STATUS", "CONF_STATUS"):
            av = o.attached_attribute.get(a)
            codelist = dsd.attributes.get(a).local_representation.enumerated
            if av is None or str(av.value) not in codelist:
                bad_codes.append(f"{a}={av.value if av else None}")
        conf = str(o.attached_attribute["CONF_STATUS"].value)
        value = "" if o.value is None else str(o.value)
        if conf == "C" and value not in ("", "nan", "None"):
            bad_codes.append(f"withheld with a value {value}")
        k = tuple(key[d] for d in dims)
        if k in keys:
            repeated.append(k)
        keys[k] = (value, conf)
    check(not missing, f"{name}: every observation has every dimension", missing[:5])
    check(not bad_codes, f"{name}: every code is in its code list", sorted(set(bad_codes))[:20])
    check(not bad_time, f"{name}: TIME_PERIOD is an SDMX time period or range (never _T)", sorted(set(bad_time))[:10])
    check(not repeated, f"{name}: no key repeats within the file", repeated[:3])
    for k, v in keys.items():
        observed.setdefault(k, []).append((name, v))
    return dims, keys


def main():
    message, flow = load_structure(STRUCTURE, "MIGRATION_FLOWS")
    dsd = flow.structure
    dims = [d.id for d in dsd.dimensions]
    check(dims[-1] == "TIME_PERIOD" and {"SEX", "AGE", "NATIONALITY", "REASON", "OCCUPATION", "WORKER_CATEGORY",
                                         "ETHNICITY", "MIGRATION_STATUS", "DISABILITY", "DIRECTION",
                                         "DATA_SOURCE_TYPE"} <= set(dims),
          "the structure has every dimension of para. 20(a), DIRECTION, DATA_SOURCE_TYPE and TIME_PERIOD", dims)
    check({a.id for a in dsd.attributes} == {"OBS_STATUS", "CONF_STATUS", "LOWER_BOUND", "UPPER_BOUND", "COMMENT_OBS"},
          "the structure has the attributes OBS_STATUS, CONF_STATUS, bounds and COMMENT_OBS")
    cl = message.codelist
    check({"_T", "_U", "F", "M"} <= {c.id for c in cl["CL_SEX"]} and "_Z" not in {c.id for c in cl["CL_REASON"]},
          "code lists have _T and _U (unknown), and no _Z (not applicable) for stated-or-not data")
    ages = {c.id for c in cl["CL_AGE"]}
    want = {"Y_LT15", "Y15T17", "Y18T24", "Y_GE65", "Y_LT5", "Y5T9", "Y_GE85", "Y14", "Y0"}
    check(want <= ages and all(f"Y{a}T{b}" in ages for a in range(1, 131) for b in range(a + 1, 131)),
          "CL_AGE has every whole-year band 0..130 in CL_AGE form", sorted(want - ages))
    check(len(list(cl["CL_COUNTRY"])) >= 253 + 2 and len(list(cl["CL_OCCUPATION"])) >= 619 + 2,
          "CL_COUNTRY (ISO 3166 + ICAO) and CL_OCCUPATION (ISCO-08) are complete")

    observed = {}
    files = sorted(glob.glob(os.path.join(OUT, "sdmx", "*.csv")))
    check(len(files) >= 19, f"{len(files)} SDMX-CSV reports to check")
    for path in files:
        validate_file(path, message, flow, observed)

    conflicts = [(k, v) for k, v in observed.items() if len({x[1] for x in v}) > 1]
    shared = sum(1 for v in observed.values() if len(v) > 1)
    check(not conflicts, f"no key has two values across the {len(files)} reports ({shared} keys in several reports agree)",
          "\n".join(f"{dict(zip(dims, k))}: {v}" for k, v in conflicts[:5]))
    check(shared > 0, "reports do share keys (the cross-report check compares something)")

    # The check can fail: without UNIT_MEASURE and TABLE_TYPE, persons and records, declared and flexible
    # tables would give one key two values.
    drop = [dims.index("UNIT_MEASURE"), dims.index("TABLE_TYPE")]
    collapsed = {}
    for k, v in observed.items():
        ck = tuple(x for i, x in enumerate(k) if i not in drop)
        collapsed.setdefault(ck, set()).update(x[1] for x in v)
    check(any(len(v) > 1 for v in collapsed.values()),
          "without UNIT_MEASURE and TABLE_TYPE some key would have two values (the dimensions are needed)")

    # The file checks can fail: a copy of a report with a not-applicable code, an unknown column and a period
    # total as TIME_PERIOD fails them.
    with open(os.path.join(OUT, "sdmx", "sex_age.csv"), encoding="utf-8", newline="") as f:
        bad = list(csv.reader(f))
    sex, time = bad[0].index("SEX"), bad[0].index("TIME_PERIOD")
    bad[1][sex] = "_Z"
    bad[2][time] = "_T"
    bad[0].append("EXTRA")
    for row in bad[1:]:
        row.append("")
    bad_path = os.path.join(OUT, "bad.csv")
    with open(bad_path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(bad)
    failures = []
    validate_file(bad_path, message, flow, {}, check=lambda ok, name, detail="": failures.append(name) if not ok else None)
    check(any("every column" in x for x in failures) and any("code list" in x for x in failures)
          and any("TIME_PERIOD" in x for x in failures),
          "a report with _Z, an unknown column and TIME_PERIOD=_T fails the checks", failures)

    # Specific content.
    def rows(name):
        with open(os.path.join(OUT, "sdmx", name + ".csv"), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    kgz = rows("sex_kgz")
    check(all(r["NATIONALITY"] == "KGZ" and r["TIME_PERIOD"] == "2024" for r in kgz),
          "a one-code filter is written as its code, the period as 2024")
    whole = {r["TIME_PERIOD"] for r in rows("whole_year_q")}
    check(whole == {"2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2024"}, "whole quarters and the year", whole)
    occ = {r["OCCUPATION"] for r in rows("occupation_2")} | {r["OCCUPATION"] for r in rows("occupation_3")}
    check("_X" not in occ and "_Z" not in occ, "occupation residuals are _XL<level> and not stated _U",
          sorted(c for c in occ if c.startswith("_")))
    check({r["UNIT_MEASURE"] for r in rows("persons_sex")} == {"PS"}
          and {r["UNIT_MEASURE"] for r in rows("records_sex")} == {"EVT"}, "persons are PS, records EVT")
    decl = rows("declared")
    check({r["TABLE_TYPE"] for r in decl} == {"DECL"} and {r["PURPOSE"] for r in decl} == {"flows_2024"}
          and {r["TIME_PERIOD"] for r in decl} == {"2024"}, "a declared table is DECL, of its purpose, in 2024")
    check({r["NATIONALITY"] for r in rows("declared_filtered")} == {"KGZ"},
          "a declared table's filter is its code")
    est = [r for r in rows("estimates") if r["DATA_SOURCE_TYPE"] == "EST"]
    check(len(est) > 0 and all(r["OBS_STATUS"] == "E" and r["LOWER_BOUND"] and r["UPPER_BOUND"] for r in est),
          f"estimates are EST with OBS_STATUS E and bounds ({len(est)})")

    coded_message, coded_flow = load_structure(os.path.join(OUT, "coded-structure.xml"), "MIGRATION_FLOWS")
    dsd_coded = coded_flow.structure
    check(dsd_coded.dimensions.get("SOURCE").local_representation.enumerated is not None
          and {c.id for c in coded_message.codelist["CL_SOURCE"]} == {"_T", "border", "study-2024"},
          "with --source/--purpose, SOURCE and PURPOSE are coded")
    validate_file(os.path.join(OUT, "sdmx", "source_purpose.csv"), coded_message, coded_flow, {})

    nsc_message, nsc_flow = load_structure(os.path.join(OUT, "nsc-structure.xml"), "MIG_FLOWS")
    check(nsc_flow.maintainer.id == "NSC_KG" and str(nsc_flow.version) == "2.0",
          "a structure written with --agency/--dataflow/--version has them")
    validate_file(os.path.join(OUT, "nsc.csv"), nsc_message, nsc_flow, {})


if __name__ == "__main__":
    main()
