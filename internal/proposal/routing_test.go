package proposal

import (
	"testing"

	"tthc/internal/catalog"
)

func TestRoute(t *testing.T) {
	province := RouteUnit{ID: 40, Name: "Tỉnh Nghệ An", Level: catalog.LevelProvince}
	district := RouteUnit{ID: 41, Name: "Huyện Đô Lương", Level: catalog.LevelDistrict}
	oldCommune := RouteUnit{ID: 42, Name: "Xã Yên Sơn", Level: catalog.LevelCommune}
	newCommune := RouteUnit{ID: 43, Name: "Xã Đô Lương", Level: catalog.LevelCommune}
	ministry := RouteUnit{ID: 7, Name: "Bộ Tư pháp", Level: catalog.LevelMinistry}
	pmOffice := RouteUnit{ID: 1, Name: "Văn phòng Chính phủ", Level: catalog.LevelOther, Central: true}
	ministryID, centralID := int64(7), int64(1)

	tests := []struct {
		name  string
		facts RouteFacts
		want  int64 // 0: a user error
	}{
		{"a pre-2025 commune goes up past its district to the province", RouteFacts{Chain: []RouteUnit{oldCommune, district, province}}, 40},
		{"a district goes to its province", RouteFacts{Chain: []RouteUnit{district, province}}, 40},
		{"a commune since 2025 goes to its province", RouteFacts{Chain: []RouteUnit{newCommune, province}}, 40},
		{"a commune's proposal needing central change still goes to the province", RouteFacts{Chain: []RouteUnit{newCommune, province}, NeedsCentralLegalChange: true, SectorMinistryID: &ministryID}, 40},
		{"a province decides its own proposal", RouteFacts{Chain: []RouteUnit{province}, SectorMinistryID: &ministryID}, 40},
		{"a province's proposal needing central change goes to the sector's ministry", RouteFacts{Chain: []RouteUnit{province}, NeedsCentralLegalChange: true, SectorMinistryID: &ministryID}, 7},
		{"... and is refused when no ministry owns the sector", RouteFacts{Chain: []RouteUnit{province}, NeedsCentralLegalChange: true}, 0},
		{"a ministry goes to the central reviewer", RouteFacts{Chain: []RouteUnit{ministry}, CentralReviewerID: &centralID}, 1},
		{"... and is refused when there is none", RouteFacts{Chain: []RouteUnit{ministry}}, 0},
		{"the central reviewer has no one to submit to", RouteFacts{Chain: []RouteUnit{pmOffice}, CentralReviewerID: &centralID}, 0},
		{"a commune under no province", RouteFacts{Chain: []RouteUnit{newCommune}}, 0},
		{"no unit", RouteFacts{}, 0},
	}
	for _, tt := range tests {
		got, err := Route(tt.facts)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("%s: routed to %d, want a user error", tt.name, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
}
