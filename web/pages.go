package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/issueview"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/period"
	"github.com/diskominfo-kaltim/pantau/store"
)

// classFigure is one class's count against the previous window.
type classFigure struct {
	Label  string
	Count  int
	Prev   int
	Change string
	Trend  string // better, worse or "" (neutral changes)
}

func classFigures(now, prev [4]int) []classFigure {
	out := make([]classFigure, 4)
	for i, l := range news.Labels {
		d := now[i] - prev[i]
		f := classFigure{Label: l, Count: now[i], Prev: prev[i], Change: change(now[i], prev[i])}
		switch {
		case i >= 2 && d > 0, i == 0 && d < 0:
			f.Trend = "worse"
		case i >= 2 && d < 0, i == 0 && d > 0:
			f.Trend = "better"
		}
		out[i] = f
	}
	return out
}

// issueItem is an issue with its drafted recommendation.
type issueItem struct {
	store.IssueSummary
	Rec      issuemap.Recommendation
	Priority int    // 0 first: needs a response now
	Link     string // its detail page, limited as the list it is on
}

// NeedsResponse: negative mentions with a high or medium urgency, or a
// spike.
func (i issueItem) NeedsResponse() bool { return i.Priority < 2 || i.Spike }

// issueItems ranks a list's issues; each links to its detail limited to
// the list's scope.
func issueItems(list []issueview.Summary, sc issueScope) []issueItem {
	rank := map[string]int{"tinggi": 0, "sedang": 1, "rendah": 2}
	out := make([]issueItem, len(list))
	for i, x := range list {
		it := issueItem{IssueSummary: x.IssueSummary, Rec: x.Recommendation, Link: sc.link(x.ID)}
		it.Priority = 3
		if x.ByLabel[2]+x.ByLabel[3] > 0 || x.Spike {
			it.Priority = rank[it.Rec.Urgency]
		}
		out[i] = it
	}
	// The queue: issues needing a response first, by urgency, then
	// rising ones, then by negative mentions, then by mentions.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		if a.Spike != b.Spike {
			return a.Spike
		}
		if na, nb := a.ByLabel[2]+a.ByLabel[3], b.ByLabel[2]+b.ByLabel[3]; na != nb {
			return na > nb
		}
		return a.Mentions > b.Mentions
	})
	return out
}

type overviewData struct {
	Period     span
	Periods    []periodChoice
	Figures    []classFigure
	Total      int
	PrevTotal  int
	TrendChart string
	MapChart   string
	Regions    []store.RegionCount // the most mentioned kabupaten/kota
	Province   store.RegionCount
	NoRegion   int
	Issues     []issueItem
	Outlets    []store.NamedCount
	Kinds      []store.NamedCount
	Platforms  []store.NamedCount
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	p := periodOf(r, s.Now(), "7-hari")
	d := overviewData{Period: p, Periods: periodChoices(p.Key, "hari-ini", "7-hari", "30-hari")}
	now, err := store.ClassCounts(ctx, s.Store, p.Since, p.Until)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	prev, err := store.ClassCounts(ctx, s.Store, p.PrevSince, p.prevUntil())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d.Figures = classFigures(now, prev)
	d.Total, d.PrevTotal = now[0]+now[1]+now[2]+now[3], prev[0]+prev[1]+prev[2]+prev[3]

	pts, err := store.Trend(ctx, s.Store, store.TrendQuery{By: "label", Interval: p.Interval, Since: p.Since, Until: p.Until})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if d.TrendChart, err = classChart(daySeries(pts, p.Since, p.Until, p.Interval)); err != nil {
		s.internal(w, r, err)
		return
	}
	regions, err := store.RegionCounts(ctx, s.Store, p.Since, p.Until)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	for _, rc := range regions {
		switch {
		case rc.Kind == "provinsi":
			d.Province = rc
		case rc.Mentions > 0 && len(d.Regions) < 5:
			d.Regions = append(d.Regions, rc)
		}
	}
	if d.MapChart, err = regionMap(regions); err != nil {
		s.internal(w, r, err)
		return
	}
	list, err := issueview.List(ctx, s.Store, s.Rules, store.IssueFilter{Since: p.Since, Until: p.Until, Limit: 30})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d.Issues = issueItems(list, issueScope{Period: &p})
	if len(d.Issues) > 5 {
		d.Issues = d.Issues[:5]
	}
	for _, b := range []struct {
		by  string
		n   int
		out *[]store.NamedCount
	}{{"outlet", 8, &d.Outlets}, {"kind", 3, &d.Kinds}, {"platform", 8, &d.Platforms}} {
		if *b.out, err = store.Breakdown(ctx, s.Store, b.by, p.Since, p.Until, b.n); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "overview", view{Title: "Ringkasan", Active: "ringkasan", User: sess.user, CSRF: sess.CSRF, Data: d})
}

