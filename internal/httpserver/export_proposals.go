package httpserver

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tthc/graph"
	"tthc/internal/auth"
	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/postgres"
	"tthc/internal/proposal"
	"tthc/internal/report"
)

// proposalHeaders are the columns of proposals.csv, in Vietnamese.
var proposalHeaders = []string{"Mã phương án", "Tên phương án", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực",
	"Đơn vị đề xuất", "Cấp đơn vị đề xuất", "Đơn vị thẩm định", "Trạng thái", "Nội dung đơn giản hóa",
	"Thời gian giải quyết trước (ngày làm việc)", "Thời gian giải quyết sau (ngày làm việc)",
	"Số thành phần hồ sơ trước", "Số thành phần hồ sơ sau",
	"Chi phí tuân thủ trước (đồng/năm)", "Chi phí tuân thủ sau (đồng/năm)", "Chi phí tiết kiệm (đồng/năm)",
	"Tỷ lệ cắt giảm chi phí (%)", "Cần sửa văn bản trung ương", "Văn bản thực thi",
	"Ngày tạo", "Ngày gửi", "Ngày quyết định"}

// exportProposals streams the proposals the caller may read that match
// ?filter= (the JSON of a GraphQL ProposalFilter) as CSV with Vietnamese
// headers, by ID. It takes the same bearer token as the API and scopes
// rows as the proposals query does.
func exportProposals(cfg Config) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := auth.Authenticate(r.Context(), cfg.Verifier, r.Header.Get("Authorization"))
		a, err := auth.Require(ctx, auth.Officer, auth.Reviewer, auth.Analyst)
		if err != nil {
			status := http.StatusForbidden
			if errs.KindOf(err) == errs.Unauthenticated {
				status = http.StatusUnauthorized
				w.Header().Set("WWW-Authenticate", `Bearer realm="tthc"`)
			}
			writeError(w, status, graph.ErrorCode(err), err.Error())
			return
		}
		f, err := graph.DecodeProposalFilter(r.URL.Query().Get("filter"))
		if err != nil {
			writeError(w, http.StatusBadRequest, graph.ErrorCode(err), err.Error())
			return
		}
		writeCSV(w, r, cfg.Logger, "phuong-an-don-gian-hoa.csv", proposalHeaders, func(write func([]string) error) error {
			return cfg.DB.ExportProposals(ctx, proposal.VisibilityOf(a), f, func(p postgres.ProposalExportRow) error {
				return write(proposalRecord(p))
			})
		})
	}
}

// proposalRecord is one line of proposals.csv. Numbers are written with a
// decimal point and no grouping, dates as YYYY-MM-DD in Vietnam time.
func proposalRecord(p postgres.ProposalExportRow) []string {
	kinds := make([]string, len(p.Kinds))
	for i, k := range p.Kinds {
		kinds[i] = report.KindLabels[proposal.Kind(k)]
	}
	status := report.StatusLabels[proposal.Status(p.Status)]
	percent := ""
	if pc := proposal.Percent(p.Saving, p.CostBefore); pc != nil {
		percent = pc.String()
	}
	central := "Không"
	if p.NeedsCentralChange {
		central = "Có"
	}
	return []string{graph.ProposalID(p.ID), cell(p.Title), p.ProcedureCode, cell(p.ProcedureName), cell(p.Sector),
		cell(p.ProposingUnit), cell(p.ProposingLevel), cell(p.ReviewingUnit), status, strings.Join(kinds, "; "),
		p.DaysBefore.String(), p.DaysAfter.String(), strconv.Itoa(p.DocumentsBefore), strconv.Itoa(p.DocumentsAfter),
		p.CostBefore.String(), p.CostAfter.String(), p.Saving.String(), percent, central, cell(p.ImplementedByNumber),
		date(&p.CreatedAt), date(p.SubmittedAt), date(p.DecidedAt)}
}

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(catalog.Vietnam).Format("2006-01-02")
}
