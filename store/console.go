package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// The console runs an analyst's own SQL (`pantau sql`): with Pantau's
// database as the session's current database, so that
// "SELECT count() FROM mentions" works unprefixed, and read-only unless the
// analyst asked to write — enforced by the engine's readonly setting for
// that session, not by inspecting the text.

// Console is what a backend offers for analysts' own SQL.
type Console interface {
	// Console runs one statement (or several, separated by ";", on chDB)
	// and returns its output with typed values.
	Console(ctx context.Context, query string, write bool) (*Table, error)
}

// Table is a console statement's output. Values are typed as JSON reads
// them: json.Number for numbers, string (also for dates, times, UUIDs),
// bool, nil for NULL, []any for arrays and tuples, map[string]any for maps.
type Table struct {
	Columns []string
	Types   []string
	Rows    [][]any
}

// RunConsole runs query on b's console.
func RunConsole(ctx context.Context, b Backend, query string, write bool) (*Table, error) {
	c, ok := b.(Console)
	if !ok {
		return nil, fmt.Errorf("the %s backend has no console", b.Name())
	}
	return c.Console(ctx, query, write)
}

// ErrReadOnly is returned for a statement that writes (or changes the
// schema) on a read-only console.
var ErrReadOnly = errors.New("statement not allowed on a read-only console")

// MissingError names a table or database the statement needs and the
// store lacks.
type MissingError struct {
	Kind string // "table" or "database"
	Name string
	Msg  string // the engine's message
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%s %s does not exist: %s", e.Kind, e.Name, e.Msg)
}

var (
	codeRe          = regexp.MustCompile(`Code: (\d+)`)
	missingTableRe  = []*regexp.Regexp{regexp.MustCompile(`Table (\S+?)\.? does(?:n't| not) exist`), regexp.MustCompile(`Unknown table expression identifier '([^']+)'`)}
	missingDBRe     = regexp.MustCompile(`Database (\S+?)\.? does(?:n't| not) exist`)
	readOnlyCode    = 164 // READONLY
	unknownTable    = 60  // UNKNOWN_TABLE
	unknownDatabase = 81  // UNKNOWN_DATABASE
)

// ConsoleError classifies an engine error of a console statement by its
// ClickHouse code (0: read it from the message, as chDB reports it).
func ConsoleError(code int, msg string, err error) error {
	if code == 0 {
		if m := codeRe.FindStringSubmatch(msg); m != nil {
			code, _ = strconv.Atoi(m[1])
		}
	}
	switch code {
	case readOnlyCode:
		return fmt.Errorf("%w: %v", ErrReadOnly, err)
	case unknownTable:
		for _, re := range missingTableRe {
			if m := re.FindStringSubmatch(msg); m != nil {
				return &MissingError{Kind: "table", Name: m[1], Msg: msg}
			}
		}
		return &MissingError{Kind: "table", Msg: msg}
	case unknownDatabase:
		name := ""
		if m := missingDBRe.FindStringSubmatch(msg); m != nil {
			name = m[1]
		}
		return &MissingError{Kind: "database", Name: name, Msg: msg}
	}
	return err
}

// ConsoleFormat is the output format the console reads (ParseCompact).
const ConsoleFormat = "JSONCompactEachRowWithNamesAndTypes"

// ErrNotCompact is returned when a statement's output is not the console's
// format (a FORMAT clause of its own).
var ErrNotCompact = errors.New("output is not JSONCompactEachRowWithNamesAndTypes (a FORMAT clause in the statement?)")

// ParseCompact reads JSONCompactEachRowWithNamesAndTypes: a row of names,
// a row of types, then the rows, numbers kept as json.Number.
func ParseCompact(data []byte) (*Table, error) {
	t := &Table{}
	if len(bytes.TrimSpace(data)) == 0 {
		return t, nil // a statement without output
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&t.Columns) != nil || dec.Decode(&t.Types) != nil || len(t.Columns) != len(t.Types) {
		return nil, ErrNotCompact
	}
	for {
		var row []any
		err := dec.Decode(&row)
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil || len(row) != len(t.Columns) {
			return nil, fmt.Errorf("reading row %d: %w", len(t.Rows)+1, ErrNotCompact)
		}
		t.Rows = append(t.Rows, row)
	}
}
