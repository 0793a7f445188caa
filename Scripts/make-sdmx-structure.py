#!/usr/bin/env python3
"""Write the SDMX-ML 2.1 structure message of migstat's migration-flow statistics.

Usage:
    python3 Scripts/make-sdmx-structure.py                 # (re)write Schemas/sdmx/MIGSTAT_MIGRATION_FLOWS.xml
    python3 Scripts/make-sdmx-structure.py --check         # exit 1 if the shipped file is not what this writes
    python3 Scripts/make-sdmx-structure.py --agency NSC_KG --dataflow MIGRATION_FLOWS --version 1.0 \
        --source border_service --purpose cmw_report --output my-structure.xml

The message holds one data structure definition (DSD_<dataflow>), one dataflow, the concept
scheme and every code list the DSD uses. The code lists are made from the shipped lists in
Schemas/codes/ (country.csv from Debian iso-codes, region.csv, isco08.csv, ethnicity-kg.csv,
spec.csv) and from the rules below; `migstat report --format sdmx-csv` writes exactly these
codes (Sources/MigstatCore/Reports/ReportSDMXRenderer.swift). Standard library only; the output
is the same byte for byte for the same inputs and options (no clock is read).

Special codes (SDMX Guidelines for the Creation and Management of SDMX Code Lists):
    _T  Total: the dimension is not broken down.
    _U  Unknown: the record did not state a value (migstat's internal "_Z", an empty cell).
    _Z  Not applicable: not used for any dimension of this DSD (migstat never knows that a
        dimension does not apply to a record; it only knows that no value was given).
    National "unknown" codes that a source states explicitly (reason UNK, nationality XXX,
    sex _U) stay as they are: sex _U is the SDMX CL_SEX code; the others are codes of their lists.
Occupation: a record coded at a coarser ISCO-08 level than the report's falls in _XL2, _XL3 or
_XL4 ("coded at fewer than L digits", for a report at level L) -- one code per level, so that
the residual of a level-2 table and of a level-3 table never share a key.
Age: CL_AGE-style codes for every whole-year band 0..130 (the range of migstat.records.age):
Y_LT<n> (0 to n-1), Y<a> (one year), Y<a>T<b> (a..b, 1 <= a < b), Y_GE<n> (n and over),
plus _T and _U. A band starting at 0 is always Y_LT<b+1> (0-14 -> Y_LT15).
Names: English from the CSVs, Russian and Kyrgyz from Schemas/codes/labels/ru.csv and ky.csv when present.
SOURCE and PURPOSE are migstat's own names: uncoded (string) dimensions unless the deployment
lists them with --source / --purpose (then CL_SOURCE / CL_PURPOSE are written; names must be
SDMX ids, i.e. no dots).
"""

import argparse
import csv
import os
import re
import sys
from xml.sax.saxutils import escape, quoteattr

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODES_DIR = os.path.join(REPO_ROOT, "Schemas", "codes")
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "Schemas", "sdmx", "MIGSTAT_MIGRATION_FLOWS.xml")
MAX_AGE = 130
PREPARED = "2026-01-01T00:00:00Z"  # fixed: the file must not change from run to run
ID_PATTERN = re.compile(r"^[A-Za-z0-9_@$\-]+$")

NS = {
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
}

# The dimension catalogue (Sources/MigstatCore/Catalog/DimensionCatalog.swift), in DSD order:
# (SDMX id, concept name, code list id, source of the codes).
RECORD_DIMENSIONS = [
    ("DIRECTION", "Direction of the migration flow", "CL_DIRECTION", ("spec.csv", "direction")),
    ("SEX", "Sex", "CL_SEX", ("spec.csv", "sex")),
    ("AGE", "Age group", "CL_AGE", None),
    ("NATIONALITY", "Nationality", "CL_COUNTRY", ("country.csv", "country")),
    ("COUNTRY", "Country of origin or destination", "CL_COUNTRY", ("country.csv", "country")),
    ("REGION", "Region", "CL_REGION", ("region.csv", "region")),
    ("REASON", "Reason for migration (entry or exit)", "CL_REASON", ("spec.csv", "reason")),
    ("OCCUPATION", "Occupation (type of work), ISCO-08", "CL_OCCUPATION", ("isco08.csv", "occupation")),
    ("WORKER_CATEGORY", "Category of migrant worker (ICMW art. 2)", "CL_WORKER_CATEGORY",
     ("spec.csv", "worker_category")),
    ("ETHNICITY", "Ethnic origin", "CL_ETHNICITY", ("ethnicity-kg.csv", "ethnicity")),
    ("MIGRATION_STATUS", "Migration status", "CL_MIGRATION_STATUS", ("spec.csv", "migration_status")),
    ("DISABILITY", "Disability (Washington Group Short Set)", "CL_DISABILITY", ("spec.csv", "disability")),
]

