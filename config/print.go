package config

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Print writes the effective config as a YAML file that Load reads back
// to the same config: every option (except the config file's own path),
// then the sources — a `sources:` file, or the list with the fields each
// source sets. Secrets, and values that carry credentials (a NATS URL with
// a password), are not written: they appear masked in comments, to be set
// through PANTAU_<NAME> or PANTAU_<NAME>_FILE.
func (c *Config) Print() string {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) {
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	var withheld []string
	for _, o := range Options {
		if o.Name == "config" || o.Name == "sources" {
			continue
		}
		key := strings.ReplaceAll(o.Name, "-", "_")
		v := o.get(c)
		switch {
		case o.Secret && v != "":
			withheld = append(withheld, fmt.Sprintf("# %s: %s   (tidak ditulis: isi lewat %s atau %s_FILE)", key, MaskSecret(v), o.Env(), o.Env()))
			continue
		case Redact(v) != v:
			withheld = append(withheld, fmt.Sprintf("# %s: %s   (tidak ditulis, memuat kata sandi: isi lewat %s)", key, Redact(v), o.Env()))
			continue
		}
		add(key, scalar(v))
	}
	var note string
	if c.SourcesFile != "" {
		path, err := filepath.Abs(c.SourcesFile)
		if err != nil {
			path = c.SourcesFile
		}
		add("sources", scalar(path))
		note = fmt.Sprintf("# %d sumber dari berkas %s\n", len(c.Sources), path)
	} else {
		list := &yaml.Node{Kind: yaml.SequenceNode}
		for _, s := range c.Sources {
			list.Content = append(list.Content, sourceNode(s))
		}
		add("sources", list)
		note = fmt.Sprintf("# %d sumber\n", len(c.Sources))
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		// A tree of plain scalars always encodes.
		panic(fmt.Sprintf("config: encoding the effective config: %v", err))
	}
	var b strings.Builder
	b.WriteString("# Konfigurasi efektif Pantau (pantau config).\n")
	for _, w := range withheld {
		b.WriteString(w + "\n")
	}
	b.WriteString(note)
	b.WriteString(out.String())
	return b.String()
}

// scalar is v as a YAML scalar that reads back as v: plain where YAML
// allows, quoted where it would read as null.
func scalar(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: v}
	switch v {
	case "", "~", "null", "Null", "NULL":
		n.Tag = "!!str"
	}
	return n
}

// sourceNode is a source as the sources file writes it: the fields it
// sets, in the struct's order, zero values left out.
func sourceNode(s Source) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	v := reflect.ValueOf(s)
	for i := 0; i < v.NumField(); i++ {
		key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		f := v.Field(i)
		if key == "" || key == "-" || f.IsZero() {
			continue
		}
		var val yaml.Node
		if err := val.Encode(f.Interface()); err != nil {
			panic(fmt.Sprintf("config: encoding %s of source %q: %v", key, s.Name, err))
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &val)
	}
	return n
}
