package chdb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Insert formats the backend can use to move rows into the engine.
const (
	FormatRowBinary   = "RowBinary"
	FormatJSONEachRow = "JSONEachRow"
)

// Backend is the embedded store: the ClickHouse engine in this process.
type Backend struct {
	conn   *Conn
	db     string
	format string
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
	return &Backend{conn: c, db: database, format: FormatRowBinary}, nil
}

// SetInsertFormat picks the format used by InsertMentions.
func (b *Backend) SetInsertFormat(f string) { b.format = f }

func (b *Backend) Name() string     { return "chdb" }
func (b *Backend) Database() string { return b.db }
func (b *Backend) Close() error     { return b.conn.Close() }

// Conn exposes the underlying connection (for tests and benchmarks).
func (b *Backend) Conn() *Conn { return b.conn }

func (b *Backend) Exec(_ context.Context, stmt string) error {
	_, err := b.conn.Query(stmt, "TSV", nil)
	return err
}

func (b *Backend) Ping(_ context.Context) error {
	_, err := b.conn.Query("SELECT 1", "TSV", nil)
	return err
}

func (b *Backend) Query(_ context.Context, query string, params map[string]string) (*store.Result, error) {
	res, err := b.conn.Query(query, "TSVWithNamesAndTypes", params)
	if err != nil {
		return nil, err
	}
	return store.ParseTSVWithNamesAndTypes(res.Data)
}

// InsertMentions streams rows into mentions in chunks of about 1 MiB.
func (b *Backend) InsertMentions(_ context.Context, rows []news.Classified) error {
	if len(rows) == 0 {
		return nil
	}
	now := time.Now().UTC()
	enc := encodeRowBinary
	if b.format == FormatJSONEachRow {
		enc = encodeJSON
	}
	i := 0
	buf := make([]byte, 0, 1<<20)
	n, err := b.conn.Insert(store.InsertMentionsSQL(b.db), b.format, func() []byte {
		if i == len(rows) {
			return nil
		}
		buf = buf[:0]
		for i < len(rows) && len(buf) < 1<<20 {
			buf = enc(buf, &rows[i], now)
			i++
		}
		return buf
	})
	if err != nil {
		return fmt.Errorf("inserting %d rows into %s.mentions: %w", len(rows), b.db, err)
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

// encodeRowBinary appends one row in MentionColumns order.
func encodeRowBinary(b []byte, m *news.Classified, now time.Time) []byte {
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
	lc, ok := labelCode[m.Label]
	if !ok {
		lc = labelCode[news.LabelNetral]
	}
	b = append(b, byte(lc))
	for _, s := range m.Scores {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(s))
	}
	b = append(b, byte(polarityCode[m.Polarity]))
	b = appendString(b, m.ModelVersion)
	b = binary.AppendUvarint(b, uint64(len(m.Evidence)))
	for _, e := range m.Evidence {
		b = appendString(b, e)
	}
	b = appendTime(b, now)
	b = appendString(b, storyOf(m))
	b = binary.LittleEndian.AppendUint64(b, m.SimHash)
	for _, arr := range [][]string{m.Regions, m.OPDs, m.Entities, m.KeyPhrases} {
		b = binary.AppendUvarint(b, uint64(len(arr)))
		for _, e := range arr {
			b = appendString(b, e)
		}
	}
	return appendString(b, m.IssueID)
}

// storyOf is the story an article belongs to: its own when it is the first
// copy.
func storyOf(m *news.Classified) string {
	if m.StoryID != "" {
		return m.StoryID
	}
	return m.ID
}

type jsonRow struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Outlet    string   `json:"outlet"`
	Region    string   `json:"region"`
	Published int64    `json:"published_at"`
	Fetched   int64    `json:"fetched_at"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Author    string   `json:"author"`
	Language  string   `json:"language"`
	Label     string   `json:"label"`
	SP        float32  `json:"score_positif"`
	SN        float32  `json:"score_netral"`
	SB        float32  `json:"score_berpotensi_negatif"`
	SNeg      float32  `json:"score_negatif"`
	Polarity  string   `json:"polarity"`
	Model     string   `json:"model_version"`
	Evidence  []string `json:"evidence"`
	Ingested  int64    `json:"ingested_at"`
	Story     string   `json:"story_id"`
	SimHash   uint64   `json:"simhash"`
	Regions   []string `json:"regions"`
	OPDs      []string `json:"opds"`
	Entities  []string `json:"entities"`
	Phrases   []string `json:"keyphrases"`
	IssueID   string   `json:"issue_id"`
}

func encodeJSON(b []byte, m *news.Classified, now time.Time) []byte {
	label := m.Label
	if _, ok := labelCode[label]; !ok {
		label = news.LabelNetral
	}
	pol := m.Polarity
	if _, ok := polarityCode[pol]; !ok {
		pol = news.PolarityNetral
	}
	ev := m.Evidence
	if ev == nil {
		ev = []string{}
	}
	row := jsonRow{m.ID, m.URL, m.Outlet, m.Region, m.PublishedAt.Unix(), m.FetchedAt.Unix(), m.Title, m.Text,
		m.Author, m.Language, label, m.Scores[0], m.Scores[1], m.Scores[2], m.Scores[3], pol, m.ModelVersion, ev, now.Unix(),
		storyOf(m), m.SimHash, orEmpty(m.Regions), orEmpty(m.OPDs), orEmpty(m.Entities), orEmpty(m.KeyPhrases), m.IssueID}
	j, _ := json.Marshal(row)
	b = append(b, j...)
	return append(b, '\n')
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// InsertIssues streams issue states as JSONEachRow.
func (b *Backend) InsertIssues(_ context.Context, rows []store.IssueRow) error {
	if len(rows) == 0 {
		return nil
	}
	now := time.Now().UTC().Unix()
	var buf []byte
	for _, r := range rows {
		j, _ := json.Marshal(struct {
			store.IssueRow
			KP      []string `json:"keyphrases"`
			First   int64    `json:"first_seen"`
			Last    int64    `json:"last_seen"`
			Updated int64    `json:"updated_at"`
		}{r, orEmpty(r.KeyPhrases), r.FirstSeen.Unix(), r.LastSeen.Unix(), now})
		buf = append(append(buf, j...), '\n')
	}
	done := false
	_, err := b.conn.Insert(fmt.Sprintf("INSERT INTO %s.issues (id, name, keyphrases, first_seen, last_seen, updated_at)", b.db), FormatJSONEachRow, func() []byte {
		if done {
			return nil
		}
		done = true
		return buf
	})
	if err != nil {
		return fmt.Errorf("inserting %d issues: %w", len(rows), err)
	}
	return nil
}
