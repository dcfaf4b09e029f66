package report

import (
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"hw1/plots"
	"hw1/problems/records"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sectionHTML returns the HTML of the section of a problem.
func sectionHTML(t *testing.T, page, problem string) string {
	t.Helper()
	start := strings.Index(page, `<section class="card problem`)
	for start >= 0 {
		end := strings.Index(page[start:], "</section>")
		if end < 0 {
			t.Fatalf("unterminated section")
		}
		s := page[start : start+end]
		if strings.Contains(s, `data-problem="`+problem+`"`) {
			return s
		}
		next := strings.Index(page[start+end:], `<section class="card problem`)
		if next < 0 {
			break
		}
		start += end + next
	}
	t.Fatalf("no section for problem %s", problem)
	return ""
}

var srcRE = regexp.MustCompile(`(?:src|href)="([^"#][^"]*)"`)

// checkLinks checks that every relative src and href of page resolves to a file in out.
func checkLinks(t *testing.T, out, page string, re *regexp.Regexp) int {
	t.Helper()
	n := 0
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
		if err != nil {
			t.Errorf("link %q: %v", m[1], err)
			continue
		}
		if u.IsAbs() || strings.HasPrefix(u.Path, "/") {
			t.Errorf("link %q is not relative", m[1])
			continue
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(u.Path))); err != nil {
			t.Errorf("link %q: %v", m[1], err)
		}
		n++
	}
	return n
}

