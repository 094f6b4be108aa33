package report

import (
	"context"
	"fmt"
	"iter"
	"sync"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
)

// Lister lists one page of a source's members (GET /dataSource/{id}/access).
// *apiclient.Client is one.
type Lister interface {
	ListAccess(ctx context.Context, id int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error)
}

// Reader reads a source (GET /dataSource/{id}): the walk uses it, when the
// lister is one too, for a source whose SQL names it was not given.
type Reader interface {
	GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error)
}

// Options tune a walk.
type Options struct {
	// Access is the members call's filter (states, member types, expand
	// groups); its Size is the page size (DefaultPageSize when 0) and its
	// Offset is ignored.
	Access apiclient.AccessOptions
	// Concurrency is how many sources are listed at a time (4 when 0).
	Concurrency int
	// MaxMembers bounds one source's members (DefaultMaxMembers when 0):
	// past it the source is reported as failed, with the rows it had.
	MaxMembers int
	// Lookup reads each source first (when the lister is a Reader) to
	// fill in its name and SQL table: for callers that hold only ids.
	Lookup bool
	// Timeout bounds each request (none when 0).
	Timeout func(context.Context) (context.Context, context.CancelFunc)
}

const (
	DefaultPageSize   = 200
	DefaultMaxMembers = 1 << 20
)

// Done is what the walk found for one source.
type Done struct {
	Source Source // with the name and SQL table read, under Lookup
	Rows   []Row
	Err    error // the source failed: Rows holds what came before
}

// Walk lists every source's members, at most Concurrency sources at a time,
// and calls emit once per source, in the order sources yields them, from
// the caller's goroutine. At most about twice Concurrency sources' members
// are held at once, however many sources there are. A source that fails is
// handed to emit with its error, and the walk goes on; an error from emit
// (the disk is full) or the end of ctx stops it, and Walk returns that
// error once every request it started has ended. sources is read on
// another goroutine, and never after Walk has returned.
func Walk(ctx context.Context, l Lister, sources iter.Seq[Source], o Options, emit func(Done) error) error {
	n := o.Concurrency
	if n <= 0 {
		n = 4
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		done chan Done
	}
	queue := make(chan *job, n)
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		for s := range sources {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			j := &job{done: make(chan Done, 1)}
			wg.Add(1)
			go func(s Source) {
				defer wg.Done()
				defer func() { <-sem }()
				j.done <- walkOne(ctx, l, s, o)
			}(s)
			select {
			case queue <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	var err error
	for j := range queue {
		d := <-j.done
		if err == nil {
			if err = ctx.Err(); err == nil {
				err = emit(d)
			}
			if err != nil {
				cancel() // the rest is not wanted; drain what is in flight
			}
		}
	}
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// walkOne lists one source's members, page by page.
func walkOne(ctx context.Context, l Lister, s Source, o Options) Done {
	d := Done{Source: s}
	call := func() (context.Context, context.CancelFunc) {
		if o.Timeout != nil {
			return o.Timeout(ctx)
		}
		return context.WithCancel(ctx)
	}
	if r, ok := l.(Reader); ok && (o.Lookup || s.NoTable) {
		rctx, done := call()
		ds, err := r.GetDataSource(rctx, s.ID)
		done()
		switch {
		case err != nil:
			d.Err = err
			return d
		case ds == nil || ds.ID != s.ID:
			d.Err = fmt.Errorf("GET /dataSource/%d answered with another source", s.ID)
			return d
		}
		if ds.Name != "" {
			d.Source.Name = ds.Name
		}
		d.Source.SQLTable = SQLTable(ds)
		d.Source.NoTable = false
	}
	size := o.Access.Size
	if size <= 0 {
		size = DefaultPageSize
	}
	limit := o.MaxMembers
	if limit <= 0 {
		limit = DefaultMaxMembers
	}
	opts := o.Access
	// The loader does not wait for its requests once cancelled, and Walk
	// returns only once every request it started has ended: walkOne waits
	// for its own (and starts none after it has stopped).
	var (
		mu      sync.Mutex
		stopped bool
		wg      sync.WaitGroup
	)
	fetch := func(ctx context.Context, offset, n int) ([]apiclient.AccessUser, int, error) {
		mu.Lock()
		if stopped {
			mu.Unlock()
			return nil, -1, context.Canceled
		}
		wg.Add(1)
		mu.Unlock()
		defer wg.Done()
		// Every request asks for the page size, as before the loader
		// (which trims its last span to the count): the rows past n are
		// dropped.
		opts := opts
		opts.Offset, opts.Size = offset, size
		pctx, done := o.timeout(ctx)
		defer done()
		p, err := l.ListAccess(pctx, s.ID, opts)
		if err != nil || p == nil {
			return nil, -1, err // no page: the end, as an empty one
		}
		users := p.Users
		if len(users) > n {
			users = users[:n]
		}
		return users, p.Count, nil
	}
	// One loader per source. Walk already runs Concurrency sources at a
	// time, so each loader keeps one request in flight: the requests in
	// flight stay bounded by Walk's Concurrency (a lookup and a page are
	// never in flight together for one source). Every page is the access
	// page size; the first failed page fails the source (MaxFailRun 1);
	// one member past MaxMembers is asked for, to tell "exactly the cap"
	// from "more". No key: members are kept as the server lists them, as
	// before the loader.
	ld := paging.Start(ctx, fetch, nil, paging.Options{
		FirstPage: size, MinPage: size, MaxPage: size,
		Concurrency: 1, MaxFailRun: 1, Limit: limit + 1,
	})
	defer func() {
		ld.Cancel()
		mu.Lock()
		stopped = true
		mu.Unlock()
		wg.Wait()
	}()
	for {
		b, ok := ld.Next(ctx)
		if !ok {
			// Closed without a last batch, or ctx ended: cancelled.
			if d.Err = ctx.Err(); d.Err == nil {
				d.Err = context.Canceled
			}
			return d
		}
		if b.Err != nil {
			d.Err = b.Err
			return d
		}
		for _, u := range b.Items {
			if len(d.Rows) >= limit {
				d.Err = fmt.Errorf("more than %d members: stopped there", limit)
				return d
			}
			d.Rows = append(d.Rows, RowOf(d.Source, u))
		}
		if b.Last {
			if b.Progress.Err != nil && d.Err == nil {
				d.Err = b.Progress.Err
			}
			return d
		}
	}
}

// timeout is the context of one request: Options.Timeout's, or ctx's.
func (o Options) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if o.Timeout != nil {
		return o.Timeout(ctx)
	}
	return context.WithCancel(ctx)
}
