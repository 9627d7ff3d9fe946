package chdb

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// slowQuery takes minutes unless stopped.
const slowQuery = "SELECT count() FROM numbers(1000000000000) WHERE sipHash64(number) % 7 = 3"

// TestQueryContext: a deadline stops the engine's query (before, a request
// timeout left it running while it held the connection), and a caller that
// waits for a busy connection gives up when its context ends.
func TestQueryContext(t *testing.T) {
	c := testConn(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.QueryContext(ctx, slowQuery, "TSV", nil)
	if err == nil || !strings.Contains(err.Error(), "TIMEOUT_EXCEEDED") {
		t.Fatalf("slow query with a 1 s deadline: %v, want TIMEOUT_EXCEEDED", err)
	}
	res, err := c.Query("SELECT getSetting('max_execution_time')", "TSV", nil)
	if err != nil || strings.TrimSpace(string(res.Data)) != "0" {
		t.Fatalf("the deadline outlived its query: %q %v", res.Data, err)
	}

	busy := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, err := c.QueryContext(ctx, slowQuery, "TSV", nil)
		busy <- err
	}()
	time.Sleep(300 * time.Millisecond) // the slow query holds the connection
	wctx, wcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer wcancel()
	if _, err := c.QueryContext(wctx, "SELECT 1", "TSV", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a busy connection: %v, want the context's deadline", err)
	}
	if err := <-busy; err == nil {
		t.Error("the slow query finished")
	}
}
