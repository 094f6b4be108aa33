package filtered

import (
	tea "github.com/charmbracelet/bubbletea"
)

// Msg is the result of filtering rows by Query off the UI goroutine.
type Msg[R any] struct {
	from  *gens // the filter that asked
	gen   uint64
	Query string
	rows  []R
	view  []Shown
}

// gens numbers one filter's results. A filter keeps its own count, not a
// package-wide one, and not the root's latest-reply dropping (views.Latest):
// it must see every result, stale ones too, to know when the one running
// has ended and the one wanted since may start. The root delivers a
// view's results to that view only; from still tells two filters apart
// (two tables in one view, a test that hands one view's result to another).
type gens struct{ n uint64 }

// matcher is the local filter's matching. It runs off the UI goroutine
// (with 50,000 rows it takes longer than a frame) and one at a time, so
// fast typing does not start one per key: when one ends, the one wanted
// then starts. Results for anything but the query and rows wanted now
// are dropped by generation.
type matcher[R any] struct {
	search       func(*R) string
	ids          *gens
	gen, running uint64 // the result wanted now; the one in flight (0: none)
	view         []Shown
	viewRows     []R    // the rows view indexes
	viewQ        string // the query view is for
	viewGen      uint64 // the gen of the result view is
}

func newMatcher[R any](search func(*R) string) matcher[R] {
	return matcher[R]{search: search, ids: &gens{}}
}

// want asks for query on rows: at once when no filter is running, else
// when the one running ends. An empty query drops the filtered view.
func (f *matcher[R]) want(query string, rows []R) tea.Cmd {
	f.ids.n++
	f.gen = f.ids.n
	if query == "" {
		f.view, f.viewRows, f.viewQ, f.viewGen = nil, nil, "", 0
		return nil
	}
	if f.running != 0 {
		return nil
	}
	return f.start(query, rows)
}

func (f *matcher[R]) start(query string, rows []R) tea.Cmd {
	ids, gen, search := f.ids, f.gen, f.search
	f.running = gen
	return func() tea.Msg {
		return Msg[R]{from: ids, gen: gen, Query: query, rows: rows, view: Match(query, rows, search)}
	}
}

// pending says the view does not yet show the result for query (the one
// on now) on the rows now.
func (f *matcher[R]) pending(query string) bool { return query != "" && f.viewGen != f.gen }

// onResult takes a result. Another filter's is ignored. A stale one (a
// later keystroke, new rows or a cleared filter) is dropped, and the
// filter wanted now, for query on rows, starts if it waited for it (cmd).
// Else the result is shown (shown), and newQuery says it is for another
// query than before.
func (f *matcher[R]) onResult(msg Msg[R], query string, rows []R) (shown, newQuery bool, cmd tea.Cmd) {
	if msg.from != f.ids {
		return false, false, nil
	}
	if msg.gen == f.running {
		f.running = 0
	}
	if msg.gen != f.gen {
		if f.running == 0 && f.pending(query) {
			return false, false, f.start(query, rows)
		}
		return false, false, nil
	}
	newQuery = msg.Query != f.viewQ
	f.view, f.viewRows, f.viewQ, f.viewGen = msg.view, msg.rows, msg.Query, msg.gen
	return true, newQuery, nil
}
