package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// client is a browser-like HTTP client: cookies kept, redirects not
// followed (so tests see them).
func client(t *testing.T, srv *httptest.Server) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := *srv.Client() // a copy: srv.Client() is one shared client
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%.400s", page)
	}
	return m[1]
}

// tryLogin submits the login form as a browser would.
func tryLogin(t *testing.T, c *http.Client, srv *httptest.Server, name, pw string) *http.Response {
	t.Helper()
	_, page := get(t, c, srv.URL+"/masuk")
	res, _ := post(t, c, srv.URL+"/masuk", url.Values{"csrf": {csrfOf(t, page)}, "nama": {name}, "sandi": {pw}}, nil)
	return res
}

// login signs in as the test user of role and returns the client and the
// session's CSRF token.
func login(t *testing.T, srv *httptest.Server, role string) (*http.Client, string) {
	t.Helper()
	c := client(t, srv)
	name := testUsers[role]
	if res := tryLogin(t, c, srv, name, password(name)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s: %s", name, res.Status)
	}
	res, page := get(t, c, srv.URL+"/")
	if res.StatusCode != 200 {
		t.Fatalf("overview after login: %s", res.Status)
	}
	return c, csrfOf(t, page)
}

var pages = []string{"/", "/?periode=hari-ini", "/?periode=30-hari", "/isu", "/isu?periode=30-hari&label=negatif", "/isu/isu-a-s01",
	"/tinjau", "/cari?q=banjir", "/cari", "/sumber", "/laporan", "/laporan?tanggal=2026-11-29", "/laporan/pratinjau?tanggal=2026-11-29",
	"/laporan/unduh?tanggal=2026-11-29&format=html"}

func TestNoPageWithoutLogin(t *testing.T) {
	s, _ := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c := client(t, srv)
	for _, p := range append(pages, "/audit") {
		res, _ := get(t, c, srv.URL+p)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/masuk?lanjut=") {
			t.Errorf("GET %s without login: %s, Location %q", p, res.Status, res.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/artikel/" + relabelTarget.id + "/label", "/laporan/kirim", "/keluar"} {
		res, _ := post(t, c, srv.URL+p, url.Values{"label": {"positif"}}, nil)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST %s without login: %s", p, res.Status)
		}
	}
	// A forged cookie is no session.
	u, _ := url.Parse(srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "palsu"}})
	if res, _ := get(t, c, srv.URL+"/isu"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("forged session cookie: %s", res.Status)
	}
	// The login page, the assets and nothing else.
	for _, p := range []string{"/masuk", "/static/app.css", "/static/vendor/htmx.min.js", "/static/vendor/echarts.min.js"} {
		if res, _ := get(t, c, srv.URL+p); res.StatusCode != 200 {
			t.Errorf("GET %s: %s", p, res.Status)
		}
	}
	// After login, the next page is the one asked for.
	res := tryLogin(t, c, srv, "sari", password("sari"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Errorf("login: %s to %q", res.Status, res.Header.Get("Location"))
	}
}

func TestEveryPageAnswersAfterLogin(t *testing.T) {
	s, _ := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, _ := login(t, srv, "pimpinan")
	for _, p := range pages {
		res, body := get(t, c, srv.URL+p)
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %s\n%.300s", p, res.Status, body)
		}
		if strings.Contains(body, "galat di server") {
			t.Errorf("GET %s shows an error", p)
		}
	}
	if res, body := get(t, c, srv.URL+"/laporan/unduh?tanggal=2026-11-29&format=pdf"); res.StatusCode != 200 ||
		res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
		t.Errorf("PDF download: %s %s", res.Status, res.Header.Get("Content-Type"))
	}
	if res, _ := get(t, c, srv.URL+"/isu/tidak-ada"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown issue: %s", res.Status)
	}
	if res, _ := get(t, c, srv.URL+"/laporan/pratinjau?tanggal=2020-01-01"); res.StatusCode != http.StatusNotFound {
		t.Errorf("report of a day without data: %s", res.Status)
	}
}

func TestCSRFRejected(t *testing.T) {
	s, _ := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, tok := login(t, srv, "analis")
	id := relabelTarget.id
	target := srv.URL + "/artikel/" + id + "/label"
	for _, tc := range []struct {
		name   string
		form   url.Values
		header map[string]string
	}{
		{"no token", url.Values{"label": {"negatif"}}, nil},
		{"wrong token", url.Values{"label": {"negatif"}, "csrf": {"x" + tok}}, nil},
		{"wrong header", url.Values{"label": {"negatif"}}, map[string]string{"X-CSRF-Token": "x"}},
		{"other site", url.Values{"label": {"negatif"}, "csrf": {tok}}, map[string]string{"Origin": "https://jahat.example"}},
		{"cross-site fetch", url.Values{"label": {"negatif"}, "csrf": {tok}}, map[string]string{"Sec-Fetch-Site": "cross-site"}},
	} {
		if res, _ := post(t, c, target, tc.form, tc.header); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %s", tc.name, res.Status)
		}
	}
	// Logging out needs the token too.
	if res, _ := post(t, c, srv.URL+"/keluar", nil, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("logout without token: %s", res.Status)
	}
	// The login form carries its own token.
	c2 := client(t, srv)
	if res, _ := post(t, c2, srv.URL+"/masuk", url.Values{"nama": {"sari"}, "sandi": {password("sari")}}, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("login without its token: %s", res.Status)
	}
	// With the token (form or header) and same origin, the label is kept.
	if res, body := post(t, c, target, url.Values{"label": {"negatif"}, "csrf": {tok}}, map[string]string{"Origin": srv.URL}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("valid form post: %s %.200s", res.Status, body)
	}
	if res, body := post(t, c, target, url.Values{"label": {"negatif"}, "asal": {"isu"}}, map[string]string{"X-CSRF-Token": tok, "HX-Request": "true"}); res.StatusCode != 200 ||
		!strings.Contains(body, "Label dikonfirmasi: negatif") {
		t.Errorf("valid htmx post: %s %.300s", res.Status, body)
	}
}

