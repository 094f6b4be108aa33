package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
)

// Paging of the listing commands. A script wants the whole list soon and
// without holding it: the first page is the profile's page size (output
// starts after one small round trip), later pages are up to cliPageSize
// rows with several in flight, and each page is printed as soon as every
// page before it has been.
const (
	// cliPageSize bounds the later pages (a profile's larger page_size wins).
	cliPageSize = 1000
	// maxParallel bounds the pages in flight whatever the profile says.
	maxParallel = 16
)

// span is the part of a list one request asks for.
type span struct{ off, size int }

// fetched is one answered (or failed) request, rendered off the printing
// goroutine. The items themselves are not kept: only their output.
type fetched[R any] struct {
	span
	n     int             // items received (at most size)
	count int             // the total the page announced, -1 when none
	first json.RawMessage // the first item as sent, to see a repeated page
	out   R
	err   error
}

// pager fetches a list's pages concurrently and hands their rendered output
// to emit in list order. Memory stays bounded: at most window pages are
// asked for or waiting to be printed at any time.
type pager[T, R any] struct {
	// fetch asks for size items at offset; it returns them and the total
	// (-1 when the server sent no total).
	fetch func(ctx context.Context, offset, size int) ([]T, int, error)
	raw   func(*T) json.RawMessage
	path  string // for the error about a repeated page
	// render turns a page into output; it runs on the fetching goroutine,
	// and for every page but the first only after begin has returned.
	render func([]T) (R, error)
	// begin sees the first page before it is rendered (plain output fixes
	// its column widths there).
	begin func([]T)
	emit  func(R) error

	first    int // size of the first page
	size     int // bound on the later pages
	parallel int // pages in flight
	limit    int // stop after this many items (0: all)
}

// run fetches and emits every page, or stops at the first failure after
// emitting every page before it.
func (p *pager[T, R]) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // the requests still in flight when we return
	parallel := min(max(p.parallel, 1), maxParallel)
	window := 2 * parallel // in flight plus waiting to be printed
	first := max(p.first, 1)
	size := max(p.size, first)

	const unbounded = int(^uint(0) >> 1)
	end := unbounded // first offset not to print
	if p.limit > 0 {
		end = p.limit
	}
	var (
		// The channel has room for every request in flight, so no fetching
		// goroutine is left blocked when run returns early.
		results  = make(chan fetched[R], window)
		known    bool // the server sends totals: pages can be planned ahead
		ended    bool // an empty or final short page was seen
		pageCap  int  // the largest page the server sends (0: none seen)
		step     int  // size of the later pages, once the total is known
		next     int  // first offset not asked for yet, gaps aside
		gaps     []span
		inflight int
		waiting  = map[int]fetched[R]{}
		printed  int
		failAt   = unbounded
		prev     json.RawMessage
	)
	// received trims a page to its span and notes its first item.
	received := func(f *fetched[R], items []T) []T {
		// A server that sends more than asked would make pages overlap;
		// what it sent past the span is another page's.
		items = items[:min(len(items), f.size)]
		f.n = len(items)
		if f.n > 0 {
			f.first = p.raw(&items[0])
		}
		return items
	}
	// accept learns from an answered page where the list ends and whether
	// the server caps the page size, and queues the page for printing.
	accept := func(f fetched[R]) {
		waiting[f.off] = f
		if f.err != nil {
			failAt = min(failAt, f.off) // ask for nothing past it
			return
		}
		if f.count >= 0 && !ended {
			switch {
			case !known && f.off == 0:
				known = true
				end = min(end, f.count)
				// Spread the rest over the requests in flight, so a short
				// list does not wait on one large page; never below the
				// first page's size, never above the bound.
				step = min(max((end-f.n+parallel-1)/parallel, first), size)
			case known && p.limit == 0 && f.count > end:
				end = f.count // sources were added while we list
			}
		}
		if f.n < f.size {
			if known && f.n > 0 && f.off+f.n < min(f.count, end) {
				// Short while the total says more: the server caps the
				// page size. Ask for no more than that again, and for the
				// rest of this span.
				if pageCap == 0 || f.n < pageCap {
					pageCap = f.n
				}
				g := span{f.off + f.n, f.size - f.n}
				i, _ := slices.BinarySearchFunc(gaps, g.off, func(s span, off int) int { return s.off - off })
				gaps = slices.Insert(gaps, i, g)
			} else {
				end, ended = min(end, f.off+f.n), true
			}
		}
	}
	// nextSpan is the next request to send, if any: a gap left by a short
	// page first (it holds up printing), else the next part of the list.
	// A gap is sent even when the window is full, since printing waits on
	// it; new parts of the list only when there is room.
	nextSpan := func(room bool) (span, bool) {
		stop := min(end, failAt)
		for len(gaps) > 0 && gaps[0].off >= stop {
			gaps = gaps[1:]
		}
		if len(gaps) > 0 {
			g := gaps[0]
			n := g.size
			if pageCap > 0 {
				n = min(n, pageCap)
			}
			if n == g.size {
				gaps = gaps[1:]
			} else {
				gaps[0] = span{g.off + n, g.size - n}
			}
			return span{g.off, n}, true
		}
		if next >= stop || !room {
			return span{}, false
		}
		n := first
		if known {
			n = step
			if pageCap > 0 {
				n = min(n, pageCap)
			}
		} else if inflight > 0 || ended {
			// Without a total a short page is the end, so a server's cap
			// cannot be told from it: one page at a time, of the size that
			// came back full.
			return span{}, false
		}
		n = min(n, end-next)
		next += n
		return span{next - n, n}, true
	}

	// The first page alone: its total plans the rest, and plain output
	// fixes its columns from it.
	n0 := min(first, end)
	items, count, err := p.fetch(ctx, 0, n0)
	if err != nil {
		return err
	}
	f0 := fetched[R]{span: span{0, n0}, count: count}
	items = received(&f0, items)
	if p.begin != nil {
		p.begin(items)
	}
	if f0.out, err = p.render(items); err != nil {
		return err
	}
	items = nil // printed below; not kept
	next = n0
	accept(f0)

	for printed < end {
		for inflight < parallel {
			s, ok := nextSpan(inflight+len(waiting) < window)
			if !ok {
				break
			}
			inflight++
			go func() {
				items, count, err := p.fetch(ctx, s.off, s.size)
				f := fetched[R]{span: s, count: count, err: err}
				if err == nil {
					f.out, f.err = p.render(received(&f, items))
				}
				results <- f
			}()
		}
		f, ready := waiting[printed]
		if !ready {
			if inflight == 0 {
				// Every span up to end is asked for or printed, so this
				// cannot happen; a guard against a hang if it ever did.
				return fmt.Errorf("the list stopped at item %d of %d", printed, end)
			}
			select {
			case f = <-results:
			case <-ctx.Done():
				return ctx.Err()
			}
			inflight--
			if f.off < end {
				accept(f)
			}
			continue
		}
		delete(waiting, printed)
		if f.err != nil {
			return f.err
		}
		if f.n == 0 {
			break // an empty page: the list ends here
		}
		if prev != nil && bytes.Equal(f.first, prev) {
			return &apiclient.DecodeError{Method: http.MethodGet, Path: p.path,
				Err: fmt.Errorf("the page at offset %d repeats the previous page (the server ignores offset?)", f.off)}
		}
		prev = f.first
		if err := p.emit(f.out); err != nil {
			return err
		}
		printed += f.n
	}
	return nil
}

