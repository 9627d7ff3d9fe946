package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Backups use ClickHouse's own BACKUP and RESTORE (chDB, and servers from
// 22.8): a copy of each table's parts as of one moment per table, with the
// tables' definitions, written as plain files to a directory. The engine
// must have been started with that directory allowed
// (--backups.allowed_path for chDB; <backups><allowed_path> on a server).

// TableRows counts the rows of every table of the database that holds
// rows (views and Distributed tables hold none of their own), as queries
// see them: FINAL for the Replacing tables, whose background merges may
// fold a row's versions at any time (right after a restore too), so a
// backup and its restore compare equal.
func TableRows(ctx context.Context, b Backend) (map[string]uint64, error) {
	db := b.Database()
	res, err := b.Query(ctx, fmt.Sprintf("SELECT name, engine FROM system.tables WHERE database = %s AND engine LIKE '%%MergeTree' ORDER BY name", Quote(db)), nil)
	if err != nil {
		return nil, fmt.Errorf("listing the tables of %s: %w", db, err)
	}
	rows := map[string]uint64{}
	for _, r := range res.Rows {
		final := ""
		if strings.Contains(r[1], "Replacing") {
			final = " FINAL"
		}
		c, err := b.Query(ctx, fmt.Sprintf("SELECT count() FROM %s.%s%s", db, r[0], final), nil)
		if err != nil {
			return nil, fmt.Errorf("counting %s.%s: %w", db, r[0], err)
		}
		if len(c.Rows) != 1 {
			return nil, fmt.Errorf("counting %s.%s: no answer", db, r[0])
		}
		n, err := strconv.ParseUint(c.Rows[0][0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("counting %s.%s: %q: %w", db, r[0], c.Rows[0][0], err)
		}
		rows[r[0]] = n
	}
	return rows, nil
}

// DatabaseExists reports whether the backend's database exists.
func DatabaseExists(ctx context.Context, b Backend) (bool, error) {
	res, err := b.Query(ctx, "SELECT count() FROM system.databases WHERE name = "+Quote(b.Database()), nil)
	if err != nil {
		return false, err
	}
	return len(res.Rows) == 1 && res.Rows[0][0] != "0", nil
}

// BackupDatabase writes the database to dir, which must not exist yet.
func BackupDatabase(ctx context.Context, b Backend, dir string) error {
	if err := b.Exec(ctx, fmt.Sprintf("BACKUP DATABASE %s TO File(%s)", b.Database(), Quote(dir+"/"))); err != nil {
		return fmt.Errorf("backing up %s to %s: %w", b.Database(), dir, err)
	}
	return nil
}

// RestoreDatabase restores the database from, as written by
// BackupDatabase to dir, as the backend's database, which must not exist.
func RestoreDatabase(ctx context.Context, b Backend, dir, from string) error {
	if err := ValidateDatabase(from); err != nil {
		return err
	}
	if err := b.Exec(ctx, fmt.Sprintf("RESTORE DATABASE %s AS %s FROM File(%s)", from, b.Database(), Quote(dir+"/"))); err != nil {
		return fmt.Errorf("restoring %s from %s: %w", b.Database(), dir, err)
	}
	return nil
}

// DropEmptyDatabase drops the backend's database if no table holds a
// row, and reports the rows found otherwise (then nothing is dropped).
func DropEmptyDatabase(ctx context.Context, b Backend) (uint64, error) {
	rows, err := TableRows(ctx, b)
	if err != nil {
		return 0, err
	}
	var total uint64
	for _, n := range rows {
		total += n
	}
	// Tables the migrations fill themselves (the regions' reference
	// rows, the migrations' own record) do not make a store worth keeping.
	for _, name := range []string{"regions_ref", "schema_migrations"} {
		total -= rows[name]
	}
	if total > 0 {
		return total, nil
	}
	return 0, b.Exec(ctx, "DROP DATABASE IF EXISTS "+b.Database())
}
