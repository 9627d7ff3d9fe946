// Package store holds Pantau's ClickHouse schema, its migrations, the
// backend contract shared by the embedded (chDB) and native (clickhouse-go)
// backends, and every SQL statement Pantau runs. It must not know which
// backend it runs on (one schema and one set of SQL serve both) and must
// not import the bus: the writer stage lives in package stage.
package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

// DefaultDatabase is the database that holds Pantau's tables.
const DefaultDatabase = "pantau"

// ErrUnavailable wraps errors that mean the store cannot be reached right
// now (connection refused, timeouts): callers keep their data and retry.
var ErrUnavailable = errors.New("store unavailable")

// IsUnavailable reports whether err means the store cannot be reached
// right now (the caller keeps its data and retries).
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }

// Backend is one ClickHouse engine: chDB in process or a server reached
// with clickhouse-go/v2.
type Backend interface {
	// Name is "chdb" or "clickhouse".
	Name() string
	// Database is the database holding Pantau's tables.
	Database() string
	// Exec runs a statement that returns no rows (DDL).
	Exec(ctx context.Context, stmt string) error
	// Query runs a SELECT. params bind {name:Type} placeholders on the
	// server side; values are never spliced into the SQL text.
	Query(ctx context.Context, query string, params map[string]string) (*Result, error)
	// InsertMentions inserts rows into `mentions` as one batch.
	InsertMentions(ctx context.Context, rows []news.Classified) error
	// InsertIssues records the latest state of issues.
	InsertIssues(ctx context.Context, rows []IssueRow) error
	Close() error
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidateDatabase checks that name can be used unquoted as a database name.
func ValidateDatabase(name string) error {
	if !identRe.MatchString(name) {
		return fmt.Errorf("invalid database name %q: use letters, digits and underscores", name)
	}
	return nil
}

// MentionColumns lists the columns an insert into `mentions` fills, in order.
var MentionColumns = []string{
	"id", "url", "outlet", "region", "published_at", "fetched_at", "title", "text",
	"author", "language", "label", "score_positif", "score_netral",
	"score_berpotensi_negatif", "score_negatif", "polarity", "model_version", "evidence",
	"ingested_at", "story_id", "simhash",
	"regions", "opds", "entities", "keyphrases", "issue_id",
	"kind", "platform", "author_handle", "parent_id", "likes", "comments", "shares", "views",
	"confidence", "label_source", "labeled_by", "labeled_at",
}

// IssueRow is one issue's state as stored in `issues`.
type IssueRow struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	KeyPhrases []string  `json:"keyphrases"`
	FirstSeen  time.Time `json:"-"`
	LastSeen   time.Time `json:"-"`
}

// IssuesFrom collects the issue states carried by a batch of rows: each
// row carries its issue's whole span so far (news.Classified
// IssueFirstSeen/IssueLastSeen, set by the clusterer), or, from an older
// producer, only its own publication time.
func IssuesFrom(rows []news.Classified) []IssueRow {
	byID := map[string]int{}
	var out []IssueRow
	for _, r := range rows {
		if r.IssueID == "" {
			continue
		}
		first, last := r.IssueFirstSeen, r.IssueLastSeen
		if first.IsZero() || first.After(r.PublishedAt) {
			first = r.PublishedAt
		}
		if last.Before(r.PublishedAt) {
			last = r.PublishedAt
		}
		i, ok := byID[r.IssueID]
		if !ok {
			i = len(out)
			byID[r.IssueID] = i
			out = append(out, IssueRow{ID: r.IssueID, FirstSeen: first, LastSeen: last})
		}
		o := &out[i]
		if !last.Before(o.LastSeen) {
			o.Name, o.KeyPhrases = r.IssueName, r.IssueTerms // the latest state
		}
		if first.Before(o.FirstSeen) {
			o.FirstSeen = first
		}
		if last.After(o.LastSeen) {
			o.LastSeen = last
		}
	}
	return out
}

// InsertIssuesSQL is the INSERT statement (without FORMAT) for issues.
func InsertIssuesSQL(db string) string {
	return fmt.Sprintf("INSERT INTO %s.issues (id, name, keyphrases, first_seen, last_seen, updated_at)", db)
}

// InsertMentionsSQL is the INSERT statement (without FORMAT) for mentions.
func InsertMentionsSQL(db string) string {
	return fmt.Sprintf("INSERT INTO %s.mentions (%s)", db, strings.Join(MentionColumns, ", "))
}

// Earliest and latest times a DateTime column holds.
var (
	minDateTime = time.Unix(0, 0).UTC()
	maxDateTime = time.Unix(math.MaxUint32, 0).UTC()
)

// CleanMention returns m as both backends store it: a label outside the
// four classes and an unknown polarity become netral, an empty story is
// the article's own, an empty kind is berita, an empty label source is
// model, absent lists are empty, negative engagement is zero, and times
// are in UTC within DateTime's range.
func CleanMention(m *news.Classified) news.Classified {
	c := *m
	if !news.ValidLabel(c.Label) {
		c.Label = news.LabelNetral
	}
	switch c.Polarity {
	case news.PolarityPositif, news.PolarityNetral, news.PolarityNegatif:
	default:
		c.Polarity = news.PolarityNetral
	}
	if c.StoryID == "" {
		c.StoryID = c.ID
	}
	c.Kind = c.KindOrDefault()
	if c.LabelSource == "" {
		c.LabelSource = LabelSourceModel
	}
	for _, s := range []*[]string{&c.Evidence, &c.Regions, &c.OPDs, &c.Entities, &c.KeyPhrases} {
		if *s == nil {
			*s = []string{}
		}
	}
	for _, n := range []*int64{&c.Engagement.Likes, &c.Engagement.Comments, &c.Engagement.Shares, &c.Engagement.Views} {
		*n = max(*n, 0)
	}
	for _, t := range []*time.Time{&c.PublishedAt, &c.FetchedAt, &c.LabeledAt} {
		*t = clampTime(*t)
	}
	return c
}

// CleanIssue returns r as both backends store it: no absent key-phrase
// list, times in UTC within DateTime's range.
func CleanIssue(r IssueRow) IssueRow {
	if r.KeyPhrases == nil {
		r.KeyPhrases = []string{}
	}
	r.FirstSeen, r.LastSeen = clampTime(r.FirstSeen), clampTime(r.LastSeen)
	return r
}

// LabelSourceModel is the label source of a row the classifier labelled.
const LabelSourceModel = "model"

func clampTime(t time.Time) time.Time {
	switch {
	case t.Before(minDateTime):
		return minDateTime
	case t.After(maxDateTime):
		return maxDateTime
	}
	return t.UTC().Truncate(time.Second)
}
