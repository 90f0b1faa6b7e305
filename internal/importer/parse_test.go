package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"tthc/internal/catalog"
)

// The inputs in these tables are copied from the portal export
// (../../../shared/data/procedures-national-portal.jsonl); each case names
// its record. Long fields are cut at row boundaries; a cut from the middle
// of a table keeps the table header in front. The few made-up inputs say so.

// Made up: lines that must be refused.
func TestParseRejectsUnusableRecords(t *testing.T) {
	tests := []struct {
		name string
		line string
	}{
		{"invalid JSON", `{"ma_thu_tuc": "1.000178",`},
		{"empty line", ``},
		{"missing code", `{"ten_thu_tuc": "Giải quyết khiếu nại"}`},
		{"missing name", `{"ma_thu_tuc": "1.000178", "ten_thu_tuc": "  "}`},
		{"name is no information", `{"ma_thu_tuc": "1.000178", "ten_thu_tuc": "Không có thông tin"}`},
		{"code without dot", `{"ma_thu_tuc": "1000178", "ten_thu_tuc": "Giải quyết khiếu nại"}`},
		{"code with letters", `{"ma_thu_tuc": "TTHC-01", "ten_thu_tuc": "Giải quyết khiếu nại"}`},
		{"code with lower-case suffix", `{"ma_thu_tuc": "1.000178.h19", "ten_thu_tuc": "Giải quyết khiếu nại"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.line)); err == nil {
				t.Errorf("Parse(%q) gave no error", tt.line)
			}
		})
	}

	// The code comes back with the error so that a reject can name it.
	rec, err := Parse([]byte(`{"ma_thu_tuc": "1.000178", "ten_thu_tuc": ""}`))
	if err == nil || rec.Procedure.Code != "1.000178" {
		t.Errorf("Parse = code %q, error %v; want the code and an error", rec.Procedure.Code, err)
	}
}

func TestParseAcceptsCodes(t *testing.T) {
	for _, code := range []string{"1.000178", "3.000163", "1.000178.H19", "2.002009.H42"} {
		line := fmt.Sprintf(`{"ma_thu_tuc": %q, "ten_thu_tuc": "Giải quyết khiếu nại"}`, code)
		rec, err := Parse([]byte(line))
		if err != nil {
			t.Errorf("Parse(%s): %v", code, err)
			continue
		}
		if rec.Procedure.Code != code || rec.Procedure.Status != catalog.StatusInForce {
			t.Errorf("Parse(%s) = code %q, status %q", code, rec.Procedure.Code, rec.Procedure.Status)
		}
	}
}

func TestParseLevels(t *testing.T) {
	tests := []struct {
		in       string
		want     []catalog.LevelCode
		warnings int
	}{
		{"Cấp bộ", []catalog.LevelCode{catalog.LevelMinistry}, 0},
		{"Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác", []catalog.LevelCode{
			catalog.LevelMinistry, catalog.LevelProvince, catalog.LevelCommune, catalog.LevelOther}, 0},
		{"Cấp xã, Cơ quan khác", []catalog.LevelCode{catalog.LevelCommune, catalog.LevelOther}, 0},
		// Made up: the district level ended in 2025 and is not in this
		// export, capitals vary, an unknown level.
		{"Cấp huyện", []catalog.LevelCode{catalog.LevelDistrict}, 0},
		{"Cấp Tỉnh", []catalog.LevelCode{catalog.LevelProvince}, 0},
		{"Cấp tỉnh, Cấp tỉnh", []catalog.LevelCode{catalog.LevelProvince}, 0},
		{"Cấp trung ương, Cấp xã", []catalog.LevelCode{catalog.LevelCommune}, 1},
		{"", nil, 0},
	}
	for _, tt := range tests {
		var w warnings
		got := parseLevels(tt.in, &w)
		if !reflect.DeepEqual(got, tt.want) || len(w.list) != tt.warnings {
			t.Errorf("parseLevels(%q) = %v, warnings %q; want %v, %d warnings", tt.in, got, w.list, tt.want, tt.warnings)
		}
	}
}

func TestParseAudiences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		// 1.000178
		{"Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam",
			[]string{"Tổ chức (không bao gồm doanh nghiệp, HTX)", "Công dân Việt Nam"}},
		// 2.001428: the phrase "Cán bộ, công chức, viên chức" is one audience.
		{"Công dân Việt Nam, Cán bộ, công chức, viên chức",
			[]string{"Công dân Việt Nam", "Cán bộ, công chức, viên chức"}},
		{"Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam, Cán bộ, công chức, viên chức",
			[]string{"Tổ chức (không bao gồm doanh nghiệp, HTX)", "Công dân Việt Nam", "Cán bộ, công chức, viên chức"}},
		{"Doanh nghiệp", []string{"Doanh nghiệp"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := parseAudiences(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseAudiences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAgencies(t *testing.T) {
	tests := []struct {
		in       string
		want     []string
		warnings int
	}{
		{"Bộ Công an", []string{"Bộ Công an"}, 0},
		{"Không có thông tin", nil, 0},
		{"", nil, 0},
		// Commas inside a name are followed by lower case.
		{"Cục cảnh sát quản lý hành chính về trật tự, xã hội, Công an tỉnh",
			[]string{"Cục cảnh sát quản lý hành chính về trật tự, xã hội", "Công an tỉnh"}, 0},
		{"Cục Thuế - Bộ tài chính, Thuế tỉnh, thành phố, Thuế cơ sở",
			[]string{"Cục Thuế - Bộ tài chính", "Thuế tỉnh, thành phố", "Thuế cơ sở"}, 0},
		{"Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ",
			[]string{"Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ"}, 0},
		// Non-breaking spaces and a stray full stop.
		{"Ủy ban Nhân dân\u00a0tỉnh\u00a0và\u00a0thành phố trực thuộc trung ương., Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ",
			[]string{"Ủy ban Nhân dân tỉnh và thành phố trực thuộc trung ương", "Bộ, cơ quan ngang Bộ, cơ quan thuộc Chính phủ"}, 0},
		// Made up: repeated names count once.
		{"Công an tỉnh, Công an tỉnh", []string{"Công an tỉnh"}, 0},
		// 2.000942: another field spilled into co_quan_thuc_hien.
		{"chứng thực tiến hành chụp từ bản chính giao dịch đang được lưu trữ và thực hiện chứng thực như sau:\n\n* Ghi đầy đủ lời chứng theo mẫu quy định;",
			nil, 1},
	}
	for _, tt := range tests {
		var w warnings
		got := parseAgencies(tt.in, &w)
		if !reflect.DeepEqual(got, tt.want) || len(w.list) != tt.warnings {
			t.Errorf("parseAgencies(%q) = %q, warnings %q; want %q, %d warnings", tt.in, got, w.list, tt.want, tt.warnings)
		}
	}
}

// channelString renders a channel compactly: kind, time, fee, description.
func channelString(ch catalog.Channel) string {
	tm := ch.TimeText
	if ch.ProcessingTime != nil {
		tm = ch.ProcessingTime.Value.String() + " " + string(ch.ProcessingTime.Unit)
	}
	amount := "-"
	if ch.Fee.Amount != nil {
		amount = ch.Fee.Amount.String() + " " + ch.Fee.Currency
	}
	return fmt.Sprintf("%s | %s | %s | %s | %s", ch.Kind, tm, ch.Fee.Text, amount, ch.Description)
}

func TestParseChannels(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []string
		warnings []Category // in order
	}{
		{
			name: "1.015027 the same channel three times",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việcMiễn phíTrực tiếp tại Ủy ban nhân dân cấp xã, nơi đối tượng hoặc thân nhân đối tượng thường trú.Trực tiếp7 NgàyMiễn phíCông an cấp tỉnh, kể từ ngày nhận đủ hồ sơTrực tiếp30 Ngày làm việcMiễn phíBảo hiểm xã hội CAND, kể từ ngày nhận đủ hồ sơ",
			want: []string{
				"IN_PERSON | 7 WORKING_DAY | Miễn phí | 0 VND | Trực tiếp tại Ủy ban nhân dân cấp xã, nơi đối tượng hoặc thân nhân đối tượng thường trú.",
				"IN_PERSON | 7 DAY | Miễn phí | 0 VND | Công an cấp tỉnh, kể từ ngày nhận đủ hồ sơ",
				"IN_PERSON | 30 WORKING_DAY | Miễn phí | 0 VND | Bảo hiểm xã hội CAND, kể từ ngày nhận đủ hồ sơ",
			},
		},
		{
			name: "1.009528 descriptions that start with channel words",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việcMiễn phíTrực tuyến tại Cổng Dịch vụ công quốc gia.Dịch vụ bưu chính7 Ngày làm việcMiễn phí Thông qua dịch vụ bưu chính công ích theo quy định của Thủ tướng Chính phủ; Trực tiếp7 Ngày làm việcMiễn phíTrực tiếp tại Bộ phận Một cửa;",
			want: []string{
				"ONLINE | 7 WORKING_DAY | Miễn phí | 0 VND | Trực tuyến tại Cổng Dịch vụ công quốc gia.",
				"POST | 7 WORKING_DAY | Miễn phí | 0 VND | Thông qua dịch vụ bưu chính công ích theo quy định của Thủ tướng Chính phủ;",
				"IN_PERSON | 7 WORKING_DAY | Miễn phí | 0 VND | Trực tiếp tại Bộ phận Một cửa;",
			},
		},
		{
			name: "1.008615 hours",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp8 GiờMiễn phí",
			want: []string{"IN_PERSON | 8 HOUR | Miễn phí | 0 VND | "},
		},
		{
			name: "2.000511 months",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp12 ThángKhông có thông tin",
			want: []string{"IN_PERSON | 12 MONTH |  | - | "},
		},
		{
			name: "1.001010 a USD fee",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp6 Tháng100 USD(100 USD/thẻ.)",
			want: []string{"IN_PERSON | 6 MONTH | 100 USD(100 USD/thẻ.) | 100 USD | "},
		},
		{
			name:     "3.000163 time without a unit",
			in:       "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phíTrực tiếp1Miễn phí",
			want:     []string{"ONLINE | 1 | Miễn phí | 0 VND | ", "IN_PERSON | 1 | Miễn phí | 0 VND | "},
			warnings: []Category{TimeWithoutUnit, TimeWithoutUnit},
		},
		{
			name: "1.000014 time glued to an amount written in thousands",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến120 VNĐ(20.000 vnđ /tờ khai)Trực tiếp120 VNĐ(20.000 vnđ /tờ khai)",
			want: []string{
				"ONLINE | 1 | 20 VNĐ(20.000 vnđ /tờ khai) | 20000 VND | ",
				"IN_PERSON | 1 | 20 VNĐ(20.000 vnđ /tờ khai) | 20000 VND | ",
			},
			warnings: []Category{TimeWithoutUnit, TimeWithoutUnit},
		},
		{
			name: "2.002015 glued time and amount that cannot be split",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phí(Miễn lệ phí đăng ký doanh nghiệp đối với trường hợp đăng ký qua mạng điện tử, đăng ký thành lập trên cơ sở chuyển đổi từ hộ kinh doanh (Thông tư số 47/2019/TT-BTC).)Dịch vụ bưu chính125 VNĐTrực tiếp125 VNĐ",
			want: []string{
				"ONLINE | 1 | Miễn phí(Miễn lệ phí đăng ký doanh nghiệp đối với trường hợp đăng ký qua mạng điện tử, đăng ký thành lập trên cơ sở chuyển đổi từ hộ kinh doanh (Thông tư số 47/2019/TT-BTC).) | - | ",
				"POST |  | 125 VNĐ | - | ",
				"IN_PERSON |  | 125 VNĐ | - | ",
			},
			warnings: []Category{TimeWithoutUnit, FeeFreeButNoteCharges, TimeGluedToFee, FeeInThousands, TimeGluedToFee, FeeInThousands},
		},
		{
			name: "1.000232 time cell says no information",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinKhông có thông tinnộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh.Dịch vụ bưu chínhKhông có thông tinKhông có thông tinGửi hồ sơ và nhận kết quả qua đường bưu điện.Trực tuyếnKhông có thông tinKhông có thông tinTrực tuyến: nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an.",
			want: []string{
				"IN_PERSON |  |  | - | nộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh.",
				"POST |  |  | - | Gửi hồ sơ và nhận kết quả qua đường bưu điện.",
				"ONLINE |  |  | - | Trực tuyến: nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an.",
			},
		},
		{
			name: "1.011022 first row: a word in the time cell",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhôngMiễn phíBằng phương thức điện tử qua Cổng dịch vụ công Quốc gia hoặc Ứng dụng định danh quốc gia theo quy định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
			want: []string{
				"ONLINE | Không | Miễn phí | 0 VND | Bằng phương thức điện tử qua Cổng dịch vụ công Quốc gia hoặc Ứng dụng định danh quốc gia theo quy định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
			},
			warnings: []Category{TimeNotDuration},
		},
		{
			name: "1.115132 a phrase in the time cell",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông phải trả kết quả cho người nộp thuếKhông có thông tinTrực tuyến qua Cổng dịch vụ công quốc gia hoặc Ứng dụng định danh quốc gia theo quy định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
			want: []string{
				"ONLINE | Không phải trả kết quả cho người nộp thuế |  | - | Trực tuyến qua Cổng dịch vụ công quốc gia hoặc Ứng dụng định danh quốc gia theo quy định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính.",
			},
			warnings: []Category{TimeNotDuration},
		},
		{
			name: "1.009824 first row: a sentence in the time cell",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpHệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động thông qua phương thức điện tử.Không có thông tinTại Trung tâm phục vụ hành chính công cấp tỉnh, xã",
			want: []string{
				"IN_PERSON | Hệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động thông qua phương thức điện tử. |  | - | Tại Trung tâm phục vụ hành chính công cấp tỉnh, xã",
			},
			warnings: []Category{TimeNotDuration},
		},
		{
			name: "1.115148 first row: a zero time",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp0Không có thông tinỦy ban nhân dân cấp tỉnh, thành phố quy định chi tiết trình tự, thủ tục này ",
			want: []string{
				"IN_PERSON | 0 |  | - | Ủy ban nhân dân cấp tỉnh, thành phố quy định chi tiết trình tự, thủ tục này",
			},
			warnings: []Category{TimeWithoutUnit},
		},
		{
			name: "1.003144 first row: a USD fee with a note",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việc10 USD(10USD/giấy)Nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an.",
			want: []string{
				"ONLINE | 5 WORKING_DAY | 10 USD(10USD/giấy) | 10 USD | Nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an.",
			},
		},
		{
			name: "1.013818 first row: two notes after the amount",
			in:   "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến15 Ngày làm việc3,500,000 Việt Nam Đồng(/hồ sơ)(áp dụng mức phí 1.750.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC).",
			want: []string{
				"ONLINE | 15 WORKING_DAY | 3,500,000 Việt Nam Đồng(/hồ sơ)(áp dụng mức phí 1.750.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC) | - | ",
			},
			warnings: []Category{FeeConditional},
		},
		{
			name:     "no header",
			in:       "Trực tiếp8 GiờMiễn phí",
			warnings: []Category{ChannelNoTable},
		},
		{name: "no information", in: "Không có thông tin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warnings
			var got []string
			for _, ch := range parseChannels(tt.in, &w) {
				got = append(got, channelString(ch))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("channels:\n got %q\nwant %q", got, tt.want)
			}
			if kinds := warningKinds(w.list); !reflect.DeepEqual(kinds, tt.warnings) {
				t.Errorf("warnings %q, want kinds %q", w.list, tt.warnings)
			}
		})
	}
}

func TestParseFee(t *testing.T) {
	tests := []struct {
		in       string
		text     string
		amount   string // "" for no amount
		currency string
		rest     string
	}{
		{"Miễn phí", "Miễn phí", "0", "VND", ""},
		{"Miễn phí(Không có)", "Miễn phí(Không có)", "0", "VND", ""},
		{"Miễn phí(không có)Dịch vụ", "Miễn phí(không có)", "0", "VND", "Dịch vụ"},
		// The fee is set by the provincial council: not zero.
		{"Miễn phí(Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh, thành phố trực thuộc Trung ương quyết định. Miễn lệ phí cho người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết tật. Phí cấp bản sao Trích lục đăng ký nhận cha, mẹ, con (nếu có yêu cầu) thực hiện theo quy định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính.)",
			"Miễn phí(Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh, thành phố trực thuộc Trung ương quyết định. Miễn lệ phí cho người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết tật. Phí cấp bản sao Trích lục đăng ký nhận cha, mẹ, con (nếu có yêu cầu) thực hiện theo quy định tại Thông tư số 281/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính.)",
			"", "", ""},
		{"Không có thông tin- Nộp hồ sơ", "", "", "", "- Nộp hồ sơ"},
		{"1,200,000 Việt Nam Đồng", "1,200,000 Việt Nam Đồng", "1200000", "VND", ""},
		{"200,000 VNĐ(200.000đ/lần cấp.)Dịch vụ", "200,000 VNĐ(200.000đ/lần cấp.)", "200000", "VND", "Dịch vụ"},
		{"145 USD(Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ.)", "145 USD(Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ.)", "145", "USD", ""},
		{"10,000,000 Việt Nam Đồng(* Theo quy định tại Thông tư số 25/2022/TT-BTC ngày 28/4/2022: + 10 triệu đồng/Giấy chứng nhận)", "10,000,000 Việt Nam Đồng(* Theo quy định tại Thông tư số 25/2022/TT-BTC ngày 28/4/2022: + 10 triệu đồng/Giấy chứng nhận)", "10000000", "VND", ""},
		// Two rates, or a rate that depends on size: no single amount.
		{"40,000 Việt Nam Đồng(50.000đ/giấy thông hành (Thông tư số 25/2021/TT-BTC ngày 07/4/2021 của Bộ Tài chính).)", "40,000 Việt Nam Đồng(50.000đ/giấy thông hành (Thông tư số 25/2021/TT-BTC ngày 07/4/2021 của Bộ Tài chính).)", "", "", ""},
		{"10,000,000 Việt Nam Đồng(+ Dưới 50 tỷ: 10 triệu đồng/ Giấy chứng nhận\t)", "10,000,000 Việt Nam Đồng(+ Dưới 50 tỷ: 10 triệu đồng/ Giấy chứng nhận )", "", "", ""},
		{"4,000,000 Việt Nam Đồng((Áp dụng mức phí: 2.000.000 đồng (Hai triệu đồng) kể từ ngày 01/7/2025 đến  hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC). )", "4,000,000 Việt Nam Đồng((Áp dụng mức phí: 2.000.000 đồng (Hai triệu đồng) kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC). )", "", "", ""},
		// The note corrects the currency.
		{"155 VNĐ(Thẻ tạm trú có thời hạn từ trên 02 năm đến 05 năm: 155 USD/thẻ.)", "155 VNĐ(Thẻ tạm trú có thời hạn từ trên 02 năm đến 05 năm: 155 USD/thẻ.)", "155", "USD", ""},
		// Amounts in thousands, which the note settles or not.
		{"100 VNĐ(100.000 đồng/lần.)", "100 VNĐ(100.000 đồng/lần.)", "100000", "VND", ""},
		{"20 VNĐ", "20 VNĐ", "", "", ""},
		// 3.000337: the note never closes.
		{"100 VNĐ(", "100 VNĐ(", "", "", ""},
	}
	for _, tt := range tests {
		var w warnings
		fee, n, ok := parseFee(tt.in, &w)
		if !ok {
			t.Errorf("parseFee(%q): no fee", tt.in)
			continue
		}
		amount := ""
		if fee.Amount != nil {
			amount = fee.Amount.String()
		}
		if fee.Text != tt.text || amount != tt.amount || fee.Currency != tt.currency || tt.in[n:] != tt.rest {
			t.Errorf("parseFee(%q) = %q, %q %q, rest %q; want %q, %q %q, rest %q",
				tt.in, fee.Text, amount, fee.Currency, tt.in[n:], tt.text, tt.amount, tt.currency, tt.rest)
		}
	}
}

func TestSplitGluedTimeAndAmount(t *testing.T) {
	tests := []struct {
		in   string
		k    int
		ok   bool
		note string
	}{
		{"120", 1, true, "1 + 20: 12 + 0 is no amount"},
		{"1100,000", 1, true, "1 + 100,000: other splits break the grouping"},
		{"120,000", 1, true, "1 + 20,000"},
		{"220", 1, true, "2 + 20"},
		{"125", 0, false, "1 + 25 or 12 + 5"},
		{"1250", 0, false, "1 + 250 or 12 + 50"},
		{"20,000", 0, false, "no time at all"},
	}
	for _, tt := range tests {
		k, ok := splitGluedTimeAndAmount(tt.in)
		if k != tt.k || ok != tt.ok {
			t.Errorf("splitGluedTimeAndAmount(%q) = %d, %v; want %d, %v (%s)", tt.in, k, ok, tt.k, tt.ok, tt.note)
		}
	}
}

// documentString renders a document compactly.
func documentString(d catalog.Document) string {
	count := func(p *int) string {
		if p == nil {
			return "?"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("%s | %s | %s | %s/%s | %s", d.Group, d.Name, d.Form, count(d.Originals), count(d.Copies), d.Quantity)
}

func TestParseDocuments(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []string
		warnings []Category
	}{
		{
			name: "1.000232 one row with a form",
			in:   "--Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản đề nghị hủy tài khoản điện tử (NA20).Mau NA20-BCA.docx1 bản chính",
			want: []string{" | Văn bản đề nghị hủy tài khoản điện tử (NA20). | Mau NA20-BCA.docx | 1/? | 1 bản chính"},
		},
		{
			name: "2.002009 first tables: groups under headings, copies",
			in:   "- Trường hợp ủy quyền cho cá nhân thực hiện thủ tục đăng ký doanh nghiệp, kèm theo hồ sơ đăng ký doanh nghiệp phải có: Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản ủy quyền cho cá nhân thực hiện thủ tục liên quan đến đăng ký doanh nghiệp. Văn bản ủy quyền này không bắt buộc phải công chứng, chứng thực.1 bản chính- Trường hợp ủy quyền cho tổ chức thực hiện thủ tục đăng ký doanh nghiệp, kèm theo hồ sơ đăng ký doanh nghiệp phải có:Tên giấy tờMẫu đơn, tờ khaiSố lượng(i) Bản sao hợp đồng ủy quyền cho tổ chức thực hiện thủ tục liên quan đến đăng ký doanh nghiệp;0 bản chính,1 bản sao(ii) Giấy giới thiệu hoặc văn bản phân công nhiệm vụ của tổ chức đó cho cá nhân trực tiếp thực hiện thủ tục liên quan đến đăng ký doanh nghiệp.1 bản chính",
			want: []string{
				"- Trường hợp ủy quyền cho cá nhân thực hiện thủ tục đăng ký doanh nghiệp, kèm theo hồ sơ đăng ký doanh nghiệp phải có: | Văn bản ủy quyền cho cá nhân thực hiện thủ tục liên quan đến đăng ký doanh nghiệp. Văn bản ủy quyền này không bắt buộc phải công chứng, chứng thực. |  | 1/? | 1 bản chính",
				"- Trường hợp ủy quyền cho tổ chức thực hiện thủ tục đăng ký doanh nghiệp, kèm theo hồ sơ đăng ký doanh nghiệp phải có: | (i) Bản sao hợp đồng ủy quyền cho tổ chức thực hiện thủ tục liên quan đến đăng ký doanh nghiệp; |  | 0/1 | 0 bản chính,1 bản sao",
				"- Trường hợp ủy quyền cho tổ chức thực hiện thủ tục đăng ký doanh nghiệp, kèm theo hồ sơ đăng ký doanh nghiệp phải có: | (ii) Giấy giới thiệu hoặc văn bản phân công nhiệm vụ của tổ chức đó cho cá nhân trực tiếp thực hiện thủ tục liên quan đến đăng ký doanh nghiệp. |  | 1/? | 1 bản chính",
			},
		},
		{
			name: "1.007881 quantities inside names are not cells",
			in:   "--Tên giấy tờMẫu đơn, tờ khaiSố lượng+ Xuất trình giấy phép của cơ quan quản lý chuyên ngành khi tạm nhập 01 bản chính (nếu có).0 bản chính+ Văn bản đề nghị xin tái xuất (01 bản chính)0 bản chính+ Văn bản đề nghị xin tái xuất (01 bản chính)0 bản chính",
			want: []string{
				" | + Xuất trình giấy phép của cơ quan quản lý chuyên ngành khi tạm nhập 01 bản chính (nếu có). |  | 0/? | 0 bản chính",
				" | + Văn bản đề nghị xin tái xuất (01 bản chính) |  | 0/? | 0 bản chính",
				" | + Văn bản đề nghị xin tái xuất (01 bản chính) |  | 0/? | 0 bản chính",
			},
		},
		{
			name: "3.000365 first rows: a count glued to the digits of a decree number",
			in:   "--Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản đề nghị cấp lại giấy phép hoạt động cai nghiện ma túy1 bản chính01 bản chính biên bản xác nhận giấy phép bị mất, hỏng theo Mẫu số 07 Phụ lục II ban hành kèm theo Nghị định 116 của cơ sở cai nghiện đối với trường hợp quy định tại điểm a Khoản 1 Điều 12 Nghị định 1161 bản chính",
			want: []string{
				" | Văn bản đề nghị cấp lại giấy phép hoạt động cai nghiện ma túy |  | 1/? | 1 bản chính",
				" | 01 bản chính biên bản xác nhận giấy phép bị mất, hỏng theo Mẫu số 07 Phụ lục II ban hành kèm theo Nghị định 116 của cơ sở cai nghiện đối với trường hợp quy định tại điểm a Khoản 1 Điều 12 Nghị định 116 |  | 1/? | 1 bản chính",
			},
		},
		{
			name: "1.000811 first row: a form with spaces glued after a full stop",
			in:   "--Tên giấy tờMẫu đơn, tờ khaiSố lượng+ 01 tờ khai đề nghị cấp thẻ ABTC (mẫu TK06) ban hành kèm theo Quyết định số 09/2023/QĐ-TTg ngày 12/4/2023 của Thủ tướng Chính phủ có xác nhận và đóng dấu giáp lai ảnh của lãnh đạo doanh nghiệp hoặc cơ quan, tổ chức cán bộ của các ngành kinh tế, cơ quan quản lý nhà nước chuyên ngành về hoạt động của doanh nghiệp.Tờ khai đề nghị cấp thẻ ABTC (mẫu TK06) (1).pdf1 bản chính",
			want: []string{
				" | + 01 tờ khai đề nghị cấp thẻ ABTC (mẫu TK06) ban hành kèm theo Quyết định số 09/2023/QĐ-TTg ngày 12/4/2023 của Thủ tướng Chính phủ có xác nhận và đóng dấu giáp lai ảnh của lãnh đạo doanh nghiệp hoặc cơ quan, tổ chức cán bộ của các ngành kinh tế, cơ quan quản lý nhà nước chuyên ngành về hoạt động của doanh nghiệp. | Tờ khai đề nghị cấp thẻ ABTC (mẫu TK06) (1).pdf | 1/? | 1 bản chính",
			},
		},
		{
			name: "1.002755 last table: a heading and a file name without spaces",
			in:   "* Hồ sơ gia hạn tạm trú gồm:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai thay đổi thông tin cư trú (Mẫu CT01 ban hành kèm theo Thông tư số 53/2023/TT-BCA); trong đó ghi rõ ý kiến đồng ý của chủ sở hữu chỗ ở hợp pháp, trừ trường hợp đã có ý kiến đồng ý bằng văn bản. Đối với người gia hạn tạm trú là người chưa thành niên thì trong tờ khai phải ghi rõ ý kiến đồng ý của cha, mẹ hoặc người giám hộ, trừ trường hợp đã có ý kiến đồng ý bằng văn bản.1.MuCT01banhnhkmtheoThngts53.doc1 bản chính",
			want: []string{
				"* Hồ sơ gia hạn tạm trú gồm: | Tờ khai thay đổi thông tin cư trú (Mẫu CT01 ban hành kèm theo Thông tư số 53/2023/TT-BCA); trong đó ghi rõ ý kiến đồng ý của chủ sở hữu chỗ ở hợp pháp, trừ trường hợp đã có ý kiến đồng ý bằng văn bản. Đối với người gia hạn tạm trú là người chưa thành niên thì trong tờ khai phải ghi rõ ý kiến đồng ý của cha, mẹ hoặc người giám hộ, trừ trường hợp đã có ý kiến đồng ý bằng văn bản. | 1.MuCT01banhnhkmtheoThngts53.doc | 1/? | 1 bản chính",
			},
		},
		{
			name: "1.009500 a heading cut mid-sentence, then two forms glued after a semicolon",
			in:   "bán chứng chỉ quỹ đầu tư bất động sản hoạt động dưới hình thức quỹ đóng, nộp bổ sung:Tên giấy tờMẫu đơn, tờ khaiSố lượng1) Danh sách, bản thông tin cá nhân của người điều hành, nhân viên nghiệp vụ thẩm định giá theo Mẫu số 91, Mẫu số 101 Phụ lục ban hành kèm theo Nghị định 155/2020/NĐ-CP và thẻ thẩm định viên về giá;Mẫu số 91 bản thông tin.docxMẫu số 101.docx1 bản chính",
			want: []string{
				"bán chứng chỉ quỹ đầu tư bất động sản hoạt động dưới hình thức quỹ đóng, nộp bổ sung: | 1) Danh sách, bản thông tin cá nhân của người điều hành, nhân viên nghiệp vụ thẩm định giá theo Mẫu số 91, Mẫu số 101 Phụ lục ban hành kèm theo Nghị định 155/2020/NĐ-CP và thẻ thẩm định viên về giá; | Mẫu số 91 bản thông tin.docx; Mẫu số 101.docx | 1/? | 1 bản chính",
			},
		},
		{
			name: "1.004209 first rows: a number glued before the form keyword",
			in:   "--Tên giấy tờMẫu đơn, tờ khaiSố lượngQuyết định phong tặng hoặc truy tặng danh hiệu Anh hùng hoặc bản sao Bằng Anh hùng.  Trường hợp Anh hùng đã chết mà chưa được hưởng chế độ thì đại diện thân nhân hoặc người thờ cúng lập bản khai theo mẫu AH2, kèm biên bản ủy quyền (mẫu UQ)73-Mẫu AH2-Bản khai (thân nhân hoặc người thờ cúng AHLLVTND).doc0 bản chính,1 bản saoBản khai cá nhân (mẫu AH1).72-Mẫu AH1-Bản khai cá nhân (anh hùng LLVT).doc1 bản chính",
			want: []string{
				" | Quyết định phong tặng hoặc truy tặng danh hiệu Anh hùng hoặc bản sao Bằng Anh hùng. Trường hợp Anh hùng đã chết mà chưa được hưởng chế độ thì đại diện thân nhân hoặc người thờ cúng lập bản khai theo mẫu AH2, kèm biên bản ủy quyền (mẫu UQ) | 73-Mẫu AH2-Bản khai (thân nhân hoặc người thờ cúng AHLLVTND).doc | 0/1 | 0 bản chính,1 bản sao",
				" | Bản khai cá nhân (mẫu AH1). | 72-Mẫu AH1-Bản khai cá nhân (anh hùng LLVT).doc | 1/? | 1 bản chính",
			},
		},
		{
			name:     "1.009541 a table with a note and no quantity",
			in:       "--Tên giấy tờMẫu đơn, tờ khaiSố lượng+ Phương án xử lý tài khoản tự doanh, các hợp đồng đã ký với khách hàng còn hiệu lực. +",
			warnings: []Category{DocumentTextAfterLastRow},
		},
		{
			name:     "1.001521 another field spilled into the documents",
			in:       "); nộp hồ sơ cho cơ quan BHXH nơi đang chi trả trợ cấp (đối với trường hợp đang hưởng trợ cấp hàng tháng)",
			warnings: []Category{DocumentNoTable},
		},
		{name: "empty", in: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warnings
			var got []string
			for _, d := range parseDocuments(tt.in, &w) {
				got = append(got, documentString(d))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("documents:\n got %q\nwant %q", got, tt.want)
			}
			if kinds := warningKinds(w.list); !reflect.DeepEqual(kinds, tt.warnings) {
				t.Errorf("warnings %q, want kinds %q", w.list, tt.warnings)
			}
		})
	}
}

func TestParseLegalBasis(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []string // "number | title"
		warnings []Category
	}{
		{
			name: "1.000178 a title ending in a year glued to the number",
			in:   "Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại, kiến nghị, phản ánh; giải quyết khiếu nại và quản lý công tác giải quyết khiếu nại trong công an nhân dân68/2013/TT-BCALuật Khiếu nại  năm 201102/2011/QH13Quy định quy trình giải quyết khiếu nại trong công an nhân dân11/2015/TT-BCANghị định 05/2012/NĐ-CP05/2012/NĐ-CP",
			want: []string{
				"68/2013/TT-BCA | Hướng dẫn xử lý khiếu nại, kiến nghị, phản ánh; giải quyết khiếu nại và quản lý công tác giải quyết khiếu nại trong công an nhân dân",
				"02/2011/QH13 | Luật Khiếu nại năm 2011",
				"11/2015/TT-BCA | Quy định quy trình giải quyết khiếu nại trong công an nhân dân",
				"05/2012/NĐ-CP | Nghị định 05/2012/NĐ-CP",
			},
		},
		{
			name: "1.000232 a number repeated in its title",
			in:   "Tên văn bản pháp lýMã văn bảnQuy định mẫu giấy tờ liên quan đến việc nhập cảnh, xuất cảnh, cư trú của người nước ngoài tại Việt Nam04/2015/TT-BCANhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam47/2014/QH13Luật 51/2019/QH1451/2019/QH14Thông tư 57/2020/TT-BCA57/2020/TT-BCA",
			want: []string{
				"04/2015/TT-BCA | Quy định mẫu giấy tờ liên quan đến việc nhập cảnh, xuất cảnh, cư trú của người nước ngoài tại Việt Nam",
				"47/2014/QH13 | Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam",
				"51/2019/QH14 | Luật 51/2019/QH14",
				"57/2020/TT-BCA | Thông tư 57/2020/TT-BCA",
			},
		},
		{
			name: "1.000253 a document type in the number cell",
			in:   "Tên văn bản pháp lýMã văn bảnLuật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt NamLuật 47/2014/QH13Thông tư quy định cách thức thực hiện khai báo, tiếp nhận thông tin tạm trú của người nước ngoài tại Việt Nam53/2016/TT-BCA",
			want: []string{
				"47/2014/QH13 | Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam",
				"53/2016/TT-BCA | Thông tư quy định cách thức thực hiện khai báo, tiếp nhận thông tin tạm trú của người nước ngoài tại Việt Nam",
			},
		},
		{
			name: "1.000931 amending law of 2023, a title in capitals glued to the code",
			in:   "Tên văn bản pháp lýMã văn bảnLuật Xuất cảnh, nhập cảnh của công dân Việt Nam và Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam sửa đổi 202323/2023/QH15Luật 51/2019/QH1451/2019/QH14Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam47/2014/QH13Quy định mẫu giấy tờ liên quan đến việc nhập cảnh, xuất cảnh, cư trú của người nước ngoài tại Việt Nam04/2015/TT-BCAQUY ĐỊNH MỨC THU, CHẾ ĐỘ THU, NỘP, QUẢN LÝ VÀ SỬ DỤNG PHÍ, LỆ PHÍ TRONG LĨNH VỰC XUẤT CẢNH, NHẬP CẢNH, QUÁ CẢNH, CƯ TRÚ TẠI VIỆT NAM25/2021/TT-BTCThông tư số 22/2023/TT-BCA22/2023/TT-BCA",
			want: []string{
				"23/2023/QH15 | Luật Xuất cảnh, nhập cảnh của công dân Việt Nam và Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam sửa đổi 2023",
				"51/2019/QH14 | Luật 51/2019/QH14",
				"47/2014/QH13 | Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam",
				"04/2015/TT-BCA | Quy định mẫu giấy tờ liên quan đến việc nhập cảnh, xuất cảnh, cư trú của người nước ngoài tại Việt Nam",
				"25/2021/TT-BTC | QUY ĐỊNH MỨC THU, CHẾ ĐỘ THU, NỘP, QUẢN LÝ VÀ SỬ DỤNG PHÍ, LỆ PHÍ TRONG LĨNH VỰC XUẤT CẢNH, NHẬP CẢNH, QUÁ CẢNH, CƯ TRÚ TẠI VIỆT NAM",
				"22/2023/TT-BCA | Thông tư số 22/2023/TT-BCA",
			},
		},
		{
			name: "1.000757 rows 3-5: a number inside a title without a space after it",
			in:   "Tên văn bản pháp lýMã văn bảnLuật Căn cước26/2023/QH15Thông tư số 73/2024/TT-BTC ngày 21/10/2024 của Bộ Tài chính quy định mức thu, miễn, chế độ thu, nộp lệ phí cấp đổi, cấp lại thẻ căn cước73/2024/TT-BTCThông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA ngày 15 tháng 5 năm 2021 của Bộ trưởng Bộ Công an quy định chi tiết một số điều và biện pháp thi hành Luật Cư trú được sửa đổi, bổ sung bởi Thông tư số 66/2023/TT-BCA ngày 17 tháng 11 năm 2023; Thông tư số 56/2021/TT-BCA ngày 15 tháng 5 năm 2021 của Bộ trưởng Bộ Công an quy định về biểu mẫu trong đăng ký, quản lý cư trú được sửa đổi, bổ sung bởi Thông tư số 66/2023/TT-BCA ngày 17 tháng 11 năm 2023; Thông tư số 17/2024/TT-BCA ngày 15 tháng 5 năm 2024 của Bộ trưởng Bộ Công an quy định chi tiết một số điều và biện pháp thi hành Luật Căn cước.53/2025/TT-BCA",
			want: []string{
				"26/2023/QH15 | Luật Căn cước",
				"73/2024/TT-BTC | Thông tư số 73/2024/TT-BTC ngày 21/10/2024 của Bộ Tài chính quy định mức thu, miễn, chế độ thu, nộp lệ phí cấp đổi, cấp lại thẻ căn cước",
				"53/2025/TT-BCA | Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi, bổ sung một số điều của Thông tư số 55/2021/TT-BCA ngày 15 tháng 5 năm 2021 của Bộ trưởng Bộ Công an quy định chi tiết một số điều và biện pháp thi hành Luật Cư trú được sửa đổi, bổ sung bởi Thông tư số 66/2023/TT-BCA ngày 17 tháng 11 năm 2023; Thông tư số 56/2021/TT-BCA ngày 15 tháng 5 năm 2021 của Bộ trưởng Bộ Công an quy định về biểu mẫu trong đăng ký, quản lý cư trú được sửa đổi, bổ sung bởi Thông tư số 66/2023/TT-BCA ngày 17 tháng 11 năm 2023; Thông tư số 17/2024/TT-BCA ngày 15 tháng 5 năm 2024 của Bộ trưởng Bộ Công an quy định chi tiết một số điều và biện pháp thi hành Luật Căn cước",
			},
		},
		{
			name: "1.007026 rows 1-3: a title starting in lower case",
			in:   "Tên văn bản pháp lýMã văn bảnThông tư số 40/2025/TT-BTC Sửa đổi, bổ sung một số điều của các Thông tư thuộc lĩnh vực quản lý thuế để phân định thẩm quyền của chính quyền địa phương theo mô hình tổ chức chính quyền địa phương 02 cấp40/2025/TT-BTCNghị định số 91/2022/NĐ-CP sửa đổi bổ sung một số điều của Nghị định số 126/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định chi tiết một số điều của Luật Quản lý thuế91/2022/NĐ-CPsửa đổi một số điều của Thông tư 19/2021/TT-BTC ngày 18/3/2021 của Bộ trưởng Bộ Tài chính hướng dẫn giao dịch điện tử trong lĩnh vực thuế46/2024/TT-BTC",
			want: []string{
				"40/2025/TT-BTC | Thông tư số 40/2025/TT-BTC Sửa đổi, bổ sung một số điều của các Thông tư thuộc lĩnh vực quản lý thuế để phân định thẩm quyền của chính quyền địa phương theo mô hình tổ chức chính quyền địa phương 02 cấp",
				"91/2022/NĐ-CP | Nghị định số 91/2022/NĐ-CP sửa đổi bổ sung một số điều của Nghị định số 126/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định chi tiết một số điều của Luật Quản lý thuế",
				"46/2024/TT-BTC | sửa đổi một số điều của Thông tư 19/2021/TT-BTC ngày 18/3/2021 của Bộ trưởng Bộ Tài chính hướng dẫn giao dịch điện tử trong lĩnh vực thuế",
			},
		},
		{
			name:     "1.014208 a number cell without type, completed from its title",
			in:       "Tên văn bản pháp lýMã văn bảnQuyết định 24/2024/QĐ-UBND Sơn La 2024 mẫu hồ sơ, thủ tục chọn dự án hỗ trợ sản xuất liên kết theo chuỗi giá trị24/2024",
			warnings: []Category{LegalNumberCompleted},
			want: []string{
				"24/2024/QĐ-UBND | Quyết định 24/2024/QĐ-UBND Sơn La 2024 mẫu hồ sơ, thủ tục chọn dự án hỗ trợ sản xuất liên kết theo chuỗi giá trị",
			},
		},
		{
			name: "1.001939 a row: a number cell without year, glued to a title ending in a year",
			in:   "Tên văn bản pháp lýMã văn bảnQuyết định phê duyệt quy trình đăng ký đóng, cấp thẻ BHYT đối với người chỉ tham gia BHYT trên Cổng Dịch vụ công theo Quyết định số 422/QĐ-TTg ngày 04/4/2022 của Thủ tướng Chính phủ phê duyệt danh mục dịch vụ công trực tuyến tích hợp, cung cấp trên Cổng Dịch vụ công Quốc gia năm 20223510/QĐ-BHXH",
			want: []string{
				"3510/QĐ-BHXH | Quyết định phê duyệt quy trình đăng ký đóng, cấp thẻ BHYT đối với người chỉ tham gia BHYT trên Cổng Dịch vụ công theo Quyết định số 422/QĐ-TTg ngày 04/4/2022 của Thủ tướng Chính phủ phê duyệt danh mục dịch vụ công trực tuyến tích hợp, cung cấp trên Cổng Dịch vụ công Quốc gia năm 2022",
			},
		},
		{
			name: "2.002042 a first cell without title, 66.7, the same number twice",
			in:   "Tên văn bản pháp lýMã văn bản47/2019/TT-BTCThông tư 47/2019/TT-BTCLuật Doanh nghiệp59/2020/QH14Thông tư quy định mức thu, miễn một số khoản phí, lệ phí nhằm hỗ trợ cho doanh nghiệp, người dân64/2025/TT-BTCThông tư số 68/2025/TT-BTC của Bộ Tài chính: Ban hành biểu mẫu sử dụng trong đăng ký doanh nghiệp, đăng ký hộ kinh doanh68/2025/TT-BTCNghị định số 168/2025/NĐ-CP ngày 30 tháng 6 năm 2025 của Chính phủ về đăng ký doanh nghiệp168/2025/NĐ-CPNghị quyết số 66.7/2025/NQ-CP của Chính phủ: Quy định cắt giảm, đơn giản hóa thủ tục hành chính dựa trên dữ liệu66.7/2025/NQ-CPLuật sửa đổi, bổ sung một số điều của Luật Doanh nghiệp 202076/2025/QH15",
			want: []string{
				"47/2019/TT-BTC | Thông tư",
				"59/2020/QH14 | Luật Doanh nghiệp",
				"64/2025/TT-BTC | Thông tư quy định mức thu, miễn một số khoản phí, lệ phí nhằm hỗ trợ cho doanh nghiệp, người dân",
				"68/2025/TT-BTC | Thông tư số 68/2025/TT-BTC của Bộ Tài chính: Ban hành biểu mẫu sử dụng trong đăng ký doanh nghiệp, đăng ký hộ kinh doanh",
				"168/2025/NĐ-CP | Nghị định số 168/2025/NĐ-CP ngày 30 tháng 6 năm 2025 của Chính phủ về đăng ký doanh nghiệp",
				"66.7/2025/NQ-CP | Nghị quyết số 66.7/2025/NQ-CP của Chính phủ: Quy định cắt giảm, đơn giản hóa thủ tục hành chính dựa trên dữ liệu",
				"76/2025/QH15 | Luật sửa đổi, bổ sung một số điều của Luật Doanh nghiệp 2020",
			},
		},
		{
			name: "1.001303 a department code in parentheses, a run of issuers",
			in:   "Tên văn bản pháp lýMã văn bảnThông tư liên tịch 09/2009/TTLT-BCA-BYT - Hướng dẫn khám sức khỏe để tuyển chọn công dân phục vụ có thời hạn trong Công an nhân dân09/2009/TTLT-BCA-BYTThông tư 21/2007/TT-BCA(X13) - Hướng dẫn thực hiện một số điều của Nghị định số 12/2007/NĐ-CP ngày 17/01/2007 quy định về công dân phục vụ có thời hạn trong Công an nhân dân21/2007/TT-BCA(X13)Nghị định 12/2007/NĐ-CP - Quy định về công dân phục vụ có thời hạn trong Công an nhân dân12/2007/NĐ-CP",
			want: []string{
				"09/2009/TTLT-BCA-BYT | Thông tư liên tịch 09/2009/TTLT-BCA-BYT - Hướng dẫn khám sức khỏe để tuyển chọn công dân phục vụ có thời hạn trong Công an nhân dân",
				"21/2007/TT-BCA(X13) | Thông tư 21/2007/TT-BCA(X13) - Hướng dẫn thực hiện một số điều của Nghị định số 12/2007/NĐ-CP ngày 17/01/2007 quy định về công dân phục vụ có thời hạn trong Công an nhân dân",
				"12/2007/NĐ-CP | Nghị định 12/2007/NĐ-CP - Quy định về công dân phục vụ có thời hạn trong Công an nhân dân",
			},
		},
		{
			name: "3.000044 a number with a letter",
			in:   "Tên văn bản pháp lýMã văn bảnvề chương trình hỗ trợ giảm nghèo nhanh và bền vững đối với 61 huyện nghèoNghị quyết số 30a/2008/NQ-CP",
			want: []string{"30a/2008/NQ-CP | về chương trình hỗ trợ giảm nghèo nhanh và bền vững đối với 61 huyện nghèo"},
		},
		{
			name: "1.008501 a cell followed by a title that is a number",
			in:   "Tên văn bản pháp lýMã văn bảnLuật Quản lý thuế38/2019/QH14Thông tư số 19/2021/TT-BTC ngày 18/3/2021 của Bộ Tài chính hướng dẫn Giao dịch điện tử trong lĩnh vực thuế19/2021/TT-BTC86/2024/TT-BTC86/2024/TT-BTCNghị định số 118/2025/NĐ-CP của Chính phủ: Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia118/2025/NĐ-CP",
			want: []string{
				"38/2019/QH14 | Luật Quản lý thuế",
				"19/2021/TT-BTC | Thông tư số 19/2021/TT-BTC ngày 18/3/2021 của Bộ Tài chính hướng dẫn Giao dịch điện tử trong lĩnh vực thuế",
				"86/2024/TT-BTC | 86/2024/TT-BTC",
				"118/2025/NĐ-CP | Nghị định số 118/2025/NĐ-CP của Chính phủ: Về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia",
			},
		},
		{
			name: "2.002139 last rows: a number quoted at the end of a title, glued to the cell",
			in:   "Tên văn bản pháp lýMã văn bảnThông tư số 19/2024/TT-BTP ngày 31/12/2024 của Bộ trưởng Bộ Tư pháp quy định chi tiết và hướng dẫn thi hành một số điều của Luật Đấu giá tài sản số 01/2016/QH14 được sửa đổi, bổ sung một số điều theo Luật số 37/2024/QH1519/2024/TT-BTPLuật sửa đổi, bổ sung một số điều của Luật Đấu giá tài sản năm 202437/2024/QH15",
			want: []string{
				"19/2024/TT-BTP | Thông tư số 19/2024/TT-BTP ngày 31/12/2024 của Bộ trưởng Bộ Tư pháp quy định chi tiết và hướng dẫn thi hành một số điều của Luật Đấu giá tài sản số 01/2016/QH14 được sửa đổi, bổ sung một số điều theo Luật số 37/2024/QH15",
				"37/2024/QH15 | Luật sửa đổi, bổ sung một số điều của Luật Đấu giá tài sản năm 2024",
			},
		},
		{
			name: "3.000140 last rows: a number cell without type completed from its title, a cell that is no symbol",
			in:   "Tên văn bản pháp lýMã văn bảnNghị định số 46/2020/NĐ-CP46/2020Luật Hải quan 201454",
			want: []string{
				"46/2020/NĐ-CP | Nghị định số 46/2020/NĐ-CP",
			},
			warnings: []Category{LegalNumberCompleted, LegalCellNotASymbol},
		},
		{
			name:     "3.000337 another field spilled into the legal basis, naming its document",
			in:       ": Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính quy định mức thu, chế độ thu, nộp, quản lý và sử dụng phí và lệ phí thuộc lĩnh vực an toàn thông tin.)",
			want:     []string{"269/2016/TT-BTC | Thông tư 269/2016/TT-BTC"},
			warnings: []Category{LegalNoTable},
		},
		{name: "no information", in: "Không có thông tin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warnings
			var got []string
			for _, ref := range parseLegalBasis(tt.in, nil, &w) {
				got = append(got, ref.Number+" | "+ref.Title)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("legal basis:\n got %q\nwant %q", got, tt.want)
			}
			if kinds := warningKinds(w.list); !reflect.DeepEqual(kinds, tt.warnings) {
				t.Errorf("warnings %q, want kinds %q", w.list, tt.warnings)
			}
		})
	}
}

func TestParseResult(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		result   string
		codes    []string
		warnings int
	}{
		{
			name:   "1.004089 one result, keywords",
			in:     "Quyết định hành chínhMã: 000.00.00.G11-KQ1711Từ khóaXét hưởng trợ cấp đối với thương binh, người được hưởng chính sách như thương binh tại Công an cấp tỉnhMô tảKhông có thông tin",
			result: "Quyết định hành chính",
			codes:  []string{"000.00.00.G11-KQ1711"},
		},
		{
			name:   "1.000236 two results and page furniture",
			in:     "Công văn thông báo từ chối cấp tài khoản điện tử (NB9)Mã: KQ.G01.000020Công văn trả lời của Cục Quản lý xuất nhập cảnh về việc cấp tài khoản điện tử (mẫu NB8) ban hành kèm theo Thông tư số 22/2023/TT-BCA ngày 30/6/2023 của Bộ Công an.Mã: KQ.G01.000021Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Bộ ngành --Đơn vị-- Chọn Cơ sở --Nộp hồ sơ",
			result: "Công văn thông báo từ chối cấp tài khoản điện tử (NB9)\nCông văn trả lời của Cục Quản lý xuất nhập cảnh về việc cấp tài khoản điện tử (mẫu NB8) ban hành kèm theo Thông tư số 22/2023/TT-BCA ngày 30/6/2023 của Bộ Công an.",
			codes:  []string{"KQ.G01.000020", "KQ.G01.000021"},
		},
		{
			name:   "1.009636 a TP- code",
			in:     "Quyết định chấp thuận điều chỉnh chủ trương đầu tư theo Mẫu I.2.2 hoặc Quyết định chấp thuận điều chỉnh nhà đầu tư theo Mẫu I.2.5.a ban hành kèm theo Thông tư số 55/2026/TT-BTC hoặc văn bản từ chối, nêu rõ lý doMã: TP-G12.0001300Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Bộ ngành --Đơn vị-- Chọn Cơ sở --Nộp hồ sơ",
			result: "Quyết định chấp thuận điều chỉnh chủ trương đầu tư theo Mẫu I.2.2 hoặc Quyết định chấp thuận điều chỉnh nhà đầu tư theo Mẫu I.2.5.a ban hành kèm theo Thông tư số 55/2026/TT-BTC hoặc văn bản từ chối, nêu rõ lý do",
			codes:  []string{"TP-G12.0001300"},
		},
		{
			name:   "3.000163 a code of letters",
			in:     "Văn bản tố tụng của Tòa án theo tiến trình giải quyếtMã: VBTT",
			result: "Văn bản tố tụng của Tòa án theo tiến trình giải quyết",
			codes:  []string{"VBTT"},
		},
		{
			name:   "3.000116 a code glued to an upper-case next result",
			in:     "Chứng từ hoàn trả thu ngân sách nhà nước của KBNN có chữ ký xác nhận đã nhận đủ tiền của người nhận tiềnMã: KQ.G12.000099KBNN hoặc ngân hàng hoặc tổ chức cung ứng dịch vụ trung gian thanh toán báo Có cho tổ chức, cá nhân được hoàn trả các khoản thu ngân sách nhà nướcMã: KQ.G12.001328Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở-- Chọn Phường/ Xã --Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ",
			result: "Chứng từ hoàn trả thu ngân sách nhà nước của KBNN có chữ ký xác nhận đã nhận đủ tiền của người nhận tiền\nKBNN hoặc ngân hàng hoặc tổ chức cung ứng dịch vụ trung gian thanh toán báo Có cho tổ chức, cá nhân được hoàn trả các khoản thu ngân sách nhà nước",
			codes:  []string{"KQ.G12.000099", "KQ.G12.001328"},
		},
		{
			name:     "1.013812 test leftovers instead of codes",
			in:       "Quyết định đăng ký tập sự của Sở Tư pháp nơi chuyển đến hoặc văn bản từ chối có nêu rõ lý do.Mã: hgvg6Quyết định xóa đăng ký tập sự hành nghề công chứng của Sở Tư pháp nơi đã tập sự hoặc văn bản từ chối có nêu rõ lý do.Mã: vgvjTừ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở-- Chọn Phường/ Xã --Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ",
			result:   "Quyết định đăng ký tập sự của Sở Tư pháp nơi chuyển đến hoặc văn bản từ chối có nêu rõ lý do.\nQuyết định xóa đăng ký tập sự hành nghề công chứng của Sở Tư pháp nơi đã tập sự hoặc văn bản từ chối có nêu rõ lý do.",
			warnings: 2,
		},
		{
			name:     "1.115126 a sentence where the code should be",
			in:       "Giấy chứng nhận đăng ký doanh nghiệp cho doanh nghiệpMã: Cơ quan đăng ký kinh doanh cấp Giấy chứng nhận đăng ký doanh nghiệp cho doanh nghiệp.",
			result:   "Giấy chứng nhận đăng ký doanh nghiệp cho doanh nghiệp\nCơ quan đăng ký kinh doanh cấp Giấy chứng nhận đăng ký doanh nghiệp cho doanh nghiệp.",
			warnings: 1,
		},
		{name: "empty", in: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warnings
			result, codes := parseResult(tt.in, &w)
			if result != tt.result || !reflect.DeepEqual(codes, tt.codes) || len(w.list) != tt.warnings {
				t.Errorf("parseResult = %q, %q, warnings %q; want %q, %q, %d warnings",
					result, codes, w.list, tt.result, tt.codes, tt.warnings)
			}
		})
	}
}

func TestComposeVietnamese(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// 1.000178: "lần" with a precomposed â and a combining grave.
		{"1.000178 result", "Quyết định giải quyết khiếu nại l\u00e2\u0300n 1, l\u00e2\u0300n 2", "Quyết định giải quyết khiếu nại lần 1, lần 2"},
		// Made up: fully decomposed, both orders of the marks on "ộ".
		{"decomposed", "Bo\u0323\u0302 Co\u0302ng an", "Bộ Công an"},
		{"other order", "Bo\u0302\u0323", "Bộ"},
		{"horn and hook", "Thu\u031b\u0309 tu\u031b\u0323c", "Thử tực"},
		{"capitals", "U\u031b\u0301NG DU\u0323NG", "ỨNG DỤNG"},
		{"nothing to do", "Cấp, quản lý căn cước", "Cấp, quản lý căn cước"},
		{"a mark with no letter", "\u0301a", "\u0301a"},
	}
	for _, tt := range tests {
		if got := norm.NFC.String(tt.in); got != tt.want {
			t.Errorf("%s: NFC(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}

	// Parse composes the fields it reads but keeps the raw text as crawled.
	line := `{"ma_thu_tuc": "1.000757", "ten_thu_tuc": "C\u00e2\u0301p la\u0323i the\u0309 c\u0103n c\u01b0\u01a1\u0301c", "linh_vuc": "C\u00e2\u0301p, qua\u0309n ly\u0301 c\u0103n c\u01b0\u01a1\u0301c", "raw_text": "C\u00e2\u0301p"}`
	rec, err := Parse([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Procedure.Name != "Cấp lại thẻ căn cước" || rec.Sector != "Cấp, quản lý căn cước" || rec.Procedure.RawText != "C\u00e2\u0301p" {
		t.Errorf("Parse gave name %q, sector %q, raw text %q", rec.Procedure.Name, rec.Sector, rec.Procedure.RawText)
	}
}

func warningKinds(list []Warning) []Category {
	var kinds []Category
	for _, w := range list {
		kinds = append(kinds, w.Category)
	}
	return kinds
}

var updateGolden = flag.Bool("update", false, "rewrite testdata/sample.golden.json")

// goldenRecord is a Record as the golden file shows it. The raw page text
// is long and only copied through, so the file shows its length instead;
// TestGolden checks the copy.
type goldenRecord struct {
	Record
	RawTextLength int
}

// TestGolden parses diverse real records and compares the result with
// testdata/sample.golden.json. Run with -update to rewrite the file, then
// read the diff.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sample.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenRecord
	for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		rec, err := Parse(line)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var pr PortalRecord
		if err := json.Unmarshal(line, &pr); err != nil {
			t.Fatal(err)
		}
		if rec.Procedure.RawText != pr.RawText {
			t.Errorf("line %d: raw text not kept", i+1)
		}
		g := goldenRecord{Record: rec, RawTextLength: len(rec.Procedure.RawText)}
		g.Procedure.RawText = ""
		out = append(out, g)
	}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')

	path := filepath.Join("testdata", "sample.golden.json")
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test ./internal/importer -run Golden -update and review the diff", path)
	}
}

// TestWholeFile parses the whole portal export and checks the parse quality.
func TestWholeFile(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "procedures-national-portal.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("portal export not available: %v", err)
	}
	defer f.Close()

	var (
		records, failed                   int
		withChannels, withDocs, withLegal int
		withLegalText, legalFromText      int
		withFeeAmount, channels, timed    int
		feeAmounts, nonZeroFees           int
		documents, withForm, withCopies   int
		legalRefs, withWarnings           int
		warningsByKind                    = map[string]int{}
		warningsByMessage                 = map[string]int{}
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		records++
		rec, err := Parse(line)
		if err != nil {
			failed++
			t.Errorf("record %d: %v", records, err)
			continue
		}
		var pr PortalRecord
		if err := json.Unmarshal(line, &pr); err != nil {
			t.Fatal(err)
		}

		if len(rec.Channels) > 0 {
			withChannels++
		}
		hasAmount := false
		for _, ch := range rec.Channels {
			channels++
			if ch.ProcessingTime != nil {
				timed++
				if !ch.ProcessingTime.Value.IsPositive() {
					t.Errorf("%s: processing time %s is not positive", rec.Procedure.Code, ch.ProcessingTime.Value)
				}
			}
			if ch.Fee.Amount != nil {
				hasAmount = true
				feeAmounts++
				if !ch.Fee.Amount.IsZero() {
					nonZeroFees++
				}
			}
		}
		if hasAmount {
			withFeeAmount++
		}
		if len(rec.Documents) > 0 {
			withDocs++
		}
		documents += len(rec.Documents)
		for _, d := range rec.Documents {
			if d.Form != "" {
				withForm++
			}
			if d.Copies != nil {
				withCopies++
			}
		}
		if len(rec.Warnings) > 0 {
			withWarnings++
		}
		if len(rec.LegalBasis) > 0 {
			withLegal++
		}
		legalRefs += len(rec.LegalBasis)
		if text := strings.TrimSpace(pr.LegalBasis); text != "" && text != noInfo {
			withLegalText++
			if len(rec.LegalBasis) > 0 {
				legalFromText++
			}
		}
		for _, ref := range rec.LegalBasis {
			if ref.Number == "" || strings.ContainsFunc(ref.Number, func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\t' || r == '\n' }) {
				t.Errorf("%s: bad legal number %q", rec.Procedure.Code, ref.Number)
			}
		}
		for _, w := range rec.Warnings {
			warningsByKind[w.Field]++
			warningsByMessage[string(w.Category)]++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	if records != 1319 || failed != 0 {
		t.Errorf("parsed %d records, %d failed; want 1319 and 0", records, failed)
	}
	if float64(withChannels) < 0.95*float64(records) {
		t.Errorf("%d of %d records have a channel; want at least 95%%", withChannels, records)
	}
	if float64(legalFromText) < 0.90*float64(withLegalText) {
		t.Errorf("%d of %d records with a legal basis text yield a reference; want at least 90%%", legalFromText, withLegalText)
	}

	t.Logf("records: %d, with channels %d, with documents %d, with legal refs %d, with a fee amount %d",
		records, withChannels, withDocs, withLegal, withFeeAmount)
	t.Logf("channels: %d, %d with a parsed processing time, %d with a fee amount (%d of them not zero)",
		channels, timed, feeAmounts, nonZeroFees)
	t.Logf("documents: %d, %d with a form, %d with a stated number of copies", documents, withForm, withCopies)
	t.Logf("legal refs: %d (%d of %d non-empty legal basis texts yield one)", legalRefs, legalFromText, withLegalText)
	t.Logf("records with at least one warning: %d", withWarnings)
	t.Logf("warnings by kind:")
	for _, k := range sortedByCount(warningsByKind) {
		t.Logf("  %5d %s", warningsByKind[k], k)
	}
	t.Logf("warnings by message:")
	for _, k := range sortedByCount(warningsByMessage) {
		t.Logf("  %5d %s", warningsByMessage[k], k)
	}
}

// sortedByCount returns the keys of m, largest count first.
func sortedByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}
