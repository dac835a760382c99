// Package golden compares test output with golden files under testdata/,
// which the -update flag of 'go test' rewrites, for the packages whose
// tests import it.
package golden
