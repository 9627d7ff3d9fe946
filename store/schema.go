package store

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
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

// Migrations is the schema's history. Append only: never change what a
// migration that has shipped does (making a statement idempotent is not a
// change). Every statement must be safe to run twice (see migrate).
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
		// for the dashboards' map. The INSERT skips the names already there,
		// so a run interrupted before its record does not add them twice
		// (the rows it writes are the same as before).
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
    ]) AS r)
WHERE tupleElement(r, 1) NOT IN (SELECT name FROM {db}.regions_ref)`,
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
	{
		// What an item is (berita, rilis, sosmed), where a social item was
		// posted, by whom, what it answers and its reach; how sure the
		// model was and who set the label (model, or an analyst). The
		// columns analysts filter on go to mention_facts as well, and its
		// view is created again to fill them: dropped, created with the new
		// columns, then the rows that reached mentions since the last one
		// the old view copied (none on one box: the writer waits for the
		// migrations) are copied from mentions; copies collapse under FINAL.
		// Rows stored before this migration keep the defaults in both
		// tables. kind is also what a later retention rule (a TTL by kind,
		// on engines with TTL) can use.
		Version: 8,
		Name:    "item_kind_and_label_source",
		Statements: []string{
			`ALTER TABLE {db}.mentions ADD COLUMN kind String DEFAULT 'berita', ADD COLUMN platform String DEFAULT '',
    ADD COLUMN author_handle String DEFAULT '', ADD COLUMN parent_id String DEFAULT '',
    ADD COLUMN likes UInt64 DEFAULT 0, ADD COLUMN comments UInt64 DEFAULT 0, ADD COLUMN shares UInt64 DEFAULT 0,
    ADD COLUMN views UInt64 DEFAULT 0, ADD COLUMN confidence Float32 DEFAULT 0, ADD COLUMN label_source String DEFAULT 'model',
    ADD COLUMN labeled_by String DEFAULT '', ADD COLUMN labeled_at DateTime('UTC') DEFAULT toDateTime(0, 'UTC')`,
			`ALTER TABLE {db}.mention_facts ADD COLUMN kind String DEFAULT 'berita', ADD COLUMN platform String DEFAULT '',
    ADD COLUMN confidence Float32 DEFAULT 0, ADD COLUMN label_source String DEFAULT 'model'`,
			`DROP TABLE IF EXISTS {db}.mention_facts_mv`,
			`CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.mention_facts_mv TO {db}.mention_facts AS
SELECT issue_id, id, published_at, label, outlet, regions, opds, ingested_at, kind, platform, confidence, label_source
FROM {db}.mentions`,
			`INSERT INTO {db}.mention_facts (issue_id, id, published_at, label, outlet, regions, opds, ingested_at, kind, platform, confidence, label_source)
