package report

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

var update = flag.Bool("update", false, "rewrite golden files")

var engineDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-report-test-")
	if err != nil {
		panic(err)
	}
	engineDir = dir
	keep, err := chdb.Connect(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	keep.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

var reportDay = time.Date(2024, 6, 11, 0, 0, 0, 0, WITA)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fixture stores a fortnight of mentions: on the reported day 4 positif
// (one a social post with an emoji), 4 netral (one in a region with no
// other item, two press releases), 5 berpotensi negatif (a rising flood issue) and 2 negatif;
// on the days before, a road issue of varying size. Issue names are
// lower-cased key phrases, as issue mapping makes them.
func fixture(t *testing.T, db string) store.Backend {
	t.Helper()
	ctx := context.Background()
	b, err := chdb.Open(engineDir, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	b.Exec(ctx, "DROP DATABASE IF EXISTS "+db)
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	var rows []news.Classified
	n := 0
	add := func(day int, label, issue, title, region, outlet string) {
		n++
		at := reportDay.AddDate(0, 0, -day).Add(time.Duration(8+n%10) * time.Hour)
		id := fmt.Sprintf("r%03d", n)
		kind, platform := news.KindBerita, ""
		switch {
		case strings.HasPrefix(outlet, "Instagram: "):
			kind, platform = news.KindSosmed, "instagram"
		case strings.HasPrefix(outlet, "Humas "):
			kind = news.KindRilis
		}
		rows = append(rows, news.Classified{Article: news.Article{ID: id, URL: "https://berita.example/" + id, Outlet: outlet,
			Title: title, Text: title, PublishedAt: at, FetchedAt: at, StoryID: id, Kind: kind, Platform: platform},
			Label: label, Scores: [4]float32{0.9, 0.05, 0.03, 0.02}, Polarity: "netral", Regions: []string{region}, OPDs: []string{"BPBD"},
			IssueID: issue, IssueName: issueNames[issue], IssueTerms: []string{issue}})
	}
	for day := 1; day <= 13; day++ {
		add(day, "netral", "isu-rutin", "Rapat koordinasi rutin", "Kota Samarinda", "Kaltim Post")
		add(day, "positif", "isu-investasi", "Investasi smelter berjalan", "Kota Bontang", "Tribun Kaltim")
	}
	for day := 2; day <= 13; day++ {
		for i := 0; i < day%4; i++ {
			add(day, "berpotensi negatif", "isu-jalan", fmt.Sprintf("Jalan poros rusak, Dinas PUPR diminta turun %d", i), "Kabupaten Kutai Timur", "Sangatta Terkini")
		}
		if day%3 == 0 {
			add(day, "negatif", "isu-jalan", "Warga blokade jalan poros yang rusak", "Kabupaten Kutai Timur", "Sangatta Terkini")
		}
	}
	add(1, "berpotensi negatif", "isu-banjir", "Hujan deras, warga waspada banjir", "Kota Samarinda", "ANTARA Kaltim")
	for i := 0; i < 5; i++ {
		add(0, "berpotensi negatif", "isu-banjir", fmt.Sprintf("BPBD: Banjir rendam Sempaja, warga mengungsi %d", i), "Kota Samarinda", []string{"ANTARA Kaltim", "Kaltim Post"}[i%2])
	}
	for i := 0; i < 2; i++ {
		add(0, "negatif", "isu-pungli", fmt.Sprintf("Dugaan pungli pelayanan KTP %d", i), "Kota Balikpapan", "Tribun Kaltim")
	}
	for i := 0; i < 3; i++ {
		add(0, "positif", "isu-jembatan", fmt.Sprintf("Jembatan Mahakam diresmikan %d", i), "Kabupaten Kutai Kartanegara", "Kaltim Post")
	}
	for i := 0; i < 4; i++ {
		add(0, "netral", "isu-rapat", fmt.Sprintf("DPRD gelar rapat paripurna %d", i), []string{"Kalimantan Timur", "Kabupaten Mahakam Ulu"}[i/3],
			[]string{"Kaltimtoday.co", "Humas Pemprov Kaltim"}[i%2])
	}
	add(0, "positif", "isu-kebersihan", "Terima kasih petugas kebersihan Sempaja 🙏", "Kota Samarinda", "Instagram: @pemkot.smd.contoh")
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := b.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
		t.Fatal(err)
	}
	return b
}

var issueNames = map[string]string{
	"isu-rutin": "Rapat koordinasi, rutin", "isu-investasi": "Investasi smelter", "isu-jalan": "Jalan poros, dinas pupr, rusak",
	"isu-banjir": "Banjir sempaja, bpbd, warga", "isu-pungli": "Pungli, pelayanan ktp", "isu-jembatan": "Jembatan mahakam, diresmikan",
	"isu-rapat": "Dprd, rapat paripurna", "isu-kebersihan": "Petugas kebersihan, sempaja",
}

func rules(t *testing.T) issuemap.Rules {
	r, err := issuemap.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var fixedNow = time.Date(2024, 6, 12, 7, 0, 0, 0, WITA)

func TestGatherFiguresAndGoldenHTML(t *testing.T) {
	b := fixture(t, "rep_golden")
	d, err := Gather(context.Background(), b, rules(t), reportDay, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts != [4]int{4, 4, 5, 2} || d.Prev != [4]int{1, 1, 1, 0} || d.Total() != 15 || len(d.Series) != 14 {
		t.Errorf("counts %v prev %v series %d", d.Counts, d.Prev, len(d.Series))
	}
	if len(d.Urgent) != 2 || d.Urgent[0].ID != "isu-banjir" || !d.Urgent[0].Spike || d.Urgent[0].Rec.Strategy != "respons cepat" {
		t.Errorf("urgent issues %+v", d.Urgent)
	}
	// Each listed issue with its lifecycle, spread and channels; its
	// articles with kind and confidence.
	if u := d.Urgent[0]; u.Lifecycle != "meningkat" || u.LifecycleSince.IsZero() || u.ByKind != [3]int{5, 0, 0} || len(u.Rec.Channels) == 0 ||
		len(u.Articles) != 3 || u.Articles[0].Confidence < 0.5 || u.Articles[0].Kind != "berita" {
		t.Errorf("the spiking issue %+v", u)
	}
	if len(d.Positive) != 4 || d.Regions[0].Name != "Kota Samarinda" || d.Outlets[0].Count < 3 {
		t.Errorf("positive %v regions %v outlets %v", d.Positive, d.Regions, d.Outlets)
	}
	if fmt.Sprint(d.Kinds) != "[{berita [3 2 5 2]} {rilis [0 2 0 0]} {sosmed [1 0 0 0]}]" {
		t.Errorf("kinds %v", d.Kinds)
	}
	html, err := HTML(d, func(n string) string { return "cid:" + n + ".png" })
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report-2024-06-11.html")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, []byte(html), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if html != string(want) {
		t.Errorf("report HTML changed (run with -update if intended)")
	}
}

// TestSeriesBeginsWithTheStore: the days before the first stored mention
// are not quiet days; the chart leaves them out and says since when it
// runs, the average counts only stored days, and the first day has
// nothing to compare with. (The demo's fortnight ends today; the report
// of yesterday began with an empty bar.)
func TestSeriesBeginsWithTheStore(t *testing.T) {
	b := fixture(t, "rep_since") // mentions from 13 days before reportDay, 29 Mei 2024
	first := reportDay.AddDate(0, 0, -13)

	d, err := Gather(context.Background(), b, rules(t), reportDay.AddDate(0, 0, -10), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Series) != 4 || !d.Series[0].Day.Equal(first) || !d.DataSince.Equal(first) || !d.HasPrev || d.AvgDays != 3 {
		t.Fatalf("series of %d days from %v (data since %v), previous day %v, average over %d days; want 4 from %v, 3",
			len(d.Series), d.Series[0].Day, d.DataSince, d.HasPrev, d.AvgDays, first)
	}
	var sum [4]int
	for _, s := range d.Series[:3] {
		for i := range sum {
			sum[i] += s.Counts[i]
		}
	}
	for i := range sum {
		if want := float64(sum[i]) / 3; d.Avg7[i] != want {
			t.Errorf("average of %s: %v, want %v", Labels[i], d.Avg7[i], want)
		}
	}
	html, err := HTML(d, func(n string) string { return "cid:" + n })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sentimen sejak 29 Mei 2024 (awal data tersimpan)", "Rata-rata 3 hari"} {
		if !strings.Contains(html, want) || !strings.Contains(Text(d), strings.ToUpper(want[:1])+want[1:]) && !strings.Contains(Text(d), strings.ToUpper(want)) {
			t.Errorf("the report does not say %q", want)
		}
	}
	if strings.Contains(html, "14 hari terakhir") {
		t.Errorf("the report still speaks of 14 days")
	}
	// Bars as wide as a week's, the report's day at the right edge.
	l := dailyLayout(d)
	if len(l.Bars) != 4 || !l.Bars[3].Reported || l.Plot.X1-l.Bars[3].X1 > (l.Plot.X1-l.Plot.X0)/7 || l.Bars[0].X0 < l.Plot.X0+(l.Plot.X1-l.Plot.X0)*3/7 {
		t.Errorf("bars %+v in plot %+v", l.Bars, l.Plot)
	}

	// The first stored day: nothing before it to compare with.
	d, err = Gather(context.Background(), b, rules(t), first, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Series) != 1 || d.HasPrev || d.AvgDays != 0 {
		t.Errorf("first day: %d days, previous %v, average over %d", len(d.Series), d.HasPrev, d.AvgDays)
	}
	for _, h := range headlines(d) {
		if h.Change != "–" || h.Avg != "–" {
			t.Errorf("first day, %s: change %q, average %q; want –", h.Label, h.Change, h.Avg)
		}
	}
	if _, _, err := Build(context.Background(), b, rules(t), first, fixedNow); err != nil {
		t.Errorf("drawing a one-day report: %v", err)
	}
	// Before it: no report.
	if _, err := Gather(context.Background(), b, rules(t), first.AddDate(0, 0, -1), fixedNow); !errors.Is(err, ErrNoData) {
		t.Errorf("the day before the first: %v, want ErrNoData", err)
	}
}

func TestNoDataIsAnErrorNotAQuietDay(t *testing.T) {
	b := fixture(t, "rep_empty")
	_, err := Gather(context.Background(), b, rules(t), reportDay.AddDate(0, 0, 30), fixedNow)
	if !errors.Is(err, ErrNoData) {
		t.Fatalf("want ErrNoData, got %v", err)
	}
}

// smtpServer is a real SMTP server in the test process.
type smtpServer struct {
	mu       sync.Mutex
	messages [][]byte
	failures []error // returned by Data, in order, before accepting
	addr     string
}

func (s *smtpServer) NewSession(_ *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct{ s *smtpServer }

func (x *session) Reset()                               {}
func (x *session) Logout() error                        { return nil }
func (x *session) Mail(string, *smtp.MailOptions) error { return nil }
func (x *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if len(x.s.failures) > 0 {
		err := x.s.failures[0]
		x.s.failures = x.s.failures[1:]
		return err
	}
	x.s.messages = append(x.s.messages, b)
	return nil
}

func startSMTP(t *testing.T, failures ...error) *smtpServer {
	t.Helper()
	s := &smtpServer{failures: failures}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func sender(t *testing.T, b store.Backend, s *smtpServer, instance string) *Sender {
	host, port, _ := net.SplitHostPort(s.addr)
	var p int
	fmt.Sscan(port, &p)
	return &Sender{Store: b, Mailer: Mailer{Host: host, Port: p, TLS: "none", From: "pantau@diskominfo.kaltimprov.go.id"},
		Rules: rules(t), Log: quiet(), Metrics: metrics.New(), Instance: instance, Backoff: 10 * time.Millisecond,
		Now: func() time.Time { return fixedNow }}
}

type part struct {
	ctype, cid, disposition string
	body                    []byte
}

// walk flattens a MIME tree into its leaf parts.
func walk(t *testing.T, ctype string, body io.Reader, out *[]part, h map[string]string) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		*out = append(*out, part{ctype: mt})
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walk(t, p.Header.Get("Content-Type"), p, out, map[string]string{"cid": p.Header.Get("Content-ID"), "disp": p.Header.Get("Content-Disposition"), "enc": p.Header.Get("Content-Transfer-Encoding")})
		}
	}
	raw, _ := io.ReadAll(body)
	*out = append(*out, part{ctype: mt, cid: h["cid"], disposition: h["disp"], body: raw})
}

