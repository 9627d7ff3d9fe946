package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestBrowser drives the app in headless Chromium (Debian's chromium, as
// `make debian-deps` installs it): it logs in, opens every page on a
// laptop and a phone screen, relabels an article and sees the new label on
// the issue page and in the report. Screenshots go to testout/screenshots
// (or $PANTAU_TEST_OUT/screenshots); look at them after a change.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chrome := chromiumPath(t)
	s, _ := newServer()
	s.Sources = exampleSources
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	out := screenshotDir(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.Flag("lang", "id-ID"),
		chromedp.Flag("hide-scrollbars", true), chromedp.WindowSize(1280, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 8*time.Minute)
	defer cancel()

	// Script errors (a CSP violation included) fail the test.
	var mu sync.Mutex
	var jsErrors []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			jsErrors = append(jsErrors, (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				jsErrors = append(jsErrors, strings.Join(parts, " "))
			}
		}
	}); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}

	// shot saves the page from its top, at most 2,000 CSS pixels of it (a
	// long list's first screens are what is worth looking at).
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			size, err := chromedp.Evaluate[[2]float64](`window.scrollTo(0, 0), [document.documentElement.clientWidth, document.documentElement.scrollHeight]`)(ctx, tg)
			if err != nil {
				return err
			}
			r, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
				Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: ptr(true), FromSurface: ptr(true),
				Clip: &page.Viewport{Width: size[0], Height: min(size[1], 2000), Scale: 1},
			})
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(out, name+".png"), r.Data, 0o644)
		})
	}
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		start := time.Now()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		t.Logf("%s: %s", step, time.Since(start).Round(time.Millisecond))
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return s
	}
	eval := func(expr string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err != nil {
			t.Fatalf("evaluating %s: %v", expr, err)
		}
		return v
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// positiveSection is the text of the report's positive stories: from
	// their heading to the next one.
	positiveSection := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
  const h = [...document.querySelectorAll('h2')].find(e => e.textContent.startsWith('Berita positif'));
  if (!h) return '(no heading)';
  let s = '', e = h.nextElementSibling;
  while (e && e.tagName !== 'H2') { s += e.textContent + '\n'; e = e.nextElementSibling; }
  return s;
})()`))
		if err != nil {
			t.Fatalf("reading the report: %v", err)
		}
		return s
	}

	// Log in through the form.
	run("login page", chromedp.Navigate(srv.URL+"/isu"), chromedp.WaitVisible(css("#nama")), shot("01-masuk"))
	run("login", chromedp.SendKeys(css("#nama"), "sari"), chromedp.SendKeys(css("#sandi"), password("sari")),
		chromedp.Click(css("form button.primary")), chromedp.WaitVisible(css(".issues")))

	// Every page, on a laptop and on a phone.
	type page struct{ name, path, ready string }
	all := []page{
		{"ringkasan", "/", ".chart.map svg"},
		{"ringkasan-hari-ini", "/?periode=hari-ini", ".chart svg"},
		{"isu", "/isu", ".issues"},
		{"isu-filter", "/isu?periode=30-hari&wilayah=Kota+Samarinda", ".issues"},
		{"detail-isu", "/isu/isu-a-s01", ".chart svg"},
		{"tinjau", "/tinjau", ".oneclick"},
		{"cari", "/cari?q=banjir&periode=30-hari", ".arts"},
		{"sumber", "/sumber", "table.sources"},
		{"laporan", "/laporan?tanggal=2026-11-29", "iframe.report"},
	}
	for i, p := range all {
		run(p.name, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+p.path),
			chromedp.WaitVisible(css(p.ready)), chromedp.Sleep(300*time.Millisecond), shot(fmt.Sprintf("%02d-%s", i+2, p.name)))
	}
	for i, p := range all {
		run(p.name+" on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(css(p.ready)), chromedp.Sleep(300*time.Millisecond),
			shot(fmt.Sprintf("%02d-%s-ponsel", i+2, p.name)))
		if eval(`document.documentElement.scrollWidth > window.innerWidth + 1`) {
			t.Errorf("%s overflows a 390 px wide phone screen", p.path)
		}
	}

	// What issue mapping computes is on the list and the detail page:
	// lifecycle with since when, spread, recommendation with channels,
	// the brief and a draft that copies.
	run("issue list", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/isu?periode=30-hari"), chromedp.WaitVisible(css(".issues")))
	if card := text(".issue"); !strings.Contains(card, "Sebaran:") || !strings.Contains(card, "Kanal:") || !strings.Contains(card, "urgensi") {
		t.Errorf("the first issue card lacks spread, channels or urgency: %q", card)
	}
	run("lifecycle legend", chromedp.Click(css(".lc-legend summary")), chromedp.WaitVisible(css(".lc-legend dd")), shot("11-isu-arti-tahap"))
	if got := eval(`document.querySelectorAll('.lc-legend dd').length === 5 && [...document.querySelectorAll('.lc-legend dd')].every(e => e.textContent.length > 10)`); !got {
		t.Errorf("the lifecycle legend does not explain the five states")
	}
	if !eval(`[...document.querySelectorAll('.issue .tag')].some(e => /^(▲ )?(meningkat|mereda|ditangani) sejak \d+ \w+$|^baru, muncul \d+ \w+$/.test(e.textContent))`) {
		t.Errorf("no issue card says its lifecycle with since when")
	}
	run("issue detail", chromedp.Navigate(srv.URL+"/isu/isu-a-s01"), chromedp.WaitVisible(css(".brief button[data-copy]")))
	if facts := text(".facts"); !strings.Contains(facts, "Tahap") || !strings.Contains(facts, "Sebaran") {
		t.Errorf("the detail's facts lack the lifecycle or the spread: %q", facts)
	}
	if rec := text(".rec-card"); !strings.Contains(rec, "Kanal") || !strings.Contains(rec, "urgensi") {
		t.Errorf("the recommendation lacks channels or urgency: %q", rec)
	}
	draft, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('draf').value`))
	if err != nil || len(draft) < 80 || !strings.Contains(draft, "[") {
		t.Errorf("the draft to edit: %q %v", draft, err)
	}
	run("copy the draft", chromedp.Click(css(".brief button[data-copy]")), chromedp.Sleep(300*time.Millisecond))
	if got := text(".brief button[data-copy]"); got != "✓ Tersalin" && !eval(`!!document.getElementById('toast')`) {
		t.Errorf("copying the draft says neither done nor how: button %q", got)
	}

	// The htmx filter swaps the issue list without a reload.
	run("filter", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/isu?periode=90-hari"),
		chromedp.WaitVisible(css(".issues")), chromedp.SetValue(css(`select[name="label"]`), "negatif"))
	eval(`document.querySelector('select[name="label"]').dispatchEvent(new Event('change', {bubbles: true})) || true`)
	// htmx swaps the list and pushes the filter into the address.
	deadline := time.Now().Add(20 * time.Second)
	for !eval(`location.search.includes('label=negatif') && !document.querySelector('.htmx-request')`) {
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("after filtering, the address is %s", loc)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// Relabel the lone article of a quiet day: negatif → positif, with a note.
	id, day := relabelTarget.id, relabelTarget.day.Format("2006-01-02")
	art := "#a-" + id
	run("report before", chromedp.Navigate(srv.URL+"/laporan/pratinjau?tanggal="+day), chromedp.WaitVisible(css("h1")))
	if pos := positiveSection(); strings.Contains(pos, "Pasar Segiri Ramai") {
		t.Errorf("before the correction the report already lists the article as positive: %q", pos)
	}
	run("relabel", chromedp.Navigate(srv.URL+"/isu/isu-uji-relabel"), chromedp.WaitVisible(css(art+" details.fix summary")),
		chromedp.Click(css(art+" details.fix summary")), chromedp.WaitVisible(css(art+" form.relabel")),
		chromedp.SetValue(css(art+` select[name="label"]`), "positif"),
		chromedp.SendKeys(css(art+` input[name="catatan"]`), "pedagang untung: kabar baik"),
		chromedp.Click(css(art+" form.relabel button")),
		chromedp.WaitVisible(css(art+" .saved")), shot("20-relabel"))
	if got := text(art + " .badge"); got != "positif" {
		t.Errorf("after relabelling, the badge says %q", got)
	}
	run("issue page again", chromedp.Reload(), chromedp.WaitVisible(css(art)))
	if got, src := text(art+" .badge"), text(art+" .src"); got != "positif" || !strings.Contains(src, "dikoreksi oleh sari") {
		t.Errorf("the issue page shows %q (%q) after the correction", got, src)
	}
	if figs := text(".figs"); !strings.Contains(figs, "positif\n1") && !strings.Contains(figs, "positif 1") {
		t.Logf("issue figures after the correction: %q", figs)
	}
	run("report after", chromedp.Navigate(srv.URL+"/laporan/pratinjau?tanggal="+day), chromedp.WaitVisible(css("h1")),
		shot("21-laporan-setelah-koreksi"))
	if pos := positiveSection(); !strings.Contains(pos, "Pasar Segiri Ramai") {
		t.Errorf("after the correction the report does not list the article among the positive stories: %q", pos)
	}

	// Review: one click confirms the least sure item.
	run("review", chromedp.Navigate(srv.URL+"/tinjau"), chromedp.WaitVisible(css(".oneclick")))
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(css(".art.review"), "id"))
	if err != nil {
		t.Fatal(err)
	}
	first := attr.Value
	run("confirm", chromedp.Click(css("#"+first+" .oneclick button.primary")),
		chromedp.WaitVisible(css("#"+first+".done")))
	if got := text("#" + first); !strings.Contains(got, "Label dikonfirmasi") {
		t.Errorf("after confirming: %q", got)
	}
	run("review again", chromedp.Reload(), chromedp.WaitVisible(css(".oneclick")))
	if eval(fmt.Sprintf(`!!document.getElementById(%q)`, first)) {
		t.Errorf("a confirmed item is still in the review queue")
	}

	// Logging out ends at the login page.
	run("logout", chromedp.Click(css(".who button")), chromedp.WaitVisible(css("#nama")))

	mu.Lock()
	defer mu.Unlock()
	for _, e := range jsErrors {
		t.Errorf("script error in the browser: %s", e)
	}
	t.Logf("screenshots in %s", out)
}

