package door

import (
	"fmt"
	"strings"
	"unicode"
)

// ErrReadOnly is the error for a statement the endpoint refuses.
type ErrReadOnly struct{ Reason string }

func (e *ErrReadOnly) Error() string { return e.Reason }

// readOnlyStarts are the statements the endpoint runs.
var readOnlyStarts = map[string]bool{"SELECT": true, "WITH": true, "SHOW": true, "DESC": true, "DESCRIBE": true,
	"EXISTS": true, "EXPLAIN": true}

// writeWords are keywords that only a writing statement has.
var writeWords = map[string]bool{"INSERT": true, "ALTER": true, "CREATE": true, "DROP": true, "TRUNCATE": true,
	"RENAME": true, "ATTACH": true, "DETACH": true, "OPTIMIZE": true, "SYSTEM": true, "KILL": true, "GRANT": true,
	"REVOKE": true, "DELETE": true, "UPDATE": true, "EXCHANGE": true, "UNDROP": true, "BACKUP": true, "RESTORE": true}

// outsideFunctions reach beyond the store — files, URLs, other servers,
// processes — and are refused whether used as table functions or not.
var outsideFunctions = map[string]bool{}

func init() {
	for _, f := range []string{"file", "fileCluster", "url", "urlCluster", "input", "executable", "executablePool",
		"s3", "s3Cluster", "gcs", "oss", "cosn", "hdfs", "hdfsCluster", "azureBlobStorage", "azureBlobStorageCluster",
		"iceberg", "icebergS3", "icebergAzure", "icebergHDFS", "icebergLocal", "icebergCluster", "icebergS3Cluster",
		"deltaLake", "deltaLakeCluster", "deltaLakeLocal", "deltaLakeS3", "deltaLakeAzure", "hudi", "hudiCluster",
		"mysql", "postgresql", "mongodb", "redis", "sqlite", "odbc", "jdbc", "remote", "remoteSecure", "cluster",
		"clusterAllReplicas", "python", "arrowFlight", "arrowflight", "ytsaurus", "paimon", "kafka", "loop", "merge",
		"mergeTreeIndex", "mergeTreeProjection", "mergeTreeAnalyzeIndexes", "mergeTreePartInfo", "joinGet", "joinGetOrNull"} {
		outsideFunctions[strings.ToLower(f)] = true
	}
}

// privateTables hold password and session hashes: not for the endpoint.
var privateTables = map[string]bool{"users": true, "web_sessions": true}

type token struct {
	kind byte // 'w' word, 'q' quoted identifier, 's' string, 'p' punctuation, 'n' number
	text string
}

// lex splits a query into tokens, dropping comments and whitespace.
func lex(q string) ([]token, error) {
	var out []token
	r := []rune(q)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '-' && i+1 < len(r) && r[i+1] == '-', c == '#':
			for i < len(r) && r[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(r) && r[i+1] == '*':
			end := strings.Index(string(r[i+2:]), "*/")
			if end < 0 {
				return nil, fmt.Errorf("komentar /* tidak ditutup")
			}
			i += 2 + len([]rune(string(r[i+2:])[:end])) + 2
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			var b strings.Builder
			for ; j < len(r); j++ {
				if r[j] == '\\' && j+1 < len(r) {
					j++
					b.WriteRune(r[j])
					continue
				}
				if r[j] == c {
					if j+1 < len(r) && r[j+1] == c { // doubled quote
						b.WriteRune(c)
						j++
						continue
					}
					break
				}
				b.WriteRune(r[j])
			}
			if j >= len(r) {
				return nil, fmt.Errorf("tanda kutip %c tidak ditutup", c)
			}
			kind := byte('q')
			if c == '\'' {
				kind = 's'
			}
			out = append(out, token{kind, b.String()})
			i = j + 1
		case unicode.IsLetter(c) || c == '_':
			j := i
			for j < len(r) && (unicode.IsLetter(r[j]) || unicode.IsDigit(r[j]) || r[j] == '_') {
				j++
			}
			out = append(out, token{'w', string(r[i:j])})
			i = j
		case unicode.IsDigit(c):
			j := i
			for j < len(r) && (unicode.IsLetter(r[j]) || unicode.IsDigit(r[j]) || r[j] == '.' || r[j] == '_') {
				j++
			}
			out = append(out, token{'n', string(r[i:j])})
			i = j
		default:
			out = append(out, token{'p', string(c)})
			i++
		}
	}
	return out, nil
}

// CheckReadOnly accepts one reading statement (SELECT, WITH, SHOW,
// DESCRIBE, EXISTS, EXPLAIN) that reads only the store, and returns the
// output format its FORMAT clause names ("" when none). It is a check on
// the text: it refuses writing keywords, a second statement, INTO OUTFILE,
// functions that reach files, URLs, other servers or processes, and the
// tables of users and sessions.
func CheckReadOnly(q string) (format string, err error) {
	toks, err := lex(q)
	if err != nil {
		return "", &ErrReadOnly{"query tidak dapat dibaca: " + err.Error()}
	}
	if len(toks) == 0 {
		return "", &ErrReadOnly{"query kosong"}
	}
	first := toks[0]
	if first.kind == 'p' && first.text == "(" {
		for _, t := range toks {
			if t.kind == 'w' {
				first = t
				break
			}
		}
	}
	if first.kind != 'w' || !readOnlyStarts[strings.ToUpper(first.text)] {
		return "", &ErrReadOnly{"hanya query baca (SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN) yang diterima; penyimpanan ini hanya-baca dari luar"}
	}
	for i, t := range toks {
		up := strings.ToUpper(t.text)
		switch t.kind {
		case 'p':
			if t.text == ";" && i != len(toks)-1 {
				return "", &ErrReadOnly{"hanya satu pernyataan per query"}
			}
		case 's':
			// Table functions that take a table's name as a string.
			l := strings.ToLower(t.text)
			if strings.Contains(l, "web_sessions") || strings.Contains(l, "users") {
				return "", &ErrReadOnly{"tabel pengguna dan sesi tidak dapat dibaca lewat sini"}
			}
		case 'w', 'q':
			next := ""
			if i+1 < len(toks) && toks[i+1].kind == 'p' {
				next = toks[i+1].text
			}
			// A name followed by "(" is a function call; a quoted name
			// cannot be a keyword.
			switch {
			case next == "(" && outsideFunctions[strings.ToLower(t.text)]:
				return "", &ErrReadOnly{fmt.Sprintf("fungsi %s() membaca di luar penyimpanan dan tidak diterima", t.text)}
			case privateTables[strings.ToLower(t.text)] && next != "(":
				return "", &ErrReadOnly{fmt.Sprintf("tabel %s tidak dapat dibaca lewat sini", t.text)}
			case t.kind == 'w' && writeWords[up]:
				return "", &ErrReadOnly{fmt.Sprintf("%s tidak diterima: penyimpanan ini hanya-baca dari luar", up)}
			case t.kind == 'w' && up == "OUTFILE":
				return "", &ErrReadOnly{"INTO OUTFILE tidak diterima"}
			case t.kind == 'w' && up == "FORMAT" && i+1 < len(toks) && toks[i+1].kind == 'w' && (i == 0 || toks[i-1].text != "."):
				format = toks[i+1].text
			}
		}
	}
	return format, nil
}