FIXED_LISTS = {
    "CL_UNIT_MEASURE": ("Unit of measure", [
        ("EVT", "Migration events (records)"),
        ("PS", "Persons (distinct pseudonymised persons)"),
    ]),
    "CL_TABLE_TYPE": ("Type of table", [
        ("FLEX", "Flexible table: every cell perturbed by the cell-key method (within 3 of the true count, "
                 "no 1s or 2s)"),
        ("DECL", "Declared table of an output programme: exact counts, small cells withheld"),
    ]),
    "CL_DATA_SOURCE_TYPE": ("Type of data source", [
        ("COUNT", "Count of administrative records"),
        ("EST", "Estimate (never added into counted cells)"),
    ]),
    # SDMX cross-domain CL_OBS_STATUS (a subset: the codes a receiver may meet).
    "CL_OBS_STATUS": ("Observation status", [
        ("A", "Normal value"), ("B", "Time series break"), ("E", "Estimated value"), ("F", "Forecast value"),
        ("I", "Imputed value"), ("M", "Missing value; data cannot exist"), ("O", "Missing value"),
        ("P", "Provisional value"),
    ]),
    # SDMX cross-domain CL_CONF_STATUS.
    "CL_CONF_STATUS": ("Confidentiality status", [
        ("A", "Primary confidentiality due to small counts"), ("C", "Confidential statistical information"),
        ("D", "Secondary confidentiality set by the sender, not for publication"), ("F", "Free"),
        ("M", "Primary confidentiality due to dominance by one unit"),
        ("N", "Not for publication, restricted for internal use only"),
        ("S", "Secondary confidentiality set and managed by the receiver, not for publication"),
    ]),
}

TOTAL = ("_T", "Total")
UNKNOWN = ("_U", "Unknown (not stated in the record)")
# Names of the special codes in the languages of Schemas/codes/labels/ (the lists' own codes are named there).
SPECIAL_NAMES = {"ru": {"_T": "Всего", "_U": "Неизвестно"}, "ky": {"_T": "Бардыгы", "_U": "Белгисиз"}}
LABELS_DIR = os.path.join(CODES_DIR, "labels")


def read_translations():
    """{lang: {(dimension, code): label}} from Schemas/codes/labels/LANG.csv, for the languages present."""
    result = {}
    for lang in sorted(SPECIAL_NAMES):
        path = os.path.join(LABELS_DIR, f"{lang}.csv")
        if os.path.exists(path):
            with open(path, encoding="utf-8", newline="") as f:
                result[lang] = {(r["dimension"], r["code"]): r["label"] for r in csv.DictReader(f) if r["label"]}
    return result


TRANSLATIONS = read_translations()


def names(dimension, code):
    """{lang: name} of a code in the translated languages."""
    out = {}
    for lang, labels in TRANSLATIONS.items():
        name = labels.get((dimension, code)) if dimension else None
        name = name or SPECIAL_NAMES[lang].get(code)
        if name:
            out[lang] = name
    return out


def read_codes(file, dimension):
    """(code, label, parent) of one dimension of a Schemas/codes/ CSV, in sort order."""
    with open(os.path.join(CODES_DIR, file), encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["dimension"] == dimension]
    rows.sort(key=lambda r: int(r["sort_order"]))
    return [(r["code"], r["label"], r["parent"] or None, names(dimension, r["code"])) for r in rows]


def age_codes():
    codes = [TOTAL, UNKNOWN]
    codes += [(f"Y_LT{n}", f"Under {n} years") for n in range(1, MAX_AGE + 2)]
    codes += [(f"Y{a}", f"{a} years") for a in range(0, MAX_AGE + 1)]
    codes += [(f"Y{a}T{b}", f"From {a} to {b} years") for a in range(1, MAX_AGE + 1) for b in range(a + 1, MAX_AGE + 1)]
    codes += [(f"Y_GE{n}", f"{n} years or over") for n in range(0, MAX_AGE + 1)]
    return [(c, l, None, names(None, c)) for c, l in codes]


def code_list(source):
    file, dimension = source
    codes = read_codes(file, dimension)
    present = {c[0] for c in codes}
    extra = [TOTAL] + ([UNKNOWN] if UNKNOWN[0] not in present else [])
    result = [(c, l, None, names(dimension, c)) for c, l in extra] + codes
    if dimension == "occupation":
        result += [(f"_XL{n}", f"Coded at fewer than {n} ISCO-08 digits (not classifiable at level {n})", None, {})
                   for n in (2, 3, 4)]
    return result


