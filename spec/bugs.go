package spec

// Bug is one entry of a model's bug catalogue: a named, documented
// mutation of the model (selected with --bug NAME) and the property that
// is expected to catch it. The Dagger models' catalogues live here, beside
// their properties, because the implementation injects the same bugs as
// faults by the same names.
type Bug struct {
	Name        string
	Description string
	Breaks      string   // the property (or Deadlock) that catches it
	Params      []string // what it needs beyond the defaults to show, as -p assignments
}

// Deadlock is what a bug that makes the model stop breaks: the name the
// checker gives a state with no enabled action that is not terminal.
const Deadlock = "deadlock"

// WeakPoint is one of Dagger's published weak points as a model shows
// it: the parameters that expose it (with protocol=dagger) and the
// property it breaks. Our corrected protocol keeps the property under the
// same parameters.
type WeakPoint struct {
	Name     string
	Params   []string
	Property string
}
