// Package issueview builds what analysts see of issues — the list of a
// period's issues with their drafted recommendation, and one issue in
// detail — once, for the CLI, the HTTP API and the web app. It reads
// through store and recommends through issuemap; it holds no SQL and does
// no formatting.
package issueview

import (
	"context"
	"errors"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/period"
	"github.com/diskominfo-kaltim/pantau/store"
)

// DetailArticles is how many of an issue's newest articles a detail lists.
const DetailArticles = 100

// TalkingPoints is how many positive or neutral headlines a detail offers
// as material for the office's own narrative.
const TalkingPoints = 3

// ErrNotFound is returned for an issue with no mention in the window.
var ErrNotFound = errors.New("issue not found")

// Summary is an issue's figures with its drafted recommendation.
type Summary struct {
	store.IssueSummary
	Recommendation issuemap.Recommendation `json:"recommendation"`
}

// Detail is one issue in full.
type Detail struct {
	Summary
	Series        []store.DayMix     `json:"series"`
	TalkingPoints []string           `json:"talking_points"`
	Brief         issuemap.Brief     `json:"brief"` // talking points and a draft from the issue's own articles
	Articles      []store.MentionRow `json:"articles"`
}

// BriefArticles is how many of an issue's latest articles its brief draws on.
const BriefArticles = 60

// List returns the issues the filter selects, each with its recommendation.
func List(ctx context.Context, b store.Backend, rules issuemap.Rules, f store.IssueFilter) ([]Summary, error) {
	list, err := issuemap.Issues(ctx, b, f)
	if err != nil {
		return nil, err
	}
	if (f.Media != store.MediaFilter{} || f.Region != "" || f.OPD != "") && len(list) > 0 {
		// issuemap reads the platforms of all an issue's mentions; where
		// the analyst chose media, a region or an office, the spread and
		// the channels drawn from it are those mentions', as the counts.
		ids := make([]string, len(list))
		for i, s := range list {
			ids[i] = s.ID
		}
		platforms, err := store.IssueFilterPlatforms(ctx, b, ids, f)
		if err != nil {
			return nil, err
		}
		for i := range list {
			list[i].Platforms = platforms[list[i].ID]
		}
	}
	out := make([]Summary, len(list))
	for i, s := range list {
		out[i] = Summary{IssueSummary: s, Recommendation: rules.Recommend(s)}
	}
	return out, nil
}

// Get returns one issue over the window, its figures, days and articles
// from the media m selects; a window with a zero Since covers the issue's
// whole life up to Until, so an issue can be looked up by id whenever it
// was active.
func Get(ctx context.Context, b store.Backend, rules issuemap.Rules, id string, w period.Window, m store.MediaFilter) (*Detail, error) {
	if w.Since.IsZero() {
		w.Since = time.Unix(0, 0).UTC()
	}
	list, err := List(ctx, b, rules, store.IssueFilter{ID: id, Since: w.Since, Until: w.Until, Media: m, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNotFound
	}
	d := &Detail{Summary: list[0], TalkingPoints: []string{}}
	if d.Articles, err = store.IssueMentions(ctx, b, id, m, DetailArticles); err != nil {
		return nil, err
	}
	since := w.Since
	if since.Before(d.FirstSeen) {
		// A whole-life window starts the day series at the first mention.
		since = d.FirstSeen
	}
	if d.Series, err = store.IssueSeries(ctx, b, id, m, since, w.Until); err != nil {
		return nil, err
	}
	arts, err := store.IssueArticles(ctx, b, id, BriefArticles)
	if err != nil {
		return nil, err
	}
	// The brief draws on the issue's latest articles in every medium, so
	// its draft says since when the issue has been reported — not since
	// when the window or the chosen media carried it.
	whole := d.IssueSummary
	spans, err := store.IssueSpans(ctx, b, []string{id})
	if err != nil {
		return nil, err
	}
	if sp, ok := spans[id]; ok && !sp[0].IsZero() && sp[0].Before(whole.FirstSeen) {
		whole.FirstSeen = sp[0]
	}
	d.Brief = rules.Brief(whole, d.Recommendation, arts)
	for _, a := range d.Articles {
		if (a.Label == news.LabelPositif || a.Label == news.LabelNetral) && len(d.TalkingPoints) < TalkingPoints {
			d.TalkingPoints = append(d.TalkingPoints, a.Title)
		}
	}
	return d, nil
}
