package access

import (
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/filtered"
)

// column is one column of the users table.
type column struct {
	title string
	// drop orders the columns that give way as the width shrinks: the
	// highest goes first. Name (0) always stays.
	drop int
	// min is the narrowest the column gets; comfy is the width it asks for
	// before columns are dropped (less when its content is shorter).
	min, comfy int
	// cell gives the text of r for a cell w columns wide.
	cell func(r *row, w int) string
	// field says which matched part of the search string the cell shows.
	field int
}

const (
	noField = iota
	nameField
	emailField
)

const (
	gutter = 2 // "› " marks the selected row without colour
	sep    = 2
)

var columns = []column{
	{title: "Name", drop: 0, min: 8, comfy: 16, field: nameField, cell: func(r *row, _ int) string { return r.name }},
	{title: "Email", drop: 2, min: 10, comfy: 22, field: emailField, cell: func(r *row, _ int) string { return r.email }},
	{title: "State", drop: 1, min: 8, comfy: 14, cell: func(r *row, _ int) string { return r.state }},
	// Expires shows only when a loaded member has an expiration.
	{title: "Expires", drop: 3, min: 10, comfy: 10, cell: func(r *row, _ int) string { return r.expires }},
	{title: "Approved", drop: 5, min: 8, comfy: 8, cell: func(r *row, _ int) string { return r.approved }},
	{title: "Since", drop: 4, min: 10, comfy: 10, cell: func(r *row, w int) string {
		if r.ago != "" && ansi.StringWidth(r.date)+3+ansi.StringWidth(r.ago) <= w {
			return r.date + " (" + r.ago + ")"
		}
		return r.date
	}},
	{title: "Type", drop: 6, min: 5, comfy: 6, cell: func(r *row, _ int) string { return r.typ }},
}

// natural widths of the columns' contents, kept as rows arrive.
type naturals [7]int

const expiresCol, sinceCol = 3, 5

// widths measures r's cells: done once per row, where the row is made
// (on the loader's goroutines), so that taking a page in only compares.
func widths(r *row) naturals {
	vals := naturals{
		ansi.StringWidth(r.name), ansi.StringWidth(r.email), ansi.StringWidth(r.state), ansi.StringWidth(r.expires),
		ansi.StringWidth(r.approved), ansi.StringWidth(r.date), ansi.StringWidth(r.typ),
	}
	if r.ago != "" {
		vals[sinceCol] += 3 + ansi.StringWidth(r.ago)
	}
	return vals
}

func (n *naturals) add(r *row) {
	for i, v := range r.widths {
		n[i] = max(n[i], v)
	}
}

// layout picks the columns that fit in width w and their widths. The
// returned slices are parallel: indexes into columns, and widths.
//
// Each column first asks for a comfortable width (its content, within
// bounds: a name is not cut to a stub while less useful columns stay); the
// columns that drop first go until the rest fit. What is left over then
// grows the columns towards their natural width.
func layout(w int, nat naturals) (idx []int, widths []int) {
	avail := w - gutter
	if avail <= 0 {
		return nil, nil
	}
	want := func(i int) int {
		return min(max(nat[i], ansi.StringWidth(columns[i].title), columns[i].min), capOf(i))
	}
	need := func(i int) int { return min(want(i), max(columns[i].comfy, columns[i].min)) }
	active := []int{0, 1, 2, 3, 4, 5, 6}
	if nat[expiresCol] == 0 {
		active = []int{0, 1, 2, 4, 5, 6}
	}
	active = filtered.Drop(active, avail, sep, need, func(i int) int { return columns[i].drop })
	widths, extra := filtered.Sized(active, avail, sep, need)
	// Share what is left, none beyond its natural width; what nobody needs
	// stays as trailing space.
	filtered.Spread(active, widths, extra, want)
	return active, widths
}

func capOf(i int) int {
	switch columns[i].title {
	case "State":
		return 14
	case "Type": // "user via <group>" for an expanded member
		return 30
	case "Since":
		return 22
	}
	return 1 << 20
}
