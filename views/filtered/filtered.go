// Package filtered holds what the access table and the requests inbox
// share, written once so the two cannot drift: the filter line and the
// local fuzzy filter run off the UI goroutine, the cursor kept on the same
// row through loads and filters (Table), reading the rows shown, filtered
// or not, and fitting, sizing and drawing their columns. The views keep
// the rows and what differs between them: what a row is, how it loads,
// what its keys do.
package filtered

import "github.com/sahilm/fuzzy"

// Shown is a row of a filtered table: its index in the rows filtered and
// the bytes of its search string that matched.
type Shown struct {
	Idx     int
	Matched []int
}

// source feeds the rows' search strings to fuzzy without copying them.
type source[R any] struct {
	rows   []R
	search func(*R) string
}

func (s source[R]) String(i int) string { return s.search(&s.rows[i]) }
func (s source[R]) Len() int            { return len(s.rows) }

// Match matches query against each row's search string, best first
// (sahilm/fuzzy). It runs off the UI goroutine, so rows must not change
// once handed over (the views make a new slice instead). The result is
// never nil, even when empty: a nil view means no filter.
func Match[R any](query string, rows []R, search func(*R) string) []Shown {
	matches := fuzzy.FindFrom(query, source[R]{rows, search})
	view := make([]Shown, len(matches))
	for i, mt := range matches {
		view[i] = Shown{Idx: mt.Index, Matched: mt.MatchedIndexes}
	}
	return view
}

// Len is how many rows are shown: the view's when a filter is on (view
// not nil), else all of rows.
func Len[R any](rows []R, view []Shown) int {
	if view != nil {
		return len(view)
	}
	return len(rows)
}

// At is the i-th row shown and the bytes of its search string that
// matched: from viewRows, the rows view was made from, when a filter is
// on (the rows may have changed since), else from rows.
func At[R any](rows, viewRows []R, view []Shown, i int) (*R, []int) {
	if view != nil {
		s := view[i]
		return &viewRows[s.Idx], s.Matched
	}
	return &rows[i], nil
}

// Selected is the row at cursor, or nil when the cursor is on none.
func Selected[R any](rows, viewRows []R, view []Shown, cursor int) *R {
	if cursor < 0 || cursor >= Len(rows, view) {
		return nil
	}
	r, _ := At(rows, viewRows, view, cursor)
	return r
}