func TestSendMIMEStructureAndOnceADay(t *testing.T) {
	b := fixture(t, "rep_send")
	s := startSMTP(t)
	snd := sender(t, b, s, "a")
	id, err := snd.Send(context.Background(), reportDay, []string{"kadis@diskominfo.kaltimprov.go.id"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.messages) != 1 || id == "" {
		t.Fatalf("%d messages, id %q", len(s.messages), id)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(s.messages[0]))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := (&mime.WordDecoder{}).DecodeHeader(msg.Header.Get("Subject"))
	if subj != "Laporan Sentimen Media Harian — Selasa, 11 Juni 2024" || !strings.Contains(msg.Header.Get("Message-Id"), id) {
		t.Errorf("subject %q, message id %q", subj, msg.Header.Get("Message-Id"))
	}
	var parts []part
	walk(t, msg.Header.Get("Content-Type"), msg.Body, &parts, nil)
	var types []string
	var html, text string
	cids := map[string]bool{}
	pdfAttached := false
	for _, p := range parts {
		types = append(types, p.ctype)
		switch {
		case p.ctype == "text/html":
			html = string(p.body)
		case p.ctype == "text/plain":
			text = string(p.body)
		case p.ctype == "image/png":
			cids[strings.Trim(p.cid, "<>")] = true
		case p.ctype == "application/pdf" && strings.Contains(p.disposition, "attachment"):
			pdfAttached = true
		}
	}
	if parts[0].ctype != "multipart/mixed" || !cids["classes.png"] || !cids["regions.png"] || !pdfAttached || html == "" || text == "" {
		t.Fatalf("MIME structure %v (cids %v, pdf %v)", types, cids, pdfAttached)
	}
	for _, want := range []string{"cid:classes.png", "cid:regions.png", "https://berita.example/", "respons cepat"} {
		if !strings.Contains(decodeQP(html), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if !strings.Contains(decodeQP(text), "Kemarin tercatat 15 item") {
		t.Errorf("text part figures:\n%s", decodeQP(text))
	}
	// The same day again: refused; with force: sent.
	if _, err := snd.Send(context.Background(), reportDay, []string{"kadis@x.id"}, false); !errors.Is(err, ErrAlreadySent) {
		t.Errorf("second send: %v", err)
	}
	if _, err := snd.Send(context.Background(), reportDay, []string{"kadis@x.id"}, true); err != nil || len(s.messages) != 2 {
		t.Errorf("forced send: %v, %d messages", err, len(s.messages))
	}
	res, _ := b.Query(context.Background(), "SELECT count() FROM rep_send.reports_sent WHERE status = 'terkirim'", nil)
	if res.Rows[0][0] != "2" {
		t.Errorf("recorded sends %v", res.Rows)
	}
}

func decodeQP(s string) string {
	r := strings.NewReplacer("=\r\n", "", "=\n", "", "=3D", "=", "=E2=80=94", "—")
	return r.Replace(s)
}

func TestTemporaryFailureIsRetriedPermanentIsRecorded(t *testing.T) {
	b := fixture(t, "rep_retry")
	tmp := &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "coba lagi"}
	s := startSMTP(t, tmp)
	snd := sender(t, b, s, "a")
	if _, err := snd.Send(context.Background(), reportDay, []string{"kadis@x.id"}, false); err != nil || len(s.messages) != 1 {
		t.Fatalf("after a temporary failure: %v, %d messages", err, len(s.messages))
	}
	perm := &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "tidak ada"}
	s2 := startSMTP(t, perm, perm, perm)
	b2 := fixture(t, "rep_perm")
	snd2 := sender(t, b2, s2, "a")
	if _, err := snd2.Send(context.Background(), reportDay, []string{"kadis@x.id"}, false); err == nil {
		t.Fatal("permanent failure reported as success")
	}
	if metrics.Value(snd2.Metrics.Failed.WithLabelValues("report")) != 1 {
		t.Error("failure not counted in metrics")
	}
	res, _ := b2.Query(context.Background(), "SELECT status, error != '' FROM rep_perm.reports_sent", nil)
	if len(res.Rows) != 1 || res.Rows[0][0] != "gagal" || res.Rows[0][1] != "1" {
		t.Errorf("failure record %v", res.Rows)
	}
}

// TestTwoInstancesSendOnce starts two senders together on one store and
// one NATS: exactly one message goes out.
func TestTwoInstancesSendOnce(t *testing.T) {
	b := fixture(t, "rep_twice")
	s := startSMTP(t)
	ctx := context.Background()
	bs, err := bus.Open(ctx, bus.Options{StoreDir: t.TempDir()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	claims, err := OpenClaims(ctx, bs.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snd := sender(t, b, s, fmt.Sprintf("instans-%d", i))
			snd.Claims = claims
			_, errs[i] = snd.Send(ctx, reportDay, []string{"kadis@x.id"}, false)
		}()
	}
	wg.Wait()
	if len(s.messages) != 1 {
		t.Fatalf("%d messages sent by two instances (errors %v)", len(s.messages), errs)
	}
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrClaimed) && !errors.Is(err, ErrAlreadySent) {
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d instances reported success", ok)
	}
}
