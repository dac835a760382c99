package report

import "regexp"

// decimal matches a cell that a spreadsheet reads as a plain number.
var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// CSVCell returns s as a CSV cell that a spreadsheet will not take for a
// formula, as OWASP recommends against CSV injection: a cell that starts
// with '=', '+', '-', '@', a tab or a carriage return gets a leading
// single quote, unless it is a number ("-1.5", "+2e-3"), which is left
// alone. Every other cell is returned as it is. Every CSV file asyncsim
// writes passes its text cells (strategy and class names) through it.
func CSVCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if !decimal.MatchString(s) {
			return "'" + s
		}
	}
	return s
}
