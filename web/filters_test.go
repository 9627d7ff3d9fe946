package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMediaFilters: the issue list and search take jenis and platform
// (store.MediaFilter, as the CLI and the API), keep them in the form, and
// refuse unknown values.
func TestMediaFilters(t *testing.T) {
	s, _ := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, _ := login(t, srv, "pimpinan")

	res, body := get(t, c, srv.URL+"/cari?periode=90-hari&jenis=media-sosial&platform=instagram")
	n := strings.Count(body, `<article class="art"`)
	if res.StatusCode != 200 || n == 0 || strings.Count(body, " · media sosial · Instagram</p>") != n {
		t.Errorf("search in instagram: %s, %d articles\n%.2000s", res.Status, n, body)
	}
	if !strings.Contains(body, `<option value="media-sosial" selected>`) || !strings.Contains(body, `<option value="instagram" selected>`) {
		t.Errorf("the form forgets the filters")
	}
	// Older links name the stored kind.
	res, body = get(t, c, srv.URL+"/cari?periode=90-hari&jenis=rilis")
	n = strings.Count(body, `<article class="art"`)
	if res.StatusCode != 200 || n == 0 || strings.Count(body, " · siaran pers</p>") != n || !strings.Contains(body, `<option value="siaran-pers" selected>`) {
		t.Errorf("search in press releases: %s, %d articles", res.Status, n)
	}

	_, all := get(t, c, srv.URL+"/isu?periode=30-hari")
	res, social := get(t, c, srv.URL+"/isu?periode=30-hari&jenis=media-sosial")
	if res.StatusCode != 200 || social == all || !strings.Contains(social, `<option value="media-sosial" selected>`) {
		t.Errorf("issues in social media: %s", res.Status)
	}
	for _, p := range []string{"/isu?jenis=koran", "/isu?platform=friendster", "/cari?jenis=koran", "/cari?q=banjir&platform=orkut"} {
		if res, _ := get(t, c, srv.URL+p); res.StatusCode != 400 {
			t.Errorf("GET %s: %s, want 400", p, res.Status)
		}
	}
}
