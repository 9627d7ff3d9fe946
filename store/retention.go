package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Retention is how long mentions keep what they hold, as ClickHouse TTLs:
// Text empties the article text of mentions (the row, its label and
// counts stay), Social deletes social-media items (kind = 'sosmed')
// whole, from mentions and mention_facts. Zero keeps forever. Both count from published_at, in whole days.
type Retention struct {
	Text   time.Duration
	Social time.Duration
}

// ErrNoTTL is returned by ApplyRetention when the engine has no TTL
// (ClickHouse before 21.8; Debian's 18.16 has none).
var ErrNoTTL = errors.New("this ClickHouse has no TTL (needs 21.8 or later)")

// RetentionResult says what ApplyRetention changed.
type RetentionResult struct {
	Table   string   // the table that holds the rows (mentions, or mentions_local on a cluster)
	Applied []string // statements run; none when the TTLs were already right
	Skipped string   // why a part was not applied
}

var (
	versionRe  = regexp.MustCompile(`^(\d+)\.(\d+)`)
	textTTLRe  = regexp.MustCompile("`text` String TTL (.+?)(?:, `|\\) ENGINE)")
	tableTTLRe = regexp.MustCompile(`\) ENGINE = .*? TTL (.+?)(?: SETTINGS .*)?$`)
)

// supportsTTL reports whether the engine's version has column and row TTLs
// with a WHERE clause and REMOVE TTL.
func supportsTTL(version string) bool {
	m := versionRe.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > 21 || major == 21 && minor >= 8
}

func ttlDays(d time.Duration) string {
	return fmt.Sprintf("published_at + toIntervalDay(%d)", int(d.Hours()/24))
}

// ApplyRetention brings the TTLs of mentions (text and social rows) and of
// mention_facts (social rows: the analyst queries must not count items
// that are gone) to r; on a cluster (cluster set) those of every *_local
// table, ON CLUSTER. It changes nothing when they already match, so it may
// run at every start (a changed TTL rewrites the table's parts in the
// background). A Distributed mentions seen without cluster is left alone:
// `pantau migrate --cluster` sets it.
func ApplyRetention(ctx context.Context, b Backend, r Retention, cluster string) (RetentionResult, error) {
	res := RetentionResult{Table: "mentions"}
	suffix, on := "", ""
	if cluster != "" {
		suffix, on = "_local", " ON CLUSTER "+cluster
		res.Table = "mentions_local"
	}
	version, err := EngineVersion(ctx, b)
	if err != nil {
		return res, err
	}
	if !supportsTTL(version) {
		return res, fmt.Errorf("ClickHouse %s: %w", version, ErrNoTTL)
	}
	for _, t := range []struct {
		name string
		text bool
	}{{"mentions", true}, {"mention_facts", false}} {
		stmts, skipped, err := retentionStatements(ctx, b, t.name+suffix, on, t.text, r)
		if err != nil {
			return res, err
		}
		if skipped != "" && res.Skipped == "" {
			res.Skipped = skipped
		}
		for _, s := range stmts {
			if err := b.Exec(ctx, s); err != nil {
				return res, fmt.Errorf("retention: %s: %w", s, err)
			}
			res.Applied = append(res.Applied, s)
		}
	}
	return res, nil
}

// retentionStatements are the ALTERs that bring one table's TTLs to r,
// none when they match.
func retentionStatements(ctx context.Context, b Backend, name, on string, text bool, r Retention) (stmts []string, skipped string, err error) {
	db := b.Database()
	tr, err := b.Query(ctx, fmt.Sprintf(`SELECT engine, create_table_query,
    (SELECT count() FROM system.columns WHERE database = %s AND table = %s AND name = 'kind')
FROM system.tables WHERE database = %[1]s AND name = %[2]s`, Quote(db), Quote(name)), nil)
	if err != nil {
		return nil, "", fmt.Errorf("reading %s.%s: %w", db, name, err)
	}
	if len(tr.Rows) != 1 {
		return nil, "", fmt.Errorf("%s.%s does not exist: migrate first", db, name)
	}
	engine, create, hasKind := tr.Rows[0][0], tr.Rows[0][1], tr.Rows[0][2] != "0"
	if engine == "Distributed" {
		return nil, name + " is Distributed: pantau migrate --cluster sets the TTLs of " + name + "_local", nil
	}
	table := db + "." + name + on
	if text {
		curText := ""
		if m := textTTLRe.FindStringSubmatch(create); m != nil {
			curText = m[1]
		}
		switch {
		case r.Text > 0 && curText != ttlDays(r.Text):
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s MODIFY COLUMN text TTL %s", table, ttlDays(r.Text)))
		case r.Text == 0 && curText != "":
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s MODIFY COLUMN text REMOVE TTL", table))
		}
	}
	curRow := ""
	if m := tableTTLRe.FindStringSubmatch(create); m != nil {
		curRow = m[1]
	}
	wantRow := ""
	if r.Social > 0 {
		wantRow = ttlDays(r.Social) + " WHERE kind = 'sosmed'"
	}
	switch {
	case wantRow != "" && !hasKind:
		skipped = "social retention waits for " + name + ".kind (no such column yet)"
	case wantRow != "" && curRow != wantRow:
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s MODIFY TTL %s", table, wantRow))
	case wantRow == "" && curRow != "":
		stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s REMOVE TTL", table))
	}
	return stmts, skipped, nil
}

// EngineVersion is the engine's version() (chDB reports the ClickHouse
// version it embeds).
func EngineVersion(ctx context.Context, b Backend) (string, error) {
	res, err := b.Query(ctx, "SELECT version()", nil)
	if err != nil {
		return "", fmt.Errorf("reading the ClickHouse version: %w", err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return "", errors.New("reading the ClickHouse version: no answer")
	}
	return res.Rows[0][0], nil
}

// String is a one-line account for logs and the CLI.
func (r RetentionResult) String() string {
	var parts []string
	if len(r.Applied) > 0 {
		parts = append(parts, fmt.Sprintf("%d TTL diubah pada %s", len(r.Applied), r.Table))
	} else {
		parts = append(parts, "TTL "+r.Table+" sudah sesuai")
	}
	if r.Skipped != "" {
		parts = append(parts, r.Skipped)
	}
	return strings.Join(parts, "; ")
}
