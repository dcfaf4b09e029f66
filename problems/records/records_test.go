package records

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sample returns rows that use every kind of cell: empty split, step and epoch,
// fractional epochs, NaN and infinite values where allowed, strings that need quoting.
func sample() Table {
	nan := math.NaN()
	tenth := 0.1
	return Table{
		{Run: "sinc", Model: "deep-7", Split: "train", Step: NoStep, Epoch: 1, Metric: "loss", Value: 0.25},
		{Run: "sinc", Model: "deep-7", Split: "train", Seed: SeedOf(18446744073709551615), Step: NoStep, Epoch: 2.5, Metric: "loss", Value: 1e-300},
		{Run: "sinc", Model: "truth", Split: "grid", Step: 0, Epoch: nan, Metric: "x", Value: -1},
		{Run: "sinc", Model: "truth", Split: "grid", Step: 0, Epoch: nan, Metric: "y", Value: tenth + 0.2},
		{Run: "mnist", Model: "cnn-2", Split: "", Step: NoStep, Epoch: nan, Metric: "params", Value: 21840},
		{Run: "seed-1", Model: "mlp", Split: "train", Seed: SeedOf(1), Step: NoStep, Epoch: nan, Metric: "minimal_ratio", Value: nan},
		{Run: "sensitivity", Model: "batch-64", Split: "train", Step: 3, Epoch: 7, Metric: "sharpness_1e-3", Value: math.Inf(1)},
		{Run: "sensitivity", Model: "batch-64", Split: "test", Step: 3, Epoch: 7, Metric: "sensitivity", Value: math.Inf(-1)},
		{Run: `odd, "quoted"`, Model: " lead space", Split: "train", Step: 12, Epoch: 0, Metric: "accuracy", Value: 0.987654321},
	}
}

// equalRows compares rows, treating NaN as equal to NaN.
func equalRows(a, b Table) bool {
	if len(a) != len(b) {
		return false
	}
	same := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	for i := range a {
		x, y := a[i], b[i]
		if x.Run != y.Run || x.Model != y.Model || x.Split != y.Split || x.Seed != y.Seed || x.Step != y.Step ||
			x.Metric != y.Metric || !same(x.Epoch, y.Epoch) || !same(x.Value, y.Value) {
			return false
		}
	}
	return true
}

// checkRead checks that Read gives want from the file at path.
func checkRead(t *testing.T, path string, want Table) {
	t.Helper()
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !equalRows(got, want) {
		t.Errorf("read back\n%v\nwant\n%v", got, want)
	}
}

func writeAll(t *testing.T, path string, rows Table) {
	t.Helper()
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.csv")
	want := sample()
	writeAll(t, path, want)
	checkRead(t, path, want)
}

// TestFormat pins the bytes of the format, so that readers in other languages can rely
// on them.
func TestFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.csv")
	writeAll(t, path, sample())
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const want = `run,model,split,seed,step,epoch,metric,value
sinc,deep-7,train,,,1,loss,0.25
sinc,deep-7,train,18446744073709551615,,2.5,loss,1e-300
sinc,truth,grid,,0,,x,-1
sinc,truth,grid,,0,,y,0.30000000000000004
mnist,cnn-2,,,,,params,21840
seed-1,mlp,train,1,,,minimal_ratio,NaN
sensitivity,batch-64,train,,3,7,sharpness_1e-3,+Inf
sensitivity,batch-64,test,,3,7,sensitivity,-Inf
"odd, ""quoted""",` + "\" lead space\"" + `,train,,12,0,accuracy,0.987654321
`
	if string(data) != want {
		t.Errorf("file is\n%s\nwant\n%s", data, want)
	}
	// The fuzz test's formatRows must write the same bytes as the Writer.
	if got := formatRows(sample()); string(got) != want {
		t.Errorf("formatRows writes\n%s\nwant\n%s", got, want)
	}
}

func TestFlushMakesRowsVisible(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.csv")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rows := sample()[:2]
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil { // nothing new: a no-op
		t.Fatal(err)
	}
	checkRead(t, path, rows) // while the writer is still open
}

func TestWriterClose(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.Write(sample()[0]); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := w.Flush(); err == nil {
		t.Error("Flush after Close succeeded")
	}
}

func TestCreateMissingDir(t *testing.T) {
	_, err := Create(filepath.Join(t.TempDir(), "no", "records.csv"))
	if err == nil || !strings.HasPrefix(err.Error(), "records: ") {
		t.Errorf("got %v, want a records error", err)
	}
}

