-- +goose Up
-- Reporting at national scale (4 million dossier rows, 200,000 proposals):
-- statistics read small rollup tables instead of the base tables whenever
-- the question allows it. Every rollup is kept exact in the transaction
-- that changes its base rows, by statement-level triggers: sums add the
-- change (new rows minus old rows), the reform progress of the units
-- touched is recomputed, the unit closure is rebuilt. The function
-- reporting_rollups_refresh() (`tthc refresh-rollups`) rebuilds them all
-- from the base tables. Reform targets live here too.

-- Vietnam's calendar month of an instant: months in reports are local.
-- +goose StatementBegin
CREATE FUNCTION vn_month(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN date_trunc('month', t AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
-- +goose StatementEnd

-- The unit tree as a closure table: every unit with each of its
-- ancestors (itself included, depth 0). unit_subtree() reads it instead of
-- walking parent_id, as migrations/00002 foresaw: the planner then knows
-- that a commune's subtree is one unit and a province's a hundred, where a
-- recursive walk is guessed at thousands and the statistics read whole
-- tables. A statement trigger rebuilds it when units come, go or move;
-- the tree is a few thousand units, so a rebuild takes milliseconds.
CREATE TABLE unit_closure (
    ancestor_id bigint NOT NULL,
    unit_id     bigint NOT NULL,
    depth       int    NOT NULL,
    PRIMARY KEY (ancestor_id, unit_id)
);
CREATE INDEX unit_closure_unit_idx ON unit_closure (unit_id, depth);

-- +goose StatementBegin
CREATE FUNCTION unit_closure_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Self-conflicting: concurrent rebuilds take turns, the later one
    -- reading the units the earlier one committed.
    LOCK TABLE unit_closure IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM unit_closure;
    INSERT INTO unit_closure (ancestor_id, unit_id, depth)
    WITH RECURSIVE up AS (
        SELECT id AS unit_id, id AS ancestor_id, parent_id, 0 AS depth FROM administrative_units
        UNION ALL
        SELECT up.unit_id, a.id, a.parent_id, up.depth + 1
        FROM up JOIN administrative_units a ON a.id = up.parent_id
        WHERE up.depth < 32 -- a cycle in bad data stops here
    )
    SELECT DISTINCT ON (ancestor_id, unit_id) ancestor_id, unit_id, depth FROM up ORDER BY ancestor_id, unit_id, depth;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION units_closure() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Renames and other edits leave the tree as it is. (Nested: the
    -- transition tables exist only for UPDATE, and an expression is
    -- planned whole.)
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE o.parent_id IS DISTINCT FROM n.parent_id) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM unit_closure_rebuild();
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER units_closure_insert AFTER INSERT ON administrative_units
    FOR EACH STATEMENT EXECUTE FUNCTION units_closure();
CREATE TRIGGER units_closure_update AFTER UPDATE ON administrative_units
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION units_closure();
CREATE TRIGGER units_closure_delete AFTER DELETE ON administrative_units
    FOR EACH STATEMENT EXECUTE FUNCTION units_closure();

SELECT unit_closure_rebuild();

-- Same signature and meaning as before; callers do not change. Called
-- with a constant the function is inlined and the planner reads the
-- closure's statistics; called with a subquery (the caller's unit, by
-- code) it is not, and ROWS says a subtree is about a province's size
-- rather than the default thousand.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION unit_subtree(root_id bigint) RETURNS TABLE (id bigint)
LANGUAGE sql STABLE PARALLEL SAFE ROWS 100
BEGIN ATOMIC
    SELECT c.unit_id FROM unit_closure c WHERE c.ancestor_id = root_id;
END;
-- +goose StatementEnd

-- Indexes for statistics over a narrow slice of proposals.
CREATE INDEX proposals_submitted_idx ON proposals (submitted_at);
CREATE INDEX proposals_decided_idx ON proposals (decided_at);
CREATE INDEX proposals_kinds_idx ON proposals USING gin (kinds);
-- When a proposal was implemented: the time of its IMPLEMENTED event.
CREATE INDEX proposal_events_implemented_idx ON proposal_events (proposal_id, at) WHERE to_status = 'IMPLEMENTED';

