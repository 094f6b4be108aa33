package format

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Doc collects the lines of a page laid out for a width: wrapped, indented
// and each cut to the width, so that nothing drawn from it is wider. Text
// given to it must already be safe to draw (styles are fine).
type Doc struct {
	w     int
	lines []string
}

// NewDoc starts a Doc for width columns (at least 1).
func NewDoc(width int) *Doc { return &Doc{w: max(width, 1)} }

// Width is the width the lines are laid out for.
func (d *Doc) Width() int { return d.w }

// Add wraps s at word boundaries to fit after indent spaces.
func (d *Doc) Add(indent int, s string) { d.put(indent, ansi.Wrap(s, d.limit(indent), "")) }

// Hang wraps s after indent spaces, its continuation lines indented by hang
// more, so that they read as part of the first.
func (d *Doc) Hang(indent, hang int, s string) {
	lines := strings.Split(ansi.Wrap(s, d.limit(indent+hang), ""), "\n")
	d.put(indent, lines[0])
	for _, l := range lines[1:] {
		d.put(indent+hang, l)
	}
}

// Hard wraps s anywhere, for text without spaces to break at (raw JSON).
func (d *Doc) Hard(indent int, s string) { d.put(indent, ansi.Hardwrap(s, d.limit(indent), true)) }

// Blank adds an empty line.
func (d *Doc) Blank() { d.lines = append(d.lines, "") }

// Append adds lines that are already laid out for the width, as they are.
func (d *Doc) Append(lines ...string) { d.lines = append(d.lines, lines...) }

// Lines are the lines so far.
func (d *Doc) Lines() []string { return d.lines }

// String is the lines joined by newlines.
func (d *Doc) String() string { return strings.Join(d.lines, "\n") }

func (d *Doc) limit(indent int) int { return max(d.w-indent, 1) }

func (d *Doc) put(indent int, wrapped string) {
	prefix := ""
	if indent > 0 && d.w-indent >= 1 {
		prefix = strings.Repeat(" ", indent)
	}
	for _, l := range strings.Split(wrapped, "\n") {
		d.lines = append(d.lines, ansi.Truncate(prefix+l, d.w, ""))
	}
}
