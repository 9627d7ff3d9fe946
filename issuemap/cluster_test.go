package issuemap

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/demo/indosum"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// Articles about three matters, as different outlets write them.
var topics = map[string][]string{
	"banjir": {
		"Banjir rendam permukiman warga Samarinda|Banjir merendam permukiman warga di Kelurahan Sempaja, Samarinda, sejak Senin pagi. BPBD Samarinda mengevakuasi warga.",
		"BPBD Samarinda evakuasi korban banjir Sempaja|Petugas BPBD Samarinda mengevakuasi puluhan warga korban banjir di Sempaja. Banjir setinggi lutut merendam permukiman.",
		"Warga Sempaja keluhkan banjir berulang|Warga Sempaja Samarinda mengeluhkan banjir yang kembali merendam permukiman mereka. Mereka meminta drainase diperbaiki.",
		"Pemkot Samarinda janji tangani banjir Sempaja|Wali Kota Samarinda berjanji menangani banjir di Sempaja dengan memperbaiki drainase permukiman warga.",
	},
	"korupsi": {
		"Kejati tetapkan tersangka korupsi dana hibah|Kejaksaan Tinggi Kalimantan Timur menetapkan dua tersangka korupsi dana hibah olahraga senilai miliaran rupiah.",
		"Dua tersangka korupsi dana hibah ditahan|Dua tersangka kasus korupsi dana hibah olahraga ditahan Kejaksaan Tinggi Kalimantan Timur usai diperiksa.",
		"Kasus korupsi dana hibah, kejati periksa saksi|Kejaksaan Tinggi Kalimantan Timur memeriksa saksi dalam kasus korupsi dana hibah olahraga.",
	},
	"ppdb": {
		"Pendaftaran PPDB SMA dibuka pekan depan|Dinas Pendidikan Kalimantan Timur membuka pendaftaran PPDB SMA negeri pekan depan secara daring.",
		"Orang tua keluhkan situs PPDB SMA lambat|Orang tua siswa mengeluhkan situs pendaftaran PPDB SMA negeri yang lambat diakses.",
		"Disdik perpanjang pendaftaran PPDB SMA|Dinas Pendidikan memperpanjang pendaftaran PPDB SMA negeri karena situs sempat gangguan.",
	},
}

func TestIncrementalClusteringGroupsTheRightArticles(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	b, err := bus.Open(ctx, bus.Options{StoreDir: dir}, log)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClusterer(ctx, b.JS, 1, log)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 6, 10, 1, 0, 0, 0, time.UTC)
	got := map[string][]string{}
	assign := func(c *Clusterer, topic string, i int, text string) {
		title, body, _ := cut(text)
		a := news.Article{ID: news.IDFor(fmt.Sprintf("%s/%d", topic, i)), Title: title, Text: body, PublishedAt: base.Add(time.Duration(i) * 7 * time.Hour)}
		is := c.Assign(ctx, a, tagger.Terms(title, body))
		got[topic] = append(got[topic], is.ID)
	}
	// Interleave topics, as news arrives; the last article of each topic
	// comes after a restart and must still join its issue.
	for i := 0; i < 4; i++ {
		for _, topic := range []string{"banjir", "korupsi", "ppdb"} {
			if i < len(topics[topic])-1 {
				assign(c, topic, i, topics[topic][i])
			}
		}
	}
	c, err = NewClusterer(ctx, b.JS, 1, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"banjir", "korupsi", "ppdb"} {
		assign(c, topic, len(topics[topic])-1, topics[topic][len(topics[topic])-1])
	}
	// Unrelated news starts issues of its own.
	arts, _ := indosum.Articles()
	for i, a := range arts[:20] {
		na := news.Article{ID: a.ID + "-x", Title: a.Title(), Text: a.Text, PublishedAt: base.Add(time.Duration(i) * time.Hour)}
		is := c.Assign(ctx, na, tagger.Terms(na.Title, na.Text))
		got["other"] = append(got["other"], is.ID)
	}
	b.Close()
	ids := map[string]string{}
	for _, topic := range []string{"banjir", "korupsi", "ppdb"} {
		for _, id := range got[topic] {
			if id != got[topic][0] {
				t.Errorf("%s split across issues: %v", topic, got[topic])
				break
			}
		}
		ids[got[topic][0]] = topic
	}
	if len(ids) != 3 {
		t.Errorf("topics merged: %v", got)
	}
	for _, id := range got["other"] {
		if topic, ok := ids[id]; ok {
			t.Errorf("unrelated article joined the %s issue", topic)
		}
	}
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '|' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
