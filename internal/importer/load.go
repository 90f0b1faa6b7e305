package importer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// Store is where the importer writes procedures.
type Store interface {
	SaveProcedure(ctx context.Context, dr catalog.ProcedureDraft, hash string) (catalog.Outcome, error)
}

// Reject is a record the importer skipped, and why.
type Reject struct {
	Line   int
	Code   string
	Reason string
}

// String is the line a person reads: the record's code shortened and
// both code and reason with their control characters escaped, so a
// hostile record cannot rewrite the terminal or forge report lines.
func (r Reject) String() string {
	code := ""
	if r.Code != "" {
		code = " " + escapeControls(shorten(r.Code, 60))
	}
	return fmt.Sprintf("line %d: rejected%s: %s", r.Line, code, escapeControls(r.Reason))
}

// Summary is what an import did.
type Summary struct {
	Read, Inserted, Updated, Unchanged, Rejected int
	Rejects                                      []Reject
	// Warnings of the records that went in, in file order.
	Warnings []LineWarning
}

func (s Summary) String() string {
	return fmt.Sprintf("read %d, inserted %d, updated %d, unchanged %d, rejected %d (%d parse warnings)",
		s.Read, s.Inserted, s.Updated, s.Unchanged, s.Rejected, len(s.Warnings))
}

// maxLine bounds one record; the largest real record is well under 1 MiB.
const maxLine = 16 << 20

// Load imports portal records, one JSON object a line, from r. A record that
// cannot be parsed or stored is rejected with its line number and the rest
// go on; Load fails only when the store itself fails (the database is
// gone, the context ends). progress, if not nil, receives a line now and
// then on large inputs.
func Load(ctx context.Context, r io.Reader, store Store, progress io.Writer) (Summary, error) {
	var s Summary
	br := bufio.NewReaderSize(r, 1<<20)
	last := time.Now()
	for line := 1; ; line++ {
		b, err := readLine(br)
		if err == io.EOF {
			break
		}
		if line == 1 {
			// Editors on Windows start UTF-8 files with a byte order mark.
			b = bytes.TrimPrefix(b, utf8BOM)
		}
		reject := func(code, reason string) {
			s.Rejected++
			s.Rejects = append(s.Rejects, Reject{Line: line, Code: code, Reason: reason})
		}
		if errors.Is(err, errTooLong) {
			s.Read++
			reject("", err.Error())
			continue
		}
		if err != nil {
			return s, fmt.Errorf("line %d: %w", line, err)
		}
		if len(b) == 0 {
			continue
		}
		s.Read++
		rec, err := Parse(b)
		if err != nil {
			reject(rec.Procedure.Code, err.Error())
			continue
		}
		draft := rec.Draft()
		outcome, err := store.SaveProcedure(ctx, draft, Hash(draft))
		if err != nil {
			if errs.KindOf(err) == errs.Invalid {
				reject(rec.Procedure.Code, err.Error())
				continue
			}
			return s, fmt.Errorf("line %d (%s): %w", line, rec.Procedure.Code, err)
		}
		for _, w := range rec.Warnings {
			s.Warnings = append(s.Warnings, LineWarning{Line: line, Code: rec.Procedure.Code, Warning: w})
		}
		switch outcome {
		case catalog.Inserted:
			s.Inserted++
		case catalog.Updated:
			s.Updated++
		case catalog.Unchanged:
			s.Unchanged++
		}
		if progress != nil && time.Since(last) > 2*time.Second {
			fmt.Fprintf(progress, "import: %d records so far (%s)\n", s.Read, s)
			last = time.Now()
		}
	}
	return s, nil
}

var errTooLong = fmt.Errorf("record longer than %d bytes", maxLine)

var utf8BOM = []byte("\ufeff")

// readLine returns the next line without its newline, or io.EOF. A line
// over maxLine is read to its end and reported as errTooLong.
func readLine(br *bufio.Reader) ([]byte, error) {
	var out []byte
	tooLong := false
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			if err == io.EOF && (len(out) > 0 || tooLong) {
				break
			}
			return nil, err
		}
		if !tooLong {
			out = append(out, chunk...)
			if len(out) > maxLine {
				tooLong, out = true, nil
			}
		}
		if !isPrefix {
			break
		}
	}
	if tooLong {
		return nil, errTooLong
	}
	return out, nil
}

// Draft returns the record as the catalog stores it.
func (r Record) Draft() catalog.ProcedureDraft {
	return catalog.ProcedureDraft{
		Procedure:  r.Procedure,
		Sector:     r.Sector,
		Levels:     r.Levels,
		Agencies:   r.Agencies,
		Channels:   r.Channels,
		Documents:  r.Documents,
		LegalBasis: r.LegalBasis,
	}
}

// Hash is a digest of everything a draft would store, so an import can
// tell an unchanged record without comparing it field by field.
func Hash(dr catalog.ProcedureDraft) string {
	b, _ := json.Marshal(dr) // cannot fail: plain data
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
