package clickhouse

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

func TestNativeBackendAgainstDebianServer(t *testing.T) {
	srv := chtest.Start(t)
	ctx := context.Background()
	b, err := Open(ctx, srv.DSN("pantau_test"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	storetest.Run(t, b)
	// The same server, another database: an old store upgraded, and a
	// crash inside a migration repaired, on 18.16.
	up, err := Open(ctx, srv.DSN("pantau_upgrade"))
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	storetest.Upgrade(t, up)
}

func TestUnreachableServerIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := Open(ctx, "clickhouse://default@127.0.0.1:1/pantau")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.InsertMentions(ctx, []news.Classified{{Article: news.Article{ID: "x"}}})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("want ErrUnavailable, got %v", err)
	}
}
