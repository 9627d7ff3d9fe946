package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

var backend *chdb.Backend

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-api-test-")
	if err != nil {
		panic(err)
	}
	backend, err = chdb.Open(dir, "api_test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	backend.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

var now = time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)

func server(t *testing.T) *httptest.Server {
	t.Helper()
	return serverAt(t, now)
}

// serverAt serves the fixture with the clock at at.
func serverAt(t *testing.T, at time.Time) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	backend.Exec(ctx, "DROP DATABASE IF EXISTS api_test")
	if _, err := store.Migrate(ctx, backend, nil); err != nil {
		t.Fatal(err)
	}
	var rows []news.Classified
	for i := 0; i < 6; i++ {
		at := now.Add(-time.Duration(i*5+1) * time.Hour)
		label := "negatif"
		if i%2 == 0 {
			label = "netral"
		}
		rows = append(rows, news.Classified{Article: news.Article{ID: fmt.Sprintf("m%d", i), URL: fmt.Sprintf("https://x.id/%d", i),
			Outlet: "Kaltim Post", Title: fmt.Sprintf("Banjir Samarinda %d", i), Text: "Banjir merendam permukiman.", PublishedAt: at, FetchedAt: at},
			Label: label, Polarity: "negatif", Regions: []string{"Kota Samarinda"}, OPDs: []string{"BPBD"},
			IssueID: "isu-banjir", IssueName: "Banjir samarinda", IssueTerms: []string{"banjir samarinda"}})
	}
	if err := backend.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := backend.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
		t.Fatal(err)
	}
	rs, _ := issuemap.DefaultRules()
	s := &Server{Store: backend, Rules: rs, Token: "rahasia", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return at }}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, srv *httptest.Server, method, path, token, body string) (int, map[string]any, []any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var obj map[string]any
	var arr []any
	if json.Unmarshal(raw, &obj) != nil {
		json.Unmarshal(raw, &arr)
	}
	return resp.StatusCode, obj, arr
}

func TestAuthRequired(t *testing.T) {
	srv := server(t)
	for _, p := range []string{"/api/issues", "/api/issues/isu-banjir", "/api/trend", "/api/search?q=banjir"} {
		if code, obj, _ := call(t, srv, "GET", p, "", ""); code != 401 || obj["error"] == nil {
			t.Errorf("%s without token: %d %v", p, code, obj)
		}
		if code, _, _ := call(t, srv, "GET", p, "salah", ""); code != 401 {
			t.Errorf("%s with a wrong token: %d", p, code)
		}
	}
	if code, _, _ := call(t, srv, "GET", "/api/health", "", ""); code != 200 {
		t.Errorf("health: %d", code)
	}
}