------------------------------------------------------------------------
-- Dossier rollups.
--
-- dossier_unit_months sums a unit's desk over all procedures: it answers
-- every question about units, levels and periods (200,000 rows at
-- national scale instead of 4 million); dossier_level_months sums it
-- further by level. dossier_procedure_months sums a
-- procedure over all units of one level: it answers questions about
-- procedures, sectors, levels and periods (120,000 rows). A question
-- that crosses a unit with a procedure or sector reads dossier_stats
-- through its indexes. `reports` counts the base rows behind a rollup
-- row, so the row goes when the last of them does.
CREATE TABLE dossier_unit_months (
    unit_id          bigint NOT NULL,
    period           date   NOT NULL,
    reports          int    NOT NULL,
    received         bigint NOT NULL,
    received_online  bigint NOT NULL,
    resolved_on_time bigint NOT NULL,
    resolved_late    bigint NOT NULL,
    pending          bigint NOT NULL,
    PRIMARY KEY (unit_id, period)
);
CREATE INDEX dossier_unit_months_period_idx ON dossier_unit_months (period, unit_id);

-- level_code, here and below, is the level of the unit whose desk
-- reported. dossier_level_months answers the country's time series (300
-- rows).
CREATE TABLE dossier_level_months (
    level_code       text   NOT NULL,
    period           date   NOT NULL,
    reports          int    NOT NULL,
    received         bigint NOT NULL,
    received_online  bigint NOT NULL,
    resolved_on_time bigint NOT NULL,
    resolved_late    bigint NOT NULL,
    pending          bigint NOT NULL,
    PRIMARY KEY (level_code, period)
);

CREATE TABLE dossier_procedure_months (
    procedure_id     bigint NOT NULL,
    level_code       text   NOT NULL,
    period           date   NOT NULL,
    reports          int    NOT NULL,
    received         bigint NOT NULL,
    received_online  bigint NOT NULL,
    resolved_on_time bigint NOT NULL,
    resolved_late    bigint NOT NULL,
    pending          bigint NOT NULL,
    PRIMARY KEY (procedure_id, level_code, period)
);
CREATE INDEX dossier_procedure_months_period_idx ON dossier_procedure_months (period);

