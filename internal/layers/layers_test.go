package layers_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/daggercheck/daggercheck/"

// allowed lists, for a package or a folder of packages ("impl/..."), the
// project packages its code (not its tests) may import. The most
// specific entry applies; {name} is the package's own name, so that
// bridge/ring may import model/ring and not model/nic.
var allowed = map[string][]string{
	"spec":              nil,
	"checker":           nil,
	"internal/...":      {"internal/textline"},
	"history":           {"internal/textline"},
	"tlaplus":           {"spec"},
	"trace":             {"checker", "spec", "internal/textline"},
	"runlog":            {"spec", "internal/textline"},
	"impl":              nil,
	"impl/slot":         {"spec"},
	"impl/wake":         nil,
	"impl/handshake":    {"spec"},
	"impl/ring":         {"impl/slot", "impl/wake", "spec"},
	"impl/transport":    {"impl/slot", "impl/wake", "spec"},
	"impl/nic":          {"impl/slot", "impl/wake", "impl/ring", "impl/transport", "spec"},
	"impl/rpc":          {"impl/...", "spec"},
	"model/...":         {"checker", "spec"},
	"model":             {"model/...", "cli", "checker", "spec"},
	"model/modeltest":   {"checker", "spec", "tlaplus"},
	"bridge":            {"checker", "spec", "trace", "runlog", "tlaplus"},
	"bridge/bridgetest": {"bridge", "checker", "spec", "trace", "runlog", "tlaplus"},
	"bridge/...":        {"bridge", "checker", "spec", "trace", "runlog", "tlaplus", "history", "model/{name}", "impl/..."},
	"bridge/dagger":     {"bridge/...", "bridge", "model", "model/...", "cli", "explore", "checker", "spec", "trace", "runlog", "tlaplus", "history"},
	"cmd/...":           {"..."},
	"examples/...":      {"..."},
	"cli":               {"checker", "spec", "trace", "explore", "internal/textline"},
	"explore":           {"checker", "trace"},
	"idl":               nil,
	"idl/wire":          nil,
	"idl/gogen":         {"idl"},
	"idl/internal/...":  {"idl/wire", "impl/rpc"},
}

// rule returns the entry that governs pkg and whether there is one.
func rule(pkg string) (string, bool) {
	best := ""
	for pattern := range allowed {
		if matches(pattern, pkg) && (best == "" || specific(pattern) > specific(best)) {
			best = pattern
		}
	}
	return best, best != ""
}

func specific(pattern string) int {
	if strings.HasSuffix(pattern, "...") {
		return len(pattern) - 3
	}
	return len(pattern) + 1 // an exact name beats a folder of the same name
}

func matches(pattern, pkg string) bool {
	if pattern == "..." {
		return true
	}
	if dir, ok := strings.CutSuffix(pattern, "/..."); ok {
		return strings.HasPrefix(pkg, dir+"/")
	}
	return pattern == pkg
}

func TestNoPackageImportsALayerAboveIt(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkg, ok := strings.CutPrefix(p.ImportPath, module)
		if !ok {
			continue
		}
		n++
		pattern, ok := rule(pkg)
		if !ok {
			t.Errorf("%s: no layer: add it to allowed", pkg)
			continue
		}
		for _, imp := range p.Imports {
			imp, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			if !permitted(pattern, pkg, imp) {
				t.Errorf("%s imports %s: not allowed for %s (%v)", pkg, imp, pattern, allowed[pattern])
			}
		}
	}
	if n < 20 {
		t.Fatalf("go list named %d of the project's packages; want them all", n)
	}
}

func permitted(pattern, pkg, imp string) bool {
	name := pkg[strings.LastIndex(pkg, "/")+1:]
	for _, a := range allowed[pattern] {
		if matches(strings.ReplaceAll(a, "{name}", name), imp) {
			return true
		}
	}
	return false
}
