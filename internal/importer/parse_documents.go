package importer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"tthc/internal/catalog"
)

// documentHeader is the flattened header of a dossier table. A record may
// hold several tables, each under a heading such as "* Giấy tờ phải nộp:".
const documentHeader = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"

// quantityCell is the last cell of a dossier row: "1 bản chính" or
// "0 bản chính,1 bản sao". The portal prints single-digit counts without a
// leading zero; names often contain "01 bản chính" or "02 bản sao" too.
var quantityCell = regexp.MustCompile(`(\d) bản chính(?:,(\d) bản sao)?`)

// parseDocuments reads thanh_phan_ho_so into dossier documents.
func parseDocuments(s string, w *warnings) []catalog.Document {
	s = strings.TrimSpace(s)
	if s == "" || s == noInfo {
		return nil
	}
	if !strings.Contains(s, documentHeader) {
		w.add(DocumentNoTable, snippet(s))
		return nil
	}
	tables := strings.Split(s, documentHeader)
	heading := cleanHeading(tables[0])
	var out []catalog.Document
	for i, body := range tables[1:] {
		rows, tail := splitDocumentRows(body)
		for _, row := range rows {
			doc, ok := parseDocumentRow(row, w)
			if !ok {
				continue
			}
			doc.Group = heading
			out = append(out, doc)
		}
		// What follows the last row heads the next table; after the last
		// table it is a note or a row the portal left without a quantity.
		if i+2 < len(tables) {
			heading = cleanHeading(tail)
		} else if t := cleanHeading(tail); strings.Trim(t, ",;:.) ") != "" {
			w.add(DocumentTextAfterLastRow, snippet(t))
		}
	}
	return out
}

// documentRow is the text of one row up to its quantity cell, and the cell.
type documentRow struct {
	text      string
	quantity  string
	originals string
	copies    string
}

// splitDocumentRows cuts a table body at its quantity cells and returns the
// rows and the text after the last one.
func splitDocumentRows(body string) ([]documentRow, string) {
	var rows []documentRow
	start := 0
	for _, loc := range quantityCell.FindAllStringSubmatchIndex(body, -1) {
		if !isQuantityCell(body, loc[0], loc[1]) {
			continue
		}
		row := documentRow{
			text:      body[start:loc[0]],
			quantity:  body[loc[0]:loc[1]],
			originals: body[loc[2]:loc[3]],
		}
		if loc[4] >= 0 {
			row.copies = body[loc[4]:loc[5]]
		}
		rows = append(rows, row)
		start = loc[1]
	}
	return rows, body[start:]
}

// isQuantityCell tells a quantity cell from the same words inside a name.
// Cells are glued to the name before them and to the next row after them;
// inside a name the words stand between spaces, follow "(" or carry a
// leading zero ("nộp 01 bản chính;", "(01 bản chính)").
func isQuantityCell(body string, start, end int) bool {
	if start > 0 {
		prev, _ := utf8.DecodeLastRuneInString(body[:start])
		if prev == '(' || (unicode.IsSpace(prev) && prev != '\t') {
			return false
		}
		if prev == '0' {
			before, _ := utf8.DecodeLastRuneInString(body[:start-1])
			if start-1 == 0 || !unicode.IsDigit(before) {
				return false
			}
		}
	}
	if end < len(body) {
		next, _ := utf8.DecodeRuneInString(body[end:])
		if next == ' ' {
			return false
		}
		// "(01 bản chính)" inside a name; a stray ")", ";" or "," after a
		// cell glued to its name ("Đơn đề nghị1 bản chính;Tờ khai..."), or
		// after the table's last cell, is no reason to lose its row.
		if strings.ContainsRune(",;:)", next) {
			rest := strings.TrimLeft(body[end:], ",;:)")
			after, _ := utf8.DecodeRuneInString(rest)
			prev, _ := utf8.DecodeLastRuneInString(body[:start])
			if strings.Trim(rest, ",;:). \t\n") != "" && !(unicode.IsLetter(prev) && unicode.IsUpper(after)) {
				return false
			}
		}
	}
	return true
}

// parseDocumentRow splits a row into name and form file names.
func parseDocumentRow(row documentRow, w *warnings) (catalog.Document, bool) {
	doc := catalog.Document{Quantity: row.quantity}
	if n, err := strconv.Atoi(row.originals); err == nil {
		doc.Originals = &n
	}
	if row.copies != "" {
		if n, err := strconv.Atoi(row.copies); err == nil {
			doc.Copies = &n
		}
	}
	name, forms := splitNameAndForms(row.text)
	// A stray ";" or ")" after the previous cell starts the text.
	doc.Name = strings.TrimSpace(strings.Trim(strings.TrimLeft(collapseSpaces(name), ",;:) "), "-"))
	doc.Form = strings.Join(forms, "; ")
	if doc.Name == "" && doc.Form == "" {
		w.add(DocumentRowWithoutName, quote(row.quantity))
		return doc, false
	}
	if doc.Name == "" {
		// Only a file name: the portal put the form in the name cell.
		doc.Name = doc.Form
	}
	return doc, true
}

// formFile matches the extension that ends a form file name.
var formFile = regexp.MustCompile(`(?i)\.(docx|doc|pdf|xlsx|xls|rtf|odt|zip|rar)`)

