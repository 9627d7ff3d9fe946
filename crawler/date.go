package crawler

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

// Indonesian time zones. WITA is Kalimantan Timur's.
var (
	WIB  = time.FixedZone("WIB", 7*3600)
	WITA = news.WITA
	WIT  = time.FixedZone("WIT", 9*3600)
)

var months = map[string]time.Month{
	"januari": 1, "jan": 1, "january": 1,
	"februari": 2, "feb": 2, "pebruari": 2, "february": 2,
	"maret": 3, "mar": 3, "march": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "jun": 6, "june": 6,
	"juli": 7, "jul": 7, "july": 7,
	"agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "okt": 10, "oct": 10, "october": 10,
	"november": 11, "nov": 11, "nopember": 11,
	"desember": 12, "des": 12, "dec": 12, "december": 12,
}

var (
	reRelative = regexp.MustCompile(`(\d+)\s*(detik|menit|jam|hari|minggu|pekan|bulan)\s*(yang\s+)?lalu`)
	reDayMonth = regexp.MustCompile(`(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})`)
	reNumeric  = regexp.MustCompile(`(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})`)
	reClock    = regexp.MustCompile(`(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?`)
	reZone     = regexp.MustCompile(`\b(wib|wita|wit)\b`)
)

// ParseDate understands the date lines of Indonesian news sites:
// "Selasa, 11 Juni 2024 14:05 WITA", "11/06/2024, 14:05 WIB",
// "2024-06-11 14:05", "2 jam yang lalu", "kemarin 10:00". Times without a
// zone are taken as WITA (zone may override). The result is in UTC.
func ParseDate(s string, now time.Time, zone *time.Location) (time.Time, error) {
	if zone == nil {
		zone = WITA
	}
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		return time.Time{}, fmt.Errorf("empty date")
	}
	if len(in) > 200 {
		in = in[:200]
	}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		return t.UTC(), nil
	}
	switch reZone.FindString(in) {
	case "wib":
		zone = WIB
	case "wita":
		zone = WITA
	case "wit":
		zone = WIT
	}
	if m := reRelative.FindStringSubmatch(in); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"detik": time.Second, "menit": time.Minute, "jam": time.Hour,
			"hari": 24 * time.Hour, "minggu": 7 * 24 * time.Hour, "pekan": 7 * 24 * time.Hour, "bulan": 30 * 24 * time.Hour}[m[2]]
		return now.Add(-time.Duration(n) * unit).UTC(), nil
	}
	local := now.In(zone)
	var y, mo, d int
	var matched bool
	if strings.Contains(in, "kemarin") {
		t := local.AddDate(0, 0, -1)
		y, mo, d, matched = t.Year(), int(t.Month()), t.Day(), true
	} else if strings.Contains(in, "hari ini") {
		y, mo, d, matched = local.Year(), int(local.Month()), local.Day(), true
	}
	rest := in
	if !matched {
		if m := reDayMonth.FindStringSubmatchIndex(in); m != nil {
			if mon, ok := months[in[m[4]:m[5]]]; ok {
				d, _ = strconv.Atoi(in[m[2]:m[3]])
				y, _ = strconv.Atoi(in[m[6]:m[7]])
				mo, matched = int(mon), true
				rest = in[m[1]:]
			}
		}
	}
	if !matched {
		if m := reNumeric.FindStringSubmatchIndex(in); m != nil {
			a, _ := strconv.Atoi(in[m[2]:m[3]])
			b, _ := strconv.Atoi(in[m[4]:m[5]])
			c, _ := strconv.Atoi(in[m[6]:m[7]])
			if a > 31 { // 2024-06-11
				y, mo, d = a, b, c
			} else { // 11/06/2024, day first in Indonesia
				d, mo, y = a, b, c
			}
			if y < 100 {
				y += 2000
			}
			matched = true
			rest = in[m[1]:]
		}
	}
	if !matched {
		return time.Time{}, fmt.Errorf("no date in %q", s)
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1990 || y > 2100 {
		return time.Time{}, fmt.Errorf("date out of range in %q", s)
	}
	hh, mm, ss := 0, 0, 0
	if m := reClock.FindStringSubmatch(rest); m != nil {
		hh, _ = strconv.Atoi(m[1])
		mm, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			ss, _ = strconv.Atoi(m[3])
		}
		if hh > 23 || mm > 59 || ss > 59 {
			hh, mm, ss = 0, 0, 0
		}
	}
	t := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, zone)
	if t.Day() != d { // 31 Juni
		return time.Time{}, fmt.Errorf("no such day in %q", s)
	}
	return t.UTC(), nil
}
