package x_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/crawlertest"
	"github.com/diskominfo-kaltim/pantau/crawler/x"
	"github.com/diskominfo-kaltim/pantau/news"
)

// api plays X API v2 recent search from recorded answers, with the
// x-rate-limit-* headers on every answer.
type api struct {
	t         *testing.T
	now       time.Time
	mu        sync.Mutex
	mode      string // "", "spent", "429", "capped", "401"
	calls     []string
	remaining int
}

func (a *api) fixture(name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		a.t.Fatal(err)
	}
	return regexp.MustCompile(`\{\{T-(\w+)\}\}`).ReplaceAllFunc(b, func(m []byte) []byte {
		d, _ := time.ParseDuration(string(m[4 : len(m)-2]))
		return []byte(a.now.Add(-d).UTC().Format("2006-01-02T15:04:05.000Z"))
	})
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	q := r.URL.Query()
	a.calls = append(a.calls, q.Get("since_id")+"/"+q.Get("next_token"))
	if r.URL.Path != "/2/tweets/search/recent" {
		http.NotFound(w, r)
		return
	}
	if q.Get("query") != "banjir samarinda -is:retweet" || q.Get("expansions") != "author_id" || !strings.Contains(q.Get("tweet.fields"), "public_metrics") {
		a.t.Errorf("query %v", q)
	}
	reset := a.now.Add(10 * time.Minute).Unix()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Rate-Limit-Limit", "60")
	w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(reset))
	a.remaining--
	if a.mode == "spent" {
		a.remaining = 0
	}
	w.Header().Set("X-Rate-Limit-Remaining", fmt.Sprint(a.remaining))
	switch {
	case a.mode == "401" || r.Header.Get("Authorization") != "Bearer AAAA-token-uji":
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(a.fixture("unauthorized.json"))
	case a.mode == "429":
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(a.fixture("too_many_requests.json"))
	case a.mode == "capped":
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(a.fixture("usage_capped.json"))
	case q.Get("since_id") == "":
		w.Write(a.fixture("recent_1.json"))
	case q.Get("since_id") == "1800000000000000105" && q.Get("next_token") == "":
		w.Write(a.fixture("recent_new.json"))
	case q.Get("since_id") == "1800000000000000105" && q.Get("next_token") == "b26v89c19zqg8o3fpdg5u":
		w.Write(a.fixture("recent_new_2.json"))
	default:
		w.Write(a.fixture("empty.json"))
	}
}

func (a *api) take(mode string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.calls
	a.calls, a.mode = nil, mode
	return out
}

func src(base string) config.Source {
	return config.Source{Name: "X banjir Samarinda", Kind: config.KindX, Query: "banjir samarinda -is:retweet",
		Region: "Kota Samarinda", BaseURL: base, AllowPrivate: true, Credential: "AAAA-token-uji"}
}

func TestRecentSearch(t *testing.T) {
	p := &api{t: t, now: time.Now(), remaining: 60}
	srv := httptest.NewServer(p)
	defer srv.Close()
	dir := t.TempDir()
	c, b := crawlertest.Open(t, dir, nil)
	ctx := context.Background()
	s := src(srv.URL)
	if st := c.CrawlSource(ctx, s); st.New != 2 || st.SourcesFailed != 0 {
		t.Fatalf("first poll %+v", st)
	}
	if got := strings.Join(p.take(""), " "); got != "/" {
		t.Errorf("first poll calls %q (the newest page only)", got)
	}
	// Since the newest post read, through every page.
	if st := c.CrawlSource(ctx, s); st.New != 2 || st.Failed != 0 {
		t.Fatalf("second poll %+v", st)
	}
	if got := strings.Join(p.take(""), " "); got != "1800000000000000105/ 1800000000000000105/b26v89c19zqg8o3fpdg5u" {
		t.Errorf("second poll calls %q", got)
	}
	b.Close()
	c2, b2 := crawlertest.Open(t, dir, nil)
	if st := c2.CrawlSource(ctx, s); st.New != 0 {
		t.Fatalf("after restart %+v", st)
	}
	if got := strings.Join(p.take(""), " "); got != "1800000000000000110/" {
		t.Errorf("after restart calls %q", got)
	}
	posts := map[string]news.Article{}
	for _, a := range crawlertest.Articles(t, b2) {
		posts[a.URL] = a
	}
	first := posts[x.PostURL("1800000000000000105")]
	if first.Platform != x.Platform || first.Engagement.Likes != 310 || first.Engagement.Shares != 48 || first.Engagement.Views != 18230 ||
		first.Engagement.Comments != 12 || first.Language != "id" || first.AuthorHandle == "wargasmd" || first.Author != "" {
		t.Errorf("post %+v", first)
	}
	reply := posts[x.PostURL("1800000000000000104")]
	if reply.ParentID != news.IDFor(x.PostURL("1800000000000000090")) || reply.Text != "@pemprovkaltim kada usah janji haja pak, buktikan 🙏" {
		t.Errorf("reply %+v", reply)
	}
	if len(posts) != 4 {
		t.Errorf("%d posts", len(posts))
	}
}

func TestRateLimitsAndToken(t *testing.T) {
	ctx := context.Background()
	f := func(mode, wantReason string, wantStatus string) {
		t.Helper()
		p := &api{t: t, now: time.Now(), remaining: 60, mode: mode}
		srv := httptest.NewServer(p)
		defer srv.Close()
		c, _ := crawlertest.Open(t, t.TempDir(), nil)
		s := src(srv.URL)
		c.CrawlSource(ctx, s)
		// The window spent (x-rate-limit-remaining: 0) shows on the next poll,
		// which asks nothing.
		c.CrawlSource(ctx, s)
		h := crawlertest.Health(t, c, s)
		if h.Status(time.Now(), 10*time.Minute) != wantStatus || !strings.Contains(h.BackoffReason+h.LastReason, wantReason) {
			t.Errorf("%s: health %+v", mode, h)
		}
		if calls := p.take(""); mode != "401" && len(calls) != 1 {
			t.Errorf("%s: %d calls, want 1 (the second poll waits)", mode, len(calls))
		}
	}
	f("spent", "batas laju API habis", "ditunda")
	f("429", "batas laju X API", "ditunda")
	f("capped", "kuota bulanan X API habis", "ditunda")
	f("401", "token/kunci API tidak berlaku", "gagal")
}
