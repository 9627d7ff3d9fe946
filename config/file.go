package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// fileValue is an option's value as written in the config file, with
// where it was written.
type fileValue struct {
	value string
	line  int
}

// readConfigFile reads a YAML file that is either a list of sources or a
// mapping of options (with an optional `sources` list or file). Every
// mistake names the file and the line: a YAML error, an empty file, an
// unknown or repeated key, a value that is not of the option's type.
func readConfigFile(path string) (map[string]fileValue, []Source, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, false, fmt.Errorf("berkas konfigurasi tidak dapat dibaca: %w", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, false, YAMLError(path, data, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind == yaml.ScalarNode && root.Content[0].Tag == "!!null" {
		return nil, nil, false, fmt.Errorf("%s: berkas konfigurasi kosong; isi opsi (poll_interval: 10m, ...) dan/atau sources:, "+
			"atau jangan pakai --config untuk memakai sumber bawaan", path)
	}
	doc := root.Content[0]
	switch doc.Kind {
	case yaml.SequenceNode:
		src, err := sourcesFromNode(path, doc)
		return nil, src, true, err
	case yaml.MappingNode:
	default:
		return nil, nil, false, fmt.Errorf("%s baris %d: isinya harus daftar opsi (nama: nilai) atau daftar sumber (- name: ...)", path, doc.Line)
	}
	vals := map[string]fileValue{}
	seen := map[string]int{}
	var src []Source
	var have bool
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		key := strings.ReplaceAll(k.Value, "_", "-")
		if prev, ok := seen[key]; ok {
			return nil, nil, false, fmt.Errorf("%s baris %d: %q sudah ditulis di baris %d", path, k.Line, k.Value, prev)
		}
		seen[key] = k.Line
		if key == "sources" && v.Kind == yaml.SequenceNode {
			if src, err = sourcesFromNode(path, v); err != nil {
				return nil, nil, false, err
			}
			have = true
			continue
		}
		o, ok := Lookup(key)
		if !ok {
			return nil, nil, false, fmt.Errorf("%s baris %d: opsi %q tidak dikenal (daftar opsi: pantau run -h)", path, k.Line, k.Value)
		}
		if v.Kind != yaml.ScalarNode {
			return nil, nil, false, fmt.Errorf("%s baris %d: opsi %q memerlukan satu nilai", path, v.Line, k.Value)
		}
		value := v.Value
		if v.Tag == "!!null" {
			value = ""
		}
		if err := o.set(&Config{}, value); err != nil {
			return nil, nil, false, fmt.Errorf("%s baris %d: %w", path, v.Line, err)
		}
		vals[key] = fileValue{value, v.Line}
	}
	if s, ok := vals["sources"]; ok && s.value != "" && !filepath.IsAbs(s.value) {
		vals["sources"] = fileValue{filepath.Join(filepath.Dir(path), s.value), s.line}
	}
	return vals, src, have, nil
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line \d+: )?`)

// yamlWords put the YAML parser's commonest complaints in Bahasa Indonesia.
var yamlWords = []struct{ en, id string }{
	{"found a tab character that violates indentation", "karakter tab untuk indentasi; pakai spasi"},
	{"found character that cannot start any token", "karakter yang tidak boleh mengawali nilai (apit nilainya dengan tanda kutip)"},
	{"mapping values are not allowed in this context", "titik dua di tempat yang salah (indentasi tidak sejajar, atau nilai yang memuat \": \" perlu diapit tanda kutip)"},
	{"did not find expected key", "indentasi tidak sejajar dengan baris sebelumnya"},
	{"did not find expected '-' indicator", "butir daftar harus diawali \"- \" sejajar dengan butir lainnya"},
	{"found unexpected end of stream", "tanda kutip tidak ditutup"},
	{"did not find expected ',' or ']'", "kurung [ tidak ditutup"},
	{"did not find expected ',' or '}'", "kurung { tidak ditutup"},
	{"found unknown escape character", "urutan \\ tidak dikenal di dalam tanda kutip ganda (pakai tanda kutip tunggal)"},
}

// YAMLError reports a YAML syntax error in the file name with the line
// where the mistake is. The parser names the line where the enclosing
// block began (line 1 for a mistake on line 4 of a mapping); the line
// reported here is the first one from which no prefix of the file parses.
func YAMLError(name string, data []byte, err error) error {
	msg := yamlLine.ReplaceAllString(err.Error(), "")
	for _, w := range yamlWords {
		if msg == w.en {
			msg = w.id
			break
		}
	}
	if line := problemLine(data); line > 0 {
		return fmt.Errorf("%s baris %d: YAML tidak valid: %s", name, line, msg)
	}
	return fmt.Errorf("%s: YAML tidak valid: %s", name, msg)
}

// problemLine is the first line of data from which every longer prefix
// fails to parse, or 0 when that cannot be told (a very long file).
func problemLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 2000 {
		return 0
	}
	for k := len(lines) - 1; k >= 0; k-- {
		var n yaml.Node
		if yaml.Unmarshal(bytes.Join(lines[:k], nil), &n) == nil {
			return k + 1
		}
	}
	return 0
}

var yamlTypeError = regexp.MustCompile("line (\\d+): cannot unmarshal !!\\w+(?: `([^`]*)`)? into (\\S+)")

// yamlTypes names in Bahasa Indonesia what a source's fields take.
var yamlTypes = map[string]string{
	"int":           "bilangan bulat",
	"bool":          "true atau false",
	"*bool":         "true atau false",
	"time.Duration": "durasi (contoh: 10m, 1h)",
	"[]string":      "daftar (butir \"- ...\" atau [a, b])",
	"string":        "satu nilai teks",
}

// decodeError reports a value of the wrong type in the file name at the
// value's own line, in Bahasa Indonesia; line (the item's) is used when
// the parser names none.
func decodeError(name string, line int, err error) error {
	m := yamlTypeError.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s baris %d: nilai tidak valid: %s", name, line, yamlLine.ReplaceAllString(err.Error(), ""))
	}
	want := yamlTypes[m[3]]
	if want == "" {
		want = m[3]
	}
	if m[2] == "" {
		return fmt.Errorf("%s baris %s: nilainya harus %s", name, m[1], want)
	}
	return fmt.Errorf("%s baris %s: %q bukan %s", name, m[1], m[2], want)
}
