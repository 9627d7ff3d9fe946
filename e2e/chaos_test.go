package e2e

import (
	"bytes"
	"math/rand/v2"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
)

// TestChaosKillsWhileTheStoreComesAndGoes runs `pantau run` against the
// Debian ClickHouse server and, for several rounds, kills it with SIGKILL
// at a random moment while the server is stopped (the store error) and
// started again (lifted) at random moments too. Then the server stays up
// and one `run --once` finishes the work: every article is stored once,
// nothing is dead-lettered. The seed is logged to replay a failure.
func TestChaosKillsWhileTheStoreComesAndGoes(t *testing.T) {
	const articles, rounds = 150, 7
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	srv := site(t, articles, 5*time.Millisecond)
	sources := writeSources(t, srv.URL, false)
	data := t.TempDir()
	ch := chtest.Start(t)
	dsn := ch.DSN("pantau")
	between := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rng.Int64N(int64(hi-lo))) }

	var logs bytes.Buffer
	for round := 1; round <= rounds; round++ {
		if round == 2 && ch.Running() { // at least one start finds no store
			ch.Stop()
			t.Logf("round %d: store stopped before the start", round)
		}
		cmd := exec.Command(pantauBin, "run", "--config", sources, "--data", data, "--host-delay", "0s",
			"--metrics-addr", "", "--api-addr=", "--writer-flush", "100ms", "--writer-batch", "20", "--ack-wait", "3s",
			"--clickhouse-dsn", dsn)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Within the round: the store goes away, comes back, or both, in a
		// random order of events; the kill comes at a random moment.
		life := between(1500*time.Millisecond, 5*time.Second)
		deadline := time.Now().Add(life)
		for time.Now().Before(deadline) {
			time.Sleep(between(200*time.Millisecond, time.Second))
			if rng.IntN(3) == 0 {
				if ch.Running() {
					ch.Stop()
					t.Logf("round %d: store stopped", round)
				} else {
					if err := ch.Restart(); err != nil {
						t.Fatal(err)
					}
					t.Logf("round %d: store started", round)
				}
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		t.Logf("round %d: killed after %s (store running: %v)", round, life.Round(10*time.Millisecond), ch.Running())
		logs.WriteString(errb.String())
	}
	if !ch.Running() {
		if err := ch.Restart(); err != nil {
			t.Fatal(err)
		}
	}
	r := pantau(t, 3*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s",
		"--ack-wait", "3s", "--clickhouse-dsn", dsn)
	if r.code != 0 {
		t.Fatalf("final run: exit %d\n%s", r.code, r.stderr)
	}
	if d := pantau(t, time.Minute, "dlq", "list", "--data", data); !strings.Contains(d.stdout, "tidak ada pesan di dead-letter") {
		t.Errorf("dead letters after the chaos:\n%s%s", d.stdout, d.stderr)
	}
	if got := sqlOne(t, data, []string{"--clickhouse-dsn", dsn}, "SELECT count(), uniqExact(id) FROM pantau.mentions FINAL"); got != "150\t150" {
		t.Fatalf("after the chaos: %q, want 150 150\nfinal run: %s\n%s\nearlier rounds:\n%s", got, r.stdout, r.stderr, tail(logs.String(), 20000))
	}
	if !strings.Contains(logs.String(), "store unavailable") {
		t.Errorf("no round saw the store unavailable:\n%s", tail(logs.String(), 3000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
