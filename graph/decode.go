package graph

import (
	"bytes"
	"encoding/json"

	"tthc/graph/model"
	"tthc/graph/scalars"
	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// DecodeProcedureFilter reads a ProcedureFilter written as the JSON of the
// GraphQL input, as the CSV export takes it, so both accept the same
// filters with the same checks.
func DecodeProcedureFilter(raw string) (catalog.ProcedureFilter, error) {
	var in model.ProcedureFilter
	if err := checkFilterText(raw); err != nil {
		return catalog.ProcedureFilter{}, err
	}
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

// checkFilterText gives every string in the JSON of an export's filter
// the check every String of the API gets (scalars.CheckText): the export
// decodes its filter without gqlgen.
func checkFilterText(raw string) error {
	var v any
	if json.Unmarshal([]byte(raw), &v) != nil {
		return nil // the filter's decoder says what is wrong
	}
	var walk func(v any) error
	walk = func(v any) error {
		switch v := v.(type) {
		case string:
			return scalars.CheckText(v)
		case []any:
			for _, x := range v {
				if err := walk(x); err != nil {
					return err
				}
			}
		case map[string]any:
			for k, x := range v {
				if err := scalars.CheckText(k); err != nil {
					return err
				}
				if err := walk(x); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(v); err != nil {
		return errs.Fieldf("filter", "%s", err)
	}
	return nil
}