-- dossier_rollups_sql returns the statements that add the signed rows of
-- delta (a query yielding sign, unit_id, procedure_id, period and the five
-- counts) to the three rollups. Keys are written in order, so concurrent
-- imports lock rollup rows in the same order and cannot deadlock. The
-- trigger runs them itself: transition tables are visible only to the
-- trigger function's own statements, not to functions it calls.
-- +goose StatementBegin
CREATE FUNCTION dossier_rollups_sql(delta text) RETURNS text[]
LANGUAGE sql IMMUTABLE
RETURN ARRAY[
    format($q$
        INSERT INTO dossier_unit_months AS r (unit_id, period, reports, received, received_online, resolved_on_time, resolved_late, pending)
        SELECT d.unit_id, d.period, sum(d.sign), sum(d.sign * d.received), sum(d.sign * d.received_online),
            sum(d.sign * d.resolved_on_time), sum(d.sign * d.resolved_late), sum(d.sign * d.pending)
        FROM (%s) d
        GROUP BY d.unit_id, d.period
        HAVING sum(d.sign) <> 0 OR sum(d.sign * d.received) <> 0 OR sum(d.sign * d.received_online) <> 0
            OR sum(d.sign * d.resolved_on_time) <> 0 OR sum(d.sign * d.resolved_late) <> 0 OR sum(d.sign * d.pending) <> 0
        ORDER BY d.unit_id, d.period
        ON CONFLICT (unit_id, period) DO UPDATE SET
            reports = r.reports + EXCLUDED.reports, received = r.received + EXCLUDED.received,
            received_online = r.received_online + EXCLUDED.received_online,
            resolved_on_time = r.resolved_on_time + EXCLUDED.resolved_on_time,
            resolved_late = r.resolved_late + EXCLUDED.resolved_late, pending = r.pending + EXCLUDED.pending
    $q$, delta),
    format($q$
        INSERT INTO dossier_level_months AS r (level_code, period, reports, received, received_online, resolved_on_time, resolved_late, pending)
        SELECT u.level_code, d.period, sum(d.sign), sum(d.sign * d.received), sum(d.sign * d.received_online),
            sum(d.sign * d.resolved_on_time), sum(d.sign * d.resolved_late), sum(d.sign * d.pending)
        FROM (%s) d JOIN administrative_units u ON u.id = d.unit_id
        GROUP BY u.level_code, d.period
        HAVING sum(d.sign) <> 0 OR sum(d.sign * d.received) <> 0 OR sum(d.sign * d.received_online) <> 0
            OR sum(d.sign * d.resolved_on_time) <> 0 OR sum(d.sign * d.resolved_late) <> 0 OR sum(d.sign * d.pending) <> 0
        ORDER BY u.level_code, d.period
        ON CONFLICT (level_code, period) DO UPDATE SET
            reports = r.reports + EXCLUDED.reports, received = r.received + EXCLUDED.received,
            received_online = r.received_online + EXCLUDED.received_online,
            resolved_on_time = r.resolved_on_time + EXCLUDED.resolved_on_time,
            resolved_late = r.resolved_late + EXCLUDED.resolved_late, pending = r.pending + EXCLUDED.pending
    $q$, delta),
    format($q$
        INSERT INTO dossier_procedure_months AS r (procedure_id, level_code, period, reports, received, received_online, resolved_on_time, resolved_late, pending)
        SELECT d.procedure_id, u.level_code, d.period, sum(d.sign), sum(d.sign * d.received), sum(d.sign * d.received_online),
            sum(d.sign * d.resolved_on_time), sum(d.sign * d.resolved_late), sum(d.sign * d.pending)
        FROM (%s) d JOIN administrative_units u ON u.id = d.unit_id
        GROUP BY d.procedure_id, u.level_code, d.period
        HAVING sum(d.sign) <> 0 OR sum(d.sign * d.received) <> 0 OR sum(d.sign * d.received_online) <> 0
            OR sum(d.sign * d.resolved_on_time) <> 0 OR sum(d.sign * d.resolved_late) <> 0 OR sum(d.sign * d.pending) <> 0
        ORDER BY d.procedure_id, u.level_code, d.period
        ON CONFLICT (procedure_id, level_code, period) DO UPDATE SET
            reports = r.reports + EXCLUDED.reports, received = r.received + EXCLUDED.received,
            received_online = r.received_online + EXCLUDED.received_online,
            resolved_on_time = r.resolved_on_time + EXCLUDED.resolved_on_time,
            resolved_late = r.resolved_late + EXCLUDED.resolved_late, pending = r.pending + EXCLUDED.pending
    $q$, delta)];
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION dossier_stats_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cols constant text := 'unit_id, procedure_id, period, received, received_online, resolved_on_time, resolved_late, pending';
    delta text;
    stmt text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        delta := 'SELECT 1 AS sign, ' || cols || ' FROM new_rows';
    ELSIF TG_OP = 'UPDATE' THEN
        delta := 'SELECT -1 AS sign, ' || cols || ' FROM old_rows UNION ALL SELECT 1, ' || cols || ' FROM new_rows';
    ELSE
        delta := 'SELECT -1 AS sign, ' || cols || ' FROM old_rows';
    END IF;
    FOREACH stmt IN ARRAY dossier_rollups_sql(delta) LOOP
        EXECUTE stmt;
    END LOOP;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM dossier_unit_months WHERE reports = 0;
        DELETE FROM dossier_level_months WHERE reports = 0;
        DELETE FROM dossier_procedure_months WHERE reports = 0;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER dossier_stats_rollup_insert AFTER INSERT ON dossier_stats
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_stats_rollup();
CREATE TRIGGER dossier_stats_rollup_update AFTER UPDATE ON dossier_stats
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_stats_rollup();
CREATE TRIGGER dossier_stats_rollup_delete AFTER DELETE ON dossier_stats
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossier_stats_rollup();

