// Package report renders an experiment's results: the aligned table for
// the terminal with its one-line verdict, the table by task class, and
// the CSV and JSON of the output contract (summary rows with each
// resource's figures, JSON rows with their classes' figures, the rows by
// class of summary_by_class.csv, and per-attempt rows of tasks.csv).
package report
