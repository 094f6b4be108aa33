package pager

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func TestFindStepsAndWraps(t *testing.T) {
	lines := []string{"alpha", "Beta one", "gamma", "beta two", "delta BETA"}
	var f Find
	f.Run(lines, "beta", 2)
	if f.Line() != 3 || f.Status() != "2 of 3" {
		t.Fatalf("from line 2: line %d, %s", f.Line(), f.Status())
	}
	if f.Step(1) != 4 || f.Step(1) != 1 || f.Step(-1) != 4 {
		t.Error("n and N should step and wrap")
	}
	f.Run(lines, "zeta", 0)
	if f.Line() != -1 || f.Status() != "no match" || f.Step(1) != -1 {
		t.Error("no match")
	}
	f.Run(lines, "beta", 0)
	if got := ansi.Strip(f.Mark("delta BETA", lipgloss.NewStyle().Reverse(true))); got != "delta BETA" {
		t.Errorf("Mark changed the text: %q", got)
	}
}

// Keys, strings, numbers and literals each get their style; a string
// wrapped onto the next line stays a string there. Under NO_COLOR (an
// ASCII profile, no styles) the text is unchanged.
func TestColorJSON(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	st := JSONStyles{
		Key:     lipgloss.NewStyle().Foreground(lipgloss.Color("#010101")),
		String:  lipgloss.NewStyle().Foreground(lipgloss.Color("#020202")),
		Number:  lipgloss.NewStyle().Foreground(lipgloss.Color("#030303")),
		Literal: lipgloss.NewStyle().Foreground(lipgloss.Color("#040404")),
	}
	key, str, num, lit := "38;2;1;1;1m", "38;2;2;2;2m", "38;2;3;3;3m", "38;2;4;4;4m"
	out, in := ColorJSON(`  "name": "a \" b", "n": -1.5e3, "ok": true, "x": null,`, false, st)
	for _, want := range []string{key + `"name"`, str + `"a \" b"`, num + "-1.5e3", lit + "true", lit + "null"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q lacks %q", out, want)
		}
	}
	if in || ansi.Strip(out) != `  "name": "a \" b", "n": -1.5e3, "ok": true, "x": null,` {
		t.Errorf("text changed or string left open: %q", ansi.Strip(out))
	}
	_, in = ColorJSON(`  "doc": "a long`, false, st)
	if !in {
		t.Fatal("a string cut by the wrap should carry to the next line")
	}
	out, in = ColorJSON(`text 123 true",`, true, st)
	if in || !strings.Contains(out, str+`text 123 true"`) {
		t.Errorf("the continued string: %q", out)
	}

	lipgloss.SetColorProfile(termenv.Ascii)
	plain := JSONStyles{}
	line := `  "n": 1, "s": "x", "b": false`
	if out, _ := ColorJSON(line, false, plain); out != line {
		t.Errorf("without colour the line should be unchanged: %q", out)
	}
}
