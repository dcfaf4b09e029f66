package plots

import "hw1/problems/records"

// registry holds the figures of every problem, keyed by the names of records.Problems,
// which gives their order.
var registry = map[string]*problemFigures{
	records.Problem11: &figures11,
	records.Problem12: &figures12,
	records.Problem21: &figures21,
	records.Problem22: &figures22,
	records.Problem31: &figures31,
	records.Problem32: &figures32,
	records.Problem33: &figures33,
}
