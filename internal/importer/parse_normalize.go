package importer

import "golang.org/x/text/unicode/norm"

// About 300 portal records write some Vietnamese letters decomposed: a
// base letter followed by combining marks ("lần" as "lâ" + U+0300), while
// the rest of the data uses precomposed letters. Left alone, the same
// sector would appear under two spellings and phrases such as "bản chính"
// would not be found, so every field is put in Unicode normal form C.

// normaliseRecord composes every field of a portal record except the raw
// page text, which is kept exactly as crawled.
func normaliseRecord(pr PortalRecord) PortalRecord {
	for _, f := range []*string{
		&pr.Code, &pr.DetailURL, &pr.FormalityID, &pr.Name, &pr.DecisionNumber,
		&pr.Levels, &pr.Type, &pr.Sector, &pr.Audiences, &pr.CompetentAgency,
		&pr.ReceptionAddress, &pr.DelegatedAgency, &pr.CoordinatingAgency,
		&pr.RelatedProcedures, &pr.Steps, &pr.Channels, &pr.Documents,
		&pr.LegalBasis, &pr.ExecutingAgency, &pr.Requirements, &pr.Result,
	} {
		*f = norm.NFC.String(*f)
	}
	return pr
}
