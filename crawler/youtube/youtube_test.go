package youtube_test

import (
	"context"
	"encoding/json"
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
	"github.com/diskominfo-kaltim/pantau/crawler/youtube"
	"github.com/diskominfo-kaltim/pantau/news"
)

// fixture reads testdata/name with its times ({{T-10m}}, {{RECENT1}})
// made relative to now, as a live channel would have them.
func fixture(t *testing.T, name string, now time.Time) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\{\{(T-\w+|RECENT\d)\}\}`)
	return re.ReplaceAllFunc(b, func(m []byte) []byte {
		key := string(m[2 : len(m)-2])
		var d time.Duration
		if strings.HasPrefix(key, "RECENT") {
			d = time.Duration(key[6]-'0') * 24 * time.Hour
		} else {
			d, _ = time.ParseDuration(key[2:])
		}
		return []byte(now.Add(-d).UTC().Format(time.RFC3339))
	})
}

// platform plays YouTube: the uploads feed and commentThreads.list as the
// Data API documents them, with a switch for each failure.
type platform struct {
	t        *testing.T
	now      time.Time
	mu       sync.Mutex
	requests []string // commentThreads requests as "videoId/pageToken"
	newReply bool     // a new comment appears on the first page
	fail     string   // fixture answered to every commentThreads call
	status   int
}

func (p *platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/feeds/videos.xml":
		if r.URL.Query().Get("channel_id") != "UCkaltimprov0000000000AB" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		w.Write(fixture(p.t, "videos.xml", p.now))
	case "/youtube/v3/commentThreads":
		q := r.URL.Query()
		p.mu.Lock()
		p.requests = append(p.requests, q.Get("videoId")+"/"+q.Get("pageToken"))
		fail, status, newReply := p.fail, p.status, p.newReply
		p.mu.Unlock()
		if q.Get("key") != "kunci-uji" || q.Get("part") != "snippet,replies" || q.Get("order") != "time" {
			p.t.Errorf("commentThreads query %v", q)
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		if fail != "" {
			w.WriteHeader(status)
			w.Write(fixture(p.t, fail, p.now))
			return
		}
		switch q.Get("videoId") {
		case "vidBanjir01":
			if q.Get("pageToken") == "QURTSl9pM2JxRUh4cHBBbnVmT3VscHRuZ0dQR2w" {
				w.Write(fixture(p.t, "comments_banjir_p2.json", p.now))
				return
			}
			page := fixture(p.t, "comments_banjir_p1.json", p.now)
			if newReply {
				page = withNewThread(p.t, page, p.now)
			}
			w.Write(page)
		case "vidJalan002":
			w.WriteHeader(http.StatusForbidden)
			w.Write(fixture(p.t, "comments_disabled.json", p.now))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write(fixture(p.t, "video_not_found.json", p.now))
		}
	default:
		http.NotFound(w, r)
	}
}

// withNewThread puts a comment posted a minute ago on top of page 1.
func withNewThread(t *testing.T, page []byte, now time.Time) []byte {
	var doc map[string]any
	if err := json.Unmarshal(page, &doc); err != nil {
		t.Fatal(err)
	}
	items := doc["items"].([]any)
	thread := map[string]any{"kind": "youtube#commentThread", "id": "UgzThreadBanjirNew",
		"snippet": map[string]any{"videoId": "vidBanjir01", "isPublic": true, "topLevelComment": map[string]any{
			"kind": "youtube#comment", "id": "UgzThreadBanjirNew",
			"snippet": map[string]any{"textOriginal": "Alhamdulillah banyu sudah surut di Sempaja, makasih pian sudah gawi 🙏",
				"authorDisplayName": "@acil.banjar", "authorChannelId": map[string]any{"value": "UCacilBanjar000000000EE"},
				"likeCount": 3, "publishedAt": now.Add(-time.Minute).UTC().Format(time.RFC3339)}}}}
	doc["items"] = append([]any{thread}, items...)
	out, _ := json.Marshal(doc)
	return out
}

func (p *platform) calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.requests
	p.requests = nil
	return out
}

func source(base string) config.Source {
	return config.Source{Name: "YouTube Pemprov Kaltim", Kind: config.KindYouTube, Channel: "UCkaltimprov0000000000AB",
		Region: "Kalimantan Timur", BaseURL: base, AllowPrivate: true, Credential: "kunci-uji"}
}

func TestChannelUploadsAndComments(t *testing.T) {
	p := &platform{t: t, now: time.Now()}
	srv := httptest.NewServer(p)
	defer srv.Close()
	dir := t.TempDir()
	c, b := crawlertest.Open(t, dir, nil)
	src := source(srv.URL)
	ctx := context.Background()

	st := c.CrawlSource(ctx, src)
	if st.SourcesFailed != 0 || st.New != 8 || st.Failed != 0 {
		t.Fatalf("first poll %+v", st)
	}
	// Comments are read for the recent videos only; the old one (2023) costs no quota.
	if got := strings.Join(p.calls(), " "); got != "vidBanjir01/ vidBanjir01/QURTSl9pM2JxRUh4cHBBbnVmT3VscHRuZ0dQR2w vidJalan002/ vidDihapus3/" {
		t.Errorf("commentThreads calls: %s", got)
	}
	byURL := map[string]news.Article{}
	for _, a := range crawlertest.Articles(t, b) {
		byURL[a.URL] = a
	}
	v := byURL["https://www.youtube.com/watch?v=vidBanjir01"]
	if v.Kind != news.KindSosmed || v.Platform != youtube.Platform || v.Engagement.Views != 15873 || v.Engagement.Likes != 412 ||
		v.Title != "Gubernur Tinjau Banjir Sempaja 🌧️ | Update Penanganan" || !strings.Contains(v.Text, "pompa air") ||
		v.Region != "Kalimantan Timur" || v.Outlet != "YouTube Pemprov Kaltim" {
		t.Errorf("video %+v", v)
	}
	top := byURL["https://www.youtube.com/watch?v=vidBanjir01&lc=UgzThreadBanjirA"]
	if top.ParentID != v.ID || top.Text != "Sempaja dalam banget nah, kada kawa lewat motor matic 🙏 banyu sampai lutut" ||
		top.Title != "Sempaja dalam banget nah" || top.Engagement.Likes != 37 || top.PublishedAt.IsZero() {
		t.Errorf("comment %+v", top)
	}
	// Handles are hashed (no keep_handles) and names dropped.
	if !strings.HasPrefix(top.AuthorHandle, "h:") || top.Author != "" || strings.Contains(top.AuthorHandle, "warga") {
		t.Errorf("comment author kept: handle %q name %q", top.AuthorHandle, top.Author)
	}
	reply := byURL["https://www.youtube.com/watch?v=vidBanjir01&lc=UgzThreadBanjirA.9xReply01"]
	if reply.ParentID != top.ID || reply.Text != "Lewat Wahid Hasyim aja dulu bos, aman 👍" {
		t.Errorf("reply %+v", reply)
	}

	// A new comment: one page read, one item published.
	p.mu.Lock()
	p.newReply = true
	p.mu.Unlock()
	st = c.CrawlSource(ctx, src)
	if st.New != 1 || st.Failed != 0 {
		t.Fatalf("second poll %+v", st)
	}
	if got := strings.Join(p.calls(), " "); got != "vidBanjir01/ vidJalan002/ vidDihapus3/" {
		t.Errorf("second poll read past the cursor: %s", got)
	}

	// A restarted crawler resumes from the saved cursor: nothing repeated.
	b.Close()
	c2, b2 := crawlertest.Open(t, dir, nil)
	st = c2.CrawlSource(ctx, src)
	if st.New != 0 || st.Failed != 0 {
		t.Fatalf("after restart %+v", st)
	}
	if got := strings.Join(p.calls(), " "); got != "vidBanjir01/ vidJalan002/ vidDihapus3/" {
		t.Errorf("after restart: %s", got)
	}
	if n := len(crawlertest.Articles(t, b2)); n != 9 {
		t.Errorf("%d articles on the stream, want 9", n)
	}
}

func TestQuotaExpiredKeyAndHandles(t *testing.T) {
	p := &platform{t: t, now: time.Now(), fail: "quota_exceeded.json", status: http.StatusForbidden}
	srv := httptest.NewServer(p)
	defer srv.Close()
	c, _ := crawlertest.Open(t, t.TempDir(), nil)
	ctx := context.Background()
	src := source(srv.URL)
	st := c.CrawlSource(ctx, src)
	if st.SourcesFailed != 1 || st.New != 4 {
		t.Fatalf("quota: %+v (the uploads still come)", st)
	}
	h := crawlertest.Health(t, c, src)
	if h.Status(time.Now(), 10*time.Minute) != "ditunda" || h.BackoffReason != "kuota YouTube Data API habis" ||
		h.BackoffUntil.Sub(time.Now()) > 25*time.Hour || h.BackoffUntil.Sub(time.Now()) < time.Minute {
		t.Errorf("quota health %+v", h)
	}
	if n := len(p.calls()); n != 1 {
		t.Errorf("%d API calls after the quota error, want 1", n)
	}

	// An expired key fails clearly, on a fresh crawler.
	p2 := &platform{t: t, now: time.Now(), fail: "key_expired.json", status: http.StatusBadRequest}
	srv2 := httptest.NewServer(p2)
	defer srv2.Close()
	c2, b2 := crawlertest.Open(t, t.TempDir(), nil)
	src2 := source(srv2.URL)
	src2.KeepHandles = true
	st = c2.CrawlSource(ctx, src2)
	h = crawlertest.Health(t, c2, src2)
	if st.SourcesFailed != 1 || h.Status(time.Now(), 10*time.Minute) != "gagal" || h.LastReason != "token/kunci API tidak berlaku" ||
		!strings.Contains(h.LastError, "API key expired") {
		t.Errorf("expired key: %+v %+v", st, h)
	}
	for _, a := range crawlertest.Articles(t, b2) {
		if a.AuthorHandle != "UCkaltimprov0000000000AB" || a.Author != "Pemprov Kaltim" {
			t.Errorf("keep_handles: handle %q author %q", a.AuthorHandle, a.Author)
		}
	}

	// Without a key the uploads are still read.
	srv3 := httptest.NewServer(&platform{t: t, now: time.Now()})
	defer srv3.Close()
	c3, _ := crawlertest.Open(t, t.TempDir(), nil)
	src3 := source(srv3.URL)
	src3.Credential = ""
	if st := c3.CrawlSource(ctx, src3); st.SourcesFailed != 0 || st.New != 4 {
		t.Errorf("no key: %+v", st)
	}
}
