package paging

import (
	"context"
	"math"
	"slices"
	"time"
)

const unbounded = int(^uint(0) >> 1)

// req is one request: a span of the list, or a repair (the rows that slid
// between two pages fetched while the count changed, asked for again
// before the later page, holder, is delivered).
type req struct {
	Span
	repair  bool
	holder  int
	planned int // the count a repair's window was planned with
}

// result is an answered (or failed) request.
type result[T any] struct {
	req
	items []T
	count int
	err   error
	dur   time.Duration
	// pre holds a repair's items, delivered before items; repairing says
	// one is in flight; repaired that the seam was checked.
	pre                 []T
	repairing, repaired bool
	tries               int
}

// state is the coordinator's: only its goroutine touches it.
type state[T any] struct {
	o     Options
	key   func(*T) uint64
	fetch Fetch[T]
	l     *Loader[T]

	bound, conc             int
	first, minPage, maxPage int
	started, known, ended   bool
	total, firstTotal       int
	changed                 bool
	end                     int // first offset not to deliver
	next                    int // offsets from here on are not planned yet
	queue                   []Span
	outstanding             []int // offsets planned and not delivered, sorted
	waiting                 map[int]*result[T]
	inflight                int
	pageCap                 int
	spread                  int // size of the later pages, once the count is known
	delivered               int
	seen                    map[uint64]struct{}
	prevCount               int
	failRun                 int
	sane                    int // later pages delivered
	halted                  bool
	err                     error
	missing, left           []Span // failed; not asked because halted
	stop                    Stop
	stopAt                  int
	requests                int
	rtt                     time.Duration
	lat                     float64
	work                    []time.Duration // recent (duration - rtt) of later pages
	results                 chan *result[T]
	quit                    chan struct{}
}

func newState[T any](key func(*T) uint64, o Options) *state[T] {
	s := &state[T]{o: o, key: key, total: -1, firstTotal: -1, prevCount: -1, waiting: map[int]*result[T]{}}
	s.first = o.FirstPage
	if s.first <= 0 {
		s.first = DefaultFirstPage
	}
	s.minPage = o.MinPage
	if s.minPage <= 0 {
		s.minPage = s.first
	}
	s.maxPage = o.MaxPage
	if s.maxPage <= 0 {
		s.maxPage = DefaultMaxPage
	}
	s.maxPage = max(s.maxPage, s.minPage)
	s.bound = o.Concurrency
	if s.bound <= 0 {
		s.bound = DefaultConcurrency
	}
	s.bound = min(s.bound, MaxConcurrency)
	s.conc = s.bound
	if s.o.MaxFailRun <= 0 {
		s.o.MaxFailRun = DefaultMaxFailRun
	}
	if key != nil {
		s.seen = map[uint64]struct{}{}
	}
	s.end = unbounded
	if o.Limit > 0 {
		s.end = o.Limit
	}
	return s
}

// refill is a state that asks for what s lacks, keeping what it learnt.
func (s *state[T]) refill() *state[T] {
	r := &state[T]{o: s.o, key: s.key, fetch: s.fetch, bound: s.bound, conc: s.conc, first: s.first, minPage: s.minPage,
		maxPage: s.maxPage, started: true, known: s.known, ended: s.ended, total: s.total, firstTotal: s.firstTotal,
		changed: s.changed, end: s.end, next: s.next, pageCap: s.pageCap, spread: s.spread, delivered: s.delivered, seen: s.seen,
		prevCount: -1, waiting: map[int]*result[T]{}, rtt: s.rtt, lat: s.lat, stop: s.stop, stopAt: s.stopAt}
	spans := append(slices.Clone(s.missing), s.left...)
	slices.SortFunc(spans, func(a, b Span) int { return a.Off - b.Off })
	for _, sp := range spans {
		r.plan(sp)
	}
	return r
}

// plan queues a span to ask for and to deliver in its place.
func (s *state[T]) plan(sp Span) {
	if sp.N <= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(s.queue, sp.Off, func(q Span, off int) int { return q.Off - off })
	s.queue = slices.Insert(s.queue, i, sp)
	s.addOutstanding(sp.Off)
}

func (s *state[T]) addOutstanding(off int) {
	i, found := slices.BinarySearch(s.outstanding, off)
	if !found {
		s.outstanding = slices.Insert(s.outstanding, i, off)
	}
}

func (s *state[T]) dropOutstanding(off int) {
	if i, found := slices.BinarySearch(s.outstanding, off); found {
		s.outstanding = slices.Delete(s.outstanding, i, i+1)
	}
}

