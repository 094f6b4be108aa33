// Package paging is the one page loader of dsbrowse: the sources list, the
// access view, the inbox and the CLI listings all read offset/size lists
// through it, so they share one set of rules.
//
// A Loader asks for a small first page (the first screen comes after one
// round trip), plans the rest from the server's count in larger pages (up
// to MaxPage rows), keeps as many requests in flight as the measured
// latency needs (within Concurrency), and hands the pages over in list
// order on a channel. The fetch function runs on the loader's goroutines,
// so decoding (and any per-row work put in it) never runs on the caller's.
//
// It copes with servers that misbehave or lists that move:
//   - a server that caps size (a short page while the count says more): the
//     rest of the span is asked for, and never more than the cap again;
//   - a server that ignores offset, or cycles: a page with no new item
//     (by Key) stops the load (StopRepeat);
//   - a count that lies: an empty page before it stops the load
//     (StopEmpty); Limit bounds the items kept whatever the count says;
//   - items added or removed during the load: an item already delivered is
//     not delivered again, and where two neighbouring pages saw different
//     counts the rows that slid between them are asked for again before the
//     later page is delivered; Progress.Changed says the count moved;
//   - a page that fails (after the HTTP client's own retries) is delivered
//     in its place as a Batch with Err, the load goes on, and Refill asks
//     for it again later; MaxFailRun failures in a row halt the load.
//
// The package imports no UI code: a Bubble Tea model waits for the next
// batch in a command (see Loader.Next) and drops batches of a load it has
// replaced by comparing loaders (or its own generation id).
package paging

import (
	"context"
	"sync"
	"time"
)

// The defaults of every list in dsbrowse, in one place. ui/config uses
// DefaultFirstPage and DefaultConcurrency as a profile's page_size and
// concurrency, and DefaultMaxPage as its max_page_size.
const (
	// DefaultFirstPage is the first request's size: about a screenful, so
	// the first screen waits for one small page, not a large one.
	DefaultFirstPage = 100
	// DefaultMaxPage bounds the later pages. Larger pages cost fewer round
	// trips; Immuta answers 1,000 rows a request without trouble.
	DefaultMaxPage = 1000
	// DefaultConcurrency bounds the requests in flight. The loader keeps
	// fewer when the link is fast (two on loopback). 8 was tried: across
	// 150 ms on two busy cores it loaded 100,000 sources no faster, and
	// ls --json held up to 89 MB instead of about 50.
	DefaultConcurrency = 4
	// MaxConcurrency bounds Concurrency whatever a profile says.
	MaxConcurrency = 16
	// DefaultMaxFailRun is how many pages may fail in a row before the load
	// stops asking: one failed page is a gap, a run means the server is down.
	DefaultMaxFailRun = 3
)

// Fetch asks for size items at offset. total is the server's count, -1 when
// it sent none (a bare array). It runs on the loader's goroutines, several
// at once: decode and convert here.
type Fetch[T any] func(ctx context.Context, offset, size int) (items []T, total int, err error)

// Options shape a load. The zero value is the defaults above; Profile
// builds them from a profile's settings.
type Options struct {
	// FirstPage is the size of the first request (default DefaultFirstPage).
	FirstPage int
	// MinPage is the smallest later page (default FirstPage); without a
	// count every page is MinPage (a short page ends such a list, so a
	// page size the server might cap is never tried).
	MinPage int
	// MaxPage bounds every page (default DefaultMaxPage, never below
	// MinPage).
	MaxPage int
	// Concurrency bounds the requests in flight (default
	// DefaultConcurrency, at most MaxConcurrency). Within it the loader
	// keeps as many as the measured latency needs: on a slow link the
	// bound, on loopback two.
	Concurrency int
	// Fixed turns adaptivity off: every later page is MinPage and
	// Concurrency requests are in flight (dsbrowse's paging before this
	// package; kept to compare against).
	Fixed bool
	// Limit is the most items delivered (0: all); nothing past it is asked.
	Limit int
	// MaxFailRun failures in a row halt the load (default
	// DefaultMaxFailRun; 1 stops at the first failure, as a script wants).
	MaxFailRun int
}

// Stop says why a load ended before the server's count.
type Stop int

const (
	StopNone   Stop = iota
	StopEmpty       // an empty page before the count
	StopRepeat      // a page of items already delivered: the server ignores offset
	StopLimit       // Options.Limit reached while the server has (or may have) more
)

