package catalog

import "testing"

func TestLegalTypeFromNumber(t *testing.T) {
	tests := []struct{ number, typ, issuer string }{
		{"23/2023/QH15", "LAW", "Quốc hội"},
		{"120/2025/NĐ-CP", "DECREE", "CP"},
		{"04/2015/TT-BCA", "CIRCULAR", "BCA"},
		{"66.7/2025/NQ-CP", "RESOLUTION", "CP"},
		{"163/QĐ-BTP", "DECISION", "BTP"},
		{"10/2014/TTLT-BTP-BCA", "JOINT_CIRCULAR", "BTP-BCA"},
		{"QĐ/0001-BCA", "", "BCA"},
		{"no-slash", "", ""},
	}
	for _, tt := range tests {
		typ, issuer := LegalTypeFromNumber(tt.number)
		if typ != tt.typ || issuer != tt.issuer {
			t.Errorf("LegalTypeFromNumber(%q) = %q, %q; want %q, %q", tt.number, typ, issuer, tt.typ, tt.issuer)
		}
	}
}
