package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"tthc/internal/errs"
	"tthc/internal/report"
)

// Every statistic (catalogStats, dossierStats, legalDocumentStats,
// proposalStats) is one grouped statement: sums over the rows of a
// source by one or more dimensions, each group (a bucket) with its key,
// id and label. dimensions.go describes every dimension; this file builds
// and runs the statements.
//
// The rows are grouped by the value of each dimension (an id, a code, a
// month: cheap to hash), then each group gets its key, id and label from
// that value: formatting and looking names up once a group, not once a
// row, is what keeps four million rows under a second. An entity's key
// and label are read from its table by id. A question without a
// narrowing filter (wide) may have 100,000 groups: there the table is
// joined whole, ranked in the order of the buckets; an index probe per
// group and 100,000 names compared under the database's collation cost
// seconds. A narrow question probes the table per group, which costs
// less than ranking the whole table.
//
// Buckets come in the order of their keys, dimension after dimension:
// codes and periods by value, entities by key (a procedure's code), then
// label, then id; the bucket without a value last. An order by a measure
// goes first, the keys breaking its ties. All SQL here is fixed text
// chosen by the API's enums; values go through parameters.

// dimension is how one grouping dimension reads in SQL.
type dimension struct {
	value string // what rows are grouped by, over the source's rows
	join  string // a join of the source that value reads, if any
	with  string // a common table expression that join reads, if any
	// entity, when value is an entity's id, is where its key and label
	// are read; else value is a code or a date.
	entity *entity
	key    string            // a code's key from the value (%s); "" for the value as text
	label  string            // a code's label from the value (%s) in SQL; "" for labels, else the key
	labels map[string]string // the labels of codes, by key
	none   report.None       // the bucket of the rows without a value
	grain  string            // what a rollup must hold to group by value ("" when every one does)
}

// entity is a table that names the entities a dimension groups by.
type entity struct {
	table string // read by id
	key   string // the key column, "" for none
	label string // the label column
}

// ranked is the table with each row's rank in the order of buckets: key
// (when there is one), label, id.
func (e *entity) ranked() string {
	order, key := "", "NULL::text"
	if e.key != "" {
		order, key = "x."+e.key+", ", "x."+e.key
	}
	return "(SELECT x.id, " + key + " AS key, x." + e.label + " AS label, row_number() OVER (ORDER BY " + order +
		"coalesce(x." + e.label + ", ''), x.id) AS rank FROM " + e.table + " x)"
}

// measure is a sum over the rows of a bucket, read by the statement's
// order as g.name.
type measure struct {
	name string
	sql  string
}

// groupOrder sorts and cuts buckets. The zero value keeps every bucket
// in key order.
type groupOrder struct {
	measure string // SQL over the measures (g.name) to sort by first; "" for the keys alone
	desc    bool   // the measure (or, without one, the keys) descending
	limit   *int   // how many buckets to keep; nil for all
}

// groupedQuery is one grouped statement.
type groupedQuery struct {
	// from is the source: tables with their joins, or a subquery and its
	// alias; where's parameters serve its placeholders too.
	from     string
	where    *where
	by       []report.Dimension
	dims     []dimension // of by, in order
	measures []measure
	wide     bool // no narrowing filter: many groups may come
	order    groupOrder
	// total adds the grand total, first, flagged, and gives every row the
	// number of buckets before the limit.
	total bool
}

// pickDimensions returns the dimensions of by from the ones a report
// offers, refusing those it does not and those named twice.
func pickDimensions(offered map[report.Dimension]dimension, by []report.Dimension) ([]dimension, error) {
	dims := make([]dimension, len(by))
	for i, d := range by {
		dim, ok := offered[d]
		if !ok {
			return nil, errs.Fieldf("groupBy", "cannot group by %s here", d)
		}
		if slices.Contains(by[:i], d) {
			return nil, errs.Fieldf("groupBy", "%s is named twice", d)
		}
		dims[i] = dim
	}
	return dims, nil
}

