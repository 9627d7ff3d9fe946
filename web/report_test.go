package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestParseDay: the report's date field reads days as Indonesian analysts
// write them, and says in Bahasa Indonesia what is wrong otherwise.
func TestParseDay(t *testing.T) {
	want := time.Date(2026, 11, 29, 0, 0, 0, 0, wita)
	for _, in := range []string{"29/11/2026", "29-11-2026", "29.11.2026", " 29 / 11 / 2026 ", "2026-11-29", "29 November 2026",
		"29 Nov 2026", "29 nov. 2026", "29 NOVEMBER 2026"} {
		if got, err := parseDay(in); err != nil || !got.Equal(want) {
			t.Errorf("parseDay(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := parseDay("1/8/2026"); err != nil || !got.Equal(time.Date(2026, 8, 1, 0, 0, 0, 0, wita)) {
		t.Errorf("1/8/2026: %v %v", got, err)
	}
	for _, in := range []string{"17 Agustus 2026", "17 Agu 2026", "17 Agt 2026"} {
		if got, err := parseDay(in); err != nil || got.Month() != time.August {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, c := range []struct{ in, says string }{
		{"11/29/2026", "tidak ada"}, // US order: there is no 29th month
		{"31/02/2026", "tidak ada"},
		{"29/11/26", "bukan tanggal"},
		{"kemarin", "bukan tanggal"},
		{"29 Novembre 2026", "bulan \"Novembre\" tidak dikenal"},
		{"2026-13-01", "tidak ada"},
	} {
		_, err := parseDay(c.in)
		if err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "hh/bb/tttt, misalnya 29/11/2026") {
			t.Errorf("parseDay(%q): %v; want it to say %q and how to write a date", c.in, err, c.says)
		}
	}
}

// TestReportDateField: the Laporan page's date is a text field in
// Indonesian order with the day in words beside it, not a browser date
// input (which follows the browser's locale: 11/29/2026 in headless
// Chromium); what is not a date is shown again with the reason.
func TestReportDateField(t *testing.T) {
	s, _ := newServer()
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c, _ := login(t, srv, "pimpinan")

	for _, q := range []string{"", "?tanggal=29%2F11%2F2026", "?tanggal=2026-11-29", "?tanggal=" + url.QueryEscape("29 Nov 2026")} {
		res, body := get(t, c, srv.URL+"/laporan"+q)
		if res.StatusCode != 200 || strings.Contains(body, `type="date"`) || !strings.Contains(body, `name="tanggal" value="29/11/2026"`) ||
			!strings.Contains(body, `<span class="day-words" id="tanggal-arti">Minggu, 29 November 2026</span>`) ||
			!strings.Contains(body, `src="/laporan/pratinjau?tanggal=2026-11-29"`) {
			t.Errorf("GET /laporan%s: %s\n%.1500s", q, res.Status, body)
		}
	}
	for _, c2 := range []struct{ q, says string }{
		{"11/29/2026", "Tanggal &#34;11/29/2026&#34; tidak ada; tulis hh/bb/tttt, misalnya 29/11/2026."},
		{"01/12/2026", "Tanggal 01/12/2026 belum tiba; laporan paling akhir adalah hari ini, 30/11/2026."},
	} {
		res, body := get(t, c, srv.URL+"/laporan?tanggal="+url.QueryEscape(c2.q))
		if res.StatusCode != 400 || !strings.Contains(body, `role="alert" id="tanggal-galat">`+c2.says) || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, `name="tanggal" value="`+c2.q+`"`) || strings.Contains(body, "<iframe") {
			t.Errorf("GET /laporan?tanggal=%s: %s\n%.2500s", c2.q, res.Status, body)
		}
	}
	// The preview and the downloads read the same days.
	if res, _ := get(t, c, srv.URL+"/laporan/pratinjau?tanggal=29%2F11%2F2026"); res.StatusCode != 200 {
		t.Errorf("preview of 29/11/2026: %s", res.Status)
	}
	if res, body := get(t, c, srv.URL+"/laporan/unduh?tanggal=31%2F02%2F2026"); res.StatusCode != 400 || !strings.Contains(body, "tidak ada") {
		t.Errorf("download of 31/02/2026: %s", res.Status)
	}
}