type issueQueueData struct {
	Period  span
	Periods []periodChoice
	Region  string
	OPD     string
	Label   string
	Media   mediaChoice
	Choices store.FilterChoices
	Issues  []issueItem
	Query   string // the filters as a query string, for links
}

func (s *Server) issueQueue(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	q := r.URL.Query()
	p := periodOf(r, s.Now(), "7-hari")
	d := issueQueueData{Period: p, Periods: periodChoices(p.Key, "hari-ini", "7-hari", "30-hari", "90-hari"),
		Region: q.Get("wilayah"), OPD: q.Get("opd"), Label: q.Get("label")}
	if d.Label != "" && !news.ValidLabel(d.Label) {
		s.fail(w, r, http.StatusBadRequest, "Label tidak dikenal.")
		return
	}
	var ok bool
	if d.Media, ok = mediaOf(q); !ok {
		s.fail(w, r, http.StatusBadRequest, "Jenis atau platform tidak dikenal.")
		return
	}
	var err error
	if d.Choices, err = store.Choices(ctx, s.Store, p.Until.Add(-90*24*time.Hour), p.Until); err != nil {
		s.internal(w, r, err)
		return
	}
	list, err := issueview.List(ctx, s.Store, s.Rules, store.IssueFilter{Since: p.Since, Until: p.Until, Region: d.Region, OPD: d.OPD,
		Label: d.Label, Media: d.Media.Filter, Limit: 60})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d.Issues = issueItems(list, issueScope{Period: &p, Media: d.Media})
	s.render(w, r, http.StatusOK, "issues", view{Title: "Isu", Active: "isu", User: sess.user, CSRF: sess.CSRF, Data: d})
}

type issueDetailData struct {
	Issue    issueItem
	Scope    issueScope // what the page is limited to, from the list the analyst came from
	Chart    string
	Brief    issuemap.Brief // talking points and the draft to edit
	Articles []store.Article
}

// issueDetail shows one issue: over its whole life and all media, or
// limited to the period and media of the list the analyst came from
// (?periode=, ?jenis=, ?platform=, as the list's links carry them).
func (s *Server) issueDetail(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	until := s.Now().UTC()
	sc, ok := scopeOf(r.URL.Query(), s.Now())
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "Periode, jenis atau platform tidak dikenal.")
		return
	}
	win := period.Window{Until: until}
	if sc.Period != nil {
		win = period.Window{Since: sc.Period.Since, Until: sc.Period.Until}
	}
	det, err := issueview.Get(ctx, s.Store, s.Rules, id, win, sc.Media.Filter)
	if errors.Is(err, issueview.ErrNotFound) {
		if sc.Filtered() {
			s.render(w, r, http.StatusNotFound, "error", view{Title: "Galat", User: sess.user, CSRF: sess.CSRF,
				Flash: "Isu ini tidak punya pemberitaan dalam " + sc.Words() + ".",
				Data:  errorLink{Href: issueScope{}.link(id), Text: "Tampilkan seluruh isu ini"}})
			return
		}
		s.fail(w, r, http.StatusNotFound, "Isu tidak ditemukan.")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d := issueDetailData{Issue: issueItems([]issueview.Summary{det.Summary}, sc)[0], Scope: sc, Brief: det.Brief}
	series := mixSeries(det.Series)
	since := det.FirstSeen
	if sc.Period != nil {
		// Every day of the chosen period, quiet ones included.
		series = mixSeriesOver(det.Series, sc.Period.Since, sc.Period.Until)
		since = sc.Period.Since
	}
	if d.Chart, err = classChart(series); err != nil {
		s.internal(w, r, err)
		return
	}
	if d.Articles, err = store.Articles(ctx, s.Store, store.ArticleFilter{IssueID: id, Since: since, Until: until.Add(time.Second),
		Media: sc.Media.Filter, Limit: issueview.DetailArticles}); err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "issue", view{Title: d.Issue.Name, Active: "isu", User: sess.user, CSRF: sess.CSRF, Data: d})
}