// sql returns the statement: one row a bucket with, for dimension i, its
// key k<i>, id i<i> and label l<i> (null when the labels come from Go),
// then total and buckets, then the measures.
func (q groupedQuery) sql() string {
	var with, joins, inner, groups, outer, order, lookups []string
	keyDir := ""
	if q.order.desc && q.order.measure == "" {
		keyDir = " DESC"
	}
	for i, d := range q.dims {
		if d.with != "" && !slices.Contains(with, d.with) {
			with = append(with, d.with)
		}
		if d.join != "" && !slices.Contains(joins, d.join) {
			joins = append(joins, d.join)
		}
		v := fmt.Sprintf("g.v%d", i)
		inner = append(inner, fmt.Sprintf("%s AS v%d", d.value, i))
		groups = append(groups, d.value)
		key, id, label, sort := "NULL", "NULL", "NULL", ""
		switch e := d.entity; {
		case e != nil && q.wide:
			t := fmt.Sprintf("t%d", i)
			lookups = append(lookups, fmt.Sprintf("LEFT JOIN %s %s ON %s.id = %s", e.ranked(), t, t, v))
			key, id, label = t+".key", v, t+".label"
			sort = fmt.Sprintf("%s.rank%s NULLS LAST", t, keyDir)
		case e != nil:
			probe := func(col string) string {
				return fmt.Sprintf("(SELECT s.%s FROM %s s WHERE s.id = %s)", col, e.table, v)
			}
			id, label = v, probe(e.label)
			sort = v + " IS NULL, "
			if e.key != "" {
				key = probe(e.key)
				sort += fmt.Sprintf("k%d%s, ", i, keyDir)
			}
			sort += fmt.Sprintf("l%d%s, %s%s", i, keyDir, v, keyDir)
		default:
			key = v
			if d.key != "" {
				key = fmt.Sprintf(d.key, v)
			}
			if d.label != "" {
				label = fmt.Sprintf(d.label, v)
			}
			sort = fmt.Sprintf("%s%s NULLS LAST", v, keyDir)
		}
		outer = append(outer, fmt.Sprintf("(%s)::text AS k%d, (%s)::bigint AS i%d, (%s)::text AS l%d", key, i, id, i, label, i))
		order = append(order, sort)
	}
	if q.total && len(groups) > 0 {
		inner = append(inner, "GROUPING("+groups[0]+") = 1 AS total", "count(*) OVER () AS buckets")
	} else {
		inner = append(inner, "false AS total", "NULL::bigint AS buckets")
	}
	outer = append(outer, "g.total", "g.buckets")
	for _, m := range q.measures {
		inner = append(inner, m.sql+" AS "+m.name)
		outer = append(outer, "g."+m.name)
	}
	var b strings.Builder
	if len(with) > 0 {
		b.WriteString("WITH RECURSIVE " + strings.Join(with, ", ") + " ")
	}
	b.WriteString("SELECT " + strings.Join(outer, ", ") + " FROM (SELECT " + strings.Join(inner, ", ") +
		" FROM " + q.from + " " + strings.Join(joins, " ") + " " + q.where.sql())
	switch {
	case len(groups) == 0:
	case q.total:
		b.WriteString(" GROUP BY GROUPING SETS ((" + strings.Join(groups, ", ") + "), ())")
	default:
		b.WriteString(" GROUP BY " + strings.Join(groups, ", "))
	}
	b.WriteString(") g " + strings.Join(lookups, " "))
	if q.order.measure != "" {
		dir := " ASC"
		if q.order.desc {
			dir = " DESC"
		}
		order = append([]string{q.order.measure + dir + " NULLS LAST"}, order...)
	}
	if q.total {
		order = append([]string{"g.total DESC"}, order...)
	}
	if len(order) > 0 {
		b.WriteString(" ORDER BY " + strings.Join(order, ", "))
	}
	if q.order.limit != nil {
		limit := *q.order.limit
		if q.total {
			limit++
		}
		b.WriteString(" LIMIT " + strconv.Itoa(limit))
	}
	return b.String()
}

// run runs the statement and calls row with each bucket's group, after
// scanning its measures into dest, and whether it is the grand total. It
// returns the number of buckets when q.total. A national crossing returns
// 100,000 buckets: the row buffers are reused, and each distinct key, id
// and label is allocated once and shared by the buckets that have it
// (callers only read them).
func (q groupedQuery) run(ctx context.Context, db queryer, dest []any, row func(group []report.GroupKey, total bool)) (int, error) {
	db = route(ctx, db)
	query := q.sql()
	defer statement(ctx, query)()
	rows, err := db.QueryxContext(ctx, query, q.where.args...)
	if err != nil {
		return 0, dbError(err)
	}
	defer rows.Close()
	n := len(q.dims)
	keys := make([]sql.RawBytes, n)
	ids := make([]sql.NullInt64, n)
	labels := make([]sql.RawBytes, n)
	var total bool
	var buckets sql.NullInt64
	scan := make([]any, 0, 3*n+2+len(dest))
	for i := range n {
		scan = append(scan, &keys[i], &ids[i], &labels[i])
	}
	scan = append(append(scan, &total, &buckets), dest...)
	texts := map[string]*string{}
	text := func(b []byte) *string {
		if p, ok := texts[string(b)]; ok {
			return p
		}
		s := string(b)
		texts[s] = &s
		return &s
	}
	idPtrs := map[int64]*int64{}
	nones := make([]*string, n)
	for i, d := range q.dims {
		if d.none.Key != "" {
			nones[i] = &d.none.Key
		}
	}
	for rows.Next() {
		if err := rows.Scan(scan...); err != nil {
			return 0, dbError(err)
		}
		group := make([]report.GroupKey, n)
		for i, d := range q.dims {
			k := report.GroupKey{Dimension: q.by[i]}
			switch {
			case keys[i] == nil && !ids[i].Valid:
				k.Key, k.Label = nones[i], d.none.Label
			case ids[i].Valid:
				p, ok := idPtrs[ids[i].Int64]
				if !ok {
					p = new(int64)
					*p = ids[i].Int64
					idPtrs[*p] = p
				}
				k.ID = p
				if keys[i] != nil {
					k.Key = text(keys[i])
				}
				k.Label = *text(labels[i])
			default:
				k.Key = text(keys[i])
				switch {
				case labels[i] != nil:
					k.Label = *text(labels[i])
				case d.labels[*k.Key] != "":
					k.Label = d.labels[*k.Key]
				default:
					k.Label = *k.Key
				}
			}
			group[i] = k
		}
		row(group, total)
	}
	if err := rows.Err(); err != nil {
		return 0, dbError(err)
	}
	if buckets.Int64 > 0 {
		buckets.Int64-- // the total row
	}
	return int(buckets.Int64), nil
}
