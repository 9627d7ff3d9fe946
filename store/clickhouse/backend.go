// Package clickhouse is the native store backend: a ClickHouse server or
// cluster reached with clickhouse-go/v2. It runs the same schema and SQL as
// the embedded backend and must stay compatible with ClickHouse 18.16 for
// DDL and inserts.
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"syscall"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Backend is a connection pool to a ClickHouse server.
type Backend struct {
	conn driver.Conn
	db   string
	opts *ch.Options // for the console's own connection
}

// Open connects with a DSN such as clickhouse://user:pass@host:9000/pantau.
// The DSN's database is Pantau's database; it defaults to "pantau".
func Open(ctx context.Context, dsn string) (*Backend, error) {
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parsing clickhouse dsn: %w", err)
	}
	db := opts.Auth.Database
	if db == "" || db == "default" {
		db = store.DefaultDatabase
	}
	if err := store.ValidateDatabase(db); err != nil {
		return nil, err
	}
	// Connect to "default" so that the first migration can create db.
	opts.Auth.Database = "default"
	if opts.DialTimeout == 0 || opts.DialTimeout > 5*time.Second {
		opts.DialTimeout = 5 * time.Second
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("opening clickhouse: %w", err)
	}
	return &Backend{conn: conn, db: db, opts: opts}, nil
}

func (b *Backend) Name() string     { return "clickhouse" }
func (b *Backend) Database() string { return b.db }
func (b *Backend) Close() error     { return b.conn.Close() }

func (b *Backend) Exec(ctx context.Context, stmt string) error {
	return classify(b.conn.Exec(ctx, stmt))
}

// classify marks network failures, and server errors whose code or
// message says they may pass (store.TemporaryCode), as
// store.ErrUnavailable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	var exc *ch.Exception
	switch {
	case errors.As(err, &exc):
		if store.TemporaryCode(int(exc.Code)) || store.TemporaryMessage(exc.Message) {
			return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
		return err
	case errors.As(err, &ne), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, ch.ErrAcquireConnTimeout),
		strings.Contains(err.Error(), "connection refused"), strings.Contains(err.Error(), "EOF"):
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

func (b *Backend) Query(ctx context.Context, query string, params map[string]string) (*store.Result, error) {
	if len(params) > 0 {
		ctx = ch.Context(ctx, ch.WithParameters(ch.Parameters(store.EscapeParams(query, params))))
	}
	rows, err := b.conn.Query(ctx, query)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	cts := rows.ColumnTypes()
	res := &store.Result{}
	for _, c := range cts {
		res.Columns = append(res.Columns, c.Name())
		res.Types = append(res.Types, c.DatabaseTypeName())
	}
	for rows.Next() {
		dest := make([]any, len(cts))
		for i, c := range cts {
			dest[i] = reflect.New(c.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scanning row: %w", err)
		}
		row := make([]string, len(cts))
		for i := range dest {
			row[i] = store.FormatValue(reflect.ValueOf(dest[i]).Elem().Interface(), res.Types[i])
		}
		res.Rows = append(res.Rows, row)
	}
	return res, classify(rows.Err())
}

// InsertMentions sends rows as one native-protocol batch, cleaned as
// store.CleanMention says.
func (b *Backend) InsertMentions(ctx context.Context, rows []news.Classified) error {
	if len(rows) == 0 {
		return nil
	}
	batch, err := b.conn.PrepareBatch(ctx, store.InsertMentionsSQL(b.db))
	if err != nil {
		return fmt.Errorf("preparing insert into %s.mentions: %w", b.db, classify(err))
	}
	defer batch.Abort()
	now := time.Now().UTC()
	for i := range rows {
		m := store.CleanMention(&rows[i])
		e := m.Engagement
		if err := batch.Append(m.ID, m.URL, m.Outlet, m.Region, m.PublishedAt, m.FetchedAt,
			m.Title, m.Text, m.Author, m.Language, m.Label, m.Scores[0], m.Scores[1], m.Scores[2], m.Scores[3],
			m.Polarity, m.ModelVersion, m.Evidence, now, m.StoryID, m.SimHash,
			m.Regions, m.OPDs, m.Entities, m.KeyPhrases, m.IssueID,
			m.Kind, m.Platform, m.AuthorHandle, m.ParentID, uint64(e.Likes), uint64(e.Comments), uint64(e.Shares), uint64(e.Views),
			m.Confidence, m.LabelSource, m.LabeledBy, m.LabeledAt); err != nil {
			return fmt.Errorf("appending row %s: %w", m.ID, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("inserting %d rows into %s.mentions: %w", len(rows), b.db, classify(err))
	}
	return nil
}

// InsertIssues sends issue states as one batch.
func (b *Backend) InsertIssues(ctx context.Context, rows []store.IssueRow) error {
	if len(rows) == 0 {
		return nil
	}
	batch, err := b.conn.PrepareBatch(ctx, store.InsertIssuesSQL(b.db))
	if err != nil {
		return fmt.Errorf("preparing issues insert: %w", classify(err))
	}
	defer batch.Abort()
	now := time.Now().UTC()
	for _, r := range rows {
		r = store.CleanIssue(r)
		if err := batch.Append(r.ID, r.Name, r.KeyPhrases, r.FirstSeen, r.LastSeen, now); err != nil {
			return fmt.Errorf("appending issue %s: %w", r.ID, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("inserting %d issues: %w", len(rows), classify(err))
	}
	return nil
}
