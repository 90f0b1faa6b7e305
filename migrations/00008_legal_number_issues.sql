-- +goose Up
-- Legal documents as a careful reader keeps them.
--
-- number_issues: a number that cannot be right as written (a law of 2025
-- numbered for the 13th legislature, a type cut short) is kept as written
-- and flagged, so a reviewer can find it. The application computes the
-- issues from the grammar of symbols (catalog.LegalNumberIssues).
--
-- title_generic: a title that only repeats the type and the number
-- ("Luật 60/2014/QH13", "Thông tư") names nothing; an import replaces it
-- with a title that names the document ("Luật Hộ tịch") when another
-- procedure cites one, so a search for "hộ tịch" finds the law.

ALTER TABLE legal_documents
    ADD COLUMN number_issues text[] NOT NULL DEFAULT '{}'
        CHECK (number_issues <@ ARRAY['YEAR_OUTSIDE_TERM', 'FUTURE_YEAR', 'UNKNOWN_TYPE', 'NO_ISSUER', 'NO_TYPE']);
CREATE INDEX legal_documents_flagged_idx ON legal_documents (number) WHERE number_issues <> '{}';

-- legal_title_generic tells whether a title holds nothing but document
-- type words, "số", numbers, symbols and dates.
-- +goose StatementBegin
CREATE FUNCTION legal_title_generic(title text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(
    regexp_replace(vn_fold(title), '[0-9][^[:space:]]*', ' ', 'g'),
    '\m(thong tu|lien tich|nghi dinh|nghi quyet|quyet dinh|phap lenh|bo luat|luat|chi thi|van ban|hop nhat|so|ngay|thang|nam)\M|[^a-z[:space:]]',
    ' ', 'g')) = '';
-- +goose StatementEnd

ALTER TABLE legal_documents
    ADD COLUMN title_generic boolean GENERATED ALWAYS AS (legal_title_generic(title)) STORED;
