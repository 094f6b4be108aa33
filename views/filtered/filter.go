package filtered

import (
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"
)

// gens makes generation ids unique across every filter of every view, so
// that a result is never taken for another view's or an older query's.
var gens atomic.Uint64

// Msg is the result of filtering rows by Query off the UI goroutine.
type Msg[R any] struct {
	gen   uint64
	Query string
	rows  []R
	view  []Shown
}

// Filter is a table's local filter. It runs off the UI goroutine (with
// 50,000 rows it takes longer than a frame) and one at a time, so fast
// typing does not start one per key: when one ends, the one wanted then
// starts. Results for anything but the query and rows wanted now are
// dropped by generation. The zero value is no filter; the view keeps the
// query and the rows, and hands them in.
type Filter[R any] struct {
	search       func(*R) string
	gen, running uint64 // the result wanted now; the one in flight (0: none)
	view         []Shown
	viewRows     []R    // the rows view indexes
	viewQ        string // the query view is for
	viewGen      uint64 // the gen of the result view is
}

// New makes a filter that matches each row's search string.
func New[R any](search func(*R) string) Filter[R] { return Filter[R]{search: search} }

// Want asks for query on rows: at once when no filter is running, else
// when the one running ends. An empty query drops the filtered view.
func (f *Filter[R]) Want(query string, rows []R) tea.Cmd {
	f.gen = gens.Add(1)
	if query == "" {
		f.view, f.viewRows, f.viewQ, f.viewGen = nil, nil, "", 0
		return nil
	}
	if f.running != 0 {
		return nil
	}
	return f.start(query, rows)
}

func (f *Filter[R]) start(query string, rows []R) tea.Cmd {
	gen, search := f.gen, f.search
	f.running = gen
	return func() tea.Msg { return Msg[R]{gen: gen, Query: query, rows: rows, view: Match(query, rows, search)} }
}

// Pending says the view does not yet show the result for query (the one
// on now) on the rows now.
func (f *Filter[R]) Pending(query string) bool { return query != "" && f.viewGen != f.gen }

// OnResult takes a result. A stale one (a later keystroke, new rows or a
// cleared filter, or another view's) is dropped, and the filter wanted now,
// for query on rows, starts if it waited for it (cmd). Else the result is
// shown (shown), and newQuery says it is for another query than before.
func (f *Filter[R]) OnResult(msg Msg[R], query string, rows []R) (shown, newQuery bool, cmd tea.Cmd) {
	if msg.gen == f.running {
		f.running = 0
	}
	if msg.gen != f.gen {
		if f.running == 0 && f.Pending(query) {
			return false, false, f.start(query, rows)
		}
		return false, false, nil
	}
	newQuery = msg.Query != f.viewQ
	f.view, f.viewRows, f.viewQ, f.viewGen = msg.view, msg.rows, msg.Query, msg.gen
	return true, newQuery, nil
}

// On says a filtered view is shown (nil-ness of view: an empty result
// is still a filter on).
func (f *Filter[R]) On() bool { return f.view != nil }

// Query is the query of the view shown.
func (f *Filter[R]) Query() string { return f.viewQ }

// Of is how many rows the view shown was filtered from.
func (f *Filter[R]) Of() int { return len(f.viewRows) }

// Len is how many rows are shown, of rows when no filter is on.
func (f *Filter[R]) Len(rows []R) int { return Len(rows, f.view) }

// At is the i-th row shown and its matched bytes.
func (f *Filter[R]) At(rows []R, i int) (*R, []int) { return At(rows, f.viewRows, f.view, i) }

// Selected is the row shown at cursor, or nil.
func (f *Filter[R]) Selected(rows []R, cursor int) *R {
	return Selected(rows, f.viewRows, f.view, cursor)
}
