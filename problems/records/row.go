package records

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SchemaVersion is the version of the record schema that this package writes: the
// columns of records.csv and the fields of manifest.json. Version 2 added the seed
// column and the manifest's schema_version; readers still accept version 1.
const SchemaVersion = 2

// Columns are the columns of records.csv, in order.
var Columns = [...]string{"run", "model", "split", "seed", "step", "epoch", "metric", "value"}

// ColumnsV1 are the columns of records.csv in schema version 1, which had no seed
// column. Read accepts such files and gives their rows NoSeed.
var ColumnsV1 = [...]string{"run", "model", "split", "step", "epoch", "metric", "value"}

// NoStep is the Step of a row whose step cell is empty (not applicable).
const NoStep = -1

// Seed is the seed cell of a row: the seed of the training the row belongs to, or none
// where no single seed applies (an analysis over several trainings, or a problem that
// does not fill the cell). The zero value is NoSeed. Seeds compare with ==.
type Seed struct {
	value uint64
	set   bool
}

// NoSeed is the Seed of a row whose seed cell is empty (not applicable).
var NoSeed = Seed{}

// SeedOf returns the seed v.
func SeedOf(v uint64) Seed { return Seed{value: v, set: true} }

// Get returns the seed and true, or 0 and false for NoSeed.
func (s Seed) Get() (uint64, bool) { return s.value, s.set }

// String returns the seed in decimal, or "" for NoSeed: the cell as written.
func (s Seed) String() string {
	if !s.set {
		return ""
	}
	return strconv.FormatUint(s.value, 10)
}

// Row is one observation: the value of one metric of one model at one point of a run.
//
// Run, Model and Metric are never empty; Split may be empty. Seed is NoSeed (the zero
// value) for an empty cell. Step is a non-negative index, or NoStep for an empty cell.
// Epoch is a finite non-negative number, or NaN for an empty cell. Value is finite,
// except that metrics for which AllowsNaN reports true may also hold NaN or ±Inf.
type Row struct {
	Run, Model, Split string
	Seed              Seed
	Step              int
	Epoch             float64
	Metric            string
	Value             float64
}

// HasStep reports whether the row's step cell is filled.
func (r Row) HasStep() bool { return r.Step != NoStep }

// HasEpoch reports whether the row's epoch cell is filled.
func (r Row) HasEpoch() bool { return !math.IsNaN(r.Epoch) }

// Key returns the key rows are joined on: run, model, split, seed and step.
func (r Row) Key() Key {
	return Key{Run: r.Run, Model: r.Model, Split: r.Split, Seed: r.Seed, Step: r.Step}
}

// Key identifies the rows that belong to one observation point: the same run, model,
// split, seed and step (NoSeed and NoStep included).
type Key struct {
	Run, Model, Split string
	Seed              Seed
	Step              int
}

// fieldError is a problem with one cell; Column names the cell.
type fieldError struct {
	Column string
	Err    error
}

func (e *fieldError) Error() string { return e.Column + ": " + e.Err.Error() }
func (e *fieldError) Unwrap() error { return e.Err }

// Validate reports the first cell of r that breaks the rules given on Row, as an error
// naming the column.
func (r Row) Validate() error {
	for _, c := range [...]struct{ col, s string }{{"run", r.Run}, {"model", r.Model}, {"split", r.Split}, {"metric", r.Metric}} {
		if c.s == "" && c.col != "split" {
			return &fieldError{c.col, errors.New("empty")}
		}
		if strings.ContainsAny(c.s, "\r\n") {
			return &fieldError{c.col, fmt.Errorf("line break in %q", c.s)}
		}
	}
	if r.Step < NoStep {
		return &fieldError{"step", fmt.Errorf("negative step %d", r.Step)}
	}
	if r.HasEpoch() && (math.IsInf(r.Epoch, 0) || r.Epoch < 0) {
		return &fieldError{"epoch", fmt.Errorf("%v is not a finite non-negative number", r.Epoch)}
	}
	if (math.IsNaN(r.Value) || math.IsInf(r.Value, 0)) && !AllowsNaN(r.Metric) {
		return &fieldError{"value", fmt.Errorf("%v not allowed for metric %q", r.Value, r.Metric)}
	}
	return nil
}

// cells formats r as the cells of one CSV line. It does not validate r.
func (r Row) cells(buf []string) []string {
	step, epoch := "", ""
	if r.HasStep() {
		step = strconv.Itoa(r.Step)
	}
	if r.HasEpoch() {
		epoch = formatFloat(r.Epoch)
	}
	return append(buf[:0], r.Run, r.Model, r.Split, r.Seed.String(), step, epoch, r.Metric, formatFloat(r.Value))
}

// formatFloat formats v in Go's shortest round-trip form.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// parseRow parses the cells of one CSV line in the layout of Columns (already checked
// to be len(Columns) long).
func parseRow(cells []string) (Row, error) {
	r := Row{Run: cells[0], Model: cells[1], Split: cells[2], Step: NoStep, Epoch: math.NaN(), Metric: cells[6]}
	if s := cells[3]; s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return r, &fieldError{"seed", numError(err)}
		}
		r.Seed = SeedOf(v)
	}
	if s := cells[4]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return r, &fieldError{"step", numError(err)}
		}
		if n < 0 {
			return r, &fieldError{"step", fmt.Errorf("negative step %d", n)}
		}
		r.Step = n
	}
	if s := cells[5]; s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return r, &fieldError{"epoch", numError(err)}
		}
		if math.IsNaN(v) {
			return r, &fieldError{"epoch", errors.New("NaN (leave the cell empty instead)")}
		}
		r.Epoch = v
	}
	if cells[7] == "" {
		return r, &fieldError{"value", errors.New("empty")}
	}
	v, err := strconv.ParseFloat(cells[7], 64)
	if err != nil {
		return r, &fieldError{"value", numError(err)}
	}
	r.Value = v
	return r, r.Validate()
}

// numError strips the function name from a strconv error, keeping
// `parsing "abc": invalid syntax`.
func numError(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return fmt.Errorf("parsing %q: %w", ne.Num, ne.Err)
	}
	return err
}
