package coherence

import "github.com/daggercheck/daggercheck/spec"

// Shipped is a named configuration the suite checks, pins and documents.
type Shipped = spec.Shipped

// Configs are the shipped configurations; every property holds on each.
// With one line, ordered and unordered channels reach the same states:
// the caches' and the home's waiting rules already force every order
// that matters on one line, so channel order first shows with two lines.
// Two lines multiply the interleavings, so those configurations allow one
// store per cache and one value.
var Configs = []Shipped{
	{Name: "default", Params: nil},
	{Name: "msi", Params: []string{"protocol=msi"}},
	{Name: "ordered", Params: []string{"channels=ordered"}},
	{Name: "values-3", Params: []string{"values=3"}},
	{Name: "lines-2", Params: []string{"lines=2", "writes=1", "values=1"}},
	{Name: "lines-2-msi", Params: []string{"lines=2", "writes=1", "values=1", "protocol=msi"}},
	{Name: "lines-2-ordered", Params: []string{"lines=2", "writes=1", "values=1", "channels=ordered"}},
}
