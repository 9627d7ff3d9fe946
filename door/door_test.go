package door

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/diskominfo-kaltim/pantau/dashboards"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

var (
	testStore *chdb.Backend
	until     = time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
)

const doorToken = "rahasia-pintu"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-door-test-")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		b, err := chdb.Open(dir, "pantau")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer b.Close()
		if _, err := store.Migrate(context.Background(), b, nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		storetest.IssueFixture(fakeTB{}, b, until)
		testStore = b
		return m.Run()
	}()
	os.Exit(code)
}

// fakeTB lets the fixture run before the tests; it panics on failure.
type fakeTB struct{ testing.TB }

func (fakeTB) Helper()                      {}
func (fakeTB) Fatal(args ...any)            { panic(fmt.Sprint(args...)) }
func (fakeTB) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }
func (fakeTB) Errorf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

// server serves the door and the ClickHouse endpoint as the run process
// does.
func server(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	chh := &ClickHouse{Store: testStore, Allow: TokenAllows(doorToken), Log: slog.New(slog.DiscardHandler)}
	mux.Handle(ClickHousePath, chh)
	mux.Handle(ClickHousePath+"/", chh)
	mux.Handle(prefix, (&Server{Token: doorToken, Store: testStore}).Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func clickhouseGo(t *testing.T, srv *httptest.Server, comp *ch.Compression) ch.Conn {
	t.Helper()
	conn, err := ch.Open(&ch.Options{Protocol: ch.HTTP, Addr: []string{strings.TrimPrefix(srv.URL, "http://")},
		HttpUrlPath: ClickHousePath, Auth: ch.Auth{Username: "grafana", Password: doorToken}, Compression: comp,
		DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// rowsOf reads every row with clickhouse-go, each value as text.
func rowsOf(t *testing.T, ctx context.Context, conn ch.Conn, query string) ([]string, [][]string) {
	t.Helper()
	rows, err := conn.Query(ctx, query)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	var out [][]string
	cols := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		for i, ct := range rows.ColumnTypes() {
			vals[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = fmt.Sprint(reflect.ValueOf(v).Elem().Interface())
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// TestClickHouseGoRunsTheDashboards: clickhouse-go/v2's HTTP client — what
// Grafana's ClickHouse data source uses — runs every dashboard panel and
// variable over the endpoint, uncompressed, with LZ4 blocks and with gzip,
// and gets the rows the store gives directly.
func TestClickHouseGoRunsTheDashboards(t *testing.T) {
	ctx := context.Background()
	srv := server(t)
	from := until.Add(-20 * 24 * time.Hour)
	for _, comp := range []*ch.Compression{nil, {Method: ch.CompressionLZ4}, {Method: ch.CompressionGZIP}} {
		name := "none"
		if comp != nil {
			name = comp.Method.String()
		}
		t.Run(name, func(t *testing.T) {
			conn := clickhouseGo(t, srv, comp)
			if err := conn.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			v, err := conn.ServerVersion()
			if err != nil || v.Version.Major < 20 {
				t.Errorf("server version %v (%v)", v, err)
			}
			n := 0
			for _, d := range dashboards.All() {
				var queries []string
				for _, vr := range d.Variables {
					if vr.SQL != "" { // a custom variable has fixed choices, no query
						queries = append(queries, vr.SQL)
					}
				}
				for _, p := range d.Panels {
					if p.SQL != "" {
						queries = append(queries, p.SQL)
					}
				}
				for _, q := range queries {
					sql, err := dashboards.Expand(q, from, until, time.Hour, map[string][]string{"region": {"Kota Balikpapan"}})
					if err != nil {
						t.Fatal(err)
					}
					cols, rows := rowsOf(t, ctx, conn, sql)
					want, err := testStore.Query(ctx, sql, nil)
					if err != nil {
						t.Fatal(err)
					}
					// An empty result is an empty Native body: no block, so no
					// column names reach the client (this fixture has no
					// social items, corrections or sent reports).
					if len(want.Rows) == 0 && len(rows) == 0 {
						continue
					}
					if !reflect.DeepEqual(cols, want.Columns) || len(rows) != len(want.Rows) {
						t.Errorf("%s: %v %d rows over HTTP, %v %d directly", d.Title, cols, len(rows), want.Columns, len(want.Rows))
					}
					n++
				}
			}
			if n < 10 {
				t.Errorf("only %d dashboard queries ran", n)
			}
			// Server-side parameters, as clickhouse-go binds them.
			pctx := ch.Context(ctx, ch.WithParameters(ch.Parameters{"issue": "isu-spike"}))
			_, rows := rowsOf(t, pctx, conn, "SELECT count() FROM pantau.mention_facts FINAL WHERE issue_id = {issue:String}")
			if len(rows) != 1 || rows[0][0] != "21" {
				t.Errorf("bound parameter: %v", rows)
			}
			// Types that need care: arrays, dates, enums, nullables, empty results.
			_, rows = rowsOf(t, ctx, conn, "SELECT ['a', 'b''c'], toDateTime('2024-06-11 06:05:00', 'UTC'), CAST('negatif' AS Enum8('negatif' = 4)), CAST(NULL AS Nullable(String)), toLowCardinality('x')")
			if got := fmt.Sprint(rows); got != "[[[a b'c] 2024-06-11 06:05:00 +0000 UTC negatif <nil> x]]" {
				t.Errorf("typed row: %s", got)
			}
			if _, rows = rowsOf(t, ctx, conn, "SELECT id FROM pantau.mentions WHERE id = 'tidak-ada'"); len(rows) != 0 {
				t.Errorf("empty result: %v", rows)
			}
		})
	}
}

func TestEndpointRefusesWrites(t *testing.T) {
	ctx := context.Background()
	srv := server(t)
	conn := clickhouseGo(t, srv, nil)
	for _, q := range []string{
		"INSERT INTO pantau.label_corrections (id) VALUES ('x')",
		"DROP TABLE pantau.mentions",
		"ALTER TABLE pantau.mentions DELETE WHERE 1",
		"TRUNCATE TABLE pantau.issues",
		"CREATE TABLE pantau.x (a Int8) ENGINE = Memory",
		"OPTIMIZE TABLE pantau.mentions FINAL",
		"SYSTEM SHUTDOWN",
		"SET readonly = 0",
		"SELECT 1; DROP TABLE pantau.mentions",
		"SELECT * FROM file('/etc/passwd', 'LineAsString')",
		"SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')",
		"SELECT * FROM remote('127.0.0.1', system.one)",
		"SELECT 1 INTO OUTFILE '/tmp/pantau-keluar.txt'",
		"SELECT * FROM pantau.users",
		"SELECT * FROM merge('pantau', '^web_sessions$')",
		"WITH 1 AS x INSERT INTO pantau.issues SELECT * FROM pantau.issues",
	} {
		err := conn.Exec(ctx, q)
		var exc *ch.Exception
		if !errors.As(err, &exc) || exc.Code != codeReadonly {
			t.Errorf("%s: %v, want a READONLY exception", q, err)
		}
	}
	// A write hidden in a query with rows is refused too.
	if _, err := conn.Query(ctx, "SELECT * FROM file('/etc/passwd', 'LineAsString')"); err == nil {
		t.Error("a query reading a file was answered")
	}
	res, err := testStore.Query(ctx, "SELECT count() FROM pantau.mentions FINAL", nil)
	if err != nil || res.Rows[0][0] == "0" {
		t.Errorf("mentions after the refused writes: %v %v", res, err)
	}
	if _, err := os.Stat("/tmp/pantau-keluar.txt"); err == nil {
		t.Error("INTO OUTFILE wrote a file")
	}
	// Reading statements pass, quoted words are not keywords.
	for _, q := range []string{"SELECT 'DROP TABLE x; INSERT'", "WITH 2 AS x SELECT x", "SHOW TABLES FROM pantau",
		"DESCRIBE TABLE pantau.mentions", "EXISTS TABLE pantau.issues", "EXPLAIN SELECT 1", "SELECT 1;", "(SELECT 1)",
		"SELECT format('{} {}', 'a', 'b')", "SELECT count() FROM pantau.mentions -- DROP\n"} {
		if err := conn.Exec(ctx, q); err != nil {
			t.Errorf("%q refused: %v", q, err)
		}
	}
	// Without the doorToken, nothing.
	bad, err := ch.Open(&ch.Options{Protocol: ch.HTTP, Addr: []string{strings.TrimPrefix(srv.URL, "http://")},
		HttpUrlPath: ClickHousePath, Auth: ch.Auth{Username: "grafana", Password: "salah"}})
	if err == nil {
		err = bad.Ping(ctx)
		bad.Close()
	}
	if err == nil {
		t.Error("a wrong password was accepted")
	}
	res2, err := http.Get(srv.URL + ClickHousePath + "?query=" + url.QueryEscape("SELECT 1"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res2.Body)
	res2.Body.Close()
	if res2.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(string(body), "Code: 516.") {
		t.Errorf("no credentials: %s %q", res2.Status, body)
	}
}

// TestDoorBackend: a command that finds the store held opens it through
// the door — queries answer as the embedded store does, corrections take
// effect, writes are refused.
func TestDoorBackend(t *testing.T) {
	ctx := context.Background()
	srv := server(t)
	dir := t.TempDir()
	if _, err := Find(ctx, dir); !errors.Is(err, ErrNoDoor) {
		t.Fatalf("Find without a door: %v", err)
	}
	remove, err := Advertise(dir, strings.TrimPrefix(srv.URL, "http://"), doorToken)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("door file: %v %v", fi, err)
	}
	c, err := Find(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	b := c.Backend("pantau")
	// The analysts' queries give what the store gives.
	f := store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until}
	got, err := store.Issues(ctx, b, f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := store.Issues(ctx, testStore, f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || len(got) != 3 {
		t.Errorf("issues through the door differ:\n%+v\n%+v", got, want)
	}
	q := "SELECT id, title, regions, published_at, label FROM pantau.mentions FINAL ORDER BY id LIMIT 5"
	r1, err1 := b.Query(ctx, q, nil)
	r2, err2 := testStore.Query(ctx, q, nil)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(r1, r2) {
		t.Errorf("sql through the door: %v %v\n%v\n%v", err1, err2, r1, r2)
	}
	if _, err := b.Query(ctx, "SELECT nosuchcolumn FROM pantau.mentions", nil); err == nil || !strings.Contains(err.Error(), "Code: 47") {
		t.Errorf("an unknown column: %v", err)
	}
	// Writes are refused; a correction goes through and takes effect.
	if err := b.Exec(ctx, "DROP TABLE pantau.mentions"); !errors.Is(err, ErrWriteRefused) {
		t.Errorf("Exec through the door: %v", err)
	}
	id := r2.Rows[0][0]
	if err := store.RecordCorrection(ctx, b, store.Correction{ID: id, Label: "negatif", Analyst: "sari", Note: "lewat pintu"}); err != nil {
		t.Fatal(err)
	}
	res, err := testStore.Query(ctx, "SELECT label, label_source, labeled_by FROM pantau.mentions FINAL WHERE id = '"+id+"'", nil)
	if err != nil || fmt.Sprint(res.Rows) != "[[negatif human sari]]" {
		t.Errorf("after a correction through the door: %v %v", res, err)
	}
	if err := store.RecordCorrection(ctx, b, store.Correction{ID: "tidak-ada", Label: "negatif", Analyst: "sari"}); !errors.Is(err, store.ErrNoSuchMention) {
		t.Errorf("unknown mention through the door: %v", err)
	}
	// A wrong doorToken gets nothing.
	c.Info.Token = "salah"
	if _, err := c.Backend("pantau").Query(ctx, "SELECT 1", nil); err == nil {
		t.Error("a wrong door doorToken was accepted")
	}
	remove()
	if _, err := Find(ctx, dir); !errors.Is(err, ErrNoDoor) {
		t.Errorf("after removing the door: %v", err)
	}
}
