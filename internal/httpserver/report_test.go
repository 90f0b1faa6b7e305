package httpserver_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"tthc/demo"
	"tthc/internal/auth"
	"tthc/internal/httpserver"
	"tthc/internal/postgres"
	"tthc/internal/testdb"
)

var reportSecret = []byte("report-secret-report-secret-0123")

// The callers of the reporting tests, after the demo users.
var (
	rAnalyst    = auth.Actor{Subject: "analyst", Name: "Phân tích", Roles: []auth.Role{auth.Analyst}}
	rOfficerDL  = auth.Actor{Subject: "officer.doluong", Name: "Cán bộ Đô Lương", Roles: []auth.Role{auth.Officer}, UnitCode: "40-DL"}
	rOfficerNA  = auth.Actor{Subject: "officer.nghean", Name: "Cán bộ Nghệ An", Roles: []auth.Role{auth.Officer}, UnitCode: "40"}
	rReviewerNA = auth.Actor{Subject: "reviewer.nghean", Name: "Chuyên viên Nghệ An", Roles: []auth.Role{auth.Reviewer}, UnitCode: "40"}
	rAdmin      = auth.Actor{Subject: "admin", Name: "Quản trị", Roles: []auth.Role{auth.Admin}}
)

// newReportAPI serves a fresh copy of the catalog with the demo units,
// proposals and dossier figures, accepting tokens signed with
// reportSecret.
func newReportAPI(t *testing.T) *api {
	t.Helper()
	url := testdb.Catalog(t)
	db := testdb.Open(t, url)
	ctx := context.Background()
	if err := demo.SeedProposals(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedDossiers(ctx, db); err != nil {
		t.Fatal(err)
	}
	return newTokenAPI(t, url, db)
}

func newTokenAPI(t *testing.T, url string, db *postgres.DB) *api {
	t.Helper()
	v, err := auth.NewVerifier(auth.Config{HS256Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	return newAPI(t, url, httpserver.Config{DB: db, Verifier: v})
}

func bearer(t *testing.T, a auth.Actor) string {
	t.Helper()
	tok, err := auth.Mint(auth.MintConfig{Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api",
		Subject: a.Subject, Name: a.Name, Roles: a.Roles, Unit: a.UnitCode, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

// as runs a query as actor a (nil: anonymous) that must succeed.
func (a *api) as(t *testing.T, who *auth.Actor, query string, vars map[string]any, out any) {
	t.Helper()
	var headers []string
	if who != nil {
		headers = []string{"Authorization", bearer(t, *who)}
	}
	res := a.post(t, query, vars, headers...)
	if res.Status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("query as %v failed with status %d: %s\nquery: %s\nvariables: %v", who, res.Status, res.Body, query, vars)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		t.Fatalf("decode %s: %v", res.Data, err)
	}
}

// errorCode runs a query as actor a and returns its first error code.
func (a *api) errorCode(t *testing.T, who *auth.Actor, query string, vars map[string]any) string {
	t.Helper()
	var headers []string
	if who != nil {
		headers = []string{"Authorization", bearer(t, *who)}
	}
	return a.post(t, query, vars, headers...).code()
}

type statsBucket struct {
	Group []struct {
		Dimension string  `json:"dimension"`
		Key       *string `json:"key"`
		ID        *string `json:"id"`
		Label     string  `json:"label"`
	} `json:"group"`
	Count            int             `json:"count"`
	AnnualCostBefore decimal.Decimal `json:"annualCostBefore"`
	AnnualCostAfter  decimal.Decimal `json:"annualCostAfter"`
	Saving           decimal.Decimal `json:"saving"`
	PercentCut       *string         `json:"percentCut"`
	DaysBefore       decimal.Decimal `json:"processingDaysBefore"`
	DaysAfter        decimal.Decimal `json:"processingDaysAfter"`
	AverageDaysCut   *string         `json:"averageProcessingDaysCut"`
	DocumentsRemoved int             `json:"documentsRemoved"`
}

const statsQuery = `query($f: ProposalFilter, $by: [ProposalDimension!]!) {
	proposalStats(filter: $f, groupBy: $by) {
		bucketCount bucketsOverlap
		buckets { ...m }
		totals { ...m }
	}
	proposals(filter: $f, first: 100) {
		totalCount
		nodes { cost { annualBefore annualAfter saving } before { processingDays documents } after { processingDays documents } }
	}
}
fragment m on ProposalStatsBucket {
	group { dimension key id label }
	count annualCostBefore annualCostAfter saving percentCut processingDaysBefore processingDaysAfter
	averageProcessingDaysCut documentsRemoved
}`

type statsAnswer struct {
	ProposalStats struct {
		BucketCount    int           `json:"bucketCount"`
		BucketsOverlap bool          `json:"bucketsOverlap"`
		Buckets        []statsBucket `json:"buckets"`
		Totals         statsBucket   `json:"totals"`
	} `json:"proposalStats"`
	Proposals struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			Cost struct {
				AnnualBefore decimal.Decimal `json:"annualBefore"`
				AnnualAfter  decimal.Decimal `json:"annualAfter"`
				Saving       decimal.Decimal `json:"saving"`
			} `json:"cost"`
			Before struct {
				ProcessingDays decimal.Decimal `json:"processingDays"`
				Documents      int             `json:"documents"`
			} `json:"before"`
			After struct {
				ProcessingDays decimal.Decimal `json:"processingDays"`
				Documents      int             `json:"documents"`
			} `json:"after"`
		} `json:"nodes"`
	} `json:"proposals"`
}

// TestProposalStatsAgreesWithTheList checks, through the API, that the
// totals of proposalStats are the sums of its buckets and of the values
// the proposals list shows for the same filter and caller, whoever the
// caller is.
func TestProposalStatsAgreesWithTheList(t *testing.T) {
	a := newReportAPI(t)
	dl := a.count(t, `SELECT id FROM administrative_units WHERE code = '40-DL'`)
	dlID := globalID("AdministrativeUnit:" + strconv.Itoa(dl))
	filters := []map[string]any{
		nil,
		{"statuses": []string{"APPROVED", "IMPLEMENTED"}},
		{"unitId": dlID},
		{"submitted": map[string]any{"from": "2023-12-01", "to": "2023-12-31"}},
		{"kinds": []string{"CUT_TIME"}},
		{"search": "khai sinh"},
	}
	for _, who := range []auth.Actor{rAnalyst, rOfficerDL, rOfficerNA, rReviewerNA} {
		for _, f := range filters {
			for _, by := range [][]string{{"STATUS"}, {"UNIT", "LEVEL"}, {"KIND"}, {"SECTOR", "SUBMITTED_YEAR"}, {"REVIEWING_UNIT"}} {
				var got statsAnswer
				a.as(t, &who, statsQuery, map[string]any{"f": f, "by": by}, &got)
				s, l := got.ProposalStats, got.Proposals
				what := who.Subject + " " + strings.Join(by, ",")
				if s.Totals.Count != l.TotalCount || len(l.Nodes) != l.TotalCount {
					t.Errorf("%s %v: totals count %d, the list %d (%d listed)", what, f, s.Totals.Count, l.TotalCount, len(l.Nodes))
				}
				var before, after, saving, daysBefore, daysAfter decimal.Decimal
				removed := 0
				for _, n := range l.Nodes {
					before, after, saving = before.Add(n.Cost.AnnualBefore), after.Add(n.Cost.AnnualAfter), saving.Add(n.Cost.Saving)
					daysBefore, daysAfter = daysBefore.Add(n.Before.ProcessingDays), daysAfter.Add(n.After.ProcessingDays)
					removed += n.Before.Documents - n.After.Documents
				}
				tot := s.Totals
				if !tot.AnnualCostBefore.Equal(before) || !tot.AnnualCostAfter.Equal(after) || !tot.Saving.Equal(saving) ||
					!tot.DaysBefore.Equal(daysBefore) || !tot.DaysAfter.Equal(daysAfter) || tot.DocumentsRemoved != removed {
					t.Errorf("%s %v: totals %+v, the list sums to before %s after %s saving %s days %s/%s documents removed %d",
						what, f, tot, before, after, saving, daysBefore, daysAfter, removed)
				}
				if s.BucketsOverlap != (by[0] == "KIND") || len(s.Buckets) != s.BucketCount {
					t.Errorf("%s %v: overlap %v, %d buckets of %d", what, f, s.BucketsOverlap, len(s.Buckets), s.BucketCount)
				}
				if !s.BucketsOverlap {
					var sum statsBucket
					for _, b := range s.Buckets {
						sum.Count += b.Count
						sum.AnnualCostBefore = sum.AnnualCostBefore.Add(b.AnnualCostBefore)
						sum.Saving = sum.Saving.Add(b.Saving)
						sum.DocumentsRemoved += b.DocumentsRemoved
					}
					if sum.Count != tot.Count || !sum.AnnualCostBefore.Equal(tot.AnnualCostBefore) || !sum.Saving.Equal(tot.Saving) ||
						sum.DocumentsRemoved != tot.DocumentsRemoved {
						t.Errorf("%s %v: the buckets add up to %+v, the totals are %+v", what, f, sum, tot)
					}
				}
			}
		}
	}
	// Labels are Vietnamese; unit keys are IDs the API takes back.
	var got statsAnswer
	a.as(t, &rAnalyst, statsQuery, map[string]any{"by": []string{"STATUS"}}, &got)
	labels := map[string]string{}
	for _, b := range got.ProposalStats.Buckets {
		labels[*b.Group[0].Key] = b.Group[0].Label
	}
	if labels["IMPLEMENTED"] != "Đã thực thi" || labels["DRAFT"] != "Dự thảo" {
		t.Errorf("status labels: %v", labels)
	}
	a.as(t, &rAnalyst, statsQuery, map[string]any{"by": []string{"REVIEWING_UNIT"}}, &got)
	for _, b := range got.ProposalStats.Buckets {
		if b.Group[0].ID == nil {
			continue
		}
		var node struct {
			Node struct {
				Name string `json:"name"`
			} `json:"node"`
		}
		a.as(t, nil, `query($id: ID!) { node(id: $id) { ... on AdministrativeUnit { name } } }`, map[string]any{"id": *b.Group[0].ID}, &node)
		if node.Node.Name != b.Group[0].Label {
			t.Errorf("reviewing unit %s: node name %q, label %q", *b.Group[0].ID, node.Node.Name, b.Group[0].Label)
		}
	}
	// Đô Lương's 12 proposals of the seed article, by the province above
	// the district.
	var byProvince statsAnswer
	a.as(t, &rOfficerDL, statsQuery, map[string]any{"by": []string{"UNIT"}}, &byProvince)
	if byProvince.ProposalStats.Totals.Count != 12 {
		t.Errorf("Đô Lương's officer sees %d proposals, want 12", byProvince.ProposalStats.Totals.Count)
	}
	var province struct {
		ProposalStats struct {
			Buckets []statsBucket `json:"buckets"`
		} `json:"proposalStats"`
	}
	a.as(t, &rAnalyst, `{ proposalStats(groupBy: [UNIT], unitLevel: "PROVINCE", filter: {statuses: [APPROVED, IMPLEMENTED]}) {
		buckets { group { dimension key id label } count } } }`, nil, &province)
	if b := province.ProposalStats.Buckets; len(b) == 0 || b[0].Group[0].Label != "Tỉnh Nghệ An" {
		t.Errorf("by province: %+v", b)
	}
	// Callers without the right roles.
	q := `{ proposalStats(groupBy: [STATUS]) { totals { count } } }`
	if c := a.errorCode(t, nil, q, nil); c != "UNAUTHENTICATED" {
		t.Errorf("anonymous: %q, want UNAUTHENTICATED", c)
	}
	if c := a.errorCode(t, &rAdmin, q, nil); c != "FORBIDDEN" {
		t.Errorf("admin: %q, want FORBIDDEN", c)
	}
	if c := a.errorCode(t, &rAnalyst, `{ proposalStats(groupBy: [STATUS], first: 10001) { totals { count } } }`, nil); c != "BAD_USER_INPUT" {
		t.Errorf("first 10001: %q, want BAD_USER_INPUT", c)
	}
	if c := a.errorCode(t, &rAnalyst, `{ proposalStats(groupBy: [UNIT], unitLevel: "HAMLET") { totals { count } } }`, nil); c != "BAD_USER_INPUT" {
		t.Errorf("unitLevel HAMLET: %q, want BAD_USER_INPUT", c)
	}
}

// TestReformProgressAPI checks who may see reform progress and what the
// national picture of the demo holds.
func TestReformProgressAPI(t *testing.T) {
	a := newReportAPI(t)
	na := globalID("AdministrativeUnit:" + strconv.Itoa(a.count(t, `SELECT id FROM administrative_units WHERE code = '40'`)))
	q := `query($u: ID, $y: Int!) { reformProgress(unitId: $u, year: $y) {
		unit { name } year
		cost { metric target { cutPercent baselineYear unit { name } } proceduresInScope proceduresApproved proceduresImplemented
			baseline approvedCut approvedCutPercent implementedCut implementedCutPercent targetReachedPercent approvedTargetReachedPercent }
		time { metric proceduresInScope baseline approvedCut targetReachedPercent }
		units { unit { name } progressPercent cost { proceduresInScope baseline } }
		furthestBehind(first: 1) { unit { name } }
	} }`
	type metric struct {
		Metric string `json:"metric"`
		Target *struct {
			CutPercent   string `json:"cutPercent"`
			BaselineYear int    `json:"baselineYear"`
		} `json:"target"`
		ProceduresInScope  int     `json:"proceduresInScope"`
		ProceduresApproved int     `json:"proceduresApproved"`
		Baseline           string  `json:"baseline"`
		ApprovedCut        string  `json:"approvedCut"`
		ApprovedCutPercent *string `json:"approvedCutPercent"`
	}
	var got struct {
		ReformProgress struct {
			Unit  *struct{ Name string } `json:"unit"`
			Year  int                    `json:"year"`
			Cost  metric                 `json:"cost"`
			Time  metric                 `json:"time"`
			Units []struct {
				Unit struct{ Name string } `json:"unit"`
			} `json:"units"`
			FurthestBehind []struct {
				Unit struct{ Name string } `json:"unit"`
			} `json:"furthestBehind"`
		} `json:"reformProgress"`
	}
	a.as(t, &rAnalyst, q, map[string]any{"y": 2026}, &got)
	r := got.ReformProgress
	// In the 2024–2026 window: the province's own 2025 proposals (13, 14),
	// the ministry's (15) and the new commune's (16).
	if r.Unit != nil || r.Cost.Target == nil || r.Cost.Target.CutPercent != "50" || r.Cost.Target.BaselineYear != 2024 ||
		r.Cost.ProceduresInScope != 4 || r.Cost.ProceduresApproved != 1 || r.Time.ProceduresInScope != 4 {
		t.Errorf("national 2026: %+v", r)
	}
	if len(r.FurthestBehind) != 1 || len(r.Units) < 2 {
		t.Errorf("units %+v, furthest behind %+v", r.Units, r.FurthestBehind)
	}
	a.as(t, &rOfficerNA, q, map[string]any{"u": na, "y": 2025}, &got)
	if got.ReformProgress.Unit == nil || got.ReformProgress.Unit.Name != "Tỉnh Nghệ An" || got.ReformProgress.Cost.ProceduresInScope != 3 {
		t.Errorf("Nghệ An 2025 for its officer: %+v", got.ReformProgress)
	}
	for _, c := range []struct {
		who  *auth.Actor
		unit any
		code string
	}{
		{nil, na, "UNAUTHENTICATED"},
		{&rOfficerNA, nil, "FORBIDDEN"},
		{&rOfficerDL, na, "FORBIDDEN"},
		{&rReviewerNA, na, "FORBIDDEN"},
		{&rAdmin, na, "FORBIDDEN"},
	} {
		if code := a.errorCode(t, c.who, q, map[string]any{"u": c.unit, "y": 2025}); code != c.code {
			t.Errorf("%v on %v: %q, want %s", c.who, c.unit, code, c.code)
		}
	}
	if code := a.errorCode(t, &rAnalyst, q, map[string]any{"y": 2031}); code != "BAD_USER_INPUT" {
		t.Errorf("a year without targets: %q", code)
	}
	var targets struct {
		ReformTargets []struct {
			Year   int     `json:"year"`
			Metric string  `json:"metric"`
			Cut    string  `json:"cutPercent"`
			Unit   *string `json:"unit"`
		} `json:"reformTargets"`
	}
	a.as(t, nil, `{ reformTargets { year metric cutPercent unit { name } } }`, nil, &targets)
	if len(targets.ReformTargets) != 4 || targets.ReformTargets[3].Year != 2026 || targets.ReformTargets[3].Cut != "50" {
		t.Errorf("targets: %+v", targets.ReformTargets)
	}
}

// TestDossierStatsScoping checks that dossier statistics need a token and
// show officers only their own units.
func TestDossierStatsScoping(t *testing.T) {
	a := newReportAPI(t)
	q := `{ dossierStats(groupBy: [UNIT]) { group { id label } received onTimeRate } }`
	if c := a.errorCode(t, nil, q, nil); c != "UNAUTHENTICATED" {
		t.Errorf("anonymous: %q", c)
	}
	var all, dl struct {
		DossierStats []struct {
			Group []struct {
				Label string `json:"label"`
			} `json:"group"`
			Received   int     `json:"received"`
			OnTimeRate *string `json:"onTimeRate"`
		} `json:"dossierStats"`
	}
	a.as(t, &rAnalyst, q, nil, &all)
	a.as(t, &rOfficerDL, q, nil, &dl)
	if len(all.DossierStats) != 21 || len(dl.DossierStats) != 8 {
		t.Errorf("units: %d for the analyst, %d for Đô Lương's officer; want 21 and 8", len(all.DossierStats), len(dl.DossierStats))
	}
	for _, b := range dl.DossierStats {
		if !strings.Contains("Thị trấn Đô Lương Xã Yên Sơn Xã Văn Sơn Xã Đà Sơn Xã Bồi Sơn Xã Bắc Sơn Xã Đặng Sơn Xã Tràng Sơn", b.Group[0].Label) {
			t.Errorf("Đô Lương's officer sees %s", b.Group[0].Label)
		}
	}
	want := a.count(t, `SELECT sum(received) FROM dossier_stats`)
	got := 0
	labels := map[string]int{}
	for _, b := range all.DossierStats {
		got += b.Received
		labels[b.Group[0].Label]++
	}
	if got != want {
		t.Errorf("received: %d, want %d", got, want)
	}
	// Two communes are named Xã Tân Phú (and two Xã Nghĩa Đồng): each
	// label names one unit.
	for label, n := range labels {
		if n > 1 {
			t.Errorf("%d buckets labelled %q", n, label)
		}
	}
	for _, l := range []string{"Xã Tân Phú (Huyện Tân Kỳ)", "Xã Tân Phú (Tỉnh Nghệ An)", "Thị trấn Đô Lương"} {
		if labels[l] != 1 {
			t.Errorf("no bucket labelled %q in %v", l, labels)
		}
	}
}

// TestLegalDocumentStatsAPI asks for the seed article's review of Tân
// Kỳ's legal documents: 21 expired, 14 kept in effect, 1 to amend or
// replace, 0 to repeal.
func TestLegalDocumentStatsAPI(t *testing.T) {
	a := newReportAPI(t)
	tk := globalID("AdministrativeUnit:" + strconv.Itoa(a.count(t, `SELECT id FROM administrative_units WHERE code = '40-TK'`)))
	var got struct {
		ByStatus  []legalBucket `json:"byStatus"`
		ByOutcome []legalBucket `json:"byOutcome"`
	}
	a.as(t, nil, `query($u: ID!) {
		byStatus: legalDocumentStats(filter: {reviewedByUnitId: $u}, groupBy: [STATUS]) { group { key label } count }
		byOutcome: legalDocumentStats(filter: {reviewedByUnitId: $u}, groupBy: [REVIEW_OUTCOME]) { group { key label } count }
	}`, map[string]any{"u": tk}, &got)
	counts := func(bs []legalBucket) map[string]int {
		out := map[string]int{}
		for _, b := range bs {
			k := "none"
			if b.Group[0].Key != nil {
				k = *b.Group[0].Key
			}
			out[k] = b.Count
		}
		return out
	}
	if s := counts(got.ByStatus); s["EXPIRED"] != 21 {
		t.Errorf("by status: %v, want 21 expired", s)
	}
	o := counts(got.ByOutcome)
	if o["KEEP"] != 14 || o["AMEND"]+o["REPLACE"] != 1 || o["REPEAL"] != 0 || o["NO_ACTION"] != 21 || o["none"] != 0 {
		t.Errorf("by review outcome: %v, want 14 kept, 1 to amend or replace, 0 to repeal, 21 reviewed without action", o)
	}

	// The whole catalog: the documents no review covered have a key and
	// a label, as every bucket.
	var whole struct {
		ByOutcome []legalBucket `json:"byOutcome"`
		ByUnit    []legalBucket `json:"byUnit"`
	}
	a.as(t, nil, `{
		byOutcome: legalDocumentStats(groupBy: [REVIEW_OUTCOME]) { group { key id label } count }
		byUnit: legalDocumentStats(groupBy: [UNIT]) { group { key id label } count }
	}`, nil, &whole)
	for what, buckets := range map[string][]legalBucket{"REVIEW_OUTCOME": whole.ByOutcome, "UNIT": whole.ByUnit} {
		for _, b := range buckets {
			if k := b.Group[0]; k.Key == nil && k.ID == nil || k.Label == "" {
				t.Errorf("by %s: a bucket of %d documents with key %v, id %v and label %q", what, b.Count, k.Key, k.ID, k.Label)
			}
		}
		last := buckets[len(buckets)-1].Group[0]
		if last.Key == nil || *last.Key != "NOT_REVIEWED" || last.Label != "Chưa rà soát" {
			t.Errorf("by %s: the last bucket is %v %q, want NOT_REVIEWED, Chưa rà soát", what, last.Key, last.Label)
		}
	}
	if n, want := counts(whole.ByOutcome)["NOT_REVIEWED"], a.count(t, `SELECT count(*) FROM legal_documents
		WHERE review_outcome IS NULL AND reviewed_by_unit_id IS NULL`); n != want || n == 0 {
		t.Errorf("%d documents never reviewed, want %d", n, want)
	}
}

type legalBucket struct {
	Group []struct {
		Key   *string `json:"key"`
		ID    *string `json:"id"`
		Label string  `json:"label"`
	} `json:"group"`
	Count int `json:"count"`
}

// exportCSV downloads /export/proposals.csv?filter=... as actor who.
func (a *api) exportCSV(t *testing.T, who *auth.Actor, filter string) (int, http.Header, []byte) {
	t.Helper()
	target := "/export/proposals.csv"
	if filter != "" {
		target += "?filter=" + url.QueryEscape(filter)
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if who != nil {
		req.Header.Set("Authorization", bearer(t, *who))
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

// parseExport checks the BOM and the header line and returns the rows.
func parseExport(t *testing.T, body []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no UTF-8 BOM: %q", body[:min(len(body), 20)])
	}
	r := csv.NewReader(bytes.NewReader(body[3:]))
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) == 0 || strings.Join(records[0], "|") != strings.Join([]string{"Mã phương án", "Tên phương án", "Mã thủ tục",
		"Tên thủ tục", "Lĩnh vực", "Đơn vị đề xuất", "Cấp đơn vị đề xuất", "Đơn vị thẩm định", "Trạng thái", "Nội dung đơn giản hóa",
		"Thời gian giải quyết trước (ngày làm việc)", "Thời gian giải quyết sau (ngày làm việc)", "Số thành phần hồ sơ trước",
		"Số thành phần hồ sơ sau", "Chi phí tuân thủ trước (đồng/năm)", "Chi phí tuân thủ sau (đồng/năm)",
		"Chi phí tiết kiệm (đồng/năm)", "Tỷ lệ cắt giảm chi phí (%)", "Cần sửa văn bản trung ương", "Văn bản thực thi",
		"Ngày tạo", "Ngày gửi", "Ngày quyết định"}, "|") {
		t.Fatalf("header: %q", records[0])
	}
	return records[1:]
}

// TestExportProposalsCSV checks the proposals export: the token and
// scoping of the API, the same filters, a BOM and Vietnamese text, one
// row a proposal, formulas defused.
func TestExportProposalsCSV(t *testing.T) {
	a := newReportAPI(t)
	if code, h, _ := a.exportCSV(t, nil, ""); code != http.StatusUnauthorized || h.Get("WWW-Authenticate") == "" {
		t.Errorf("anonymous: %d", code)
	}
	if code, _, _ := a.exportCSV(t, &rAdmin, ""); code != http.StatusForbidden {
		t.Errorf("admin: %d, want 403", code)
	}
	for _, bad := range []string{`{"statuses": ["NOPE"]}`, `{"unknown": 1}`, `{"submitted": {"from": "2025-13-01"}}`, `{"unitId": "x"}`} {
		if code, _, body := a.exportCSV(t, &rAnalyst, bad); code != http.StatusBadRequest {
			t.Errorf("filter %s: %d %s, want 400", bad, code, body)
		}
	}
	a.exec(t, `UPDATE proposals SET title = '=HYPERLINK("http://x")' WHERE title LIKE 'Khai tử%'`)
	filters := []string{"", `{"statuses": ["APPROVED", "IMPLEMENTED"]}`, `{"submitted": {"from": "2023-12-01", "to": "2023-12-31"}}`,
		`{"search": "khai sinh", "kinds": ["REUSE_DATA", "FULL_ONLINE"]}`}
	for _, who := range []auth.Actor{rAnalyst, rOfficerDL, rReviewerNA} {
		for _, f := range filters {
			code, h, body := a.exportCSV(t, &who, f)
			if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv; charset=utf-8") {
				t.Fatalf("%s %s: %d %s", who.Subject, f, code, h.Get("Content-Type"))
			}
			rows := parseExport(t, body)
			var vars map[string]any
			if f != "" {
				var filter map[string]any
				json.Unmarshal([]byte(f), &filter)
				vars = map[string]any{"f": filter}
			}
			var list struct {
				Proposals struct {
					TotalCount int `json:"totalCount"`
				} `json:"proposals"`
			}
			a.as(t, &who, `query($f: ProposalFilter) { proposals(filter: $f) { totalCount } }`, vars, &list)
			if len(rows) != list.Proposals.TotalCount {
				t.Errorf("%s %s: %d rows, the API counts %d", who.Subject, f, len(rows), list.Proposals.TotalCount)
			}
		}
	}
	_, _, body := a.exportCSV(t, &rAnalyst, "")
	rows := parseExport(t, body)
	found := false
	for _, r := range rows {
		if len(r) != 23 {
			t.Fatalf("row of %d fields: %q", len(r), r)
		}
		if strings.HasPrefix(r[1], "Khai sinh: khai thác Cơ sở dữ liệu quốc gia về dân cư") {
			found = true
			if r[8] != "Đã thực thi" || r[9] != "Khai thác dữ liệu thay giấy tờ; Cắt giảm thành phần hồ sơ" || r[6] != "Cấp xã" && r[6] != "Cấp huyện" ||
				r[14] != "585000000" || r[20] != "2023-12-12" || r[19] != "120/2025/NĐ-CP" {
				t.Errorf("the birth registration row: %q", r)
			}
		}
		if strings.Contains(r[1], "HYPERLINK") && r[1][0] != '\'' {
			t.Errorf("a formula is not defused: %q", r[1])
		}
	}
	if !found {
		t.Error("the birth registration proposal of Đô Lương is missing")
	}
}

// TestExportProposalsInBatches exports 20,000 generated proposals: every
// one once, in ID order, across many batches.
func TestExportProposalsInBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 20,000 proposals")
	}
	url := testdb.Small(t)
	a := newTokenAPI(t, url, testdb.Open(t, url))
	_, _, body := a.exportCSV(t, &rAnalyst, "")
	rows := parseExport(t, body)
	if want := a.count(t, `SELECT count(*) FROM proposals`); len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r[0]] {
			t.Fatalf("proposal %s twice", r[0])
		}
		seen[r[0]] = true
	}
}

