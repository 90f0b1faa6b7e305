package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"tthc/internal/catalog"
)

// Fuzz targets, one for each parser of the importer. Each runs its seed
// corpus (the f.Add calls and testdata/fuzz/<target>) as an ordinary test
// in `make test`; `make fuzz` mutates them for longer. A target checks
// that the parser neither panics nor hangs, and that what it returns is
// what the catalog can store: the properties below hold for any input.

// seedRecords adds the gold records' fields to a target, so that the
// fuzzer starts from real portal text.
func seedRecords(f *testing.F, field func(PortalRecord) string) {
	f.Helper()
	for _, line := range readGoldRecords(f)[:40] {
		var pr PortalRecord
		if err := json.Unmarshal(line, &pr); err != nil {
			f.Fatal(err)
		}
		f.Add(field(pr))
	}
}

func FuzzParse(f *testing.F) {
	for _, line := range readGoldRecords(f)[:20] {
		f.Add(line)
	}
	f.Add([]byte(`{"ma_thu_tuc": "1.000080", "ten_thu_tuc": "Đăng ký", "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bản60/2014/QH13"}`))
	f.Add([]byte(`{"ma_thu_tuc": "1.0", "ten_thu_tuc": "a\u0000b"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		rec, err := Parse(line)
		if err != nil {
			return
		}
		if !codePattern.MatchString(rec.Procedure.Code) || rec.Procedure.Name == "" {
			t.Fatalf("accepted code %q, name %q", rec.Procedure.Code, rec.Procedure.Name)
		}
		if err := rec.Draft().Validate(); err != nil {
			t.Fatalf("an accepted record breaks the limits: %v", err)
		}
		checkLegalRefs(t, rec.LegalBasis)
		checkChannels(t, rec.Channels)
		checkDocuments(t, rec.Documents)
		for _, w := range rec.Warnings {
			if categoryField[w.Category] == "" || !utf8.ValidString(w.Fragment) {
				t.Fatalf("warning %+v", w)
			}
		}
	})
}

func FuzzParseLegalBasis(f *testing.F) {
	seedRecords(f, func(pr PortalRecord) string { return pr.LegalBasis })
	for _, s := range []string{
		legalHeader + "Luật Trồng trọt31/2018/QH1412/2024/TT-BNNMTThông tư hướng dẫn12/2024/TT-BNNMT",
		legalHeader + "Nghị quyết tại Kỳ họp thứ 325/2021/QĐ-TTgLuật Đất đai năm 2024.15/2025/TT-BNNMT",
		legalHeader + "Nghị định số 52/2024/NĐ- CP52/2024/NĐ- CPKết luận13-TB/TW73-CP",
		legalHeader + "x/2020/QH1/2/3//4--5/ - /2025/TT- -(X1)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		refs := parseLegalBasis(s, nil, nil)
		checkLegalRefs(t, refs)
		if again := parseLegalBasis(s, nil, nil); !reflect.DeepEqual(refs, again) {
			t.Fatalf("two parses differ: %v, %v", refs, again)
		}
	})
}

func FuzzParseChannels(f *testing.F) {
	seedRecords(f, func(pr PortalRecord) string { return pr.Channels })
	f.Add(channelHeader + "Trực tuyến1250 VNĐTrực tiếp5 Ngày làm việcMiễn phí(a) x: 1.000 đồng; b) y)")
	f.Fuzz(func(t *testing.T, s string) {
		checkChannels(t, parseChannels(s, nil))
	})
}

func FuzzParseFee(f *testing.F) {
	for _, s := range []string{
		"Miễn phí", "Miễn phí(Không quy định)", "Không thu phí, lệ phí(Không)",
		"Miễn phí(20.000.000 đồng/lần)", "145 VNĐ(Thẻ tạm trú: 145 USD/thẻ.)",
		"50,000 Việt Nam Đồng(- 50.000đ/tem (Thông tư). - 25.000đ/tem (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chín)+ Trực tiếp",
		"Miễn phí(a) x: 30.000.000 đồng; b) y: 5.000.000 đồng.)- Đối với", "100 VNĐ(", "2,000 Việt Nam Đồng(/trang)",
		"Miễn phí((1) Chấp thuận: Không có.)(1) Chấp thuận: 30 ngày",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fee, n, ok := parseFee(s, nil)
		if !ok {
			return
		}
		if n < 0 || n > len(s) {
			t.Fatalf("read %d bytes of %d", n, len(s))
		}
		checkFee(t, fee)
	})
}

func FuzzParseDocuments(f *testing.F) {
	seedRecords(f, func(pr PortalRecord) string { return pr.Documents })
	f.Add(documentHeader + "Tờ khai theo mẫuTK 2.001234.docx1 bản chính;Đơn1 bản chính,0 bản chính,1 bản sao)")
	f.Fuzz(func(t *testing.T, s string) {
		checkDocuments(t, parseDocuments(s, nil))
	})
}

func FuzzParseResult(f *testing.F) {
	seedRecords(f, func(pr PortalRecord) string { return pr.Result })
	f.Add("Giấy phépMã: KQ.G01.000074Văn bản từ chốiMã: Từ khóa")
	f.Fuzz(func(t *testing.T, s string) {
		result, codes := parseResult(s, nil)
		if !utf8.ValidString(result) && utf8.ValidString(s) {
			t.Fatalf("result %q is not UTF-8", result)
		}
		for _, c := range codes {
			if c == "" || strings.ContainsFunc(c, unicode.IsSpace) {
				t.Fatalf("result code %q", c)
			}
		}
	})
}

func FuzzParseLists(f *testing.F) {
	seedRecords(f, func(pr PortalRecord) string { return pr.ExecutingAgency })
	f.Add("Cấp bộ, Cấp Tỉnh, Cấp thôn")
	f.Add("Tổ chức (không bao gồm doanh nghiệp, HTX), Cán bộ, công chức")
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range parseLevels(s, nil) {
			if l == "" {
				t.Fatal("empty level")
			}
		}
		for _, list := range [][]string{parseAudiences(s), parseAgencies(s, nil)} {
			for _, item := range list {
				if item == "" || item != strings.TrimSpace(item) {
					t.Fatalf("item %q", item)
				}
			}
		}
	})
}

// FuzzReadLines feeds the JSONL reader: every line comes back whole, in
// order, a line over maxLine as errTooLong, and nothing else is lost.
func FuzzReadLines(f *testing.F) {
	f.Add([]byte("\ufeff{}\n\n{\"a\":1}\r\nx"))
	f.Add([]byte("no newline at the end"))
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(data), 16)
		var got [][]byte
		for {
			line, err := readLine(br)
			if err == io.EOF {
				break
			}
			if err != nil && !errors.Is(err, errTooLong) {
				t.Fatal(err)
			}
			got = append(got, line)
		}
		want := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		if len(data) == 0 {
			want = nil
		}
		if len(got) != len(want) {
			t.Fatalf("%d lines, want %d", len(got), len(want))
		}
		for i := range want {
			// "\r\n" ends a line; a "\r" at the very end stays.
			if i < len(want)-1 || bytes.HasSuffix(data, []byte("\n")) {
				want[i] = bytes.TrimSuffix(want[i], []byte("\r"))
			}
			if !bytes.Equal(want[i], got[i]) {
				t.Fatalf("line %d: %q, want %q", i+1, got[i], want[i])
			}
		}
	})
}

func checkLegalRefs(t *testing.T, refs []catalog.LegalRef) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range refs {
		// What the database's check on legal_documents.number requires.
		if r.Number == "" || strings.ContainsFunc(r.Number, unicode.IsSpace) || !utf8.ValidString(r.Number) {
			t.Fatalf("legal number %q", r.Number)
		}
		if !strings.ContainsAny(r.Number, "/-") {
			t.Fatalf("legal number %q is no symbol", r.Number)
		}
		if seen[r.Number] {
			t.Fatalf("legal number %q twice", r.Number)
		}
		seen[r.Number] = true
	}
}

func checkChannels(t *testing.T, channels []catalog.Channel) {
	t.Helper()
	for _, ch := range channels {
		if !ch.Kind.Valid() {
			t.Fatalf("channel kind %q", ch.Kind)
		}
		if ch.ProcessingTime != nil && !ch.ProcessingTime.Value.IsPositive() {
			t.Fatalf("processing time %s", ch.ProcessingTime.Value)
		}
		checkFee(t, ch.Fee)
	}
}

func checkFee(t *testing.T, fee catalog.Fee) {
	t.Helper()
	if fee.Amount == nil {
		if fee.Currency != "" {
			t.Fatalf("currency %q without an amount", fee.Currency)
		}
		return
	}
	if fee.Amount.IsNegative() || (fee.Currency != "VND" && fee.Currency != "USD") {
		t.Fatalf("fee %s %q", fee.Amount, fee.Currency)
	}
}

func checkDocuments(t *testing.T, docs []catalog.Document) {
	t.Helper()
	for _, d := range docs {
		if d.Name == "" || d.Quantity == "" {
			t.Fatalf("document %+v", d)
		}
		if d.Originals != nil && *d.Originals < 0 || d.Copies != nil && *d.Copies < 0 {
			t.Fatalf("document counts %+v", d)
		}
	}
}
