package filtered

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// What the access table and the requests inbox share about drawing their
// columns: which fit, how wide, the header and a cell with the filter's
// matches lit.

// Drop takes columns out of active, the one with the highest drop first,
// until the rest, each need(col) wide and sep apart, fit in avail (or one
// is left).
func Drop(active []int, avail, sep int, need, drop func(col int) int) []int {
	total := func() int {
		s := sep * (len(active) - 1)
		for _, i := range active {
			s += need(i)
		}
		return s
	}
	for len(active) > 1 && total() > avail {
		worst := 0
		for j, i := range active {
			if drop(i) > drop(active[worst]) {
				worst = j
			}
		}
		active = append(active[:worst:worst], active[worst+1:]...)
	}
	return active
}

// Sized gives each active column need(col) (widths[j] is active[j]'s) and
// says how much of avail is left to share. When even that does not fit
// (one column left, too wide), the first column takes avail and nothing
// is left.
func Sized(active []int, avail, sep int, need func(col int) int) (widths []int, extra int) {
	widths = make([]int, len(active))
	extra = avail - sep*(len(active)-1)
	for j, i := range active {
		widths[j] = need(i)
		extra -= widths[j]
	}
	if extra < 0 {
		widths[0] = avail
		return widths, 0
	}
	return widths, extra
}

// Spread shares extra columns of width among the active columns
// (widths[j] is column active[j]'s), none beyond want, evenly while more
// than one still wants some; what nobody wants is left over. Both tables
// size their columns this way.
func Spread(active, widths []int, extra int, want func(col int) int) {
	for extra > 0 {
		var needy []int
		for j, i := range active {
			if widths[j] < want(i) {
				needy = append(needy, j)
			}
		}
		if len(needy) == 0 {
			return
		}
		share := max(extra/len(needy), 1)
		for _, j := range needy {
			add := min(share, want(active[j])-widths[j], extra)
			widths[j] += add
			extra -= add
		}
	}
}

// Header draws the titles of the columns idx, widths wide, sep apart,
// after gutter spaces (where the rows mark the cursor).
func Header(style lipgloss.Style, gutter, sep int, idx, widths []int, title func(col int) string) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", gutter))
	for j, ci := range idx {
		if j > 0 {
			b.WriteString(strings.Repeat(" ", sep))
		}
		b.WriteString(Cell(title(ci), widths[j], nil, style, style))
	}
	return b.String()
}

// Cells draws a row's cells: the columns idx, widths wide, sep apart (in
// base). text gives a column's text for its width and the part of the
// search string it shows, counted from 1 (0: none): that part's matches,
// hits[part-1] (see Parts), are drawn in match. style, when not nil, may
// give a column another style than base.
func Cells(idx, widths []int, sep int, base, match lipgloss.Style, hits [][]int,
	text func(col, w int) (string, int), style func(col int) lipgloss.Style) string {
	var b strings.Builder
	for j, ci := range idx {
		if j > 0 {
			b.WriteString(base.Render(strings.Repeat(" ", sep)))
		}
		s, part := text(ci, widths[j])
		var lit []int
		if part > 0 && part <= len(hits) {
			lit = hits[part-1]
		}
		cs := base
		if style != nil {
			cs = style(ci)
		}
		b.WriteString(Cell(s, widths[j], lit, cs, match))
	}
	return b.String()
}

// Parts splits the matched bytes of a search string made of parts joined
// by single spaces, each part ending at ends[p] (ascending), into each
// part's matches, counted from the part's start. A match on a joining
// space belongs to no part.
func Parts(matched []int, ends ...int) [][]int {
	out := make([][]int, len(ends))
	for _, x := range matched {
		start := 0
		for p, end := range ends {
			if x >= start && x < end {
				out[p] = append(out[p], x-start)
				break
			}
			start = end + 1
		}
	}
	return out
}

// Cell renders text in exactly w columns: cut with … when too long, padded
// with spaces, the matched bytes (indexes into text) in the match style.
func Cell(text string, w int, matched []int, base, match lipgloss.Style) string {
	if w <= 0 {
		return ""
	}
	shown, cut := text, false
	if ansi.StringWidth(text) > w {
		shown, cut = ansi.Truncate(text, w, "…"), true
	}
	padding := max(w-ansi.StringWidth(shown), 0)
	if len(matched) == 0 {
		return base.Render(shown + strings.Repeat(" ", padding))
	}
	prefix := shown
	if cut {
		prefix = strings.TrimSuffix(shown, "…")
	}
	hit := make(map[int]bool, len(matched))
	for _, i := range matched {
		hit[i] = true
	}
	var b, seg strings.Builder
	segHit := false
	flush := func() {
		if seg.Len() == 0 {
			return
		}
		if segHit {
			b.WriteString(match.Render(seg.String()))
		} else {
			b.WriteString(base.Render(seg.String()))
		}
		seg.Reset()
	}
	for i, r := range prefix {
		if h := hit[i]; h != segHit {
			flush()
			segHit = h
		}
		seg.WriteRune(r)
	}
	flush()
	if rest := shown[len(prefix):] + strings.Repeat(" ", padding); rest != "" {
		b.WriteString(base.Render(rest))
	}
	return b.String()
}
