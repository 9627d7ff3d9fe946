// Package period reads the periods analysts ask for — "24h", "7d", "2w"
// back from an end that is now, a date (its 00:00 WITA) or an RFC 3339
// time. The CLI, the HTTP API and the web app share it, so a period means
// the same everywhere. It does no I/O.
package period

import (
	"fmt"
	"strconv"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

// MaxDays is the longest period accepted.
const MaxDays = 10000

// Parse reads a length: a whole number followed by h (hours), d (days) or
// w (weeks), at most MaxDays days.
func Parse(s string) (time.Duration, error) {
	bad := fmt.Errorf("periode %q tidak dikenal (contoh: 24h, 7d, 2w)", s)
	if len(s) < 2 {
		return 0, bad
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, bad
	}
	var unit time.Duration
	switch s[len(s)-1] {
	case 'h':
		unit = time.Hour
	case 'd':
		unit = 24 * time.Hour
	case 'w':
		unit = 7 * 24 * time.Hour
	default:
		return 0, bad
	}
	// Compared before multiplying, so that no length can overflow.
	if n > int(MaxDays*24*time.Hour/unit) {
		return 0, fmt.Errorf("periode %q terlalu panjang (paling panjang %d hari)", s, MaxDays)
	}
	d := time.Duration(n) * unit
	return d, nil
}

// End reads the end of a period: empty is now, a date YYYY-MM-DD is its
// 00:00 WITA, or an RFC 3339 time. The result is in UTC.
func End(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, news.WITA)
	if err != nil {
		return time.Time{}, fmt.Errorf("akhir periode %q: pakai YYYY-MM-DD atau waktu RFC 3339 (2024-06-12T07:00:00+08:00)", s)
	}
	return t.UTC(), nil
}

// Window is a period: from Since (inclusive) to Until (exclusive), in UTC.
type Window struct {
	Since, Until time.Time
}

// Back is the window of length length ending at end (see Parse and End).
func Back(length, end string, now time.Time) (Window, error) {
	d, err := Parse(length)
	if err != nil {
		return Window{}, err
	}
	u, err := End(end, now)
	if err != nil {
		return Window{}, err
	}
	return Window{Since: u.Add(-d), Until: u}, nil
}
