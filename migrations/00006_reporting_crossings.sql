-- +goose Up
-- Country-wide crossings of two dimensions, answered from rollups (see
-- migrations/00005 for the others). Each stays exact like those: kept up
-- by the same statement-level triggers, rebuilt by
-- reporting_rollups_refresh() (`tthc refresh-rollups`).
--
-- - dossier_unit_procedures: a desk's totals, one row a unit and
--   procedure over all months (66,000 rows at national scale instead of
--   4 million): units crossed with procedures or sectors when no period is
--   asked. A period still reads dossier_stats through its indexes.
-- - two grains of proposal_rollup that hold two keys: SECTOR_SUBMITTED
--   (sector by month of submission, 66,000 rows) and UNIT_KIND (proposing
--   unit by kind, 132,000 rows).

------------------------------------------------------------------------
-- Dossiers: a desk over all months. Sectors and levels are read through
-- procedures and administrative_units at query time, as for
-- dossier_procedure_months, so a procedure that changes sector or a unit
-- that changes level needs nothing here.
CREATE TABLE dossier_unit_procedures (
    unit_id          bigint NOT NULL,
    procedure_id     bigint NOT NULL,
    reports          int    NOT NULL,
    received         bigint NOT NULL,
    received_online  bigint NOT NULL,
    resolved_on_time bigint NOT NULL,
    resolved_late    bigint NOT NULL,
    pending          bigint NOT NULL,
    PRIMARY KEY (unit_id, procedure_id)
);
CREATE INDEX dossier_unit_procedures_procedure_idx ON dossier_unit_procedures (procedure_id);

-- The statements of 00005 plus the one for dossier_unit_procedures.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION dossier_rollups_sql(delta text) RETURNS text[]
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
    $q$, delta),
    format($q$
        INSERT INTO dossier_unit_procedures AS r (unit_id, procedure_id, reports, received, received_online, resolved_on_time, resolved_late, pending)
        SELECT d.unit_id, d.procedure_id, sum(d.sign), sum(d.sign * d.received), sum(d.sign * d.received_online),
            sum(d.sign * d.resolved_on_time), sum(d.sign * d.resolved_late), sum(d.sign * d.pending)
        FROM (%s) d
        GROUP BY d.unit_id, d.procedure_id
        HAVING sum(d.sign) <> 0 OR sum(d.sign * d.received) <> 0 OR sum(d.sign * d.received_online) <> 0
            OR sum(d.sign * d.resolved_on_time) <> 0 OR sum(d.sign * d.resolved_late) <> 0 OR sum(d.sign * d.pending) <> 0
        ORDER BY d.unit_id, d.procedure_id
        ON CONFLICT (unit_id, procedure_id) DO UPDATE SET
            reports = r.reports + EXCLUDED.reports, received = r.received + EXCLUDED.received,
            received_online = r.received_online + EXCLUDED.received_online,
            resolved_on_time = r.resolved_on_time + EXCLUDED.resolved_on_time,
            resolved_late = r.resolved_late + EXCLUDED.resolved_late, pending = r.pending + EXCLUDED.pending
    $q$, delta)];
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION dossier_stats_rollup() RETURNS trigger
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
        DELETE FROM dossier_unit_procedures WHERE reports = 0;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION dossier_rollups_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    stmt text;
BEGIN
    LOCK TABLE dossier_stats IN SHARE MODE;
    DELETE FROM dossier_unit_months;
    DELETE FROM dossier_level_months;
    DELETE FROM dossier_procedure_months;
    DELETE FROM dossier_unit_procedures;
    FOREACH stmt IN ARRAY dossier_rollups_sql('SELECT 1 AS sign, unit_id, procedure_id, period, received,
            received_online, resolved_on_time, resolved_late, pending FROM dossier_stats') LOOP
        EXECUTE stmt;
    END LOOP;
END;
$$;
-- +goose StatementEnd

------------------------------------------------------------------------
-- Proposals: two grains with two keys.
--   SECTOR_SUBMITTED  key_id = the procedure's sector, key_month = month
--                     of submission (each proposal once)
--   UNIT_KIND         key_id = proposing unit, key_text = a kind (a
--                     proposal once in each of its kinds, like KIND)
ALTER TABLE proposal_rollup DROP CONSTRAINT proposal_rollup_grain_check;
ALTER TABLE proposal_rollup ADD CONSTRAINT proposal_rollup_grain_check
    CHECK (grain IN ('UNIT', 'KIND', 'SECTOR', 'REVIEWER', 'SUBMITTED', 'DECIDED', 'CREATED', 'SECTOR_SUBMITTED', 'UNIT_KIND'));

-- The statement of 00005 with the two grains added.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION proposal_rollup_sql(delta text) RETURNS text
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
            UNION ALL
            SELECT 'SECTOR_SUBMITTED', f.*, f.sector_id, NULL, f.submitted_month FROM f
            UNION ALL
            SELECT 'UNIT_KIND', f.*, f.proposing_unit_id, k.kind, NULL FROM f, LATERAL (SELECT DISTINCT kind FROM unnest(f.kinds) AS kind) k
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

-- A procedure that moves to another sector takes its proposals along in
-- both grains keyed by sector.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION procedures_sector_rollup() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM proposals WHERE procedure_id = NEW.id) THEN
        LOCK TABLE proposals IN SHARE MODE;
        INSERT INTO proposal_rollup AS r (grain, status, level_code, key_id, key_text, key_month, proposals,
            cost_before, cost_after, days_before, days_after, documents_before, documents_after)
        SELECT g.grain, pr.status, u.level_code, s.sector_id, NULL, g.key_month, sum(s.sign),
            sum(s.sign * pr.annual_cost_before), sum(s.sign * pr.annual_cost_after),
            sum(s.sign * pr.before_processing_days), sum(s.sign * pr.after_processing_days),
            sum(s.sign * pr.before_documents), sum(s.sign * pr.after_documents)
        FROM proposals pr
        JOIN administrative_units u ON u.id = pr.proposing_unit_id
        CROSS JOIN (VALUES (-1, OLD.sector_id), (1, NEW.sector_id)) AS s(sign, sector_id)
        CROSS JOIN LATERAL (VALUES ('SECTOR', NULL::date), ('SECTOR_SUBMITTED', vn_month(pr.submitted_at))) AS g(grain, key_month)
        WHERE pr.procedure_id = NEW.id
        GROUP BY g.grain, pr.status, u.level_code, s.sector_id, g.key_month
        ORDER BY g.grain, pr.status, u.level_code, s.sector_id, g.key_month
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

-- The planner multiplies the distinct values of two grouped columns and
-- then, taking them for correlated, divides by ten: 12,000 groups of
-- procedure and month expected where there are 120,000, and a hash
-- aggregate planned in memory spills to disk. Multivariate statistics
-- give it the true count.
-- The same crossing sums the rollup in the order of this index, without
-- a hash table of 120,000 groups.
CREATE INDEX dossier_procedure_months_month_idx ON dossier_procedure_months (procedure_id, period);
CREATE STATISTICS dossier_procedure_months_groups (ndistinct) ON procedure_id, period FROM dossier_procedure_months;
CREATE STATISTICS dossier_unit_months_groups (ndistinct) ON unit_id, period FROM dossier_unit_months;

-- Fill the new rollup and grains from what the database holds now.
SELECT dossier_rollups_rebuild();
SELECT proposal_rollup_rebuild();
ANALYZE dossier_unit_procedures, dossier_procedure_months, dossier_unit_months, proposal_rollup;
