package crawler

import (
	"sort"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

// Adaptive polling: a source that publishes often is asked more often, down
// to PollMin (a conditional GET costs the outlet little), a quiet one less
// often, up to PollMax.
const (
	defaultPollMin   = time.Minute
	defaultPollMax   = 30 * time.Minute
	defaultPollStart = 10 * time.Minute

	// gapWindow and gapItems bound the publication times the gap between
	// two publications is estimated from.
	gapWindow = 7 * 24 * time.Hour
	gapItems  = 50
)

// bounds are the shortest and longest interval for a source: PollMin,
// raised to the kind's own floor (a platform's quota), and PollMax.
func (c *Crawler) bounds(s source.Source) (floor, ceil time.Duration) {
	floor, ceil = c.PollMin, c.PollMax
	if floor <= 0 {
		floor = defaultPollMin
	}
	if ceil <= 0 {
		ceil = defaultPollMax
	}
	if m, ok := s.(source.MinIntervaler); ok {
		floor = max(floor, m.MinInterval())
	}
	return floor, max(ceil, floor)
}

// plan is what one pass tells the schedule.
type plan struct {
	start  time.Time   // when the pass began: the next one is due an interval later
	dates  []time.Time // publication times of the items listed (new or known)
	new    int64
	failed bool
}

// schedule sets h's next interval and poll from the pass just made.
//
// With publication times, the interval is the estimated gap between two
// publications (the span of the newest items listed over their count),
// stretched to half the time since the newest one when the source has gone
// quiet (night, weekend). Without them (a 304, undated links), it halves
// after a pass that found something new and grows by half after one that
// did not. A failed pass doubles it. A source's own poll_interval is kept
// as it is (but not below its kind's floor).
func (c *Crawler) schedule(h *Health, src config.Source, s source.Source, p plan, now time.Time) {
	floor, ceil := c.bounds(s)
	prev := h.Every()
	if prev <= 0 {
		prev = c.pollStart
		if prev <= 0 {
			prev = defaultPollStart
		}
	}
	newest := h.Newest
	for _, d := range p.dates {
		if d.After(newest) && !d.After(now.Add(time.Hour)) {
			newest = d
		}
	}
	gap := time.Duration(h.GapS) * time.Second
	if g, ok := publicationGap(p.dates, now); ok {
		gap = g
	}
	var next time.Duration
	switch {
	case src.PollInterval > 0:
		next = max(src.PollInterval, floor)
		floor, ceil = next, next
	case p.failed:
		next = prev * 2
	case gap > 0:
		next = gap
		if quiet := now.Sub(newest) / 2; quiet > next {
			next = quiet
		}
	case p.new > 0:
		next = prev / 2
	default:
		next = prev * 3 / 2
	}
	next = min(max(next, floor), ceil)
	h.IntervalS = int64(next / time.Second)
	h.GapS = int64(gap / time.Second)
	h.Newest = newest.UTC()
	// Due an interval after this pass began, so that a long pass (many new
	// articles fetched a host-delay apart) does not stretch the period.
	begun := p.start
	if begun.IsZero() || begun.After(now) {
		begun = now
	}
	h.NextPoll = begun.Add(next).UTC()
	if h.BackoffUntil.After(h.NextPoll) {
		h.NextPoll = h.BackoffUntil
	}
}

// publicationGap estimates the time between two publications from the
// newest dated items of a listing (at most 50, of the last week).
func publicationGap(dates []time.Time, now time.Time) (time.Duration, bool) {
	var ds []time.Time
	for _, d := range dates {
		if !d.IsZero() && d.After(now.Add(-gapWindow)) && !d.After(now.Add(time.Hour)) {
			ds = append(ds, d)
		}
	}
	if len(ds) < 2 {
		return 0, false
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].After(ds[j]) })
	ds = ds[:min(len(ds), gapItems)]
	span := ds[0].Sub(ds[len(ds)-1])
	if span <= 0 {
		return 0, false // every item stamped alike: no rate to read
	}
	return span / time.Duration(len(ds)-1), true
}