-- dossier_rollups_rebuild recomputes both dossier rollups from the base
-- table. The SHARE lock waits for writers in flight and keeps new ones
-- out, so no trigger adds to a row while it is rebuilt.
-- +goose StatementBegin
CREATE FUNCTION dossier_rollups_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    stmt text;
BEGIN
    LOCK TABLE dossier_stats IN SHARE MODE;
    DELETE FROM dossier_unit_months;
    DELETE FROM dossier_level_months;
    DELETE FROM dossier_procedure_months;
    FOREACH stmt IN ARRAY dossier_rollups_sql('SELECT 1 AS sign, unit_id, procedure_id, period, received,
            received_online, resolved_on_time, resolved_late, pending FROM dossier_stats') LOOP
        EXECUTE stmt;
    END LOOP;
END;
$$;
-- +goose StatementEnd

------------------------------------------------------------------------
-- The proposal rollup.
--
-- Proposals are too spread out for one rollup to answer every grouping:
-- 200,000 proposals over 3,300 units, 90 sectors and 60 months give a
-- (unit, sector, status, month) rollup of 195,000 rows. So the rollup
-- keeps several small "grains", each summing the proposals by status,
-- the level of the proposing unit and one more key:
--   UNIT       key_id = proposing unit (also answers LEVEL, STATUS and any
--              unit depth or subtree; 27,000 rows at national scale)
--   KIND       key_text = a kind; a proposal counts once in each of its kinds
--   SECTOR     key_id = the procedure's sector (NULL: none)
--   REVIEWER   key_id = reviewing unit (NULL: not routed yet)
--   SUBMITTED  key_month = month of submission (NULL: not submitted)
--   DECIDED    key_month = month of decision (NULL: not decided)
--   CREATED    key_month = month of creation (for filters on it)
-- Every grain but KIND holds each proposal exactly once.
CREATE TABLE proposal_rollup (
    grain            text   NOT NULL CHECK (grain IN ('UNIT', 'KIND', 'SECTOR', 'REVIEWER', 'SUBMITTED', 'DECIDED', 'CREATED')),
    status           text   NOT NULL,
    level_code       text   NOT NULL,
    key_id           bigint,
    key_text         text,
    key_month        date,
    proposals        bigint  NOT NULL,
    cost_before      numeric NOT NULL,
    cost_after       numeric NOT NULL,
    days_before      numeric NOT NULL,
    days_after       numeric NOT NULL,
    documents_before bigint  NOT NULL,
    documents_after  bigint  NOT NULL
);
CREATE UNIQUE INDEX proposal_rollup_key ON proposal_rollup (grain, status, level_code, key_id, key_text, key_month) NULLS NOT DISTINCT;
-- Emptied rows are found without reading the table.
CREATE INDEX proposal_rollup_empty ON proposal_rollup (grain) WHERE proposals = 0;

-- proposal_rollup_sql returns the statement that adds the signed
-- proposals of delta (a query yielding sign and the columns of proposals)
-- to every grain; the trigger runs it itself (see dossier_rollups_sql).
-- +goose StatementBegin
CREATE FUNCTION proposal_rollup_sql(delta text) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN format($q$
        WITH f AS (
            SELECT d.sign, d.status, u.level_code, d.proposing_unit_id, d.reviewing_unit_id, p.sector_id, d.kinds,
                vn_month(d.submitted_at) AS submitted_month, vn_month(d.decided_at) AS decided_month,
                vn_month(d.created_at) AS created_month,
                d.annual_cost_before, d.annual_cost_after, d.before_processing_days, d.after_processing_days,
                d.before_documents, d.after_documents
            FROM (%s) d
            JOIN administrative_units u ON u.id = d.proposing_unit_id
            JOIN procedures p ON p.id = d.procedure_id
        ), g AS (
            SELECT 'UNIT' AS grain, f.*, f.proposing_unit_id AS key_id, NULL::text AS key_text, NULL::date AS key_month FROM f
            UNION ALL
            SELECT 'KIND', f.*, NULL, k.kind, NULL FROM f, LATERAL (SELECT DISTINCT kind FROM unnest(f.kinds) AS kind) k
            UNION ALL
            SELECT 'SECTOR', f.*, f.sector_id, NULL, NULL FROM f
            UNION ALL
            SELECT 'REVIEWER', f.*, f.reviewing_unit_id, NULL, NULL FROM f
            UNION ALL
            SELECT 'SUBMITTED', f.*, NULL, NULL, f.submitted_month FROM f
            UNION ALL
            SELECT 'DECIDED', f.*, NULL, NULL, f.decided_month FROM f
            UNION ALL
            SELECT 'CREATED', f.*, NULL, NULL, f.created_month FROM f
        )
        INSERT INTO proposal_rollup AS r (grain, status, level_code, key_id, key_text, key_month, proposals,
            cost_before, cost_after, days_before, days_after, documents_before, documents_after)
        SELECT grain, status, level_code, key_id, key_text, key_month, sum(sign),
            sum(sign * annual_cost_before), sum(sign * annual_cost_after),
            sum(sign * before_processing_days), sum(sign * after_processing_days),
            sum(sign * before_documents), sum(sign * after_documents)
        FROM g
        GROUP BY grain, status, level_code, key_id, key_text, key_month
        HAVING sum(sign) <> 0 OR sum(sign * annual_cost_before) <> 0 OR sum(sign * annual_cost_after) <> 0
            OR sum(sign * before_processing_days) <> 0 OR sum(sign * after_processing_days) <> 0
            OR sum(sign * before_documents) <> 0 OR sum(sign * after_documents) <> 0
        ORDER BY grain, status, level_code, key_id, key_text, key_month
        ON CONFLICT (grain, status, level_code, key_id, key_text, key_month) DO UPDATE SET
            proposals = r.proposals + EXCLUDED.proposals,
            cost_before = r.cost_before + EXCLUDED.cost_before, cost_after = r.cost_after + EXCLUDED.cost_after,
            days_before = r.days_before + EXCLUDED.days_before, days_after = r.days_after + EXCLUDED.days_after,
            documents_before = r.documents_before + EXCLUDED.documents_before,
            documents_after = r.documents_after + EXCLUDED.documents_after
    $q$, delta);
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION proposals_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE proposal_rollup_sql('SELECT 1 AS sign, * FROM new_rows');
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE proposal_rollup_sql('SELECT -1 AS sign, * FROM old_rows UNION ALL SELECT 1, * FROM new_rows');
        DELETE FROM proposal_rollup WHERE proposals = 0;
    ELSE
        EXECUTE proposal_rollup_sql('SELECT -1 AS sign, * FROM old_rows');
        DELETE FROM proposal_rollup WHERE proposals = 0;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER proposals_rollup_insert AFTER INSERT ON proposals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proposals_rollup();
CREATE TRIGGER proposals_rollup_update AFTER UPDATE ON proposals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proposals_rollup();
CREATE TRIGGER proposals_rollup_delete AFTER DELETE ON proposals
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION proposals_rollup();

-- +goose StatementBegin
CREATE FUNCTION proposal_rollup_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE proposals IN SHARE MODE;
    DELETE FROM proposal_rollup;
    EXECUTE proposal_rollup_sql('SELECT 1 AS sign, * FROM proposals');
END;
$$;
-- +goose StatementEnd

-- A procedure that moves to another sector takes its proposals along in
-- the SECTOR grain. The SHARE lock keeps proposals still while they move,
-- so a concurrent workflow step cannot be counted under the old sector.
-- +goose StatementBegin
CREATE FUNCTION procedures_sector_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM proposals WHERE procedure_id = NEW.id) THEN
        LOCK TABLE proposals IN SHARE MODE;
        INSERT INTO proposal_rollup AS r (grain, status, level_code, key_id, key_text, key_month, proposals,
            cost_before, cost_after, days_before, days_after, documents_before, documents_after)
        SELECT 'SECTOR', pr.status, u.level_code, s.sector_id, NULL, NULL, sum(s.sign),
            sum(s.sign * pr.annual_cost_before), sum(s.sign * pr.annual_cost_after),
            sum(s.sign * pr.before_processing_days), sum(s.sign * pr.after_processing_days),
            sum(s.sign * pr.before_documents), sum(s.sign * pr.after_documents)
        FROM proposals pr
        JOIN administrative_units u ON u.id = pr.proposing_unit_id
        CROSS JOIN (VALUES (-1, OLD.sector_id), (1, NEW.sector_id)) AS s(sign, sector_id)
        WHERE pr.procedure_id = NEW.id
        GROUP BY pr.status, u.level_code, s.sector_id
        ORDER BY pr.status, u.level_code, s.sector_id
        ON CONFLICT (grain, status, level_code, key_id, key_text, key_month) DO UPDATE SET
            proposals = r.proposals + EXCLUDED.proposals,
            cost_before = r.cost_before + EXCLUDED.cost_before, cost_after = r.cost_after + EXCLUDED.cost_after,
            days_before = r.days_before + EXCLUDED.days_before, days_after = r.days_after + EXCLUDED.days_after,
            documents_before = r.documents_before + EXCLUDED.documents_before,
            documents_after = r.documents_after + EXCLUDED.documents_after;
        DELETE FROM proposal_rollup WHERE proposals = 0;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER procedures_sector_rollup AFTER UPDATE OF sector_id ON procedures
    FOR EACH ROW WHEN (OLD.sector_id IS DISTINCT FROM NEW.sector_id)
    EXECUTE FUNCTION procedures_sector_rollup();

