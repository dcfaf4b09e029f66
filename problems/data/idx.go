package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// IDX magic numbers: two zero bytes, the element type 0x08 (unsigned byte) and the
// number of dimensions.
const (
	// MagicImages is the magic number of an IDX file of images: unsigned bytes, three
	// dimensions (count, rows, columns).
	MagicImages = 0x00000803
	// MagicLabels is the magic number of an IDX file of labels: unsigned bytes, one
	// dimension (count).
	MagicLabels = 0x00000801
)

const (
	// maxDataBytes bounds the data one file may hold or promise, in bytes.
	maxDataBytes = 1_000_000_000
	// maxDeflateRatio bounds how much DEFLATE can expand its input: 258 bytes per
	// two-bit code gives about 1032:1. A header promising more than that from the
	// compressed length lies.
	maxDeflateRatio = 1032
	// maxIDXDims bounds the number of dimensions of an IDX file.
	maxIDXDims = 8
)

// FileError reports a file that could not be read or does not hold what it claims.
// Its message names the file.
type FileError struct {
	Path string // the file's path or name
	Err  error  // what is wrong
}

// Error returns "data: <path>: <what is wrong>".
func (e *FileError) Error() string { return "data: " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// fileErrorf returns a FileError for path with a formatted message.
func fileErrorf(path, format string, args ...any) error {
	return &FileError{Path: path, Err: fmt.Errorf(format, args...)}
}

// IDX is the content of one IDX file of unsigned bytes.
type IDX struct {
	Magic uint32 // 0x0000080N for N dimensions, e.g. MagicImages or MagicLabels
	Dims  []int  // the dimensions, outermost first, e.g. [60000 28 28]
	Data  []byte // the product of Dims bytes, row-major
}

// isGzip reports whether b starts with the gzip magic bytes 0x1f 0x8b.
func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// ParseIDX decodes an IDX file of unsigned bytes from b, raw or gzip-compressed (told
// apart by the gzip magic bytes 0x1f 0x8b); name is the file's name for error messages.
//
// It checks that the dimensions agree with the length of the data, that the data stays
// below 1e9 bytes and, for gzip, that the stream is complete, its checksum is correct
// and the header promises no more than the compressed length can hold; it allocates
// only after these checks. A raw file's Data shares memory with b.
func ParseIDX(name string, b []byte) (*IDX, error) {
	var r io.Reader = bytes.NewReader(b)
	compressed := isGzip(b)
	if compressed {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fileErrorf(name, "not a valid gzip stream: %v", err)
		}
		r = zr
	}
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fileErrorf(name, "too short for an IDX header: %v", readErr(err))
	}
	magic := binary.BigEndian.Uint32(head[:])
	if head[0] != 0 || head[1] != 0 {
		return nil, fileErrorf(name, "bad magic number 0x%08x: not an IDX file (want 0x%08x for images or 0x%08x for labels)", magic, MagicImages, MagicLabels)
	}
	if head[2] != 0x08 {
		return nil, fileErrorf(name, "bad magic number 0x%08x: element type 0x%02x is not unsigned byte (0x08)", magic, head[2])
	}
	nd := int(head[3])
	if nd < 1 || nd > maxIDXDims {
		return nil, fileErrorf(name, "bad magic number 0x%08x: %d dimensions (want 1 to %d)", magic, nd, maxIDXDims)
	}
	dimBytes := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, dimBytes); err != nil {
		return nil, fileErrorf(name, "header truncated in the %d dimensions: %v", nd, readErr(err))
	}
	dims := make([]int, nd)
	total := int64(1)
	for i := range dims {
		d := int64(binary.BigEndian.Uint32(dimBytes[4*i:]))
		dims[i] = int(d)
		if d > maxDataBytes {
			return nil, fileErrorf(name, "dimension %d is %d, more than the %d-byte limit", i, d, maxDataBytes)
		}
		if total *= d; total > maxDataBytes {
			return nil, fileErrorf(name, "dimensions %v promise more than the %d-byte limit", dims[:i+1], maxDataBytes)
		}
	}
	headerLen := int64(4 + 4*nd)
	if !compressed {
		if have := int64(len(b)) - headerLen; have != total {
			return nil, fileErrorf(name, "dimensions %v promise %d bytes of data, the file holds %d", dims, total, have)
		}
		return &IDX{Magic: magic, Dims: dims, Data: b[headerLen:]}, nil
	}
	if limit := int64(len(b)) * maxDeflateRatio; total > limit {
		return nil, fileErrorf(name, "dimensions %v promise %d bytes of data, more than %d gzip bytes can hold", dims, total, len(b))
	}
	data := make([]byte, total)
	if n, err := io.ReadFull(r, data); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fileErrorf(name, "truncated: dimensions %v promise %d bytes of data, the file holds %d", dims, total, n)
		}
		return nil, fileErrorf(name, "corrupt gzip stream after %d bytes of data: %v", n, err)
	}
	switch n, err := io.CopyN(io.Discard, r, 1); {
	case n > 0:
		return nil, fileErrorf(name, "more data than dimensions %v promise (%d bytes)", dims, total)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fileErrorf(name, "truncated gzip stream: the end of the stream is missing")
	case err != io.EOF:
		return nil, fileErrorf(name, "corrupt gzip stream after the data: %v", err)
	}
	return &IDX{Magic: magic, Dims: dims, Data: data}, nil
}