// run is the coordinator: it asks, takes answers and delivers, until the
// load ends or ctx is done.
func (s *state[T]) run(ctx context.Context) {
	defer close(s.l.out)
	s.results = make(chan *result[T], 2*MaxConcurrency+1)
	s.quit = make(chan struct{})
	defer close(s.quit) // fetches still in flight drop their answers
	defer s.l.cancel()
	if !s.started {
		n := min(s.first, s.end-s.next)
		if n <= 0 {
			s.finish(ctx)
			return
		}
		s.ask(ctx, req{Span: Span{s.next, n}})
		s.addOutstanding(s.next)
		s.next += n
	}
	for {
		// Deliver first: a page that stops the load (a repeat) stops it
		// before more is asked, and delivering makes room to ask.
		if !s.deliver(ctx) {
			return
		}
		s.askAll(ctx)
		if s.inflight == 0 {
			s.finish(ctx)
			return
		}
		s.publish()
		select {
		case r := <-s.results:
			s.take(r)
		case <-ctx.Done():
			return
		}
	}
}

// askAll sends every request there is room for.
func (s *state[T]) askAll(ctx context.Context) {
	for {
		r, ok := s.nextReq()
		if !ok {
			return
		}
		s.ask(ctx, r)
	}
}

// ask sends one request on its own goroutine.
func (s *state[T]) ask(ctx context.Context, r req) {
	s.inflight++
	s.requests++
	go func() {
		t0 := now()
		items, count, err := s.fetch(ctx, r.Off, r.N)
		res := &result[T]{req: r, items: items, count: count, err: err, dur: now().Sub(t0)}
		select {
		case s.results <- res:
		case <-s.quit:
		}
	}()
}

// step is the size of the later pages: the rest of the list spread over
// the requests in flight, so a short list does not wait on one large page.
func (s *state[T]) step() int {
	n := s.minPage
	if !s.o.Fixed && s.spread > 0 {
		n = s.spread
	}
	if s.pageCap > 0 {
		n = min(n, s.pageCap)
	}
	return max(n, 1)
}

// nextReq is the next request to send, if any: a span a short page or a
// refill left first (it holds up delivery), else the next part of the list.
func (s *state[T]) nextReq() (req, bool) {
	if s.halted || !s.started || s.inflight >= s.conc {
		return req{}, false
	}
	for len(s.queue) > 0 && s.queue[0].Off >= s.end {
		s.dropOutstanding(s.queue[0].Off)
		s.queue = s.queue[1:]
	}
	if len(s.queue) > 0 {
		g := s.queue[0]
		n := min(g.N, s.end-g.Off)
		if s.pageCap > 0 {
			n = min(n, s.pageCap)
		}
		if n < g.N && g.Off+n < s.end {
			s.queue[0] = Span{g.Off + n, g.N - n}
			s.addOutstanding(g.Off + n)
		} else {
			s.queue = s.queue[1:]
		}
		return req{Span: Span{g.Off, n}}, true
	}
	if s.next >= s.end || s.ended || (!s.known && s.inflight > 0) {
		return req{}, false
	}
	// Memory: at most this many pages held. Until two later pages were
	// delivered in good order, no more than Concurrency: a server that
	// ignores offset is found out after a handful of requests.
	window := s.bound
	if s.sane >= 2 {
		window = 2 * s.bound
	}
	if s.inflight+len(s.waiting) >= window {
		return req{}, false
	}
	n := min(s.step(), s.end-s.next)
	r := req{Span: Span{s.next, n}}
	s.addOutstanding(s.next)
	s.next += n
	return r, true
}