// splitNameAndForms separates a row's name from the form files glued after
// it ("... (NA20).Mau NA20-BCA.docx"). A row may carry several forms
// ("Mẫu TP-TSCC-01a.docxMẫu TP-TSCC-01b.docx").
func splitNameAndForms(text string) (string, []string) {
	text = strings.TrimSpace(text)
	var locs [][]int
	for _, loc := range formFile.FindAllStringIndex(text, -1) {
		// ".doc" in ".Document" is no extension.
		if next, _ := utf8.DecodeRuneInString(text[loc[1]:]); loc[1] < len(text) && unicode.IsLower(next) {
			continue
		}
		locs = append(locs, loc)
	}
	if len(locs) == 0 || locs[len(locs)-1][1] != len(text) {
		return text, nil
	}
	start := formStart(text[:locs[0][0]])
	if start < 0 {
		// No boundary found: keep the whole row as the name rather than guess.
		return text, nil
	}
	var forms []string
	from := start
	for _, loc := range locs {
		if f := collapseSpaces(text[from:loc[1]]); f != "" {
			forms = append(forms, f)
		}
		from = loc[1]
	}
	return text[:start], forms
}

// formKeywords begin most form file names.
var formKeywords = []string{"Mẫu", "mẫu", "MẪU", "Mau", "Phụ lục", "PHỤ LỤC", "Phu luc", "Biểu mẫu"}

// formStart finds where the first form file name begins in pre, the row text
// before the first extension. It returns -1 when it finds no boundary.
func formStart(pre string) int {
	// 1. A form keyword glued to the name: "...(NA20).Mau NA20-BCA",
	// "...trọng tàiMẫu số 13". A number glued in front belongs to the file
	// name ("12-Mẫu NA14").
	best := -1
	for _, kw := range formKeywords {
		for from := 0; ; {
			i := strings.Index(pre[from:], kw)
			if i < 0 {
				break
			}
			i += from
			from = i + len(kw)
			if i == 0 || i <= best {
				continue
			}
			prev, _ := utf8.DecodeLastRuneInString(pre[:i])
			if unicode.IsSpace(prev) || strings.ContainsRune("(\"“'", prev) {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(pre[from:]); from < len(pre) && unicode.IsLower(next) {
				continue // a longer word, not the keyword
			}
			best = i
		}
	}
	if best > 0 {
		start := best
		for start > 0 {
			prev, size := utf8.DecodeLastRuneInString(pre[:start])
			if !unicode.IsDigit(prev) && prev != '-' && prev != '_' {
				break
			}
			start -= size
		}
		before, _ := utf8.DecodeLastRuneInString(pre[:start])
		switch {
		case start == best:
		case unicode.IsUpper(before) || unicode.IsDigit(before) ||
			unicode.IsLetter(before) && strings.ContainsRune("-_", rune(pre[start])):
			// The digits end the name's own code: "theo Mẫu TP-
			// QTV-04" + "Mẫu TP-QTV-04.docx". After a word in small
			// letters they start the file name: "...Công an nhân
			// dân" + "32-Mẫu số 01-Đơn ký kết LĐHĐ CAND.doc".
			start = best
		case unicode.IsSpace(before) && !unicode.IsDigit(lastRune(pre[:best])):
			// "cấp lại -Mẫu 85 ...": a dash inside the file name, not
			// a glue; look for the boundary elsewhere.
			start = 0
		}
		if start > 0 {
			return start
		}
	}

	// 2. The file name is glued to the name's last word, after punctuation
	// ("...bằng văn bản.1.MuCT01banhnhkm") or as a capital after a small
	// letter ("...theo mẫuTK 2.001234", "...dự án đầu tưI.1.10"), which
	// does not happen inside Vietnamese words. A code may hold a space
	// ("TK 2.001234"): a last word that starts with a digit or "(" belongs
	// with the one before it.
	if i := firstGlue(pre, lastWordStart(pre)); i > 0 {
		return i
	}
	// 3. Otherwise the last glue point in the row ("...Chính phủ.Đơn trình
	// báo mất thẻ ABTC (mẫu TK07)").
	if i := lastGlue(pre); i > 0 {
		return i
	}
	return -1
}

// isGlue reports whether a name ends and a file name starts at byte i of s:
// sentence punctuation directly followed by a letter or digit, or a
// capital directly after a small letter.
func isGlue(s string, i int) bool {
	if i <= 0 || i >= len(s) {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i:])
	return strings.ContainsRune(".);:”", prev) && (unicode.IsLetter(next) || unicode.IsDigit(next)) ||
		unicode.IsLower(prev) && unicode.IsUpper(next)
}

// lastWordStart returns where the last word of s starts, taking in up to
// two words before it while the word starts with a digit or "(".
func lastWordStart(s string) int {
	start := strings.LastIndexFunc(s, unicode.IsSpace) + 1
	for k := 0; k < 2 && start > 0; k++ {
		r, _ := utf8.DecodeRuneInString(s[start:])
		if !unicode.IsDigit(r) && r != '(' {
			break
		}
		start = strings.LastIndexFunc(strings.TrimRightFunc(s[:start], unicode.IsSpace), unicode.IsSpace) + 1
	}
	return start
}

func firstGlue(s string, from int) int {
	for i := range s[from:] {
		if isGlue(s, from+i) {
			return from + i
		}
	}
	return -1
}

func lastGlue(s string) int {
	last := -1
	for i := range s {
		if isGlue(s, i) {
			last = i
		}
	}
	return last
}

// cleanHeading tidies the text between tables. The portal puts "--" where a
// table has no heading.
func cleanHeading(s string) string {
	s = collapseSpaces(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "--"), "--"))
	if s == noInfo {
		return ""
	}
	return s
}