func TestIssuesTrendSearchAndLabel(t *testing.T) {
	srv := server(t)
	code, _, arr := call(t, srv, "GET", "/api/issues?since=7d", "rahasia", "")
	if code != 200 || len(arr) != 1 {
		t.Fatalf("issues: %d %v", code, arr)
	}
	is := arr[0].(map[string]any)
	if is["id"] != "isu-banjir" || is["mentions"].(float64) != 6 || is["recommendation"].(map[string]any)["strategy"] != "respons cepat" {
		t.Errorf("issue %v", is)
	}
	code, obj, _ := call(t, srv, "GET", "/api/issues/isu-banjir", "rahasia", "")
	if code != 200 || len(obj["articles"].([]any)) != 6 || len(obj["talking_points"].([]any)) != 3 || len(obj["series"].([]any)) != 2 {
		t.Errorf("one issue: %d %v", code, obj)
	}
	if code, _, _ := call(t, srv, "GET", "/api/issues/isu-tidak-ada", "rahasia", ""); code != 404 {
		t.Errorf("unknown issue: %d", code)
	}
	if code, _, arr := call(t, srv, "GET", "/api/trend?by=label&since=2d", "rahasia", ""); code != 200 || len(arr) == 0 {
		t.Errorf("trend: %d %v", code, arr)
	}
	if code, _, arr := call(t, srv, "GET", "/api/trend?by=issue&interval=hour&since=2d&limit=1", "rahasia", ""); code != 200 || len(arr) == 0 || arr[0].(map[string]any)["key"] != "isu-banjir" {
		t.Errorf("hourly issue trend: %d %v", code, arr)
	}
	if code, _, arr := call(t, srv, "GET", "/api/search?q=samarinda", "rahasia", ""); code != 200 || len(arr) != 6 {
		t.Errorf("search: %d %d", code, len(arr))
	}
	code, obj, _ = call(t, srv, "POST", "/api/mentions/m1/label", "rahasia", `{"label":"berpotensi negatif","analyst":"prahum1","note":"masih ditangani"}`)
	if code != 200 || obj["status"] != "tersimpan" {
		t.Errorf("label: %d %v", code, obj)
	}
	res, err := backend.Query(context.Background(), "SELECT label, analyst FROM api_test.label_corrections", nil)
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "berpotensi negatif" || res.Rows[0][1] != "prahum1" {
		t.Errorf("stored correction: %v %v", err, res)
	}
	if code, _, _ := call(t, srv, "POST", "/api/mentions/tidak-ada/label", "rahasia", `{"label":"negatif","analyst":"a"}`); code != 404 {
		t.Errorf("label of unknown mention: %d", code)
	}
}

func TestBadParametersGet400(t *testing.T) {
	srv := server(t)
	for _, p := range []string{
		"/api/issues?since=kemarin", "/api/issues?since=7x", "/api/issues?limit=0", "/api/issues?limit=abc",
		"/api/issues?label=buruk", "/api/trend?by=kota", "/api/trend?interval=menit", "/api/trend?interval=hour&since=90d", "/api/trend?by=issue&limit=101", "/api/search", "/api/search?q=" + strings.Repeat("x", 201),
		"/api/issues?jenis=koran", "/api/issues?platform=friendster", "/api/issues/isu-banjir?jenis=koran", "/api/issues/isu-banjir?platform=myspace",
		"/api/trend?jenis=koran", "/api/trend?by=jenis&platform=friendster", "/api/search?q=banjir&jenis=koran", "/api/search?q=banjir&platform=friendster",
	} {
		code, obj, _ := call(t, srv, "GET", p, "rahasia", "")
		if code != 400 || obj["error"] == "" {
			t.Errorf("%s: %d %v", p, code, obj)
		}
	}
	for _, body := range []string{`{bukan json`, `{"label":"jelek","analyst":"a"}`, `{"label":"negatif"}`} {
		if code, obj, _ := call(t, srv, "POST", "/api/mentions/m1/label", "rahasia", body); code != 400 || obj["error"] == "" {
			t.Errorf("label body %s: %d %v", body, code, obj)
		}
	}
}

