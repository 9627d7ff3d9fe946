package api

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/diskominfo-kaltim/pantau/store"
)

// TestOpenAPIDescribesEveryRoute reads the routes Handler registers and
// checks that the OpenAPI file describes each, that the trend's
// dimensions and intervals are the store's, and that the analyst routes
// take the jenis and platform filters with the store's values.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	type parameter struct {
		Ref    string `yaml:"$ref"`
		Name   string
		Schema struct{ Enum []string }
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []parameter
		}
		Components struct {
			Parameters map[string]parameter
		}
	}
	if err := yaml.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	src, err := os.ReadFile("api.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`mux\.Handle(?:Func)?\("(\w+) (/api/[^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 5 {
		t.Fatalf("found only %d routes in api.go", len(routes))
	}
	for _, r := range routes {
		method, path := strings.ToLower(r[1]), r[2]
		if path == "/api/openapi.yaml" {
			continue
		}
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s %s is not in openapi.yaml", r[1], path)
		}
	}
	var words []string
	for _, w := range store.KindWords {
		words = append(words, w.Word)
	}
	for name, want := range map[string][]string{"jenis": words, "platform": store.Platforms} {
		if got := doc.Components.Parameters[name]; got.Name != name || !slices.Equal(got.Schema.Enum, want) {
			t.Errorf("parameter %s: openapi %+v, store %v", name, got, want)
		}
		for _, path := range []string{"/api/issues", "/api/issues/{id}", "/api/trend", "/api/search"} {
			if !slices.ContainsFunc(doc.Paths[path]["get"].Parameters, func(p parameter) bool { return p.Ref == "#/components/parameters/"+name }) {
				t.Errorf("%s does not describe %s", path, name)
			}
		}
	}
	for _, p := range doc.Paths["/api/trend"]["get"].Parameters {
		if p.Name == "by" && !slices.Equal(p.Schema.Enum, store.TrendDimensions) {
			t.Errorf("trend by: openapi %v, store %v", p.Schema.Enum, store.TrendDimensions)
		}
		if p.Name == "interval" && !slices.Equal(p.Schema.Enum, store.TrendIntervals) {
			t.Errorf("trend interval: openapi %v, store %v", p.Schema.Enum, store.TrendIntervals)
		}
	}
}
