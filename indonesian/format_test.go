package indonesian

import (
	"math"
	"testing"
	"time"
)

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Int(0), "0"},
		{Int(7), "7"},
		{Int(999), "999"},
		{Int(1234), "1.234"},
		{Int(1234567), "1.234.567"},
		{Int(-1234), "-1.234"},
		{Decimal(0.4, 1), "0,4"},
		{Decimal(0.04, 1), "0,0"},
		{Decimal(1234.56, 1), "1.234,6"},
		{Decimal(2, 1), "2,0"},
		{Decimal(-0.25, 2), "-0,25"},
		{Decimal(-0.01, 1), "0,0"},
		{Decimal(12.5, 0), "13"},
		{Decimal(math.NaN(), 1), "–"},
		{Percent(1, 3), "33%"},
		{Percent(2, 3), "67%"},
		{Percent(5, 0), "0%"},
		{Signed(3), "+3"},
		{Signed(-1200), "-1.200"},
		{Signed(0), "0"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	wita := time.FixedZone("WITA", 8*3600)
	d := time.Date(2026, 11, 30, 14, 5, 0, 0, wita)
	for _, c := range []struct {
		got, want string
	}{
		{Date(d), "Senin, 30 November 2026"},
		{DateNoDay(d), "30 November 2026"},
		{DayMonth(d), "30 Nov"},
		{Clock(d), "14.05"},
		{DateTime(d), "Senin, 30 November 2026 pukul 14.05 WITA"},
		{Stamp(d), "30 Nov 2026 14.05 WITA"},
		{Stamp(time.Date(2026, 5, 1, 7, 0, 0, 0, wita)), "1 Mei 2026 07.00 WITA"},
		{Date(time.Date(2024, 6, 11, 0, 0, 0, 0, wita)), "Selasa, 11 Juni 2024"},
		{DayMonth(time.Date(2026, 5, 1, 0, 0, 0, 0, wita)), "1 Mei"},
		// The day is the one of the time's own location.
		{Date(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC).In(wita)), "Selasa, 1 Desember 2026"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
