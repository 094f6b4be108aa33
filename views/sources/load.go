package sources

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
)

// The list loads through the shared page loader (apiclient/paging): it
// fetches, decodes and converts pages to rows on its own goroutines, and
// hands them over in order. The UI goroutine only merges a batch's rows
// (an append and the id index) and waits for the next batch in a command.

// listOpts is what a load asks the server for.
type listOpts struct {
	search string
	filter serverFilter // the server filters (a search above replaces its searchText)
}

// batchMsg is the loader's next batch for load (a generation id: a batch
// of a load since replaced is dropped). ok is false once the loader was
// cancelled.
type batchMsg struct {
	load int
	b    paging.Batch[Row]
	ok   bool
}

// reservation is room for every row of a load, made on the loader's
// goroutine when the first page tells the count: making (and zeroing) room
// for 100,000 rows and their index takes milliseconds the UI goroutine
// would otherwise spend in one message.
type reservation struct {
	rows []Row
	byID map[int64]int32
}

// fetchRows is the loader's fetch: one page, decoded and converted to rows
// off the UI goroutine. The first page's answer also makes d's room.
func fetchRows(api interface {
	ListDataSources(context.Context, apiclient.ListOptions) (*apiclient.DataSourcePage, error)
}, o listOpts, limit int, room *atomic.Pointer[reservation]) paging.Fetch[Row] {
	return func(ctx context.Context, offset, size int) ([]Row, int, error) {
		p, err := api.ListDataSources(ctx, o.request(offset, size))
		if err != nil {
			return nil, -1, err
		}
		if offset == 0 && p.Count >= 0 && room.Load() == nil {
			want := min(p.Count, limit, firstReserve)
			room.Store(&reservation{rows: make([]Row, 0, want), byID: make(map[int64]int32, want)})
		}
		return rowsOf(p.Hits), p.Count, nil
	}
}

func rowKey(r *Row) uint64 { return uint64(r.ID) }

// startLoad starts d's loader and waits for its first batch.
func (m *Model) startLoad(d *dataset) tea.Cmd {
	o := m.sess.Paging()
	o.Limit, o.MaxFailRun = d.cap, maxFailRun
	d.room = new(atomic.Pointer[reservation])
	d.ld = paging.Start(m.base, fetchRows(m.sess.API, d.opts, d.cap, d.room), rowKey, o)
	return m.wait(d)
}

// wait is a command that waits for d's next batch.
func (m *Model) wait(d *dataset) tea.Cmd {
	ld, load, ctx := d.ld, d.load, m.base
	if ld == nil {
		return nil // rows handed over directly (the benchmarks)
	}
	label := "loading data sources"
	if d.opts.search != "" {
		label = "searching the server"
	}
	return views.Track(label, func() tea.Msg {
		b, ok := ld.Next(ctx)
		return batchMsg{load: load, b: b, ok: ok}
	})
}

// stopLoad cancels d's loader, if it has one still running.
func stopLoad(d *dataset) {
	if d != nil && d.ld != nil && !d.done {
		d.ld.Cancel()
	}
}

// onBatch merges a batch and waits for the next. A page that failed is a
// gap the header counts and r fetches; the load goes on without it.
func (m *Model) onBatch(msg batchMsg) tea.Cmd {
	d := m.datasetFor(msg.load)
	if d == nil || !msg.ok {
		return nil // a load that was replaced or cancelled
	}
	b, p := msg.b, msg.b.Progress
	if b.Last && !d.started && p.Err != nil && p.Loaded == 0 {
		return m.firstPageFailed(d, p.Err)
	}
	if !d.started {
		d.started = true
		// Room for every row at once: no regrowing (and copying) the
		// slice and the index while 100,000 rows arrive.
		if d.room != nil { // nil when rows are handed over directly (the benchmarks)
			if r := d.room.Load(); r != nil && len(d.byID) == 0 {
				d.rows, d.byID = append(r.rows, d.rows...), r.byID
			}
		}
		d.room = nil
	}
	if len(b.Items) > 0 {
		m.merge(d, b.Items)
	}
	wasHalted := d.halted
	d.total, d.missing, d.halted, d.changed = p.Total, p.Missing, p.Halted, p.Changed
	d.stopOff = p.StopAt
	switch p.Stop {
	case paging.StopEmpty:
		d.stop = stopEmpty
	case paging.StopRepeat:
		d.stop = stopRepeat
	case paging.StopLimit:
		d.stop, d.stopOff = stopCap, d.cap
	}
	if d.halted {
		d.err = p.Err
	}
	var cmds []tea.Cmd
	if b.Err != nil {
		d.lastErr = b.Err
		halting := d.halted && !wasHalted
		if d != m.reload && (!d.reported || halting) { // a refresh reports when it ends
			// Once per load, and again when it stops: the header keeps count.
			d.reported = true
			r := m.sess.Keys.Refresh.Help().Key
			what := fmt.Sprintf("loading data sources: a page is left out, the rest keep loading (%s retries it)", r)
			if halting {
				what = fmt.Sprintf("loading data sources: stopped after %d pages failed in a row (%s goes on)", maxFailRun, r)
			}
			cmds = append(cmds, views.Error(what, b.Err))
		}
	}
	if b.Last {
		d.done = true
		if d.loaded() >= freeAfter {
			// The load's pages were decoded and dropped: tens of MB
			// the heap keeps for nothing once the load is over. Hand
			// them back to the system, off the UI goroutine.
			cmds = append(cmds, func() tea.Msg { debug.FreeOSMemory(); return nil })
		}
	} else {
		cmds = append(cmds, m.wait(d))
	}
	return m.afterPage(d, cmds)
}

