package tiktok_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	"github.com/diskominfo-kaltim/pantau/crawler/tiktok"
	"github.com/diskominfo-kaltim/pantau/news"
)

// research plays the Research API: the client-credentials token and the
// video and comment queries, from recorded answers.
type research struct {
	t         *testing.T
	now       time.Time
	mu        sync.Mutex
	tokens    int
	expireOne bool   // the first query after a token answers access_token_invalid
	mode      string // "", "badclient", "limit"
	calls     []string
}

func (r *research) fixture(name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		r.t.Fatal(err)
	}
	return regexp.MustCompile(`\{\{U-(\w+)\}\}`).ReplaceAllFunc(b, func(m []byte) []byte {
		d, _ := time.ParseDuration(string(m[4 : len(m)-2]))
		return []byte(fmt.Sprint(r.now.Add(-d).Unix()))
	})
}

func (r *research) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if req.URL.Path == "/v2/oauth/token/" {
		req.ParseForm()
		if req.PostForm.Get("grant_type") != "client_credentials" || req.PostForm.Get("client_key") != "kunci" {
			r.t.Errorf("token form %v", req.PostForm)
		}
		r.calls = append(r.calls, "token")
		if r.mode == "badclient" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(r.fixture("token_invalid_client.json"))
			return
		}
		r.tokens++
		w.Write(r.fixture("token.json"))
		return
	}
	body, _ := io.ReadAll(req.Body)
	var q map[string]any
	json.Unmarshal(body, &q)
	r.calls = append(r.calls, fmt.Sprintf("%s %v", req.URL.Path, q["cursor"]))
	if req.Header.Get("Authorization") != "Bearer clt.example12345Example12345Example" {
		r.t.Errorf("%s authorization %q", req.URL.Path, req.Header.Get("Authorization"))
	}
	if r.expireOne {
		r.expireOne = false
		w.WriteHeader(http.StatusUnauthorized)
		w.Write(r.fixture("access_token_invalid.json"))
		return
	}
	if r.mode == "limit" {
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(r.fixture("rate_limit.json"))
		return
	}
	switch req.URL.Path {
	case "/v2/research/video/query/":
		if !strings.Contains(string(body), `"field_values":["banjir samarinda"]`) || !strings.Contains(req.URL.Query().Get("fields"), "video_description") {
			r.t.Errorf("query %s fields %s", body, req.URL.Query().Get("fields"))
		}
		if q["cursor"] == nil {
			w.Write(r.fixture("videos_1.json"))
		} else {
			w.Write(r.fixture("videos_2.json"))
		}
	case "/v2/research/video/comment/list/":
		w.Write(r.fixture("comments.json"))
	default:
		http.NotFound(w, req)
	}
}

func (r *research) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

func src(base string) config.Source {
	return config.Source{Name: "TikTok banjir Samarinda", Kind: config.KindTikTok, Query: "banjir samarinda",
		Region: "Kota Samarinda", BaseURL: base, AllowPrivate: true, Credential: "kunci", Secret: "rahasia"}
}

func TestResearchAPI(t *testing.T) {
	r := &research{t: t, now: time.Now()}
	srv := httptest.NewServer(r)
	defer srv.Close()
	dir := t.TempDir()
	c, b := crawlertest.Open(t, dir, nil)
	ctx := context.Background()
	s := src(srv.URL)
	// Two videos with words (one page each), two comments.
	if st := c.CrawlSource(ctx, s); st.New != 4 || st.SourcesFailed != 0 {
		t.Fatalf("first poll %+v", st)
	}
	if got := strings.Join(r.take(), " | "); got != "token | /v2/research/video/query/ <nil> | /v2/research/video/query/ 100 | /v2/research/video/comment/list/ 0" {
		t.Errorf("calls %s", got)
	}
	// An early-expired token is renewed once; nothing is published twice.
	r.mu.Lock()
	r.expireOne = true
	r.mu.Unlock()
	if st := c.CrawlSource(ctx, s); st.New != 0 || st.SourcesFailed != 0 {
		t.Fatalf("second poll %+v", st)
	}
	if r.tokens != 2 {
		t.Errorf("%d tokens made, want 2", r.tokens)
	}
	b.Close()
	c2, b2 := crawlertest.Open(t, dir, nil)
	if st := c2.CrawlSource(ctx, s); st.New != 0 {
		t.Fatalf("after restart %+v", st)
	}
	byText := map[string]news.Article{}
	for _, a := range crawlertest.Articles(t, b2) {
		byText[a.Text] = a
	}
	v := byText["Banjir di Sempaja lagi, motor mogok semua 😭 #banjirsamarinda #kaltim"]
	if v.Platform != tiktok.Platform || v.Engagement.Views != 48000 || v.Engagement.Shares != 120 || strings.Contains(v.URL, "warga_sempaja") ||
		!strings.HasPrefix(v.AuthorHandle, "h:") {
		t.Errorf("video %+v", v)
	}
	reply := byText["Setuju, RT kami sudah lapor dari bulan lalu"]
	top := byText["Drainase kada pernah dibersihkan, wajar ai banjir 😤"]
	if top.ParentID != v.ID || reply.ParentID != top.ID {
		t.Errorf("comment parents: %q→%q, %q→%q", top.ParentID, v.ID, reply.ParentID, top.ID)
	}
}

func TestResearchAPIUnavailable(t *testing.T) {
	ctx := context.Background()
	c, _ := crawlertest.Open(t, t.TempDir(), nil)
	// No access (the usual case for an office): a clear failure, no request.
	s := src("http://127.0.0.1:1")
	s.Credential, s.Secret = "", ""
	c.CrawlSource(ctx, s)
	h := crawlertest.Health(t, c, s)
	if h.LastReason != "token/kunci API tidak berlaku" || !strings.Contains(h.LastError, "Research API hanya diberikan TikTok kepada peneliti") {
		t.Errorf("no credentials: %+v", h)
	}
	// Wrong client key: TikTok's words in the error.
	r := &research{t: t, now: time.Now(), mode: "badclient"}
	srv := httptest.NewServer(r)
	defer srv.Close()
	s = src(srv.URL)
	s.Name = "TikTok kunci salah"
	c.CrawlSource(ctx, s)
	if h := crawlertest.Health(t, c, s); !strings.Contains(h.LastError, "invalid_client") || h.Status(time.Now(), time.Hour) != "gagal" {
		t.Errorf("bad client: %+v", h)
	}
	// Quota spent: deferred to midnight UTC.
	r2 := &research{t: t, now: time.Now(), mode: "limit"}
	srv2 := httptest.NewServer(r2)
	defer srv2.Close()
	s = src(srv2.URL)
	s.Name = "TikTok kuota"
	c.CrawlSource(ctx, s)
	h = crawlertest.Health(t, c, s)
	midnight := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	if h.Status(time.Now(), time.Hour) != "ditunda" || h.BackoffReason != "kuota TikTok Research API habis" || !h.BackoffUntil.Equal(midnight) {
		t.Errorf("quota: %+v (want until %s)", h, midnight)
	}
}
