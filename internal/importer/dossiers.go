package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"tthc/internal/report"
)

// DossierColumns are the columns of a dossier statistics CSV file, in
// this order, with this header line.
var DossierColumns = []string{"unit_code", "procedure_code", "period", "received", "received_online", "resolved_on_time", "resolved_late", "pending"}

// DossierStore is where dossier statistics go.
type DossierStore interface {
	// ResolveCodes maps unit and procedure codes to ids; unknown codes
	// are absent from the maps.
	ResolveCodes(ctx context.Context, unitCodes, procedureCodes []string) (units, procedures map[string]int64, err error)
	// SaveDossierStats upserts rows by unit, procedure and period.
	SaveDossierStats(ctx context.Context, rows []report.DossierStat) error
}

// DossierSummary is what a dossier import did.
type DossierSummary struct {
	Read, Saved, Rejected int
	Rejects               []Reject
}

func (s DossierSummary) String() string {
	return fmt.Sprintf("read %d, saved %d, rejected %d", s.Read, s.Saved, s.Rejected)
}

// dossierBatch is how many rows are resolved and written at once.
const dossierBatch = 5000

type dossierRow struct {
	line                    int
	unitCode, procedureCode string
	stat                    report.DossierStat
}

// LoadDossiers imports dossier statistics from CSV (UTF-8, an optional
// BOM, the header DossierColumns). A bad row is rejected with its line
// number and the others are saved; a repeated row (same unit, procedure
// and month) replaces the earlier one.
func LoadDossiers(ctx context.Context, r io.Reader, store DossierStore) (DossierSummary, error) {
	var s DossierSummary
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return s, fmt.Errorf("read header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if strings.Join(header, ",") != strings.Join(DossierColumns, ",") {
		return s, fmt.Errorf("header must be %q", strings.Join(DossierColumns, ","))
	}
	var batch []dossierRow
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		saved, rejects, err := saveDossierBatch(ctx, store, batch)
		s.Saved += saved
		s.Rejected += len(rejects)
		s.Rejects = append(s.Rejects, rejects...)
		batch = batch[:0]
		return err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			s.Read++
			s.Rejected++
			s.Rejects = append(s.Rejects, Reject{Line: parseErr.Line, Reason: parseErr.Err.Error()})
			continue
		}
		if err != nil {
			return s, err
		}
		s.Read++
		row, err := parseDossierRow(rec)
		if err != nil {
			s.Rejected++
			s.Rejects = append(s.Rejects, Reject{Line: line, Code: rec[0], Reason: err.Error()})
			continue
		}
		row.line = line
		batch = append(batch, row)
		if len(batch) == dossierBatch {
			if err := flush(); err != nil {
				return s, err
			}
		}
	}
	return s, flush()
}

// parseDossierRow checks one record's fields.
func parseDossierRow(rec []string) (dossierRow, error) {
	var row dossierRow
	if len(rec) != len(DossierColumns) {
		return row, fmt.Errorf("want %d fields, got %d", len(DossierColumns), len(rec))
	}
	row.unitCode, row.procedureCode = strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
	if row.unitCode == "" || row.procedureCode == "" {
		return row, errors.New("unit_code and procedure_code are required")
	}
	period, err := time.Parse("2006-01", strings.TrimSpace(rec[2]))
	if err != nil {
		return row, fmt.Errorf("period must be YYYY-MM, got %q", rec[2])
	}
	row.stat.Period = period
	counts := []*int{&row.stat.Received, &row.stat.ReceivedOnline, &row.stat.ResolvedOnTime, &row.stat.ResolvedLate, &row.stat.Pending}
	for i, dst := range counts {
		n, err := strconv.Atoi(strings.TrimSpace(rec[3+i]))
		if err != nil || n < 0 {
			return row, fmt.Errorf("%s must be a whole number ≥ 0, got %q", DossierColumns[3+i], rec[3+i])
		}
		*dst = n
	}
	if row.stat.ReceivedOnline > row.stat.Received {
		return row, errors.New("received_online is more than received")
	}
	return row, nil
}

// saveDossierBatch resolves the codes of a batch, rejects the rows whose
// codes are unknown, and saves the rest.
func saveDossierBatch(ctx context.Context, store DossierStore, batch []dossierRow) (int, []Reject, error) {
	var unitCodes, procCodes []string
	for _, r := range batch {
		unitCodes = append(unitCodes, r.unitCode)
		procCodes = append(procCodes, r.procedureCode)
	}
	units, procs, err := store.ResolveCodes(ctx, unitCodes, procCodes)
	if err != nil {
		return 0, nil, err
	}
	var rejects []Reject
	type key struct {
		unit, proc int64
		period     time.Time
	}
	index := map[key]int{}
	var rows []report.DossierStat
	for _, r := range batch {
		unitID, okU := units[r.unitCode]
		procID, okP := procs[r.procedureCode]
		switch {
		case !okU:
			rejects = append(rejects, Reject{Line: r.line, Code: r.unitCode, Reason: "unknown unit_code " + r.unitCode})
			continue
		case !okP:
			rejects = append(rejects, Reject{Line: r.line, Code: r.procedureCode, Reason: "unknown procedure_code " + r.procedureCode})
			continue
		}
		st := r.stat
		st.UnitID, st.ProcedureID = unitID, procID
		k := key{unitID, procID, st.Period}
		if i, dup := index[k]; dup {
			rows[i] = st // the later row wins, as it would in a second import
			continue
		}
		index[k] = len(rows)
		rows = append(rows, st)
	}
	if err := store.SaveDossierStats(ctx, rows); err != nil {
		return 0, rejects, err
	}
	return len(rows), rejects, nil
}
