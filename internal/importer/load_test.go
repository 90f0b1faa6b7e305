package importer

import (
	"strings"
	"testing"
)

// Made up: a record with a 200,000-character name or sector is refused by
// Parse with the portal key at fault, before it can reach the database.
func TestParseRejectsFieldsOverTheLimits(t *testing.T) {
	long := strings.Repeat("x", 200_000)
	for _, tt := range []struct{ line, want string }{
		{`{"ma_thu_tuc": "1.000178", "ten_thu_tuc": "` + long + `"}`, "ten_thu_tuc (name): 200000 characters, at most 1000 allowed"},
		{`{"ma_thu_tuc": "1.000178", "ten_thu_tuc": "Giải quyết khiếu nại", "linh_vuc": "` + long + `"}`, "linh_vuc (sector): 200000 characters"},
		{`{"ma_thu_tuc": "1.000178", "ten_thu_tuc": "Giải quyết khiếu nại", "ten_thu_tuc": "a\u0000b"}`, "ten_thu_tuc (name): contains a NUL character"},
	} {
		rec, err := Parse([]byte(tt.line))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse: %v, want an error with %q", err, tt.want)
		}
		if rec.Procedure.Code != "1.000178" {
			t.Errorf("the rejected record's code is %q, want it kept for the report", rec.Procedure.Code)
		}
	}
	// A huge code is shortened in the message.
	_, err := Parse([]byte(`{"ma_thu_tuc": "` + long + `", "ten_thu_tuc": "a"}`))
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("Parse of a 200,000-character code: error of %d bytes, want a short one", len(err.Error()))
	}
}

// Made up: control characters in a rejected record cannot reach the
// terminal or forge another report line.
func TestRejectEscapesControlCharacters(t *testing.T) {
	r := Reject{Line: 7, Code: "1.0\x1b[31m01\nline 8: rejected", Reason: "missing name\r\u202eevil\u2028x\x00"}
	got := r.String()
	if strings.ContainsAny(got, "\x1b\n\r\u202e\u2028\x00") {
		t.Fatalf("Reject.String() = %q keeps control characters", got)
	}
	want := `line 7: rejected 1.0\x1b[31m01\nline 8: rejected: missing name\r\u202eevil\u2028x\x00`
	if got != want {
		t.Errorf("Reject.String() =\n %s\nwant\n %s", got, want)
	}
	if got := (Reject{Line: 2, Code: "1.000080", Reason: "tên thủ tục"}).String(); got != "line 2: rejected 1.000080: tên thủ tục" {
		t.Errorf("Vietnamese is not escaped: %s", got)
	}
}
