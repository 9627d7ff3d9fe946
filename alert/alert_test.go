package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

var engineDir string

// TestMain boots one chDB engine for the package (one path per process).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-alert-test-")
	if err != nil {
		panic(err)
	}
	engineDir = dir
	keep, err := chdb.Connect(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdb:", err)
		os.Exit(1)
	}
	code := m.Run()
	keep.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// mailbox is a real SMTP server in the test process that keeps what it
// receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct {
	to   []string
	data string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }

type mailSession struct {
	m  *mailbox
	to []string
}

func (s *mailSession) Reset()                               { s.to = nil }
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.msgs = append(s.m.msgs, received{to: slices.Clone(s.to), data: string(b)})
	return nil
}

func (m *mailbox) received() []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.msgs)
}

func startSMTP(t *testing.T) (*mailbox, *report.Mailer) {
	t.Helper()
	m := &mailbox{}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	var p int
	fmt.Sscan(port, &p)
	return m, &report.Mailer{Host: host, Port: p, TLS: "none", From: "pantau@diskominfo.kaltimprov.go.id"}
}

// botAPI is an httptest server that answers sendMessage as the Bot API
// does, from the recorded answers in testdata/, and keeps the messages.
type botAPI struct {
	mu      sync.Mutex
	token   string
	sent    []sentMessage
	answers []string // fixtures to answer next, then sendMessage_ok.json
	srv     *httptest.Server
}

type sentMessage struct {
	Chat string `json:"chat_id"`
	Text string `json:"text"`
}

func startBot(t *testing.T, token string) *botAPI {
	t.Helper()
	b := &botAPI{token: token}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bot"+token+"/sendMessage" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"ok":false,"error_code":404,"description":"Not Found"}`)
			return
		}
		var m sentMessage
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&m) != nil ||
			m.Chat == "" || m.Text == "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}`)
			return
		}
		b.mu.Lock()
		name := "sendMessage_ok.json"
		if len(b.answers) > 0 {
			name, b.answers = b.answers[0], b.answers[1:]
		}
		if m.Chat == "@tidak_ada" {
			name = "sendMessage_chat_not_found.json"
		}
		if name == "sendMessage_ok.json" {
			b.sent = append(b.sent, m)
		}
		b.mu.Unlock()
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Error(err)
			return
		}
		var a apiResponse
		json.Unmarshal(data, &a)
		w.Header().Set("Content-Type", "application/json")
		if !a.OK {
			w.WriteHeader(a.ErrorCode)
		}
		w.Write(data)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *botAPI) messages() []sentMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.sent)
}

// env is a store, a bus with the alert bucket, a mailbox and a bot.
type env struct {
	store store.Backend
	bus   *bus.Bus
	mail  *mailbox
	mlr   *report.Mailer
	bot   *botAPI
	rules issuemap.Rules
}

