-- migstat 0011: labels of codes in Russian and Kyrgyz beside the English label (issue 13), and the
-- canonical columns each batch's file sent (coverage tells "not sent by this source" from "sent
-- but empty"). Labels: Schemas/codes/labels/{ru,ky}.csv (Scripts/generate-codes.py), loaded by
-- migstat db init through migstat.load_code_labels (Schemas/functions/codes/).
SET LOCAL ROLE migstat_owner;

CREATE TABLE migstat.code_label (
    dimension  text NOT NULL,
    code       text NOT NULL,
    lang       text NOT NULL CHECK (lang ~ '^[a-z]{2,3}$' AND lang <> 'en'),
    label      text NOT NULL CHECK (label <> ''),
    PRIMARY KEY (dimension, code, lang),
    FOREIGN KEY (dimension, code) REFERENCES migstat.code (dimension, code)
);
COMMENT ON TABLE migstat.code_label IS 'Labels of codes in languages other than English (the English label is migstat.code.label)';

-- NULL: not recorded (a batch imported before 0011).
ALTER TABLE migstat.batch ADD COLUMN columns text[];
COMMENT ON COLUMN migstat.batch.columns IS 'canonical columns the batch file (or its profile) sent; NULL: not recorded';
