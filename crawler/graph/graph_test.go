package graph_test

import (
	"context"
	"encoding/json"
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
	"github.com/diskominfo-kaltim/pantau/crawler/graph"
	"github.com/diskominfo-kaltim/pantau/news"
)

// meta plays the Graph API from recorded answers, with a mode for each
// failure; it fails the test on any path that is not a public-content
// read (no conversations, no messages).
type meta struct {
	t        *testing.T
	now      time.Time
	mu       sync.Mutex
	mode     string // "", "expired", "limit", "busy"
	calls    []string
	newReply bool
}

func (m *meta) fixture(name, base string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		m.t.Fatal(err)
	}
	b = regexp.MustCompile(`\{\{T-(\w+)\}\}`).ReplaceAllFunc(b, func(x []byte) []byte {
		d, _ := time.ParseDuration(string(x[4 : len(x)-2]))
		return []byte(m.now.Add(-d).UTC().Format("2006-01-02T15:04:05-0700"))
	})
	return []byte(strings.ReplaceAll(string(b), "{{BASE}}", base))
}

func (m *meta) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.calls = append(m.calls, r.URL.Path+"?"+r.URL.Query().Get("after"))
	mode, newReply := m.mode, m.newReply
	m.mu.Unlock()
	for _, private := range []string{"conversations", "messages", "inbox", "threads"} {
		if strings.Contains(r.URL.Path, private) {
			m.t.Errorf("private endpoint called: %s", r.URL.Path)
		}
	}
	if r.URL.Query().Get("access_token") != "TOKEN" {
		m.t.Errorf("%s without the token", r.URL.Path)
	}
	base := "http://" + r.Host
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	switch mode {
	case "expired":
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Error validating access token"`)
		w.WriteHeader(http.StatusBadRequest)
		w.Write(m.fixture("token_expired.json", base))
		return
	case "limit":
		w.Header().Set("X-Business-Use-Case-Usage", `{"104857600123456":[{"type":"pages","call_count":100,"total_cputime":12,"total_time":20,"estimated_time_to_regain_access":17}]}`)
		w.WriteHeader(http.StatusBadRequest)
		w.Write(m.fixture("page_limit.json", base))
		return
	case "busy":
		w.Header().Set("X-App-Usage", `{"call_count":96,"total_time":40,"total_cputime":20}`)
	}
	switch r.URL.Path {
	case "/104857600123456/posts":
		if r.URL.Query().Get("after") == "QVFIUmZAfX1g" {
			w.Write(m.fixture("fb_posts_2.json", base))
		} else {
			w.Write(m.fixture("fb_posts_1.json", base))
		}
	case "/104857600123456_901234567890123/comments":
		page := m.fixture("fb_comments_sembako.json", base)
		if newReply {
			var doc map[string]any
			json.Unmarshal(page, &doc)
			doc["data"] = append([]any{map[string]any{"id": "901234567890123_555000000000009",
				"message": "Bantuan sudah sampai di Loa Bakung, makasih banyak 🙏", "created_time": m.now.Add(-time.Minute).UTC().Format("2006-01-02T15:04:05-0700"),
				"from": map[string]any{"name": "Pak RT", "id": "7001002003777"}, "like_count": 1}}, doc["data"].([]any)...)
			page, _ = json.Marshal(doc)
		}
		w.Write(page)
	case "/104857600123456_901234567880000/comments":
		w.WriteHeader(http.StatusBadRequest)
		w.Write(m.fixture("fb_deleted.json", base))
	case "/17841400000000001/media":
		w.Write(m.fixture("ig_media.json", base))
	case "/17895695668004550/comments":
		w.Write(m.fixture("ig_comments.json", base))
	case "/ig_hashtag_search":
		if r.URL.Query().Get("q") != "banjirsamarinda" || r.URL.Query().Get("user_id") != "17841400000000001" {
			m.t.Errorf("hashtag search %v", r.URL.Query())
		}
		w.Write(m.fixture("ig_hashtag_search.json", base))
	case "/17843853986012965/recent_media":
		w.Write(m.fixture("ig_recent_media.json", base))
	default:
		fmt.Fprint(w, `{"data":[]}`)
	}
}

