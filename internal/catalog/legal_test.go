package catalog

import (
	"reflect"
	"testing"
)

func TestLegalTypeFromNumber(t *testing.T) {
	tests := []struct{ number, typ, issuer string }{
		{"23/2023/QH15", "LAW", "Quốc hội"},
		{"05/2024/UBTVQH15", "ORDINANCE", "Ủy ban Thường vụ Quốc hội"},
		{"120/2025/NĐ-CP", "DECREE", "CP"},
		{"04/2015/TT-BCA", "CIRCULAR", "BCA"},
		{"66.7/2025/NQ-CP", "RESOLUTION", "CP"},
		{"190/2025/NQ-QH15", "RESOLUTION", "QH15"},
		{"163/QĐ-BTP", "DECISION", "BTP"},
		{"10/2014/TTLT-BTP-BCA", "JOINT_CIRCULAR", "BTP-BCA"},
		{"18/2009/TTLT/BGDĐT-BTC-BLĐTBXH", "JOINT_CIRCULAR", "BGDĐT-BTC-BLĐTBXH"},
		{"12/2025/TT-BNNMT", "CIRCULAR", "BNNMT"},
		{"01/2025/QĐ-BDTTG", "DECISION", "BDTTG"},
		{"2754/BHXH-CSXH", "", "BHXH-CSXH"},
		{"13-TB/TW", "OTHER", "TW"},
		{"18-L/CTN", "LAW", "CTN"},
		{"36-NQ/TW", "RESOLUTION", "TW"},
		{"73-CP", "", "CP"},
		{"46/2020", "", ""},
		{"no-slash", "", ""},
	}
	for _, tt := range tests {
		typ, issuer := LegalTypeFromNumber(tt.number)
		if typ != tt.typ || issuer != tt.issuer {
			t.Errorf("LegalTypeFromNumber(%q) = %q, %q; want %q, %q", tt.number, typ, issuer, tt.typ, tt.issuer)
		}
	}
}

func TestLegalNumberIssues(t *testing.T) {
	const thisYear = 2026
	tests := []struct {
		number string
		want   []LegalNumberIssue
	}{
		{"60/2014/QH13", nil},
		{"23/2023/QH15", nil},
		{"143/2025/QH15", nil},
		{"05/2024/UBTVQH15", nil},
		{"190/2025/NQ-QH15", nil},
		{"12/2025/TT-BNNMT", nil},
		{"3510/QĐ-BHXH", nil},
		{"2754/BHXH-CSXH", nil},
		{"21/2007/TT-BCA(X13)", nil},
		{"13-TB/TW", nil},
		{"18-L/CTN", nil},
		{"73-CP", nil},
		// A law of 2025 cannot belong to the 13th legislature (2011-2016).
		{"12/2025/QH13", []LegalNumberIssue{IssueYearOutsideTerm}},
		{"05/2010/UBTVQH15", []LegalNumberIssue{IssueYearOutsideTerm}},
		{"30/2019/NQ-QH15", []LegalNumberIssue{IssueYearOutsideTerm}},
		{"12/2031/TT-BTC", []LegalNumberIssue{IssueFutureYear}},
		{"52/2024/N-CP", []LegalNumberIssue{IssueUnknownType}},
		{"52/2024/NĐ", []LegalNumberIssue{IssueNoIssuer}},
		{"46/2020", []LegalNumberIssue{IssueNoType}},
		{"12/2024/BTC", []LegalNumberIssue{IssueUnknownType}},
	}
	for _, tt := range tests {
		if got := LegalNumberIssues(tt.number, thisYear); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("LegalNumberIssues(%q) = %v, want %v", tt.number, got, tt.want)
		}
	}
}
