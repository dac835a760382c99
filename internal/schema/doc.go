// Package schema is the YAML toolkit shared by asyncsim's input parsers:
// the workload parser (package workloads) and the sweep parser (package
// sweep).
//
// It reads input files safely (ReadFile: regular files only, through a
// size limit), decodes exactly one YAML document (Decode), rewriting the
// YAML library's messages into positioned errors, and walks the node tree
// with a Parser that collects every problem as an Error at a line and
// column: unknown keys with "did you mean" suggestions, duplicate keys,
// merge keys (<<) resolved under one policy, aliases followed within a
// node budget proportional to the document, and typed scalars (strings,
// integers, booleans, numbers, durations, distributions) described the
// same way everywhere ("an empty list", "the number 5").
//
// The package knows nothing of the schemas themselves: those stay with
// the packages that own the data.
package schema
