package importer

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The gold set: 214 records of the shared portal file, labelled by hand
// from their raw text (testdata/gold.records.jsonl.gz holds them as
// crawled). 150 were drawn at random with seed 12 (Python's
// random.Random(12).sample over the file's 1,319 lines); 34 are the odd
// ones, each with a note saying why; 30 more ("held out": seed 99 over
// the records not yet labelled) were labelled only once the parser was
// done, to measure it on records it was not tuned on: 158 of their 159
// legal numbers and all 73 channels were right, the miss an old law
// "18-L/CTN", read since. Form files were labelled last, for all 214:
// 92 of 98 were right before the two fixes they prompted. A label says what a careful reader finds in the
// record, not what the parser does:
//
//   - legal: every document the legal basis table names as a basis, by the
//     symbol its number cell writes (completed from its title where the
//     cell is short, normalised where written with stray spaces, an
//     underscore or an unaccented type); a number quoted inside another
//     document's title is not one; a cell that is no symbol ("54") gives
//     nothing;
//   - forms: the file name of every form the dossier table offers, in
//     order, cut from the document name it is glued to;
//   - channels: each row of the channels table in order, its processing
//     time when the cell has a number and a unit, and its fee amount when
//     the cell and its note name one fixed amount (0 for free), following
//     the rules README.md lists.

// goldRecord is one labelled record.
type goldRecord struct {
	Line     int    `json:"line"`
	Code     string `json:"code"`
	Why      string `json:"why"`
	Note     string `json:"note"`
	Legal    []string
	Channels []goldChannel
	Forms    []string // the dossier's form files, in order
}

type goldChannel struct {
	Kind string  `json:"kind"`
	Time *string `json:"time"` // "5 WORKING_DAY"; nil: no duration
	Fee  *string `json:"fee"`  // "0 VND", "145 USD"; nil: no single amount
}

// score counts matches of one field.
type score struct{ right, total int }

func (s *score) add(ok bool) {
	s.total++
	if ok {
		s.right++
	}
}

func (s score) rate() float64 {
	if s.total == 0 {
		return 1
	}
	return float64(s.right) / float64(s.total)
}

// TestGoldSet parses the gold records and compares them with their
// labels. It reports accuracy per field and the warnings' categories, and
// fails below 99 % for legal numbers (precision and recall), processing
// times and fee amounts.
func TestGoldSet(t *testing.T) {
	labels := readGold(t)
	raw := readGoldRecords(t)
	if len(raw) != len(labels) {
		t.Fatalf("%d raw records for %d labels", len(raw), len(labels))
	}
	var (
		legalFound, legalRight, legalWanted int
		formsFound, formsRight, formsWanted int
		rows, kinds, times, fees            score
		categories                          = map[Category]int{}
	)
	for i, g := range labels {
		rec, err := Parse(raw[i])
		if err != nil {
			t.Errorf("%s: %v", g.Code, err)
			continue
		}
		if rec.Procedure.Code != g.Code {
			t.Fatalf("record %d is %s, label %s", i, rec.Procedure.Code, g.Code)
		}
		for _, w := range rec.Warnings {
			categories[w.Category]++
		}

		want := map[string]bool{}
		for _, n := range g.Legal {
			want[n] = true
		}
		legalWanted += len(want)
		for _, ref := range rec.LegalBasis {
			legalFound++
			if want[ref.Number] {
				legalRight++
				delete(want, ref.Number)
			} else {
				t.Logf("miss: %s: legal number %q is not in the record", g.Code, ref.Number)
			}
		}
		for n := range want {
			t.Logf("miss: %s: legal number %q not found", g.Code, n)
		}

		wantForms := map[string]int{}
		for _, f := range g.Forms {
			wantForms[f]++
		}
		formsWanted += len(g.Forms)
		for _, d := range rec.Documents {
			if d.Form == "" {
				continue
			}
			for _, f := range strings.Split(d.Form, "; ") {
				formsFound++
				if wantForms[f] > 0 {
					formsRight++
					wantForms[f]--
				} else {
					t.Logf("miss: %s: form file %q is not in the record", g.Code, f)
				}
			}
		}
		for f, n := range wantForms {
			for ; n > 0; n-- {
				t.Logf("miss: %s: form file %q not found", g.Code, f)
			}
		}

		rows.add(len(rec.Channels) == len(g.Channels))
		if len(rec.Channels) != len(g.Channels) {
			t.Logf("miss: %s: %d channels, want %d", g.Code, len(rec.Channels), len(g.Channels))
			continue
		}
		for j, want := range g.Channels {
			ch := rec.Channels[j]
			kinds.add(string(ch.Kind) == want.Kind)
			var time, fee *string
			if ch.ProcessingTime != nil {
				s := ch.ProcessingTime.Value.String() + " " + string(ch.ProcessingTime.Unit)
				time = &s
			}
			if ch.Fee.Amount != nil {
				s := ch.Fee.Amount.String() + " " + ch.Fee.Currency
				fee = &s
			}
			times.add(equalOpt(time, want.Time))
			fees.add(equalOpt(fee, want.Fee))
			if !equalOpt(time, want.Time) {
				t.Logf("miss: %s channel %d: time %s, want %s", g.Code, j+1, optString(time), optString(want.Time))
			}
			if !equalOpt(fee, want.Fee) {
				t.Logf("miss: %s channel %d: fee amount %s, want %s (%q)", g.Code, j+1, optString(fee), optString(want.Fee), ch.Fee.Text)
			}
		}
	}

	precision := score{legalRight, legalFound}
	recall := score{legalRight, legalWanted}
	t.Logf("gold set: %d records", len(labels))
	for _, f := range []struct {
		name string
		s    score
	}{
		{"legal numbers, precision", precision}, {"legal numbers, recall", recall},
		{"channel rows (records)", rows}, {"channel kinds", kinds},
		{"processing times", times}, {"fee amounts", fees},
		{"form files, precision", score{formsRight, formsFound}},
		{"form files, recall", score{formsRight, formsWanted}},
	} {
		t.Logf("  %-26s %4d/%-4d %6.2f %%", f.name, f.s.right, f.s.total, 100*f.s.rate())
	}
	t.Logf("warnings by category:")
	keys := make([]Category, 0, len(categories))
	for c := range categories {
		keys = append(keys, c)
	}
	sort.Slice(keys, func(i, j int) bool {
		return categories[keys[i]] > categories[keys[j]] || categories[keys[i]] == categories[keys[j]] && keys[i] < keys[j]
	})
	for _, c := range keys {
		t.Logf("  %5d %s", categories[c], c)
	}
	for _, f := range []struct {
		name string
		s    score
	}{{"legal numbers, precision", precision}, {"legal numbers, recall", recall}, {"processing times", times}, {"fee amounts", fees}} {
		if f.s.rate() < 0.99 {
			t.Errorf("%s: %.2f %%, want at least 99 %%", f.name, 100*f.s.rate())
		}
	}
}

func equalOpt(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func optString(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}

func readGold(t *testing.T) []goldRecord {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "gold.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var g goldRecord
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("gold.jsonl: %v", err)
		}
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func readGoldRecords(t testing.TB) [][]byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "gold.records.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(gz)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
