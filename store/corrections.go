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
	var n int
	if err := res.One(&n); err != nil {
		return fmt.Errorf("looking up mention %s: %w", c.ID, err)
	}
	if n == 0 {
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

// CorrectedMention is a mention an analyst corrected: its title and text
// with the latest label given.
type CorrectedMention struct {
	ID, Title, Text, Label string
}

// CorrectedMentions returns every corrected mention that is still stored,
// by id, for training. It uses only SQL that ClickHouse 18.16 also runs.
func CorrectedMentions(ctx context.Context, b Backend) ([]CorrectedMention, error) {
	db := b.Database()
	labels, err := b.Query(ctx, "SELECT id, argMax(label, corrected_at) FROM "+db+".label_corrections GROUP BY id ORDER BY id", nil)
	if err != nil {
		return nil, fmt.Errorf("reading corrections: %w", err)
	}
	if len(labels.Rows) == 0 {
		return nil, nil
	}
	texts, err := b.Query(ctx, "SELECT id, any(title), any(text) FROM "+db+".mentions WHERE id IN (SELECT id FROM "+db+".label_corrections) GROUP BY id", nil)
	if err != nil {
		return nil, fmt.Errorf("reading corrected mentions: %w", err)
	}
	byID := make(map[string]CorrectedMention, len(texts.Rows))
	for i := range texts.Rows {
		var m CorrectedMention
		if err := texts.Scan(i, &m.ID, &m.Title, &m.Text); err != nil {
			return nil, fmt.Errorf("reading corrected mentions: %w", err)
		}
		byID[m.ID] = m
	}
	var out []CorrectedMention
	for i := range labels.Rows {
		var id, label string
		if err := labels.Scan(i, &id, &label); err != nil {
			return nil, fmt.Errorf("reading corrections: %w", err)
		}
		if m, ok := byID[id]; ok {
			m.Label = label
			out = append(out, m)
		}
	}
	return out, nil
}
