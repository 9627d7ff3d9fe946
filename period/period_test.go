package period

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for s, want := range map[string]time.Duration{"24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "10000d": 10000 * 24 * time.Hour} {
		if got, err := Parse(s); err != nil || got != want {
			t.Errorf("Parse(%q) = %s, %v; want %s", s, got, err, want)
		}
	}
	for _, s := range []string{"", "d", "7", "0d", "-1d", "7m", "1.5d", "10001d", "1429w", "240001h", "9223372036854775807d", "99999999999999999999d"} {
		if _, err := Parse(s); err == nil || !strings.Contains(err.Error(), "periode") {
			t.Errorf("Parse(%q) = %v, want an Indonesian error", s, err)
		}
	}
}

func TestBack(t *testing.T) {
	now := time.Date(2024, 6, 12, 3, 0, 0, 0, time.UTC)
	w, err := Back("7d", "", now)
	if err != nil || !w.Until.Equal(now) || !w.Since.Equal(now.AddDate(0, 0, -7)) {
		t.Errorf("7d back from now: %+v %v", w, err)
	}
	// A date is its midnight in WITA (UTC+8).
	w, err = Back("1d", "2024-06-12", now)
	if err != nil || !w.Until.Equal(time.Date(2024, 6, 11, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("until a date: %+v %v", w, err)
	}
	w, err = Back("24h", "2024-06-12T07:00:00+08:00", now)
	if err != nil || !w.Until.Equal(time.Date(2024, 6, 11, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("until an RFC 3339 time: %+v %v", w, err)
	}
	if _, err := Back("7d", "12/06/2024", now); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad end: %v", err)
	}
}
