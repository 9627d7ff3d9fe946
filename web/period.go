package web

import (
	"net/http"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

// wita is the time zone analysts read times in.
var wita = news.WITA

// span is a window the pages report on, with the window before it for
// comparison.
type span struct {
	Key       string // the value of ?periode=
	Label     string // Hari ini, 7 hari, ...
	Since     time.Time
	Until     time.Time
	PrevSince time.Time // the previous window is [PrevSince, Since)
	Interval  string    // chart buckets: hour or day
	Compare   string    // what the change is against, in words
}

var periodKeys = []struct {
	key, label string
	days       int
}{
	{"hari-ini", "Hari ini", 0},
	{"7-hari", "7 hari", 7},
	{"30-hari", "30 hari", 30},
	{"90-hari", "90 hari", 90},
}

// periodOf reads ?periode= (def when absent or unknown). "hari-ini" runs
// from 00:00 WITA and is compared with yesterday up to the same time; N
// days are compared with the N days before.
func periodOf(r *http.Request, now time.Time, def string) span {
	key := r.URL.Query().Get("periode")
	p, ok := makePeriod(key, now)
	if !ok {
		p, _ = makePeriod(def, now)
	}
	return p
}

func makePeriod(key string, now time.Time) (span, bool) {
	for _, k := range periodKeys {
		if k.key != key {
			continue
		}
		p := span{Key: k.key, Label: k.label, Until: now.UTC(), Interval: "day"}
		if k.days == 0 {
			y, m, d := now.In(wita).Date()
			p.Since = time.Date(y, m, d, 0, 0, 0, 0, wita).UTC()
			p.PrevSince = p.Since.Add(-24 * time.Hour)
			p.Interval = "hour"
			p.Compare = "kemarin pada jam yang sama"
		} else {
			// Whole days (WITA): today and the days before it, so that a
			// day chart has exactly k.days bars, the last one today's.
			y, m, d := now.In(wita).Date()
			p.Since = time.Date(y, m, d-(k.days-1), 0, 0, 0, 0, wita).UTC()
			p.PrevSince = p.Since.Add(-time.Duration(k.days) * 24 * time.Hour)
			p.Compare = k.label + " sebelumnya"
		}
		return p, true
	}
	return span{}, false
}

// prevUntil is the end of the comparison window: as long as the current
// one.
func (p span) prevUntil() time.Time { return p.PrevSince.Add(p.Until.Sub(p.Since)) }

// periodChoice is one entry of a page's period switch.
type periodChoice struct {
	Key, Label string
	Active     bool
}

func periodChoices(active string, keys ...string) []periodChoice {
	var out []periodChoice
	for _, k := range periodKeys {
		for _, want := range keys {
			if k.key == want {
				out = append(out, periodChoice{k.key, k.label, k.key == active})
			}
		}
	}
	return out
}