// Span is a range of offsets.
type Span struct{ Off, N int }

// Batch is one page, or the loader's last word.
type Batch[T any] struct {
	// Offset is where Items start in the list (as the server numbered it
	// when it sent the page).
	Offset int
	// Items are the page's new items, in list order; items already
	// delivered and items past Limit are left out.
	Items []T
	// Err is set when the span at Offset failed (after the client's
	// retries); Missing is its size. The load goes on unless halted.
	Err     error
	Missing int
	// Progress is the load's state once this batch is taken.
	Progress Progress
	// Last is set on the final batch (which may hold no items); the
	// channel is closed after it.
	Last bool
}

// Progress is a load's account, for a header or a progress line.
type Progress struct {
	Loaded   int // items delivered
	Total    int // the server's latest count; -1 unknown
	Changed  bool
	Requests int // requests sent
	InFlight int
	// Missing is how many items the load lacks that Refill can fetch:
	// the failed spans and, once halted with a count, what was never
	// asked for.
	Missing int
	Halted  bool  // stopped asking after MaxFailRun failures in a row
	Err     error // the failure that halted the load, or the first page's
	Stop    Stop
	StopAt  int // the offset of the stop
	Done    bool
	// The loader's current choices.
	PageSize, Concurrency int
	PageCap               int // the server's cap on size, 0 when none seen
}

// Loader is one load in progress. Its methods are safe from any goroutine.
type Loader[T any] struct {
	out    chan Batch[T]
	cancel context.CancelFunc
	st     *state[T]

	mu   sync.Mutex
	prog Progress
}

// Start begins loading. Take batches from C (or Next) until one is Last;
// Cancel stops the load early.
//
// key identifies an item (an id, or a hash of its raw JSON: see HashKey).
// An item whose key was delivered is not delivered again, and a page with
// no new item stops the load. With a nil key neither happens.
func Start[T any](ctx context.Context, fetch Fetch[T], key func(*T) uint64, o Options) *Loader[T] {
	return start(ctx, fetch, newState(key, o))
}

// Profile is the options of a profile's page_size, max_page_size and
// concurrency (0: the default); fixed selects the old fixed paging. The
// first page is page_size but at most DefaultFirstPage (the first screen
// waits for it); later pages are page_size to max_page_size.
func Profile(pageSize, maxPageSize, concurrency int, fixed bool) Options {
	if pageSize <= 0 {
		pageSize = DefaultFirstPage
	}
	if maxPageSize <= 0 {
		maxPageSize = DefaultMaxPage
	}
	return Options{FirstPage: min(pageSize, DefaultFirstPage), MinPage: pageSize,
		MaxPage: max(maxPageSize, pageSize), Concurrency: concurrency, Fixed: fixed}
}

func start[T any](ctx context.Context, fetch Fetch[T], st *state[T]) *Loader[T] {
	ctx, cancel := context.WithCancel(ctx)
	l := &Loader[T]{out: make(chan Batch[T], 2), cancel: cancel, st: st}
	st.fetch = fetch
	st.l = l
	go st.run(ctx)
	return l
}

// C is the batches, in list order; it is closed after the Last one.
func (l *Loader[T]) C() <-chan Batch[T] { return l.out }

// Next waits for the next batch. ok is false once the channel is closed
// (after the Last batch) or ctx is done.
func (l *Loader[T]) Next(ctx context.Context) (b Batch[T], ok bool) {
	select {
	case b, ok = <-l.out:
		return b, ok
	case <-ctx.Done():
		return b, false
	}
}

// Cancel stops the load: requests in flight are cancelled, and the
// channel is closed without a Last batch.
func (l *Loader[T]) Cancel() { l.cancel() }

// Progress is the latest account of the load.
func (l *Loader[T]) Progress() Progress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.prog
}

// Refill starts a load of what this one lacks once it has ended: its
// failed spans and, if it halted, the rest of the list. Items it delivered
// are not delivered again. It returns nil when there is nothing to fetch
// (or the load has not ended).
func (l *Loader[T]) Refill(ctx context.Context) *Loader[T] {
	p := l.Progress()
	if !p.Done || (p.Missing == 0 && !p.Halted) {
		return nil
	}
	st := l.st.refill()
	return start(ctx, st.fetch, st)
}

// HashKey is a Key for items known only by their bytes (FNV-1a).
func HashKey(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// Durations are measured with this clock (a variable for tests).
var now = time.Now
