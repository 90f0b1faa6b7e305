package importer

import (
	"reflect"
	"strings"
	"testing"
)

// The cases of issue #12, each with the fragment that shows it. Fragments
// of the shared file name their record; the cases that the shared
// file lacks (the issuer codes of the ministries merged in 2025, which it
// never cites) are made up in the portal's shape and say so.

// legalNumbers parses a legal basis table body and returns its numbers.
func legalNumbers(t *testing.T, body string) ([]string, []Category) {
	t.Helper()
	var w warnings
	var out []string
	for _, ref := range parseLegalBasis(legalHeader+body, nil, &w) {
		out = append(out, ref.Number)
	}
	return out, warningKinds(w.list)
}

func TestLegalIssuerCodesAreAnOpenSet(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"made up: codes of the 2025 ministries glued to the next title",
			"Thông tư số 23/2025/TT-BNNMT ngày 30/6/2025 của Bộ Nông nghiệp và Môi trường quy định chi tiết Luật Trồng trọt23/2025/TT-BNNMTQuy định về phân cấp trong lĩnh vực dân tộc, tôn giáo01/2025/TT-BDTTGLuật Khoa học, công nghệ và đổi mới sáng tạo93/2025/QH15Hướng dẫn về dịch vụ bưu chính05/2025/TT-BKHCN",
			[]string{"23/2025/TT-BNNMT", "01/2025/TT-BDTTG", "93/2025/QH15", "05/2025/TT-BKHCN"}},
		{"made up: the codes glued to titles in capitals",
			"Thông tư 12/2025/TT-BNNMT12/2025/TT-BNNMTQUY ĐỊNH CHI TIẾT08/2025/TT-BDTTGHƯỚNG DẪN THI HÀNH05/2025/TT-BKHCNLUẬT ĐẤT ĐAI31/2024/QH15",
			[]string{"12/2025/TT-BNNMT", "08/2025/TT-BDTTG", "05/2025/TT-BKHCN", "31/2024/QH15"}},
		{"made up: a decision of a merged ministry without year, and a province's",
			"Quyết định số 1234/QĐ-BNNMT ngày 5/5/2025 của Bộ trưởng Bộ Nông nghiệp và Môi trường1234/QĐ-BNNMTQuy định giá đất25/2024/QĐ-UBNDNghị quyết về lệ phí12/2025/NQ-HĐND",
			[]string{"1234/QĐ-BNNMT", "25/2024/QĐ-UBND", "12/2025/NQ-HĐND"}},
		{"1.000931: a code the shared file knows, glued to a title in capitals",
			"Quy định mẫu giấy tờ liên quan đến việc nhập cảnh, xuất cảnh, cư trú của người nước ngoài tại Việt Nam04/2015/TT-BCAQUY ĐỊNH MỨC THU, CHẾ ĐỘ THU, NỘP, QUẢN LÝ VÀ SỬ DỤNG PHÍ, LỆ PHÍ TRONG LĨNH VỰC XUẤT CẢNH, NHẬP CẢNH, QUÁ CẢNH, CƯ TRÚ TẠI VIỆT NAM25/2021/TT-BTC",
			[]string{"04/2015/TT-BCA", "25/2021/TT-BTC"}},
		{"1.007891: an issuer with an ampersand in a joint circular",
			"Thông tư liên tịch 01/2008/TTLT-BCT-BTC-BGTVT-BNN&PTNT-BYT-NHNN01/2008/TTLT-BCT-BTC-BGTVT-BNN&PTNT-BYT-NHNNNghị định 08/2015/NĐ-CP08/2015/NĐ-CP",
			[]string{"01/2008/TTLT-BCT-BTC-BGTVT-BNN&PTNT-BYT-NHNN", "08/2015/NĐ-CP"}},
		{"1.008570: an unaccented type (QD) is the usual QĐ",
			"Decision 07/2016/QD-TTg07/2016/QD-TTgThông tư 97/2016/TT-BTC97/2016/TT-BTC",
			[]string{"07/2016/QĐ-TTg", "97/2016/TT-BTC"}},
		{"1.002759: a Party notice and an official letter",
			"Kết luật của Ban Bí thư về xác định tuổi của đảng viên13-TB/TWCấp thẻ BHYT theo căn cước công dân2754/BHXH-CSXH",
			[]string{"13-TB/TW", "2754/BHXH-CSXH"}},
		{"1.008332: a law of the 1990s, numbered by type and the President (L/CTN)",
			"Luật Dầu khí12/2022/QH15Luật Dầu khí18-L/CTNThông tư 36/2016/TT-BTC36/2016/TT-BTC",
			[]string{"12/2022/QH15", "18-L/CTN", "36/2016/TT-BTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := legalNumbers(t, tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLegalCellsGluedTogether(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"made up: a law's number followed by the next document's number (…/QH15 + 12/2024/TT-…)",
			"Luật Trồng trọt31/2018/QH1412/2024/TT-BNNMTThông tư hướng dẫn12/2024/TT-BNNMT",
			[]string{"31/2018/QH14", "12/2024/TT-BNNMT"}},
		{"2.001225: a quoted law number glued to the cell",
			"Nghị định số 172/2024/NĐ-CP ngày 27/12/2024 quy định chi tiết một số điều của Luật Đấu giá tài sản số 01/2016/QH14 được sửa đổi, bổ sung một số điều theo Luật số 37/2024/QH15172/2024/NĐ-CPLuật Đấu giá tài sản năm 201601/2016/QH14",
			[]string{"172/2024/NĐ-CP", "01/2016/QH14"}},
		{"made up: a year glued to the next number by a dot",
			"Luật Đất đai năm 2024.15/2025/TT-BNNMTNghị định 102/2024/NĐ-CP102/2024/NĐ-CP",
			[]string{"15/2025/TT-BNNMT", "102/2024/NĐ-CP"}},
		{"2.002725: a year glued by a dot at the end of a title",
			"Luật Đầu tư số 143/2025/QH15 ngày 11/12/2025;143/2025/QH15 định số 96/2026/NĐ-CP ngày 31/3/2026;96/2026/NĐ-CP Thông tư số 55/2026/TT-BTC ngày 15/5/2026.55/2026/TT-BTC",
			[]string{"143/2025/QH15", "96/2026/NĐ-CP", "55/2026/TT-BTC"}},
		{"made up: a title ending in an ordinal glued to the digits (Kỳ họp thứ 3 + 25/2021/QĐ-TTg)",
			"Nghị quyết tại Kỳ họp thứ 325/2021/QĐ-TTgLuật Đất đai31/2024/QH15",
			[]string{"25/2021/QĐ-TTg", "31/2024/QH15"}},
		{"1.000178: a title ending in a year glued to its law",
			"Luật Khiếu nại  năm 201102/2011/QH13Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP",
			[]string{"02/2011/QH13", "05/2012/NĐ-CP"}},
		{"3.000226: a title glued on both sides, a range of years ending a title",
			"Thông tư03/2025/TT-VPCPquy định một số chính sách đảm bảo an sinh xã hội trên địa bàn tỉnh Hà Tĩnh giai đoạn 2026 - 2030182/2025/NQ-HĐND Quy định trình tự, thủ tục hành chính giai đoạn 2026-203016/2026/QĐ-UBND",
			[]string{"03/2025/TT-VPCP", "182/2025/NQ-HĐND", "16/2026/QĐ-UBND"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := legalNumbers(t, tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLegalStraySpacesAndHyphens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"made up: a space after the hyphen (52/2024/NĐ- CP)",
			"Nghị định số 52/2024/NĐ- CP ngày 15/5/2024 của Chính phủ52/2024/NĐ- CP",
			[]string{"52/2024/NĐ-CP"}},
		{"1.003220: a space after the type, a slash before the issuers",
			"Thông tư liên tịch 21/2008/TTLT- BQP-BLĐTBXH-BTC21/2008/TTLT- BQP-BLĐTBXH-BTCHướng dẫn thực hiện Quyết định số 290/2005/QĐ-TTg191/2005/TTLT/BQP-BLĐTBXH-BTC",
			[]string{"21/2008/TTLT-BQP-BLĐTBXH-BTC", "191/2005/TTLT-BQP-BLĐTBXH-BTC"}},
		{"3.000368: an underscore for the hyphen",
			"Thông tư số 31/2025/TT-BCA ngày 21/4/2025 của Bộ trưởng Bộ Công an quy định thẻ, giấy phép, chứng nhận an ninh hàng không31/2025/TT_BCAVề an ninh hàng không92/2015/NĐ-CP",
			[]string{"31/2025/TT-BCA", "92/2015/NĐ-CP"}},
		{"1.002759: spaces around the hyphen of a decision",
			"Quyết định số 250/QĐ-TTg Giải quyết chế độ, chính sách250/QĐ - TTg",
			[]string{"250/QĐ-TTg"}},
		{"1.010390: a Cyrillic letter in a code",
			"được sửa đổi, bổ sung bởi Thông tư số 85/2024/TT-BTС151/2025/TT-BTC",
			[]string{"151/2025/TT-BTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, kinds := legalNumbers(t, tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
			if strings.Contains(tt.name, "made up") && !contains(kinds, LegalNumberNormalised) {
				t.Errorf("warnings %v, want %s", kinds, LegalNumberNormalised)
			}
		})
	}
}

func TestLegalShortCellsAndQuotes(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		warning  Category
	}{
		{"2.002602: a number cell without year, the title holds the full symbol",
			"Nghị định số 225/2025/NĐ-CP của Chính phủ: Sửa đổi, bổ sung một số điều của các Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Đấu thầu về lựa chọn nhà đầu tư225/NĐ-CP",
			[]string{"225/2025/NĐ-CP"}, LegalNumberCompleted},
		{"made up: a cell without year for a merged ministry's circular",
			"Thông tư 12/2025/TT-BNNMT quy định về quản lý giống cây trồng12/TT-BNNMT",
			[]string{"12/2025/TT-BNNMT"}, LegalNumberCompleted},
		{"3.000137: a cell without type",
			"Nghị định số 46/2020/NĐ-CP46/2020",
			[]string{"46/2020/NĐ-CP"}, LegalNumberCompleted},
		{"1.009543: a cell that is only the number, after a date",
			"Luật 54/2019/QH1454/2019/QH14Thông tư số 25/2022/TT-BTC ngày 28/4/202225Thông tư quy định về phân cấp31/2026/TT-BTC",
			[]string{"54/2019/QH14", "25/2022/TT-BTC", "31/2026/TT-BTC"}, LegalNumberCompleted},
		{"3.000038: a decree cell without type is the Government's",
			"Về bảo hiểm hưu trí bổ sungNghị định số 85/2026",
			[]string{"85/2026/NĐ-CP"}, LegalNumberCompleted},
		{"1.007026: numbers quoted in titles are no legal basis of their own",
			"Nghị định số 91/2022/NĐ-CP sửa đổi bổ sung một số điều của Nghị định số 126/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định chi tiết một số điều của Luật Quản lý thuế91/2022/NĐ-CPsửa đổi một số điều của Thông tư 19/2021/TT-BTC ngày 18/3/2021 của Bộ trưởng Bộ Tài chính hướng dẫn giao dịch điện tử trong lĩnh vực thuế46/2024/TT-BTC",
			[]string{"91/2022/NĐ-CP", "46/2024/TT-BTC"}, ""},
		{"1.007902: the title's own number decides which quote is its cell",
			"Thông tư số 32/2025/TT-BTC Bộ trưởng Bộ Tài chính hướng dẫn thực hiện một số điều của Luật Quản lý thuế, Nghị định số 123/2020/NĐ-CP ngày 19 tháng 10 năm 2020 của Chính phủ quy định về hóa đơn, chứng từ, Nghị định số 70/2025/NĐ-CP ngày 20 tháng 3 năm 2025 sửa đổi, bổ sung một số điều của Nghị định số 123/2020/NĐ-CP.32/2025/TT-BTC",
			[]string{"32/2025/TT-BTC"}, ""},
		{"made up: a cut symbol and the whole one make one document",
			"Nghị định 52/2024/NĐ52/2024/NĐNghị định số 52/2024/NĐ-CP về quản lý52/2024/NĐ-CP",
			[]string{"52/2024/NĐ-CP"}, ""},
		{"2.002005: a row whose cell was missed is recovered from its title",
			"Nghị định số 210/2025/NĐ-CP của Chính phủ: Sửa đổi, bổ sung một số điều của Nghị định số 38/2018/NĐ-CP ngày 11 tháng 3 năm 2018 của Chính phủ quy định chi tiết về đầu tư cho doanh nghiệp nhỏ và vừa khởi nghiệp sáng tạoNghị định số 210/2025/NĐ-CP của Chính phủLuật 04/2017/QH1404/2017/QH14",
			[]string{"210/2025/NĐ-CP", "04/2017/QH14"}, LegalNumberCompleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, kinds := legalNumbers(t, tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
			if tt.warning != "" && !contains(kinds, tt.warning) {
				t.Errorf("warnings %v, want %s", kinds, tt.warning)
			}
		})
	}
}

