package spec_test

import (
	"flag"
	"os"
	"testing"

	"github.com/daggercheck/daggercheck/spec"
)

var rewrite = flag.Bool("rewrite", false, "rewrite docs/properties.md from the catalogue")

func TestPropertiesDocIsCurrent(t *testing.T) {
	const path = "../docs/properties.md"
	want := spec.PropertiesMarkdown()
	if *rewrite {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("%s is not generated from the catalogue (%v); run go test ./spec -rewrite", path, err)
	}
}

func TestCatalogueIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range spec.Catalogue() {
		key := string(p.Level) + "/" + p.Name
		if seen[key] || p.Name == "" || p.Description == "" {
			t.Fatalf("%s: repeated or empty entry", key)
		}
		seen[key] = true
		switch p.Kind {
		case "always", "sometimes", "eventually", "leads-to":
		default:
			t.Fatalf("%s: kind %q", key, p.Kind)
		}
		if spec.Lookup(p.Level, p.Name) != p {
			t.Fatalf("%s: Lookup disagrees", key)
		}
	}
}
