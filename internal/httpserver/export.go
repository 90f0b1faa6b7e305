package httpserver

import (
	"encoding/csv"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"tthc/graph"
	"tthc/internal/errs"
	"tthc/internal/postgres"
)

// utf8BOM makes Excel read the file as UTF-8; LibreOffice accepts it too.
const utf8BOM = "\ufeff"

// cell defuses text that a spreadsheet would run as a formula (CSV
// injection): a cell starting with =, +, -, @, a tab or a carriage
// return gets a leading '. Every export writes its text through it:
// names, titles and numbers of documents come from users and from the
// portal. Numbers the export formats itself (a negative saving) are
// written as they are.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportProcedures streams the procedures matching ?filter= (the JSON of
// a GraphQL ProcedureFilter) as CSV with Vietnamese headers, in code order.
func exportProcedures(db *postgres.DB, logger *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := graph.DecodeProcedureFilter(r.URL.Query().Get("filter"))
		if err != nil {
			writeError(w, http.StatusBadRequest, errs.Code(err), err.Error())
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="thu-tuc-hanh-chinh.csv"`)
		w.Write([]byte(utf8BOM))
		cw := csv.NewWriter(w)
		cw.UseCRLF = true // what spreadsheets expect
		cw.Write([]string{"Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Loại thủ tục", "Đối tượng thực hiện",
			"Cơ quan thực hiện", "Nộp trực tuyến", "Tình trạng", "Quyết định công bố", "Căn cứ pháp lý", "Đường dẫn"})
		n := 0
		err = db.ExportProcedures(r.Context(), f, func(p postgres.ProcedureExportRow) error {
			online, status := "Không", "Còn hiệu lực"
			if p.OnlineAvailable {
				online = "Có"
			}
			if p.Status == "ABOLISHED" {
				status = "Đã bãi bỏ"
			}
			cw.Write([]string{cell(p.Code), cell(p.Name), cell(p.Sector), cell(p.Levels), cell(p.Type),
				cell(strings.Join(p.Audiences, ", ")), cell(p.Agencies), online, status, cell(p.DecisionNumber),
				cell(p.LegalDocuments), cell(p.SourceURL)})
			if n++; n%1000 == 0 {
				cw.Flush()
			}
			return cw.Error()
		})
		cw.Flush()
		if err != nil {
			// The header is sent; all we can do is log and cut the file
			// short, which the client sees as a broken download.
			logger.ErrorContext(r.Context(), "export procedures", "rows", strconv.Itoa(n), "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}