SELECT issue_id, id, published_at, label, outlet, regions, opds, ingested_at, kind, platform, confidence, label_source
FROM {db}.mentions
WHERE ingested_at + 3600 >= (SELECT max(ingested_at) FROM {db}.mention_facts)`,
		},
	},
	webMigration, // store/users.go
}

// migrationsTable records the applied migrations, one row per version.
const migrationsTable = `CREATE TABLE IF NOT EXISTS {db}.schema_migrations (
    version UInt32,
    name String,
    applied_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`

// Migrate creates the database and applies every migration not yet
// recorded in {db}.schema_migrations. It is idempotent and safe to run at
// every start, and it repairs a migration a crash left half applied (see
// migrate).
func Migrate(ctx context.Context, b Backend, log *slog.Logger) (applied int, err error) {
	return migrate(ctx, b, "", 0, log)
}

// MigrateTo applies the migrations up to version and no further: the
// store as an older Pantau left it, for tests of upgrades.
func MigrateTo(ctx context.Context, b Backend, version int, log *slog.Logger) (int, error) {
	if version <= 0 {
		return 0, fmt.Errorf("migrating to version %d", version)
	}
	return migrate(ctx, b, "", version, log)
}

// MigrateCluster applies the migrations not yet recorded, in cluster form
// (ClusterStatements), on the cluster named.
func MigrateCluster(ctx context.Context, b Backend, cluster string, log *slog.Logger) (int, error) {
	return migrate(ctx, b, cluster, 0, log)
}

// migrate is the one migration runner. A migration is recorded with one
// row, after all its statements ran; a crash before that leaves it
// unrecorded, and the next run applies it again. So every statement must
// be idempotent: CREATE … IF NOT EXISTS, DROP … IF EXISTS, inserts that
// skip what is there (or that FINAL collapses), and ADD COLUMN — which
// ClickHouse 18.16 cannot write as IF NOT EXISTS — drops the columns
// system.columns already lists (addMissingColumns).
// upTo, when above zero, stops after that version (tests of upgrades).
func migrate(ctx context.Context, b Backend, cluster string, upTo int, log *slog.Logger) (applied int, err error) {
	db := b.Database()
	if err := ValidateDatabase(db); err != nil {
		return 0, err
	}
	form := func(stmt string) ([]string, error) {
		if cluster == "" {
			return []string{expand(db, stmt)}, nil
		}
		return ClusterStatements(stmt, db, cluster)
	}
	run := func(stmt string) error {
		ss, err := form(stmt)
		if err != nil {
			return err
		}
		for _, s := range ss {
			s, err := addMissingColumns(ctx, b, s)
			if err != nil {
				return err
			}
			if s == "" {
				continue // every column is there
			}
			if err := b.Exec(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", firstLine(s), err)
			}
		}
		return nil
	}
	for _, stmt := range []string{"CREATE DATABASE IF NOT EXISTS {db}", migrationsTable} {
		if err := run(stmt); err != nil {
			return 0, fmt.Errorf("preparing migrations: %w", err)
		}
	}
	done, err := appliedMigrations(ctx, b)
	if err != nil {
		return 0, err
	}
	for _, m := range Migrations {
		if done[m.Version] || (upTo > 0 && m.Version > upTo) {
			continue
		}
		start := time.Now()
		for _, stmt := range m.Statements {
			if err := run(stmt); err != nil {
				return applied, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
		// INSERT ... SELECT rather than VALUES: it needs no data blocks from
		// the client, which every backend and server version accepts. One
		// row: it is there or it is not.
		rec := fmt.Sprintf("INSERT INTO %s.schema_migrations (version, name, applied_at) SELECT %d, %s, toDateTime(%s, 'UTC')",
			db, m.Version, Quote(m.Name), Quote(dt(time.Now())))
		if err := b.Exec(ctx, rec); err != nil {
			return applied, fmt.Errorf("recording migration %d: %w", m.Version, err)
		}
		applied++
		if log != nil {
			log.Info("migration applied", slog.Int("version", m.Version), slog.String("name", m.Name),
				slog.String("backend", b.Name()), slog.String("cluster", cluster), slog.Duration("took", time.Since(start)))
		}
	}
	return applied, nil
}

// appliedMigrations reads the versions recorded in schema_migrations.
func appliedMigrations(ctx context.Context, b Backend) (map[int]bool, error) {
	res, err := b.Query(ctx, "SELECT DISTINCT version FROM "+b.Database()+".schema_migrations", nil)
	if err != nil {
		return nil, fmt.Errorf("reading applied migrations: %w", err)
	}
	done := map[int]bool{}
	for i := range res.Rows {
		var v int
		if err := res.Scan(i, &v); err != nil {
			return nil, fmt.Errorf("reading applied migrations: %w", err)
		}
		done[v] = true
	}
	return done, nil
}

var (
	addColumnsRe = regexp.MustCompile(`(?s)^(ALTER TABLE (\w+)\.(\w+)(?: ON CLUSTER \S+)?) ADD COLUMN (.*)$`)
	nextColumnRe = regexp.MustCompile(`,\s*ADD COLUMN\s+`)
)

// addMissingColumns returns an ALTER TABLE … ADD COLUMN statement without
// the columns the table already has ("" when it has them all); any other
// statement as it is.
func addMissingColumns(ctx context.Context, b Backend, stmt string) (string, error) {
	m := addColumnsRe.FindStringSubmatch(stmt)
	if m == nil {
		return stmt, nil
	}
	head, db, table, clauses := m[1], m[2], m[3], nextColumnRe.Split(m[4], -1)
	res, err := b.Query(ctx, fmt.Sprintf("SELECT name FROM system.columns WHERE database = %s AND table = %s", Quote(db), Quote(table)), nil)
	if err != nil {
		return "", fmt.Errorf("reading the columns of %s.%s: %w", db, table, err)
	}
	have := map[string]bool{}
	for i := range res.Rows {
		var name string
		if err := res.Scan(i, &name); err != nil {
			return "", err
		}
		have[name] = true
	}
	var missing []string
	for _, c := range clauses {
		name, _, _ := strings.Cut(strings.TrimSpace(c), " ")
		if !have[strings.Trim(name, "`")] {
			missing = append(missing, strings.TrimSpace(c))
		}
	}
	if len(missing) == 0 {
		return "", nil
	}
	return head + " ADD COLUMN " + strings.Join(missing, ", ADD COLUMN "), nil
}

func expand(db, stmt string) string { return strings.ReplaceAll(stmt, "{db}", db) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// writtenTables are the tables Pantau inserts into.
var writtenTables = []string{"mentions", "mention_facts", "issues", "label_corrections", "reports_sent", "schema_migrations",
	"users", "web_sessions", "audit_log"}

// SyncInserts sets whether an insert into the embedded store is fsynced
// (its part files and directory) before it returns, so that what the
// writer acknowledged survives a power loss. The setting is kept with the
// tables. It needs MergeTree's fsync settings (chDB; servers from 20.x);
// a server's own configuration decides there.
func SyncInserts(ctx context.Context, b Backend, on bool) error {
	v := 0
	if on {
		v = 1
	}
	for _, t := range writtenTables {
		if err := b.Exec(ctx, fmt.Sprintf("ALTER TABLE %s.%s MODIFY SETTING fsync_after_insert = %d, fsync_part_directory = %d", b.Database(), t, v, v)); err != nil {
			return fmt.Errorf("setting fsync on %s: %w", t, err)
		}
	}
	return nil
}
