package web

import (
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
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

var issueLinkRe = regexp.MustCompile(`<h3><a href="(/isu/[^"]+)">`)

// TestIssueDetailKeepsListFilters: an issue opened from a filtered list
// shows what the list counted — the same period and media in its figures,
// chart and articles — says so, offers to clear the filters, and leads
// back to the same list; after relabelling without JavaScript the analyst
// lands on the same filtered page.
func TestIssueDetailKeepsListFilters(t *testing.T) {
	s, _ := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, csrf := login(t, srv, "analis")

	_, list := get(t, c, srv.URL+"/isu?periode=30-hari&platform=instagram")
	m := issueLinkRe.FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("no issue in the list:\n%.2000s", list)
	}
	link := html.UnescapeString(m[1])
	u, _ := url.Parse(link)
	if q := u.Query(); q.Get("periode") != "30-hari" || q.Get("platform") != "instagram" || q.Get("jenis") != "" {
		t.Fatalf("the list's link %s does not carry its filters", link)
	}
	res, detail := get(t, c, srv.URL+link)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s", link, res.Status)
	}
	arts := strings.Count(detail, `<article class="art"`)
	if arts == 0 || strings.Count(detail, " · media sosial · Instagram</p>") != arts {
		t.Errorf("filtered detail: %d articles, not all from Instagram", arts)
	}
	if !strings.Contains(detail, "Hanya <b>30 hari terakhir, Instagram</b>") || !strings.Contains(detail, `href="`+u.Path+`">Hapus filter`) {
		t.Errorf("the detail does not say its filters or how to clear them")
	}
	if !strings.Contains(detail, `<a href="/isu?periode=30-hari&amp;platform=instagram">← Daftar isu</a>`) {
		t.Errorf("the way back loses the list's filters")
	}
	if !strings.Contains(detail, `name="lingkup" value="periode=30-hari&amp;platform=instagram"`) {
		t.Errorf("the relabel form does not carry the filters")
	}
	// The figures are the filtered ones: as many items as articles listed.
	if !strings.Contains(detail, `<span class="k">jumlah item</span><b>`+strconv.Itoa(arts)+`</b>`) {
		t.Errorf("the figures do not count the %d Instagram articles", arts)
	}

	// The same issue unfiltered has more: every medium, its whole life.
	_, whole := get(t, c, srv.URL+u.Path)
	if n := strings.Count(whole, `<article class="art"`); n <= arts || strings.Contains(whole, "Hapus filter") {
		t.Errorf("the whole issue shows %d articles (filtered %d), or a filter", n, arts)
	}

	// Relabelling without JavaScript leads back to the filtered page.
	id := regexp.MustCompile(`<article class="art" id="a-([0-9a-f]+)">`).FindStringSubmatch(detail)[1]
	label := regexp.MustCompile(`<select name="label" id="l-` + id + `">(?s:.*?)<option value="([^"]+)" selected>`).FindStringSubmatch(detail)[1]
	res, _ = post(t, c, srv.URL+"/artikel/"+id+"/label", url.Values{"csrf": {csrf}, "label": {label}, "asal": {"isu"},
		"lingkup": {"periode=30-hari&platform=instagram"}}, nil)
	if loc := res.Header.Get("Location"); res.StatusCode != 303 || loc != link+"#a-"+id {
		t.Errorf("after relabelling: %s to %q, want %q", res.Status, loc, link+"#a-"+id)
	}

	// A period in which the issue has nothing: say so, and offer it whole.
	res, body := get(t, c, srv.URL+"/isu/isu-uji-relabel?periode=7-hari")
	if res.StatusCode != 404 || !strings.Contains(body, "tidak punya pemberitaan dalam 7 hari terakhir, semua media") ||
		!strings.Contains(body, `href="/isu/isu-uji-relabel">Tampilkan seluruh isu ini`) {
		t.Errorf("an issue outside the period: %s\n%.1500s", res.Status, body)
	}
	for _, p := range []string{"/isu/isu-a-s01?periode=1-tahun", "/isu/isu-a-s01?platform=friendster"} {
		if res, _ := get(t, c, srv.URL+p); res.StatusCode != 400 {
			t.Errorf("GET %s: %s, want 400", p, res.Status)
		}
	}
}