func newEnv(t *testing.T, db string) *env {
	t.Helper()
	ctx := context.Background()
	b, err := chdb.Open(engineDir, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	nb, err := bus.Open(ctx, bus.Options{StoreDir: t.TempDir()}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nb.Close)
	rules, err := issuemap.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	m, mlr := startSMTP(t)
	return &env{store: b, bus: nb, mail: m, mlr: mlr, bot: startBot(t, "7012345678:AAH-uji"), rules: rules}
}

var recipients = Recipients{
	{OPD: "BPBD", Email: []string{"bpbd@samarinda.go.id"}, Telegram: []string{"-1001987654321"}},
	{OPD: "Dinas PUPR", Email: []string{"pupr@samarinda.go.id"}},
	{OPD: "*", Email: []string{"humas@kaltimprov.go.id"}},
}

// alerter is one instance, as a new process would make it.
func (e *env) alerter(t *testing.T, name string) *Alerter {
	t.Helper()
	kv, err := OpenBucket(context.Background(), e.bus.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &Alerter{Store: e.store, KV: kv, Rules: e.rules, Mailer: e.mlr,
		Telegram: &Telegram{Token: e.bot.token, API: e.bot.srv.URL}, Recipients: recipients, Log: quiet(), Instance: name}
}

// insert stores n mentions of an issue published at (each a minute
// apart), with the issue's state as the clusterer leaves it.
func (e *env) insert(t *testing.T, issue, opd, label string, at time.Time, n int) {
	t.Helper()
	var rows []news.Classified
	for k := range n {
		id := news.IDFor(fmt.Sprintf("%s/%s/%d", issue, at, k))
		p := at.Add(time.Duration(k) * time.Minute)
		rows = append(rows, news.Classified{Article: news.Article{ID: id, URL: "https://contoh.id/" + id, Outlet: "Kabar Mahakam",
			Title: "Banjir di " + issue, Text: "teks", PublishedAt: p, FetchedAt: p, Kind: news.KindBerita},
			Label: label, Polarity: "netral", Regions: []string{"Kota Samarinda"}, OPDs: []string{opd + " Kota Samarinda"},
			IssueID: issue, IssueName: "Banjir " + issue + ", Samarinda", IssueTerms: []string{"banjir"}})
	}
	if err := e.store.InsertMentions(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	if err := e.store.InsertIssues(context.Background(), store.IssuesFrom(rows)); err != nil {
		t.Fatal(err)
	}
}

// quietHistory gives an issue one neutral mention a day for the two
// weeks before now.
func (e *env) quietHistory(t *testing.T, issue, opd string, now time.Time) {
	t.Helper()
	for day := 2; day <= 15; day++ {
		e.insert(t, issue, opd, news.LabelNetral, now.Add(-time.Duration(day)*24*time.Hour), 1)
	}
}

func check(t *testing.T, a *Alerter) {
	t.Helper()
	if err := a.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// An issue that spikes and turns negative is announced once, by e-mail
// to its office and to everyone's list and on its office's Telegram
// chat; checking again, a restarted process and more of the same do not
// repeat it; another office's issue goes to that office.
func TestAlertOncePerStateChange(t *testing.T) {
	e := newEnv(t, "alert_once")
	now := time.Now().UTC()
	e.quietHistory(t, "isu-sempaja", "BPBD", now)
	e.quietHistory(t, "isu-jalan", "Dinas PUPR", now)
	a := e.alerter(t, "satu")
	check(t, a)
	if n := len(e.mail.received()); n != 0 {
		t.Fatalf("%d e-mails for quiet issues", n)
	}
	e.insert(t, "isu-sempaja", "BPBD", news.LabelNegatif, now.Add(-2*time.Hour), 5)
	start := time.Now()
	check(t, a)
	t.Logf("alert out %s after the check began", time.Since(start).Round(time.Millisecond))
	mails, chats := e.mail.received(), e.bot.messages()
	if len(mails) != 1 || len(chats) != 1 {
		t.Fatalf("%d e-mails, %d Telegram messages, want 1 and 1", len(mails), len(chats))
	}
	if got := mails[0].to; !slices.Equal(got, []string{"bpbd@samarinda.go.id", "humas@kaltimprov.go.id"}) {
		t.Errorf("e-mail to %v", got)
	}
	for _, want := range []string{"Subject: [Pantau] Isu melonjak dan berbalik negatif: Banjir isu-sempaja, Samarinda",
		"Melonjak: 5 pemberitaan dalam 24 jam terakhir", "Rekomendasi: respons cepat (urgensi tinggi", "pantau issue isu-sempaja"} {
		if !strings.Contains(unfold(mails[0].data), want) {
			t.Errorf("e-mail lacks %q:\n%s", want, mails[0].data)
		}
	}
	if chats[0].Chat != "-1001987654321" || !strings.Contains(chats[0].Text, "PERINGATAN ISU — Banjir isu-sempaja, Samarinda") {
		t.Errorf("Telegram message %+v", chats[0])
	}
	check(t, a)
	check(t, e.alerter(t, "dua")) // a restarted process
	e.insert(t, "isu-sempaja", "BPBD", news.LabelNegatif, now.Add(-time.Hour), 2)
	check(t, a)
	if len(e.mail.received()) != 1 || len(e.bot.messages()) != 1 {
		t.Fatalf("repeated: %d e-mails, %d Telegram messages", len(e.mail.received()), len(e.bot.messages()))
	}
	// Another office's issue: its own office and everyone's list, no
	// Telegram chat configured for it.
	e.insert(t, "isu-jalan", "Dinas PUPR", news.LabelPositif, now.Add(-3*time.Hour), 6)
	check(t, a)
	mails = e.mail.received()
	if len(mails) != 2 || !slices.Equal(mails[1].to, []string{"pupr@samarinda.go.id", "humas@kaltimprov.go.id"}) ||
		!strings.Contains(unfold(mails[1].data), "Subject: [Pantau] Isu melonjak: Banjir isu-jalan") || len(e.bot.messages()) != 1 {
		t.Errorf("second issue: %d e-mails (last to %v), %d Telegram messages", len(mails), mails[len(mails)-1].to, len(e.bot.messages()))
	}
}

// Two instances checking at once send one alert between them.
func TestTwoInstancesAlertOnce(t *testing.T) {
	e := newEnv(t, "alert_two")
	now := time.Now().UTC()
	e.quietHistory(t, "isu-dua", "BPBD", now)
	e.insert(t, "isu-dua", "BPBD", news.LabelNegatif, now.Add(-time.Hour), 4)
	a, b := e.alerter(t, "a"), e.alerter(t, "b")
	var wg sync.WaitGroup
	for _, x := range []*Alerter{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := x.Check(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(e.mail.received()) != 1 || len(e.bot.messages()) != 1 {
		t.Errorf("%d e-mails, %d Telegram messages, want one each", len(e.mail.received()), len(e.bot.messages()))
	}
}

// In quiet hours nothing goes out; after them the alert does, once.
// Flood control is waited out; a chat that does not exist is reported
// and not tried again, and does not stop the e-mail.
func TestQuietHoursAndTelegramRefusals(t *testing.T) {
	e := newEnv(t, "alert_quiet")
	now := time.Now().UTC()
	e.quietHistory(t, "isu-malam", "BPBD", now)
	e.insert(t, "isu-malam", "BPBD", news.LabelNegatif, now.Add(-time.Hour), 4)
	a := e.alerter(t, "malam")
	h := now.In(news.WITA)
	from := time.Duration(h.Hour())*time.Hour - time.Hour
	a.Quiet = QuietHours{From: (from + 24*time.Hour) % (24 * time.Hour), Until: (from + 3*time.Hour) % (24 * time.Hour)}
	if !a.Quiet.Contains(now) {
		t.Fatalf("quiet hours %+v do not hold %s", a.Quiet, h)
	}
	check(t, a)
	if len(e.mail.received())+len(e.bot.messages()) != 0 {
		t.Fatal("an alert in quiet hours")
	}
	a.Quiet = QuietHours{}
	a.Recipients = append(slices.Clone(recipients), Recipient{OPD: "BPBD", Telegram: []string{"@tidak_ada"}})
	e.bot.answers = []string{"sendMessage_too_many_requests.json"}
	start := time.Now()
	check(t, a)
	if len(e.mail.received()) != 1 || len(e.bot.messages()) != 1 || time.Since(start) < time.Second {
		t.Errorf("after quiet hours: %d e-mails, %d Telegram messages in %s (flood control asks 1 s)",
			len(e.mail.received()), len(e.bot.messages()), time.Since(start))
	}
	check(t, a)
	if len(e.mail.received()) != 1 || len(e.bot.messages()) != 1 {
		t.Errorf("repeated: %d e-mails, %d Telegram messages", len(e.mail.received()), len(e.bot.messages()))
	}
	for _, s := range []string{"22:00-06:00", "08:00-12:00", ""} {
		if _, err := ParseQuiet(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if q, _ := ParseQuiet("22:00-06:00"); !q.Contains(time.Date(2025, 1, 1, 23, 30, 0, 0, news.WITA)) || q.Contains(time.Date(2025, 1, 1, 7, 0, 0, 0, news.WITA)) {
		t.Errorf("22:00-06:00: %+v", q)
	}
	if _, err := ParseQuiet("malam"); err == nil {
		t.Error("quiet hours 'malam' accepted")
	}
}

// A delivery its sender left unfinished (the process died after claiming
// it) is taken over once the claim is old.
func TestUnfinishedDeliveryIsTakenOver(t *testing.T) {
	e := newEnv(t, "alert_resume")
	now := time.Now().UTC()
	e.quietHistory(t, "isu-putus", "BPBD", now)
	e.insert(t, "isu-putus", "BPBD", news.LabelNegatif, now.Add(-time.Hour), 4)
	dead := e.alerter(t, "mati")
	dead.Mailer, dead.Telegram = &report.Mailer{Host: "127.0.0.1", Port: 1, TLS: "none", From: "pantau@x.id"}, nil
	if err := dead.Check(context.Background()); err == nil {
		t.Fatal("sending to a closed port succeeded")
	}
	if len(e.mail.received()) != 0 {
		t.Fatal("mail arrived")
	}
	alive := e.alerter(t, "hidup")
	check(t, alive) // the claim is fresh: left to its sender
	if len(e.mail.received()) != 0 {
		t.Fatal("a fresh claim taken over")
	}
	alive.Now = func() time.Time { return time.Now().Add(lease + time.Second) }
	check(t, alive)
	if len(e.mail.received()) != 1 || len(e.bot.messages()) != 1 {
		t.Errorf("taken over: %d e-mails, %d Telegram messages", len(e.mail.received()), len(e.bot.messages()))
	}
}

func TestRecipients(t *testing.T) {
	rs, err := ParseRecipients("penerima.yaml", []byte(`
- opd: BPBD
  email: [bpbd@samarinda.go.id]
  telegram: ["-100123"]
- opd: Dinas PUPR Kota Samarinda
  email: [pupr@samarinda.go.id]
- opd: "*"
  telegram: ["@humas_kaltim"]
`))
	if err != nil {
		t.Fatal(err)
	}
	email, chats := rs.For([]string{"BPBD Kota Samarinda", "Dinas PUPR Kota Samarinda"})
	if !slices.Equal(email, []string{"bpbd@samarinda.go.id", "pupr@samarinda.go.id"}) || !slices.Equal(chats, []string{"-100123", "@humas_kaltim"}) {
		t.Errorf("recipients %v %v", email, chats)
	}
	if email, _ := rs.For([]string{"Dinas PUPR Kota Balikpapan"}); len(email) != 0 {
		t.Errorf("another government's office got %v", email)
	}
	for bad, want := range map[string]string{
		"- opd: BPBD\n":                       "tidak ada email",
		"- email: [a@b.id]\n":                 "opd kosong",
		"- opd: X\n  email: [bukan-alamat]\n": "tidak sah",
		"opd: X\n":                            "daftar",
		"- opd: X\n  email: [a@b.id\n":        "penerima.yaml",
	} {
		if _, err := ParseRecipients("penerima.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", bad, err, want)
		}
	}
}

// unfold joins folded header lines and quoted-printable soft breaks.
func unfold(s string) string {
	return strings.NewReplacer("\r\n ", " ", "=\r\n", "").Replace(s)
}

// From placement to alert across restarts: articles of one story placed
// by the clusterer (restarted halfway) stay one issue; the issues table
// and the issue bucket agree on its first and last article; the spike is
// announced once, and not again after the clusterer and the alerter
// restart and more of the story arrives.
func TestRestartKeepsIssuesAndAlertsOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "alert_restart")
	now := time.Now().UTC()
	open := func() *issuemap.Clusterer {
		c, err := issuemap.NewClusterer(ctx, e.bus.JS, 1, quiet())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := open()
	ids := map[string]bool{}
	place := func(n int, at time.Time, label, title, text string) {
		t.Helper()
		var rows []news.Classified
		for k := range n {
			p := at.Add(time.Duration(k) * 7 * time.Minute)
			m := news.Classified{Article: news.Article{ID: news.IDFor(fmt.Sprint(title, p)), URL: "https://contoh.id/" + fmt.Sprint(p.Unix()),
				Outlet: fmt.Sprint("Media ", k), Title: title, Text: text, PublishedAt: p, FetchedAt: p, Kind: news.KindBerita},
				Label: label, Polarity: "netral", Regions: []string{"Kota Samarinda"}, OPDs: []string{"BPBD Kota Samarinda"}}
			if err := c.Place(ctx, &m); err != nil {
				t.Fatal(err)
			}
			ids[m.IssueID] = true
			rows = append(rows, m)
		}
		if err := e.store.InsertMentions(ctx, rows); err != nil {
			t.Fatal(err)
		}
		if err := e.store.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
			t.Fatal(err)
		}
	}
	for day := 15; day >= 2; day-- {
		if day == 8 {
			if err := c.Close(ctx); err != nil {
				t.Fatal(err)
			}
			c = open()
		}
		place(1, now.Add(-time.Duration(day)*24*time.Hour), news.LabelNetral, "Genangan di Sempaja Samarinda Dipantau BPBD",
			"SAMARINDA – BPBD Kota Samarinda memantau genangan di Sempaja, Samarinda, setelah hujan. Drainase Sempaja dibersihkan.")
	}
	place(5, now.Add(-3*time.Hour), news.LabelNegatif, "Banjir Rendam Sempaja Samarinda, Warga Kecewa Drainase",
		"SAMARINDA – Banjir kembali merendam Sempaja, Samarinda. Warga kecewa drainase Sempaja tak kunjung diperbaiki BPBD dan Pemkot.")
	if len(ids) != 1 {
		t.Fatalf("one story in %d issues", len(ids))
	}
	a := e.alerter(t, "pertama")
	check(t, a)
	if len(e.mail.received()) != 1 || len(e.bot.messages()) != 1 {
		t.Fatalf("%d e-mails, %d Telegram messages, want one each", len(e.mail.received()), len(e.bot.messages()))
	}
	// Both restart; more of the same story.
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	c = open()
	place(2, now.Add(-time.Hour), news.LabelNegatif, "Warga Sempaja Samarinda Tagih Janji Perbaikan Drainase",
		"SAMARINDA – Warga Sempaja menagih janji perbaikan drainase setelah banjir merendam Sempaja, Samarinda.")
	check(t, e.alerter(t, "kedua"))
	if len(ids) != 1 || len(e.mail.received()) != 1 || len(e.bot.messages()) != 1 {
		t.Errorf("after restarts: %d issues, %d e-mails, %d Telegram messages", len(ids), len(e.mail.received()), len(e.bot.messages()))
	}
	// The issues table and the bucket agree on the issue's span.
	if err := c.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var id string
	for id = range ids {
	}
	spans, err := store.IssueSpans(ctx, e.store, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	state := issueState(t, e, id)
	if sp := spans[id]; !sp[0].Equal(state.FirstSeen.Truncate(time.Second)) || !sp[1].Equal(state.LastSeen.Truncate(time.Second)) {
		t.Errorf("issues table %s–%s, bucket %s–%s", sp[0], sp[1], state.FirstSeen, state.LastSeen)
	}
	if want := now.Add(-15 * 24 * time.Hour).Truncate(time.Second); !spans[id][0].Equal(want) {
		t.Errorf("first seen %s, want %s (the first article, not the last batch's)", spans[id][0], want)
	}
}

// issueState reads an issue's saved state from the issue bucket.
func issueState(t *testing.T, e *env, id string) issuemap.Issue {
	t.Helper()
	kv, err := e.bus.JS.KeyValue(context.Background(), issuemap.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kv.ListKeysFiltered(context.Background(), "issue.*."+id)
	if err != nil {
		t.Fatal(err)
	}
	var is issuemap.Issue
	n := 0
	for k := range keys.Keys() {
		entry, err := kv.Get(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(entry.Value(), &is); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("issue %s under %d keys", id, n)
	}
	return is
}