func (m *meta) take() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.calls
	m.calls = nil
	return out
}

func (m *meta) set(mode string, newReply bool) {
	m.mu.Lock()
	m.mode, m.newReply = mode, newReply
	m.mu.Unlock()
}

func fbSource(base string) config.Source {
	return config.Source{Name: "Facebook Pemprov Kaltim", Kind: config.KindFacebook, Account: "104857600123456",
		Region: "Kalimantan Timur", BaseURL: base, AllowPrivate: true, Credential: "TOKEN"}
}

func TestFacebookPageAndComments(t *testing.T) {
	m := &meta{t: t, now: time.Now()}
	srv := httptest.NewServer(m)
	defer srv.Close()
	dir := t.TempDir()
	c, b := crawlertest.Open(t, dir, nil)
	ctx := context.Background()
	src := fbSource(srv.URL)
	st := c.CrawlSource(ctx, src)
	// Posts: two with words (one without is left out); comments: two with
	// words (a sticker left out); the deleted post's comments skipped.
	if st.New != 4 || st.SourcesFailed != 0 || st.Failed != 0 {
		t.Fatalf("first poll %+v", st)
	}
	calls := strings.Join(m.take(), " ")
	if !strings.Contains(calls, "/104857600123456/posts?QVFIUmZAfX1g") || !strings.Contains(calls, "/104857600123456_901234567880000/comments") {
		t.Errorf("calls %s", calls)
	}
	byText := map[string]news.Article{}
	for _, a := range crawlertest.Articles(t, b) {
		byText[a.Text] = a
	}
	post := byText["Pemprov Kaltim menyalurkan 2.000 paket sembako untuk warga terdampak banjir di Samarinda 🙏 #KaltimBerdaulat"]
	if post.Platform != graph.PlatformFacebook || post.Kind != news.KindSosmed || post.Engagement.Likes != 1204 ||
		post.Engagement.Shares != 37 || post.Engagement.Comments != 3 || post.URL != "https://www.facebook.com/104857600123456/posts/901234567890123" {
		t.Errorf("post %+v", post)
	}
	reply := byText["Kada sampai ke RT kami pak, bantuan tu dibagi ke siapa haja? 😡"]
	first := byText["Alhamdulillah, terima kasih Pak Gubernur, bantuan sudah sampai di Sempaja ❤️"]
	if first.ParentID != post.ID || reply.ParentID != first.ID || reply.Author != "" || !strings.HasPrefix(reply.AuthorHandle, "h:") ||
		reply.Title != "Kada sampai ke RT kami pak" || first.Title != "Alhamdulillah, terima kasih Pak Gubernur" {
		t.Errorf("comments: first %+v\nreply %+v", first, reply)
	}

	// A new comment: one item; posts stop at the last one read.
	m.set("", true)
	st = c.CrawlSource(ctx, src)
	if st.New != 1 || st.Failed != 0 {
		t.Fatalf("second poll %+v", st)
	}
	for _, call := range m.take() {
		if strings.Contains(call, "QVFIUmZAfX1g") || strings.Contains(call, "901234567880000") {
			t.Errorf("second poll read again: %s", call)
		}
	}
	// Restarted: nothing repeated.
	b.Close()
	c2, _ := crawlertest.Open(t, dir, nil)
	if st := c2.CrawlSource(ctx, src); st.New != 0 || st.SourcesFailed != 0 {
		t.Fatalf("after restart %+v", st)
	}

	// Page limit reached: deferred for Meta's estimated 17 minutes.
	m.set("limit", false)
	c2.CrawlSource(ctx, src)
	h := crawlertest.Health(t, c2, src)
	if h.Status(time.Now(), 10*time.Minute) != "ditunda" || h.BackoffReason != "batas pemakaian Graph API" ||
		h.BackoffUntil.Sub(time.Now()) < 15*time.Minute || h.BackoffUntil.Sub(time.Now()) > 18*time.Minute {
		t.Errorf("limit health %+v", h)
	}
}

