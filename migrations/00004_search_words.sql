-- +goose Up
-- Procedure search missed words glued to others by punctuation: the text
-- search parser reads "BHYT/Cấp giấy chứng nhận" as the file path
-- "bhyt/cap", so a search for "cap" did not find it. The search vector now
-- also holds the words of such a name split at any punctuation (as in
-- name_words), next to the parser's own tokens, which still let a search
-- for "tp.hcm" or a code such as "1.000080" match as a whole. Only '/',
-- '.', '@' and '~' glue words; the few names holding one pay for the
-- second pass, which would make loading a large catalog much slower.
-- PostgreSQL 15 cannot change the expression of a generated column, so
-- the column and its index are made again.
ALTER TABLE procedures DROP COLUMN search_vector;
ALTER TABLE procedures ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', vn_fold(code || ' ' || name))
    || CASE WHEN name ~ '[./@~]'
        THEN to_tsvector('simple', regexp_replace(vn_fold(name), '[^[:alnum:]]+', ' ', 'g'))
        ELSE ''::tsvector END
) STORED;
CREATE INDEX procedures_search_idx ON procedures USING gin (search_vector);
