package report

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"hw1/problems/records"
)

// The browser test opens a report in headless Chromium, the way a reader sees it:
// scripts/install-test-deps.sh installs Debian's chromium package for "make test", and
// the test is skipped only where no Chromium is installed. Set HW1_REPORT_SCREENSHOT to
// a file name to keep the screenshot.

// chromium returns the path of a Chromium binary, or "" when none is installed.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// runChromium runs headless Chromium on a file with extra arguments and returns what
// it printed on standard output.
func runChromium(t *testing.T, bin, file string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,4000",
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(file)}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), u.String())...)
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// probe is appended to a copy of the report for the check: once the page has loaded,
// it writes onto <body> how many images there are, which failed to load, whether the
// page is wider than the window, and the height of every section.
const probe = `<script>
window.addEventListener("load", function () {
	var broken = [];
	for (const img of document.images) {
		if (!img.complete || img.naturalWidth === 0) broken.push(img.getAttribute("src"));
	}
	var b = document.body.dataset;
	b.images = document.images.length;
	b.broken = broken.join(" ");
	b.overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
	b.sections = Array.from(document.querySelectorAll("section.problem"), function (s) {
		return s.dataset.problem + ":" + s.getBoundingClientRect().height;
	}).join(" ");
	b.figures = Array.from(document.querySelectorAll("figure img"), function (i) {
		return i.getBoundingClientRect().width;
	}).join(" ");
	b.probe = "done";
});
</script>`

func TestReportInBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		missingDependency(t, "Chromium")
	}
	out, sections := fixture(t)
	htmlPath, _, err := Write(out, sections)
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(htmlPath)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("dom", func(t *testing.T) {
		attr := probePage(t, bin, abs)
		if got := attr["images"]; got != "3" {
			t.Errorf("%s images on the page, want 3", got)
		}
		if got := attr["broken"]; got != "" {
			t.Errorf("images that did not load: %s", got)
		}
		if got := attr["overflow"]; got != "0" {
			t.Errorf("the page is %s px wider than the window", got)
		}
		secs := strings.Fields(attr["sections"])
		if len(secs) != len(sections) {
			t.Errorf("%d sections shown, want %d", len(secs), len(sections))
		}
		for _, s := range secs {
			name, h, _ := strings.Cut(s, ":")
			if v, err := strconv.ParseFloat(h, 64); err != nil || v < 100 {
				t.Errorf("section %s is %s px high", name, h)
			}
		}
		for _, w := range strings.Fields(attr["figures"]) {
			if v, err := strconv.ParseFloat(w, 64); err != nil || v < 400 {
				t.Errorf("a figure is shown %s px wide", w)
			}
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "report.png")
		runChromium(t, bin, abs, "--screenshot="+shot)
		f, err := os.Open(shot)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 4000 {
			t.Errorf("screenshot is %dx%d, want 1280x4000", b.Dx(), b.Dy())
		}
		colors, top := colorStats(img)
		if colors < 200 || top > 0.9 {
			t.Errorf("screenshot looks blank: %d colours, the commonest covers %.0f%%", colors, 100*top)
		}
		if dst := os.Getenv("HW1_REPORT_SCREENSHOT"); dst != "" {
			if err := records.CopyFile(shot, dst); err != nil {
				t.Error(err)
			}
			t.Logf("screenshot kept in %s", dst)
		}
	})

	// The probe itself must see a figure that does not load.
	t.Run("probe sees a broken image", func(t *testing.T) {
		png := filepath.Join(out, "3-1", "figures", "random-labels.png")
		if err := os.Remove(png); err != nil {
			t.Fatal(err)
		}
		if got := probePage(t, bin, abs)["broken"]; got != "3-1/figures/random-labels.png" {
			t.Errorf("broken images %q, want the one removed", got)
		}
	})
}

// probePage opens a copy of the page with the probe script appended, beside it so
// that its relative links resolve alike, and returns the data attributes the probe
// wrote on <body>.
func probePage(t *testing.T, bin, page string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	check := filepath.Join(filepath.Dir(page), "report-check.html")
	if err := os.WriteFile(check, []byte(strings.Replace(string(b), "</body>", probe+"</body>", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(check)
	dom := string(runChromium(t, bin, check, "--virtual-time-budget=15000", "--dump-dom"))
	body := regexp.MustCompile(`<body[^>]*>`).FindString(dom)
	attr := map[string]string{}
	for _, m := range regexp.MustCompile(`\sdata-([a-z]+)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		attr[m[1]] = m[2]
	}
	if attr["probe"] != "done" {
		t.Fatalf("the page did not finish loading: <body> is %q\n%s", body, tail(dom, 1500))
	}
	return attr
}

// colorStats returns the number of distinct colours of an image and the share of its
// pixels that have the commonest one.
func colorStats(img image.Image) (int, float64) {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	return len(counts), float64(top) / float64(b.Dx()*b.Dy())
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