// TestApplicantsDefaultFromDossiers checks that a proposal's applicants a
// year, left out, come from the dossiers its unit received for the
// procedure over the last 12 complete months.
func TestApplicantsDefaultFromDossiers(t *testing.T) {
	a := newReportAPI(t)
	// Xã Đô Lương (since the 2025 merger) is under Nghệ An, whose officer
	// proposes for it.
	unit := a.count(t, `SELECT id FROM administrative_units WHERE code = '40-X-DL'`)
	procedure := a.count(t, `SELECT min(d.procedure_id) FROM dossier_stats d WHERE d.unit_id = $1`, unit)
	want := a.count(t, `SELECT coalesce(sum(received), 0) FROM dossier_stats WHERE unit_id = $1 AND procedure_id = $2
		AND period >= (date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh') - interval '12 months')::date
		AND period < date_trunc('month', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`, unit, procedure)
	if want == 0 {
		t.Fatal("the demo has no dossiers for this unit and procedure in the last year")
	}
	params := func(applicants any) map[string]any {
		p := map[string]any{"processingDays": "5", "fee": "0", "documents": 3, "applicantHours": "4", "hourlyRate": "37500", "timesPerYear": "1"}
		if applicants != nil {
			p["applicantsPerYear"] = applicants
		}
		return p
	}
	var created struct {
		M struct {
			Proposal struct {
				ID      string `json:"id"`
				Version int    `json:"version"`
				Before  struct {
					Applicants int `json:"applicantsPerYear"`
				} `json:"before"`
				After struct {
					Applicants int `json:"applicantsPerYear"`
				} `json:"after"`
			} `json:"proposal"`
			UserErrors []struct{ Message string } `json:"userErrors"`
		} `json:"m"`
	}
	a.as(t, &rOfficerNA, `mutation($in: CreateProposalInput!) { m: createProposal(input: $in) {
		proposal { id version before { applicantsPerYear } after { applicantsPerYear } } userErrors { message } } }`,
		map[string]any{"in": map[string]any{"procedureId": globalID("Procedure:" + strconv.Itoa(procedure)),
			"unitId": globalID("AdministrativeUnit:" + strconv.Itoa(unit)), "kinds": []string{"CUT_TIME"},
			"title": "Thử số hồ sơ mặc định", "before": params(nil), "after": params(77)}}, &created)
	p := created.M.Proposal
	if len(created.M.UserErrors) > 0 || p.Before.Applicants != want || p.After.Applicants != 77 {
		t.Fatalf("created: %+v, want %d applicants before and 77 after", created.M, want)
	}
	var updated struct {
		M struct {
			Proposal struct {
				After struct {
					Applicants int `json:"applicantsPerYear"`
				} `json:"after"`
			} `json:"proposal"`
		} `json:"m"`
	}
	a.as(t, &rOfficerNA, `mutation($in: UpdateProposalInput!) { m: updateProposal(input: $in) {
		proposal { after { applicantsPerYear } } userErrors { message } } }`,
		map[string]any{"in": map[string]any{"id": p.ID, "version": p.Version, "after": params(nil)}}, &updated)
	if updated.M.Proposal.After.Applicants != want {
		t.Errorf("updated: %+v, want %d applicants after", updated.M, want)
	}
}