// TestInjectionIsInert sends SQL in every parameter: each is a value, the
// answers are empty or 400, and the data is intact afterwards.
func TestInjectionIsInert(t *testing.T) {
	srv := server(t)
	evil := []string{"' OR 1=1 --", "'); DROP DATABASE api_test; --", `\'; SELECT 1; --`, "x' UNION SELECT name FROM system.tables --"}
	for _, e := range evil {
		q := url.QueryEscape(e)
		for _, p := range []string{"/api/issues?region=" + q, "/api/issues/" + url.PathEscape(e), "/api/search?q=" + q, "/api/trend?by=" + q, "/api/trend?interval=" + q, "/api/issues?since=" + q,
			"/api/issues?jenis=" + q, "/api/issues?platform=" + q, "/api/search?q=banjir&jenis=" + q, "/api/trend?platform=" + q} {
			code, _, arr := call(t, srv, "GET", p, "rahasia", "")
			if code == 500 || (code == 200 && len(arr) != 0) {
				t.Errorf("%s: %d %v", p, code, arr)
			}
		}
		code, _, _ := call(t, srv, "POST", "/api/mentions/"+url.PathEscape(e)+"/label", "rahasia", `{"label":"negatif","analyst":"`+strings.ReplaceAll(e, `\`, `\\`)+`"}`)
		if code != 404 {
			t.Errorf("label injection %q: %d", e, code)
		}
	}
	res, err := backend.Query(context.Background(), "SELECT count() FROM api_test.mentions FINAL", nil)
	if err != nil || res.Rows[0][0] != "6" {
		t.Fatalf("data after injection attempts: %v %v", err, res)
	}
}

// TestIssueWithoutSince: one issue is found by id whenever it was active;
// since, when given, restricts it.
func TestIssueWithoutSince(t *testing.T) {
	srv := serverAt(t, now.AddDate(0, 3, 0))
	code, obj, _ := call(t, srv, "GET", "/api/issues/isu-banjir", "rahasia", "")
	if code != 200 || obj["mentions"].(float64) != 6 || len(obj["articles"].([]any)) != 6 {
		t.Errorf("three months later: %d %v", code, obj)
	}
	if code, obj, _ := call(t, srv, "GET", "/api/issues/isu-banjir?since=30d", "rahasia", ""); code != 404 || obj["error"] != "isu tidak ditemukan" {
		t.Errorf("outside since: %d %v", code, obj)
	}
}

// TestBearerScheme: the token needs the Bearer scheme, in any case
// (before, a bare token passed and "bearer" failed).
func TestBearerScheme(t *testing.T) {
	srv := server(t)
	for header, want := range map[string]int{"Bearer rahasia": 200, "bearer rahasia": 200, "BEARER  rahasia": 200,
		"rahasia": 401, "Basic rahasia": 401, "Bearer": 401, "Bearerrahasia": 401, "": 401} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/issues", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Authorization %q: %d, want %d", header, resp.StatusCode, want)
		}
	}
}

