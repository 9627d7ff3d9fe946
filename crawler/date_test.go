package crawler

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	now := time.Date(2024, 6, 11, 8, 0, 0, 0, time.UTC) // 16:00 WITA
	f := func(in, want string) {
		t.Helper()
		got, err := ParseDate(in, now, nil)
		if want == "" {
			if err == nil {
				t.Errorf("ParseDate(%q) = %s, want an error", in, got)
			}
			return
		}
		if err != nil {
			t.Errorf("ParseDate(%q): %v", in, err)
			return
		}
		if s := got.Format(time.RFC3339); s != want {
			t.Errorf("ParseDate(%q) = %s, want %s", in, s, want)
		}
	}
	f("Selasa, 11 Juni 2024 14:05 WITA", "2024-06-11T06:05:00Z")
	f("Selasa, 11 Juni 2024 | 14:05 WIB", "2024-06-11T07:05:00Z")
	f("11 Jun 2024, 14.05 WIT", "2024-06-11T05:05:00Z")
	f("Senin (10/6/2024) pukul 09.30", "2024-06-10T01:30:00Z")
	f("11/06/2024 14:05:30", "2024-06-11T06:05:30Z")
	f("2024-06-11 14:05", "2024-06-11T06:05:00Z")
	f("2024-06-11T14:05:00+08:00", "2024-06-11T06:05:00Z")
	f("2 jam yang lalu", "2024-06-11T06:00:00Z")
	f("15 menit lalu", "2024-06-11T07:45:00Z")
	f("Kemarin 10:00", "2024-06-10T02:00:00Z")
	f("Rabu, 31 Juni 2024", "")
	f("bukan tanggal", "")
	f("", "")
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Selasa, 11 Juni 2024 14:05 WITA", "2 jam yang lalu", "11/06/2024", "2024-06-11T14:05:00+08:00", "kemarin 25:99"} {
		f.Add(s)
	}
	now := time.Date(2024, 6, 11, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s, now, nil)
		if err == nil && (got.Year() < 1900 || got.Year() > 2200) {
			t.Fatalf("ParseDate(%q) = %s", s, got)
		}
	})
}
