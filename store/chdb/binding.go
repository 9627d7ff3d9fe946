// Package chdb holds Pantau's binding to chDB (the ClickHouse engine as a
// shared library, libchdb.so) and the store backend built on it.
//
// The binding loads the library at run time with purego, so the binary
// builds and runs without the library; only opening an embedded store needs
// it. It must not hold any Pantau schema knowledge: that lives in store.
package chdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"
)

// LibEnv names the environment variable that points at libchdb.so.
const LibEnv = "PANTAU_CHDB_LIB"

// ErrLibraryNotFound is returned when libchdb.so cannot be located.
var ErrLibraryNotFound = errors.New("libchdb.so not found (run `make chdb` or set " + LibEnv + ")")

// api holds the C entry points, resolved once per process.
type api struct {
	setSignalHandlers func(enabled int32)
	connect           func(argc int32, argv unsafe.Pointer) unsafe.Pointer
	closeConn         func(conn unsafe.Pointer)
	queryN            func(conn unsafe.Pointer, query []byte, queryLen uintptr, format string, formatLen uintptr) unsafe.Pointer
	queryParamsN      func(conn unsafe.Pointer, query []byte, queryLen uintptr, format string, formatLen uintptr,
		names unsafe.Pointer, nameLens unsafe.Pointer, values unsafe.Pointer, valueLens unsafe.Pointer, count uintptr) unsafe.Pointer
	resultBuffer   func(res unsafe.Pointer) unsafe.Pointer
	resultLength   func(res unsafe.Pointer) uintptr
	resultError    func(res unsafe.Pointer) string
	resultRowsRead func(res unsafe.Pointer) uint64
	resultWritten  func(res unsafe.Pointer) uint64
	destroyResult  func(res unsafe.Pointer)
	streamInsertN  func(conn unsafe.Pointer, query []byte, queryLen uintptr, format string, formatLen uintptr) unsafe.Pointer
	streamAppend   func(stream unsafe.Pointer, data []byte, n uintptr) int32
	streamDone     func(stream unsafe.Pointer) unsafe.Pointer
	streamError    func(stream unsafe.Pointer) string
	destroyStream  func(stream unsafe.Pointer)
	version        func() string
}

var (
	loadOnce sync.Once
	loaded   *api
	loadErr  error
	libPath  string
)

// LibraryCandidates lists where the library is looked for, in order.
func LibraryCandidates() []string {
	var c []string
	if p := os.Getenv(LibEnv); p != "" {
		c = append(c, p)
	}
	if home, err := os.UserHomeDir(); err == nil {
		c = append(c, filepath.Join(home, ".cache", "pantau", "chdb", "libchdb.so"))
	}
	c = append(c, "/usr/local/lib/libchdb.so", "/usr/lib/libchdb.so")
	return c
}

func load() (*api, error) {
	loadOnce.Do(func() {
		for _, p := range LibraryCandidates() {
			if _, err := os.Stat(p); err == nil {
				libPath = p
				break
			}
		}
		if libPath == "" {
			loadErr = ErrLibraryNotFound
			return
		}
		h, err := purego.Dlopen(libPath, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			loadErr = fmt.Errorf("loading %s: %w", libPath, err)
			return
		}
		a := &api{}
		for name, fn := range map[string]any{
			"chdb_set_signal_handlers_enabled": &a.setSignalHandlers,
			"chdb_connect":                     &a.connect,
			"chdb_close_conn":                  &a.closeConn,
			"chdb_query_n":                     &a.queryN,
			"chdb_query_with_params_n":         &a.queryParamsN,
			"chdb_result_buffer":               &a.resultBuffer,
			"chdb_result_length":               &a.resultLength,
			"chdb_result_error":                &a.resultError,
			"chdb_result_rows_read":            &a.resultRowsRead,
			"chdb_result_rows_written":         &a.resultWritten,
			"chdb_destroy_query_result":        &a.destroyResult,
			"chdb_stream_insert_n":             &a.streamInsertN,
			"chdb_stream_append":               &a.streamAppend,
			"chdb_stream_done":                 &a.streamDone,
			"chdb_stream_insert_error":         &a.streamError,
			"chdb_destroy_insert_stream":       &a.destroyStream,
			"chdb_version":                     &a.version,
		} {
			sym, err := purego.Dlsym(h, name)
			if err != nil {
				loadErr = fmt.Errorf("%s lacks %s: %w", libPath, name, err)
				return
			}
			purego.RegisterFunc(fn, sym)
		}
		// The Go runtime owns signals; chDB must not install its handlers.
		a.setSignalHandlers(0)
		loaded = a
	})
	return loaded, loadErr
}