func TestRolesEnforced(t *testing.T) {
	s, _ := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	id := relabelTarget.id
	for _, tc := range []struct {
		role          string
		label, audit  int
		send, relabel bool
	}{
		{"pimpinan", http.StatusForbidden, http.StatusForbidden, false, false},
		{"analis", http.StatusSeeOther, http.StatusForbidden, false, true},
		{"admin", http.StatusSeeOther, http.StatusOK, true, true},
	} {
		c, tok := login(t, srv, tc.role)
		res, _ := post(t, c, srv.URL+"/artikel/"+id+"/label", url.Values{"label": {"negatif"}, "csrf": {tok}}, nil)
		if res.StatusCode != tc.label {
			t.Errorf("%s relabels: %s, want %d", tc.role, res.Status, tc.label)
		}
		if res, _ := get(t, c, srv.URL+"/audit"); res.StatusCode != tc.audit {
			t.Errorf("%s opens the audit log: %s, want %d", tc.role, res.Status, tc.audit)
		}
		res, _ = post(t, c, srv.URL+"/laporan/kirim", url.Values{"tanggal": {"2026-11-29"}, "csrf": {tok}}, nil)
		if got := res.StatusCode == http.StatusSeeOther; got != tc.send {
			t.Errorf("%s sends the report: %s", tc.role, res.Status)
		}
		_, page := get(t, c, srv.URL+"/isu/isu-a-s01")
		if got := strings.Contains(page, `class="relabel"`); got != tc.relabel {
			t.Errorf("%s sees relabel forms: %v", tc.role, got)
		}
	}
}

func TestSessionCookieFlags(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		s, _ := newServer()
		var srv *httptest.Server
		if tlsOn {
			srv = httptest.NewTLSServer(s.Handler())
		} else {
			srv = httptest.NewServer(s.Handler())
		}
		c := client(t, srv)
		res := tryLogin(t, c, srv, "sari", password("sari"))
		var sc *http.Cookie
		for _, k := range res.Cookies() {
			if k.Name == sessionCookie {
				sc = k
			}
		}
		if sc == nil {
			t.Fatalf("tls %v: no session cookie", tlsOn)
		}
		if !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.Secure != tlsOn || len(sc.Value) < 40 {
			t.Errorf("tls %v: session cookie %+v", tlsOn, sc)
		}
		// Logging out ends the session on the server, not only in the browser.
		_, page := get(t, c, srv.URL+"/")
		old := sc.Value
		if res, _ := post(t, c, srv.URL+"/keluar", url.Values{"csrf": {csrfOf(t, page)}}, nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("logout: %s", res.Status)
		}
		c2 := client(t, srv)
		u, _ := url.Parse(srv.URL)
		c2.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: old}})
		if res, _ := get(t, c2, srv.URL+"/"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("tls %v: the old cookie still works after logout: %s", tlsOn, res.Status)
		}
		srv.Close()
	}
}

func TestSessionExpires(t *testing.T) {
	s, clk := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, _ := login(t, srv, "analis")
	clk.Advance(13 * time.Hour)
	if res, _ := get(t, c, srv.URL+"/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after 13 hours: %s", res.Status)
	}
}

func TestLoginThrottled(t *testing.T) {
	s, clk := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c := client(t, srv)
	for i := 0; i < maxFailsPerName; i++ {
		if res := tryLogin(t, c, srv, "sari", "salah-sandi-123"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %s", i+1, res.Status)
		}
	}
	// Past the limit even the right password is refused, with a wait.
	res := tryLogin(t, c, srv, "sari", password("sari"))
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures: %s, Retry-After %q", maxFailsPerName, res.Status, res.Header.Get("Retry-After"))
	}
	// Another user from the same address is not locked out by sari's.
	if res := tryLogin(t, client(t, srv), srv, "rina", password("rina")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another user: %s", res.Status)
	}
	// The window passes.
	clk.Advance(throttleWindow)
	if res := tryLogin(t, client(t, srv), srv, "sari", password("sari")); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %s", res.Status)
	}
	// Many names from one address: the address is throttled.
	for i := 0; i < maxFailsPerIP; i++ {
		tryLogin(t, c, srv, "tebakan"+string(rune('a'+i)), "salah-sandi-123")
	}
	if res := tryLogin(t, c, srv, "kadis", password("kadis")); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after %d failures from one address: %s", maxFailsPerIP, res.Status)
	}
}
