package report

import "tthc/internal/proposal"

// The Vietnamese labels that reports and exports show for coded values.
// Entities (units, sectors, procedures, agencies) and authority levels
// are labelled with their names from the database.

// StatusLabels are the names of proposal statuses.
var StatusLabels = map[proposal.Status]string{
	proposal.StatusDraft:       "Dự thảo",
	proposal.StatusSubmitted:   "Đã gửi",
	proposal.StatusUnderReview: "Đang thẩm định",
	proposal.StatusApproved:    "Đã phê duyệt",
	proposal.StatusRejected:    "Không phê duyệt",
	proposal.StatusReturned:    "Trả lại để hoàn thiện",
	proposal.StatusImplemented: "Đã thực thi",
	proposal.StatusWithdrawn:   "Đã rút",
}

// KindLabels are the names of what proposals change.
var KindLabels = map[proposal.Kind]string{
	proposal.KindAbolish:         "Bãi bỏ thủ tục",
	proposal.KindMerge:           "Hợp nhất thủ tục",
	proposal.KindReduceDocuments: "Cắt giảm thành phần hồ sơ",
	proposal.KindReuseData:       "Khai thác dữ liệu thay giấy tờ",
	proposal.KindCutTime:         "Cắt giảm thời gian giải quyết",
	proposal.KindCutFee:          "Cắt giảm phí, lệ phí",
	proposal.KindFullOnline:      "Dịch vụ công trực tuyến toàn trình",
	proposal.KindChangeLevel:     "Phân cấp, chuyển cấp thực hiện",
	proposal.KindAmendLegalBasis: "Sửa đổi văn bản quy phạm pháp luật",
	proposal.KindOther:           "Khác",
}

// ValidityLabels are the names of the validity of legal documents.
var ValidityLabels = map[string]string{
	"IN_FORCE":       "Còn hiệu lực",
	"EXPIRED":        "Hết hiệu lực",
	"PARTLY_EXPIRED": "Hết hiệu lực một phần",
	"SUSPENDED":      "Ngưng hiệu lực",
}

// ReviewedWithoutAction is the review outcome of a legal document that a
// unit's review covered without proposing anything (an expired one, say):
// not a value of the column, which is empty then, but a bucket of its own,
// apart from the documents no review covered.
const ReviewedWithoutAction = "NO_ACTION"

// ReviewOutcomeLabels are the names of what the review of a legal
// document proposes.
var ReviewOutcomeLabels = map[string]string{
	"KEEP":                "Giữ nguyên",
	"AMEND":               "Sửa đổi, bổ sung",
	"REPLACE":             "Thay thế",
	"REPEAL":              "Bãi bỏ",
	ReviewedWithoutAction: "Không đề xuất xử lý",
}

// LegalTypeLabels are the names of the types of legal documents.
var LegalTypeLabels = map[string]string{
	"LAW":            "Luật",
	"ORDINANCE":      "Pháp lệnh",
	"RESOLUTION":     "Nghị quyết",
	"DECREE":         "Nghị định",
	"DECISION":       "Quyết định",
	"CIRCULAR":       "Thông tư",
	"JOINT_CIRCULAR": "Thông tư liên tịch",
	"DIRECTIVE":      "Chỉ thị",
	"OTHER":          "Khác",
}

// None is the bucket of the rows that have no value for a dimension: its
// key ("" for a null key, as most reports have) and its label.
type None struct {
	Key   string
	Label string
}

// The buckets without a value.
var (
	NoSector        = None{Label: "Chưa xác định lĩnh vực"}
	NotSubmitted    = None{Label: "Chưa gửi"}
	NotDecided      = None{Label: "Chưa quyết định"}
	NoUnitAtLevel   = None{Label: "Không có đơn vị ở cấp này"}
	NotReviewed     = None{Key: "NOT_REVIEWED", Label: "Chưa rà soát"}
	UnknownValidity = None{Key: "UNKNOWN", Label: "Chưa xác định hiệu lực"}
	UnknownType     = None{Key: "UNKNOWN", Label: "Chưa xác định loại văn bản"}
	UnknownIssuer   = None{Key: "UNKNOWN", Label: "Chưa xác định cơ quan ban hành"}
)
