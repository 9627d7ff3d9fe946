package issuemap

import (
	"context"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Where an issue is in its life.
const (
	Baru        = "baru"        // first seen within the last three days
	Meningkat   = "meningkat"   // spiking (Spike)
	Ditangani   = "ditangani"   // the government answered and the tone improved since
	Mereda      = "mereda"      // quiet for two days, or down to a third of its peak
	Berlangsung = "berlangsung" // none of these: an issue still in the news
)

// Lifecycles lists the states in the order they are checked.
var Lifecycles = []string{Meningkat, Mereda, Ditangani, Baru, Berlangsung}

// Spike is the spike rule: the last day has at least three mentions and
// three times the daily baseline of the 14 days before, or its share of
// negatif and berpotensi negatif mentions is 30 points above the
// baseline's.
func Spike(s store.IssueSummary) bool {
	return s.Today >= 3 && (float64(s.Today) >= 3*max(s.Baseline, 0.5) ||
		(s.Baseline > 0 && s.NegShareToday-s.NegShareBase >= 0.3))
}

// Lifecycle says where an issue is at the end of its days (until): days
// are its mentions per day (WITA), oldest first, over at least the last
// 15 days; first is its first article. The government answered on a day
// with a press release; the tone improved when the share of negatif and
// berpotensi negatif mentions since that day is lower than before it.
func Lifecycle(s store.IssueSummary, days []store.IssueDay, first, until time.Time) string {
	if Spike(s) {
		return Meningkat
	}
	last := until.In(news.WITA).Format(time.DateOnly)
	prev := until.Add(-24 * time.Hour).In(news.WITA).Format(time.DateOnly)
	var recent, peak int // the last two days' mentions; the busiest day's
	for _, d := range days {
		n := sum(d.ByLabel[:])
		if d.Day == last || d.Day == prev {
			recent += n
		}
		peak = max(peak, n)
	}
	if len(days) > 0 && (recent == 0 || peak >= 3 && 3*recent <= peak) {
		return Mereda
	}
	// The first government answer, and the tone before and since.
	answered := -1
	for i, d := range days {
		if d.ByKind[1] > 0 {
			answered = i
			break
		}
	}
	if answered >= 0 {
		var before, after [2]int // negative, all
		for i, d := range days {
			neg, all := d.ByLabel[2]+d.ByLabel[3], sum(d.ByLabel[:])
			if i < answered {
				before[0], before[1] = before[0]+neg, before[1]+all
			} else if i > answered {
				after[0], after[1] = after[0]+neg, after[1]+all
			}
		}
		if before[1] > 0 && after[1] > 0 && float64(after[0])/float64(after[1]) < float64(before[0])/float64(before[1]) {
			return Ditangani
		}
	}
	if !first.IsZero() && until.Sub(first) <= 72*time.Hour {
		return Baru
	}
	return Berlangsung
}

// LifecycleSince is the day (00:00 WITA) an issue entered state, as far
// as its days (those Lifecycle judged) tell; zero for Berlangsung or where
// the days do not say. Baru: its first article's day; Meningkat: the
// first day with mentions in the last 24 hours; Ditangani: the day of the
// government's first answer; Mereda: the first of the quiet days (at most
// a third of the peak's mentions, none counting as quiet) that end its
// days.
func LifecycleSince(state string, days []store.IssueDay, first, until time.Time) time.Time {
	midnight := func(day string) time.Time {
		t, err := time.ParseInLocation(time.DateOnly, day, news.WITA)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	switch state {
	case Baru:
		if first.IsZero() {
			return time.Time{}
		}
		y, m, d := first.In(news.WITA).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, news.WITA)
	case Meningkat:
		from := until.Add(-24 * time.Hour).In(news.WITA).Format(time.DateOnly)
		for _, d := range days {
			if d.Day >= from && sum(d.ByLabel[:]) > 0 {
				return midnight(d.Day)
			}
		}
	case Ditangani:
		for _, d := range days {
			if d.ByKind[1] > 0 {
				return midnight(d.Day)
			}
		}
	case Mereda:
		peak, at := 0, -1
		for i, d := range days {
			if n := sum(d.ByLabel[:]); n > peak {
				peak, at = n, i
			}
		}
		if at < 0 {
			return time.Time{}
		}
		// Walk back from the last day while it stays quiet; a day with no
		// row had no mention.
		quiet := func(day string) bool {
			for _, d := range days {
				if d.Day == day {
					return 3*sum(d.ByLabel[:]) <= peak
				}
			}
			return true
		}
		peakDay := midnight(days[at].Day)
		last := until.Add(-time.Nanosecond).In(news.WITA)
		since := time.Time{}
		for day := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, news.WITA); day.After(peakDay); day = day.AddDate(0, 0, -1) {
			if !quiet(day.Format(time.DateOnly)) {
				break
			}
			since = day
		}
		return since
	}
	return time.Time{}
}

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

// judgeDays is how far back Issues reads an issue's days: the spike
// rule's 15 days.
const judgeDays = 15 * 24 * time.Hour

// Issues returns the store's issue summaries for the filter judged:
// whether each spikes, where it is in its life, and where it spreads
// (mentions per kind, platforms). The CLI, the API, the report and the
// alerts read issues through it.
func Issues(ctx context.Context, b store.Backend, f store.IssueFilter) ([]store.IssueSummary, error) {
	list, err := store.Issues(ctx, b, f)
	if err != nil || len(list) == 0 {
		return list, err
	}
	return list, Judge(ctx, b, list, f.Since, f.Until)
}

// Judge fills the spike flag, lifecycle and platforms of summaries read for
// the period since–until.
func Judge(ctx context.Context, b store.Backend, list []store.IssueSummary, since, until time.Time) error {
	ids := make([]string, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	from := until.Add(-judgeDays)
	if since.Before(from) {
		from = since
	}
	days, err := store.IssueDays(ctx, b, ids, from, until)
	if err != nil {
		return err
	}
	platforms, err := store.IssuePlatforms(ctx, b, ids, since, until)
	if err != nil {
		return err
	}
	spans, err := store.IssueSpans(ctx, b, ids)
	if err != nil {
		return err
	}
	for i := range list {
		s := &list[i]
		s.Spike = Spike(*s)
		first := s.FirstSeen
		if sp, ok := spans[s.ID]; ok && !sp[0].IsZero() && sp[0].Before(first) {
			first = sp[0] // before the period
		}
		s.Lifecycle = Lifecycle(*s, days[s.ID], first, until)
		s.LifecycleSince = LifecycleSince(s.Lifecycle, days[s.ID], first, until)
		// s.ByKind is store.Issues': the period's mentions in the media
		// the filter selects.
		s.Platforms = platforms[s.ID]
	}
	return nil
}
