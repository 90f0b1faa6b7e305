package postgres

import (
	"strings"
	"testing"

	"tthc/internal/catalog"
)

// TestProcedureColumnsFor checks which columns a read leaves empty: the
// long texts it does not ask for, and the two texts the API never shows
// unless every text is asked for.
func TestProcedureColumnsFor(t *testing.T) {
	if procedureColumnsFor(catalog.AllTexts) != procedureColumns {
		t.Error("every text must read every column")
	}
	for _, c := range []struct {
		texts         catalog.TextFields
		read, blanked []string
	}{
		{catalog.TextFields{}, nil, []string{"steps", "requirements", "result", "raw_text", "reception_address", "related_text"}},
		{catalog.TextFields{Steps: true, RawText: true}, []string{"steps", "raw_text"}, []string{"requirements", "result", "reception_address", "related_text"}},
	} {
		cols := procedureColumnsFor(c.texts)
		for _, col := range c.read {
			if !strings.Contains(cols, "p."+col+",") {
				t.Errorf("%+v: %s not read", c.texts, col)
			}
		}
		for _, col := range c.blanked {
			if !strings.Contains(cols, "'' AS "+col+",") || strings.Contains(cols, "p."+col+",") {
				t.Errorf("%+v: %s not left empty", c.texts, col)
			}
		}
	}
}
