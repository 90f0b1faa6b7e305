package httpserver

import (
	"encoding/csv"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"tthc/graph"
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

// writeCSV streams a CSV download named filename: a UTF-8 BOM, the
// header row, then every record that export writes with write, flushed to
// the client every thousand. Nothing is sent before the first record (or
// the end of an empty export), so an error before it, such as a database
// that is down, answers a plain error status. Once the file has begun an
// error can only cut it short, which the client sees as a broken
// download; it is logged unless the client went away.
func writeCSV(w http.ResponseWriter, r *http.Request, logger *slog.Logger, filename string, header []string,
	export func(write func(record []string) error) error) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what spreadsheets expect
	started := false
	start := func() {
		if started {
			return
		}
		started = true
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
		w.Write([]byte(utf8BOM))
		cw.Write(header)
	}
	n := 0
	err := export(func(record []string) error {
		start()
		cw.Write(record)
		if n++; n%1000 == 0 {
			cw.Flush()
		}
		return cw.Error()
	})
	if err != nil && !started {
		exportFailed(w, r, logger, filename, err)
		return
	}
	start()
	cw.Flush()
	if err != nil {
		if !errors.Is(err, r.Context().Err()) {
			logger.ErrorContext(r.Context(), "export "+filename, "rows", strconv.Itoa(n), "err", err)
		}
		panic(http.ErrAbortHandler)
	}
}

// exportFailed answers an export that failed before its first record: 503
// with Retry-After while the database is unavailable, as GraphQL requests
// are; 503 TIMEOUT when its first statement ran out of time; 500 INTERNAL
// otherwise, never with the cause.
func exportFailed(w http.ResponseWriter, r *http.Request, logger *slog.Logger, filename string, err error) {
	switch code := graph.ErrorCode(err); {
	case errors.Is(err, r.Context().Err()):
		// The client went away: nobody reads an answer.
	case code == "UNAVAILABLE":
		w.Header().Set("Retry-After", strconv.Itoa(seconds(unavailableRetry)))
		writeError(w, http.StatusServiceUnavailable, code, graph.UnavailableMessage)
	case code == "TIMEOUT":
		// Like a GraphQL request past its deadline: the server's limit,
		// not a bug, and no ERROR line.
		writeError(w, http.StatusServiceUnavailable, code, "the export's first rows took too long: narrow the filter or retry")
	default:
		logger.ErrorContext(r.Context(), "export "+filename, "err", err)
		writeError(w, http.StatusInternalServerError, "INTERNAL", "internal error")
	}
}

// procedureHeaders are the columns of thu-tuc-hanh-chinh.csv, in
// Vietnamese.
var procedureHeaders = []string{"Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Loại thủ tục", "Đối tượng thực hiện",
	"Cơ quan thực hiện", "Nộp trực tuyến", "Tình trạng", "Quyết định công bố", "Căn cứ pháp lý", "Đường dẫn"}

// exportProcedures streams the procedures matching ?filter= (the JSON of
// a GraphQL ProcedureFilter) as CSV with Vietnamese headers, in code order.
func exportProcedures(db *postgres.DB, logger *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := graph.DecodeProcedureFilter(r.URL.Query().Get("filter"))
		if err != nil {
			writeError(w, http.StatusBadRequest, graph.ErrorCode(err), err.Error())
			return
		}
		writeCSV(w, r, logger, "thu-tuc-hanh-chinh.csv", procedureHeaders, func(write func([]string) error) error {
			return db.ExportProcedures(r.Context(), f, func(p postgres.ProcedureExportRow) error {
				return write(procedureRecord(p))
			})
		})
	}
}

// procedureRecord is one line of thu-tuc-hanh-chinh.csv.
func procedureRecord(p postgres.ProcedureExportRow) []string {
	online, status := "Không", "Còn hiệu lực"
	if p.OnlineAvailable {
		online = "Có"
	}
	if p.Status == "ABOLISHED" {
		status = "Đã bãi bỏ"
	}
	return []string{cell(p.Code), cell(p.Name), cell(p.Sector), cell(p.Levels), cell(p.Type),
		cell(strings.Join(p.Audiences, ", ")), cell(p.Agencies), online, status, cell(p.DecisionNumber),
		cell(p.LegalDocuments), cell(p.SourceURL)}
}
