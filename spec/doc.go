// Package spec is daggercheck's shared vocabulary: what the models, the
// implementation, the bridges between them and the command line all name
// the same way.
//
//   - Model parameters: Param, ParseParams, Values, and Shipped, a named
//     configuration the suite checks and pins.
//   - The property catalogue (PropertyDoc, Catalogue, Lookup), one entry
//     per property of every Dagger model, from which docs/properties.md is
//     generated (PropertiesMarkdown).
//   - The bug catalogues (Bug; RingBugs, NICBugs, CoherenceBugs,
//     SystemBugs, HandshakeBugs) with their names as constants (BugHeaderFirst, ...): a
//     model's --bug and the implementation's injectable faults take the
//     same names, and each entry says which parameters the bug needs.
//   - Dagger's connection status codes (ConnStatus), which the NIC model
//     and the soft NIC report alike.
//   - TLAConstant, how a TLA+ spec's constant gives a model parameter.
//
// spec imports only the standard library, so every other package may
// import it, impl included.
//
// Start with ParseParams: it turns "-p key=value" assignments into checked
// Values, naming the culprit when an assignment is wrong.
package spec
