package store

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Migration is one versioned change to the schema. Statements use {db} for
// the database name and must run on ClickHouse 18.16 as well as on current
// engines: no DateTime64, no LowCardinality, no window functions in DDL.
type Migration struct {
	Version    int
	Name       string
	Statements []string
}

// Migrations is the schema's history. Append only: never edit a migration
// that has shipped.
var Migrations = []Migration{
	{
		Version: 1,
		Name:    "mentions",
		Statements: []string{`CREATE TABLE IF NOT EXISTS {db}.mentions (
    id String,
    url String,
    outlet String,
    region String,
    published_at DateTime('UTC'),
    fetched_at DateTime('UTC'),
    title String,
    text String,
    author String,
    language String,
    label Enum8('positif' = 1, 'netral' = 2, 'berpotensi negatif' = 3, 'negatif' = 4),
    score_positif Float32,
    score_netral Float32,
    score_berpotensi_negatif Float32,
    score_negatif Float32,
    polarity Enum8('negatif' = -1, 'netral' = 0, 'positif' = 1),
    model_version String,
    evidence Array(String),
    ingested_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY id`},
	},
	{
		Version: 2,
		Name:    "label_corrections",
		Statements: []string{`CREATE TABLE IF NOT EXISTS {db}.label_corrections (
    id String,
    label Enum8('positif' = 1, 'netral' = 2, 'berpotensi negatif' = 3, 'negatif' = 4),
    analyst String,
    note String,
    corrected_at DateTime('UTC')
) ENGINE = MergeTree
ORDER BY (id, corrected_at)`},
	},
	{
		Version: 3,
		Name:    "mentions_story",
		Statements: []string{
			`ALTER TABLE {db}.mentions ADD COLUMN story_id String DEFAULT ''`,
			`ALTER TABLE {db}.mentions ADD COLUMN simhash UInt64 DEFAULT 0`,
		},
	},
	{
		Version: 4,
		Name:    "issue_mapping",
		Statements: []string{
			`ALTER TABLE {db}.mentions ADD COLUMN regions Array(String), ADD COLUMN opds Array(String),
    ADD COLUMN entities Array(String), ADD COLUMN keyphrases Array(String), ADD COLUMN issue_id String DEFAULT ''`,
			`CREATE TABLE IF NOT EXISTS {db}.issues (
    id String,
    name String,
    keyphrases Array(String),
    first_seen DateTime('UTC'),
    last_seen DateTime('UTC'),
    updated_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id`,
		},
	},
	{
		Version: 5,
		Name:    "reports_sent",
		Statements: []string{`CREATE TABLE IF NOT EXISTS {db}.reports_sent (
    report_date Date,
    recipients String,
    message_id String,
    status Enum8('terkirim' = 1, 'gagal' = 2),
    instance String,
    sent_at DateTime('UTC'),
    error String
) ENGINE = MergeTree
ORDER BY (report_date, sent_at)`},
	},
	{
		// Centroids of Kaltim's regions (shared/datasets/wilayah_indonesia),
		// for the dashboards' map.
		Version: 6,
		Name:    "regions_ref",
		Statements: []string{
			`CREATE TABLE IF NOT EXISTS {db}.regions_ref (
    name String,
    kind String,
    lat Float64,
    lng Float64
) ENGINE = MergeTree
ORDER BY name`,
			`INSERT INTO {db}.regions_ref (name, kind, lat, lng)
SELECT tupleElement(r, 1), tupleElement(r, 2), tupleElement(r, 3), tupleElement(r, 4)
FROM (SELECT arrayJoin([
        ('Kabupaten Paser', 'kabupaten', -1.736732, 116.092738),
        ('Kabupaten Kutai Kartanegara', 'kabupaten', 0.107963, 116.480117),
        ('Kabupaten Berau', 'kabupaten', 1.912495, 117.340173),
        ('Kabupaten Kutai Barat', 'kabupaten', -0.502670, 115.824216),
        ('Kabupaten Kutai Timur', 'kabupaten', 0.989871, 117.129153),
        ('Kabupaten Penajam Paser Utara', 'kabupaten', -1.157130, 116.590358),
        ('Kabupaten Mahakam Ulu', 'kabupaten', 0.731807, 114.836126),
        ('Kota Balikpapan', 'kota', -1.156666, 116.872291),
        ('Kota Samarinda', 'kota', -0.500280, 117.177063),
        ('Kota Bontang', 'kota', 0.093265, 117.458068),
        ('Kalimantan Timur', 'provinsi', 0.538700, 116.419400),
        ('IKN Nusantara', 'otorita', -0.973700, 116.708300)
    ]) AS r)`,
		},
	},
	{
		// The analytic columns of mentions again, laid out for the analyst
		// queries. mentions is ordered by id (its dedup key), so a period
		// or an issue is spread over every granule and FINAL must merge
		// the whole table. mention_facts is partitioned by month of
		// publication (a period reads its months only, and FINAL merges
		// within them: queries set do_not_merge_across_partitions_select_final,
		// right because an article keeps its published_at, so its copies
		// share a partition) and ordered by (issue_id, id) (an issue's
		// rows are contiguous). A materialized view fills it on every
		// insert into mentions, whatever the client; the INSERT backfills
		// what was stored before (rows the view also caught collapse
		// under FINAL).
		Version: 7,
		Name:    "mention_facts",
		Statements: []string{
			`CREATE TABLE IF NOT EXISTS {db}.mention_facts (
    issue_id String,
    id String,
    published_at DateTime('UTC'),
    label Enum8('positif' = 1, 'netral' = 2, 'berpotensi negatif' = 3, 'negatif' = 4),
    outlet String,
    regions Array(String),
    opds Array(String),
    ingested_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(published_at)
ORDER BY (issue_id, id)`,
			`CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.mention_facts_mv TO {db}.mention_facts AS
SELECT issue_id, id, published_at, label, outlet, regions, opds, ingested_at
FROM {db}.mentions`,
			`INSERT INTO {db}.mention_facts (issue_id, id, published_at, label, outlet, regions, opds, ingested_at)
SELECT issue_id, id, published_at, label, outlet, regions, opds, ingested_at
FROM {db}.mentions`,
		},
	},
	webMigration,         // store/users.go
	labelSourceMigration, // store/relabel.go
	kindMigration,        // store/relabel.go
}

