// Package spec is daggercheck's shared vocabulary: the things the models,
// the implementation, the traces and the command line all name the same
// way. Today it holds model parameters (Param, ParseParams, Values) and
// bug catalogue entries (Bug); the Dagger action and event names,
// configuration enums and the property catalogue join it as the Dagger
// models land.
//
// spec imports only the standard library, so every other package may
// import it, impl included.
//
// Start with ParseParams: it turns "-p key=value" assignments into checked
// Values, naming the culprit when an assignment is wrong.
package spec