// readErr turns the end-of-file errors of io.ReadFull into a plain explanation.
func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file ends early")
	}
	return err
}

// WriteIDX writes dims and data to w as a raw IDX file of unsigned bytes. It returns
// an error if the product of dims differs from len(data) or a dimension does not fit
// the format.
func WriteIDX(w io.Writer, dims []int, data []byte) error {
	if len(dims) < 1 || len(dims) > maxIDXDims {
		return fmt.Errorf("data: IDX needs 1 to %d dimensions, got %d", maxIDXDims, len(dims))
	}
	head := make([]byte, 4+4*len(dims))
	head[2], head[3] = 0x08, byte(len(dims))
	total := 1
	for i, d := range dims {
		if d < 0 || int64(d) > maxDataBytes {
			return fmt.Errorf("data: IDX dimension %d is %d, outside [0,%d]", i, d, maxDataBytes)
		}
		binary.BigEndian.PutUint32(head[4+4*i:], uint32(d))
		total *= d
	}
	if total != len(data) {
		return fmt.Errorf("data: IDX dimensions %v need %d bytes, got %d", dims, total, len(data))
	}
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("data: writing IDX header: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("data: writing IDX data: %w", err)
	}
	return nil
}

// readFile reads a whole regular file of at most maxDataBytes+1 KiB.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if !st.Mode().IsRegular() {
		return nil, fileErrorf(path, "not a regular file")
	}
	if st.Size() > maxDataBytes+1024 {
		return nil, fileErrorf(path, "%d bytes, more than the %d-byte limit", st.Size(), maxDataBytes)
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fileErrorf(path, "reading: %v", readErr(err))
	}
	return b, nil
}

// pixelScale maps a byte to its float32 value in [0,1].
var pixelScale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// idxImages decodes an IDX image file (MagicImages) into its example count, the
// per-example shape [rows cols 1] and the pixels scaled to [0,1].
func idxImages(name string, b []byte) (n int, shape []int, x []float32, err error) {
	f, err := ParseIDX(name, b)
	if err != nil {
		return 0, nil, nil, err
	}
	if f.Magic != MagicImages {
		return 0, nil, nil, fileErrorf(name, "magic number 0x%08x, want 0x%08x for images", f.Magic, MagicImages)
	}
	n, rows, cols := f.Dims[0], f.Dims[1], f.Dims[2]
	if n == 0 || rows == 0 || cols == 0 {
		return 0, nil, nil, fileErrorf(name, "no images: dimensions %v", f.Dims)
	}
	x = make([]float32, len(f.Data))
	for i, v := range f.Data {
		x[i] = pixelScale[v]
	}
	return n, []int{rows, cols, 1}, x, nil
}

// idxLabels decodes an IDX label file (MagicLabels) and checks every label is in
// [0,classes).
func idxLabels(name string, b []byte, classes int) ([]int32, error) {
	f, err := ParseIDX(name, b)
	if err != nil {
		return nil, err
	}
	if f.Magic != MagicLabels {
		return nil, fileErrorf(name, "magic number 0x%08x, want 0x%08x for labels", f.Magic, MagicLabels)
	}
	if len(f.Data) == 0 {
		return nil, fileErrorf(name, "no labels")
	}
	labels := make([]int32, len(f.Data))
	for i, v := range f.Data {
		if int(v) >= classes {
			return nil, fileErrorf(name, "label %d at index %d is out of range [0,%d)", v, i, classes)
		}
		labels[i] = int32(v)
	}
	return labels, nil
}

// idxSet decodes a pair of IDX files, images and labels, into a Set.
func idxSet(imagesName string, images []byte, labelsName string, labels []byte, classes int) (*Set, error) {
	n, shape, x, err := idxImages(imagesName, images)
	if err != nil {
		return nil, err
	}
	y, err := idxLabels(labelsName, labels, classes)
	if err != nil {
		return nil, err
	}
	if len(y) != n {
		return nil, fileErrorf(labelsName, "%d labels for the %d images of %s", len(y), n, imagesName)
	}
	return &Set{X: x, Labels: y, Shape: shape, N: n, Classes: classes}, nil
}

// readIDXSet reads a pair of IDX files, images and labels, into a Set.
func readIDXSet(imagesPath, labelsPath string, classes int) (*Set, error) {
	images, err := readFile(imagesPath)
	if err != nil {
		return nil, err
	}
	labels, err := readFile(labelsPath)
	if err != nil {
		return nil, err
	}
	return idxSet(imagesPath, images, labelsPath, labels, classes)
}
