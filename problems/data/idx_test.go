package data

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestIDXRoundTrip(t *testing.T) {
	f := newFixture(1, 7, 3, 5, 4)
	for _, gz := range []bool{false, true} {
		name := map[bool]string{false: "raw", true: "gzip"}[gz]
		t.Run(name, func(t *testing.T) {
			images := idxBytes(t, []int{f.nTrain, f.rows, f.cols}, f.trainX)
			labels := idxBytes(t, []int{f.nTrain}, f.trainY)
			if gz {
				images, labels = gzipBytes(t, images), gzipBytes(t, labels)
			}
			got, err := ParseIDX("images", images)
			if err != nil {
				t.Fatal(err)
			}
			if got.Magic != MagicImages || len(got.Dims) != 3 || got.Dims[0] != 7 || got.Dims[1] != 5 || got.Dims[2] != 4 || !bytes.Equal(got.Data, f.trainX) {
				t.Fatalf("ParseIDX: magic 0x%08x dims %v, data equal %v", got.Magic, got.Dims, bytes.Equal(got.Data, f.trainX))
			}
			s, err := idxSet("images", images, "labels", labels, 10)
			if err != nil {
				t.Fatal(err)
			}
			checkSet(t, s, []int{5, 4, 1}, f.trainX, f.trainY)
		})
	}
}

func TestWriteIDXErrors(t *testing.T) {
	tests := []struct {
		name string
		dims []int
		data []byte
		want string
	}{
		{"no dimensions", nil, nil, "1 to 8 dimensions"},
		{"negative dimension", []int{-1}, nil, "outside"},
		{"length disagrees", []int{2, 2}, []byte{1, 2, 3}, "need 4 bytes, got 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteIDX(&bytes.Buffer{}, tc.dims, tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "data: ") {
				t.Fatalf("WriteIDX(%v) error %v, want one containing %q", tc.dims, err, tc.want)
			}
		})
	}
}

// header returns an IDX header with the given magic and dimensions, and no data.
func header(magic uint32, dims ...uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

// TestIDXHostile feeds files that lie and checks each gives an error that names the
// offending file and says what is wrong.
func TestIDXHostile(t *testing.T) {
	goodImages := idxBytes(t, []int{4, 3, 3}, randomBytes(5, 36, 256))
	goodLabels := idxBytes(t, []int{4}, []byte{0, 1, 2, 9})
	gzImages := gzipBytes(t, goodImages)
	badCRC := bytes.Clone(gzImages)
	badCRC[len(badCRC)-6] ^= 0xff // inside the CRC-32 of the gzip trailer
	tests := []struct {
		name           string
		images, labels []byte
		blame          string // the file the error must name
		want           string // what the error must say
	}{
		{"empty file", nil, goodLabels, "img", "too short"},
		{"text file", []byte("this is not an IDX file"), goodLabels, "img", "bad magic"},
		{"float elements", header(0x00000d03, 4, 3, 3), goodLabels, "img", "not unsigned byte"},
		{"zero dimensions", header(0x00000800), goodLabels, "img", "0 dimensions"},
		{"labels as images", goodLabels, goodLabels, "img", "want 0x00000803"},
		{"images as labels", goodImages, goodImages, "lbl", "want 0x00000801"},
		{"header cut in the dimensions", header(MagicImages, 4, 3, 3)[:10], goodLabels, "img", "header truncated"},
		{"one byte short", goodImages[:len(goodImages)-1], goodLabels, "img", "promise 36 bytes of data, the file holds 35"},
		{"one byte extra", append(bytes.Clone(goodImages), 0), goodLabels, "img", "promise 36 bytes of data, the file holds 37"},
		{"absurd dimension", header(MagicImages, 0xffffffff, 28, 28), goodLabels, "img", "limit"},
		{"absurd product", header(MagicImages, 60000, 60000, 60000), goodLabels, "img", "limit"},
		{"no images", header(MagicImages, 0, 28, 28), goodLabels, "img", "no images"},
		{"no labels", goodImages, header(MagicLabels, 0), "lbl", "no labels"},
		{"gzip promising more than it can hold", gzipBytes(t, header(MagicImages, 900, 1000, 1000)), goodLabels, "img", "more than"},
		{"truncated gzip", gzImages[:len(gzImages)/2], goodLabels, "img", "truncated"},
		{"gzip without its trailer", gzImages[:len(gzImages)-8], goodLabels, "img", "truncated gzip"},
		{"gzip with a bad checksum", badCRC, goodLabels, "img", "corrupt gzip"},
		{"gzip with extra data", gzipBytes(t, append(bytes.Clone(goodImages), 1, 2)), goodLabels, "img", "more data than"},
		{"gzip magic only", []byte{0x1f, 0x8b}, goodLabels, "img", "not a valid gzip"},
		{"gzip one byte short", gzipBytes(t, goodImages[:len(goodImages)-1]), goodLabels, "img", "truncated"},
		{"label out of range", goodImages, idxBytes(t, []int{4}, []byte{0, 1, 10, 2}), "lbl", "label 10 at index 2 is out of range"},
		{"fewer labels than images", goodImages, idxBytes(t, []int{3}, []byte{0, 1, 2}), "lbl", "3 labels for the 4 images"},
		{"more labels than images", goodImages, idxBytes(t, []int{5}, []byte{0, 1, 2, 3, 4}), "lbl", "5 labels for the 4 images"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := idxSet("img", tc.images, "lbl", tc.labels, 10)
			if err == nil {
				t.Fatalf("no error; got a set of %d examples", s.N)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != tc.blame {
				t.Fatalf("error %q does not blame %s", err, tc.blame)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "data: "+tc.blame+": ") || !strings.Contains(msg, tc.want) {
				t.Fatalf("error %q, want it to start with \"data: %s: \" and contain %q", msg, tc.blame, tc.want)
			}
		})
	}
}

// TestIDXNoHugeAllocation checks that a small gzip file whose header promises close to
// the limit is refused without allocating what it promises.
func TestIDXNoHugeAllocation(t *testing.T) {
	bomb := gzipBytes(t, header(MagicImages, 999, 1000, 1000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ParseIDX("bomb.gz", bomb)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("no error for a gzip file promising 999 MB")
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("allocated %d bytes to refuse a %d-byte file", grew, len(bomb))
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing", filepath.Join(dir, "nope"), "no such file"},
		{"directory", dir, "not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readFile(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("readFile(%s) error %v, want one naming the file and saying %q", tc.path, err, tc.want)
			}
		})
	}
	if err := os.WriteFile(filepath.Join(dir, "ok"), []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := readFile(filepath.Join(dir, "ok")); err != nil || !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Fatalf("readFile = %v, %v; want [1 2 3]", b, err)
	}
}