def names_list(names, what):
    for name in names:
        if not ID_PATTERN.match(name):
            sys.exit(f"make-sdmx-structure: {what} {name!r} is not an SDMX id (letters, digits, _ @ $ -)")
    return [TOTAL + (None, {})] + [(n, n, None, {}) for n in names]


def build(args):
    agency, version = args.agency, args.version
    dsd_id = args.dsd or f"DSD_{args.dataflow}"
    lists = {}  # id -> (name, codes)
    dims = []   # (id, concept name, codelist id or None)
    for sdmx_id, name, cl, source in RECORD_DIMENSIONS:
        if cl not in lists:
            lists[cl] = (name if cl != "CL_COUNTRY" else "Countries (ISO 3166-1 alpha-3, ICAO Doc 9303 codes)",
                         age_codes() if source is None else code_list(source))
        dims.append((sdmx_id, name, cl))
    for sdmx_id, name, names, cl in (("SOURCE", "Data source (migstat source name)", args.source, "CL_SOURCE"),
                                     ("PURPOSE", "Purpose of processing (migstat purpose name)", args.purpose,
                                      "CL_PURPOSE")):
        if names:
            lists[cl] = (name, names_list(names, sdmx_id.lower()))
            dims.append((sdmx_id, name, cl))
        else:
            dims.append((sdmx_id, name, None))
    for sdmx_id, cl in (("UNIT_MEASURE", "CL_UNIT_MEASURE"), ("TABLE_TYPE", "CL_TABLE_TYPE"),
                        ("DATA_SOURCE_TYPE", "CL_DATA_SOURCE_TYPE")):
        name, codes = FIXED_LISTS[cl]
        lists[cl] = (name, [(c, l, None, {}) for c, l in codes])
        dims.append((sdmx_id, name, cl))
    for cl in ("CL_OBS_STATUS", "CL_CONF_STATUS"):
        name, codes = FIXED_LISTS[cl]
        lists[cl] = (name, [(c, l, None, {}) for c, l in codes])

    cs_id = f"CS_{args.dataflow}"
    concepts = [(d, n) for d, n, _ in dims] + [
        ("TIME_PERIOD", "Time period or range"), ("OBS_VALUE", "Observation value"),
        ("OBS_STATUS", "Observation status"), ("CONF_STATUS", "Confidentiality status"),
        ("LOWER_BOUND", "Lower bound of an estimate"), ("UPPER_BOUND", "Upper bound of an estimate"),
        ("COMMENT_OBS", "Comment on the observation")]

    out = []
    w = out.append

    def name(text, indent):
        w(f'{indent}<com:Name xml:lang="en">{escape(text)}</com:Name>\n')

    def cref(concept):
        return (f'<str:ConceptIdentity><Ref id="{concept}" maintainableParentID="{cs_id}" '
                f'maintainableParentVersion="{version}" agencyID="{agency}" package="conceptscheme" '
                f'class="Concept"/></str:ConceptIdentity>')

    def enum(cl):
        return (f'<str:LocalRepresentation><str:Enumeration><Ref id="{cl}" version="{version}" agencyID="{agency}" '
                f'package="codelist" class="Codelist"/></str:Enumeration></str:LocalRepresentation>')

    def text(fmt, extra=""):
        return f'<str:LocalRepresentation><str:TextFormat textType="{fmt}"{extra}/></str:LocalRepresentation>'

    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(f'<mes:Structure xmlns:mes="{NS["mes"]}" xmlns:str="{NS["str"]}" xmlns:com="{NS["com"]}">\n')
    w(f'  <mes:Header>\n    <mes:ID>{escape(dsd_id)}_STRUCTURE</mes:ID>\n    <mes:Test>false</mes:Test>\n'
      f'    <mes:Prepared>{PREPARED}</mes:Prepared>\n    <mes:Sender id={quoteattr(agency)}/>\n  </mes:Header>\n')
    w('  <mes:Structures>\n')
    w('    <str:Dataflows>\n')
    w(f'      <str:Dataflow id="{args.dataflow}" agencyID="{agency}" version="{version}" isFinal="false">\n')
    name("Migration flows (CMW/C/KGZ/CO/2 para. 20(a)), disaggregated, disclosure-controlled", "        ")
    w(f'        <str:Structure><Ref id="{dsd_id}" version="{version}" agencyID="{agency}" package="datastructure" '
      f'class="DataStructure"/></str:Structure>\n')
    w('      </str:Dataflow>\n    </str:Dataflows>\n')
    w('    <str:Codelists>\n')
    for cl in sorted(lists):
        title, codes = lists[cl]
        w(f'      <str:Codelist id="{cl}" agencyID="{agency}" version="{version}" isFinal="false">\n')
        name(title, "        ")
        for code, label, parent, translated in codes:
            w(f'        <str:Code id={quoteattr(code)}><com:Name xml:lang="en">{escape(label)}</com:Name>')
            for lang in sorted(translated):
                w(f'<com:Name xml:lang="{lang}">{escape(translated[lang])}</com:Name>')
            if parent:
                w(f'<str:Parent><Ref id={quoteattr(parent)}/></str:Parent>')
            w('</str:Code>\n')
        w('      </str:Codelist>\n')
    w('    </str:Codelists>\n')
    w('    <str:Concepts>\n')
    w(f'      <str:ConceptScheme id="{cs_id}" agencyID="{agency}" version="{version}" isFinal="false">\n')
    name("Concepts of migstat migration-flow statistics", "        ")
    for cid, cname in concepts:
        w(f'        <str:Concept id="{cid}"><com:Name xml:lang="en">{escape(cname)}</com:Name></str:Concept>\n')
    w('      </str:ConceptScheme>\n    </str:Concepts>\n')
    w('    <str:DataStructures>\n')
    w(f'      <str:DataStructure id="{dsd_id}" agencyID="{agency}" version="{version}" isFinal="false">\n')
    name("Migration flows, disaggregated (migstat)", "        ")
    w('        <str:DataStructureComponents>\n')
    w('          <str:DimensionList id="DimensionDescriptor">\n')
    for position, (did, _, cl) in enumerate(dims, start=1):
        rep = enum(cl) if cl else text("String", ' maxLength="63"')
        w(f'            <str:Dimension id="{did}" position="{position}">{cref(did)}{rep}</str:Dimension>\n')
    w(f'            <str:TimeDimension id="TIME_PERIOD" position="{len(dims) + 1}">{cref("TIME_PERIOD")}'
      f'{text("ObservationalTimePeriod")}</str:TimeDimension>\n')
    w('          </str:DimensionList>\n')
    w('          <str:AttributeList id="AttributeDescriptor">\n')
    rel = '<str:AttributeRelationship><str:PrimaryMeasure><Ref id="OBS_VALUE"/></str:PrimaryMeasure></str:AttributeRelationship>'
    for aid, status, rep in (("OBS_STATUS", "Mandatory", enum("CL_OBS_STATUS")),
                             ("CONF_STATUS", "Mandatory", enum("CL_CONF_STATUS")),
                             ("LOWER_BOUND", "Conditional", text("Decimal")),
                             ("UPPER_BOUND", "Conditional", text("Decimal")),
                             ("COMMENT_OBS", "Conditional", text("String", ' maxLength="1050"'))):
        w(f'            <str:Attribute id="{aid}" assignmentStatus="{status}">{cref(aid)}{rep}{rel}</str:Attribute>\n')
    w('          </str:AttributeList>\n')
    w('          <str:MeasureList id="MeasureDescriptor">\n')
    w(f'            <str:PrimaryMeasure id="OBS_VALUE">{cref("OBS_VALUE")}{text("Integer")}</str:PrimaryMeasure>\n')
    w('          </str:MeasureList>\n')
    w('        </str:DataStructureComponents>\n      </str:DataStructure>\n    </str:DataStructures>\n')
    w('  </mes:Structures>\n</mes:Structure>\n')
    return "".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--agency", default="MIGSTAT", help="maintenance agency id (default MIGSTAT)")
    p.add_argument("--dataflow", default="MIGRATION_FLOWS", help="dataflow id (default MIGRATION_FLOWS)")
    p.add_argument("--dsd", help="data structure id (default DSD_<dataflow>)")
    p.add_argument("--version", default="1.0", help="version of every artefact (default 1.0)")
    p.add_argument("--source", action="append", default=[], help="a source name: makes SOURCE coded (repeatable)")
    p.add_argument("--purpose", action="append", default=[], help="a purpose name: makes PURPOSE coded (repeatable)")
    p.add_argument("--output", default=DEFAULT_OUTPUT, help="file to write (default the shipped one)")
    p.add_argument("--check", action="store_true", help="exit 1 if --output differs from what would be written")
    args = p.parse_args()
    for what in ("agency", "dataflow", "version"):
        value = getattr(args, what)
        if not (ID_PATTERN.match(value) if what != "version" else re.match(r"^[0-9]+(\.[0-9]+)*$", value)):
            sys.exit(f"make-sdmx-structure: --{what} {value!r} is not valid")
    text = build(args)
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"make-sdmx-structure: {args.output} is not up to date (run Scripts/make-sdmx-structure.py)",
                  file=sys.stderr)
            return 1
        return 0
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
