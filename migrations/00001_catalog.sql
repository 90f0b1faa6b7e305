-- +goose Up
-- The procedure catalog: authority levels, administrative units, agencies,
-- sectors, legal documents, procedures and the local catalog.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- vn_fold folds Vietnamese text for search: lower case, no diacritics, and
-- "đ" as "d". unaccent() is only STABLE because its dictionary could change;
-- naming the dictionary explicitly makes the result fixed, so the wrapper
-- may be IMMUTABLE and used in indexes and generated columns.
-- +goose StatementBegin
CREATE FUNCTION vn_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN lower(public.unaccent('public.unaccent'::regdictionary, t));
-- +goose StatementEnd

-- Authority levels are data, not an enum: the district level ended on
-- 2025-06-30 when Vietnam moved to two tiers of local government.
CREATE TABLE authority_levels (
    code       text PRIMARY KEY CHECK (code ~ '^[A-Z_]+$'),
    name       text NOT NULL CHECK (name <> ''),
    rank       int  NOT NULL UNIQUE,
    valid_from date NOT NULL,
    valid_to   date,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

INSERT INTO authority_levels (code, name, rank, valid_from, valid_to) VALUES
    ('MINISTRY', 'Cấp bộ',       1, '1945-09-02', NULL),
    ('PROVINCE', 'Cấp tỉnh',     2, '1945-09-02', NULL),
    ('DISTRICT', 'Cấp huyện',    3, '1945-09-02', '2025-06-30'),
    ('COMMUNE',  'Cấp xã',       4, '1945-09-02', NULL),
    ('OTHER',    'Cơ quan khác', 5, '1945-09-02', NULL);

-- Administrative units form a dated tree. A unit merged away keeps its row
-- with valid_to set and points to its successor.
CREATE TABLE administrative_units (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code <> ''),
    name         text NOT NULL CHECK (name <> ''),
    level_code   text NOT NULL REFERENCES authority_levels (code),
    parent_id    bigint REFERENCES administrative_units (id),
    valid_from   date NOT NULL,
    valid_to     date,
    successor_id bigint REFERENCES administrative_units (id),
    name_key     text GENERATED ALWAYS AS (vn_fold(name)) STORED,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (parent_id IS DISTINCT FROM id),
    CHECK (successor_id IS DISTINCT FROM id),
    CHECK (successor_id IS NULL OR valid_to IS NOT NULL)
);
CREATE INDEX administrative_units_parent_idx ON administrative_units (parent_id);
CREATE INDEX administrative_units_level_idx ON administrative_units (level_code, name_key, id);
CREATE INDEX administrative_units_name_trgm ON administrative_units USING gin (name_key gin_trgm_ops);

CREATE TABLE sectors (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name     text NOT NULL UNIQUE CHECK (name <> ''),
    name_key text GENERATED ALWAYS AS (vn_fold(name)) STORED
);

CREATE TABLE agencies (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name     text NOT NULL UNIQUE CHECK (name <> ''),
    unit_id  bigint REFERENCES administrative_units (id),
    name_key text GENERATED ALWAYS AS (vn_fold(name)) STORED
);

CREATE TABLE legal_documents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number         text NOT NULL UNIQUE CHECK (number <> '' AND number !~ '\s'),
    title          text NOT NULL DEFAULT '',
    doc_type       text CHECK (doc_type IN ('LAW', 'ORDINANCE', 'RESOLUTION', 'DECREE', 'DECISION', 'CIRCULAR', 'JOINT_CIRCULAR', 'DIRECTIVE', 'OTHER')),
    issuer         text NOT NULL DEFAULT '',
    issued_on      date,
    effective_on   date,
    expires_on     date,
    validity       text CHECK (validity IN ('IN_FORCE', 'EXPIRED', 'PARTLY_EXPIRED', 'SUSPENDED')),
    review_outcome text CHECK (review_outcome IN ('KEEP', 'AMEND', 'REPLACE', 'REPEAL')),
    -- the unit whose review covered this document, if any
    reviewed_by_unit_id bigint REFERENCES administrative_units (id),
    number_key     text GENERATED ALWAYS AS (vn_fold(number)) STORED,
    title_key      text GENERATED ALWAYS AS (vn_fold(title)) STORED,
    CHECK (effective_on IS NULL OR issued_on IS NULL OR effective_on >= issued_on)
);
CREATE INDEX legal_documents_title_trgm ON legal_documents USING gin (title_key gin_trgm_ops);
CREATE INDEX legal_documents_number_trgm ON legal_documents USING gin (number_key gin_trgm_ops);

