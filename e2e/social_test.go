package e2e

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
)

// relative fills a connector fixture's {{T-6h}} times relative to now.
func relative(t *testing.T, path, layout string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	return regexp.MustCompile(`\{\{T-(\w+)\}\}`).ReplaceAllStringFunc(string(b), func(m string) string {
		d, _ := time.ParseDuration(m[4 : len(m)-2])
		return now.Add(-d).UTC().Format(layout)
	})
}

// TestNewsAndSocialTogether runs the binary on an outlet's feed, a
// Telegram channel, an X search and a Google News search that leads back
// to one of the outlet's articles: every item is classified and stored
// once, the Google News copy is the outlet's article (dedupped), and the
// X token, given as a file, never shows in `pantau config`.
func TestNewsAndSocialTogether(t *testing.T) {
	const n = 12
	outlet := site(t, n, 0)
	arts, err := indosum.Articles()
	if err != nil {
		t.Fatal(err)
	}
	target := outlet.URL + "/berita/" + arts[3].Slug

	telegram := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/s/infosamarinda" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, relative(t, "../crawler/telegram/testdata/channel_latest.html", "2006-01-02T15:04:05+00:00"))
	}))
	defer telegram.Close()
	xapi := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer token-x-kantor" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Rate-Limit-Remaining", "59")
		fmt.Fprint(w, relative(t, "../crawler/x/testdata/recent_1.json", "2006-01-02T15:04:05.000Z"))
	}))
	defer xapi.Close()
	id := append([]byte{0x08, 0x13, 0x22, byte(len(target))}, target...)
	gnID := base64.RawURLEncoding.EncodeToString(append(id, 0xd2, 0x01, 0x00))
	gnews := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rss/search" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Google Berita</title>
<item><title>%s - Outlet Uji</title><link>http://%s/rss/articles/%s?oc=5</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><source url="%s">Outlet Uji</source></item>
</channel></rss>`, arts[3].Title(), r.Host, gnID, gnID, time.Now().UTC().Format(time.RFC1123), outlet.URL)
	}))
	defer gnews.Close()

	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "x-token")
	os.WriteFile(tokenFile, []byte("token-x-kantor\n"), 0o600)
	t.Setenv("PANTAU_X_BEARER_TOKEN_FILE", tokenFile)
	sources := filepath.Join(dir, "sources.yaml")
	os.WriteFile(sources, []byte(fmt.Sprintf(`- name: Outlet Uji
  feed: %[1]s/rss.xml
  region: Kota Samarinda
  allow_private: true
- name: Telegram Info Samarinda
  kind: telegram
  channel: infosamarinda
  region: Kota Samarinda
  base_url: %[2]s
  allow_private: true
- name: X banjir Samarinda
  kind: x
  query: banjir samarinda
  region: Kota Samarinda
  base_url: %[3]s
  allow_private: true
- name: Google News Pemprov
  kind: google_news
  query: Pemprov Kaltim
  region: Kalimantan Timur
  base_url: %[4]s
  allow_private: true
`, outlet.URL, telegram.URL, xapi.URL, gnews.URL)), 0o644)
	data := t.TempDir()
	r := pantau(t, 3*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	// 12 articles, 5 Telegram posts with words, 2 X posts; the Google News
	// item is one of the outlet's articles.
	if !strings.Contains(r.stdout, fmt.Sprintf("%d artikel baru", n+7)) || !strings.Contains(r.stdout, fmt.Sprintf("%d tersimpan", n+7)) {
		t.Fatalf("summary %q\n%s", r.stdout, r.stderr)
	}
	q := "SELECT count(), uniqExact(id), countIf(url LIKE 'https://t.me/%'), countIf(url LIKE 'https://x.com/%'), " +
		"countIf(label IN ('positif','netral','berpotensi negatif','negatif')), countIf(outlet = 'Outlet Uji') FROM pantau.mentions FINAL"
	if got := sqlOne(t, data, nil, q); got != fmt.Sprintf("%d\t%d\t5\t2\t%d\t%d", n+7, n+7, n+7, n) {
		t.Fatalf("mentions: %q", got)
	}
	// The X author's handle is hashed, not stored.
	if got := sqlOne(t, data, nil, "SELECT countIf(position(text, 'wargasmd') > 0 OR position(author, 'Warga Samarinda') > 0) FROM pantau.mentions"); got != "0" {
		t.Errorf("%s stored items carry the X author's name", got)
	}
	hr := pantau(t, time.Minute, "sources", "--config", sources, "--data", data)
	for _, want := range []string{"Telegram Info Samarinda", "X banjir Samarinda", "Google News Pemprov", "JENIS", "INTERVAL", "telegram", "google_news", "30 mnt"} {
		if !strings.Contains(hr.stdout, want) {
			t.Errorf("pantau sources lacks %q:\n%s", want, hr.stdout)
		}
	}
	if strings.Contains(hr.stdout, "gagal") {
		t.Errorf("a source failed:\n%s\n%s", hr.stdout, r.stderr)
	}
	cr := pantau(t, time.Minute, "config", "--config", sources)
	if strings.Contains(cr.stdout, "token-x-kantor") || !strings.Contains(cr.stdout, "x_bearer_token") {
		t.Errorf("pantau config shows the X token or lacks the option:\n%s", cr.stdout)
	}
}
