package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

// The package's tests share one chDB engine (one path per process) and one
// database filled with the Kaltim example stories over the fortnight
// before testNow.

var (
	testStore *chdb.Backend
	testRules issuemap.Rules
	// testNow is the clock of every test server: 14.00 WITA on a Monday.
	testNow = time.Date(2026, 11, 30, 14, 0, 0, 0, wita)
)

// Users of the tests, by role; their password is their name twice plus
// "-sandi".
var testUsers = map[string]string{"admin": "rina", "analis": "sari", "pimpinan": "kadis"}

func password(name string) string { return name + name + "-sandi" }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-web-test-")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		b, err := chdb.Open(dir, "web_test")
		if err != nil {
			fmt.Fprintln(os.Stderr, "chdb:", err)
			return 1
		}
		defer b.Close()
		testStore = b
		if err := seed(context.Background(), b); err != nil {
			fmt.Fprintln(os.Stderr, "seeding the test store:", err)
			return 1
		}
		if testRules, err = issuemap.DefaultRules(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

func frac(s string) float64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return float64(h.Sum64()%10000) / 10000
}

// fixture turns the Kaltim example items into stored mentions: each story
// is an issue, its days spread over the fortnight before now (a story's
// fortnight ending up to two weeks earlier), with the item's label, kind,
// region and offices. Scores give the label a confidence between 0.35 and
// 0.95.
func fixture() ([]news.Classified, error) {
	items, err := labels.Kaltim()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	var rows []news.Classified
	for _, it := range items {
		if _, ok := names[it.Story]; !ok {
			names[it.Story] = shortTitle(it.Title)
		}
		shift := int(frac(it.Story) * 15)
		if strings.HasPrefix(it.Story, "A-") {
			shift = 0 // some stories run up to today
		}
		y, mo, d := testNow.Date()
		day := time.Date(y, mo, d, 0, 0, 0, 0, wita).AddDate(0, 0, -(14-it.Day)-shift)
		at := day.Add(time.Duration(7+int(frac(it.ID)*13)) * time.Hour).Add(time.Duration(frac(it.ID+"m")*59) * time.Minute)
		if at.After(testNow) {
			at = testNow.Add(-time.Duration(1+int(frac(it.ID)*50)) * time.Minute)
		}
		li := 0
		for i, l := range news.Labels {
			if l == it.Label {
				li = i
			}
		}
		conf := float32(0.35 + 0.6*frac(it.ID+"c"))
		var scores [4]float32
		for i := range scores {
			scores[i] = (1 - conf) / 3
		}
		scores[li] = conf
		url := "https://contoh.kaltim.test/" + strings.ReplaceAll(strings.TrimPrefix(it.ID, "kaltim-synth:"), ":", "-")
		c := news.Classified{
			Article: news.Article{ID: news.IDFor(url), URL: url, Outlet: it.Outlet, Region: it.Region, Title: it.Title, Text: it.Text,
				Language: "id", PublishedAt: at.UTC(), FetchedAt: at.UTC().Add(5 * time.Minute), Kind: it.Kind},
			Label: it.Label, Scores: scores, Polarity: "netral", ModelVersion: "uji", Evidence: evidence(it.Title),
			OPDs: it.OPD, IssueID: "isu-" + strings.ToLower(it.Story), IssueName: names[it.Story], IssueTerms: []string{it.Topic},
		}
		if it.Region != "" {
			c.Regions = []string{it.Region}
		}
		if it.Kind == news.KindSosmed {
			c.Platform = []string{"instagram", "facebook", "x", "tiktok"}[int(frac(it.ID+"p")*4)]
		}
		rows = append(rows, c)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].PublishedAt.Before(rows[j].PublishedAt) })
	return rows, nil
}

// shortTitle cuts a headline to a readable issue name.
func shortTitle(t string) string {
	if i := strings.IndexAny(t, ",:"); i > 20 {
		t = t[:i]
	}
	w := strings.Fields(t)
	if len(w) > 9 {
		w = w[:9]
	}
	return strings.Join(w, " ")
}

