package stage_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/stage"
)

// fragileModel panics on a word, as sugarme's BPE once did on "São".
type fragileModel struct{ classifier.Model }

func (f fragileModel) Classify(title, text, kind string) classifier.Result {
	if strings.Contains(text, "São Paulo") {
		panic("cannot find 'ã' in the vocab")
	}
	return f.Model.Classify(title, text, kind)
}

func article(id, text string) []byte {
	data, _ := json.Marshal(news.Article{ID: id, URL: "https://x.id/" + id, Outlet: "Uji", Title: "Berita", Text: text,
		PublishedAt: time.Date(2024, 6, 11, 1, 0, 0, 0, time.UTC)})
	return data
}

// TestClassifierStageSurvivesBadInput: an article with a short id (which
// once panicked issue assignment), one that panics the model, and one
// that is not JSON are dead-lettered with their reasons; the good ones
// are classified, assigned an issue and published.
func TestClassifierStageSurvivesBadInput(t *testing.T) {
	ctx := context.Background()
	b := openBus(t, t.TempDir())
	defer b.Close()
	issues, err := issuemap.NewClusterer(ctx, b.JS, 1, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	good1, good2 := news.IDFor("https://x.id/1"), news.IDFor("https://x.id/2")
	in := []struct{ id, data string }{
		{good1, string(article(good1, "Warga Samarinda menyambut baik jembatan baru."))},
		{"x", string(article("x", "Jalan rusak di Balikpapan."))},
		{"sao", string(article(news.IDFor("https://x.id/sao"), "Timnas berlatih di São Paulo."))},
		{"notjson", "{not json"},
		{good2, string(article(good2, "Banjir merendam permukiman di Samarinda."))},
	}
	for _, m := range in {
		if _, err := b.Publish(ctx, bus.SubjectArticles, m.id, []byte(m.data)); err != nil {
			t.Fatal(err)
		}
	}
	m := metrics.New()
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s := &stage.Classifier{Bus: b, Model: fragileModel{classifier.NewLexicon()}, Issues: issues, Metrics: m, Log: quietLog()}
	go func() { defer close(done); s.Run(sctx) }()
	waitFor(t, "the stage to drain", func() bool {
		n, err := b.Pending(ctx, bus.StreamArticles, bus.ConsumerClassifier)
		return err == nil && n == 0
	})
	cancel()
	<-done

	reasons := map[string]string{}
	for _, l := range letters(t, b, stage.ClassifierName) {
		reasons[l.MsgID] = l.Reason
	}
	for id, want := range map[string]string{
		"x":       `malformed article: article id "x": want 32 hex digits`,
		"sao":     "panic: cannot find 'ã' in the vocab (at stage_test.fragileModel.Classify",
		"notjson": "malformed article: invalid character",
	} {
		if !strings.HasPrefix(reasons[id], want) {
			t.Errorf("dead letter %s: reason %q, want %q…", id, reasons[id], want)
		}
	}
	if len(reasons) != 3 {
		t.Errorf("dead letters %v, want 3", reasons)
	}
	if got := metrics.Sum(m.Classified); got != 2 {
		t.Errorf("classified %v, want 2", got)
	}
	cls, err := b.JS.Stream(ctx, bus.StreamClassified)
	if err != nil {
		t.Fatal(err)
	}
	info, err := cls.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]news.Classified{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		raw, err := cls.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		var c news.Classified
		if err := json.Unmarshal(raw.Data, &c); err != nil {
			t.Fatal(err)
		}
		out[c.ID] = c
	}
	if len(out) != 2 {
		t.Errorf("%d classified articles published, want 2", len(out))
	}
	for _, id := range []string{good1, good2} {
		if c, ok := out[id]; !ok || c.Label == "" || !strings.HasPrefix(c.IssueID, "isu-") {
			t.Errorf("classified %s: found %v, %+v", id, ok, c)
		}
	}
}

func TestValidID(t *testing.T) {
	for id, ok := range map[string]bool{
		news.IDFor("https://x.id/a"):          true,
		"":                                    false,
		"x":                                   false,
		"0123456789abcdef0123456789ABCDEF":    false,
		"0123456789abcdef0123456789abcde":     false,
		"0123456789abcdef0123456789abcdefg":   false,
		"0123456789abcdef0123456789abcde\xff": false,
	} {
		if err := stage.ValidID(id); (err == nil) != ok {
			t.Errorf("ValidID(%q) = %v, want ok=%v", id, err, ok)
		}
	}
}
