// Package report renders an experiment's results: the aligned table for
// the terminal with its one-line verdict, and the CSV and JSON of the
// output contract (summary rows and per-task rows).
package report
