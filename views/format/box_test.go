package format

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// A box is 4 cells narrower than the body, within its bounds, and its
// text fits inside border and padding; what does not fit is cut.
func TestBoxSizesAndFits(t *testing.T) {
	style := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(1, 2)
	for _, c := range []struct{ w, h, outer, lines int }{
		{100, 30, 76, 26}, {50, 30, 46, 26}, {10, 4, 20, 3},
	} {
		b := NewBox(style, c.w, c.h, 20, 76)
		if b.Inner != c.outer-6 || b.Lines != c.lines {
			t.Errorf("%dx%d: inner %d lines %d, want %d %d", c.w, c.h, b.Inner, b.Lines, c.outer-6, c.lines)
		}
		out := b.Fit([]string{"title", ""}, strings.Split(strings.Repeat("body\n", 40), "\n"), []string{"", "hint"}, "…")
		lines := strings.Split(out, "\n")
		if len(lines) != b.Lines+4 || ansi.StringWidth(lines[0]) != c.outer {
			t.Errorf("%dx%d: drawn %d lines, %d wide:\n%s", c.w, c.h, len(lines), ansi.StringWidth(lines[0]), out)
		}
		if !strings.Contains(out, "hint") || !strings.Contains(out, "title") {
			t.Errorf("%dx%d: lost the title or the hint:\n%s", c.w, c.h, out)
		}
	}
	title := NewBox(style, 40, 20, 20, 76).Text(lipgloss.NewStyle(), strings.Repeat("a long warning ", 10), 2)
	if len(title) != 2 || !strings.HasSuffix(title[1], "…") {
		t.Errorf("title %q", title)
	}
}
