-- Bench-only objects, applied by bench/run.sh to the bench database after
-- the migrations. Nothing here is part of the application's schema.

CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

-- PostGraphile can only filter a table by equality on its columns
-- (`condition`), so S1's accent-insensitive prefix search and level filter
-- are given to it as this function, which PostGraphile exposes as
-- Query.searchProcedures. It is the same WHERE and ORDER BY as our server's
-- ListProcedures with a search, a level filter and the default RELEVANCE
-- order (internal/postgres/procedures.go), written as one SQL function.
CREATE SCHEMA IF NOT EXISTS bench;

CREATE OR REPLACE FUNCTION bench.search_procedures(search text, levels text[] DEFAULT NULL)
RETURNS SETOF public.procedures
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT p.*
	FROM (SELECT array_remove(regexp_split_to_array(btrim(search), '[^[:alnum:].]+'), '') AS terms,
	             btrim(search) AS code) s
	CROSS JOIN LATERAL (SELECT array_to_string(s.terms, ' ') AS words) w
	JOIN public.procedures p ON
		(p.search_vector @@ (SELECT to_tsquery('simple', string_agg(quote_literal(public.vn_fold(t)) || ':*', ' & ')) FROM unnest(s.terms) t)
		 OR p.code LIKE replace(replace(replace(s.code, '\', '\\'), '%', '\%'), '_', '\_') || '%')
	WHERE levels IS NULL
	   OR EXISTS (SELECT 1 FROM public.procedure_levels pl WHERE pl.procedure_id = p.id AND pl.level_code = ANY(levels))
	ORDER BY
		(CASE
			WHEN p.code = s.code OR p.name_core = public.vn_fold(w.words) THEN 0
			WHEN p.code LIKE replace(replace(replace(s.code, '\', '\\'), '%', '\%'), '_', '\_') || '%'
			  OR p.name_core LIKE public.vn_fold(w.words) || '%' THEN 1
			WHEN p.name_words LIKE '%' || public.vn_fold(w.words) || '%' THEN 2
			ELSE 3 END),
		length(p.name_words), p.name_key, p.id
$$;

-- S4's grouping for PostGraphile: proposals created since a day (Vietnam
-- time) by the level of the proposing unit and status, with their count
-- and summed annual compliance cost, as our proposalStats. Created only
-- when the proposal tables exist.
DO $do$
BEGIN
	IF to_regclass('public.proposals') IS NOT NULL THEN
		DROP FUNCTION IF EXISTS bench.proposal_stats(date);
		EXECUTE $f$
		CREATE FUNCTION bench.proposal_stats("from" date)
		RETURNS TABLE (level text, status text, count bigint,
			annual_cost_before numeric, annual_cost_after numeric, saving numeric)
		LANGUAGE sql STABLE PARALLEL SAFE AS $$
			SELECT u.level_code, p.status, count(*),
				sum(p.annual_cost_before), sum(p.annual_cost_after), sum(p.annual_saving)
			FROM public.proposals p JOIN public.administrative_units u ON u.id = p.proposing_unit_id
			WHERE p.created_at >= ("from"::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
			GROUP BY 1, 2 ORDER BY 1, 2
		$$
		$f$;
	END IF;
END
$do$;

-- S2 shows a procedure with its proposals and their events. The proposals
-- of the national data set are about generated procedures, and those of
-- the demo about a few others, while S2's procedures come from the real
-- portal catalog: give each of them three proposals, copies of existing
-- ones with their events. Once (a procedure that has proposals is left
-- alone); bench data only.
DO $do$
DECLARE
	cols text;
	event_cols text;
	target bigint;
	source bigint;
	copy bigint;
	skip int := 0;
BEGIN
	IF to_regclass('public.proposals') IS NULL THEN
		RETURN;
	END IF;
	SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
	FROM information_schema.columns
	WHERE table_schema = 'public' AND table_name = 'proposals'
	  AND column_name NOT IN ('id', 'procedure_id') AND is_generated = 'NEVER';
	SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO event_cols
	FROM information_schema.columns
	WHERE table_schema = 'public' AND table_name = 'proposal_events'
	  AND column_name NOT IN ('id', 'proposal_id') AND is_generated = 'NEVER';
	-- the codes of bench/scenarios/s2-procedure/scenario.json
	FOR target IN
		SELECT p.id FROM public.procedures p
		WHERE p.code IN ('1.001193', '1.000757', '1.006440', '1.009091', '2.001199', '1.009779', '1.012549', '3.000378')
		  AND NOT EXISTS (SELECT 1 FROM public.proposals pr WHERE pr.procedure_id = p.id)
		ORDER BY p.id
	LOOP
		FOR source IN
			SELECT pr.id FROM public.proposals pr
			WHERE pr.status IN ('UNDER_REVIEW', 'APPROVED', 'IMPLEMENTED')
			ORDER BY pr.id OFFSET skip LIMIT 3
		LOOP
			EXECUTE format('INSERT INTO public.proposals (procedure_id, %s) SELECT $1, %s FROM public.proposals WHERE id = $2 RETURNING id', cols, cols)
				INTO copy USING target, source;
			EXECUTE format('INSERT INTO public.proposal_events (proposal_id, %s) SELECT $1, %s FROM public.proposal_events WHERE proposal_id = $2 ORDER BY id', event_cols, event_cols)
				USING copy, source;
		END LOOP;
		skip := skip + 3;
	END LOOP;
END
$do$;