// freeAfter is the smallest load after which memory is handed back.
const freeAfter = 20_000

// firstPageFailed ends a load that has nothing to go on.
func (m *Model) firstPageFailed(d *dataset, err error) tea.Cmd {
	d.err, d.done = err, true
	what := "loading data sources"
	if d == m.reload {
		what = "refreshing data sources (the old list is still shown)"
		m.reload = nil
	}
	return views.Error(what, err)
}

// merge adds a batch's rows to d. A row already there (added by a change
// the list was told of) is replaced. A compute off the UI goroutine may be
// reading the rows, so they are copied first, once per batch. The loader
// stops at the cap; rows past it are dropped all the same.
func (m *Model) merge(d *dataset, rows []Row) {
	if need := len(d.rows) + len(rows); need > cap(d.rows) && d.total >= 0 {
		// Past the first reservation, rows bear the count out: room for
		// the rest of it at once, rather than a copy at every doubling.
		d.rows = slices.Grow(d.rows, max(min(d.total, d.cap), need)-len(d.rows))
	}
	shared := d == m.viewDS || d == m.active()
	for _, r := range rows {
		if i, ok := d.byID[r.ID]; ok {
			if shared {
				d.rows, shared = slices.Clone(d.rows), false
			}
			d.rows[i] = r
			continue
		}
		if len(d.rows) >= d.cap {
			return
		}
		d.byID[r.ID] = int32(len(d.rows))
		d.rows = append(d.rows, r)
	}
}

// retryMissing asks again for the pages of d that failed, and goes on
// where a run of failures stopped it; the rows loaded stay.
func (m *Model) retryMissing(d *dataset) tea.Cmd {
	ld := d.ld.Refill(m.base)
	if ld == nil {
		return nil
	}
	// A new generation: nothing of the old loader is taken any more.
	m.loads++
	d.load, d.ld = m.loads, ld
	d.halted, d.err, d.reported, d.done = false, nil, false, false
	return m.afterPage(d, []tea.Cmd{m.wait(d)})
}

// humanCount writes counts of 10,000 and more with separators; smaller
// ones stay plain, so the header does not jump while a load starts.
func humanCount(n int) string {
	if n < 10000 {
		return strconv.Itoa(n)
	}
	return format.Thousands(int64(n))
}

// DefaultMaxRows is the most rows a list load keeps when the context sets
// no MaxRows: past it the load stops and says so. A server whose count
// never ends, or whose pages never do, costs memory and requests up to it
// and no further.
const DefaultMaxRows = 2_000_000

// maxFailRun is how many pages may fail in a row (after the client's own
// retries) before the load stops asking: one failed page is left as a gap
// and the load goes on; a run of them means the server is down, and
// asking for every remaining page would only add failures.
const maxFailRun = 3

// stopReason says why a load ended before the server's count.
type stopReason int

const (
	stopNone   stopReason = iota
	stopEmpty             // an empty page before the count
	stopRepeat            // a page of rows already loaded: the server ignores offset
	stopCap               // the row cap
)

// missingRows is how many rows the load left out that r can fetch: the
// pages that failed, and, once it stopped asking after failures, the
// pages it never asked for (when the count says how many).
func (d *dataset) missingRows() int { return d.missing }

// resumable reports whether a retry can fetch what the load lacks,
// keeping the rows it has: pages failed, or the load stopped after a run
// of failures. A load whose first page failed has nothing to keep.
func (d *dataset) resumable() bool {
	return d.started && d.done && d.ld != nil && (d.missing > 0 || d.halted)
}

// progress is the header's account of a load: rows loaded of the count,
// whether it is still going, why it stopped early, how many rows are
// missing (retry names the key that fetches them), and whether the count
// moved while it loaded.
func (d *dataset) progress(retry string) string {
	s := fmt.Sprintf("%s of %s loaded", humanCount(d.loaded()), totalText(d.total))
	switch {
	case d.err != nil:
		s += " (stopped: error)"
	case d.stop == stopEmpty:
		s += fmt.Sprintf(" (stopped: empty page at %s)", humanCount(d.stopOff))
	case d.stop == stopRepeat:
		s += fmt.Sprintf(" (stopped: page at %s repeats loaded rows)", humanCount(d.stopOff))
	case d.stop == stopCap:
		s += fmt.Sprintf(" (stopped at the %s-row cap)", format.Thousands(int64(d.cap)))
	case !d.done:
		s += " …"
	}
	if n := d.missingRows(); n > 0 {
		s += " · " + humanCount(n) + " missing"
		if d.done && retry != "" {
			s += " (" + retry + " retries)"
		}
	}
	if d.changed {
		s += " · the list changed while loading"
	}
	return s
}
