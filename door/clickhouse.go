package door

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/ch-go/compress"
	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
	"github.com/andybalholm/brotli"
)

// FormatQuerier is a store that answers a query in any of ClickHouse's
// output formats (the embedded chDB store).
type FormatQuerier interface {
	QueryFormat(ctx context.Context, query, format string, params map[string]string) ([]byte, error)
}

// ClickHouse is a read-only ClickHouse HTTP interface over an embedded
// store, enough for Grafana's ClickHouse data source (HTTP protocol) and
// clickhouse-go/v2's HTTP client: the query in the URL or the body,
// {name:Type} parameters as param_name, the output format from
// default_format or a FORMAT clause, Native blocks in the client's
// protocol revision, LZ4/ZSTD block compression and gzip/deflate/br, and
// ClickHouse's error form. Every statement passes CheckReadOnly first.
type ClickHouse struct {
	Store FormatQuerier
	// Allow says whether a user name and password (Basic auth,
	// X-ClickHouse-User/Key, or user/password parameters; a bearer token
	// arrives as the password) may query.
	Allow func(ctx context.Context, user, password string) bool
	Log   *slog.Logger
}

// ClickHouse error codes the endpoint answers with.
const (
	codeSyntax        = 62
	codeUnknownTable  = 60
	codeUnknownDB     = 81
	codeReadonly      = 164
	codeAuthFailed    = 516
	codeUnknownFormat = 73
	codeBadArguments  = 36
)

var codeRe = regexp.MustCompile(`Code: (\d+)\.`)

// chError writes an error the way ClickHouse's HTTP interface does.
func chError(w http.ResponseWriter, code int, name, msg string) {
	status := http.StatusInternalServerError
	switch code {
	case codeSyntax, codeBadArguments, codeUnknownFormat:
		status = http.StatusBadRequest
	case codeUnknownTable, codeUnknownDB:
		status = http.StatusNotFound
	case codeReadonly:
		status = http.StatusForbidden
	case codeAuthFailed:
		status = http.StatusUnauthorized
	}
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.Header().Set("X-ClickHouse-Exception-Code", strconv.Itoa(code))
	w.WriteHeader(status)
	if strings.HasPrefix(msg, "Code: ") {
		fmt.Fprintln(w, msg)
		return
	}
	fmt.Fprintf(w, "Code: %d. DB::Exception: %s. (%s)\n", code, strings.TrimSuffix(msg, "."), name)
}

// credentials reads the user and password a ClickHouse client sends.
func credentials(r *http.Request) (string, string) {
	if u := r.Header.Get("X-ClickHouse-User"); u != "" {
		return u, r.Header.Get("X-ClickHouse-Key")
	}
	if u, p, ok := r.BasicAuth(); ok {
		return u, p
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return "", tok
	}
	q := r.URL.Query()
	return q.Get("user"), q.Get("password")
}

func (h *ClickHouse) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/ping") {
		fmt.Fprint(w, "Ok.\n")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		chError(w, codeReadonly, "READONLY", "hanya GET dan POST")
		return
	}
	user, pw := credentials(r)
	if h.Allow == nil || !h.Allow(r.Context(), user, pw) {
		w.Header().Set("WWW-Authenticate", `Basic realm="pantau"`)
		chError(w, codeAuthFailed, "AUTHENTICATION_FAILED", user+": nama pengguna atau kata sandi salah")
		return
	}
	q := r.URL.Query()
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		chError(w, codeBadArguments, "BAD_ARGUMENTS", "membaca query: "+err.Error())
		return
	}
	if q.Get("decompress") == "1" && len(body) > 0 {
		chError(w, codeBadArguments, "BAD_ARGUMENTS", "badan permintaan terkompresi tidak diterima (hanya query baca)")
		return
	}
	query := q.Get("query")
	if len(body) > 0 {
		if query != "" {
			query += "\n"
		}
		query += string(body)
	}
	clauseFormat, err := CheckReadOnly(query)
	if err != nil {
		chError(w, codeReadonly, "READONLY", "Pantau: "+err.Error())
		return
	}
	params := map[string]string{}
	for k, v := range q {
		if name, ok := strings.CutPrefix(k, "param_"); ok && len(v) > 0 {
			params[name] = v[0]
		}
	}
	format := q.Get("default_format")
	if format == "" {
		format = "TabSeparated"
	}
	if clauseFormat != "" {
		format = clauseFormat
	}
	start := time.Now()
	out, err := h.Store.QueryFormat(r.Context(), query, format, params)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "chdb: ")
		code := 0
		if m := codeRe.FindStringSubmatch(msg); m != nil {
			code, _ = strconv.Atoi(m[1])
		}
		if code == 0 {
			code = 1002 // UNKNOWN_EXCEPTION
		}
		chError(w, code, "", msg)
		return
	}
	revision, _ := strconv.ParseUint(q.Get("client_protocol_version"), 10, 64)
	if clauseFormat == "" && format == "Native" && revision > 0 {
		if out, err = nativeForRevision(out, revision); err != nil {
			h.logError("converting Native blocks", err)
			chError(w, 1002, "UNKNOWN_EXCEPTION", "Pantau: "+err.Error())
			return
		}
		if q.Get("compress") == "1" {
			method := compress.LZ4
			if strings.EqualFold(q.Get("network_compression_method"), "ZSTD") {
				method = compress.ZSTD
			}
			if out, err = compressBlocks(out, method); err != nil {
				chError(w, 1002, "UNKNOWN_EXCEPTION", "Pantau: "+err.Error())
				return
			}
		}
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType(format))
	hd.Set("X-ClickHouse-Format", format)
	hd.Set("X-ClickHouse-Timezone", "UTC")
	hd.Set("X-ClickHouse-Server-Display-Name", "pantau")
	if id := q.Get("query_id"); id != "" {
		hd.Set("X-ClickHouse-Query-Id", id)
	}
	hd.Set("X-ClickHouse-Summary", fmt.Sprintf(`{"elapsed_ns":"%d"}`, time.Since(start).Nanoseconds()))
	writeEncoded(w, r, out)
}

