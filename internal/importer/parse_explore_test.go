package importer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
)

// TestExplore is a temporary dump for studying the data; removed before hand-off.
func TestExplore(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	f, err := os.Open("../../../shared/data/procedures-national-portal.jsonl")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	out, _ := os.Create("/tmp/explore/all.jsonl")
	defer out.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	kinds := map[string]int{}
	for sc.Scan() {
		rec, err := Parse(sc.Bytes())
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for _, w := range rec.Warnings {
			kinds[w[:min(len(w), 40)]]++
		}
		rec.Procedure.RawText = ""
		rec.Procedure.Steps = ""
		rec.Procedure.Requirements = ""
		b, _ := json.Marshal(rec)
		fmt.Fprintln(out, string(b))
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		t.Logf("%5d %s", kinds[k], k)
	}
}