func TestWriteRejects(t *testing.T) {
	ok := Row{Run: "r", Model: "m", Split: "train", Step: 1, Epoch: 1, Metric: "loss", Value: 1}
	for _, c := range []struct {
		name   string
		change func(*Row)
		want   string
	}{
		{"empty run", func(r *Row) { r.Run = "" }, "run: empty"},
		{"empty model", func(r *Row) { r.Model = "" }, "model: empty"},
		{"empty metric", func(r *Row) { r.Metric = "" }, "metric: empty"},
		{"line break", func(r *Row) { r.Split = "a\nb" }, "split: line break"},
		{"carriage return", func(r *Row) { r.Run = "a\rb" }, "run: line break"},
		{"negative step", func(r *Row) { r.Step = -2 }, "step: negative step -2"},
		{"infinite epoch", func(r *Row) { r.Epoch = math.Inf(1) }, "epoch: +Inf is not"},
		{"negative epoch", func(r *Row) { r.Epoch = -1 }, "epoch: -1 is not"},
		{"NaN loss", func(r *Row) { r.Value = math.NaN() }, `value: NaN not allowed for metric "loss"`},
		{"Inf accuracy", func(r *Row) { r.Metric, r.Value = "accuracy", math.Inf(1) }, `value: +Inf not allowed for metric "accuracy"`},
		{"NaN alpha", func(r *Row) { r.Metric, r.Value = "alpha", math.NaN() }, `not allowed for metric "alpha"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "records.csv")
			w, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			r := ok
			c.change(&r)
			err = w.Write(r)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "records: "+path+": ") {
				t.Errorf("Write: got %v, want an error naming the file and containing %q", err, c.want)
			}
			if err := w.Write(ok); err != nil { // a rejected row does not poison the writer
				t.Errorf("Write after a rejected row: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			rows, err := Read(path)
			if err != nil || len(rows) != 1 {
				t.Errorf("Read: %d rows, %v; want only the valid row", len(rows), err)
			}
		})
	}
}

func TestAllowsNaN(t *testing.T) {
	for m, want := range map[string]bool{
		"loss": false, "accuracy": false, "alpha": false, "params": false, "final_loss": false,
		"grad_norm": true, "minimal_ratio": true, "min_eigenvalue": true, "max_eigenvalue": true,
		"sensitivity": true, "sharpness_1e-3": true, "sharpness_5e-4": true,
	} {
		if got := AllowsNaN(m); got != want {
			t.Errorf("AllowsNaN(%q) = %t, want %t", m, got, want)
		}
	}
}

// headerV1 is the header of schema version 1, without the seed column: the parse
// tests below check the rules on rows through it, TestParseSeed the seed column.
const headerV1 = "run,model,split,step,epoch,metric,value\n"

// header is the header of the current schema.
const header = "run,model,split,seed,step,epoch,metric,value\n"

func TestTruncatedLastLine(t *testing.T) {
	complete := headerV1 + "sinc,deep-7,train,,1,loss,0.5\nsinc,deep-7,train,,2,loss,0.25\n"
	for _, c := range []struct{ name, tail string }{
		{"complete", ""},
		{"mid number", "sinc,deep-7,train,,3,loss,0.12"},
		{"mid string", "sin"},
		{"mid quoted string", `"odd, "`},
		{"bare quote", `"`},
		{"carriage return only", "sinc,deep-7,train,,3,loss,0.1\r"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "records.csv")
			if err := os.WriteFile(path, []byte(complete+c.tail), 0o644); err != nil {
				t.Fatal(err)
			}
			rows, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 || rows[1].Value != 0.25 || rows[1].Epoch != 2 {
				t.Errorf("got %v, want the 2 complete rows", rows)
			}
		})
	}
}

func TestHeaderOnly(t *testing.T) {
	rows, err := Parse(strings.NewReader(headerV1), "h.csv")
	if err != nil || rows == nil || len(rows) != 0 {
		t.Errorf("got %v, %v; want an empty, non-nil table", rows, err)
	}
}

func TestCRLF(t *testing.T) {
	in := strings.ReplaceAll(headerV1+"a,m,train,1,,loss,2\n", "\n", "\r\n")
	rows, err := Parse(strings.NewReader(in), "crlf.csv")
	if err != nil || len(rows) != 1 || rows[0].Value != 2 || rows[0].Step != 1 {
		t.Errorf("got %v, %v", rows, err)
	}
}

