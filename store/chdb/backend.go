package chdb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Backend is the embedded store: the ClickHouse engine in this process.
type Backend struct {
	conn *Conn
	db   string
}

// Open starts (or joins) the engine storing data under dir.
func Open(dir, database string, settings ...string) (*Backend, error) {
	if err := store.ValidateDatabase(database); err != nil {
		return nil, err
	}
	c, err := Connect(dir, settings...)
	if err != nil {
		return nil, err
	}
	return &Backend{conn: c, db: database}, nil
}

func (b *Backend) Name() string     { return "chdb" }
func (b *Backend) Database() string { return b.db }
func (b *Backend) Close() error     { return b.conn.Close() }

func (b *Backend) Exec(ctx context.Context, stmt string) error {
	_, err := b.conn.QueryContext(ctx, stmt, "TSV", nil)
	return classify(err)
}

// classify marks the engine's errors that may pass (a full disk, too many
// parts, memory) as store.ErrUnavailable, by ClickHouse's error codes as
// the native backend does.
func classify(err error) error {
	var e *Error
	if errors.As(err, &e) && (store.TemporaryCode(e.Code) || store.TemporaryMessage(e.Msg)) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

func (b *Backend) Query(ctx context.Context, query string, params map[string]string) (*store.Result, error) {
	res, err := b.conn.QueryContext(ctx, query, "TSVWithNamesAndTypes", store.EscapeParams(query, params))
	if err != nil {
		return nil, classify(err)
	}
	return store.ParseTSVWithNamesAndTypes(res.Data)
}

// InsertMentions streams rows into mentions as RowBinary, in chunks of
// about 1 MiB.
func (b *Backend) InsertMentions(_ context.Context, rows []news.Classified) error {
	if len(rows) == 0 {
		return nil
	}
	now := time.Now().UTC()
	i := 0
	buf := make([]byte, 0, 1<<20)
	n, err := b.conn.Insert(store.InsertMentionsSQL(b.db), "RowBinary", func() []byte {
		if i == len(rows) {
			return nil
		}
		buf = buf[:0]
		for i < len(rows) && len(buf) < 1<<20 {
			buf = encodeRowBinary(buf, &rows[i], now)
			i++
		}
		return buf
	})
	if err != nil {
		return fmt.Errorf("inserting %d rows into %s.mentions: %w", len(rows), b.db, classify(err))
	}
	if n < uint64(len(rows)) {
		return fmt.Errorf("inserting into %s.mentions: engine wrote %d of %d rows", b.db, n, len(rows))
	}
	return nil
}

var polarityCode = map[string]int8{news.PolarityNegatif: -1, news.PolarityNetral: 0, news.PolarityPositif: 1}
var labelCode = map[string]int8{news.LabelPositif: 1, news.LabelNetral: 2, news.LabelBerpotensiNegatif: 3, news.LabelNegatif: 4}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	u := t.Unix()
	if u < 0 {
		u = 0
	}
	if u > math.MaxUint32 {
		u = math.MaxUint32
	}
	return binary.LittleEndian.AppendUint32(b, uint32(u))
}

// encodeRowBinary appends one row in MentionColumns order, cleaned as
// store.CleanMention says.
func encodeRowBinary(b []byte, row *news.Classified, now time.Time) []byte {
	m := store.CleanMention(row)
	b = appendString(b, m.ID)
	b = appendString(b, m.URL)
	b = appendString(b, m.Outlet)
	b = appendString(b, m.Region)
	b = appendTime(b, m.PublishedAt)
	b = appendTime(b, m.FetchedAt)
	b = appendString(b, m.Title)
	b = appendString(b, m.Text)
	b = appendString(b, m.Author)
	b = appendString(b, m.Language)
	b = append(b, byte(labelCode[m.Label]))
	for _, s := range m.Scores {
		b = appendFloat32(b, s)
	}
	b = append(b, byte(polarityCode[m.Polarity]))
	b = appendString(b, m.ModelVersion)
	b = appendStrings(b, m.Evidence)
	b = appendTime(b, now)
	b = appendString(b, m.StoryID)
	b = binary.LittleEndian.AppendUint64(b, m.SimHash)
	for _, arr := range [][]string{m.Regions, m.OPDs, m.Entities, m.KeyPhrases} {
		b = appendStrings(b, arr)
	}
	b = appendString(b, m.IssueID)
	b = appendString(b, m.Kind)
	b = appendString(b, m.Platform)
	b = appendString(b, m.AuthorHandle)
	b = appendString(b, m.ParentID)
	for _, n := range []int64{m.Engagement.Likes, m.Engagement.Comments, m.Engagement.Shares, m.Engagement.Views} {
		b = binary.LittleEndian.AppendUint64(b, uint64(n))
	}
	b = appendFloat32(b, m.Confidence)
	b = appendString(b, m.LabelSource)
	b = appendString(b, m.LabeledBy)
	return appendTime(b, m.LabeledAt)
}

func appendFloat32(b []byte, f float32) []byte {
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// InsertIssues streams issue states as RowBinary.
func (b *Backend) InsertIssues(_ context.Context, rows []store.IssueRow) error {
	if len(rows) == 0 {
		return nil
	}
	now := time.Now().UTC()
	var buf []byte
	for _, r := range rows {
		r = store.CleanIssue(r)
		buf = appendString(buf, r.ID)
		buf = appendString(buf, r.Name)
		buf = appendStrings(buf, r.KeyPhrases)
		buf = appendTime(buf, r.FirstSeen)
		buf = appendTime(buf, r.LastSeen)
		buf = appendTime(buf, now)
	}
	done := false
	_, err := b.conn.Insert(store.InsertIssuesSQL(b.db), "RowBinary", func() []byte {
		if done {
			return nil
		}
		done = true
		return buf
	})
	if err != nil {
		return fmt.Errorf("inserting %d issues: %w", len(rows), classify(err))
	}
	return nil
}
