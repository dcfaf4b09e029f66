package records

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// ErrEmpty is the error (wrapped in a ParseError) for a file without a header line.
var ErrEmpty = errors.New("empty file")

// ParseError is an error in a records.csv file. Line counts from 1 (the header line);
// it is 0 when the error concerns the file as a whole.
type ParseError struct {
	File string
	Line int
	Err  error
}

// Error returns the error as "records: FILE:LINE: COLUMN: PROBLEM".
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("records: %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("records: %s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// Read reads and checks every row of the records.csv file at path. See Parse.
func Read(path string) (Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	return parse(data, path)
}

// Parse reads and checks every row of a records.csv file from r; name is used in error
// messages.
//
// The first line must be the header with exactly the columns of Columns, in order, or
// those of ColumnsV1 (schema version 1, without the seed column, whose rows get
// NoSeed). Every other line must be a complete, valid Row (see Row.Validate). A last line
// without its line end is an incomplete row left by a run that was killed while
// writing: Parse drops it and keeps every complete row before it. Errors are
// *ParseError values naming the file, the line and the column.
func Parse(r io.Reader, name string) (Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("records: %s: %w", name, err)
	}
	return parse(data, name)
}

func parse(data []byte, name string) (Table, error) {
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		data = data[:i+1] // drop an incomplete last line
	}
	if len(data) == 0 {
		return nil, &ParseError{File: name, Err: ErrEmpty}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err)
	}
	version, err := checkHeader(head)
	if err != nil {
		return nil, &ParseError{File: name, Line: 1, Err: err}
	}
	want := len(Columns)
	if version == 1 {
		want = len(ColumnsV1)
	}
	v2 := make([]string, len(Columns))
	var rows Table
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(cells) != want {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("%d cells, want %d", len(cells), want)}
		}
		if version == 1 { // no seed cell: an empty one goes before the step
			cells = append(append(append(v2[:0], cells[:3]...), ""), cells[3:]...)
		}
		r, err := parseRow(cells)
		if err != nil {
			return nil, &ParseError{File: name, Line: line, Err: err}
		}
		rows = append(rows, r)
	}
	if rows == nil {
		rows = Table{}
	}
	return rows, nil
}

// csvError turns an encoding/csv error into a ParseError.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: pe.Line, Err: pe.Err}
	}
	return &ParseError{File: name, Err: err}
}

// checkHeader checks that head holds exactly the columns of Columns, or of ColumnsV1,
// in order, and returns the schema version they belong to. A header without a seed
// column is checked against ColumnsV1.
func checkHeader(head []string) (int, error) {
	version, want := SchemaVersion, Columns[:]
	if !slices.Contains(head, "seed") {
		version, want = 1, ColumnsV1[:]
	}
	var missing []string
	for _, c := range want {
		if !slices.Contains(head, c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		plural := ""
		if len(missing) > 1 {
			plural = "s"
		}
		return 0, fmt.Errorf("header: missing column%s %s", plural, strings.Join(missing, ", "))
	}
	if len(head) != len(want) {
		return 0, fmt.Errorf("header: %d columns %q, want %d %q", len(head), head, len(want), want)
	}
	for i, c := range want {
		if head[i] != c {
			return 0, fmt.Errorf("header: column %d is %q, want %q", i+1, head[i], c)
		}
	}
	return version, nil
}
