-- +goose Up
-- Two units may share a name: "Xã Tân Phú" of Huyện Tân Kỳ merged in 2025
-- into a new "Xã Tân Phú" under Tỉnh Nghệ An, and across the country many
-- communes (and districts) have namesakes. Reports name a unit by its
-- label: its name, followed, when another unit has the same name, by the
-- names of the units above it, nearest first, as many as it takes to tell
-- it from its namesakes ("Xã Tân Phú (Huyện Tân Kỳ)", "Xã An Hiệp (Huyện
-- Châu Thành, Tỉnh Bến Tre)"); when even that leaves two alike, by the
-- whole chain and the code. Triggers keep it current: a unit's label
-- depends on other rows (its namesakes, its ancestors' names), so it
-- cannot be a generated column.
ALTER TABLE administrative_units ADD COLUMN label text;

-- +goose StatementBegin
-- The planner overestimates the prefixes (generate_series) a thousandfold
-- and would compile the statement (JIT) for seconds; it reads a few
-- thousand rows.
CREATE FUNCTION unit_labels_refresh() RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    -- One writer at a time, as for unit_closure (migration 00005): the
    -- later one then reads the units the earlier one committed.
    LOCK TABLE unit_closure IN SHARE ROW EXCLUSIVE MODE;
    WITH RECURSIVE shared AS (
        SELECT u.id, u.name, u.code, u.parent_id FROM administrative_units u
        WHERE EXISTS (SELECT 1 FROM administrative_units o WHERE o.name = u.name AND o.id <> u.id)
    ), up AS (
        SELECT s.id, s.parent_id, 0 AS depth, ARRAY[]::text[] AS path FROM shared s
        UNION ALL
        SELECT up.id, a.parent_id, up.depth + 1, up.path || a.name
        FROM up JOIN administrative_units a ON a.id = up.parent_id
        WHERE up.depth < 32 -- a cycle in bad data stops here
    ), paths AS (
        -- the names of the units above each namesake, nearest first
        SELECT DISTINCT ON (id) id, path FROM up ORDER BY id, depth DESC
    ), prefixes AS (
        SELECT s.id, s.name, k, p.path[1:k] AS prefix
        FROM shared s JOIN paths p ON p.id = s.id, generate_series(1, cardinality(p.path)) AS k
    ), enough AS (
        -- the fewest units above that no namesake shares
        SELECT id, min(k) AS k FROM (
            SELECT id, k, count(*) OVER (PARTITION BY name, prefix) AS namesakes FROM prefixes
        ) c WHERE namesakes = 1 GROUP BY id
    ), labels AS (
        SELECT s.id, s.name || ' (' || array_to_string(
            CASE WHEN e.k IS NULL THEN p.path || s.code ELSE p.path[1:e.k] END, ', ') || ')' AS label
        FROM shared s JOIN paths p ON p.id = s.id LEFT JOIN enough e ON e.id = s.id
    )
    UPDATE administrative_units u SET label = x.label
    FROM (SELECT a.id, coalesce(l.label, a.name) AS label FROM administrative_units a LEFT JOIN labels l ON l.id = a.id) x
    WHERE x.id = u.id AND u.label IS DISTINCT FROM x.label;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION units_label() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM unit_labels_refresh();
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- The UPDATE that sets the labels names no column these watch.
CREATE TRIGGER units_label_write AFTER INSERT OR DELETE ON administrative_units
    FOR EACH STATEMENT EXECUTE FUNCTION units_label();
CREATE TRIGGER units_label_update AFTER UPDATE OF name, code, parent_id ON administrative_units
    FOR EACH STATEMENT EXECUTE FUNCTION units_label();

SELECT unit_labels_refresh();
