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
//     registry, model, over them and cli; the implementation, impl/..., over spec only —
//     the two never import each other;
//   - the command line as a library, cli, over checker, spec and the
//     formats: it knows no model, no bridge and no implementation; the
//     registry, model, registers the models with it;
//   - the bridges between a model and the implementation, above both:
//     bridge (the shape they share), bridge/<name> one per model, and
//     bridge/dagger, the dispatch by model name and the daggercheck
//     program (cli's, with the commands that reach the implementation);
//   - the command lines, cmd/daggercheck and examples/..., on top.
//
// Siblings do not import each other: no model imports another model, no
// bridge another bridge. The package has no code of its own; its test is
// the rule.
package layers