// TestParseSeed checks the seed column of the current schema, and that a file of schema
// version 1 reads as the same rows with an empty seed.
func TestParseSeed(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     Seed
		err      string
	}{
		{"empty seed", header + "a,m,train,,1,,loss,2\n", NoSeed, ""},
		{"seed", header + "a,m,train,42,1,,loss,2\n", SeedOf(42), ""},
		{"seed zero", header + "a,m,train,0,1,,loss,2\n", SeedOf(0), ""},
		{"largest seed", header + "a,m,train,18446744073709551615,1,,loss,2\n", SeedOf(1<<64 - 1), ""},
		{"version 1", headerV1 + "a,m,train,1,,loss,2\n", NoSeed, ""},
		{"negative seed", header + "a,m,train,-3,1,,loss,2\n", NoSeed, `bad.csv:2: seed: parsing "-3": invalid syntax`},
		{"fractional seed", header + "a,m,train,1.5,1,,loss,2\n", NoSeed, `bad.csv:2: seed: parsing "1.5": invalid syntax`},
		{"huge seed", header + "a,m,train,18446744073709551616,1,,loss,2\n", NoSeed, `bad.csv:2: seed: parsing "18446744073709551616": value out of range`},
		{"short line", header + "a,m,train,1,,loss,2\n", NoSeed, "bad.csv:2: 7 cells, want 8"},
		{"seed column misplaced", "run,model,seed,split,step,epoch,metric,value\n", NoSeed, `bad.csv:1: header: column 3 is "seed", want "split"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := Parse(strings.NewReader(c.in), "bad.csv")
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got %v, want an error containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Row{Run: "a", Model: "m", Split: "train", Seed: c.want, Step: 1, Epoch: math.NaN(), Metric: "loss", Value: 2}
			if len(rows) != 1 || !equalRows(rows, Table{want}) {
				t.Errorf("got %v, want %v", rows, want)
			}
		})
	}
}

func TestBadRecords(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty file", "", "bad.csv: empty file"},
		{"incomplete header only", "run,model,sp", "bad.csv: empty file"},
		{"missing column", "run,model,split,epoch,metric,value\n", "bad.csv:1: header: missing column step"},
		{"missing columns", "run,model,split,metric\n", "bad.csv:1: header: missing columns step, epoch, value"},
		{"extra column", "run,model,split,step,epoch,metric,value,note\n", "bad.csv:1: header: 8 columns"},
		{"column order", "model,run,split,step,epoch,metric,value\n", `bad.csv:1: header: column 1 is "model", want "run"`},
		{"no header", "a,m,train,1,,loss,2\n", "bad.csv:1: header: missing column"},
		{"short line", headerV1 + "a,m,train,1,,loss,2\na,m,train,1,,loss\n", "bad.csv:3: 6 cells, want 7"},
		{"long line", headerV1 + "a,m,train,1,,loss,2,3\n", "bad.csv:2: 8 cells, want 7"},
		{"bad value", headerV1 + strings.Repeat("a,m,train,1,,loss,2\n", 15) + "a,m,train,1,,loss,abc\n", `bad.csv:17: value: parsing "abc": invalid syntax`},
		{"empty value", headerV1 + "a,m,train,1,,loss,\n", "bad.csv:2: value: empty"},
		{"bad step", headerV1 + "a,m,train,1.5,,loss,1\n", `bad.csv:2: step: parsing "1.5": invalid syntax`},
		{"huge step", headerV1 + "a,m,train,99999999999999999999,,loss,1\n", `bad.csv:2: step: parsing "99999999999999999999": value out of range`},
		{"negative step", headerV1 + "a,m,train,-1,,loss,1\n", "bad.csv:2: step: negative step -1"},
		{"bad epoch", headerV1 + "a,m,train,1,x,loss,1\n", `bad.csv:2: epoch: parsing "x": invalid syntax`},
		{"NaN epoch", headerV1 + "a,m,train,1,NaN,loss,1\n", "bad.csv:2: epoch: NaN"},
		{"negative epoch", headerV1 + "a,m,train,1,-2,loss,1\n", "bad.csv:2: epoch: -2 is not"},
		{"NaN loss", headerV1 + "a,m,train,1,,loss,NaN\n", `bad.csv:2: value: NaN not allowed for metric "loss"`},
		{"Inf accuracy", headerV1 + "a,m,test,1,,accuracy,-Inf\n", `bad.csv:2: value: -Inf not allowed for metric "accuracy"`},
		{"empty run", headerV1 + ",m,train,1,,loss,1\n", "bad.csv:2: run: empty"},
		{"empty model", headerV1 + "a,,train,1,,loss,1\n", "bad.csv:2: model: empty"},
		{"empty metric", headerV1 + "a,m,train,1,,,1\n", "bad.csv:2: metric: empty"},
		{"line break in quotes", headerV1 + "\"a\nb\",m,train,1,,loss,1\n", "bad.csv:2: run: line break"},
		{"stray quote", headerV1 + "a\"b,m,train,1,,loss,1\n", `bad.csv:2: bare " in non-quoted-field`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, err := Parse(strings.NewReader(c.in), "bad.csv")
			if err == nil {
				t.Fatalf("no error; rows %v", rows)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "records: bad.csv") {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "bad.csv" {
				t.Errorf("error %#v is not a *ParseError for bad.csv", err)
			}
		})
	}
}

