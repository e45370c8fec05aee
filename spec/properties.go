package spec

import "strings"

// Level is the layer of the stack a property speaks about.
type Level string

const (
	LevelCoherence Level = "coherence" // the cache-coherence handshake
	LevelRing      Level = "ring"      // the host–NIC rings
	LevelNIC       Level = "nic"       // the NIC pipeline
	LevelSystem    Level = "system"    // two hosts end to end
	LevelHandshake Level = "handshake" // connection setup and teardown across processes
)

// PropertyDoc is one entry of the property catalogue: the name the models,
// the trace tools and the documentation all use for a property, the level
// it applies to, its kind (always, sometimes, eventually, leads-to) and a
// paragraph saying what it means and why it matters.
type PropertyDoc struct {
	Name        string
	Level       Level
	Kind        string
	Description string
}

// Catalogue lists every property of every model, level by level. Models
// take their property names and descriptions from here, so that a
// property means the same thing in the checker's output, in trace files
// and in docs/properties.md (generated from this list).
func Catalogue() []PropertyDoc {
	var all []PropertyDoc
	for _, level := range [][]PropertyDoc{coherenceProperties, ringProperties, nicProperties, systemProperties, handshakeProperties} {
		all = append(all, level...)
	}
	return all
}

// Lookup returns the catalogue entry for name at level. A model asking for
// a property the catalogue lacks is a bug in the model, so it panics.
func Lookup(level Level, name string) PropertyDoc {
	for _, p := range Catalogue() {
		if p.Level == level && p.Name == name {
			return p
		}
	}
	panic("spec: property " + name + " is not in the " + string(level) + " catalogue")
}

// Summary is the description's first sentence, for one-line output.
func (p PropertyDoc) Summary() string {
	if i := strings.Index(p.Description, ". "); i >= 0 {
		return p.Description[:i+1]
	}
	return p.Description
}
