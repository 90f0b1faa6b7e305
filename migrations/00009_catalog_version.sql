-- +goose Up
-- One catalog version: a number that grows, in the same transaction, with
-- every change to the public catalog (procedures and every part of them,
-- units, legal documents, local catalogs, sectors, agencies, authority
-- levels, reform targets), whoever makes it: the importer, the admin
-- mutations, a migration or plain psql. The API labels what it caches
-- with it, and learns of a new one by NOTIFY on channel catalog_version
-- (the payload is the version, delivered when the transaction commits).
--
-- A transaction bumps the version once, on its first statement that
-- changes catalog rows, and catalog writers take turns: each statement
-- that may write catalog rows first takes a transaction-level advisory
-- lock (BEFORE STATEMENT, before any row lock of its own, so two writers
-- never each hold what the other waits for), held until commit, so
-- versions commit in increasing order. An advisory lock writes nothing:
-- a statement that ends up changing no row (an unchanged import) costs
-- no WAL and leaves the transaction read-only.
-- The number never goes back, even after a backup is restored: it is at
-- least the commit's Unix time in milliseconds.
CREATE TABLE catalog_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL,
    -- the transaction that set version, so it bumps only once
    xact     xid8
);
INSERT INTO catalog_version (version) VALUES ((extract(epoch FROM clock_timestamp()) * 1000)::bigint);

-- +goose StatementBegin
CREATE FUNCTION catalog_version_bump() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    UPDATE catalog_version
    SET version = greatest(version + 1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint),
        xact = pg_current_xact_id()
    WHERE xact IS DISTINCT FROM pg_current_xact_id()
    RETURNING version INTO v;
    IF FOUND THEN
        PERFORM pg_notify('catalog_version', v::text);
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Before any row changes: the writers' turn (the lock's key is the
-- table's oid); a TRUNCATE bumps here.
CREATE FUNCTION catalog_version_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock('catalog_version'::regclass::oid::bigint);
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM catalog_version_bump();
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- catalog_version_touch bumps the version for a change the triggers do
-- not see: a migration's DDL (a new column and its default, a function
-- that search or a generated column uses). tthc migrate calls it after a
-- run that applied any migration.
CREATE FUNCTION catalog_version_touch() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock('catalog_version'::regclass::oid::bigint);
    PERFORM catalog_version_bump();
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- After an INSERT or UPDATE: a bump if a row changed (an import of an
-- unchanged record, ON CONFLICT DO NOTHING, changes none).
CREATE FUNCTION catalog_version_new_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows) THEN
        PERFORM catalog_version_bump();
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION catalog_version_old_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows) THEN
        PERFORM catalog_version_bump();
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- catalog_version_track puts the version's triggers on a table. A later
-- migration that adds a table the public reads calls it
-- (internal/postgres's TestCatalogVersionCoversPublicTables fails until a
-- new table is either tracked or listed there as private).
CREATE FUNCTION catalog_version_track(t regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER catalog_version_lock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s
        FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_lock()', t);
    EXECUTE format('CREATE TRIGGER catalog_version_insert AFTER INSERT ON %s
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_new_rows()', t);
    EXECUTE format('CREATE TRIGGER catalog_version_update AFTER UPDATE ON %s
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_new_rows()', t);
    EXECUTE format('CREATE TRIGGER catalog_version_delete AFTER DELETE ON %s
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_old_rows()', t);
END;
$$;
-- +goose StatementEnd

SELECT catalog_version_track(t) FROM unnest(ARRAY[
    'authority_levels', 'administrative_units', 'unit_closure', 'sectors', 'agencies', 'legal_documents',
    'procedures', 'procedure_levels', 'procedure_agencies', 'procedure_channels', 'procedure_documents',
    'procedure_legal_documents', 'unit_procedures', 'reform_targets'
]::regclass[]) AS t;