// take learns from an answer: where the list ends, whether the server
// caps size, whether the count moved; the page waits for delivery.
func (s *state[T]) take(r *result[T]) {
	s.inflight--
	if r.repair {
		h := s.waiting[r.holder]
		if h == nil {
			return
		}
		h.repairing = false
		if r.err != nil {
			return
		}
		h.pre = append(h.pre, r.items...)
		if r.count >= 0 && r.count != r.planned && h.tries < 4 {
			// The list moved again while the repair was asked: ask again
			// with the window its count gives.
			h.repaired = false
		}
		s.noteCount(r.count)
		return
	}
	if r.err == nil {
		s.learn(r.dur, r.N)
	}
	if !s.started {
		if r.err != nil {
			s.err = r.err
			s.dropOutstanding(r.Off)
			return
		}
		s.started = true
		if r.count >= 0 {
			s.known, s.total, s.firstTotal = true, r.count, r.count
			s.end = min(s.end, r.count)
			// Planned once, so the first requests in flight cover the
			// list when it is short.
			rest := s.end - r.Off - len(r.items)
			s.spread = min(max((rest+s.bound-1)/s.bound, s.minPage), s.maxPage)
		}
	}
	if r.Off >= s.end {
		s.dropOutstanding(r.Off)
		return // past a stop, or past the end of a list that shrank
	}
	if r.err != nil {
		miss := Span{r.Off, min(r.N, s.end-r.Off)}
		s.missing = append(s.missing, miss)
		r.N = miss.N
		s.waiting[r.Off] = r
		return
	}
	if len(r.items) > r.N {
		r.items = r.items[:r.N] // more than asked: the rest is another page's
	}
	s.noteCount(r.count)
	k := len(r.items)
	counted := s.known && r.count >= 0
	if k > 0 && s.seen != nil && s.allSeen(r.items) {
		s.stopHere(r.Off, StopRepeat) // the server ignores offset, or cycles
		s.dropOutstanding(r.Off)
		return
	}
	switch {
	case k == 0 && counted && r.count > r.Off:
		s.stopHere(r.Off, StopEmpty) // fewer rows than the count says
	case k == 0:
		s.lowerEnd(r.Off)
		s.ended = true
	case k < r.N && counted && r.Off+k < min(r.count, s.end):
		// Short while the count says more: the server caps size. Ask for
		// the rest of the span, never for more than the cap again.
		if s.pageCap == 0 || k < s.pageCap {
			s.pageCap = k
		}
		s.plan(Span{r.Off + k, r.N - k})
	case k < r.N:
		s.lowerEnd(r.Off + k)
		s.ended = true
	}
	if k == 0 {
		s.dropOutstanding(r.Off)
		return
	}
	s.waiting[r.Off] = r
}

// noteCount follows a count that moved during the load.
func (s *state[T]) noteCount(c int) {
	if !s.known || c < 0 || c == s.total {
		return
	}
	s.changed, s.total = true, c
	if lim := s.limitEnd(); c > s.end && s.end < lim && !s.ended && s.stop == StopNone {
		s.end = min(lim, c) // sources were added while we list
	}
}

func (s *state[T]) limitEnd() int {
	if s.o.Limit > 0 {
		return s.o.Limit
	}
	return unbounded
}

// lowerEnd ends the list at off: nothing at or past it is asked for or
// delivered.
func (s *state[T]) lowerEnd(off int) {
	if off >= s.end {
		return
	}
	s.end = off
	s.queue = clip(s.queue, off)
	s.missing = clip(s.missing, off)
	s.left = clip(s.left, off)
	for i := len(s.outstanding) - 1; i >= 0 && s.outstanding[i] >= off; i-- {
		delete(s.waiting, s.outstanding[i])
		s.outstanding = s.outstanding[:i]
	}
}

func (s *state[T]) stopHere(off int, why Stop) {
	if off >= s.end {
		return
	}
	s.lowerEnd(off)
	s.stop, s.stopAt = why, off
}

func clip(spans []Span, end int) []Span {
	out := spans[:0]
	for _, sp := range spans {
		if sp.Off < end {
			sp.N = min(sp.N, end-sp.Off)
			out = append(out, sp)
		}
	}
	return out
}

// halt stops asking: the spans not asked for yet are left for Refill.
func (s *state[T]) halt(err error) {
	s.halted, s.err = true, err
	for _, q := range s.queue {
		s.left = append(s.left, q)
		s.dropOutstanding(q.Off)
	}
	s.queue = nil
}

// learn follows the latency: enough requests in flight to cover the time
// a page spends on the wire with pages being worked on. The work is the
// page's time beyond the quickest answer seen; its recent minimum keeps
// jitter out of it.
func (s *state[T]) learn(d time.Duration, n int) {
	if s.o.Fixed {
		return
	}
	if s.rtt == 0 || d < s.rtt {
		s.rtt = d
	}
	if s.lat == 0 {
		s.lat = float64(d)
	}
	s.lat = 0.8*s.lat + 0.2*float64(d)
	if n < s.minPage || !s.started {
		return // the first page is the quickest answer, not work
	}
	s.work = append(s.work, d-s.rtt)
	if len(s.work) > 8 {
		s.work = s.work[1:]
	}
	w := slices.Min(s.work)
	target := s.bound
	if w > 0 {
		target = int(math.Ceil(s.lat / float64(w)))
	}
	s.conc = min(max(target, min(2, s.bound)), s.bound)
}

