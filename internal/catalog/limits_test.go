package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateLimits(t *testing.T) {
	ok := ProcedureDraft{
		Procedure:  Procedure{Code: "1.000080", Name: strings.Repeat("ệ", MaxNameLen)},
		Sector:     "Hộ tịch",
		Channels:   []Channel{{Kind: ChannelOnline, Fee: Fee{Text: "Miễn phí"}}},
		Documents:  []Document{{Name: "Tờ khai"}},
		LegalBasis: []LegalRef{{Number: "60/2014/QH13", Title: "Luật Hộ tịch"}},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a name of exactly %d characters (Vietnamese letters, 3 bytes each): %v", MaxNameLen, err)
	}
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name  string
		edit  func(*ProcedureDraft)
		field string
	}{
		{"name", func(d *ProcedureDraft) { d.Procedure.Name = long(200_000) }, "name"},
		{"sector", func(d *ProcedureDraft) { d.Sector = long(MaxSectorLen + 1) }, "sector"},
		{"code", func(d *ProcedureDraft) { d.Procedure.Code = "1." + strings.Repeat("0", MaxCodeLen) }, "code"},
		{"raw text", func(d *ProcedureDraft) { d.Procedure.RawText = long(MaxRawTextLen + 1) }, "rawText"},
		{"audience", func(d *ProcedureDraft) { d.Procedure.Audiences = []string{"Công dân", long(MaxAudienceLen + 1)} }, "audiences.1"},
		{"too many audiences", func(d *ProcedureDraft) { d.Procedure.Audiences = make([]string, MaxAudiences+1) }, "audiences"},
		{"agency", func(d *ProcedureDraft) { d.Agencies = []AgencyRef{{Name: long(MaxAgencyNameLen + 1)}} }, "agencies.0.name"},
		{"fee text", func(d *ProcedureDraft) { d.Channels[0].Fee.Text = long(MaxFeeTextLen + 1) }, "channels.0.feeText"},
		{"too many channels", func(d *ProcedureDraft) { d.Channels = make([]Channel, MaxChannels+1) }, "channels"},
		{"document name", func(d *ProcedureDraft) { d.Documents[0].Name = long(MaxDocumentNameLen + 1) }, "documents.0.name"},
		{"legal number", func(d *ProcedureDraft) { d.LegalBasis[0].Number = long(MaxLegalNumberLen + 1) }, "legalBasis.0.number"},
		{"legal title", func(d *ProcedureDraft) { d.LegalBasis[0].Title = long(MaxLegalTitleLen + 1) }, "legalBasis.0.title"},
		{"NUL in a name", func(d *ProcedureDraft) { d.Procedure.Name = "Đăng ký\x00 khai sinh" }, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ok
			d.Channels = append([]Channel(nil), ok.Channels...)
			d.Documents = append([]Document(nil), ok.Documents...)
			d.LegalBasis = append([]LegalRef(nil), ok.LegalBasis...)
			tt.edit(&d)
			var fe *FieldError
			if err := d.Validate(); !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("Validate() = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
}

func TestValidatePatchesUseTheSameLimits(t *testing.T) {
	name := strings.Repeat("a", MaxNameLen+1)
	channels := []Channel{{Description: strings.Repeat("a", MaxDescriptionLen+1)}}
	title := strings.Repeat("a", MaxLegalTitleLen+1)
	unitName := strings.Repeat("a", MaxUnitNameLen+1)
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"procedure name", ProcedurePatch{Name: &name}.Validate(), "name"},
		{"channel description", ProcedurePatch{Channels: &channels}.Validate(), "channels.0.description"},
		{"legal document title", LegalDocument{Number: "1/2020/TT-BTP", Title: title}.Validate(), "title"},
		{"legal document patch title", LegalDocumentPatch{Title: &title}.Validate(), "title"},
		{"unit name", Unit{Code: "40", Name: unitName}.Validate(), "name"},
		{"unit patch name", UnitPatch{Name: &unitName}.Validate(), "name"},
	}
	for _, tt := range tests {
		var fe *FieldError
		if !errors.As(tt.err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: %v, want a FieldError on %s", tt.name, tt.err, tt.field)
		}
	}
	if err := (ProcedurePatch{}).Validate(); err != nil {
		t.Errorf("an empty patch: %v", err)
	}
}
