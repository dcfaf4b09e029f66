package records

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// pandasScript reads records.csv with pandas' defaults and prints the columns, their
// dtypes and every cell as JSON (numbers as Python reprs, missing cells as null).
const pandasScript = `
import json, math, sys
import pandas as pd
df = pd.read_csv(sys.argv[1])
def cell(v):
    if isinstance(v, float):
        return None if math.isnan(v) else repr(v)
    if hasattr(v, "item"):
        return cell(v.item())
    return v
print(json.dumps({
    "columns": list(df.columns),
    "dtypes": [str(t) for t in df.dtypes],
    "rows": [[cell(v) for v in r] for r in df.itertuples(index=False)],
}))
`

// pandasPython returns a python3 that imports pandas: the virtual environment that
// scripts/install-test-deps.sh makes where the system's Python has no pandas, else
// python3 on the PATH, else Debian's /usr/bin/python3; "" when none has pandas.
func pandasPython() string {
	candidates := []string{filepath.Join("..", "..", ".deps", "pyenv", "bin", "python3")}
	if py, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, py)
	}
	candidates = append(candidates, "/usr/bin/python3") // Debian's python3-pandas
	for _, py := range candidates {
		if exec.Command(py, "-c", "import pandas").Run() == nil {
			return py
		}
	}
	return ""
}

// TestPandasReadsRecords checks that pandas reads the format with its defaults: the
// right columns, numbers (seeds included) as float64, empty cells as missing. It needs python3 with
// pandas (make test-deps), and is skipped without them unless CI=true; TestFormat pins the same format in Go.
func TestPandasReadsRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("starting pandas takes seconds")
	}
	py := pandasPython()
	if py == "" {
		missingDependency(t, "python3 with pandas")
	}
	path := filepath.Join(t.TempDir(), "records.csv")
	rows := sample()
	// pandas reads a seed column with empty cells as float64, exact below 2⁵³ (larger
	// seeds need dtype={"seed": "UInt64"}, as docs/records.md says).
	rows[1].Seed = SeedOf(1 << 52)
	writeAll(t, path, rows)
	out, err := exec.Command(py, "-c", pandasScript, path).Output()
	if err != nil {
		t.Fatalf("pandas: %v", err)
	}
	var got struct {
		Columns, Dtypes []string
		Rows            [][]*string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(got.Columns) != len(Columns) {
		t.Fatalf("columns %v, want %v", got.Columns, Columns)
	}
	for i, c := range Columns {
		if got.Columns[i] != c {
			t.Errorf("column %d is %q, want %q", i, got.Columns[i], c)
		}
	}
	for _, i := range []int{3, 4, 5, 7} { // seed, step, epoch, value
		if got.Dtypes[i] != "float64" {
			t.Errorf("column %s has dtype %s, want float64", Columns[i], got.Dtypes[i])
		}
	}
	if len(got.Rows) != len(rows) {
		t.Fatalf("pandas read %d rows, want %d", len(got.Rows), len(rows))
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	num := func(p *string) float64 {
		if p == nil {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(*p, 64)
		if err != nil {
			t.Fatalf("pandas cell %q: %v", *p, err)
		}
		return v
	}
	// pandas' default float parser ("high" precision) is not round-trip exact: it may
	// read the shortest decimal of a float64 one unit in the last place off (pandas
	// 1.5 reads 0.30000000000000004 as 0.3). Exact reading needs
	// float_precision="round_trip"; with the defaults, allow 2 ULP.
	same := func(x, y float64) bool {
		return x == y || (math.IsNaN(x) && math.IsNaN(y)) || scalar.EqualWithinULP(x, y, 2)
	}
	for i, r := range rows {
		c := got.Rows[i]
		step := math.NaN()
		if r.HasStep() {
			step = float64(r.Step)
		}
		seed := math.NaN()
		if v, ok := r.Seed.Get(); ok {
			seed = float64(v)
		}
		if str(c[0]) != r.Run || str(c[1]) != r.Model || str(c[2]) != r.Split || str(c[6]) != r.Metric ||
			!same(num(c[3]), seed) || !same(num(c[4]), step) || !same(num(c[5]), r.Epoch) || !same(num(c[7]), r.Value) {
			t.Errorf("row %d: pandas read %v, want %+v", i, cellStrings(c), r)
		}
	}
}

func cellStrings(cells []*string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = "<NA>"
		if c != nil {
			out[i] = *c
		}
	}
	return out
}

// missingDependency skips t for want of what, except under CI=true, where every test
// dependency must be installed (make test-deps) and a missing one fails the test.
func missingDependency(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI=true requires it (make test-deps installs it)", what)
	}
	t.Skipf("%s is missing (make test-deps installs it)", what)
}