// deliver hands over every page whose turn it is. It reports false when
// ctx ended meanwhile.
func (s *state[T]) deliver(ctx context.Context) bool {
	for len(s.outstanding) > 0 {
		off := s.outstanding[0]
		r := s.waiting[off]
		if r == nil || r.repairing {
			return true
		}
		if r.err == nil && s.seam(ctx, r) {
			return true // a repair is in flight; the page waits for it
		}
		s.outstanding = s.outstanding[1:]
		delete(s.waiting, off)
		b := Batch[T]{Offset: off}
		if r.err != nil {
			// Failures in a row are counted in list order, so the answer
			// does not depend on which request the network served first.
			b.Err, b.Missing = r.err, r.N
			if s.failRun++; s.failRun >= s.o.MaxFailRun && !s.halted {
				s.halt(r.err)
			}
		} else {
			s.failRun = 0
			if off > 0 {
				s.sane++
			}
			b.Items = s.fresh(r)
			if b.Items == nil && s.stop == StopRepeat && s.stopAt == off {
				continue
			}
			s.prevCount = r.count
		}
		b.Progress = s.progress()
		select {
		case s.l.out <- b:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// seam checks the seam before page r: when r saw a smaller count than the
// page before it, rows may have slid back past r's offset between the two
// requests. The span just before r is asked for again (by the count's
// difference); its new rows go before r's. It reports whether r waits.
func (s *state[T]) seam(ctx context.Context, r *result[T]) bool {
	if r.repaired || s.key == nil || s.prevCount < 0 || r.count < 0 || r.count >= s.prevCount || r.Off == 0 {
		return false
	}
	r.repaired, r.repairing = true, true
	r.tries++
	// In r's numbering the rows lost are the k before its offset; the
	// list may have moved by d more since r was answered, and by more
	// while the repair is on its way: k more either side, as the list
	// moved by k between the two pages.
	k := s.prevCount - r.count
	d := s.total - r.count
	if d < 0 {
		d = -d
	}
	from := max(r.Off-2*k-d, 0)
	n := min(r.Off+d+k-from, s.maxPage)
	if s.pageCap > 0 {
		n = min(n, s.pageCap)
	}
	s.ask(ctx, req{Span: Span{from, n}, repair: true, holder: r.Off, planned: s.total})
	return true
}

func (s *state[T]) allSeen(items []T) bool {
	for i := range items {
		if _, ok := s.seen[s.key(&items[i])]; !ok {
			return false
		}
	}
	return true
}

// fresh is r's items not delivered before, up to Limit; a page without
// one (the server repeats itself) stops the load.
func (s *state[T]) fresh(r *result[T]) []T {
	items := r.items
	if len(r.pre) > 0 {
		items = append(r.pre, items...)
	}
	if s.seen != nil {
		out := items[:0:0]
		for i := range items {
			k := s.key(&items[i])
			if _, dup := s.seen[k]; dup {
				continue
			}
			s.seen[k] = struct{}{}
			out = append(out, items[i])
		}
		if len(out) == 0 && len(r.items) > 0 {
			s.stopHere(r.Off, StopRepeat)
			return nil
		}
		items = out
	}
	if s.o.Limit > 0 && s.delivered+len(items) >= s.o.Limit {
		items = items[:s.o.Limit-s.delivered]
		// Asked up to the limit, and the server has (or may have) more.
		if (!s.known || s.total > s.o.Limit) && !s.ended {
			s.stop, s.stopAt = StopLimit, s.o.Limit
		}
		s.lowerEnd(r.Off + len(r.items))
	}
	s.delivered += len(items)
	return items
}

// progress is the load's account now.
func (s *state[T]) progress() Progress {
	p := Progress{Loaded: s.delivered, Total: s.total, Changed: s.changed, Requests: s.requests,
		InFlight: s.inflight, Halted: s.halted, Err: s.err, Stop: s.stop, StopAt: s.stopAt,
		PageSize: s.step(), Concurrency: s.conc, PageCap: s.pageCap}
	for _, sp := range s.missing {
		p.Missing += sp.N
	}
	if s.halted && s.known {
		for _, sp := range s.left {
			p.Missing += sp.N
		}
		p.Missing += max(min(s.end, s.total)-s.next, 0)
	}
	return p
}

func (s *state[T]) publish() {
	p := s.progress()
	s.l.mu.Lock()
	s.l.prog = p
	s.l.mu.Unlock()
}

// finish sends the last batch.
func (s *state[T]) finish(ctx context.Context) {
	if s.halted && s.known {
		// What was never asked for is left for Refill.
		if s.next < min(s.end, s.total) {
			s.left = append(s.left, Span{s.next, min(s.end, s.total) - s.next})
			s.next = min(s.end, s.total)
		}
	}
	p := s.progress()
	p.Done = true
	s.l.mu.Lock()
	s.l.prog = p
	s.l.mu.Unlock()
	select {
	case s.l.out <- Batch[T]{Offset: s.end, Progress: p, Last: true}:
	case <-ctx.Done():
	}
}
