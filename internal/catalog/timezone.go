package catalog

import "time"

// Vietnam is the time zone whose calendar every date of the application
// means: a filter's days, a report's months, the dates of an export. It
// is UTC+7 without daylight saving, as Asia/Ho_Chi_Minh has been since
// 1975; the database's vn_month (migration 00005) uses that zone by name.
var Vietnam = time.FixedZone("ICT", 7*3600)