func ptr[T any](v T) *T { return &v }

// exampleSources is what the crawler reports of a few sources, for the
// Sumber page (the run process reads it from the bus).
func exampleSources(context.Context) ([]SourceHealth, error) {
	at := func(h, m int) time.Time {
		return testNow.Add(-time.Duration(h)*time.Hour - time.Duration(m)*time.Minute)
	}
	return []SourceHealth{
		{Name: "ANTARA Kaltim", Region: "Kalimantan Timur", Status: "sehat", LastSuccess: at(0, 7), LastAttempt: at(0, 7), New: 412, Items: 2210},
		{Name: "Kaltimtoday.co", Region: "Kalimantan Timur", Status: "sehat", LastSuccess: at(0, 9), LastAttempt: at(0, 9), New: 198, Items: 940},
		{Name: "Sapos.co.id", Region: "Kota Samarinda", Status: "terlambat", LastSuccess: at(3, 40), LastAttempt: at(0, 8), New: 77, Items: 310},
		{Name: "Tribun Kaltim", Region: "Kalimantan Timur", Status: "gagal", LastSuccess: at(26, 5), LastAttempt: at(0, 6),
			LastReason: "HTTP 503", LastError: "fetching feed: 503 Service Unavailable", LastErrorAt: at(0, 6), ConsecutiveFailures: 9, New: 51, Items: 400},
		{Name: "Humas Pemkot Balikpapan", Region: "Kota Balikpapan", Status: "belum pernah"},
	}, nil
}

// chromiumPath finds Debian's chromium (or Chrome).
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not installed: run `make debian-deps` (apt-get install chromium)")
	return ""
}

func screenshotDir(t *testing.T) string {
	base := os.Getenv("PANTAU_TEST_OUT")
	if base == "" {
		base = "testout"
	}
	dir := filepath.Join(base, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
