package records

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
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
// The first line must be the header with exactly the columns of Columns, in order.
// Every other line must be a complete, valid Row (see Row.Validate). A last line
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
	if err := checkHeader(head); err != nil {
		return nil, &ParseError{File: name, Line: 1, Err: err}
	}
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
		if len(cells) != len(Columns) {
			return nil, &ParseError{File: name, Line: line, Err: fmt.Errorf("%d cells, want %d", len(cells), len(Columns))}
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

// checkHeader checks that head holds exactly the columns of Columns, in order.
func checkHeader(head []string) error {
	have := make(map[string]bool, len(head))
	for _, h := range head {
		have[h] = true
	}
	var missing []string
	for _, c := range Columns {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		plural := ""
		if len(missing) > 1 {
			plural = "s"
		}
		return fmt.Errorf("header: missing column%s %s", plural, strings.Join(missing, ", "))
	}
	if len(head) != len(Columns) {
		return fmt.Errorf("header: %d columns %q, want %d %q", len(head), head, len(Columns), Columns[:])
	}
	for i, c := range Columns {
		if head[i] != c {
			return fmt.Errorf("header: column %d is %q, want %q", i+1, head[i], c)
		}
	}
	return nil
}