-- A unit's level is part of every rollup key. Levels do not change in
-- practice (a restructuring makes new units), so a change rebuilds.
-- +goose StatementBegin
CREATE FUNCTION units_level_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM proposal_rollup_rebuild();
    PERFORM dossier_rollups_rebuild();
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER units_level_rollup AFTER UPDATE OF level_code ON administrative_units
    FOR EACH ROW WHEN (OLD.level_code IS DISTINCT FROM NEW.level_code)
    EXECUTE FUNCTION units_level_rollup();

------------------------------------------------------------------------
-- Reform targets and progress.
--
-- A target: by the end of `year`, cut `metric` (TIME: processing time;
-- COST: annual compliance cost) by cut_percent against baseline_year, for
-- one unit and the units under it, or nationally when unit_id is NULL.
-- The target of a unit is its own, else its nearest ancestor's, else the
-- national one.
CREATE TABLE reform_targets (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year          int    NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    unit_id       bigint REFERENCES administrative_units (id),
    metric        text   NOT NULL CHECK (metric IN ('TIME', 'COST')),
    cut_percent   numeric(5, 2) NOT NULL CHECK (cut_percent > 0 AND cut_percent <= 100),
    baseline_year int    NOT NULL,
    source        text   NOT NULL DEFAULT '',
    CHECK (baseline_year BETWEEN 2000 AND year),
    UNIQUE NULLS NOT DISTINCT (year, unit_id, metric)
);

