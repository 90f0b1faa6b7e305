package graph

import (
	"bytes"
	"encoding/json"

	"tthc/graph/model"
	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// DecodeProcedureFilter reads a ProcedureFilter written as the JSON of the
// GraphQL input, as the CSV export takes it, so both accept the same
// filters with the same checks.
func DecodeProcedureFilter(raw string) (catalog.ProcedureFilter, error) {
	var in model.ProcedureFilter
	if raw != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return catalog.ProcedureFilter{}, errs.Fieldf("filter", "filter must be the JSON of a ProcedureFilter: %v", err)
		}
	}
	f, err := procedureFilter(&in)
	if err != nil {
		return f, err
	}
	if f.Channel != nil && !f.Channel.Valid() {
		return f, errs.Fieldf("filter.channel", "unknown channel %q", *f.Channel)
	}
	if f.Status != nil && !f.Status.Valid() {
		return f, errs.Fieldf("filter.status", "unknown status %q", *f.Status)
	}
	return f, nil
}