func TestLegalImpossibleNumbersAreKeptAndFlagged(t *testing.T) {
	// 1.007900: the Law on Tax Administration of 2006 written for the 10th
	// legislature, which sat until 2002.
	got, kinds := legalNumbers(t, "Luật Quản lý thuế số 78/2006/QH10 ngày 29/11/200678/2006/QH10")
	if !reflect.DeepEqual(got, []string{"78/2006/QH10"}) || !contains(kinds, LegalNumberSuspect) {
		t.Errorf("got %q, warnings %v; want 78/2006/QH10 kept and %s", got, kinds, LegalNumberSuspect)
	}
	// Made up: a type cut short.
	got, kinds = legalNumbers(t, "Nghị định về đăng ký doanh nghiệp52/2024/N-CP")
	if !reflect.DeepEqual(got, []string{"52/2024/N-CP"}) || !contains(kinds, LegalNumberSuspect) {
		t.Errorf("got %q, warnings %v; want 52/2024/N-CP kept and %s", got, kinds, LegalNumberSuspect)
	}
}

func TestFeeCases(t *testing.T) {
	tests := []struct {
		name, in string
		amount   string // "" for no single amount
		warning  Category
	}{
		// Free and its kin, with nothing contradicting them.
		{"1.012355: free", "Miễn phí", "0 VND", ""},
		{"made up: no fee collected", "Không thu phí", "0 VND", ""},
		{"made up: no fee or charge collected", "Không thu phí, lệ phí(Không)", "0 VND", ""},
		{"1.001010: a note that says nothing is set", "Miễn phí(Không quy định)", "0 VND", ""},
		{"1.000757: not yet set", "Miễn phí(Chưa quy định.)", "0 VND", ""},
		{"2.002009: exempt under the fee circular", "Miễn phí(- Miễn lệ phí (Thông tư số 47/2019/TT-BTC).)", "0 VND", ""},
		{"2.002010: not in the fee schedule", "Miễn phí(Không được quy định tại Biểu phí, lệ phí đăng ký doanh nghiệp ban hành kèm theo Thông tư số 47/2019/TT-BTC.)", "0 VND", ""},
		{"1.009823: every case without fee", "Miễn phí(- Trường hợp công ty chứng khoán thực hiện tăng vốn điều lệ: Không có - Trường hợp công ty chứng khoán chào bán cổ phiếu riêng lẻ: Không có)", "0 VND", ""},
		// Free, but the note names the real fees.
		{"1.000080: the council sets the fee", "Miễn phí(Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh, thành phố trực thuộc Trung ương quyết định. Miễn lệ phí cho người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết tật.)", "", FeeFreeButNoteCharges},
		{"1.014410: a tariff circular", "Miễn phí(Thực hiện theo quy định tại Thông tư số 02/2022/TT-BTC ngày 11/01/2022 của Bộ trưởng Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí thẩm định cấp giấy phép môi trường do cơ quan trung ương thực hiện.)", "", FeeFreeButNoteCharges},
		{"1.008888: an appraisal fee", "Miễn phí(Phí thẩm định)", "", FeeFreeButNoteCharges},
		{"3.000380: a list of fees", "Miễn phí(a) Cung cấp dịch vụ tại cảng hàng không quốc tế: - Cấp lại do thay đổi nội dung: 30.000.000 đồng; - Cấp lại do bị mất, rách, hỏng: 5.000.000 đồng.  b) Cung cấp dịch vụ tại cảng hàng không khác: - Cấp lại do thay đổi nội dung: 20.000.000 đồng.)", "", FeeFreeButNoteCharges},
		{"made up in the portal's shape: free but exactly one fixed fee", "Miễn phí(20.000.000 đồng/lần)", "20000000 VND", FeeFreeButNoteCharges},
		{"1.013489: free but one fee per declaration", "Miễn phí(hàng hóa gửi kho ngoại quan thu lệ phí làm thủ tục hải quan một lần khi làm thủ tục nhập kho, khi xuất kho không thu; mức thu là 20.000 VNĐ/tờ khai)", "20000 VND", FeeFreeButNoteCharges},
		{"2.002637: free for some applicants only", "Miễn phí(Không thu lệ phí đăng ký đối với tổ hợp tác theo quy định tại khoản 2 Điều 22 Luật Hợp tác xã 2023.)", "", FeeFreeButNoteCharges},
		// Dated rates and exemptions.
		{"1.001993: free with a dated rate", "Miễn phí((áp dụng mức phí 2.500.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC))", "", FeeConditional},
		{"1.014902: an amount with a dated rate", "50,000 Việt Nam Đồng(- 50.000đ/tem “AB” (Thông tư số 25/2021/TT-BTC ngày 07/4/2021 của Bộ Tài chính). - 25.000đ/tem “AB” (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính).)", "", FeeConditional},
		{"1.001280: the same amount, but only until a date", "25,000 Việt Nam Đồng(25.000đ/giấy thông hành (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính))", "", FeeConditional},
		// Rates per quantity, and per application or certificate.
		{"1.009805: per page", "2,000 Việt Nam Đồng(/trang)", "", FeePerQuantity},
		{"2.000975: per copy", "10 USD(/bản)", "", FeePerQuantity},
		{"made up: per tonne", "50,000 Việt Nam Đồng(50.000 đồng/tấn)", "", FeePerQuantity},
		{"made up: per gross tonnage", "2,500 Việt Nam Đồng(2.500 đồng/GT)", "", FeePerQuantity},
		{"made up: per km", "1,000 Việt Nam Đồng(1.000 đồng/km)", "", FeePerQuantity},
		{"2.002011: a percentage", "125,000 Việt Nam Đồng(- Lệ phí đăng ký doanh nghiệp: Bằng 50% mức thu lệ phí quy định tại điểm 1 Biểu phí)", "", FeeConditional},
		{"1.000005: per application", "200,000 VNĐ(200.000đ/lần cấp.)", "200000 VND", ""},
		{"1.009806: per licence", "20,000,000 Việt Nam Đồng(* Theo quy định tại Thông tư số 25/2022/TT-BTC: Công ty chứng khoán: Môi giới chứng khoán: 20 triệu đồng/giấy phép)", "20000000 VND", ""},
		{"1.009543: per issue, counted with a zero", "1,000,000 Việt Nam Đồng(* Theo quy định tại Thông tư số 25/2022/TT-BTC ngày 28/4/2022. + Cấp mới/cấp lại giấy chứng nhận hành nghề chứng khoán: 01 triệu đồng/lần cấp)", "1000000 VND", ""},
		{"1.003358: the note corrects the currency", "145 VNĐ(Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ.)", "145 USD", ""},
		{"1.000014: thousands, settled by the note", "20 VNĐ(20.000 vnđ /tờ khai)", "20000 VND", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warnings
			fee, _, ok := parseFee(tt.in, &w)
			if !ok {
				t.Fatal("no fee")
			}
			got := ""
			if fee.Amount != nil {
				got = fee.Amount.String() + " " + fee.Currency
			}
			if got != tt.amount {
				t.Errorf("amount %q, want %q; warnings %v", got, tt.amount, w.list)
			}
			if tt.warning != "" && !contains(warningKinds(w.list), tt.warning) {
				t.Errorf("warnings %v, want %s", w.list, tt.warning)
			}
		})
	}
}

