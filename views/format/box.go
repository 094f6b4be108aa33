package format

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Box is a modal's frame (a dialog, a form, a menu) sized for the body it
// is drawn over: Inner is the width of the text inside it, Lines how many
// lines of text it holds.
type Box struct {
	Style        lipgloss.Style
	Inner, Lines int
}

// NewBox sizes style for a body of w×h cells: 4 cells narrower than the
// body, between minWidth and maxWidth wide (border and padding included),
// and as tall as the body (3 lines of text at least).
func NewBox(style lipgloss.Style, w, h, minWidth, maxWidth int) Box {
	width := max(min(w-4, maxWidth), minWidth)
	return Box{
		Style: style,
		Inner: width - style.GetHorizontalFrameSize(),
		Lines: max(h-style.GetVerticalFrameSize(), 3),
	}
}

// Text is s wrapped to the box, n lines at most (the cut marked), each
// drawn in style: a title (2 lines: a long one is a warning, "…: this
// cannot be undone" must not lose its end), a label, an error.
func (b Box) Text(style lipgloss.Style, s string, n int) []string {
	var out []string
	for _, l := range ClipLines(WrapText(s, b.Inner), n) {
		out = append(out, style.Render(l))
	}
	return out
}

// Render draws lines in the box.
func (b Box) Render(lines []string) string {
	return b.Style.Width(b.Inner + b.Style.GetHorizontalPadding()).Render(strings.Join(lines, "\n"))
}

// Fit draws head, mid and tail in the box, cut to its lines as FitLines
// cuts them (more marks the cut).
func (b Box) Fit(head, mid, tail []string, more string) string {
	return b.Render(FitLines(head, mid, tail, b.Lines, more))
}
