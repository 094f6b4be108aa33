package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/ui/config"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/trace"
)

// Paging of the listing commands. A script wants the whole list soon and
// without holding it: the shared page loader (apiclient/paging) asks for a
// small first page (output starts after one round trip), later pages of up
// to the profile's max_page_size rows with several in flight, and hands
// them over in list order; each page is printed as soon as it comes.
const (
	// cliPageSize bounds the later pages when the profile sets no
	// max_page_size (a profile's larger page_size wins).
	cliPageSize = paging.DefaultMaxPage
	// maxParallel bounds the pages in flight whatever the profile says.
	maxParallel = paging.MaxConcurrency
)

// pager fetches a list through the page loader and hands each page's
// rendered output to emit in list order. Memory stays bounded: the loader
// holds at most a few pages beyond the one being printed.
type pager[T, R any] struct {
	// fetch asks for size items at offset; it returns them and the total
	// (-1 when the server sent no total). It runs on the loader's
	// goroutines: decoding happens there.
	fetch func(ctx context.Context, offset, size int) ([]T, int, error)
	raw   func(*T) json.RawMessage
	path  string // for the error about a repeated page
	// render turns a page into output, in list order.
	render func([]T) (R, error)
	// item, when set, renders one item instead (R is then []byte): on the
	// fetching goroutines, several pages at once, and only the output is
	// kept; a page's output is its items' joined by sep.
	item func(*T) ([]byte, error)
	sep  string
	// begin sees the first page before anything is rendered (plain output
	// fixes its column widths there).
	begin func([]T)
	emit  func(R) error

	first    int  // size of the first page
	size     int  // bound on the later pages
	parallel int  // pages in flight, at most
	limit    int  // stop after this many items (0: all)
	fixed    bool // the old fixed paging (fixed_paging in the profile)
}

// elem is what the loader holds of an item: its key and, when the pager
// renders item by item, only its output.
type elem[T any] struct {
	key  uint64
	out  []byte
	item T
}

// run fetches and emits every page, or stops at the first failure after
// emitting every page before it.
func (p *pager[T, R]) run(ctx context.Context) error {
	first := max(p.first, 1)
	o := paging.Options{FirstPage: first, MinPage: first, MaxPage: max(p.size, first),
		Concurrency: min(max(p.parallel, 1), maxParallel), Limit: p.limit, MaxFailRun: 1, Fixed: p.fixed}
	var anon atomic.Uint64
	var begin sync.Once
	// fetch runs on the loader's goroutines. The first page is fetched
	// alone, so begin has run before any other page is rendered.
	fetch := func(ctx context.Context, offset, size int) ([]elem[T], int, error) {
		items, total, err := p.fetch(ctx, offset, size)
		if err != nil {
			return nil, total, err
		}
		if p.begin != nil {
			begin.Do(func() { p.begin(items[:min(len(items), size)]) })
		}
		out := make([]elem[T], len(items))
		for i := range items {
			e := &out[i]
			if b := p.raw(&items[i]); len(b) > 0 {
				e.key = paging.HashKey(b)
			} else {
				e.key = 1<<63 | anon.Add(1) // no bytes to know it by: never a duplicate
			}
			if p.item == nil {
				e.item = items[i]
				continue
			}
			if e.out, err = p.item(&items[i]); err != nil {
				return nil, total, err
			}
		}
		return out, total, nil
	}
	ld := paging.Start(ctx, fetch, func(e *elem[T]) uint64 { return e.key }, o)
	defer ld.Cancel() // the requests still in flight when we return
	for b := range ld.C() {
		if b.Err != nil {
			return b.Err
		}
		if b.Last {
			trace.Mark("all-loaded")
			trace.Note("requests", int64(b.Progress.Requests))
			switch pr := b.Progress; {
			case pr.Err != nil:
				return pr.Err
			case pr.Stop == paging.StopRepeat:
				return &apiclient.DecodeError{Method: http.MethodGet, Path: p.path,
					Err: fmt.Errorf("the page at offset %d repeats the previous page (the server ignores offset?)", pr.StopAt)}
			}
			return nil
		}
		if len(b.Items) == 0 {
			continue
		}
		var out R
		if p.item != nil {
			n := len(p.sep) * (len(b.Items) - 1)
			for i := range b.Items {
				n += len(b.Items[i].out)
			}
			buf := make([]byte, 0, n)
			for i := range b.Items {
				if i > 0 {
					buf = append(buf, p.sep...)
				}
				buf = append(buf, b.Items[i].out...)
			}
			out = any(buf).(R)
		} else {
			items := make([]T, len(b.Items))
			for i := range b.Items {
				items[i] = b.Items[i].item
			}
			var err error
			if out, err = p.render(items); err != nil {
				return err
			}
		}
		if err := p.emit(out); err != nil {
			return err
		}
		trace.Mark("first-row") // for the benchmarks that run the binary
	}
	return ctx.Err() // cancelled before the last batch
}

// pageBound is the largest page a listing asks for under t.
func pageBound(t *config.Target) int {
	n := t.MaxPageSize
	if n <= 0 {
		n = cliPageSize
	}
	return max(n, t.PageSize)
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
		first: t.PageSize, size: pageBound(t), parallel: t.Concurrency, limit: limit, fixed: t.FixedPaging}
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
		p.item = func(t *T) ([]byte, error) { return renderJSON([]T{*t}, l.raw) }
		p.sep = ",\n"
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
			first: base.first, size: base.size, parallel: base.parallel, limit: base.limit, fixed: base.fixed,
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
		p.item = func(t *T) ([]byte, error) { return st.render(rowsOf([]T{*t})), nil }
		p.emit = st.emit
		err := p.run(r.ctx)
		return st.started, err
	}
}