// LibraryPath returns the path of the loaded library, or "" before loading.
func LibraryPath() string { return libPath }

// Error is an error reported by the engine for one statement.
type Error struct {
	Msg  string
	Code int // ClickHouse's error code, from "Code: N." in Msg; 0 when it names none
}

func (e *Error) Error() string { return "chdb: " + e.Msg }

var codeRe = regexp.MustCompile(`Code: (\d+)\.`)

// engineError builds the Error for an engine's message.
func engineError(msg string) *Error {
	e := &Error{Msg: msg}
	if m := codeRe.FindStringSubmatch(msg); m != nil {
		e.Code, _ = strconv.Atoi(m[1]) // digits only: cannot fail
	}
	return e
}

// engine is the one chDB engine of this process. chDB supports one storage
// path per process and is meant to start once: connections are reference
// counted against it and the engine stays up while any is open.
var engine struct {
	mu    sync.Mutex
	path  string
	conns int
}

// Conn is one chDB connection. A connection runs one statement at a time;
// Conn serialises callers, and a caller waiting its turn gives up when its
// context ends.
type Conn struct {
	turn chan struct{} // holds one token while a statement runs
	a    *api
	ptr  unsafe.Pointer // chdb_connection* as returned by chdb_connect
	path string
}

// Connect opens a connection to the engine storing its data under path.
// Every open connection of a process must use the same path. settings
// are engine settings for its start (e.g. "--backups.allowed_path=DIR");
// they apply to the first connection of the process only.
func Connect(path string, settings ...string) (*Conn, error) {
	a, err := load()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", path, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("creating chdb data dir: %w", err)
	}
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.conns > 0 && engine.path != abs {
		return nil, fmt.Errorf("chdb engine already open at %s; cannot open %s in the same process", engine.path, abs)
	}
	argv := append([]string{"pantau", "--path=" + abs}, settings...)
	cargs := make([][]byte, len(argv))
	ptrs := make([]*byte, len(argv)+1)
	var pin runtime.Pinner
	defer pin.Unpin()
	for i, s := range argv {
		cargs[i] = append([]byte(s), 0)
		pin.Pin(&cargs[i][0])
		ptrs[i] = &cargs[i][0]
	}
	pin.Pin(&ptrs[0])
	p := a.connect(int32(len(argv)), unsafe.Pointer(&ptrs[0]))
	if p == nil {
		return nil, fmt.Errorf("chdb_connect failed for %s (is another process using this data dir?)", abs)
	}
	engine.conns++
	engine.path = abs
	return &Conn{turn: make(chan struct{}, 1), a: a, ptr: p, path: abs}, nil
}

// Path returns the data directory of the connection.
func (c *Conn) Path() string { return c.path }

// Version returns the engine's version string.
func (c *Conn) Version() string { return c.a.version() }

// Close closes the connection. Closing the last connection stops the engine.
func (c *Conn) Close() error {
	c.acquire(context.Background())
	defer c.release()
	if c.ptr == nil {
		return nil
	}
	c.a.closeConn(c.ptr)
	c.ptr = nil
	engine.mu.Lock()
	engine.conns--
	engine.mu.Unlock()
	return nil
}

// acquire waits for the connection's turn, or for ctx to end.
func (c *Conn) acquire(ctx context.Context) error {
	select {
	case c.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("chdb: waiting for the engine: %w", ctx.Err())
	}
}

func (c *Conn) release() { <-c.turn }

// handle returns the chdb_connection value stored behind the pointer.
func (c *Conn) handle() (unsafe.Pointer, error) {
	if c.ptr == nil {
		return nil, errors.New("chdb: connection closed")
	}
	return *(*unsafe.Pointer)(c.ptr), nil
}

// Result is the output of one statement.
type Result struct {
	Data        []byte
	RowsRead    uint64
	RowsWritten uint64
}

// Query runs one statement and returns its output in the given format
// (for example "TSVWithNames", "JSONEachRow"). params bind {name:Type}
// placeholders on the engine side; values are never interpolated.
func (c *Conn) Query(query, format string, params map[string]string) (*Result, error) {
	return c.QueryContext(context.Background(), query, format, params)
}

