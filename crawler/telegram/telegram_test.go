package telegram_test

import (
	"context"
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
	"github.com/diskominfo-kaltim/pantau/crawler/telegram"
	"github.com/diskominfo-kaltim/pantau/news"
)

func fixture(t *testing.T, name string, now time.Time) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`\{\{T-(\w+)\}\}`).ReplaceAllFunc(b, func(m []byte) []byte {
		d, _ := time.ParseDuration(string(m[4 : len(m)-2]))
		return []byte(now.Add(-d).UTC().Format("2006-01-02T15:04:05+00:00"))
	})
}

// preview plays t.me: the channel's web preview, paged with ?before=.
type preview struct {
	t     *testing.T
	now   time.Time
	mu    sync.Mutex
	phase string // "old": the channel's page shows 99..103; "new": 105..111
	pages []string
	busy  bool
}

func (p *preview) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.URL.Path == "/robots.txt" {
		w.Write([]byte("User-agent: *\nDisallow: /admin\n"))
		return
	}
	if r.URL.Path != "/s/infosamarinda" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	before := r.URL.Query().Get("before")
	p.pages = append(p.pages, before)
	if p.busy {
		w.Header().Set("Retry-After", "300")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch {
	case p.phase == "old" && before == "", before == "104":
		w.Write(fixture(p.t, "channel_before_104.html", p.now))
	case p.phase == "new" && before == "":
		w.Write(fixture(p.t, "channel_newer.html", p.now))
	case before == "105":
		w.Write(fixture(p.t, "channel_latest.html", p.now))
	default:
		p.t.Errorf("unexpected page before=%s in phase %s", before, p.phase)
	}
}

func (p *preview) set(phase string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = phase
	out := p.pages
	p.pages = nil
	return out
}

func TestChannelPreview(t *testing.T) {
	p := &preview{t: t, now: time.Now(), phase: "old"}
	srv := httptest.NewServer(p)
	defer srv.Close()
	dir := t.TempDir()
	c, b := crawlertest.Open(t, dir, nil)
	src := config.Source{Name: "Telegram Info Samarinda", Kind: config.KindTelegram, Channel: "infosamarinda",
		Region: "Kota Samarinda", BaseURL: srv.URL, AllowPrivate: true}
	ctx := context.Background()

	// First poll: the newest page only; the service message is left out.
	if st := c.CrawlSource(ctx, src); st.New != 5 || st.SourcesFailed != 0 {
		t.Fatalf("first poll %+v", st)
	}
	// Second poll: the channel moved on by more than a page; the poll
	// pages back to the last post read, across the deleted post 107.
	if got := p.set("new"); strings.Join(got, ",") != "" {
		t.Errorf("first poll pages %q", got)
	}
	if st := c.CrawlSource(ctx, src); st.New != 6 || st.Failed != 0 {
		t.Fatalf("second poll %+v", st)
	}
	if got := p.set("new"); strings.Join(got, ",") != ",105" {
		t.Errorf("second poll pages %q, want the newest and ?before=105", got)
	}
	// A restart resumes from the cursor: one page, nothing repeated.
	b.Close()
	c2, b2 := crawlertest.Open(t, dir, nil)
	if st := c2.CrawlSource(ctx, src); st.New != 0 || st.Duplicates != 0 {
		t.Fatalf("after restart %+v", st)
	}
	if got := p.set("new"); len(got) != 1 {
		t.Errorf("after restart pages %q", got)
	}
	arts := crawlertest.Articles(t, b2)
	if len(arts) != 11 {
		t.Fatalf("%d posts on the stream, want 11", len(arts))
	}
	byURL := map[string]news.Article{}
	for _, a := range arts {
		byURL[a.URL] = a
	}
	for _, missing := range []string{"98", "106", "107"} {
		if _, ok := byURL["https://t.me/infosamarinda/"+missing]; ok {
			t.Errorf("post %s (service, photo without caption, deleted) published", missing)
		}
	}
	a := byURL["https://t.me/infosamarinda/109"]
	if a.Kind != news.KindSosmed || a.Platform != telegram.Platform || a.Engagement.Views != 1_200_000 || a.Engagement.Likes != 7200 ||
		a.Title != "Pendaftaran beasiswa Kaltim Tuntas dibuka sampai akhir bulan 🎓 #beasiswa" || a.Author != "" ||
		!strings.HasPrefix(a.AuthorHandle, "h:") || a.Region != "Kota Samarinda" || time.Since(a.PublishedAt) > 3*time.Hour {
		t.Errorf("post 109 %+v", a)
	}
	banjar := byURL["https://t.me/infosamarinda/108"]
	if banjar.Text != "Kada usah panik, banyu di Sempaja sudah mulai surut. Tetap waspada lah dangsanak 🙏" {
		t.Errorf("post 108 text %q", banjar.Text)
	}
	if got := byURL["https://t.me/infosamarinda/105"].Text; got != "Info pemadaman bergilir PLN wilayah Samarinda Ulu besok jam 09.00–15.00 ⚡️\nSumber: PLN UP3 Samarinda" {
		t.Errorf("line breaks: %q", got)
	}
}

// TestPoliteOnRateLimit: a 429 with Retry-After backs t.me off; the
// source is shown deferred and the next poll does not ask again.
func TestPoliteOnRateLimit(t *testing.T) {
	p := &preview{t: t, now: time.Now(), phase: "old", busy: true}
	srv := httptest.NewServer(p)
	defer srv.Close()
	c, _ := crawlertest.Open(t, t.TempDir(), nil)
	src := config.Source{Name: "Telegram", Kind: config.KindTelegram, Channel: "infosamarinda", BaseURL: srv.URL, AllowPrivate: true}
	ctx := context.Background()
	c.CrawlSource(ctx, src)
	st := c.CrawlSource(ctx, src)
	if st.SourcesFailed != 1 {
		t.Fatalf("stats %+v", st)
	}
	if got := p.set("old"); len(got) != 1 {
		t.Errorf("%d requests while backed off, want 1", len(got))
	}
	h := crawlertest.Health(t, c, src)
	if h.Status(time.Now(), 10*time.Minute) != "ditunda" || h.BackoffReason != "HTTP 429" {
		t.Errorf("health %+v", h)
	}
}

func TestParseCounts(t *testing.T) {
	page := []byte(`<div class="tgme_widget_message js-widget_message" data-post="kanal_uji/7"><div class="tgme_widget_message_reply"><div class="tgme_widget_message_text js-message_reply_text">kutipan</div></div>` +
		`<div class="tgme_widget_message_text js-message_text">Isi &amp; <b>tebal</b></div><span class="tgme_widget_message_views">3.4M</span>` +
		`<time datetime="2024-06-11T06:05:00+00:00"></time></div><div class="tgme_widget_message" data-post="lain/8"></div>`)
	posts, err := telegram.Parse(page, "kanal_uji")
	if err != nil || len(posts) != 1 {
		t.Fatalf("%+v %v", posts, err)
	}
	if p := posts[0]; p.ID != 7 || p.Text != "Isi & tebal" || p.Views != 3_400_000 || p.Published.Format(time.RFC3339) != "2024-06-11T06:05:00Z" {
		t.Errorf("%+v", p)
	}
}
