package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

// An analyst's correction takes effect at once: besides the row in
// label_corrections (the training source), the mention gets a new version
// with the analyst's label, marked as set by a human, so that everything
// reading `mentions FINAL` — and mention_facts, which the materialized view
// fills on every insert into mentions — shows it.

// LabelSourceHuman is the label source of a row an analyst labelled.
const LabelSourceHuman = "human"

// relabelMention inserts a new version of mention c.ID carrying c's label.
// Every stored column is copied from the current version (read from
// system.columns, so columns added later are kept too), except the label,
// who set it and when, and ingested_at — the ReplacingMergeTree version,
// moved past the current one so that the new row wins even within the
// same second.
func relabelMention(ctx context.Context, b Backend, c Correction) error {
	db := b.Database()
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT name FROM system.columns
WHERE database = %s AND table = 'mentions' AND default_kind NOT IN ('MATERIALIZED', 'ALIAS')`, Quote(db)), nil)
	if err != nil {
		return fmt.Errorf("reading the columns of mentions: %w", err)
	}
	override := map[string]string{
		"label":        Quote(c.Label),
		"label_source": Quote(LabelSourceHuman),
		"labeled_by":   Quote(c.Analyst),
		"labeled_at":   dtLiteral(c.At),
		"ingested_at":  fmt.Sprintf("greatest(%s, ingested_at + 1)", dtLiteral(time.Now())),
	}
	cols := make([]string, 0, len(res.Rows))
	exprs := make([]string, 0, len(res.Rows))
	for i := range res.Rows {
		var name string
		if err := res.Scan(i, &name); err != nil {
			return fmt.Errorf("reading the columns of mentions: %w", err)
		}
		cols = append(cols, name)
		if e, ok := override[name]; ok {
			exprs = append(exprs, e)
			delete(override, name)
		} else {
			exprs = append(exprs, name)
		}
	}
	if len(override) > 0 {
		return fmt.Errorf("mentions lacks columns for a correction (run pantau migrate): %d missing", len(override))
	}
	return b.Exec(ctx, fmt.Sprintf("INSERT INTO %s.mentions (%s) SELECT %s FROM %s.mentions FINAL WHERE id = %s",
		db, strings.Join(cols, ", "), strings.Join(exprs, ", "), db, Quote(c.ID)))
}

// KeepHumanLabels carries analysts' labels over to rows about to be
// stored again (a re-crawl, a redelivered batch): a row whose stored
// version was labelled by a human keeps that label, who set it and when,
// instead of the model's. One primary-key query per batch.
func KeepHumanLabels(ctx context.Context, b Backend, rows []news.Classified) error {
	if len(rows) == 0 {
		return nil
	}
	// Quoted values, not server-side parameters: the writer also stores
	// into ClickHouse 18.16, which has none.
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = Quote(rows[i].ID)
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT id, toString(label), labeled_by, labeled_at
FROM %s.mentions FINAL WHERE id IN (%s) AND label_source = 'human'`, b.Database(), strings.Join(ids, ", ")), nil)
	if err != nil {
		return fmt.Errorf("reading analysts' labels: %w", err)
	}
	if len(res.Rows) == 0 {
		return nil
	}
	type human struct {
		label, by string
		at        time.Time
	}
	byID := make(map[string]human, len(res.Rows))
	for i := range res.Rows {
		var id string
		var h human
		if err := res.Scan(i, &id, &h.label, &h.by, &h.at); err != nil {
			return fmt.Errorf("reading analysts' labels: %w", err)
		}
		byID[id] = h
	}
	for i := range rows {
		if h, ok := byID[rows[i].ID]; ok {
			rows[i].Label, rows[i].LabelSource, rows[i].LabeledBy, rows[i].LabeledAt = h.label, LabelSourceHuman, h.by, h.at
		}
	}
	return nil
}
