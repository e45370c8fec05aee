package spec

// TLAConstant says how a constant of a TLA+ spec under tla/ gives a Go
// model's parameter: the parameter it sets and how its value reads (an
// integer, unless Bool or String says otherwise). Each model with a
// TLA+ spec lists its constants (ring.TLAConstants, say) beside its
// Params; the TLC config readers (tlaplus.Params) apply the list.
type TLAConstant struct {
	Name   string    // the TLA+ constant
	Param  string    // the Go model's parameter
	Bool   [2]string // for a boolean constant: the parameter's values for FALSE and TRUE
	String bool      // a string constant, taken as it is
}