// errorLink is the way on that an error page offers.
type errorLink struct{ Href, Text string }

// issueScope is what an issue's detail is limited to: the period and the
// media the analyst chose on the list she came from. The lists' links
// carry it, the detail says it and offers to clear it.
type issueScope struct {
	Period *span // nil: the issue's whole life
	Media  mediaChoice
}

// scopeOf reads ?periode= (absent: the whole life), ?jenis= and
// ?platform=; false when one is unknown.
func scopeOf(q url.Values, now time.Time) (issueScope, bool) {
	var sc issueScope
	if key := q.Get("periode"); key != "" {
		p, ok := makePeriod(key, now)
		if !ok {
			return sc, false
		}
		sc.Period = &p
	}
	var ok bool
	sc.Media, ok = mediaOf(q)
	return sc, ok
}

// scopeFrom reads a scope a form sent back (issueScope.Query); an
// unreadable one is no scope.
func scopeFrom(query string, now time.Time) issueScope {
	q, err := url.ParseQuery(query)
	if err != nil {
		return issueScope{}
	}
	sc, ok := scopeOf(q, now)
	if !ok {
		return issueScope{}
	}
	return sc
}

// Filtered reports whether the scope limits anything.
func (sc issueScope) Filtered() bool {
	return sc.Period != nil || sc.ByMedia()
}

// ByMedia reports whether the scope limits the media.
func (sc issueScope) ByMedia() bool { return sc.Media.Filter != (store.MediaFilter{}) }

// Query is the scope as a query string: "periode=7-hari&platform=youtube".
func (sc issueScope) Query() string {
	v := url.Values{}
	if sc.Period != nil {
		v.Set("periode", sc.Period.Key)
	}
	if sc.Media.Jenis != "" {
		v.Set("jenis", sc.Media.Jenis)
	}
	if sc.Media.Filter.Platform != "" {
		v.Set("platform", sc.Media.Filter.Platform)
	}
	return v.Encode()
}

// link is an issue's detail page in this scope.
func (sc issueScope) link(id string) string {
	if q := sc.Query(); q != "" {
		return "/isu/" + url.PathEscape(id) + "?" + q
	}
	return "/isu/" + url.PathEscape(id)
}

// ListLink is the issue list in this scope.
func (sc issueScope) ListLink() string {
	if q := sc.Query(); q != "" {
		return "/isu?" + q
	}
	return "/isu"
}

// Words says the scope: "7 hari terakhir, media sosial, YouTube";
// "seluruh masa isu, semua media" when it limits nothing.
func (sc issueScope) Words() string {
	when := "seluruh masa isu"
	if sc.Period != nil {
		when = strings.ToLower(sc.Period.Label)
		if sc.Period.Key != "hari-ini" {
			when += " terakhir"
		}
	}
	var media []string
	if k := sc.Media.Filter.Kind; k != "" {
		media = append(media, news.KindName(k))
	}
	if p := sc.Media.Filter.Platform; p != "" {
		media = append(media, platformName(p))
	}
	if len(media) == 0 {
		return when + ", semua media"
	}
	return when + ", " + strings.Join(media, ", ")
}

type reviewData struct {
	Articles []store.Article
	Period   span
	Periods  []periodChoice
}

