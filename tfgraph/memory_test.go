package tfgraph

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// rssKiB returns the resident set size of this process in KiB.
func rssKiB(t *testing.T) float64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		missingDependency(t, "/proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			v, err := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatal("VmRSS not found")
	return 0
}

// TestNoMemoryGrowthAcrossEpochs trains for 20 epochs (2,500 steps, with evaluation
// and parameter reads every epoch) and checks that the resident memory stops growing
// after warm-up: tensors, feeds and sessions are released.
func TestNoMemoryGrowthAcrossEpochs(t *testing.T) {
	train := classification(4000, []int{64}, 10, 30)
	test := classification(1000, []int{64}, 10, 31)
	m := newModel(t, MLP("mem", 64, []int{128, 64}, 10, ReLU, CrossEntropy), train, test, Config{Seed: 1, Optimizer: Optimizer{Kind: Adam}})
	var rss []float64
	for e := 0; e < 20; e++ {
		if _, err := m.TrainEpoch(32, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := m.Evaluate(Test); err != nil {
			t.Fatal(err)
		}
		if _, err := m.GetParams(); err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		rss = append(rss, rssKiB(t))
	}
	growth := rss[19] - rss[4]
	t.Logf("RSS after epochs 5, 10, 20: %.0f, %.0f, %.0f KiB; growth over the last 15 epochs %.0f KiB", rss[4], rss[9], rss[19], growth)
	if growth > 4*1024 {
		t.Errorf("resident memory grew by %.0f KiB over 15 epochs (1,875 steps): a leak", growth)
	}
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
