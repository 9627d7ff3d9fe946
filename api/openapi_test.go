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
// checks that the OpenAPI file describes each, and that the trend's
// dimensions and intervals are the store's.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string
				Schema struct{ Enum []string }
			}
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
	for _, p := range doc.Paths["/api/trend"]["get"].Parameters {
		if p.Name == "by" && !slices.Equal(p.Schema.Enum, store.TrendDimensions) {
			t.Errorf("trend by: openapi %v, store %v", p.Schema.Enum, store.TrendDimensions)
		}
		if p.Name == "interval" && !slices.Equal(p.Schema.Enum, store.TrendIntervals) {
			t.Errorf("trend interval: openapi %v, store %v", p.Schema.Enum, store.TrendIntervals)
		}
	}
}
