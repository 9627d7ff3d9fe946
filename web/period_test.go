package web

import (
	"testing"
	"time"
)

// TestPeriodsAreWholeDays: "7 hari" is today and the six days before it
// (WITA), so the overview's day chart draws seven bars, not a partial
// eighth; the comparison window is as long and ends as far into its day.
func TestPeriodsAreWholeDays(t *testing.T) {
	now := time.Date(2026, 11, 30, 14, 5, 0, 0, wita)
	for _, c := range []struct {
		key  string
		days int
	}{{"7-hari", 7}, {"30-hari", 30}} {
		p, ok := makePeriod(c.key, now)
		if !ok {
			t.Fatalf("%s: unknown", c.key)
		}
		if want := time.Date(2026, 11, 30-(c.days-1), 0, 0, 0, 0, wita); !p.Since.Equal(want) {
			t.Errorf("%s since %s, want %s", c.key, p.Since.In(wita), want)
		}
		if bars := len(daySeries(nil, p.Since, p.Until, p.Interval).Keys); bars != c.days {
			t.Errorf("%s: %d bars, want %d", c.key, bars, c.days)
		}
		if got := p.prevUntil(); !got.Equal(now.Add(-time.Duration(c.days) * 24 * time.Hour)) {
			t.Errorf("%s: comparison ends %s", c.key, got.In(wita))
		}
	}
}
