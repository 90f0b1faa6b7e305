package report

import "tthc/internal/proposal"

// StatusLabels are the Vietnamese names of proposal statuses, as reports
// and exports show them.
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

// KindLabels are the Vietnamese names of what proposals change.
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
