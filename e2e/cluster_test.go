package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
)

// TestClickHouseCluster runs the cluster path for real on loopback: a
// ZooKeeper and four ClickHouse 18.16 servers as two shards × two
// replicas; `pantau migrate --cluster` creates the replicated tables and
// the Distributed tables over them; `pantau run --stages writer` stores
// classified articles from NATS through the Distributed table; one
// replica is killed (SIGKILL) mid-run and started again. Every article
// must be counted once through the Distributed table, each shard's
// replicas must agree, and mention_facts (filled per shard by the
// materialized view) must count them too.
func TestClickHouseCluster(t *testing.T) {
	start := time.Now()
	c := chtest.StartCluster(t, 2, 2)
	t.Logf("ZooKeeper and 4 servers up in %s", time.Since(start).Round(10*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dsn := c.DSN("pantau")

	start = time.Now()
	r := pantau(t, 2*time.Minute, "migrate", "--cluster", chtest.ClusterName, "--clickhouse-dsn", dsn)
	if r.code != 0 {
		t.Fatalf("migrate --cluster: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("migrate --cluster in %s: %s", time.Since(start).Round(10*time.Millisecond), strings.TrimSpace(r.stdout))
	for _, n := range c.Nodes {
		got, err := n.Query(ctx, "SELECT name, engine FROM system.tables WHERE database = 'pantau' AND name IN ('mentions', 'mentions_local', 'mention_facts_local') ORDER BY name")
		want := "mention_facts_local\tReplicatedReplacingMergeTree\nmentions\tDistributed\nmentions_local\tReplicatedReplacingMergeTree"
		if err != nil || got != want {
			t.Fatalf("%s after migrate --cluster: %v\n%s\nwant\n%s", n.Name, err, got, want)
		}
	}
	// Again: nothing left to apply.
	if r := pantau(t, time.Minute, "migrate", "--cluster", chtest.ClusterName, "--clickhouse-dsn", dsn); r.code != 0 {
		t.Fatalf("second migrate --cluster: exit %d\n%s", r.code, r.stderr)
	}

	natsURL := startNATS(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := bus.Open(ctx, bus.Options{URL: natsURL, AckWait: 5 * time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	metricsAddr := freeAddr(t)
	writer := exec.Command(pantauBin, "run", "--stages", "writer", "--api-addr=", "--nats-url", natsURL, "--clickhouse-dsn", dsn,
		"--data", t.TempDir(), "--metrics-addr", metricsAddr, "--writer-batch", "25", "--writer-flush", "100ms", "--ack-wait", "5s")
	var werr lockedBuffer
	writer.Stderr = &werr
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if writer.ProcessState == nil {
			writer.Process.Kill()
			writer.Wait()
		}
	}()

	const total = 600
	var published atomic.Int64
	publish := func(from, to int) {
		t.Helper()
		for i := from; i < to; i++ {
			at := time.Date(2026, 11, 1+i%28, 8, 0, 0, 0, time.UTC)
			c := news.Classified{Article: news.Article{ID: news.IDFor(fmt.Sprint("klaster/", i)), URL: fmt.Sprint("https://uji.id/", i),
				Outlet: "Uji", Region: "Kota Samarinda", Title: fmt.Sprintf("Berita %d", i), Text: "Isi berita uji.",
				PublishedAt: at, FetchedAt: at}, Label: "netral", Polarity: "netral", ModelVersion: "uji",
				IssueID: fmt.Sprintf("isu-%d", i%7), IssueName: "Isu uji"}
			data, _ := json.Marshal(c)
			if _, err := b.Publish(ctx, bus.SubjectClassify, c.ID, data); err != nil {
				t.Fatal(err)
			}
			published.Add(1)
		}
	}
	stored := func() float64 { return scrape(metricsAddr, "pantau_stored_total") }
	waitStored := func(n int) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for stored() < float64(n) {
			if time.Now().After(deadline) {
				t.Fatalf("writer stored %v of %d:\n%s", stored(), n, werr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	publish(0, total/3)
	waitStored(total / 6)
	// Kill a replica of shard 2 while the writer is storing.
	victim := c.Node(2, 2)
	victim.Kill()
	killed := time.Now()
	t.Logf("killed %s after %v rows stored", victim.Name, stored())
	publish(total/3, 2*total/3)
	if err := victim.Restart(killed); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s back after %s, %v rows stored", victim.Name, time.Since(killed).Round(100*time.Millisecond), stored())
	publish(2*total/3, total)
	waitStored(total)
	t.Logf("kill → restarted → all %d stored: %s", total, time.Since(killed).Round(100*time.Millisecond))
	if os.Getenv("PANTAU_DEBUG_CLUSTER") != "" {
		t.Log(werr.String())
	}

	writer.Process.Signal(syscall.SIGTERM)
	if err := writer.Wait(); err != nil {
		t.Errorf("writer after SIGTERM: %v\n%s", err, werr.String())
	}

	entry := c.Node(1, 1)
	q := func(n *chtest.Node, sql string) string {
		t.Helper()
		got, err := n.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, n := range c.Nodes {
		q(n, "SYSTEM SYNC REPLICA pantau.mentions_local")
		q(n, "SYSTEM SYNC REPLICA pantau.mention_facts_local")
	}
	want := fmt.Sprintf("%d\t%d", total, total)
	if got := q(entry, "SELECT count(), uniqExact(id) FROM pantau.mentions FINAL"); got != want {
		t.Errorf("through the Distributed table: %q, want %q (every article once)", got, want)
	}
	if got := q(entry, "SELECT count(), uniqExact(id) FROM pantau.mention_facts FINAL"); got != want {
		t.Errorf("mention_facts through the Distributed table: %q, want %q", got, want)
	}
	sum := 0
	for s := 1; s <= 2; s++ {
		a := q(c.Node(s, 1), "SELECT count() FROM pantau.mentions_local FINAL")
		bb := q(c.Node(s, 2), "SELECT count() FROM pantau.mentions_local FINAL")
		if a != bb || a == "0" {
			t.Errorf("shard %d: replicas hold %s and %s rows", s, a, bb)
		}
		var n int
		fmt.Sscan(a, &n)
		sum += n
	}
	if sum != total {
		t.Errorf("shards hold %d rows together, want %d", sum, total)
	}
	// Small tables are whole on every node.
	for _, n := range c.Nodes {
		if got := q(n, "SELECT count() FROM pantau.issues FINAL"); got != "7" {
			t.Errorf("%s: %s issues, want 7", n.Name, got)
		}
	}
}

func startNATS(t *testing.T) string {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoSigs: true, JetStream: true, StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats not ready")
	}
	t.Cleanup(s.Shutdown)
	return s.ClientURL()
}