-- The national targets (DOMAIN.md): 2025, cut processing time and
-- compliance cost by 30%; 2026, by 50% against 2024. The 2025 target is
-- read against 2024 as well.
INSERT INTO reform_targets (year, unit_id, metric, cut_percent, baseline_year, source) VALUES
    (2025, NULL, 'TIME', 30, 2024, 'Mục tiêu năm 2025: cắt giảm 30% thời gian giải quyết thủ tục hành chính'),
    (2025, NULL, 'COST', 30, 2024, 'Mục tiêu năm 2025: cắt giảm 30% chi phí tuân thủ thủ tục hành chính'),
    (2026, NULL, 'TIME', 50, 2024, 'Mục tiêu năm 2026: cắt giảm 50% thời gian giải quyết so với năm 2024'),
    (2026, NULL, 'COST', 50, 2024, 'Mục tiêu năm 2026: cắt giảm 50% chi phí tuân thủ so với năm 2024');

-- reform_target_for returns the target of unit (NULL: national) for year
-- and metric: the unit's own, else its nearest ancestor's, else the
-- national one.
-- +goose StatementBegin
CREATE FUNCTION reform_target_for(p_unit bigint, p_year int, p_metric text) RETURNS SETOF reform_targets
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up AS (
        SELECT u.id, u.parent_id, 0 AS depth FROM administrative_units u WHERE u.id = p_unit
        UNION ALL
        SELECT a.id, a.parent_id, up.depth + 1 FROM administrative_units a JOIN up ON a.id = up.parent_id WHERE up.depth < 16
    )
    SELECT t.* FROM reform_targets t LEFT JOIN up ON up.id = t.unit_id
    WHERE t.year = p_year AND t.metric = p_metric AND (t.unit_id IS NULL OR up.id IS NOT NULL)
    ORDER BY up.depth NULLS LAST
    LIMIT 1
$$;
-- +goose StatementEnd