func TestGraphExpiredToken(t *testing.T) {
	m := &meta{t: t, now: time.Now(), mode: "expired"}
	srv := httptest.NewServer(m)
	defer srv.Close()
	c, _ := crawlertest.Open(t, t.TempDir(), nil)
	src := fbSource(srv.URL)
	st := c.CrawlSource(context.Background(), src)
	h := crawlertest.Health(t, c, src)
	if st.SourcesFailed != 1 || h.LastReason != "token/kunci API tidak berlaku" || !strings.Contains(h.LastError, "token kedaluwarsa") ||
		strings.Contains(h.LastError, "TOKEN") {
		t.Errorf("expired token: %+v %+v", st, h)
	}
	// No token configured: a clear error before any request.
	src.Name, src.Credential = "Facebook tanpa token", ""
	m.take()
	c.CrawlSource(context.Background(), src)
	if h := crawlertest.Health(t, c, src); !strings.Contains(h.LastError, "graph-token belum diisi") || len(m.take()) != 0 {
		t.Errorf("missing token: %+v", h)
	}
}

func TestInstagramAccountAndHashtag(t *testing.T) {
	m := &meta{t: t, now: time.Now()}
	srv := httptest.NewServer(m)
	defer srv.Close()
	c, b := crawlertest.Open(t, t.TempDir(), nil)
	ctx := context.Background()
	src := config.Source{Name: "Instagram Diskominfo Kaltim", Kind: config.KindInstagram, Account: "17841400000000001",
		Hashtags: []string{"banjirsamarinda"}, BaseURL: srv.URL, AllowPrivate: true, Credential: "TOKEN", KeepHandles: true}
	st := c.CrawlSource(ctx, src)
	// 1 captioned media, 1 comment + 1 reply, 2 hashtag media.
	if st.New != 5 || st.SourcesFailed != 0 {
		t.Fatalf("first poll %+v", st)
	}
	byText := map[string]news.Article{}
	for _, a := range crawlertest.Articles(t, b) {
		byText[a.Text] = a
	}
	cm := byText["Fogging di Gunung Samarinda kapan pak? nyamuk banyak banar 😭"]
	if cm.AuthorHandle != "warga.gunsam" || cm.Platform != graph.PlatformInstagram || cm.ParentID == "" {
		t.Errorf("comment (handles kept) %+v", cm)
	}
	tag := byText["Banjir lagi di Jl. Pemuda, kapan beres? #banjirsamarinda 🌧️🌧️"]
	if tag.Engagement.Likes != 410 || tag.Engagement.Comments != 57 || tag.AuthorHandle != "" || tag.URL != "https://www.instagram.com/p/C7aBcDeFgHi/" {
		t.Errorf("hashtag media %+v", tag)
	}
	// The hashtag is looked up once (30 hashtags a week), then its id is kept.
	m.take()
	m.set("busy", false)
	if st := c.CrawlSource(ctx, src); st.New != 0 {
		t.Fatalf("second poll %+v", st)
	}
	for _, call := range m.take() {
		if strings.HasPrefix(call, "/ig_hashtag_search") {
			t.Error("hashtag searched again")
		}
	}
	// Meta's usage header said 96%: the next poll waits instead of asking.
	m.set("", false)
	c.CrawlSource(ctx, src)
	if n := len(m.take()); n != 0 {
		t.Errorf("%d calls while near the limit", n)
	}
	if h := crawlertest.Health(t, c, src); h.BackoffReason != "batas pemakaian Graph API hampir habis" {
		t.Errorf("health %+v", h)
	}
}
