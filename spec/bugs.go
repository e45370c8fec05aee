package spec

// Bug is one entry of a model's bug catalogue: a named, documented
// mutation of the model (selected with --bug NAME) and the property that
// is expected to catch it.
type Bug struct {
	Name        string
	Description string
	Breaks      string // the property (or "deadlock") that catches it
}
