"""XLSX checks of Scripts/test-sql-sdmx.sh with an independent reader, the PyPI package openpyxl.

For every $SDMX_OUT/xlsx/NAME.xlsx the script wrote with the csv of the same report (NAME.csv): the workbook
has the table's sheet and a Metadata sheet; the table sheet's first columns are the csv's, with the same
values (numbers as numbers, a withheld value as an empty cell) and flags; `flag` is x exactly for withheld
cells and E for estimates; withheld cells and estimates carry a cell note; the metadata sheet has the title,
period, count, protection note, flag legend and source. Prints "ok N - ..." / "not ok N - ...".
"""

import csv
import glob
import os

import openpyxl

OUT = os.environ["SDMX_OUT"]
number = int(os.environ.get("SDMX_FIRST", "1"))


def check(ok, name, detail=""):
    global number
    print(f"{'ok' if ok else 'not ok'} {number} - {name}")
    if not ok and detail:
        for line in str(detail).splitlines()[:15]:
            print(f"#   {line}")
    number += 1


def text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


files = sorted(glob.glob(os.path.join(OUT, "xlsx", "*.xlsx")))
check(len(files) == 3, f"{len(files)} workbooks to check")
for path in files:
    name = os.path.basename(path)[:-5]
    with open(path[:-5] + ".csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    book = openpyxl.load_workbook(path)
    check(len(book.sheetnames) == 2 and book.sheetnames[-1] == "Metadata", f"{name}: a table sheet and Metadata",
          book.sheetnames)
    sheet = book[book.sheetnames[0]]
    cells = list(sheet.iter_rows())
    got_header = [text(c.value) for c in cells[0]]
    check(got_header[:len(header)] == header and got_header[-1] == "flag",
          f"{name}: the sheet's columns are the csv's, then labels and flag", got_header)
    check(len(cells) - 1 == len(body), f"{name}: one row per cell ({len(body)})", len(cells) - 1)
    value_col = header.index("obs_value")
    conf_col = header.index("conf_status")
    status_col = header.index("obs_status")
    flag_col = got_header.index("flag")
    mismatches, typed, flags, notes = [], [], [], []
    for row, csv_row in zip(cells[1:], body):
        got = [text(c.value) for c in row[:len(header)]]
        if got != csv_row:
            mismatches.append((got, csv_row))
        v = row[value_col].value
        if csv_row[value_col] and not isinstance(v, (int, float)):
            typed.append(csv_row)
        withheld = csv_row[conf_col] == "C"
        estimate = csv_row[status_col] == "E"
        flag = text(row[flag_col].value)
        if flag != ("x" if withheld else "E" if estimate else ""):
            flags.append((flag, csv_row))
        has_note = row[value_col].comment is not None
        if has_note != (withheld or estimate):
            notes.append(csv_row)
    check(not mismatches, f"{name}: every row has the csv's codes, values and flags", mismatches[:3])
    check(not typed, f"{name}: values are numbers", typed[:3])
    check(not flags, f"{name}: flag is x for withheld cells, E for estimates", flags[:3])
    check(not notes, f"{name}: withheld cells and estimates have a cell note, others none", notes[:3])
    meta = {text(r[0].value): text(r[1].value) for r in book["Metadata"].iter_rows() if r[0].value}
    check({"Title", "Flags", "Source", "Protection"} <= set(meta), f"{name}: metadata has title, protection, flags, source",
          sorted(meta))
    if name.startswith("flexible"):
        check("perturbed" in meta.get("Protection", "") and "Period" in meta and "Count" in meta,
              f"{name}: metadata says the values are perturbed, with period and count", meta)
    else:
        check("withheld" in meta.get("Protection", "") or "exact" in meta.get("Protection", ""),
              f"{name}: metadata says the counts are exact with cells withheld", meta)

# The whole programme in one workbook: a sheet per declared table (named after it), then Metadata; the sheet of
# sex_age_year holds the same rows as that table's own workbook.
book = openpyxl.load_workbook(os.path.join(OUT, "programme.xlsx"))
check(book.sheetnames == ["by_sex", "direction_kgz", "sex_age_year", "Metadata"], "the programme's workbook has a sheet per table",
      book.sheetnames)
single = openpyxl.load_workbook(os.path.join(OUT, "xlsx", "declared_sex_age.xlsx"))
rows = lambda sheet: [[text(c.value) for c in r] for r in sheet.iter_rows()]
check(rows(book["sex_age_year"]) == rows(single[single.sheetnames[0]]), "its sex_age_year sheet is that table's")
titles = [text(r[1].value) for r in book["Metadata"].iter_rows() if text(r[0].value) == "Title"]
check(len(titles) == 3, "the metadata has the title of each table", titles)
