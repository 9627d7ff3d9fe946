package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// The pipeline runs the alerter when alerts have somewhere to go: an
// article stored into a spiking issue reaches the office's Telegram chat
// within a minute.
func TestPipelineRunsTheAlerter(t *testing.T) {
	var mu sync.Mutex
	var got []time.Time
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Chat string `json:"chat_id"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		if r.URL.Path != "/bot123:uji/sendMessage" || m.Chat != "-100777" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`)
			return
		}
		mu.Lock()
		got = append(got, time.Now())
		mu.Unlock()
		fmt.Fprint(w, `{"ok":true,"result":{"message_id":1,"chat":{"id":-100777,"type":"group","title":"BPBD"},"date":1764460800,"text":"x"}}`)
	}))
	defer bot.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, _ := testPipeline(t, "alert_test", map[string]string{"stages": "alerter",
		"alert-telegram-token": "123:uji", "alert-telegram-api": bot.URL, "alert-telegram-chat": "-100777", "alert-interval": "2s"})
	defer p.Close()
	if p.Alerts == nil {
		t.Fatal("no alerter though a Telegram chat is configured")
	}
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx, false) }()
	now := time.Now().UTC()
	var rows []news.Classified
	for k := range 20 {
		at := now.Add(-time.Duration(15-k)*24*time.Hour + time.Hour)
		label := news.LabelNetral
		if k >= 14 {
			at, label = now.Add(-time.Duration(k)*time.Minute), news.LabelNegatif
		}
		id := news.IDFor(fmt.Sprint("pipeline-alert/", k))
		rows = append(rows, news.Classified{Article: news.Article{ID: id, URL: "https://contoh.id/" + id, Outlet: "Kabar Mahakam",
			Title: "Banjir Sempaja", Text: "teks", PublishedAt: at, FetchedAt: at}, Label: label, Polarity: "netral",
			OPDs: []string{"BPBD Kota Samarinda"}, IssueID: "isu-pipeline", IssueName: "Banjir Sempaja, Samarinda"})
	}
	if err := p.Store.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := p.Store.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
		t.Fatal(err)
	}
	stored := time.Now()
	deadline := time.After(time.Minute)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			t.Logf("alert %s after the article was stored", got[0].Sub(stored).Round(time.Millisecond))
			break
		}
		select {
		case <-deadline:
			t.Fatal("no alert within a minute of the article being stored")
		case <-time.After(200 * time.Millisecond):
		}
	}
	cancel()
	<-done
}
