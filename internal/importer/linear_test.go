package importer

import (
	"strings"
	"testing"
	"time"
)

// TestParsersStayLinear feeds each parser fields as long as a record may
// hold (MaxRawTextLen) built to defeat it: thousands of symbols glued
// together or quoting one number, runs of capitals, digits, slashes and
// unclosed notes. Each once took seconds to minutes; each must now take
// a fraction of the budget, which leaves room for a loaded machine.
func TestParsersStayLinear(t *testing.T) {
	const budget = 5 * time.Second
	run := func(name string, parse func()) {
		t.Helper()
		start := time.Now()
		parse()
		if d := time.Since(start); d > budget {
			t.Errorf("%s took %v, more than %v", name, d, budget)
		}
	}
	for name, in := range map[string]string{
		"capitals glued to a code":  "1/2020/TT-" + strings.Repeat("B", 20000) + " QUY",
		"syllables glued to a code": "1/2020/TT-" + strings.Repeat("BÁ", 10000),
		"one title quoting symbols": strings.Repeat("Luật 1/2020/QH14 x ", 5000),
		"symbols glued together":    strings.Repeat("1/2020/QH14", 5000),
		"same number, other years":  strings.Repeat("1/2020/QH141/2021/QH14", 4000),
		"digits before a symbol":    "năm " + strings.Repeat("1", 20000) + "/2020/QH14",
		"slashes":                   strings.Repeat("1/", 20000),
		"hyphens":                   strings.Repeat("1-AB", 10000),
		"dates":                     strings.Repeat("ngày 1/1/2020 ", 5000),
		"bare number cells":         strings.Repeat("Luật 1/2020/QH14 x 12Ab", 3000),
		"code parts":                "1/2020/TT-" + strings.Repeat("AB-", 10000),
		"opener after long spaces":  strings.Repeat(" ", 50000) + strings.Repeat("Luật số 1/2020/QH14 ", 5000),
	} {
		run("legal basis: "+name, func() { parseLegalBasis(legalHeader+in, nil, nil) })
	}
	for name, in := range map[string]string{
		"unclosed parentheses": "Miễn phí" + strings.Repeat("(", 20000),
		"many notes":           "Miễn phí" + strings.Repeat("(1.000 đồng)", 5000),
		"list markers":         "Miễn phí(a" + strings.Repeat(" b)", 20000),
	} {
		run("fee: "+name, func() { parseFee(in, nil) })
	}
	run("channels: many rows", func() { parseChannels(channelHeader+strings.Repeat("Trực tiếp1Miễn phí(", 5000), nil) })
	run("documents: many rows", func() { parseDocuments(documentHeader+strings.Repeat("Tờ khai1 bản chính", 5000), nil) })
	run("documents: long form name", func() {
		parseDocuments(documentHeader+strings.Repeat("aB.", 10000)+".docx1 bản chính", nil)
	})
}