// listing is what the listing commands share: how to fetch a page and how
// a row looks.
type listing[T any] struct {
	fetch func(ctx context.Context, offset, size int) ([]T, int, error)
	raw   func(*T) json.RawMessage
	path  string
	cols  []column
	cells func(*T) []string // raw cell texts, in cols' order
}

// stream prints the list as JSON, as a table streamed page by page, or
// (wide) as one table sized to fit once everything is in. It reports
// whether anything was listed.
func stream[T any](r *run, l listing[T], limit int, asJSON, wide bool) (bool, error) {
	t := r.env.Target
	base := pager[T, []byte]{fetch: l.fetch, raw: l.raw, path: l.path,
		first: t.PageSize, size: max(cliPageSize, t.PageSize), parallel: t.Concurrency, limit: limit}
	rowsOf := func(items []T) [][]string {
		rows := make([][]string, len(items))
		for i := range items {
			cells := l.cells(&items[i])
			for j, c := range cells {
				cells[j] = safe.Short(c, maxCell)
			}
			rows[i] = cells
		}
		return rows
	}
	switch {
	case asJSON:
		a := &jsonStream{w: r.io.Out}
		p := base
		p.render = func(items []T) ([]byte, error) { return renderJSON(items, l.raw) }
		p.emit = a.emit
		if err := p.run(r.ctx); err != nil {
			return a.started, err
		}
		return a.started, a.close()
	case wide:
		// The whole table is held, as cells only, to size the columns.
		titles := make([]string, len(l.cols))
		for i, c := range l.cols {
			titles[i] = c.title
		}
		tbl := newTable(titles...)
		p := pager[T, [][]string]{fetch: base.fetch, raw: base.raw, path: base.path,
			first: base.first, size: base.size, parallel: base.parallel, limit: base.limit,
			render: func(items []T) ([][]string, error) { return rowsOf(items), nil },
			emit:   func(rows [][]string) error { tbl.rows = append(tbl.rows, rows...); return nil },
		}
		if err := p.run(r.ctx); err != nil || len(tbl.rows) == 0 {
			return false, err
		}
		return true, tbl.write(r.io.Out)
	default:
		st := &streamTable{w: r.io.Out, cols: l.cols}
		p := base
		p.begin = func(first []T) { st.fit(rowsOf(first)) }
		p.render = func(items []T) ([]byte, error) { return st.render(rowsOf(items)), nil }
		p.emit = st.emit
		err := p.run(r.ctx)
		return st.started, err
	}
}
