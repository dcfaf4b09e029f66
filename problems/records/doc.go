// Package records reads and writes what a problem records: records.csv, a tidy table
// with one observation per row, and manifest.json, the run's settings and outcome.
//
// The format is described in docs/records.md. In short, records.csv has the columns
//
//	run,model,split,step,epoch,metric,value
//
// in that order; empty cells mean "not applicable". A Row represents an empty step as
// NoStep and an empty epoch as NaN. Numbers are written in Go's shortest round-trip form
// (strconv.FormatFloat(v, 'g', -1, 64)), so reading a file back gives exactly the values
// that were written.
//
// A Writer appends rows and flushes them to stable storage on request; a run that is
// killed keeps every complete row, and Read drops the incomplete last line such a run
// may leave. Table offers the selections and joins the charts need, and Manifest is the
// JSON side of a run.
//
// The package depends on the standard library only, so it builds without cgo.
package records
