// Package layers holds the test that keeps the house layered: which of
// the project's packages each package may import. From the bottom:
//
//   - spec (the shared vocabulary), checker (the generic model checker)
//     and internal/textline (the line syntax of the text formats) import
//     nothing of the project;
//   - the formats beside them: trace (trace files, ITF export), runlog
//     (recorded runs), history (the RPC history checker), tlaplus (the
//     readers of TLA+ values, TLC output, ITF, .cfg and results.tsv);
//   - the reference models, model/<name>, over checker and spec, and the
//     registry, model; the implementation, impl/..., over spec only —
//     the two never import each other;
//   - the bridges between a model and the implementation, above both:
//     bridge (the shape they share), bridge/<name> one per model, and
//     bridge/dagger, the dispatch by model name;
//   - the command line, cmd/daggercheck, on top.
//
// Siblings do not import each other: no model imports another model, no
// bridge another bridge. The package has no code of its own; its test is
// the rule.
package layers
