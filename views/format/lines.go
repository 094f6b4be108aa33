package format

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/safe"
)

// maxWrap bounds the text WrapText reads, in bytes: a dialog shows a few
// lines of it, and wrapping costs its whole length on every frame.
const maxWrap = 16 << 10

// WrapText wraps plain text to width cells. It is the sink of dialog text,
// which may hold server words (a name, an error): it is made safe here
// (controls shown, bidi overrides removed; newlines kept). Text longer
// than 16 KB is wrapped from its head, ending in "…".
func WrapText(s string, width int) []string {
	if h, cut := Head(s, maxWrap); cut {
		s = h + "…"
	}
	return strings.Split(ansi.Wrap(safe.Block(s), max(width, 1), " "), "\n")
}

// ClipLines keeps the first n lines, marking a cut on the last one kept.
func ClipLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	if n <= 0 {
		return nil
	}
	lines = slices.Clone(lines[:n])
	w := ansi.StringWidth(lines[n-1])
	lines[n-1] = ansi.Truncate(lines[n-1]+" …", w, "…")
	return lines
}

// FitLines returns head, mid and tail in at most n lines (n >= 3), for a
// dialog that must fit the terminal. The middle is cut first (its place
// marked with more); when there is no room for it at all it goes, with the
// blank line closing head and then the blank lines of tail; last, the top
// of the tail is cut.
func FitLines(head, mid, tail []string, n int, more string) []string {
	if len(head)+len(mid)+len(tail) <= n {
		return slices.Concat(head, mid, tail)
	}
	if room := n - len(head) - len(tail) - 1; room >= 0 {
		return slices.Concat(head, mid[:min(room, len(mid))], []string{more}, tail)
	}
	if len(head) > 1 && head[len(head)-1] == "" {
		head = head[:len(head)-1]
	}
	all := slices.Concat(head, tail)
	if len(all) > n {
		all = slices.Concat(head, slices.DeleteFunc(slices.Clone(tail), func(l string) bool { return l == "" }))
	}
	if len(all) <= n {
		return all
	}
	return slices.Concat(all[:1], []string{more}, all[len(all)-(n-2):])
}