func (s *Server) review(w http.ResponseWriter, r *http.Request, sess *session) {
	p := periodOf(r, s.Now(), "30-hari")
	arts, err := store.Articles(r.Context(), s.Store, store.ArticleFilter{Since: p.Since, Until: p.Until, ModelOnly: true,
		LeastSure: true, Limit: 20})
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d := reviewData{Articles: arts, Period: p, Periods: periodChoices(p.Key, "7-hari", "30-hari", "90-hari")}
	s.render(w, r, http.StatusOK, "review", view{Title: "Tinjau", Active: "tinjau", User: sess.user, CSRF: sess.CSRF, Data: d})
}

type searchData struct {
	Q        string
	Period   span
	Periods  []periodChoice
	Label    string
	Region   string
	Outlet   string
	Media    mediaChoice
	Choices  store.FilterChoices
	Articles []articleView
	Searched bool
}

func (s *Server) search(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	q := r.URL.Query()
	p := periodOf(r, s.Now(), "30-hari")
	d := searchData{Q: strings.TrimSpace(q.Get("q")), Period: p, Periods: periodChoices(p.Key, "7-hari", "30-hari", "90-hari"),
		Label: q.Get("label"), Region: q.Get("wilayah"), Outlet: q.Get("media")}
	if len(d.Q) > 200 {
		s.fail(w, r, http.StatusBadRequest, "Kata kunci paling panjang 200 karakter.")
		return
	}
	var ok bool
	if d.Media, ok = mediaOf(q); !ok || d.Label != "" && !news.ValidLabel(d.Label) {
		s.fail(w, r, http.StatusBadRequest, "Filter tidak dikenal.")
		return
	}
	var err error
	if d.Choices, err = store.Choices(ctx, s.Store, p.Until.Add(-90*24*time.Hour), p.Until); err != nil {
		s.internal(w, r, err)
		return
	}
	v := view{Title: "Cari", Active: "cari", User: sess.user, CSRF: sess.CSRF, Data: &d}
	if d.Q != "" || d.Label != "" || d.Region != "" || d.Outlet != "" || d.Media.Filter != (store.MediaFilter{}) {
		d.Searched = true
		arts, err := store.Articles(ctx, s.Store, store.ArticleFilter{Since: p.Since, Until: p.Until, Phrase: d.Q,
			Label: d.Label, Region: d.Region, Outlet: d.Outlet, Media: d.Media.Filter, Limit: 50})
		if err != nil {
			s.internal(w, r, err)
			return
		}
		for _, a := range arts {
			av := newArticleView(v, a, "cari")
			av.Highlight = d.Q
			d.Articles = append(d.Articles, av)
		}
	}
	s.render(w, r, http.StatusOK, "search", v)
}

type sourcesData struct {
	Available bool
	Sources   []SourceHealth
	Counts    map[string]int
}

func (s *Server) sources(w http.ResponseWriter, r *http.Request, sess *session) {
	d := sourcesData{Counts: map[string]int{}}
	if s.Sources != nil {
		list, err := s.Sources(r.Context())
		if err != nil {
			s.internal(w, r, err)
			return
		}
		d.Available, d.Sources = true, list
		for _, x := range list {
			d.Counts[x.Status]++
		}
	}
	s.render(w, r, http.StatusOK, "sources", view{Title: "Sumber", Active: "sumber", User: sess.user, CSRF: sess.CSRF, Data: d})
}

// articleView is one article in a list, with what its relabel form needs.
type articleView struct {
	store.Article
	CanLabel bool
	CSRF     string
	Context  string // isu, tinjau, cari: where the form sends the analyst back
	Saved    string // what was just saved, in words
	// Highlight is the phrase searched for, marked in the snippet.
	Highlight string
	// Scope is the issue page's filters as a query string
	// (issueScope.Query), for the way back after relabelling.
	Scope string
}

// scoped gives an article on a filtered issue page its way back.
func scoped(av articleView, query string) articleView {
	av.Scope = query
	return av
}

func newArticleView(v view, a store.Article, context string) articleView {
	return articleView{Article: a, CanLabel: v.CanLabel(), CSRF: v.CSRF, Context: context}
}

