/// The words of a report (headings, legends, column headers, parameter names, dimension names, built-in
/// labels) in Russian and Kyrgyz, keyed by the English text (`ReportLabels.text`). Labels of codes are not here:
/// they are in `Schemas/codes/labels/` and the database (`migstat.code_label`).
///
/// Review: the Russian follows the terms of Rosstat / the National Statistical Committee of the Kyrgyz Republic
/// (Нацстатком) where known (МСКЗ-08 for ISCO-08, "ключ ячейки" for cell key). The Kyrgyz uses the Kyrgyz
/// Cyrillic letters ө, ү, ң; terms marked `// ky?` are the author's best rendering and want a native reviewer
/// (in particular the statistical-disclosure terms, which have no settled official Kyrgyz wording known to the
/// author).
enum ReportTranslations {
    static let monthsRU = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
                           "октябрь", "ноябрь", "декабрь"]
    /// Kyrgyz month names as used by Нацстатком publications (the Russian-derived names, Kyrgyz spelling).
    static let monthsKY = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
                           "октябрь", "ноябрь", "декабрь"]

    static let ru: [String: String] = [
        // Dimensions (DimensionCatalog labels).
        "Direction": "Направление",
        "Sex": "Пол",
        "Age group": "Возрастная группа",
        "Nationality": "Гражданство",
        "Country of origin or destination": "Страна прибытия или выбытия",
        "Region": "Регион",
        "Reason for migration": "Причина миграции",
        "Occupation (ISCO-08)": "Занятие (МСКЗ-08)",
        "Category of migrant worker": "Категория трудящегося-мигранта",
        "Ethnicity": "Этническая принадлежность",
        "Migration status": "Миграционный статус",
        "Disability": "Инвалидность",
        "Source": "Источник",
        "Purpose": "Цель",
        "Period": "Период",
        // Built-in labels.
        "Total": "Всего",
        "Not stated": "Не указано",
        "Not classifiable at this level": "Не классифицируется на этом уровне",
        // Titles.
        " and ": " и ",
        "Migration statistics: total": "Статистика миграции: всего",
        // Parameters.
        "Dimensions": "Разрезы",
        "Period unit": "Единица периода",
        "Filters": "Фильтры",
        "Age bands": "Возрастные группы",
        "Occupation level": "Уровень занятия",
        "Count": "Подсчёт",
        "Disclosure control": "Защита от раскрытия",
        "Estimates": "Оценки",
        "Generated": "Сформировано",
        "Declared table": "Объявленная таблица",
        "Preserved": "Сохранено",
        "all records": "все записи",
        "none (grand total)": "нет (общий итог)",
        "five-year bands (Eurostat)": "пятилетние группы (Евростат)",
        "records (events)": "записи (события)",
        "persons (distinct pseudonymised persons; margins are distinct counts)":
            "лица (различные псевдонимизированные лица; итоги — числа различных лиц)",
        "cell-key perturbation: every value within 3 of the true count, no 1s or 2s published":
            "искажение методом ключа ячейки: каждое значение отличается от истинного не более чем на 3, "
                + "значения 1 и 2 не публикуются",
        "included, flagged E, never added into counted cells":
            "включены, с отметкой E, никогда не прибавляются к подсчитанным ячейкам",
        "exact counts; cells withheld (C) jointly over every declared table of the purpose":
            "точные значения; ячейки скрыты (C) совместно по всем объявленным таблицам цели",
        "year": "год", "quarter": "квартал", "month": "месяц",
        // Text table.
        "Shown at their total": "Показаны итогом",
        "Value": "Значение",
        "columns": "столбцы",
        "of": "из",
        "No cells.": "Нет ячеек.",
        "cell": "ячейка",
        "cells": "ячеек",
        "Estimates (OBS_STATUS E), not added into counted cells":
            "Оценки (OBS_STATUS E), не прибавляются к подсчитанным ячейкам",
        "Estimate": "Оценка",
        "Lower bound": "Нижняя граница",
        "Upper bound": "Верхняя граница",
        "Lower": "Нижняя", "Upper": "Верхняя", "column": "столбец",
        "Legend": "Условные обозначения",
        "withheld (confidential, CONF_STATUS C)": "скрыто (конфиденциально, CONF_STATUS C)",
        "no cell for this combination": "нет ячейки для этого сочетания",
        "estimate (OBS_STATUS E), listed separately, never added into counted cells":
            "оценка (OBS_STATUS E), приводится отдельно, не прибавляется к подсчитанным ячейкам",
        "total (first row and column)": "итог (первая строка и первый столбец)",
        // HTML page.
        "Disaggregated statistics with statistical disclosure control applied in the database.":
            "Дезагрегированная статистика; защита от статистического раскрытия применена в базе данных.",
        "Table": "Таблица",
        "Charts": "Диаграммы",
        "Age and sex": "Возраст и пол",
        "rows by": "строки —",
        "columns by": "столбцы —",
        "Not published (CONF_STATUS C, confidential): withheld so that no small count can be read or derived.":
            "Не публикуется (CONF_STATUS C, конфиденциально): скрыто, чтобы ни одно малое число нельзя было "
                + "прочитать или вывести.",
        "Estimate from a study or other source (OBS_STATUS E), listed separately and never added into counted cells.":
            "Оценка по данным исследования или другого источника (OBS_STATUS E), приводится отдельно и никогда "
                + "не прибавляется к подсчитанным ячейкам.",
        "Totals (_T) are shaded.": "Итоги (_T) выделены фоном.",
        "Codes follow SDMX conventions: _T total, _Z not stated. Totals include the not-stated category. Cells marked "
            + "x are withheld by the database (CONF_STATUS C) so that no small count can be read or derived by "
            + "subtraction.":
            "Коды следуют соглашениям SDMX: _T — всего, _Z — не указано. Итоги включают категорию «не указано». "
                + "Ячейки, отмеченные x, скрыты базой данных (CONF_STATUS C), чтобы ни одно малое число нельзя было "
                + "прочитать или вывести вычитанием.",
        "Estimates from studies and other sources where records cannot exist (for example irregular migration). "
            + "They are not counts and are never added into the counted cells above.":
            "Оценки по данным исследований и других источников там, где записей быть не может (например, "
                + "неурегулированная миграция). Это не подсчёты, и они никогда не прибавляются к ячейкам выше.",
        "Estimates (OBS_STATUS E)": "Оценки (OBS_STATUS E)",
        "Not published (confidential)": "Не публикуется (конфиденциально)",
        "not published, confidential": "не публикуется, конфиденциально",
        // Charts.
        "Age\u{2013}sex pyramid: men (left) and women (right) by age group":
            "Половозрастная пирамида: мужчины (слева) и женщины (справа) по возрастным группам",
        "Horizontal bars by age group, youngest at the bottom; suppressed values are hatched and marked x.":
            "Горизонтальные полосы по возрастным группам, младшие внизу; скрытые значения заштрихованы и "
                + "отмечены x.",
        "total": "всего",
        "Age": "Возраст",
        "no cell": "нет ячейки",
        "not published": "не публикуется",
        "not published (x)": "не публикуется (x)",
        "age not stated": "возраст не указан",
        "Counts by age group and sex": "Численность по возрастным группам и полу",
        ", all other dimensions at their totals": ", все остальные разрезы — итогом",
        "Hatched bars (x) are not published (confidential).":
            "Заштрихованные полосы (x) не публикуются (конфиденциально).",
        "Not shown": "Не показано",
        "Bar chart": "Столбчатая диаграмма",
        "One bar per category; suppressed values are hatched and marked x.":
            "Одна полоса на категорию; скрытые значения заштрихованы и отмечены x.",
        "The largest categories are shown": "Показаны крупнейшие категории",
        "all are in the table.": "все приведены в таблице.",
    ]

    static let ky: [String: String] = [
        // Dimensions.
        "Direction": "Багыты",
        "Sex": "Жынысы",
        "Age group": "Курак тобу",
        "Nationality": "Жарандыгы",
        "Country of origin or destination": "Келген же бара турган өлкө",
        "Region": "Аймак",
        "Reason for migration": "Миграциянын себеби",
        "Occupation (ISCO-08)": "Кесиби (ISCO-08)", // ky? Kyrgyz abbreviation of ISCO-08 not known to the author
        "Category of migrant worker": "Эмгекчи мигранттын категориясы",
        "Ethnicity": "Улуту",
        "Migration status": "Миграциялык статусу",
        "Disability": "Майыптуулугу",
        "Source": "Булак",
        "Purpose": "Максат",
        "Period": "Мезгил",
        // Built-in labels.
        "Total": "Бардыгы",
        "Not stated": "Көрсөтүлгөн эмес",
        "Not classifiable at this level": "Бул деңгээлде классификацияланбайт",
        // Titles.
        " and ": " жана ",
        "Migration statistics: total": "Миграция статистикасы: бардыгы",
        // Parameters.
        "Dimensions": "Бөлүмдөр", // ky? "разрезы" of a statistical table
        "Period unit": "Мезгилдин бирдиги",
        "Filters": "Чыпкалар",
        "Age bands": "Курак топтору",
        "Occupation level": "Кесиптин деңгээли",
        "Count": "Эсептөө",
        "Disclosure control": "Ачыкка чыгаруудан коргоо", // ky? statistical disclosure control
        "Estimates": "Баалоолор",
        "Generated": "Түзүлгөн",
        "Declared table": "Жарыяланган таблица",
        "Preserved": "Сакталган",
        "all records": "бардык жазуулар",
        "none (grand total)": "жок (жалпы жыйынтык)",
        "five-year bands (Eurostat)": "беш жылдык топтор (Евростат)",
        "records (events)": "жазуулар (окуялар)",
        "persons (distinct pseudonymised persons; margins are distinct counts)":
            "адамдар (ар башка псевдонимделген адамдар; жыйынтыктар ар башка адамдардын саны)",
        "cell-key perturbation: every value within 3 of the true count, no 1s or 2s published":
            "уячанын ачкычы ыкмасы менен бурмалоо: ар бир маани чыныгы сандан 3төн ашык айырмаланбайт, "
                + "1 жана 2 маанилери жарыяланбайт", // ky?
        "included, flagged E, never added into counted cells":
            "камтылган, E белгиси менен, эсептелген уячаларга эч качан кошулбайт",
        "exact counts; cells withheld (C) jointly over every declared table of the purpose":
            "так маанилер; уячалар максаттын бардык жарыяланган таблицалары боюнча биргелешип жашырылган (C)",
        "year": "жыл", "quarter": "чейрек", "month": "ай",
        // Text table.
        "Shown at their total": "Жыйынтыгы менен көрсөтүлгөн",
        "Value": "Маани",
        "columns": "мамычалар",
        "of": "/",
        "No cells.": "Уячалар жок.",
        "cell": "уяча",
        "cells": "уяча",
        "Estimates (OBS_STATUS E), not added into counted cells":
            "Баалоолор (OBS_STATUS E), эсептелген уячаларга кошулбайт",
        "Estimate": "Баалоо",
        "Lower bound": "Төмөнкү чек",
        "Upper bound": "Жогорку чек",
        "Lower": "Төмөнкү", "Upper": "Жогорку", "column": "мамыча",
        "Legend": "Шарттуу белгилер",
        "withheld (confidential, CONF_STATUS C)": "жашырылган (купуя, CONF_STATUS C)",
        "no cell for this combination": "бул айкалыш үчүн уяча жок",
        "estimate (OBS_STATUS E), listed separately, never added into counted cells":
            "баалоо (OBS_STATUS E), өзүнчө берилет, эсептелген уячаларга эч качан кошулбайт",
        "total (first row and column)": "жыйынтык (биринчи сап жана биринчи мамыча)",
        // HTML page.
        "Disaggregated statistics with statistical disclosure control applied in the database.":
            "Бөлүштүрүлгөн статистика; статистикалык ачыкка чыгаруудан коргоо маалымат базасында колдонулган.", // ky?
        "Table": "Таблица",
        "Charts": "Диаграммалар",
        "Age and sex": "Курагы жана жынысы",
        "rows by": "саптар —",
        "columns by": "мамычалар —",
        "Not published (CONF_STATUS C, confidential): withheld so that no small count can be read or derived.":
            "Жарыяланбайт (CONF_STATUS C, купуя): эч бир кичине санды окууга же чыгарууга мүмкүн болбошу үчүн "
                + "жашырылган.",
        "Estimate from a study or other source (OBS_STATUS E), listed separately and never added into counted cells.":
            "Изилдөөнүн же башка булактын баалоосу (OBS_STATUS E), өзүнчө берилет жана эсептелген уячаларга эч "
                + "качан кошулбайт.",
        "Totals (_T) are shaded.": "Жыйынтыктар (_T) түс менен бөлүнгөн.",
        "Codes follow SDMX conventions: _T total, _Z not stated. Totals include the not-stated category. Cells marked "
            + "x are withheld by the database (CONF_STATUS C) so that no small count can be read or derived by "
            + "subtraction.":
            "Коддор SDMX эрежелерине ылайык: _T — бардыгы, _Z — көрсөтүлгөн эмес. Жыйынтыктар «көрсөтүлгөн эмес» "
                + "категориясын камтыйт. x белгиси коюлган уячаларды маалымат базасы жашырган (CONF_STATUS C), эч "
                + "бир кичине санды окууга же кемитүү аркылуу чыгарууга мүмкүн болбошу үчүн.",
        "Estimates from studies and other sources where records cannot exist (for example irregular migration). "
            + "They are not counts and are never added into the counted cells above.":
            "Жазуулар болушу мүмкүн эмес учурларда (мисалы, жөнгө салынбаган миграция) изилдөөлөрдүн жана башка "
                + "булактардын баалоолору. Алар эсептөө эмес жана жогорудагы уячаларга эч качан кошулбайт.",
        "Estimates (OBS_STATUS E)": "Баалоолор (OBS_STATUS E)",
        "Not published (confidential)": "Жарыяланбайт (купуя)",
        "not published, confidential": "жарыяланбайт, купуя",
        // Charts.
        "Age\u{2013}sex pyramid: men (left) and women (right) by age group":
            "Жыныстык-курактык пирамида: эркектер (солдо) жана аялдар (оңдо) курак топтору боюнча",
        "Horizontal bars by age group, youngest at the bottom; suppressed values are hatched and marked x.":
            "Курак топтору боюнча туурасынан тилкелер, жаштары ылдыйда; жашырылган маанилер штрихтелген жана x "
                + "менен белгиленген.",
        "total": "бардыгы",
        "Age": "Курагы",
        "no cell": "уяча жок",
        "not published": "жарыяланбайт",
        "not published (x)": "жарыяланбайт (x)",
        "age not stated": "курагы көрсөтүлгөн эмес",
        "Counts by age group and sex": "Курак топтору жана жынысы боюнча саны",
        ", all other dimensions at their totals": ", калган бардык бөлүмдөр жыйынтыгы менен",
        "Hatched bars (x) are not published (confidential).": "Штрихтелген тилкелер (x) жарыяланбайт (купуя).",
        "Not shown": "Көрсөтүлгөн эмес",
        "Bar chart": "Тилкелүү диаграмма",
        "One bar per category; suppressed values are hatched and marked x.":
            "Ар бир категорияга бир тилке; жашырылган маанилер штрихтелген жана x менен белгиленген.",
        "The largest categories are shown": "Эң ири категориялар көрсөтүлгөн",
        "all are in the table.": "бардыгы таблицада бар.",
    ]
}