func TestWriteSections(t *testing.T) {
	out, sections := fixture(t)
	htmlPath, mdPath, err := Write(out, sections)
	if err != nil {
		t.Fatal(err)
	}
	if htmlPath != filepath.Join(out, "report.html") || mdPath != filepath.Join(out, "report.md") {
		t.Fatalf("paths %s, %s", htmlPath, mdPath)
	}
	page := readFile(t, htmlPath)
	mdText := readFile(t, mdPath)

	t.Run("header", func(t *testing.T) {
		for _, want := range []string{"0.1.0-test", "2.15.1", "/opt/tf/lib/libtensorflow.so.2", "<dd>cpu</dd>", "<dd>2</dd>", "<dd>quick</dd>", "functions; digits", "33 min 08 s in total", "1 ok, 1 failed, 1 interrupted, 1 not run"} {
			if !strings.Contains(page, want) {
				t.Errorf("header lacks %q", want)
			}
		}
		if strings.Contains(page, "<script") || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
			t.Error("the page has a script or an external resource")
		}
	})

	cases := []struct {
		problem, status string
		want, not       []string
	}{
		{"1-1", "ok", []string{
			"Simulate a function", "Does a deep network fit", `<span class="badge ok">ok</span>`, "wall time 1 min 23 s",
			"<span class=\"label\">Answer.</span>On sinc the best fit is deep-7", "<p>On sign the best fit is deep-7 (0.0031).</p>",
			`<th class="key">depths</th><td>1, 2, 7</td>`, `<th class="key">lr</th><td>0.001</td>`, `<th class="key">epochs</th><td>2000</td>`,
			"101, 102, 103, 104, 105, 106, …, 112 (12 seeds)", "functions (512 train, 0 test)",
			`src="1-1/figures/loss-sinc.png"`, `href="1-1/figures/loss-sinc.svg"`, "when fitting sign.",
			`<th class="num key">final_<wbr>loss</th><th class="num key">params</th>`, `<td class="key">sinc/deep-7</td><td class="num">0.000123</td><td class="num">571</td>`,
			`<td class="key">best_ratio</td><td class="num">NaN</td>`, "The grid has 1,000 points",
		}, []string{"alert", "<details>"}},
		{"2-2", "failed", []string{
			`<span class="badge failed">failed</span>`, "The run failed:", "tfgraph: loss diverged at step 12 (loss NaN)",
			"Problems with this section:", "figure minimal-ratio: missing records", "None: the run did not finish",
		}, []string{"<figure"}},
		{"3-1", "interrupted", []string{
			`<span class="badge interrupted">interrupted</span>`, "--resume", `src="3-1/figures/random-labels.png"`,
			`<td class="key">random</td><td class="num">12</td><td class="num">0.31</td>`,
		}, []string{"The run failed"}},
		{"3-3", "not run", []string{
			`<span class="badge notrun">not run</span>`, "Are models trained with larger batches sharper?", "Not run.", "no manifest.json in",
		}, []string{"<h3>Settings", "Answer.", "<figure"}},
	}
	for _, c := range cases {
		t.Run(c.problem, func(t *testing.T) {
			s := sectionHTML(t, page, c.problem)
			if !strings.Contains(s, `data-status="`+c.status+`"`) {
				t.Errorf("status is not %s", c.status)
			}
			for _, w := range c.want {
				if !strings.Contains(s, w) {
					t.Errorf("section lacks %q", w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(s, w) {
					t.Errorf("section has %q", w)
				}
			}
			if !strings.Contains(page, `<a href="#problem-`+c.problem+`">`+c.problem+`</a>`) {
				t.Error("overview does not link the section")
			}
			anchor := "<a id=\"problem-" + c.problem + "\"></a>"
			if !strings.Contains(mdText, anchor) {
				t.Errorf("markdown lacks %s", anchor)
			}
		})
	}

	t.Run("links", func(t *testing.T) {
		if n := checkLinks(t, out, page, srcRE); n != 6 {
			t.Errorf("%d file links in the HTML, want 6 (3 images, 3 SVGs)", n)
		}
		if n := checkLinks(t, out, mdText, regexp.MustCompile(`!\[[^\]]*\]\(([^)]*)\)`)); n != 3 {
			t.Errorf("%d images in the Markdown, want 3", n)
		}
	})

	t.Run("markdown", func(t *testing.T) {
		for _, want := range []string{
			"# hw1 report", "## 1-1 · Simulate a function", "**Status:** failed", "**The run failed:** tfgraph: loss diverged at step 12 (loss NaN)",
			"> **Question.** Are models trained with larger batches sharper?", "**Answer.** On sinc the best fit is deep-7",
			"| sinc/deep-7 | 0.000123 | 571 |", "*loss-sinc.* Training loss", "- The grid has 1,000 points", "| depths | 1, 2, 7 |",
		} {
			if !strings.Contains(mdText, want) {
				t.Errorf("markdown lacks %q", want)
			}
		}
	})
}

func TestWriteEscapes(t *testing.T) {
	out := t.TempDir()
	evil := `<script>alert("x")</script> & 'q' | *b* _i_ [l](javascript:x) # h`
	m := &records.Manifest{
		Problem: "9-9", Status: records.StatusOK, Start: time.Unix(0, 0),
		Settings: map[string]any{"name<b>": evil}, Summary: flatSummary(map[string]float64{"a</td>/x": 1, "a</td>/y": 2, "b/x": 3, "b/y": 4}),
		Notes: []string{evil}, Dataset: records.Dataset{Name: evil},
	}
	sections := []Section{{
		Problem: "9-9<i>", Title: evil, Question: evil, Answer: evil, Manifest: m, Err: evil,
		Figures: []plots.Drawn{{FigureInfo: plots.FigureInfo{Name: `f"><img src=x onerror=alert(1)>`, Caption: evil}, Files: []string{filepath.Join(out, "none.png")}}},
	}}
	htmlPath, mdPath, err := Write(out, sections)
	if err != nil {
		t.Fatal(err)
	}
	page, mdText := readFile(t, htmlPath), readFile(t, mdPath)
	for _, bad := range []string{"<script", "name<b>", "9-9<i>", "</td>/", "<img src=x", `"x"`} {
		if strings.Contains(page, bad) {
			t.Errorf("HTML holds unescaped %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;") {
		t.Error("HTML lacks the escaped text")
	}
	for _, bad := range []string{"<script", "<b>", "<i>", "</td>", "<img", "[l](", "*b*", "_i_"} {
		if strings.Contains(mdText, bad) {
			i := strings.Index(mdText, bad)
			t.Logf("...%s...", mdText[max(0, i-80):min(len(mdText), i+80)])
			t.Errorf("Markdown holds unescaped %q", bad)
		}
	}
	if !strings.Contains(mdText, `&lt;script&gt;alert("x")&lt;/script&gt; &amp; 'q' \| \*b\* \_i\_ \[l\](javascript:x) \# h`) {
		t.Error("Markdown lacks the escaped text")
	}
}

var timeUnix0 = time.Unix(0, 0)

func TestWriteMissingFigure(t *testing.T) {
	out := t.TempDir()
	sections := []Section{{
		Problem: "1-2", Title: "Train on actual tasks", Manifest: &records.Manifest{Problem: "1-2", Status: records.StatusOK, Start: timeUnix0},
		Figures: []plots.Drawn{
			{FigureInfo: plots.FigureInfo{Name: "loss-digits", Caption: "gone"}, Files: []string{filepath.Join(out, "1-2", "figures", "loss-digits.png")}},
			{FigureInfo: plots.FigureInfo{Name: "nothing", Caption: "no files"}},
		},
	}}
	htmlPath, mdPath, err := Write(out, sections)
	if err != nil {
		t.Fatal(err)
	}
	page, mdText := readFile(t, htmlPath), readFile(t, mdPath)
	if strings.Contains(page, "<img") || strings.Contains(mdText, "![") {
		t.Error("a missing figure is shown as an image")
	}
	for _, want := range []string{"Figure loss-digits: file missing: ", "Figure nothing: no image file was drawn", "This problem computed no answer."} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

func TestWriteCollapsesLargeSummaries(t *testing.T) {
	for _, c := range []struct {
		name     string
		keys     int
		collapse bool
	}{{"few", 10, false}, {"limit", collapseRows, false}, {"many", 120, true}} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			sum := map[string]float64{}
			for i := range c.keys {
				sum[fmt.Sprintf("model-%d", i)] = float64(i) / 7
			}
			m := &records.Manifest{Problem: "3-2", Status: records.StatusOK, Start: timeUnix0, Summary: flatSummary(sum)}
			htmlPath, _, err := Write(out, []Section{{Problem: "3-2", Manifest: m}})
			if err != nil {
				t.Fatal(err)
			}
			page := readFile(t, htmlPath)
			if got := strings.Contains(page, "<details><summary>Show all "); got != c.collapse {
				t.Errorf("collapsed %v, want %v", got, c.collapse)
			}
			if strings.Count(page, `<td class="key">model-`) != c.keys {
				t.Errorf("not every key is in the table")
			}
			if c.keys > 12 && strings.Index(page, ">model-9<") > strings.Index(page, ">model-10<") {
				t.Error("keys are not in natural order")
			}
		})
	}
}

func TestWriteReplacesAtomically(t *testing.T) {
	out := t.TempDir()
	for _, title := range []string{"first", "second"} {
		if _, _, err := Write(out, []Section{{Problem: "1-1", Title: title}}); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "report.html report.md" {
		t.Errorf("folder holds %v, want only the two reports", names)
	}
	if page := readFile(t, filepath.Join(out, "report.html")); !strings.Contains(page, "second") || strings.Contains(page, "first") {
		t.Error("the second report did not replace the first")
	}
	if _, _, err := Write(filepath.Join(out, "report.html", "sub"), nil); err == nil {
		t.Error("no error for an output folder that cannot be created")
	}
}

func TestSummaryTables(t *testing.T) {
	render := func(ts []table) string { return renderTables(ts, false) }
	for _, c := range []struct {
		name string
		sum  map[string]float64
		want string
	}{
		{"empty", nil, ""},
		{"flat", map[string]float64{"runs": 3, "b/x": 1, "a": 2}, "key|value: a=2 b/x=1 runs=3"},
		{"by prefix", map[string]float64{
			"digits/cnn-1/params": 1000, "digits/cnn-1/test_accuracy": 0.98,
			"digits/cnn-10/params": 3000, "digits/cnn-10/test_accuracy": 0.99,
			"digits/cnn-2/params": 2000, "digits/cnn-2/test_accuracy": 0.985,
			"minimal_ratio/min": 0.1, "minimal_ratio/max": 0.9, "runs": 3, "lonely/x": 1,
		}, "|params|test_accuracy: digits/cnn-1=1000;0.98 digits/cnn-2=2000;0.985 digits/cnn-10=3000;0.99\n" +
			"key|value: lonely/x=1 minimal_ratio/max=0.9 minimal_ratio/min=0.1 runs=3"},
		{"by model", map[string]float64{
			"sinc/deep-7/final_loss": 0.001, "sign/deep-7/final_loss": 0.2, "deep-7/params": 568,
			"sinc/shallow-1/final_loss": 0.08, "sign/shallow-1/final_loss": 0.3, "shallow-1/params": 601, "trainings": 4,
		}, "|params|sign/final_loss|sinc/final_loss: deep-7=568;0.2;0.001 shallow-1=601;0.3;0.08\nkey|value: trainings=4"},
		{"too wide", map[string]float64{
			"a/c1": 1, "a/c2": 1, "a/c3": 1, "a/c4": 1, "a/c5": 1, "a/c6": 1, "a/c7": 1, "a/c8": 1, "a/c9": 1, "a/c10": 1, "a/c11": 1,
			"b/c1": 1, "b/c2": 1, "b/c3": 1, "b/c4": 1, "b/c5": 1, "b/c6": 1, "b/c7": 1, "b/c8": 1, "b/c9": 1, "b/c10": 1, "b/c11": 1,
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := render(summaryTables(c.sum))
			if c.name == "too wide" {
				if strings.Count(got, "\n") != 0 || !strings.HasPrefix(got, "key|value:") || strings.Count(got, "=") != 22 {
					t.Errorf("got %s, want one flat table of 22 keys", got)
				}
				return
			}
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {571, "571"}, {1234, "1234"}, {12345, "12,345"}, {-1234567, "-1,234,567"},
		{0.98123, "0.9812"}, {0.000123, "0.000123"}, {1.5e-7, "1.5e-7"}, {123456.7, "1.235e5"}, {2.5, "2.5"},
		{math.NaN(), "NaN"}, {math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"},
	} {
		if got := formatNumber(c.v); got != c.want {
			t.Errorf("formatNumber(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{0.001, "0.001"}, {0.1234567, "0.1234567"}, {2000.0, "2000"}, {20000, "20,000"}, {uint64(7), "7"},
		{"", "(empty)"}, {true, "true"}, {[]int{16, 64, 256}, "16, 64, 256"}, {[]any{1.0, "a"}, "1, a"}, {nil, "(none)"}, {[]string{}, "(none)"},
	} {
		if got := formatValue(c.v); got != c.want {
			t.Errorf("formatValue(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		s    float64
		want string
	}{{4.24, "4.2 s"}, {83.4, "1 min 23 s"}, {3599.6, "60 min 00 s"}, {7260, "2 h 01 min"}, {-1, "?"}} {
		if got := formatSeconds(c.s); got != c.want {
			t.Errorf("formatSeconds(%v) = %q, want %q", c.s, got, c.want)
		}
	}
	if got := formatSeeds([]int64{1, 2, 3}); got != "1, 2, 3" {
		t.Errorf("formatSeeds = %q", got)
	}
}

func TestNaturalLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"seed-9", "seed-10", true}, {"seed-10", "seed-9", false}, {"a", "b", true}, {"a", "a1", true},
		{"x01", "x1", false}, {"x1", "x01", true}, {"batch-64/x", "batch-1024/x", true}, {"same", "same", false},
	} {
		if got := naturalLess(c.a, c.b); got != c.want {
			t.Errorf("naturalLess(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// renderTables writes each table on one line, "title#corner|col|col: label=cell;cell
// label=cell;cell", without "title#" unless title is true.
func renderTables(ts []table, title bool) string {
	var lines []string
	for _, tb := range ts {
		l := tb.Corner + "|" + strings.Join(tb.Columns, "|") + ":"
		if title {
			l = tb.Title + "#" + l
		}
		for _, r := range tb.Rows {
			l += " " + r.Label + "=" + strings.Join(r.Cells, ";")
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}
