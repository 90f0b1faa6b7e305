-- +goose Up
-- Simplification proposals (phương án đơn giản hóa): the proposals, their
-- immutable event log, and the unit facts that decide who reviews them.

-- Ministries and the Prime Minister's office are administrative units too,
-- so routing and "the units under a unit" work on one tree. The central
-- reviewing unit (the Prime Minister's office) is flagged; at most one
-- unit in force carries the flag.
ALTER TABLE administrative_units ADD COLUMN is_central_reviewer boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX administrative_units_one_central_reviewer
    ON administrative_units ((true)) WHERE is_central_reviewer AND valid_to IS NULL;

-- The ministry that owns a sector reviews the provinces' proposals that
-- need a central legal change in it.
ALTER TABLE sectors ADD COLUMN ministry_unit_id bigint REFERENCES administrative_units (id);

-- unit_subtree returns a unit and every unit under it. A recursive walk
-- over parent_id (indexed) is fast enough for a few thousand units; a
-- closure table can replace it without changing callers.
-- +goose StatementBegin
CREATE FUNCTION unit_subtree(root_id bigint) RETURNS TABLE (id bigint)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH RECURSIVE sub AS (
        SELECT u.id FROM administrative_units u WHERE u.id = root_id
        UNION
        SELECT c.id FROM administrative_units c JOIN sub ON c.parent_id = sub.id
    )
    SELECT sub.id FROM sub;
END;
-- +goose StatementEnd

CREATE TABLE proposals (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    procedure_id      bigint NOT NULL REFERENCES procedures (id),
    -- the procedure as handled in this unit (its local copy), if the
    -- proposal is about one unit's practice
    unit_id           bigint REFERENCES administrative_units (id),
    proposing_unit_id bigint NOT NULL REFERENCES administrative_units (id),
    -- derived at submission from the routing rule, never typed in
    reviewing_unit_id bigint REFERENCES administrative_units (id),
    status            text NOT NULL DEFAULT 'DRAFT' CHECK (status IN
        ('DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED', 'WITHDRAWN')),
    -- bumped by every write; writes name the version they read
    version           int  NOT NULL DEFAULT 1 CHECK (version > 0),
    kinds             text[] NOT NULL CHECK (cardinality(kinds) > 0 AND kinds <@ ARRAY[
        'ABOLISH', 'MERGE', 'REDUCE_DOCUMENTS', 'REUSE_DATA', 'CUT_TIME', 'CUT_FEE',
        'FULL_ONLINE', 'CHANGE_LEVEL', 'AMEND_LEGAL_BASIS', 'OTHER']),
    title             text NOT NULL CHECK (btrim(title) <> ''),
    changes           text NOT NULL DEFAULT '',
    reasons           text NOT NULL DEFAULT '',
    implement_by      date,
    needs_central_legal_change boolean NOT NULL DEFAULT false,
    implemented_by_number text,

    -- The measurable parameters before and after (Circular 02/2017/TT-VPCP,
    -- Article 27): processing time in working days, fees in VND, number of
    -- dossier documents, hours an applicant spends, the hourly income rate
    -- in VND, times a year each applicant needs the procedure, applicants
    -- a year.
    before_processing_days     numeric(10, 2) NOT NULL CHECK (before_processing_days >= 0),
    before_fee                 numeric(18, 2) NOT NULL CHECK (before_fee >= 0),
    before_documents           int            NOT NULL CHECK (before_documents >= 0),
    before_hours               numeric(10, 2) NOT NULL CHECK (before_hours >= 0),
    before_hourly_rate         numeric(18, 2) NOT NULL CHECK (before_hourly_rate >= 0),
    before_times_per_year      numeric(10, 4) NOT NULL CHECK (before_times_per_year >= 0),
    before_applicants_per_year bigint         NOT NULL CHECK (before_applicants_per_year >= 0),
    after_processing_days      numeric(10, 2) NOT NULL CHECK (after_processing_days >= 0),
    after_fee                  numeric(18, 2) NOT NULL CHECK (after_fee >= 0),
    after_documents            int            NOT NULL CHECK (after_documents >= 0),
    after_hours                numeric(10, 2) NOT NULL CHECK (after_hours >= 0),
    after_hourly_rate          numeric(18, 2) NOT NULL CHECK (after_hourly_rate >= 0),
    after_times_per_year       numeric(10, 4) NOT NULL CHECK (after_times_per_year >= 0),
    after_applicants_per_year  bigint         NOT NULL CHECK (after_applicants_per_year >= 0),
    -- The annual compliance cost, exact: (hours x hourly rate + fee) x
    -- times a year x applicants a year. The API computes the same in Go
    -- (internal/proposal/cost.go); these columns let reports sum them.
    annual_cost_before numeric GENERATED ALWAYS AS
        ((before_hours * before_hourly_rate + before_fee) * before_times_per_year * before_applicants_per_year) STORED,
    annual_cost_after  numeric GENERATED ALWAYS AS
        ((after_hours * after_hourly_rate + after_fee) * after_times_per_year * after_applicants_per_year) STORED,
    annual_saving      numeric GENERATED ALWAYS AS
        ((before_hours * before_hourly_rate + before_fee) * before_times_per_year * before_applicants_per_year
         - (after_hours * after_hourly_rate + after_fee) * after_times_per_year * after_applicants_per_year) STORED,

    created_by_subject text NOT NULL,
    created_by_name    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    decided_at   timestamptz,
    search_key   text GENERATED ALWAYS AS (vn_fold(title || ' ' || changes || ' ' || reasons)) STORED,
    CHECK (status <> 'IMPLEMENTED' OR implemented_by_number IS NOT NULL),
    -- once submitted, a proposal has a reviewer (a withdrawn draft has none)
    CHECK (status IN ('DRAFT', 'WITHDRAWN') OR reviewing_unit_id IS NOT NULL)
);
CREATE INDEX proposals_procedure_idx ON proposals (procedure_id);
CREATE INDEX proposals_proposing_unit_idx ON proposals (proposing_unit_id, created_at);
CREATE INDEX proposals_reviewing_unit_idx ON proposals (reviewing_unit_id, created_at);
CREATE INDEX proposals_status_idx ON proposals (status, created_at);
CREATE INDEX proposals_created_idx ON proposals (created_at, id);
CREATE INDEX proposals_search_trgm ON proposals USING gin (search_key gin_trgm_ops);

-- The legal documents and articles a proposal would amend. The number is
-- kept as written; legal_document_id is set when the catalog knows it.
CREATE TABLE proposal_amendments (
    proposal_id       bigint NOT NULL REFERENCES proposals (id),
    position          int    NOT NULL,
    document_number   text   NOT NULL CHECK (btrim(document_number) <> ''),
    legal_document_id bigint REFERENCES legal_documents (id),
    articles          text   NOT NULL DEFAULT '',
    PRIMARY KEY (proposal_id, position)
);

-- Every transition of a proposal, written in the same transaction as the
-- state change. The log is append-only: the triggers below refuse any
-- change to it.
CREATE TABLE proposal_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    proposal_id   bigint NOT NULL REFERENCES proposals (id),
    actor_subject text   NOT NULL,
    actor_name    text   NOT NULL DEFAULT '',
    actor_unit_id bigint REFERENCES administrative_units (id),
    at            timestamptz NOT NULL DEFAULT now(),
    from_status   text,  -- NULL for the creation of the draft
    to_status     text   NOT NULL,
    comment       text   NOT NULL DEFAULT '',
    implemented_by_number text
);
CREATE INDEX proposal_events_proposal_idx ON proposal_events (proposal_id, id);
CREATE INDEX proposal_events_at_idx ON proposal_events (at);

-- +goose StatementBegin
CREATE FUNCTION proposal_events_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'proposal events are immutable: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER proposal_events_no_update_delete
    BEFORE UPDATE OR DELETE ON proposal_events
    FOR EACH ROW EXECUTE FUNCTION proposal_events_immutable();
CREATE TRIGGER proposal_events_no_truncate
    BEFORE TRUNCATE ON proposal_events
    FOR EACH STATEMENT EXECUTE FUNCTION proposal_events_immutable();
