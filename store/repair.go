package store

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
)

// Repairing the schema: Migrate applies what is not recorded, but a table
// dropped after its migration was recorded (DROP TABLE pantau.issues) stays
// missing. Check finds such tables and views; Repair makes each again in
// its final shape and fills again what can be filled from the rest.

var (
	repairCreateRe = regexp.MustCompile(`^\s*CREATE\s+(?:TABLE|MATERIALIZED\s+VIEW|VIEW)\s+IF\s+NOT\s+EXISTS\s+\{db\}\.(\w+)`)
	repairAlterRe  = regexp.MustCompile(`^\s*ALTER\s+TABLE\s+\{db\}\.(\w+)\s+ADD\s+COLUMN`)
	repairInsertRe = regexp.MustCompile(`^\s*INSERT\s+INTO\s+\{db\}\.(\w+)`)
	viewToRe       = regexp.MustCompile(`(?s)^\s*CREATE\s+MATERIALIZED\s+VIEW\s+IF\s+NOT\s+EXISTS\s+\{db\}\.(\w+)\s+TO\s+\{db\}\.(\w+)\s+AS\s+SELECT\s+(.*?)\s+FROM\s+\{db\}\.(\w+)\s*$`)
	schemaName     = regexp.MustCompile(`^\w+$`)
)

// schemaObject is a table or view some migration creates, as the last
// migration that touches it leaves it.
type schemaObject struct {
	name   string
	create string   // the last statement that creates it
	alters []string // ADD COLUMN statements after that create
	fills  []string // INSERTs that fill it again (from a view's source, or fixed rows)
	view   *viewOf  // for a materialized view: what it copies where
	order  int      // position of its create among all statements
}

type viewOf struct {
	target, source, columns string
}

// schemaObjects reads the migrations: every table and view they create.
func schemaObjects() map[string]*schemaObject {
	objs := map[string]*schemaObject{}
	n := 0
	for _, m := range Migrations {
		for _, stmt := range m.Statements {
			n++
			if c := repairCreateRe.FindStringSubmatch(stmt); c != nil {
				o := &schemaObject{name: c[1], create: stmt, order: n}
				if v := viewToRe.FindStringSubmatch(stmt); v != nil {
					o.view = &viewOf{target: v[2], columns: v[3], source: v[4]}
				}
				objs[c[1]] = o // a later create (a view made again) replaces the earlier
				continue
			}
			if a := repairAlterRe.FindStringSubmatch(stmt); a != nil && objs[a[1]] != nil {
				objs[a[1]].alters = append(objs[a[1]].alters, stmt)
				continue
			}
			if i := repairInsertRe.FindStringSubmatch(stmt); i != nil && objs[i[1]] != nil {
				objs[i[1]].fills = append(objs[i[1]].fills, stmt)
			}
		}
	}
	// A table a view fills is filled again by the view's own query, in
	// full (copies of rows still there collapse, being the same); its
	// migrations' backfills, written for the moment they ran, are not.
	for _, o := range objs {
		if o.view == nil || objs[o.view.target] == nil {
			continue
		}
		objs[o.view.target].fills = []string{fmt.Sprintf("INSERT INTO {db}.%s (%s) SELECT %s FROM {db}.%s",
			o.view.target, o.view.columns, o.view.columns, o.view.source)}
	}
	return objs
}

// Check lists the tables and views of Pantau's schema missing from the
// store, sorted.
func Check(ctx context.Context, b Backend) ([]string, error) {
	have, err := existingTables(ctx, b)
	if err != nil {
		return nil, err
	}
	var missing []string
	for name := range schemaObjects() {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	return missing, nil
}

func existingTables(ctx context.Context, b Backend) (map[string]bool, error) {
	// Quoted rather than bound: ClickHouse 18.16 binds no parameters.
	res, err := b.Query(ctx, "SELECT name FROM system.tables WHERE database = "+Quote(b.Database()), nil)
	if err != nil {
		return nil, fmt.Errorf("listing the tables of %s: %w", b.Database(), err)
	}
	have := map[string]bool{}
	for i := range res.Rows {
		var name string
		if err := res.Scan(i, &name); err != nil {
			return nil, err
		}
		have[name] = true
	}
	return have, nil
}

// Repaired is what Repair made again.
type Repaired struct {
	Name   string
	View   bool // a materialized view (it holds no rows of its own)
	Filled bool // its rows were filled again (from a view's source, or its fixed rows)
}

// Repair applies the pending migrations, then makes every missing table
// and view again in its final shape (its last create, the columns added
// since) and fills again what can be filled: a table a materialized view
// fills, from the view's source, and tables with fixed rows. The view is
// made again too when its source or target was (it would copy into a
// table that is gone). Rows of other tables are lost with them; the
// tables come back empty. One node only (a cluster: migrate --cluster).
func Repair(ctx context.Context, b Backend, log *slog.Logger) ([]Repaired, error) {
	if _, err := Migrate(ctx, b, log); err != nil {
		return nil, err
	}
	missing, err := Check(ctx, b)
	if err != nil || len(missing) == 0 {
		return nil, err
	}
	objs := schemaObjects()
	redo := map[string]bool{}
	for _, m := range missing {
		redo[m] = true
	}
	for _, o := range objs {
		if o.view != nil && (redo[o.view.target] || redo[o.view.source]) {
			redo[o.name] = true
		}
	}
	var todo []*schemaObject
	for name := range redo {
		todo = append(todo, objs[name])
	}
	// Tables before views, each in the order the migrations made them.
	sort.Slice(todo, func(i, j int) bool {
		if (todo[i].view == nil) != (todo[j].view == nil) {
			return todo[i].view == nil
		}
		return todo[i].order < todo[j].order
	})
	db := b.Database()
	exec := func(stmt string) error {
		s, err := addMissingColumns(ctx, b, expand(db, stmt))
		if err != nil || s == "" {
			return err
		}
		if err := b.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstLine(s), err)
		}
		return nil
	}
	var out []Repaired
	for _, o := range todo {
		if !schemaName.MatchString(o.name) {
			return out, fmt.Errorf("odd object name %q in the migrations", o.name)
		}
		if o.view != nil {
			// A view left behind by its table points at nothing.
			if err := b.Exec(ctx, fmt.Sprintf("DROP TABLE IF EXISTS %s.%s", db, o.name)); err != nil {
				return out, err
			}
		}
		for _, stmt := range append([]string{o.create}, o.alters...) {
			if err := exec(stmt); err != nil {
				return out, fmt.Errorf("repairing %s: %w", o.name, err)
			}
		}
		out = append(out, Repaired{Name: o.name, View: o.view != nil})
	}
	// Filled once every table and view is back: a view's target from its
	// source (rows that arrived while the view was missing included).
	for i, r := range out {
		o := objs[r.Name]
		fills := o.fills
		if o.view != nil && !redo[o.view.target] {
			fills = objs[o.view.target].fills
		}
		for _, stmt := range fills {
			if err := exec(stmt); err != nil {
				return out, fmt.Errorf("filling %s: %w", r.Name, err)
			}
		}
		out[i].Filled = len(fills) > 0
		if log != nil {
			log.Info("schema object made again", slog.String("name", r.Name), slog.Bool("filled", out[i].Filled))
		}
	}
	return out, nil
}

// Objects lists the tables and views of Pantau's schema, sorted.
func Objects() []string {
	var out []string
	for name := range schemaObjects() {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
