package importer

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestCategoriesAreDocumented keeps README.md's table of warning
// categories true: every category the parser emits is explained there.
func TestCategoriesAreDocumented(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Category]bool{}
	for _, c := range Categories {
		if seen[c.Category] {
			t.Errorf("category %s listed twice", c.Category)
		}
		seen[c.Category] = true
		if !bytes.Contains(readme, []byte("| `"+string(c.Category)+"` | `"+c.Field+"` |")) {
			t.Errorf("README.md does not explain %s (%s)", c.Category, c.Field)
		}
		if c.Field == "" || c.Meaning == "" {
			t.Errorf("category %s has no field or meaning", c.Category)
		}
	}
}

// Made up: warnings of two records, written as CSV and counted.
func TestWarningsCSVAndSummary(t *testing.T) {
	list := []LineWarning{
		{Line: 3, Code: "1.000080", Warning: Warning{Field: "cach_thuc_thuc_hien", Category: TimeWithoutUnit, Fragment: `"15"`}},
		{Line: 3, Code: "1.000080", Warning: Warning{Field: "cach_thuc_thuc_hien", Category: FeeInThousands, Fragment: `"20 VNĐ"`}},
		{Line: 9, Code: "=HYPERLINK(1)", Warning: Warning{Field: "cach_thuc_thuc_hien", Category: TimeWithoutUnit, Fragment: "-1+2"}},
	}
	var b bytes.Buffer
	if err := WriteWarningsCSV(&b, list); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"line", "code", "field", "category", "fragment"},
		{"3", "1.000080", "cach_thuc_thuc_hien", "TIME_WITHOUT_UNIT", `"15"`},
		{"3", "1.000080", "cach_thuc_thuc_hien", "FEE_IN_THOUSANDS", `"20 VNĐ"`},
		{"9", "'=HYPERLINK(1)", "cach_thuc_thuc_hien", "TIME_WITHOUT_UNIT", "'-1+2"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("CSV rows\n %q\nwant\n %q", rows, want)
	}
	got := WarningsByCategory(list)
	if !reflect.DeepEqual(got, []CategoryCount{{TimeWithoutUnit, 2}, {FeeInThousands, 1}}) {
		t.Errorf("WarningsByCategory = %v", got)
	}
}