// relabel records an analyst's label for an article: a correction that
// takes effect at once.
func (s *Server) relabel(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	id := r.PathValue("id")
	label := r.PostFormValue("label")
	note := strings.TrimSpace(r.PostFormValue("catatan"))
	from := r.PostFormValue("asal")
	if !news.ValidLabel(label) {
		s.fail(w, r, http.StatusBadRequest, "Label tidak dikenal.")
		return
	}
	if len(note) > 500 {
		s.fail(w, r, http.StatusBadRequest, "Catatan paling panjang 500 karakter.")
		return
	}
	before, err := s.article(ctx, id)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if before == nil {
		s.fail(w, r, http.StatusNotFound, "Artikel tidak ditemukan.")
		return
	}
	c := store.Correction{ID: id, Label: label, Analyst: sess.user.Name, Note: note, At: s.Now()}
	if err := store.RecordCorrection(ctx, s.Store, c); err != nil {
		if errors.Is(err, store.ErrNoSuchMention) {
			s.fail(w, r, http.StatusNotFound, "Artikel tidak ditemukan.")
			return
		}
		s.internal(w, r, err)
		return
	}
	detail := before.Label + " → " + label
	if note != "" {
		detail += ": " + note
	}
	s.audit(r, sess.user.Name, "label", id, detail)
	if r.Header.Get("HX-Request") != "true" {
		back := "/tinjau"
		if from == "isu" && before.IssueID != "" {
			back = scopeFrom(r.PostFormValue("lingkup"), s.Now()).link(before.IssueID)
		}
		http.Redirect(w, r, back+"#a-"+id, http.StatusSeeOther)
		return
	}
	after, err := s.article(ctx, id)
	if err != nil || after == nil {
		s.internal(w, r, fmt.Errorf("reading the relabelled article: %v", err))
		return
	}
	saved := "Label disimpan: " + label
	if label == before.Label {
		saved = "Label dikonfirmasi: " + label
	}
	av := newArticleView(view{User: sess.user, CSRF: sess.CSRF}, *after, from)
	av.Saved = saved
	if from == "isu" {
		av.Scope = scopeFrom(r.PostFormValue("lingkup"), s.Now()).Query()
	}
	if from == "tinjau" {
		s.renderPart(w, "review", "reviewed", av)
		return
	}
	s.renderPart(w, "issue", "article", av)
}

// article reads one article, nil if there is none.
func (s *Server) article(ctx context.Context, id string) (*store.Article, error) {
	arts, err := store.Articles(ctx, s.Store, store.ArticleFilter{ID: id, Since: time.Unix(0, 0), Until: s.Now().Add(24 * time.Hour), Limit: 1})
	if err != nil || len(arts) == 0 {
		return nil, err
	}
	return &arts[0], nil
}

type auditData struct {
	Entries []store.AuditEntry
	Users   []store.User
	Action  string
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, sess *session) {
	d := auditData{Action: r.URL.Query().Get("aksi")}
	var err error
	if d.Entries, err = store.AuditLog(r.Context(), s.Store, d.Action, 200); err != nil {
		s.internal(w, r, err)
		return
	}
	if d.Users, err = store.Users(r.Context(), s.Store); err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", view{Title: "Audit", Active: "audit", User: sess.user, CSRF: sess.CSRF, Data: d})
}

// mediaChoice is the jenis and platform filters as chosen: the filter,
// and the kind's word (store.KindWords) for the form.
type mediaChoice struct {
	Filter store.MediaFilter
	Jenis  string
}

// mediaOf reads the jenis (media-massa, siaran-pers, media-sosial, or the
// stored kind of older links) and platform parameters; false when either
// is unknown.
func mediaOf(q url.Values) (mediaChoice, bool) {
	var c mediaChoice
	var err error
	if c.Filter.Kind, err = store.ParseKind(q.Get("jenis")); err != nil {
		return c, false
	}
	if c.Filter.Platform, err = store.ParsePlatform(q.Get("platform")); err != nil {
		return c, false
	}
	if c.Filter.Kind != "" {
		c.Jenis = store.KindWord(c.Filter.Kind)
	}
	return c, true
}