// TestSearchBackslash: a backslash in q is a character like any other
// (before, q=x\ gave 500 and \S was read as S).
func TestSearchBackslash(t *testing.T) {
	srv := server(t)
	at := now.Add(-time.Hour)
	row := news.Classified{Article: news.Article{ID: "m-bs", URL: "https://x.id/bs", Outlet: "Kaltim Post",
		Title: `Berkas C:\Samarinda\new bocor`, Text: "teks", PublishedAt: at, FetchedAt: at}, Label: "netral", Polarity: "netral"}
	if err := backend.InsertMentions(context.Background(), []news.Classified{row}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{`x\`: 0, `\`: 1, `C:\Samarinda\new`: 1, `\S`: 1, `\n`: 1, "Samarinda\nnew": 0, `CSamarinda`: 0} {
		code, obj, arr := call(t, srv, "GET", "/api/search?q="+url.QueryEscape(q), "rahasia", "")
		if code != 200 || len(arr) != want {
			t.Errorf("q=%s: %d %v %v, want %d results", q, code, obj, arr, want)
		}
	}
}

// TestMediaFilters: jenis and platform select the same mentions on every
// analyst route, and a wrong value is a 400 that says what is accepted.
func TestMediaFilters(t *testing.T) {
	srv := server(t)
	storetest.InsertMediaFixture(t, backend, now)
	issues := func(path string) map[string]map[string]any {
		t.Helper()
		code, obj, arr := call(t, srv, "GET", path, "rahasia", "")
		if code != 200 {
			t.Fatalf("%s: %d %v", path, code, obj)
		}
		out := map[string]map[string]any{}
		for _, x := range arr {
			is := x.(map[string]any)
			out[is["id"].(string)] = is
		}
		return out
	}
	got := issues("/api/issues?jenis=media-sosial")
	if len(got) != 1 || got["isu-media"]["mentions"].(float64) != 6 || fmt.Sprint(got["isu-media"]["by_kind"]) != "[0 0 6]" {
		t.Errorf("issues in social media: %v", got)
	}
	got = issues("/api/issues") // the fixture's news issue, and the two of the media fixture
	if fmt.Sprint(got["isu-media"]["by_kind"]) != "[4 2 6]" || fmt.Sprint(got["isu-rilis"]["by_kind"]) != "[0 2 0]" || fmt.Sprint(got["isu-banjir"]["by_kind"]) != "[6 0 0]" {
		t.Errorf("where the issues spread: %v %v %v", got["isu-media"]["by_kind"], got["isu-rilis"]["by_kind"], got["isu-banjir"]["by_kind"])
	}
	for path, want := range map[string]string{
		"/api/issues?platform=web":                         "map[isu-banjir:6 isu-media:6 isu-rilis:2]",
		"/api/issues?jenis=siaran-pers":                    "map[isu-media:2 isu-rilis:2]",
		"/api/issues?jenis=sosmed&platform=YouTube":        "map[isu-media:2]",
		"/api/issues?jenis=media-massa&platform=instagram": "map[]",
	} {
		n := map[string]float64{}
		for id, is := range issues(path) {
			n[id] = is["mentions"].(float64)
		}
		if fmt.Sprint(n) != want {
			t.Errorf("%s: %v, want %s", path, n, want)
		}
	}

	code, obj, _ := call(t, srv, "GET", "/api/issues/isu-media?platform=youtube", "rahasia", "")
	if code != 200 || obj["mentions"].(float64) != 2 || len(obj["articles"].([]any)) != 2 ||
		obj["articles"].([]any)[0].(map[string]any)["platform"] != "youtube" || obj["articles"].([]any)[0].(map[string]any)["kind"] != "sosmed" {
		t.Errorf("isu-media on youtube: %d %v", code, obj)
	}
	if code, obj, _ := call(t, srv, "GET", "/api/issues/isu-banjir?jenis=media-sosial", "rahasia", ""); code != 404 ||
		obj["error"] != "isu tidak ditemukan, atau tidak ada pemberitaannya dari jenis/platform itu" {
		t.Errorf("a news issue in social media: %d %v", code, obj)
	}

	sum := func(path string) string {
		t.Helper()
		code, obj, arr := call(t, srv, "GET", path, "rahasia", "")
		if code != 200 {
			t.Fatalf("%s: %d %v", path, code, obj)
		}
		n := map[string]float64{}
		for _, p := range arr {
			p := p.(map[string]any)
			n[p["key"].(string)] += p["count"].(float64)
		}
		return fmt.Sprint(n)
	}
	for path, want := range map[string]string{
		"/api/trend?by=jenis&since=7d":                       "map[berita:10 rilis:4 sosmed:6]",
		"/api/trend?by=platform&since=7d&jenis=media-sosial": "map[instagram:3 x:1 youtube:2]",
		"/api/trend?by=label&since=7d&platform=instagram":    "map[negatif:3]",
	} {
		if got := sum(path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	if code, _, arr := call(t, srv, "GET", "/api/search?q=banjir&jenis=media-sosial&platform=instagram", "rahasia", ""); code != 200 || len(arr) != 3 {
		t.Errorf("search in instagram: %d %v", code, arr)
	}
	if code, _, arr := call(t, srv, "GET", "/api/search?q=banjir&platform=web", "rahasia", ""); code != 200 || len(arr) != 14 {
		t.Errorf("search on the web: %d %d results, want 14", code, len(arr))
	}

	for path, want := range map[string]string{
		"/api/issues?jenis=koran":             `jenis: "koran" tidak dikenal; pilih media-massa, siaran-pers atau media-sosial`,
		"/api/search?q=banjir&platform=orkut": `platform: "orkut" tidak dikenal; pilih web, youtube, facebook, instagram, x, tiktok atau telegram`,
	} {
		if code, obj, _ := call(t, srv, "GET", path, "rahasia", ""); code != 400 || obj["error"] != want {
			t.Errorf("%s: %d %v", path, code, obj)
		}
	}
}
