package crawler

import (
	"context"
	"math/bits"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/news"
)

func TestTextPrint(t *testing.T) {
	base := "Mohon perhatian Dinas PUPR, jalan poros Samarinda–Bontang rusak berat!"
	for _, same := range []string{
		"mohon perhatian dinas pupr jalan poros samarinda bontang rusak berat",
		"@dinaspupr_kaltim Mohon perhatian Dinas PUPR, jalan poros Samarinda–Bontang rusak berat!! 🙏 https://t.co/x1",
		"MOHON PERHATIAN Dinas PUPR jalan poros Samarinda - Bontang rusak berat @gubkaltim",
	} {
		if TextPrint(same) != TextPrint(base) {
			t.Errorf("%q: a different print from %q", same, base)
		}
	}
	for _, other := range []string{
		"Mohon perhatian Dinas PUPR, jalan poros Samarinda–Bontang rusak berat banyak lubang",
		"Mohon perhatian Dinas PUPR, jalan poros Samarinda–Tenggarong rusak berat!",
	} {
		if TextPrint(other) == TextPrint(base) {
			t.Errorf("%q: the print of %q", other, base)
		}
	}
	for _, short := range []string{"", "mantap pak", "Aamiin ya Allah 🤲", "semoga cepat ditindaklanjuti @pemkot https://x.id"} {
		if p := TextPrint(short); p != 0 {
			t.Errorf("%q: print %x, want none (fewer than %d words)", short, p, minPrintWords)
		}
	}
}

// TestShortPostsLinkByWording: a short social post joins the story of an
// earlier post with the same wording (another account, other case, emoji,
// links or mentions) published within a week, also after a restart; a
// post that only shares a stock phrase, a reworded one, one outside the
// window and very short ones do not.
func TestShortPostsLinkByWording(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, b := testCrawlerIn(t, dir)
	src := config.Source{Name: "Medsos Pemprov", Kind: config.KindFacebook, Region: "Kota Samarinda"}
	// Recent, so that the restarted crawler still loads the first burst.
	t0 := time.Now().UTC().Add(-12 * 24 * time.Hour).Truncate(time.Hour)
	type post struct {
		id, text string
		at       time.Duration // after t0
	}
	send := func(c *Crawler, posts ...post) {
		t.Helper()
		for _, p := range posts {
			a := &news.Article{ID: p.id, URL: "https://facebook.com/" + p.id, Kind: news.KindSosmed, Platform: "facebook",
				Text: p.text, PublishedAt: t0.Add(p.at)}
			if err := c.post(ctx, src, a, &Stats{}, quiet()); err != nil {
				t.Fatal(err)
			}
		}
	}
	complaint := "Mohon perhatian Dinas PUPR, jalan poros Samarinda–Bontang rusak berat!"
	// Two posts that share a stock phrase: SimHash puts them 11 bits apart.
	stockRoad := "Semoga cepat ditindaklanjuti oleh pihak terkait, jalan"
	stockFlood := "Semoga cepat ditindaklanjuti oleh pihak terkait, banjir"
	if d := bits.OnesCount64(SimHash(stockRoad) ^ SimHash(stockFlood)); d > nearDupBits {
		t.Fatalf("the stock-phrase pair is %d bits apart; pick one SimHash would link", d)
	}
	send(c,
		post{"a1", complaint, 0},
		post{"a2", "@dinaspupr_kaltim mohon perhatian dinas PUPR jalan poros Samarinda - Bontang rusak berat 🙏 https://t.co/x1", time.Hour},
		post{"a3", complaint + " Sudah tiga bulan.", 2 * time.Hour}, // reworded: its own story
		post{"b1", stockRoad, 3 * time.Hour},
		post{"b2", stockFlood, 4 * time.Hour},
		post{"m1", "Mantap pak", 5 * time.Hour},
		post{"m2", "Mantap pak", 6 * time.Hour},
		post{"a4", complaint, 10 * 24 * time.Hour}, // the same words ten days on: a new story
	)
	// After a restart, the fingerprints are read back.
	b.Close()
	c2, b2 := testCrawlerIn(t, dir)
	send(c2,
		post{"a5", "Mohon perhatian Dinas PUPR jalan poros Samarinda Bontang rusak berat", 10*24*time.Hour + time.Hour},
		post{"a6", complaint, 3 * time.Hour}, // a late-crawled copy of the first burst
	)
	story := map[string]string{}
	for _, a := range drain(t, b2, 10) {
		story[a.ID] = a.StoryID
		if a.SimHash != 0 {
			t.Errorf("%s: short post given a SimHash", a.ID)
		}
	}
	if len(story) != 10 {
		t.Fatalf("%d posts on the bus, want 10", len(story))
	}
	for id, want := range map[string]string{
		"a1": "a1", "a2": "a1", "a3": "a3", "b1": "b1", "b2": "b2", "m1": "m1", "m2": "m2",
		"a4": "a4", "a5": "a4", "a6": "a1",
	} {
		if story[id] != want {
			t.Errorf("%s: story %q, want %q", id, story[id], want)
		}
	}
}

// TestPrintIndexForgetsOldStories: stories whose first copy is more than
// two windows old leave the index, so it does not grow for ever.
func TestPrintIndexForgetsOldStories(t *testing.T) {
	x := newPrintIndex()
	now := time.Now()
	x.add(1, "lama", now.Add(-3*printWindow))
	x.add(2, "baru", now.Add(-printWindow))
	for h := uint64(3); x.adds < 4096; h++ {
		x.add(h, "lain", now)
	}
	if _, ok := x.bursts[1]; ok {
		t.Error("a story three windows old is still indexed")
	}
	if s, ok := x.match(2, now.Add(-printWindow/2)); !ok || s != "baru" {
		t.Errorf("a story one window old was dropped: %q %v", s, ok)
	}
}