// QueryContext is Query bound to ctx: a caller whose context ends while it
// waits for the connection gives up, and a deadline becomes the statement's
// max_execution_time, so the engine stops a query nobody waits for.
func (c *Conn) QueryContext(ctx context.Context, query, format string, params map[string]string) (*Result, error) {
	if err := c.acquire(ctx); err != nil {
		return nil, err
	}
	defer c.release()
	h, err := c.handle()
	if err != nil {
		return nil, err
	}
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, fmt.Errorf("chdb: %w", context.DeadlineExceeded)
		}
		if _, err := c.run(h, fmt.Sprintf("SET max_execution_time = %.3f", left.Seconds()), "TSV", nil); err != nil {
			return nil, err
		}
		defer c.run(h, "SET max_execution_time = 0", "TSV", nil)
	}
	return c.run(h, query, format, params)
}

// run runs one statement; the caller holds the connection's turn.
func (c *Conn) run(h unsafe.Pointer, query, format string, params map[string]string) (*Result, error) {
	q := []byte(query)
	if len(q) == 0 {
		return nil, errors.New("chdb: empty query")
	}
	var res unsafe.Pointer
	if len(params) == 0 {
		res = c.a.queryN(h, q, uintptr(len(q)), format, uintptr(len(format)))
	} else {
		res = c.queryParams(h, q, format, params)
	}
	runtime.KeepAlive(q)
	if res == nil {
		return nil, errors.New("chdb: query returned no result")
	}
	defer c.a.destroyResult(res)
	if msg := c.a.resultError(res); msg != "" {
		return nil, engineError(msg)
	}
	out := &Result{RowsRead: c.a.resultRowsRead(res), RowsWritten: c.a.resultWritten(res)}
	if n := c.a.resultLength(res); n > 0 {
		buf := c.a.resultBuffer(res)
		out.Data = make([]byte, n)
		copy(out.Data, unsafe.Slice((*byte)(buf), n))
	}
	return out, nil
}

func (c *Conn) queryParams(h unsafe.Pointer, q []byte, format string, params map[string]string) unsafe.Pointer {
	var pin runtime.Pinner
	defer pin.Unpin()
	n := len(params)
	names := make([]*byte, 0, n)
	nameLens := make([]uintptr, 0, n)
	values := make([]*byte, 0, n)
	valueLens := make([]uintptr, 0, n)
	for k, v := range params {
		kb := append([]byte(k), 0)
		vb := append([]byte(v), 0)
		pin.Pin(&kb[0])
		pin.Pin(&vb[0])
		names = append(names, &kb[0])
		nameLens = append(nameLens, uintptr(len(k)))
		values = append(values, &vb[0])
		valueLens = append(valueLens, uintptr(len(v)))
	}
	pin.Pin(&names[0])
	pin.Pin(&values[0])
	pin.Pin(&nameLens[0])
	pin.Pin(&valueLens[0])
	return c.a.queryParamsN(h, q, uintptr(len(q)), format, uintptr(len(format)),
		unsafe.Pointer(&names[0]), unsafe.Pointer(&nameLens[0]),
		unsafe.Pointer(&values[0]), unsafe.Pointer(&valueLens[0]), uintptr(n))
}

// Insert streams data in the given input format into the INSERT statement
// (which must have no FORMAT clause). Chunks are appended as they come from
// next until it returns nil; the rows are committed only if every chunk was
// accepted.
func (c *Conn) Insert(insert, format string, next func() []byte) (uint64, error) {
	c.acquire(context.Background())
	defer c.release()
	h, err := c.handle()
	if err != nil {
		return 0, err
	}
	q := []byte(insert)
	st := c.a.streamInsertN(h, q, uintptr(len(q)), format, uintptr(len(format)))
	runtime.KeepAlive(q)
	if st == nil {
		return 0, errors.New("chdb: stream insert returned no handle")
	}
	defer c.a.destroyStream(st)
	if msg := c.a.streamError(st); msg != "" {
		return 0, engineError(msg)
	}
	for chunk := next(); chunk != nil; chunk = next() {
		if len(chunk) == 0 {
			continue
		}
		if rc := c.a.streamAppend(st, chunk, uintptr(len(chunk))); rc != 0 {
			msg := c.a.streamError(st)
			if msg == "" {
				msg = "append rejected"
			}
			return 0, engineError(msg)
		}
	}
	res := c.a.streamDone(st)
	if res == nil {
		return 0, errors.New("chdb: stream done returned no result")
	}
	defer c.a.destroyResult(res)
	if msg := c.a.resultError(res); msg != "" {
		return 0, engineError(msg)
	}
	if msg := c.a.streamError(st); msg != "" {
		return 0, engineError(msg)
	}
	return c.a.resultWritten(res), nil
}
