package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

// ErrNoSuchMention is returned when a correction names an unknown article.
var ErrNoSuchMention = errors.New("no such mention")

// Correction is an analyst's label for one mention.
type Correction struct {
	ID      string
	Label   string
	Analyst string
	Note    string
	At      time.Time
}

// Quote returns s as a ClickHouse string literal.
func Quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// Corrector is a backend that cannot write and passes corrections on to
// the process that can (the run process, through its door).
type Corrector interface {
	RecordCorrection(ctx context.Context, c Correction) error
}

// RecordCorrection stores c after checking that the mention exists, and
// gives the mention a new version with the analyst's label (relabel.go), so
// that reports, issues and dashboards show it at once. It uses only SQL
// that ClickHouse 18.16 also runs.
func RecordCorrection(ctx context.Context, b Backend, c Correction) error {
	if !news.ValidLabel(c.Label) {
		return fmt.Errorf("invalid label %q", c.Label)
	}
	if cr, ok := b.(Corrector); ok {
		return cr.RecordCorrection(ctx, c)
	}
	db := b.Database()
	res, err := b.Query(ctx, fmt.Sprintf("SELECT count() FROM %s.mentions WHERE id = %s", db, Quote(c.ID)), nil)
	if err != nil {
		return err
	}
	if len(res.Rows) != 1 || res.Rows[0][0] == "0" {
		return fmt.Errorf("%w: %s", ErrNoSuchMention, c.ID)
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	if err := b.Exec(ctx, fmt.Sprintf("INSERT INTO %s.label_corrections (id, label, analyst, note, corrected_at) SELECT %s, %s, %s, %s, toDateTime(%s, 'UTC')",
		db, Quote(c.ID), Quote(c.Label), Quote(c.Analyst), Quote(c.Note), Quote(c.At.UTC().Format(time.DateTime)))); err != nil {
		return err
	}
	return relabelMention(ctx, b, c)
}
