package records

import (
	"bufio"
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

// ErrOldSchema is the error (wrapped) for appending to a records.csv file of an older
// schema version.
var ErrOldSchema = errors.New("older schema")

// Writer appends rows to a records.csv file. It buffers rows in memory; Flush hands
// them to the operating system and waits until they are on stable storage. A Writer is
// meant for use from one goroutine.
type Writer struct {
	f     *os.File
	csv   *csv.Writer
	path  string
	cells []string
	dirty bool // rows written since the last Flush
	err   error
}

// Create creates (or truncates) the file at path, writes the header line and flushes
// it. The file's directory must exist.
func Create(path string) (*Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	return startFile(f, path)
}

// Open opens an existing records.csv file for appending, as a resumed run does. It
// checks the header line and removes an incomplete last line (one without its line end,
// left by a run that was killed while writing), so that new rows start on a line of
// their own. An empty file gets the header line. A file of an older schema version
// (see ColumnsV1) is refused with an error wrapping ErrOldSchema, since its rows lack
// cells that new rows have. Open does not check the rows themselves; Read does.
func Open(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	fail := func(err error) (*Writer, error) {
		f.Close()
		return nil, err
	}
	head, err := readHeaderLine(f)
	if err != nil {
		return fail(fmt.Errorf("records: %s: %w", path, err))
	}
	if head == nil { // empty file
		return startFile(f, path)
	}
	version, err := checkHeader(head)
	if err != nil {
		return fail(&ParseError{File: path, Line: 1, Err: err})
	}
	if version != SchemaVersion {
		return fail(&ParseError{File: path, Line: 1, Err: fmt.Errorf("%w: schema version %d, this version appends rows of version %d; start the run over", ErrOldSchema, version, SchemaVersion)})
	}
	end, err := completeLength(f)
	if err != nil {
		return fail(fmt.Errorf("records: %s: %w", path, err))
	}
	if err := f.Truncate(end); err != nil {
		return fail(fmt.Errorf("records: %w", err))
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		return fail(fmt.Errorf("records: %w", err))
	}
	return newWriter(f, path), nil
}

func newWriter(f *os.File, path string) *Writer {
	return &Writer{f: f, csv: csv.NewWriter(f), path: path, cells: make([]string, 0, len(Columns))}
}

// startFile writes the header line to the empty file f, flushes it and returns the
// Writer that appends to f. It closes f when it fails.
func startFile(f *os.File, path string) (*Writer, error) {
	w := newWriter(f, path)
	if err := w.csv.Write(Columns[:]); err != nil {
		f.Close()
		return nil, fmt.Errorf("records: %s: %w", path, err)
	}
	w.dirty = true
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// readHeaderLine returns the cells of the first line of f, or nil for an empty file.
func readHeaderLine(f *os.File) ([]string, error) {
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if line == "" {
		return nil, nil
	}
	if !strings.HasSuffix(line, "\n") {
		return nil, errors.New("incomplete header line")
	}
	return csv.NewReader(strings.NewReader(line)).Read()
}

// completeLength returns the length of f up to and including its last line end.
func completeLength(f *os.File) (int64, error) {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 4096)
	for end := size; end > 0; {
		n := int64(len(buf))
		if n > end {
			n = end
		}
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return end - n + int64(i) + 1, nil
		}
		end -= n
	}
	return 0, nil
}

// Write appends one row. It returns an error, and writes nothing, when the row breaks
// the rules given on Row. After a failure to write to the file every call returns the
// same error.
func (w *Writer) Write(r Row) error {
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		return fmt.Errorf("records: %s: write after close", w.path)
	}
	if err := r.Validate(); err != nil {
		return fmt.Errorf("records: %s: %w", w.path, err)
	}
	w.cells = r.cells(w.cells)
	if err := w.csv.Write(w.cells); err != nil {
		w.err = fmt.Errorf("records: %s: %w", w.path, err)
		return w.err
	}
	w.dirty = true
	return nil
}

// Flush writes the buffered rows to the file and commits the file to stable storage
// (fsync). It costs nothing when no row was written since the last Flush.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		return fmt.Errorf("records: %s: flush after close", w.path)
	}
	if !w.dirty {
		return nil
	}
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		w.err = fmt.Errorf("records: %s: %w", w.path, err)
		return w.err
	}
	if err := w.f.Sync(); err != nil {
		w.err = fmt.Errorf("records: %w", err)
		return w.err
	}
	w.dirty = false
	return nil
}

// Close flushes the buffered rows and closes the file. Closing a closed Writer does
// nothing and returns nil.
func (w *Writer) Close() error {
	if w.f == nil {
		return nil
	}
	err := w.Flush()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("records: %w", cerr)
	}
	w.f = nil
	return err
}

// Path returns the path of the file w writes.
func (w *Writer) Path() string { return w.path }