// TestReadErrorNamesPath checks the message format of the documentation.
func TestReadErrorNamesPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results", "1-1")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "records.csv")
	in := headerV1 + strings.Repeat("sinc,deep-7,train,,1,loss,0.5\n", 15) + "sinc,deep-7,train,,1,loss,abc\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(path)
	want := "records: " + path + `:17: value: parsing "abc": invalid syntax`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if _, err := Read(filepath.Join(dir, "none.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want os.ErrNotExist", err)
	}
}

func TestOpenResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.csv")
	rows := sample()
	writeAll(t, path, rows[:3])
	// A run killed in the middle of a line.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("sinc,truth,gr")
	f.Close()

	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[3:] {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	checkRead(t, path, rows)
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, file, content string }{
		{"empty file gets a header", "empty.csv", ""},
		{"header only", "header.csv", header},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			os.WriteFile(path, []byte(c.content), 0o644)
			w, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(sample()[0])
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if rows, err := Read(path); err != nil || len(rows) != 1 {
				t.Errorf("got %v, %v", rows, err)
			}
		})
	}
	for _, c := range []struct{ name, content, want string }{
		{"wrong header", "a,b,c\nx,y,z\n", ":1: header: missing column"},
		{"incomplete header", "run,model", "incomplete header line"},
		{"schema version 1", headerV1 + "a,m,train,1,,loss,2\n", ":1: older schema: schema version 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.csv")
			os.WriteFile(path, []byte(c.content), 0o644)
			if _, err := Open(path); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("got %v, want an error naming %s and containing %q", err, path, c.want)
			}
			if data, _ := os.ReadFile(path); string(data) != c.content {
				t.Errorf("Open changed a file it refused: %q", data)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		if _, err := Open(filepath.Join(dir, "none.csv")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("got %v, want os.ErrNotExist", err)
		}
	})
}

// formatRows writes rows as a records.csv file in memory (for the fuzz test).
func formatRows(rows Table) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(Columns[:])
	var cells []string
	for _, r := range rows {
		cells = r.cells(cells)
		w.Write(cells)
	}
	w.Flush()
	return buf.Bytes()
}

func FuzzParse(f *testing.F) {
	f.Add(formatRows(sample()))
	f.Add([]byte(headerV1 + "a,m,train,1,,loss,2\na,m,train,1,,loss"))
	f.Add([]byte(headerV1 + "a,m,,,,params,1e6\r\n"))
	f.Add([]byte(header + "a,m,train,7,1,,loss,2\na,m,,,,,params,1e6\n"))
	f.Add([]byte(headerV1 + `"x""y",m,test,0,0.5,accuracy,0x1p-2` + "\n"))
	f.Add([]byte("run,model\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Parse(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "records: fuzz.csv") {
				t.Fatalf("error %v is not a ParseError naming the file", err)
			}
			return
		}
		for i, r := range rows {
			if err := r.Validate(); err != nil {
				t.Fatalf("row %d %v accepted but invalid: %v", i, r, err)
			}
		}
		again, err := Parse(bytes.NewReader(formatRows(rows)), "again.csv")
		if err != nil {
			t.Fatalf("rows %v do not read back: %v", rows, err)
		}
		if !equalRows(rows, again) {
			t.Fatalf("round trip changed rows:\n%v\n%v", rows, again)
		}
	})
}
