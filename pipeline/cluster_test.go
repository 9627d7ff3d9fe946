package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/stage"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// startCluster runs three JetStream servers clustered on loopback.
func startCluster(t *testing.T) ([]*server.Server, string) {
	t.Helper()
	ports := freePorts(t, 6)
	var routes []string
	for i := 0; i < 3; i++ {
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", ports[3+i]))
	}
	var servers []*server.Server
	var urls []string
	for i := 0; i < 3; i++ {
		opts := &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: ports[i], NoSigs: true,
			JetStream: true, StoreDir: t.TempDir(),
			Cluster: server.ClusterOpts{Name: "pantau", Host: "127.0.0.1", Port: ports[3+i]},
			Routes:  server.RoutesFromStr(strings.Join(routes, ",")),
		}
		s, err := server.NewServer(opts)
		if err != nil {
			t.Fatal(err)
		}
		s.Start()
		servers = append(servers, s)
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", ports[i]))
	}
	for _, s := range servers {
		if !s.ReadyForConnections(10 * time.Second) {
			t.Fatal("server not ready")
		}
	}
	t.Cleanup(func() {
		for _, s := range servers {
			s.Shutdown()
		}
	})
	return servers, strings.Join(urls, ",")
}

// TestR3StreamSurvivesANodeStop runs the classifier and writer on R3
// streams of a three-node cluster, stops the node leading the articles
// stream half-way, and checks that every article is stored exactly once.
func TestR3StreamSurvivesANodeStop(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	servers, url := startCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var b *bus.Bus
	var err error
	for deadline := time.Now().Add(45 * time.Second); ; { // wait for the JetStream meta leader
		octx, ocancel := context.WithTimeout(ctx, 5*time.Second)
		b, err = bus.Open(octx, bus.Options{URL: url, Replicas: 3, AckWait: 2 * time.Second}, log)
		ocancel()
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	info, err := b.JS.Stream(ctx, bus.StreamArticles)
	if err != nil {
		t.Fatal(err)
	}
	si, _ := info.Info(ctx)
	if si.Config.Replicas != 3 {
		t.Fatalf("articles stream has %d replicas", si.Config.Replicas)
	}
	backend, err := chdb.Open(engineDir, "pantau_r3")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	if err := backend.Exec(ctx, "DROP DATABASE IF EXISTS pantau_r3"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, backend, log); err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	stageCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		(&stage.Classifier{Bus: b, Model: classifier.NewLexicon(), Metrics: m, Log: log}).Run(stageCtx)
	}()
	go func() {
		defer wg.Done()
		(&stage.Writer{Bus: b, Store: backend, Metrics: m, Log: log, BatchSize: 50, FlushInterval: 200 * time.Millisecond}).Run(stageCtx)
	}()

	const total = 300
	publish := func(i int) {
		a := news.Article{ID: news.IDFor(fmt.Sprint("cluster/", i)), URL: fmt.Sprint("https://x.id/", i), Outlet: "Uji",
			Title: fmt.Sprintf("Berita %d", i), Text: "Warga Samarinda menyambut baik program baru.", PublishedAt: time.Now().UTC(), FetchedAt: time.Now().UTC()}
		data, _ := json.Marshal(a)
		for {
			pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := b.Publish(pctx, bus.SubjectArticles, a.ID, data)
			pcancel()
			if err == nil {
				return
			}
			if ctx.Err() != nil {
				t.Fatal("publishing timed out")
			}
			time.Sleep(100 * time.Millisecond) // leader election under way
		}
	}
	for i := 0; i < total/2; i++ {
		publish(i)
	}
	// Stop the node that leads the articles stream.
	si, _ = info.Info(ctx)
	for _, s := range servers {
		if s.Name() == si.Cluster.Leader {
			s.Shutdown()
			t.Logf("stopped %s, the stream leader", s.Name())
		}
	}
	for i := total / 2; i < total; i++ {
		publish(i)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := backend.Query(ctx, "SELECT count(), uniqExact(id) FROM pantau_r3.mentions FINAL", nil)
		if err == nil && res.Rows[0][0] == fmt.Sprint(total) && res.Rows[0][1] == fmt.Sprint(total) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a node stop: %v %v, want %d articles once", res, err, total)
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop()
	wg.Wait()
}
