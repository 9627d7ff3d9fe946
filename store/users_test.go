package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// TestWebTablesAndCorrections runs the web app's statements (users,
// sessions, audit, corrections) on chDB and on Debian's ClickHouse 18.16:
// they must work on both.
func TestWebTablesAndCorrections(t *testing.T) {
	t.Run("chdb", func(t *testing.T) {
		b, err := chdb.Open(engineDir, "web_test")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		webConformance(t, b)
	})
	t.Run("clickhouse-18.16", func(t *testing.T) {
		srv := chtest.Start(t)
		b, err := clickhouse.Open(context.Background(), srv.DSN("web_test"))
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		webConformance(t, b)
	})
}

func webConformance(t *testing.T, b store.Backend) {
	ctx := context.Background()
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS "+b.Database()); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}

	// Users: the latest state wins; names are quoted, not spliced.
	t0 := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	if err := store.PutUser(ctx, b, store.User{Name: "sari", Role: "analis", PasswordHash: "h1", UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := store.PutUser(ctx, b, store.User{Name: "sari", Role: "admin", PasswordHash: "h2", UpdatedAt: t0.Add(time.Minute), UpdatedBy: "root"}); err != nil {
		t.Fatal(err)
	}
	if err := store.PutUser(ctx, b, store.User{Name: "o'brien", Role: "pimpinan", PasswordHash: "h3", UpdatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := store.PutUser(ctx, b, store.User{Name: "x", Role: "root"}); err == nil {
		t.Error("an unknown role was stored")
	}
	u, err := store.GetUser(ctx, b, "sari")
	if err != nil || u.Role != "admin" || u.PasswordHash != "h2" || u.UpdatedBy != "root" || !u.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("GetUser = %+v, %v", u, err)
	}
	if u, err := store.GetUser(ctx, b, "o'brien"); err != nil || u.Role != "pimpinan" {
		t.Errorf("GetUser(o'brien) = %+v, %v", u, err)
	}
	if _, err := store.GetUser(ctx, b, "nobody"); !errors.Is(err, store.ErrNoSuchUser) {
		t.Errorf("GetUser(nobody) err = %v", err)
	}
	if us, err := store.Users(ctx, b); err != nil || len(us) != 2 || us[0].Name != "o'brien" {
		t.Errorf("Users = %+v, %v", us, err)
	}

	// Sessions: revoking in the same second as creating still revokes.
	s := store.Session{TokenHash: "abc", User: "sari", CSRF: "tok", Created: t0, Expires: t0.Add(24 * time.Hour)}
	if err := store.PutSession(ctx, b, s); err != nil {
		t.Fatal(err)
	}
	got, err := store.GetSession(ctx, b, "abc")
	if err != nil || got.User != "sari" || got.CSRF != "tok" || got.Revoked || !got.Expires.Equal(s.Expires) {
		t.Errorf("GetSession = %+v, %v", got, err)
	}
	s.Revoked = true
	if err := store.PutSession(ctx, b, s); err != nil {
		t.Fatal(err)
	}
	if got, err := store.GetSession(ctx, b, "abc"); err != nil || !got.Revoked {
		t.Errorf("revoked session = %+v, %v", got, err)
	}
	if _, err := store.GetSession(ctx, b, "nope"); !errors.Is(err, store.ErrNoSuchSession) {
		t.Errorf("unknown session err = %v", err)
	}

	// Audit log, newest first.
	for i, a := range []string{"masuk", "label", "keluar"} {
		if err := store.Audit(ctx, b, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), User: "sari", Action: a, Target: "m1", Remote: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	if log, err := store.AuditLog(ctx, b, "", 2); err != nil || len(log) != 2 || log[0].Action != "keluar" {
		t.Errorf("AuditLog = %+v, %v", log, err)
	}
	if log, err := store.AuditLog(ctx, b, "label", 10); err != nil || len(log) != 1 || log[0].Target != "m1" {
		t.Errorf("AuditLog(label) = %+v, %v", log, err)
	}

	// A correction gives the mention a new version with the analyst's
	// label, seen through mentions FINAL and mention_facts FINAL, and keeps
	// every other column.
	rows := storetest.Rows(3, "koreksi")
	rows[0].IssueID, rows[0].Regions = "isu-k", []string{"Kota Samarinda"}
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	id := rows[0].ID
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	for _, lbl := range []string{"negatif", "positif"} { // twice within a second: the later wins
		if err := store.RecordCorrection(ctx, b, store.Correction{ID: id, Label: lbl, Analyst: "sari", Note: "judul menyesatkan", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := b.Query(ctx, "SELECT label, label_source, labeled_by, labeled_at, title, text, regions, issue_id, evidence, count() OVER () FROM "+
		b.Database()+".mentions FINAL WHERE id = '"+id+"'", nil)
	if err != nil {
		// 18.16 has no window functions: count separately.
		res, err = b.Query(ctx, "SELECT label, label_source, labeled_by, labeled_at, title, text, regions, issue_id, evidence, 1 FROM "+
			b.Database()+".mentions FINAL WHERE id = '"+id+"'", nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"positif", "human", "sari", "2026-11-02 09:30:00", rows[0].Title, rows[0].Text, "['Kota Samarinda']", "isu-k", "['rusak','mengeluh']", "1"}
	if len(res.Rows) != 1 {
		t.Fatalf("%d rows for the corrected mention", len(res.Rows))
	}
	for i, w := range want {
		if res.Rows[0][i] != w {
			t.Errorf("%s = %q, want %q", res.Columns[i], res.Rows[0][i], w)
		}
	}
	res, err = b.Query(ctx, "SELECT label FROM "+b.Database()+".mention_facts FINAL WHERE id = '"+id+"'", nil)
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "positif" {
		t.Errorf("mention_facts after the correction: %v, %v", res, err)
	}
	res, err = b.Query(ctx, "SELECT label_source, count() FROM "+b.Database()+".mentions FINAL GROUP BY label_source ORDER BY label_source", nil)
	if err != nil || len(res.Rows) != 2 || res.Rows[0][0] != "human" || res.Rows[0][1] != "1" || res.Rows[1][0] != "model" || res.Rows[1][1] != "2" {
		t.Errorf("label sources: %v, %v", res, err)
	}
	res, err = b.Query(ctx, "SELECT count() FROM "+b.Database()+".label_corrections WHERE id = '"+id+"'", nil)
	if err != nil || res.Rows[0][0] != "2" {
		t.Errorf("label_corrections: %v, %v", res, err)
	}
	if err := store.RecordCorrection(ctx, b, store.Correction{ID: "tidak-ada", Label: "netral", Analyst: "sari"}); !errors.Is(err, store.ErrNoSuchMention) {
		t.Errorf("correcting an unknown mention: %v", err)
	}
	// Stored again by the pipeline (a re-crawl), the row keeps the
	// analyst's label; the others keep the model's.
	again := storetest.Rows(3, "koreksi")
	again[0].IssueID, again[0].Regions = "isu-k", []string{"Kota Samarinda"}
	if err := store.KeepHumanLabels(ctx, b, again); err != nil {
		t.Fatal(err)
	}
	if again[0].Label != "positif" || again[0].LabelSource != "human" || again[0].LabeledBy != "sari" || !again[0].LabeledAt.Equal(at) ||
		again[1].Label != rows[1].Label || again[1].LabelSource != "" {
		t.Errorf("KeepHumanLabels: %+v / %+v", again[0], again[1])
	}
}