func TestFeeTextStopsAtTheDescription(t *testing.T) {
	tests := []struct {
		name, in, text, description string
	}{
		{"3.000038: (a) numbers the description",
			"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp30 Ngày làm việcMiễn phí(a) Đối với cấp Giấy chứng nhận: Trong vòng 30 ngày làm việc kể từ ngày nhận đủ hồ sơ (nếu có).\n(b) Đối với cấp lại Giấy chứng nhận: 05 ngày làm việc.",
			"Miễn phí", "(a) Đối với cấp Giấy chứng nhận: Trong vòng 30 ngày làm việc kể từ ngày nhận đủ hồ sơ (nếu có).\n(b) Đối với cấp lại Giấy chứng nhận: 05 ngày làm việc."},
		{"1.009537: (1) inside the note, (1) starting the description",
			"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến30 NgàyMiễn phí((1) Chấp thuận tổ chức lại: Không có.)(1) Chấp thuận tổ chức lại: 30 ngày kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ.",
			"Miễn phí((1) Chấp thuận tổ chức lại: Không có.)", "(1) Chấp thuận tổ chức lại: 30 ngày kể từ ngày nhận được hồ sơ đầy đủ và hợp lệ."},
		{"1.014905: a note left open; the description glued to an inner parenthesis",
			"Hình thức nộpThời gianPhí, lệ phíMô tảDịch vụ bưu chính8 Ngày làm việc50,000 Việt Nam Đồng(- 50.000đ/tem “AB” (Thông tư số 25/2021/TT-BTC ngày 07/4/2021 của Bộ Tài chính). - 25.000đ/tem “AB” (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chín)+ Trực tiếp: nộp hồ sơ trực tiếp tại trụ sở Cơ quan Quản lý xuất nhập cảnh.",
			"50,000 Việt Nam Đồng(- 50.000đ/tem “AB” (Thông tư số 25/2021/TT-BTC ngày 07/4/2021 của Bộ Tài chính). - 25.000đ/tem “AB” (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chín)",
			"+ Trực tiếp: nộp hồ sơ trực tiếp tại trụ sở Cơ quan Quản lý xuất nhập cảnh."},
		{"made up: a note left open at the end of its line",
			"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc100,000 Việt Nam Đồng(100.000 đồng/lần\nNộp hồ sơ tại Sở Tư pháp.",
			"100,000 Việt Nam Đồng(100.000 đồng/lần", "Nộp hồ sơ tại Sở Tư pháp."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warnings
			chs := parseChannels(tt.in, &w)
			if len(chs) != 1 {
				t.Fatalf("%d channels", len(chs))
			}
			if chs[0].Fee.Text != tt.text || chs[0].Description != tt.description {
				t.Errorf("fee %q, description %q\nwant %q, %q", chs[0].Fee.Text, chs[0].Description, tt.text, tt.description)
			}
		})
	}
}