// Migrate creates the database and applies every migration not yet
// recorded in {db}.schema_migrations. It is idempotent and safe to run at
// every start.
func Migrate(ctx context.Context, b Backend, log *slog.Logger) (applied int, err error) {
	db := b.Database()
	if err := ValidateDatabase(db); err != nil {
		return 0, err
	}
	if err := b.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db); err != nil {
		return 0, fmt.Errorf("creating database %s: %w", db, err)
	}
	if err := b.Exec(ctx, expand(db, `CREATE TABLE IF NOT EXISTS {db}.schema_migrations (
    version UInt32,
    name String,
    applied_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`)); err != nil {
		return 0, fmt.Errorf("creating schema_migrations: %w", err)
	}
	res, err := b.Query(ctx, expand(db, "SELECT DISTINCT version FROM {db}.schema_migrations"), nil)
	if err != nil {
		return 0, fmt.Errorf("reading applied migrations: %w", err)
	}
	done := map[int]bool{}
	for _, r := range res.Rows {
		v, err := strconv.Atoi(r[0])
		if err != nil {
			return 0, fmt.Errorf("bad migration version %q: %w", r[0], err)
		}
		done[v] = true
	}
	for _, m := range Migrations {
		if done[m.Version] {
			continue
		}
		start := time.Now()
		for _, stmt := range m.Statements {
			if err := b.Exec(ctx, expand(db, stmt)); err != nil {
				return applied, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
		// INSERT ... SELECT rather than VALUES: it needs no data blocks from
		// the client, which every backend and server version accepts.
		rec := fmt.Sprintf("INSERT INTO %s.schema_migrations (version, name, applied_at) SELECT %d, '%s', toDateTime('%s', 'UTC')",
			db, m.Version, m.Name, time.Now().UTC().Format(time.DateTime))
		if err := b.Exec(ctx, rec); err != nil {
			return applied, fmt.Errorf("recording migration %d: %w", m.Version, err)
		}
		applied++
		if log != nil {
			log.Info("migration applied", slog.Int("version", m.Version), slog.String("name", m.Name),
				slog.String("backend", b.Name()), slog.Duration("took", time.Since(start)))
		}
	}
	return applied, nil
}

func expand(db, stmt string) string { return strings.ReplaceAll(stmt, "{db}", db) }
