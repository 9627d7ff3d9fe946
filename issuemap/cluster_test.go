package issuemap

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/issuemap/kaltimfeed"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

func openBus(t testing.TB, dir string) *bus.Bus {
	t.Helper()
	b, err := bus.Open(context.Background(), bus.Options{StoreDir: dir}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newClusterer(t testing.TB, b *bus.Bus) *Clusterer {
	t.Helper()
	c, err := NewClusterer(context.Background(), b.JS, 1, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// classified is a feed item as the tagger leaves it for the clusterer.
func classified(it kaltimfeed.Item, tags tagger.Tags) news.Classified {
	return news.Classified{Article: it.Article, Label: it.Gold.Label, Regions: tags.Regions, OPDs: tags.OPDs}
}

// A restart (the bus kept, the process new) places the rest of a
// fortnight exactly as an uninterrupted run does, and reloads only the
// issues of the active window; the issue's first and last article travel
// on every message.
func TestRestartKeepsIssues(t *testing.T) {
	ctx := context.Background()
	feed, tags, _ := evalFeed(t)
	var items []int
	for k := range feed {
		if g := kaltimfeed.Group(feed[k].Gold.Story); g == "A" || g == "B" {
			items = append(items, k)
		}
	}
	run := func(restartAt int) ([]news.Classified, int) {
		b := openBus(t, t.TempDir())
		defer b.Close()
		c := newClusterer(t, b)
		var out []news.Classified
		loaded := -1
		for n, k := range items {
			if n == restartAt {
				if err := c.Close(ctx); err != nil {
					t.Fatal(err)
				}
				c = newClusterer(t, b)
				loaded = c.Active()
			}
			m := classified(feed[k], tags[k])
			if err := c.Place(ctx, &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out, loaded
	}
	want, _ := run(-1)
	// Restart inside group B's fortnight: group A's issues have gone
	// quiet for weeks and stay out of memory.
	restart := 0
	for n, k := range items {
		if kaltimfeed.Group(feed[k].Gold.Story) == "B" && feed[k].Gold.Day == 8 {
			restart = n
			break
		}
	}
	got, loaded := run(restart)
	last := feed[items[restart-1]].PublishedAt
	active := map[string]bool{}
	first := map[string]time.Time{}
	for n, m := range want[:restart] {
		if last.Sub(m.IssueLastSeen) <= DefaultParams.Window && (n == restart-1 || m.IssueLastSeen.After(want[restart-1].PublishedAt.Add(-DefaultParams.Window))) {
			active[m.IssueID] = true
		}
	}
	for _, m := range want[:restart] {
		if m.IssueLastSeen.Before(last.Add(-DefaultParams.Window - 24*time.Hour)) {
			delete(active, m.IssueID)
		}
	}
	if loaded < len(active)/2 || loaded > len(active)+5 {
		t.Errorf("restart loaded %d issues; about %d were active", loaded, len(active))
	}
	for n := range want {
		if got[n].IssueID != want[n].IssueID || got[n].IssueName != want[n].IssueName {
			t.Fatalf("article %d (%s): %s %q after a restart, %s %q without", n, feed[items[n]].Title,
				got[n].IssueID, got[n].IssueName, want[n].IssueID, want[n].IssueName)
		}
		m := got[n]
		if f, ok := first[m.IssueID]; !ok {
			first[m.IssueID] = m.IssueFirstSeen
		} else if !f.Equal(m.IssueFirstSeen) {
			t.Errorf("issue %s: first seen %s, earlier %s", m.IssueID, m.IssueFirstSeen, f)
		}
		if m.IssueFirstSeen.After(m.PublishedAt) || m.IssueLastSeen.Before(m.PublishedAt) {
			t.Errorf("article at %s outside its issue's span %s–%s", m.PublishedAt, m.IssueFirstSeen, m.IssueLastSeen)
		}
	}
}

// Any id an article may carry is accepted, and an article placed twice
// (a redelivery) is counted once.
func TestPlaceOddIDsAndRedelivery(t *testing.T) {
	ctx := context.Background()
	b := openBus(t, t.TempDir())
	defer b.Close()
	c := newClusterer(t, b)
	at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	for _, id := range []string{"x", "", "ä", "a.b>*"} {
		m := news.Classified{Article: news.Article{ID: id, Title: "Banjir rendam Sempaja", Text: "Banjir merendam Sempaja, Samarinda.", PublishedAt: at}}
		if err := c.Place(ctx, &m); err != nil || m.IssueID == "" {
			t.Errorf("id %q: issue %q, error %v", id, m.IssueID, err)
		}
	}
	m := news.Classified{Article: news.Article{ID: news.IDFor("u"), Title: "Jalan Poros Sepaku rusak", Text: "Jalan poros Sepaku berlubang.", PublishedAt: at}}
	if err := c.Place(ctx, &m); err != nil {
		t.Fatal(err)
	}
	again := m
	if err := c.Place(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if again.IssueID != m.IssueID || c.ix.issues[m.IssueID].Count != 1 {
		t.Errorf("redelivered article: issue %s (first %s), %d articles", again.IssueID, m.IssueID, c.ix.issues[m.IssueID].Count)
	}
}

// A comment joins the issue of the post it answers, whatever its words:
// by its parent when the crawler knows it, else as the account's comment
// thread right after the account's post.
func TestCommentsFollowTheirPost(t *testing.T) {
	at := time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	art := func(id, outlet, parent, title, text string, min int) *doc {
		return newDoc(&news.Article{ID: id, Outlet: outlet, ParentID: parent, Kind: news.KindSosmed, Title: title, Text: text,
			PublishedAt: at.Add(time.Duration(min) * time.Minute)}, []string{"Kota Samarinda"}, nil)
	}
	ix := newIndex(DefaultParams)
	id := func() func() string { n := 0; return func() string { n++; return fmt.Sprint("isu-", n) } }()
	post, _ := ix.assign(art("p1", "Instagram: @dishub.smd", "", "Penertiban juru parkir liar", "Dishub Samarinda bersama Satpol PP menertibkan 12 juru parkir liar di Jl. Juanda.", 0), id)
	other, _ := ix.assign(art("p2", "Facebook: Info Samarinda", "", "Pasar murah di Segiri", "Pasar murah digelar di Pasar Segiri, beras dan minyak goreng dijual murah.", 5), id)
	if other == post {
		t.Fatal("two unrelated posts share an issue")
	}
	reply, _ := ix.assign(art("c1", "Instagram: @dishub.smd", "p1", "Mantap gerak cepat pak", "Mantap gerak cepat pak, semoga rutin.", 30), id)
	thread, _ := ix.assign(art("c2", "Instagram: @dishub.smd (komentar)", "", "Mantap pak", "Mantap pak, lanjutkan.", 40), id)
	if reply != post || thread != post {
		t.Errorf("comments placed in %s and %s, their post in %s", reply.ID, thread.ID, post.ID)
	}
	if o, c := accountOf("Instagram: @dishub.smd (komentar)"); o != "Instagram: @dishub.smd" || !c {
		t.Errorf("accountOf: %q %v", o, c)
	}
}

// Names come from the articles' own words, acronyms as written, with
// the place and the kabupaten/kota the story is about.
func TestIssueNames(t *testing.T) {
	tg, err := tagger.New()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC)
	name := func(items ...[2]string) string {
		t.Helper()
		ix := newIndex(DefaultParams)
		var is *Issue
		for k, it := range items {
			a := news.Article{ID: fmt.Sprint(k), Title: it[0], Text: it[1], Outlet: "Kabar Mahakam", PublishedAt: at.Add(time.Duration(k) * 6 * time.Hour)}
			tags := tg.TagIn(a.Title, a.Text, "Kalimantan Timur")
			got, _ := ix.assign(newDoc(&a, tags.Regions, tags.OPDs), func() string { return fmt.Sprint("isu-", k) })
			if is != nil && got != is {
				t.Fatalf("%q started another issue", it[0])
			}
			is = got
		}
		return is.Name
	}
	f := func(want string, items ...[2]string) {
		t.Helper()
		if got := name(items...); got != want {
			t.Errorf("name %q, want %q", got, want)
		}
	}
	f("Banjir Bengkuring, Samarinda",
		[2]string{"Banjir Rendam Bengkuring, Warga Mengungsi", "SAMARINDA – Banjir setinggi lutut merendam perumahan Bengkuring di Kelurahan Sempaja Timur, Samarinda, sejak Senin subuh. Warga Bengkuring mengungsi ke masjid."},
		[2]string{"Banjir Bengkuring Belum Surut, BPBD Samarinda Dirikan Posko", "SAMARINDA – Genangan banjir di Bengkuring belum surut. BPBD Kota Samarinda mendirikan posko di Bengkuring dan membagikan makanan."},
		[2]string{"Warga Bengkuring Tuding Drainase Penyebab Banjir", "SAMARINDA – Warga Bengkuring menilai banjir disebabkan drainase yang tersumbat sampah. Mereka meminta Pemkot Samarinda mengeruk drainase di Bengkuring."})
	f("Antrean BBM di SPBU Juanda, Samarinda",
		[2]string{"Antrean BBM di SPBU Juanda Mengular hingga Badan Jalan", "SAMARINDA – Antrean kendaraan di SPBU Jalan Juanda, Samarinda, mengular hingga badan jalan. Pengendara menunggu lebih dari satu jam untuk membeli Pertalite di SPBU Juanda."},
		[2]string{"Antrean BBM di SPBU Juanda Bikin Macet, Warga Minta Pengawasan", "SAMARINDA – Antrean BBM di SPBU Juanda kembali memicu kemacetan. Warga Samarinda meminta Pertamina dan Dishub mengatur antrean di SPBU Juanda."},
		[2]string{"Pertamina Tambah Kuota, Antrean BBM di SPBU Juanda Berkurang", "SAMARINDA – Pertamina menambah kuota Pertalite untuk Samarinda. Antrean di SPBU Juanda mulai berkurang sejak Rabu."})
	f("Air PDAM Keruh, Balikpapan",
		[2]string{"Air PDAM Keruh di Balikpapan Barat, Warga Mengeluh", "BALIKPAPAN – Warga Balikpapan Barat mengeluhkan air PDAM yang keruh sejak Senin. PDAM Balikpapan menyebut kekeruhan karena perbaikan pipa."},
		[2]string{"PDAM Balikpapan Minta Maaf Soal Air PDAM Keruh", "BALIKPAPAN – PDAM Balikpapan meminta maaf atas air keruh di Balikpapan Barat dan berjanji air kembali jernih besok."},
		[2]string{"air pdam keruh lagi", "air pdam di rumah keruh lagi dari pagi, kapan beres ini #balikpapan"})
}

// TestShoutedHeadlineMarksNoAcronyms: a headline written all in capitals
// ("JANGAN BELI BERAS DI PASAR MURAH") gives its words in lower case, so
// "BERAS" never becomes an issue's name while a short acronym keeps its
// capitals.
func TestShoutedHeadlineMarksNoAcronyms(t *testing.T) {
	is := &Issue{}
	is.addTitle("JANGAN BELI BERAS DI PASAR MURAH PEMERINTAH", "negatif", true)
	is.addTitle("HARGA BBM DI PPU NAIK LAGI", "negatif", true)
	for key, want := range map[string]string{"beras": "beras", "murah": "murah", "bbm": "BBM"} {
		if p := is.Phrases[key]; p == nil || p.Form != want {
			t.Errorf("phrase %q: %+v, want form %q", key, p, want)
		}
	}
	is.addTitle("Harga Beras di Penajam Turun", "netral", false)
	if got := is.Phrases["beras"].Form; got != "Beras" {
		t.Errorf("after a normal headline: %q, want Beras", got)
	}
}

// The same articles in the same order give the same issues and names.
func TestClusteringIsDeterministic(t *testing.T) {
	feed, tags, _ := evalFeed(t)
	run := func() []string {
		ix := newIndex(DefaultParams)
		var out []string
		for k := range feed[:400] {
			is, _ := ix.assign(newDoc(&feed[k].Article, tags[k].Regions, tags[k].OPDs), func() string { return fmt.Sprint("isu-", k) })
			out = append(out, is.ID+" "+is.Name)
			ix.prune()
		}
		return out
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("article %d: %s, then %s", i, a[i], b[i])
		}
	}
}

// The outlet → latest issue map read back from saved issues is the one
// the index kept: with equal times, outlets past the issue's limit of
// 16, issues pruned, and two saved copies of one issue.
func TestLatestAgreesAfterRestart(t *testing.T) {
	at := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	ix := newIndex(DefaultParams)
	n := 0
	put := func(is *Issue, outlet string, day int) {
		n++
		d := newDoc(&news.Article{ID: fmt.Sprint("a", n), Outlet: outlet, Title: "Banjir Sempaja", Text: "Banjir merendam Sempaja.",
			PublishedAt: at.AddDate(0, 0, day)}, nil, nil)
		ix.weigh(d)
		ix.add(is, d)
		ix.count(d)
	}
	a, z, old := &Issue{ID: "isu-a", FirstSeen: at}, &Issue{ID: "isu-z", FirstSeen: at}, &Issue{ID: "isu-old", FirstSeen: at}
	put(old, "Kabar Lama", 0)
	for i := range 25 {
		put(z, fmt.Sprint("Media ", i), 12)
	}
	put(a, "Media 3", 12) // the same time as isu-z's
	put(a, "Kabar Lama", 11)
	ix.prune() // isu-old leaves: Kabar Lama's latest is isu-a
	saved := func(is *Issue) *Issue {
		data, err := json.Marshal(is)
		if err != nil {
			t.Fatal(err)
		}
		var c Issue
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(err)
		}
		return &c
	}
	staleA := saved(a)
	put(a, "Media 9", 13)
	back := newIndex(DefaultParams)
	back.restore(staleA) // an older copy left in the bucket, read first
	for _, is := range []*Issue{a, z} {
		back.restore(saved(is))
	}
	if ix.issues["isu-old"] != nil || len(ix.latest) != 26 {
		t.Fatalf("%d latest outlets, old issue in memory: %v", len(ix.latest), ix.issues["isu-old"] != nil)
	}
	for o, is := range ix.latest {
		if got := back.latest[o]; got == nil || got.ID != is.ID || back.issues[got.ID] != got {
			t.Errorf("outlet %s: latest %v after a restart, %s before", o, got, is.ID)
		}
	}
	if len(back.latest) != len(ix.latest) || ix.latest["Media 3"].ID != "isu-a" || ix.latest["Kabar Lama"].ID != "isu-a" {
		t.Errorf("latest: %d outlets after a restart, %d before; Media 3 → %s, Kabar Lama → %s", len(back.latest), len(ix.latest),
			ix.latest["Media 3"].ID, ix.latest["Kabar Lama"].ID)
	}
}