func TestDossierCases(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"made up in the portal's shape: a form code glued to its name",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký thuế theo mẫuTK 2.001234.docx1 bản chính",
			[]string{" | Tờ khai đăng ký thuế theo mẫu | TK 2.001234.docx | 1/? | 1 bản chính"}},
		{"1.009770: a form code glued to the name's last letter",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản đề nghị gia hạn thời hạn hoạt động của dự án đầu tưI.1.10.docx1 bản chính",
			[]string{" | Văn bản đề nghị gia hạn thời hạn hoạt động của dự án đầu tư | I.1.10.docx | 1/? | 1 bản chính"}},
		{"1.014966: the name ends in the form's code, the file repeats it",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị cấp lại chứng chỉ hành nghề Quản tài viên theo Mẫu TP- QTV-04Mẫu TP-QTV-04.docx1 bản chính",
			[]string{" | Đơn đề nghị cấp lại chứng chỉ hành nghề Quản tài viên theo Mẫu TP- QTV-04 | Mẫu TP-QTV-04.docx | 1/? | 1 bản chính"}},
		{"1.004055: digits glued to a word in small letters start the file",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn xin ký kết hợp đồng lao động, người lao động trong Công an nhân dân32-Mẫu số 01-Đơn ký kết LĐHĐ CAND.doc1 bản chính",
			[]string{" | Đơn xin ký kết hợp đồng lao động, người lao động trong Công an nhân dân | 32-Mẫu số 01-Đơn ký kết LĐHĐ CAND.doc | 1/? | 1 bản chính"}},
		{"1.009543: a file name in small letters after a semicolon, a dash inside it",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượng+ Giấy đề nghị cấp lại theo Mẫu số 85 ban hành kèm theo Nghị định số 155/2020/NĐ-CP ngày 31/12/2020 của Chính phủ;giấy đề nghị cấp lại -Mẫu 85 ban hành kèm theo NĐ 155.docx1 bản chính",
			[]string{" | + Giấy đề nghị cấp lại theo Mẫu số 85 ban hành kèm theo Nghị định số 155/2020/NĐ-CP ngày 31/12/2020 của Chính phủ; | giấy đề nghị cấp lại -Mẫu 85 ban hành kèm theo NĐ 155.docx | 1/? | 1 bản chính"}},
		{"made up: a stray parenthesis after the last cell",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chínhBản sao giấy chứng nhận0 bản chính,1 bản sao)",
			[]string{" | Đơn đề nghị |  | 1/? | 1 bản chính", " | Bản sao giấy chứng nhận |  | 0/1 | 0 bản chính,1 bản sao"}},
		{"made up: a stray semicolon or comma after the last cell",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chính;Tờ khai1 bản chính,",
			[]string{" | Đơn đề nghị |  | 1/? | 1 bản chính", " | Tờ khai |  | 1/? | 1 bản chính"}},
		{"made up: the last row is not merged with the next table's heading",
			"--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chính* Trường hợp cấp lại:Tên giấy tờMẫu đơn, tờ khaiSố lượngGiấy chứng nhận đã cấp1 bản chính",
			[]string{" | Đơn đề nghị |  | 1/? | 1 bản chính", "* Trường hợp cấp lại: | Giấy chứng nhận đã cấp |  | 1/? | 1 bản chính"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warnings
			var got []string
			for _, d := range parseDocuments(tt.in, &w) {
				got = append(got, documentString(d))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q\nwant %q; warnings %v", got, tt.want, w.list)
			}
		})
	}
}

func contains(list []Category, c Category) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}