-- reform_unit_progress: for each reform window (a target's year and
-- baseline year) and each proposing unit, the unit's own procedures in
-- scope and their cuts, so that a unit's progress is a sum over its
-- subtree. Definitions (the GraphQL schema repeats them):
--   window: submissions from 1 January of baseline_year to 31 December
--     of year, Vietnam time;
--   a procedure in scope: a procedure as handled by one proposing unit,
--     with at least one proposal submitted in the window and not
--     withdrawn;
--   its baseline: the "before" annual cost and processing time of its
--     earliest such proposal;
--   its approved cut: baseline minus the "after" of its latest such
--     proposal approved (APPROVED or IMPLEMENTED, decided by the end of
--     the window); 0 when none;
--   its implemented cut: likewise with the latest proposal IMPLEMENTED by
--     the end of the window (the time of its IMPLEMENTED event).
-- The latest proposal's "after" is the procedure's state after all the
-- window's simplifications, so rounds of proposals are not counted twice.
CREATE TABLE reform_unit_progress (
    year                   int     NOT NULL,
    baseline_year          int     NOT NULL,
    unit_id                bigint  NOT NULL,
    procedures             int     NOT NULL,
    procedures_approved    int     NOT NULL,
    procedures_implemented int     NOT NULL,
    cost_baseline          numeric NOT NULL,
    cost_cut_approved      numeric NOT NULL,
    cost_cut_implemented   numeric NOT NULL,
    days_baseline          numeric NOT NULL,
    days_cut_approved      numeric NOT NULL,
    days_cut_implemented   numeric NOT NULL,
    PRIMARY KEY (year, baseline_year, unit_id)
);