// evidence picks a headline's three longest words, as evidence looks.
func evidence(title string) []string {
	w := strings.Fields(strings.ToLower(strings.Trim(title, ".")))
	sort.SliceStable(w, func(i, j int) bool { return len(w[i]) > len(w[j]) })
	if len(w) > 3 {
		w = w[:3]
	}
	for i := range w {
		w[i] = strings.Trim(w[i], `,."'()`)
	}
	return w
}

// relabelTarget is the lone article of a quiet day that the browser test
// relabels.
var relabelTarget struct {
	id  string
	day time.Time
}

// seed migrates the store and inserts the fixture, its issues, the test
// users and one lone article on a quiet day for the relabel test.
func seed(ctx context.Context, b *chdb.Backend) error {
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		return err
	}
	rows, err := fixture()
	if err != nil {
		return err
	}
	quiet := time.Date(2026, 11, 3, 10, 15, 0, 0, wita)
	lone := news.Classified{Article: news.Article{ID: news.IDFor("https://contoh.kaltim.test/uji-relabel"), URL: "https://contoh.kaltim.test/uji-relabel",
		Outlet: "Etam Pos", Title: "Pasar Segiri Ramai Jelang Akhir Pekan, Pedagang Sayur Untung", Text: "SAMARINDA – Pasar Segiri ramai pembeli.",
		Language: "id", PublishedAt: quiet.UTC(), FetchedAt: quiet.UTC(), Kind: news.KindBerita, Region: "Kota Samarinda"},
		Label: news.LabelNegatif, Scores: [4]float32{0.3, 0.1, 0.2, 0.4}, Polarity: "netral", ModelVersion: "uji",
		Evidence: []string{"ramai", "pedagang"}, Regions: []string{"Kota Samarinda"}, OPDs: []string{"Disperindag"},
		IssueID: "isu-uji-relabel", IssueName: "Pasar Segiri ramai jelang akhir pekan", IssueTerms: []string{"pasar"}}
	rows = append(rows, lone)
	relabelTarget.id, relabelTarget.day = lone.ID, quiet
	// Two neutral items the same day, so that its report has more than
	// one region.
	for i, region := range []string{"Kota Samarinda", "Kota Balikpapan"} {
		other := lone
		other.URL = fmt.Sprintf("https://contoh.kaltim.test/uji-relabel-%d", i)
		other.ID = news.IDFor(other.URL)
		other.Title = fmt.Sprintf("Jadwal Pelayanan Kantor Kelurahan Pekan Ini (%d)", i+1)
		other.Label, other.Scores, other.Regions, other.IssueID = news.LabelNetral, [4]float32{0.1, 0.7, 0.1, 0.1}, []string{region}, "isu-uji-layanan"
		other.IssueName = "Jadwal pelayanan kelurahan"
		rows = append(rows, other)
	}

	for i := range rows {
		rows[i].StoryID = rows[i].ID
		rows[i].Confidence = max(rows[i].Scores[0], rows[i].Scores[1], rows[i].Scores[2], rows[i].Scores[3])
	}
	if err := b.InsertMentions(ctx, rows); err != nil {
		return fmt.Errorf("inserting the fixture: %w", err)
	}
	if err := b.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
		return err
	}
	for role, name := range testUsers {
		h, err := HashPassword(password(name))
		if err != nil {
			return err
		}
		if err := store.PutUser(ctx, b, store.User{Name: name, Role: role, PasswordHash: h, UpdatedAt: testNow.Add(-30 * 24 * time.Hour)}); err != nil {
			return err
		}
	}
	return nil
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// clock is a test server's adjustable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newServer returns a web app over the test store with its own clock,
// sessions and login throttle.
func newServer() (*Server, *clock) {
	c := &clock{t: testNow}
	return &Server{Store: testStore, Rules: testRules, Log: quietLog(), Now: c.Now}, c
}
