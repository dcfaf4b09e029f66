package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed template.html
var pageHTML string

// pageTemplate renders a page as HTML; html/template escapes every value by context.
var pageTemplate = template.Must(template.New("report.html").Funcs(template.FuncMap{"wbr": wbr}).Parse(pageHTML))

// wbr escapes s for HTML and lets the browser break the line after each underscore
// and slash, so that long keys ("final_train_accuracy") wrap in narrow table headers.
func wbr(s string) template.HTML {
	e := template.HTMLEscapeString(s)
	e = strings.ReplaceAll(e, "_", "_<wbr>")
	e = strings.ReplaceAll(e, "/", "/<wbr>")
	return template.HTML(e)
}

// writeMarkdown renders a page as Markdown with the same content as the HTML page:
// every text is escaped, figures are relative image links.
func writeMarkdown(w io.Writer, p *page) {
	pr := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	pr("# hw1 report\n\n")
	pr("Deep versus shallow networks, how optimization moves, and what makes a network generalize. Generated %s", md(p.Generated))
	if p.Counts != "" {
		pr(" · %s", md(p.Counts))
	}
	pr(".\n\n")
	for _, f := range p.Facts {
		pr("- **%s:** %s\n", md(f.Label), md(f.Value))
	}
	pr("\n## Problems\n\n")
	pr("| Problem | Title | Status | Figures | Wall time |\n|---|---|---|--:|--:|\n")
	for _, s := range p.Sections {
		wall := s.Wall
		if wall == "" {
			wall = "–"
		}
		pr("| [%s](#%s) | %s | %s | %d | %s |\n", md(s.Problem), s.Anchor, md(s.Title), md(s.Status), len(s.Figures), md(wall))
	}
	for _, s := range p.Sections {
		writeMarkdownSection(w, &s)
	}
}

func writeMarkdownSection(w io.Writer, s *section) {
	pr := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	pr("\n<a id=\"%s\"></a>\n\n## %s · %s\n\n", s.Anchor, md(s.Problem), md(s.Title))
	pr("**Status:** %s", md(s.Status))
	if s.Wall != "" {
		pr(" · wall time %s", md(s.Wall))
	}
	pr("\n\n")
	if s.Question != "" {
		pr("> **Question.** %s\n\n", md(s.Question))
	}
	if s.StatusNote != "" {
		pr("%s\n\n", md(s.StatusNote))
	}
	if s.RunError != "" {
		pr("**The run failed:** %s\n\n", md(s.RunError))
	}
	if len(s.Errs) > 0 {
		if s.Status == "not run" {
			pr("**Not run.**\n\n")
		} else {
			pr("**Problems with this section:**\n\n")
		}
		for _, e := range s.Errs {
			pr("- %s\n", md(e))
		}
		pr("\n")
	}
	switch {
	case len(s.Answer) > 0:
		for i, a := range s.Answer {
			if i == 0 {
				pr("**Answer.** ")
			}
			pr("%s\n\n", md(a))
		}
	case s.Status == "ok":
		pr("**Answer.** This problem computed no answer.\n\n")
	case s.Status != "not run":
		pr("**Answer.** None: the run did not finish, so its numbers are incomplete.\n\n")
	}
	if len(s.Settings) > 0 || len(s.Facts) > 0 {
		pr("### Settings\n\n")
		if len(s.Settings) == 0 {
			pr("None recorded.\n\n")
		} else {
			writeFacts(w, "setting", "value", s.Settings)
		}
		pr("### Run\n\n")
		writeFacts(w, "", "", s.Facts)
	}
	if len(s.Figures) > 0 {
		pr("### Figures\n\n")
		for _, f := range s.Figures {
			if f.Src == "" {
				pr("**Figure %s: %s.**\n\n", md(f.Name), md(f.Missing))
			} else {
				pr("![%s](%s)\n\n", md(f.Name), mdURL(f.Src))
			}
			pr("*%s.* %s\n\n", md(f.Name), md(f.Caption))
		}
	}
	if len(s.Tables) > 0 {
		pr("### Final numbers\n\n")
		for _, t := range s.Tables {
			if t.Title != "" {
				pr("**%s**\n\n", md(t.Title))
			}
			pr("| %s |", md(t.Corner))
			for _, c := range t.Columns {
				pr(" %s |", md(c))
			}
			pr("\n|---|%s\n", strings.Repeat("--:|", len(t.Columns)))
			for _, r := range t.Rows {
				pr("| %s |", md(r.Label))
				for _, c := range r.Cells {
					pr(" %s |", md(c))
				}
				pr("\n")
			}
			pr("\n")
		}
	}
	if len(s.Notes) > 0 {
		pr("### Notes\n\n")
		for _, n := range s.Notes {
			pr("- %s\n", md(n))
		}
		pr("\n")
	}
}

// writeFacts writes a two-column table.
func writeFacts(w io.Writer, corner, head string, fs []fact) {
	fmt.Fprintf(w, "| %s | %s |\n|---|---|\n", md(corner), md(head))
	for _, f := range fs {
		fmt.Fprintf(w, "| %s | %s |\n", md(f.Label), md(f.Value))
	}
	fmt.Fprintln(w)
}

// mdEscaper escapes the characters that Markdown (CommonMark and GitHub's tables)
// would read as markup, and the characters of raw HTML.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"|", `\|`, "#", `\#`, "~", `\~`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

// md escapes text for Markdown, on one line.
func md(s string) string { return mdEscaper.Replace(s) }

// mdURL makes a relative URL safe inside a Markdown link.
func mdURL(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u)
}
