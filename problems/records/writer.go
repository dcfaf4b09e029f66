package records

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

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
		w := newWriter(f, path)
		if err := w.csv.Write(Columns[:]); err != nil {
			return fail(fmt.Errorf("records: %s: %w", path, err))
		}
		w.dirty = true
		if err := w.Flush(); err != nil {
			return fail(err)
		}
		return w, nil
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
