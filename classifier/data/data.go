// Package data holds the public datasets that `pantau train` and the
// classifier's tests read — SmSA, NusaX, CNBC headlines, the hoax set,
// IndoSum and the Colloquial Indonesian Lexicon — embedded in the binary so that a clone (or an installed
// binary) trains with nothing beside it. Each folder has its SOURCE.md and
// licence. The project's own labelled items are in package labels. This
// package holds data only: it parses nothing.
package data

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

//go:embed smsa/*.gz nusax/*.gz nusax/*.csv cnbc/*.gz hoax/*.gz indosum/*.gz colloquial/*.tsv vectors/*.gz
var files embed.FS

// FS is every data file as stored (".gz" files compressed).
var FS fs.FS = files

// Open returns the contents of a data file, decompressed when its name
// ends in ".gz".
func Open(name string) (io.ReadCloser, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("classifier data %s: %w", name, err)
	}
	if !strings.HasSuffix(name, ".gz") {
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("classifier data %s: %w", name, err)
	}
	return zr, nil
}
