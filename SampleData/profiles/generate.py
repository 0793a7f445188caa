#!/usr/bin/env python3
"""Generates the two non-canonical sample batches and their canonical twins (synthetic people only).

  python3 SampleData/profiles/generate.py      # rewrites the four files below, deterministically

- SampleData/border-export-2024.csv: a border service's export, Windows-1251, ';', CRLF, Cyrillic headers,
  dates DD.MM.YYYY, sex М/Ж, birth dates, countries and regions by Russian name, '-' / 'н/д' for not stated,
  a checkpoint column migstat does not store. Profile: SampleData/profiles/border-export.yaml.
- SampleData/survey-2024.csv: an English survey export, UTF-8, ',', dates MM/DD/YYYY, Gender male/female,
  year of birth, ISO 3166-1 alpha-2 citizenship, Washington Group answers in words, 'NA'/'Refused'.
  Profile: SampleData/profiles/survey.yaml.
- SampleData/canonical/*.csv: the same records in the canonical layout (what the profiles must produce).
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
rng = random.Random(20240612)

COUNTRY_RU = {"KGZ": "Кыргызстан", "RUS": "Россия", "KAZ": "Казахстан", "UZB": "Узбекистан", "TJK": "Таджикистан",
              "TUR": "Турция", "CHN": "Китай", "XXA": "Лицо без гражданства"}
REGION_RU = {"KG-GB": "г. Бишкек", "KG-GO": "г. Ош", "KG-B": "Баткенская", "KG-C": "Чуйская", "KG-J": "Джалал-Абадская",
             "KG-N": "Нарынская", "KG-O": "Ошская", "KG-T": "Таласская", "KG-Y": "Иссык-Кульская"}
REASON_RU = {"OCC": "Работа", "FAM": "Семья", "EDUC": "Учёба", "RET": "Возвращение", "OTH": "Туризм"}
ALPHA2 = {"KGZ": "KG", "RUS": "RU", "KAZ": "KZ", "UZB": "UZ", "TJK": "TJ", "TUR": "TR", "CHN": "CN", "DEU": "DE",
          "USA": "US", "NOR": "NO"}
WG_WORDS = {"1": "No difficulty", "2": "Some difficulty", "3": "A lot of difficulty", "4": "Cannot do at all"}
CANONICAL = ["record_id", "person_id", "event_date", "direction", "sex", "age", "nationality", "country", "region",
             "reason", "occupation", "worker_category", "ethnicity", "migration_status", "disability",
             "wg_seeing", "wg_hearing", "wg_mobility", "wg_cognition", "wg_selfcare", "wg_communication"]


def pick(weights):
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def date(y, m, d):
    return (y, m, d)


def random_date(year):
    m = rng.randint(1, 12)
    d = rng.randint(1, 28 if m == 2 else 30)
    return (year, m, d)


def age_at(birth, event):
    a = event[0] - birth[0]
    if (event[1], event[2]) < (birth[1], birth[2]):
        a -= 1
    return a


def iso(d):
    return "%04d-%02d-%02d" % d


def write(path, header, rows, delimiter=",", line_end="\n", encoding="utf-8"):
    def field(v):
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in (delimiter, '"', "\n", "\r")) else v
    text = "".join(delimiter.join(field(v) for v in r) + line_end for r in [header] + rows)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(text)


def border():
    header = ["№ записи", "Паспорт", "Дата пересечения", "Направление", "КПП", "Пол", "Дата рождения",
              "Гражданство", "Страна следования", "Область", "Цель поездки", "Нарушение режима"]
    raw, canon = [], []
    for i in range(1, 401):
        event = random_date(2024)
        birth = (rng.randint(1950, 2010), rng.randint(1, 12), rng.randint(1, 28))
        if i == 7:
            birth = (1990, event[1], event[2])  # birthday on the day of the crossing
        nat = pick({"KGZ": 70, "RUS": 8, "KAZ": 6, "UZB": 6, "TJK": 5, "TUR": 2, "CHN": 2, "XXA": 1})
        country = pick({"RUS": 60, "KAZ": 20, "TUR": 8, "CHN": 5, "UZB": 7})
        direction = pick({"IN": 1, "OUT": 1})
        sex = pick({"M": 55, "F": 45})
        region = pick({k: 1 for k in REGION_RU}) if nat == "KGZ" and rng.random() < 0.8 else ""
        reason = pick({"OCC": 50, "FAM": 20, "EDUC": 10, "RET": 10, "OTH": 5, "": 5})
        irregular = rng.random() < 0.03
        passport = "AN%07d" % rng.randint(0, 9999999)
        birth_known = rng.random() > 0.02
        r = ["ПГ-%05d" % i, passport, "%02d.%02d.%04d" % (event[2], event[1], event[0]),
             "Въезд" if direction == "IN" else "Выезд", rng.choice(["Торугарт", "Иркештам", "Ак-Жол", "Манас"]),
             "М" if sex == "M" else "Ж",
             "%02d.%02d.%04d" % (birth[2], birth[1], birth[0]) if birth_known else "н/д",
             COUNTRY_RU[nat], COUNTRY_RU.get(country, country), REGION_RU.get(region, "-") if region else "-",
             REASON_RU[reason] if reason else "-", "Да" if irregular else "Нет"]
        c = {"record_id": r[0], "person_id": passport, "event_date": iso(event), "direction": direction, "sex": sex,
             "age": str(age_at(birth, event)) if birth_known else "", "nationality": nat, "country": country,
             "region": region, "reason": reason, "migration_status": "IRR" if irregular else "REG"}
        raw.append(r)
        canon.append([c.get(k, "") for k in CANONICAL])
    write(os.path.join(ROOT, "border-export-2024.csv"), header, raw, ";", "\r\n", "cp1251")
    write(os.path.join(ROOT, "canonical", "border-export-2024.csv"), CANONICAL, canon)


def survey():
    header = ["Respondent ID", "Arrival date", "Gender", "Year of birth", "Citizenship", "Country of previous residence",
              "Main reason for moving", "Occupation (ISCO-08)", "Type of worker", "Legal status",
              "Seeing", "Hearing", "Walking", "Remembering", "Self-care", "Communicating", "Interviewer"]
    reasons = {"OCC": "Work", "FAM": "Family", "EDUC": "Study", "ASY": "Protection", "RET": "Return", "OTH": "Other"}
    statuses = {"REG": "Regular", "IRR": "Irregular", "ASY_APPL": "Asylum seeker", "REF": "Refugee"}
    workers = {"SEASONAL": "Seasonal", "FRONTIER": "Frontier", "SELF_EMPLOYED": "Self-employed", "OTHER": "Other worker",
               "NOT_WORKER": "Not working"}
    raw, canon = [], []
    for i in range(1, 301):
        event = random_date(2024)
        year = rng.randint(1955, 2008)
        sex = pick({"M": 50, "F": 48, "_O": 1, "_U": 1})
        gender = {"M": rng.choice(["male", "Male", "MALE"]), "F": rng.choice(["female", "Female"]), "_O": "other",
                  "_U": "Prefer not to say"}[sex]
        nat = pick({"KGZ": 20, "RUS": 15, "KAZ": 10, "UZB": 20, "TJK": 20, "TUR": 5, "CHN": 5, "DEU": 2, "USA": 2, "NOR": 1})
        prev = pick({"RUS": 40, "KAZ": 20, "UZB": 10, "TJK": 10, "TUR": 10, "KGZ": 10})
        reason = pick({k: 1 for k in reasons})
        status = pick({"REG": 80, "IRR": 10, "ASY_APPL": 5, "REF": 5})
        worker = pick({k: 1 for k in workers})
        occupation = rng.choice(["9313", "7112", "8322", "5120", "2211", ""]) if worker != "NOT_WORKER" else ""
        wg = [pick({"1": 80, "2": 14, "3": 4, "4": 1, "": 1}) for _ in range(6)]
        year_known = rng.random() > 0.03
        missing_word = rng.choice(["NA", "Refused"])
        r = ["S24-%04d" % i, "%02d/%02d/%04d" % (event[1], event[2], event[0]), gender,
             str(year) if year_known else missing_word, ALPHA2[nat], ALPHA2[prev], reasons[reason],
             occupation if occupation else "NA", workers[worker], statuses[status]] + \
            [WG_WORDS[a] if a else missing_word for a in wg] + [rng.choice(["A. Usenova", "B. Tokoev", "C. Smith"])]
        c = {"record_id": r[0], "event_date": iso(event), "direction": "IN", "sex": sex,
             "age": str(event[0] - year) if year_known else "", "nationality": nat, "country": prev, "reason": reason,
             "occupation": occupation, "worker_category": worker, "migration_status": status}
        for name, a in zip(CANONICAL[15:], wg):
            c[name] = a
        raw.append(r)
        canon.append([c.get(k, "") for k in CANONICAL])
    write(os.path.join(ROOT, "survey-2024.csv"), header, raw)
    write(os.path.join(ROOT, "canonical", "survey-2024.csv"), CANONICAL, canon)


border()
survey()