CREATE TABLE procedures (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code             text NOT NULL UNIQUE CHECK (code ~ '^[0-9]+\.[0-9]+(\.[A-Za-z0-9]+)*$'),
    name             text NOT NULL CHECK (name <> ''),
    sector_id        bigint REFERENCES sectors (id),
    procedure_type   text NOT NULL DEFAULT '',
    decision_number  text NOT NULL DEFAULT '',
    audiences        text[] NOT NULL DEFAULT '{}',
    steps            text NOT NULL DEFAULT '',
    requirements     text NOT NULL DEFAULT '',
    result           text NOT NULL DEFAULT '',
    result_codes     text[] NOT NULL DEFAULT '{}',
    reception_address text NOT NULL DEFAULT '',
    related_text     text NOT NULL DEFAULT '',
    online_available boolean NOT NULL DEFAULT false,
    status           text NOT NULL DEFAULT 'IN_FORCE' CHECK (status IN ('IN_FORCE', 'ABOLISHED')),
    source_url       text NOT NULL DEFAULT '',
    portal_id        text NOT NULL DEFAULT '',
    raw_text         text NOT NULL DEFAULT '',
    -- a digest of the imported record: an import that would change nothing
    -- compares it and leaves the row alone.
    source_hash      text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    name_key         text GENERATED ALWAYS AS (vn_fold(name)) STORED,
    -- the folded name with punctuation turned into single spaces, so that
    -- "dang ky nhan cha me con" compares equal to "Đăng ký nhận cha, mẹ, con"
    name_words       text GENERATED ALWAYS AS (btrim(regexp_replace(vn_fold(name), '[^[:alnum:]]+', ' ', 'g'))) STORED,
    -- the same without the "Thủ tục" (procedure) that many names start
    -- with, which nobody types when searching
    name_core        text GENERATED ALWAYS AS (regexp_replace(btrim(regexp_replace(vn_fold(name), '[^[:alnum:]]+', ' ', 'g')), '^thu tuc ', '')) STORED,
    search_vector    tsvector GENERATED ALWAYS AS (to_tsvector('simple', vn_fold(code || ' ' || name))) STORED
);
CREATE INDEX procedures_search_idx ON procedures USING gin (search_vector);
CREATE INDEX procedures_name_trgm ON procedures USING gin (name_words gin_trgm_ops);
CREATE INDEX procedures_code_prefix_idx ON procedures (code text_pattern_ops);
CREATE INDEX procedures_name_key_idx ON procedures (name_key, id);
CREATE INDEX procedures_updated_idx ON procedures (updated_at, id);
CREATE INDEX procedures_sector_idx ON procedures (sector_id);

CREATE TABLE procedure_levels (
    procedure_id bigint NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    level_code   text   NOT NULL REFERENCES authority_levels (code),
    PRIMARY KEY (procedure_id, level_code)
);
CREATE INDEX procedure_levels_level_idx ON procedure_levels (level_code, procedure_id);

CREATE TABLE procedure_agencies (
    procedure_id bigint NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    agency_id    bigint NOT NULL REFERENCES agencies (id),
    role         text   NOT NULL CHECK (role IN ('COMPETENT', 'EXECUTING', 'DELEGATED', 'COORDINATING')),
    position     int    NOT NULL,
    PRIMARY KEY (procedure_id, role, agency_id)
);
CREATE INDEX procedure_agencies_agency_idx ON procedure_agencies (agency_id, procedure_id);

CREATE TABLE procedure_channels (
    procedure_id bigint NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    position     int    NOT NULL,
    kind         text   NOT NULL CHECK (kind IN ('ONLINE', 'POST', 'IN_PERSON')),
    time_value   numeric(12, 2) CHECK (time_value >= 0),
    time_unit    text CHECK (time_unit IN ('WORKING_DAY', 'DAY', 'HOUR', 'MONTH')),
    time_text    text NOT NULL DEFAULT '',
    fee_text     text NOT NULL DEFAULT '',
    fee_amount   numeric(18, 2) CHECK (fee_amount >= 0),
    fee_currency text CHECK (fee_currency ~ '^[A-Z]{3}$'),
    description  text NOT NULL DEFAULT '',
    PRIMARY KEY (procedure_id, position),
    CHECK ((time_value IS NULL) = (time_unit IS NULL)),
    CHECK ((fee_amount IS NULL) = (fee_currency IS NULL))
);
CREATE INDEX procedure_channels_kind_idx ON procedure_channels (kind, procedure_id);

CREATE TABLE procedure_documents (
    procedure_id bigint NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    position     int    NOT NULL,
    group_name   text   NOT NULL DEFAULT '',
    name         text   NOT NULL CHECK (name <> ''),
    form         text   NOT NULL DEFAULT '',
    originals    int CHECK (originals >= 0),
    copies       int CHECK (copies >= 0),
    quantity     text   NOT NULL DEFAULT '',
    PRIMARY KEY (procedure_id, position)
);

CREATE TABLE procedure_legal_documents (
    procedure_id      bigint NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    legal_document_id bigint NOT NULL REFERENCES legal_documents (id),
    position          int    NOT NULL,
    cited_title       text   NOT NULL DEFAULT '',
    PRIMARY KEY (procedure_id, legal_document_id)
);
CREATE INDEX procedure_legal_documents_doc_idx ON procedure_legal_documents (legal_document_id, procedure_id);

-- The local catalog: which procedures an administrative unit handles.
CREATE TABLE unit_procedures (
    unit_id      bigint NOT NULL REFERENCES administrative_units (id) ON DELETE CASCADE,
    procedure_id bigint NOT NULL REFERENCES procedures (id) ON DELETE CASCADE,
    local_fee_text text NOT NULL DEFAULT '',
    PRIMARY KEY (unit_id, procedure_id)
);
CREATE INDEX unit_procedures_procedure_idx ON unit_procedures (procedure_id, unit_id);