func (h *ClickHouse) logError(what string, err error) {
	if h.Log != nil {
		h.Log.Error("clickhouse endpoint: "+what, slog.Any("error", err))
	}
}

func contentType(format string) string {
	switch f := strings.ToLower(format); {
	case strings.HasPrefix(f, "json"):
		return "application/json; charset=UTF-8"
	case strings.HasPrefix(f, "tabseparated"), strings.HasPrefix(f, "tsv"):
		return "text/tab-separated-values; charset=UTF-8"
	case strings.HasPrefix(f, "csv"):
		return "text/csv; charset=UTF-8"
	case strings.HasPrefix(f, "pretty"), f == "values", f == "vertical", f == "markdown":
		return "text/plain; charset=UTF-8"
	}
	return "application/octet-stream"
}

// writeEncoded writes the body, compressed as the client accepts when it
// asked for HTTP compression.
func writeEncoded(w http.ResponseWriter, r *http.Request, out []byte) {
	enc := ""
	if r.URL.Query().Get("enable_http_compression") == "1" || r.Header.Get("Accept-Encoding") != "" {
		for _, e := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
			e = strings.TrimSpace(strings.SplitN(e, ";", 2)[0])
			if e == "gzip" || e == "deflate" || e == "br" {
				enc = e
				break
			}
		}
	}
	var zw io.WriteCloser
	switch enc {
	case "gzip":
		zw = gzip.NewWriter(w)
	case "deflate":
		zw = zlib.NewWriter(w)
	case "br":
		zw = brotli.NewWriter(w)
	}
	if zw == nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.Write(out)
		return
	}
	w.Header().Set("Content-Encoding", enc)
	zw.Write(out)
	zw.Close()
}

// nativeForRevision re-encodes the engine's Native output (written for a
// client of revision 0: no block info, no serialization flags) for a
// client of the given protocol revision, as a ClickHouse server does for
// its HTTP clients.
func nativeForRevision(data []byte, revision uint64) ([]byte, error) {
	r := chproto.NewReader(bytes.NewReader(data))
	var out chproto.Buffer
	for {
		blk := proto.Block{ServerContext: &column.ServerContext{Revision: revision, Timezone: time.UTC}}
		if err := blk.Decode(r, 0); err != nil {
			if errors.Is(err, io.EOF) {
				return out.Buf, nil
			}
			return nil, fmt.Errorf("reading a Native block: %w", err)
		}
		if err := blk.Encode(&out, revision); err != nil {
			return nil, fmt.Errorf("writing a Native block: %w", err)
		}
	}
}

// compressBlocks compresses Native output as ClickHouse's compress=1 does:
// one compressed frame per block of at most 1 MiB.
func compressBlocks(data []byte, m compress.Method) ([]byte, error) {
	cw := compress.NewWriter(compress.LevelZero, m)
	var out []byte
	for len(data) > 0 {
		n := min(len(data), 1<<20)
		if err := cw.Compress(data[:n]); err != nil {
			return nil, err
		}
		out = append(out, cw.Data...)
		data = data[n:]
	}
	return out, nil
}

// TokenAllows is an Allow function that accepts any user with one of the
// tokens as password.
func TokenAllows(tokens ...string) func(ctx context.Context, user, password string) bool {
	return func(_ context.Context, _, password string) bool {
		for _, t := range tokens {
			if t != "" && subtle.ConstantTimeCompare([]byte(password), []byte(t)) == 1 {
				return true
			}
		}
		return false
	}
}