-- reform_progress_sql is the query that computes the rows of
-- reform_unit_progress for the proposing units $1 (bigint[]), kept apart
-- so that plan tests can EXPLAIN it.
-- +goose StatementBegin
CREATE FUNCTION reform_progress_sql() RETURNS text
LANGUAGE sql IMMUTABLE
RETURN $q$
    WITH w AS (
        SELECT DISTINCT year, baseline_year,
            make_date(baseline_year, 1, 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS starts,
            make_date(year + 1, 1, 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS ends
        FROM reform_targets
    ), s AS (
        SELECT w.year, w.baseline_year, w.ends, pr.id, pr.proposing_unit_id, pr.procedure_id, pr.status,
            pr.submitted_at, pr.decided_at, pr.annual_cost_before, pr.annual_cost_after,
            pr.before_processing_days, pr.after_processing_days
        FROM proposals pr JOIN w ON pr.submitted_at >= w.starts AND pr.submitted_at < w.ends
        WHERE pr.proposing_unit_id = ANY($1) AND pr.status <> 'WITHDRAWN'
    ), base AS (
        SELECT DISTINCT ON (year, baseline_year, proposing_unit_id, procedure_id)
            year, baseline_year, proposing_unit_id, procedure_id, annual_cost_before AS cost, before_processing_days AS days
        FROM s ORDER BY year, baseline_year, proposing_unit_id, procedure_id, submitted_at, id
    ), approved AS (
        SELECT DISTINCT ON (year, baseline_year, proposing_unit_id, procedure_id)
            year, baseline_year, proposing_unit_id, procedure_id, annual_cost_after AS cost, after_processing_days AS days
        FROM s WHERE status IN ('APPROVED', 'IMPLEMENTED') AND decided_at < ends
        ORDER BY year, baseline_year, proposing_unit_id, procedure_id, decided_at DESC, id DESC
    ), implemented AS (
        SELECT DISTINCT ON (year, baseline_year, proposing_unit_id, procedure_id)
            year, baseline_year, proposing_unit_id, procedure_id, annual_cost_after AS cost, after_processing_days AS days
        FROM s JOIN LATERAL (SELECT max(e.at) AS at FROM proposal_events e
            WHERE e.proposal_id = s.id AND e.to_status = 'IMPLEMENTED') ev ON true
        WHERE s.status = 'IMPLEMENTED' AND ev.at < s.ends
        ORDER BY year, baseline_year, proposing_unit_id, procedure_id, ev.at DESC, id DESC
    )
    SELECT b.year, b.baseline_year, b.proposing_unit_id, count(*), count(a.cost), count(i.cost),
        sum(b.cost), coalesce(sum(b.cost - a.cost), 0), coalesce(sum(b.cost - i.cost), 0),
        sum(b.days), coalesce(sum(b.days - a.days), 0), coalesce(sum(b.days - i.days), 0)
    FROM base b
    LEFT JOIN approved a USING (year, baseline_year, proposing_unit_id, procedure_id)
    LEFT JOIN implemented i USING (year, baseline_year, proposing_unit_id, procedure_id)
    GROUP BY b.year, b.baseline_year, b.proposing_unit_id
$q$;
-- +goose StatementEnd

-- reform_progress_refresh recomputes the rows of the given proposing
-- units (every unit when NULL) for every window of reform_targets. A
-- unit's rows are recomputed whole: the earliest and latest proposals of
-- a procedure cannot be kept up by adding deltas. A lock per unit makes
-- concurrent refreshes of one unit take turns, the later one reading what
-- the earlier one committed.
-- +goose StatementBegin
CREATE FUNCTION reform_progress_refresh(p_units bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_units IS NULL THEN
        LOCK TABLE reform_unit_progress IN SHARE ROW EXCLUSIVE MODE;
        DELETE FROM reform_unit_progress;
        p_units := ARRAY(SELECT DISTINCT proposing_unit_id FROM proposals);
    ELSE
        p_units := ARRAY(SELECT DISTINCT u FROM unnest(p_units) u WHERE u IS NOT NULL ORDER BY u);
        PERFORM pg_advisory_xact_lock(7305, u::int) FROM unnest(p_units) u;
        DELETE FROM reform_unit_progress WHERE unit_id = ANY(p_units);
    END IF;
    -- EXECUTE plans with the actual units: one unit reads its proposals
    -- by index, all units read the table once.
    EXECUTE 'INSERT INTO reform_unit_progress (year, baseline_year, unit_id, procedures, procedures_approved,
        procedures_implemented, cost_baseline, cost_cut_approved, cost_cut_implemented, days_baseline,
        days_cut_approved, days_cut_implemented) ' || reform_progress_sql()
    USING p_units;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION proposals_reform_progress() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reform_progress_refresh(ARRAY(SELECT DISTINCT proposing_unit_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM reform_progress_refresh(ARRAY(SELECT proposing_unit_id FROM old_rows UNION SELECT proposing_unit_id FROM new_rows));
    ELSE
        PERFORM reform_progress_refresh(ARRAY(SELECT DISTINCT proposing_unit_id FROM old_rows));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER proposals_reform_insert AFTER INSERT ON proposals
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proposals_reform_progress();
CREATE TRIGGER proposals_reform_update AFTER UPDATE ON proposals
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proposals_reform_progress();
CREATE TRIGGER proposals_reform_delete AFTER DELETE ON proposals
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION proposals_reform_progress();

-- The event of an implementation is written after the status change, in
-- the same transaction: its time decides the window it counts in.
-- +goose StatementBegin
CREATE FUNCTION proposal_events_reform_progress() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reform_progress_refresh(ARRAY(
        SELECT DISTINCT pr.proposing_unit_id FROM new_rows e JOIN proposals pr ON pr.id = e.proposal_id
        WHERE e.to_status = 'IMPLEMENTED'));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER proposal_events_reform_insert AFTER INSERT ON proposal_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION proposal_events_reform_progress();

-- New or changed targets may open a window: recompute everything.
-- +goose StatementBegin
CREATE FUNCTION reform_targets_progress() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reform_progress_refresh(NULL);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER reform_targets_progress AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reform_targets
    FOR EACH STATEMENT EXECUTE FUNCTION reform_targets_progress();

-- reporting_rollups_refresh rebuilds every rollup (and the unit closure)
-- from the base tables:
-- `tthc refresh-rollups`, and the proof in tests that the triggers kept
-- them exact.
-- +goose StatementBegin
CREATE FUNCTION reporting_rollups_refresh() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM unit_closure_rebuild();
    PERFORM dossier_rollups_rebuild();
    PERFORM proposal_rollup_rebuild();
    LOCK TABLE proposals IN SHARE MODE;
    PERFORM reform_progress_refresh(NULL);
END;
$$;
-- +goose StatementEnd

-- Fill the rollups from what the database holds now.
SELECT reporting_rollups_refresh();
