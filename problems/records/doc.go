// Package records is the one record schema of hw1: what every problem writes and what
// plots and the report read. It holds the format of records.csv, a tidy table with one
// observation per row, and of manifest.json, the run's settings and outcome; the names
// of those files; the ordered list of problems (Problems); and the run, split and
// metric names that problems write and plots look for, each metric declaring whether
// it may be NaN (Metrics).
//
// The format is described in docs/records.md. In short, records.csv has the columns
//
//	run,model,split,seed,step,epoch,metric,value
//
// in that order; empty cells mean "not applicable". A Row represents an empty seed as
// NoSeed, an empty step as NoStep and an empty epoch as NaN. Numbers are written in
// Go's shortest round-trip form (strconv.FormatFloat(v, 'g', -1, 64)), so reading a
// file back gives exactly the values that were written. This is schema version 2
// (SchemaVersion); readers still accept version 1, which had no seed column and no
// schema version in the manifest.
//
// A Writer appends rows and flushes them to stable storage on request; a run that is
// killed keeps every complete row, and Read drops the incomplete last line such a run
// may leave. Table offers the selections and joins the charts need, and Manifest is the
// JSON side of a run.
//
// A problem's summary in the manifest is its own typed struct as JSON (EncodeSummary,
// DecodeSummary); an effect measured over seeds is an Estimate.
//
// Errors are prefixed "records:". The package depends on the standard library and
// the pure-Go problems/analysis only, so it builds without cgo; both problems and plots import it, and neither imports the
// other.
package records
