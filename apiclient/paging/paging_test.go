package paging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// list is an in-memory server: items are ids, the count is len(ids)
// unless noCount; hooks misbehave as told. Every request is logged.
type list struct {
	mu       sync.Mutex
	ids      []int
	noCount  bool
	cap      int                          // most items a page answers (0: none)
	ignore   bool                         // ignores offset
	lie      int                          // count claimed instead, when > 0
	fail     func(off, attempt int) error // nil: none
	after    func(l *list, off, size int) // runs after serving, with mu held
	reqs     []Span
	attempts map[int]int
}

func (l *list) fetch(ctx context.Context, off, size int) ([]int, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, -1, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, Span{off, size})
	if l.attempts == nil {
		l.attempts = map[int]int{}
	}
	l.attempts[off]++
	if l.fail != nil {
		if err := l.fail(off, l.attempts[off]); err != nil {
			return nil, -1, err
		}
	}
	if l.cap > 0 {
		size = min(size, l.cap)
	}
	from := off
	if l.ignore {
		from = 0
	}
	from = min(from, len(l.ids))
	out := slices.Clone(l.ids[from:min(from+size, len(l.ids))])
	count := len(l.ids)
	if l.lie > 0 {
		count = l.lie
	}
	if l.noCount {
		count = -1
	}
	if l.after != nil {
		l.after(l, off, size)
	}
	return out, count, nil
}

func (l *list) requests() []Span {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func key(i *int) uint64 { return uint64(*i) }

// drain takes every batch of l and returns the items, the error batches'
// offsets and the last batch's progress.
func drain(t *testing.T, ld *Loader[int]) (items []int, failed []int, last Progress) {
	t.Helper()
	sawLast := false
	for b := range ld.C() {
		if sawLast {
			t.Fatal("a batch after the last")
		}
		items = append(items, b.Items...)
		if b.Err != nil {
			failed = append(failed, b.Offset)
		}
		if b.Last {
			sawLast, last = true, b.Progress
		}
	}
	if !sawLast {
		t.Fatal("the channel closed without a last batch")
	}
	return items, failed, last
}

func TestLoadsEverythingInOrderWithGrowingPages(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 2500, 100_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			l := &list{ids: seq(n)}
			got, failed, p := drain(t, Start(t.Context(), l.fetch, key, Options{}))
			if !slices.Equal(got, seq(n)) || failed != nil {
				t.Fatalf("%d items (want %d), failed %v", len(got), n, failed)
			}
			if p.Loaded != n || p.Total != n || p.Stop != StopNone || p.Missing != 0 || !p.Done || p.Changed {
				t.Fatalf("progress %+v", p)
			}
			reqs := l.requests()
			if reqs[0] != (Span{0, DefaultFirstPage}) {
				t.Errorf("first request %v, want a small first page", reqs[0])
			}
			asked := 0
			for _, r := range reqs {
				asked += r.N
				if r.N > DefaultMaxPage {
					t.Errorf("request %v above the largest page", r)
				}
			}
			if n > DefaultFirstPage && asked != n {
				t.Errorf("asked for %d items in %d requests, want exactly %d", asked, len(reqs), n)
			}
			if n == 100_000 && len(reqs) > 1+100+2*DefaultConcurrency {
				t.Errorf("%d requests for 100k, want about 101 (pages of 1000)", len(reqs))
			}
		})
	}
}

// Fixed is the old paging: the first page, then MinPage pages.
func TestFixedPaging(t *testing.T) {
	l := &list{ids: seq(1000)}
	got, _, _ := drain(t, Start(t.Context(), l.fetch, key, Options{FirstPage: 100, MinPage: 100, MaxPage: 100, Concurrency: 4, Fixed: true}))
	if len(got) != 1000 {
		t.Fatalf("%d items", len(got))
	}
	for _, r := range l.requests() {
		if r.N != 100 {
			t.Fatalf("request %v, want pages of 100", r)
		}
	}
}

func TestCappedServerLosesNothingAndIsFollowed(t *testing.T) {
	for _, c := range []int{1, 40, 300, 999} {
		l := &list{ids: seq(20_000), cap: c}
		got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{}))
		if !slices.Equal(got, seq(20_000)) {
			t.Fatalf("cap %d: %d items", c, len(got))
		}
		if p.PageCap != c && c < DefaultFirstPage || c >= DefaultFirstPage && p.PageCap != c {
			t.Errorf("cap %d: progress says %d", c, p.PageCap)
		}
		large := 0
		for _, r := range l.requests() {
			if r.N > c {
				large++
			}
		}
		if large > 1+DefaultConcurrency {
			t.Errorf("cap %d: %d requests above the cap, want at most the first wave", c, large)
		}
	}
}

func TestServerIgnoringOffsetStops(t *testing.T) {
	for _, noCount := range []bool{false, true} {
		l := &list{ids: seq(5000), ignore: true, noCount: noCount}
		got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{MinPage: 200, MaxPage: 200}))
		if !slices.Equal(got, seq(200)) || p.Stop != StopRepeat || p.StopAt != 300 {
			t.Fatalf("no count %v: %d items, progress %+v", noCount, len(got), p)
		}
		// 6 when the pages answer in order (the first, 4 in flight, one
		// more); in-memory answers may come in any order.
		if n := len(l.requests()); n > 2+2*DefaultConcurrency {
			t.Errorf("%d requests", n)
		}
	}
}

func TestLyingCountStopsAtTheEmptyPage(t *testing.T) {
	l := &list{ids: seq(1012), lie: 1_000_000_000}
	got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{MinPage: 200, MaxPage: 200}))
	if len(got) != 1012 || p.Stop != StopEmpty || p.StopAt != 1012 {
		t.Fatalf("%d items, progress %+v", len(got), p)
	}
	if n := len(l.requests()); n > 12 {
		t.Errorf("%d requests", n)
	}
}

func TestLimitAsksForExactlyItsItems(t *testing.T) {
	for _, lim := range []int{1, 99, 100, 101, 250, 2345} {
		l := &list{ids: seq(5000)}
		got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{Limit: lim}))
		if !slices.Equal(got, seq(lim)) || p.Stop != StopLimit {
			t.Fatalf("limit %d: %d items, %+v", lim, len(got), p)
		}
		asked := 0
		for _, r := range l.requests() {
			asked += r.N
		}
		if asked != lim {
			t.Errorf("limit %d: asked for %d", lim, asked)
		}
	}
	// Endless pages without a count stop at the limit too.
	l := &list{ids: seq(10_000), noCount: true}
	got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{MinPage: 200, Limit: 1500}))
	if len(got) != 1500 || p.Stop != StopLimit || len(l.requests()) != 8 {
		t.Fatalf("%d items, %d requests, %+v", len(got), len(l.requests()), p)
	}
}

func TestNoCountPagesOneAtATimeUntilAShortPage(t *testing.T) {
	l := &list{ids: seq(1234), noCount: true}
	got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{MinPage: 200}))
	if !slices.Equal(got, seq(1234)) || p.Total != -1 || p.Stop != StopNone {
		t.Fatalf("%d items, %+v", len(got), p)
	}
	for _, r := range l.requests()[1:] {
		if r.N != 200 {
			t.Errorf("request %v: without a count every later page is MinPage", r)
		}
	}
}

var errBoom = errors.New("boom")

// A failed page is delivered in its place; the rest loads; Refill asks
// for it alone.
func TestFailedPageIsAGapRefillFills(t *testing.T) {
	l := &list{ids: seq(3007), fail: func(off, attempt int) error {
		if off == 700 && attempt == 1 {
			return errBoom
		}
		return nil
	}}
	ld := Start(t.Context(), l.fetch, key, Options{MinPage: 200, MaxPage: 200})
	var order []int
	var got []int
	for b := range ld.C() {
		order = append(order, b.Offset)
		got = append(got, b.Items...)
		if b.Err != nil && (b.Offset != 700 || b.Missing != 200 || !errors.Is(b.Err, errBoom)) {
			t.Errorf("error batch %+v", b)
		}
	}
	if !slices.IsSorted(order) {
		t.Errorf("batches out of order: %v", order)
	}
	p := ld.Progress()
	if len(got) != 2807 || p.Missing != 200 || p.Halted {
		t.Fatalf("%d items, %+v", len(got), p)
	}
	before := len(l.requests())
	re := ld.Refill(t.Context())
	more, _, p2 := drain(t, re)
	if !slices.Equal(more, seq(900)[700:]) || p2.Missing != 0 || p2.Loaded != 3007 {
		t.Fatalf("refill got %d items, %+v", len(more), p2)
	}
	if reqs := l.requests()[before:]; !slices.Equal(reqs, []Span{{700, 200}}) {
		t.Errorf("refill asked for %v", reqs)
	}
	if re.Refill(t.Context()) != nil {
		t.Error("nothing left to refill, yet a refill started")
	}
}

// A run of failures halts the load; Refill goes on from there.
func TestRunOfFailuresHaltsAndRefillResumes(t *testing.T) {
	var down sync.Mutex
	isDown := true
	l := &list{ids: seq(9007), fail: func(off, _ int) error {
		down.Lock()
		defer down.Unlock()
		if isDown && off >= 1100 {
			return errBoom
		}
		return nil
	}}
	ld := Start(t.Context(), l.fetch, key, Options{MinPage: 200, MaxPage: 200, Concurrency: 4})
	got, _, p := drain(t, ld)
	if len(got) != 1100 || !p.Halted || p.Missing != 9007-1100 || !errors.Is(p.Err, errBoom) {
		t.Fatalf("%d items, %+v", len(got), p)
	}
	if n := len(l.requests()); n > 6+4+2*DefaultMaxFailRun {
		t.Errorf("%d requests: the load should stop asking", n)
	}
	down.Lock()
	isDown = false
	down.Unlock()
	before := len(l.requests())
	more, _, p2 := drain(t, ld.Refill(t.Context()))
	all := append(got, more...)
	slices.Sort(all)
	if !slices.Equal(all, seq(9007)) || p2.Missing != 0 || p2.Halted {
		t.Fatalf("after refill %d items, %+v", len(all), p2)
	}
	for _, r := range l.requests()[before:] {
		if r.Off < 1100 {
			t.Errorf("refill asked again for %v", r)
		}
	}
}

func TestFirstPageFailureEndsTheLoad(t *testing.T) {
	l := &list{ids: seq(500), fail: func(int, int) error { return errBoom }}
	ld := Start(t.Context(), l.fetch, key, Options{})
	got, _, p := drain(t, ld)
	if len(got) != 0 || !errors.Is(p.Err, errBoom) || !p.Done || len(l.requests()) != 1 {
		t.Fatalf("%v %+v", got, p)
	}
	if ld.Refill(t.Context()) != nil {
		t.Error("a load with nothing loaded cannot be refilled: it is reloaded")
	}
}

// MaxFailRun 1 is what a script wants: the pages before the failure are
// delivered, then the failure, and nothing more is asked.
func TestStopAtFirstFailure(t *testing.T) {
	l := &list{ids: seq(5000), fail: func(off, _ int) error {
		if off >= 1000 {
			return errBoom
		}
		return nil
	}}
	ld := Start(t.Context(), l.fetch, key, Options{MaxFailRun: 1, MinPage: 200, MaxPage: 200})
	var got []int
	for b := range ld.C() {
		if b.Err != nil {
			if b.Offset != 1100 {
				t.Errorf("first failure delivered at %d", b.Offset)
			}
			break
		}
		got = append(got, b.Items...)
	}
	ld.Cancel()
	if !slices.Equal(got, seq(1100)) {
		t.Fatalf("%d items before the failure", len(got))
	}
}

// Items removed or added while the list loads: no item delivered twice,
// none that stayed in the list left out, and Changed says so.
func TestListChangingDuringTheLoad(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(ids []int, off int) []int
	}{
		{"removed before the page", func(ids []int, off int) []int {
			// After each request, drop the 5 items just before it.
			from := max(off-5, 0)
			return slices.Delete(ids, from, off)
		}},
		{"added before the page", func(ids []int, off int) []int {
			add := make([]int, 7)
			for i := range add {
				add[i] = 1_000_000 + off*10 + i
			}
			return slices.Insert(ids, off/2, add...)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			orig := seq(5000)
			l := &list{ids: slices.Clone(orig)}
			edited := map[int]bool{} // each offset edits once
			var removed = map[int]bool{}
			var trace []string
			l.after = func(l *list, off, size int) {
				trace = append(trace, fmt.Sprint("served ", off, "+", size, " count ", len(l.ids)))
				if off == 0 || edited[off] || len(edited) > 5 {
					return
				}
				edited[off] = true
				before := slices.Clone(l.ids)
				l.ids = c.edit(l.ids, off)
				for _, id := range before {
					if !slices.Contains(l.ids, id) {
						removed[id] = true
					}
				}
			}
			got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{MinPage: 200, MaxPage: 200, Concurrency: 4}))
			seen := map[int]bool{}
			for _, id := range got {
				if seen[id] {
					t.Fatalf("item %d delivered twice", id)
				}
				seen[id] = true
			}
			for _, id := range orig {
				if !removed[id] && !seen[id] {
					t.Fatalf("item %d stayed in the list but was not delivered\n%s", id, strings.Join(trace, "\n"))
				}
			}
			if !p.Changed {
				t.Errorf("progress does not say the list changed: %+v", p)
			}
		})
	}
}

// Cancel stops the fetches and closes the channel.
func TestCancel(t *testing.T) {
	started := make(chan struct{}, 64)
	fetch := func(ctx context.Context, off, size int) ([]int, int, error) {
		if off == 0 {
			return seq(size), 1_000_000, nil
		}
		started <- struct{}{}
		<-ctx.Done()
		return nil, -1, ctx.Err()
	}
	ld := Start(t.Context(), fetch, key, Options{})
	b := <-ld.C()
	if len(b.Items) != DefaultFirstPage {
		t.Fatalf("first batch %d items", len(b.Items))
	}
	<-started
	ld.Cancel()
	for b := range ld.C() {
		if b.Last {
			t.Error("a cancelled load sends no last batch")
		}
	}
	if _, ok := ld.Next(context.Background()); ok {
		t.Error("Next after the end")
	}
}

// Concurrency follows the latency: on a slow link (a page's time is mostly
// the round trip) the bound, on loopback (mostly work) two; jitter does
// not pull it down.
func TestConcurrencyFollowsLatency(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	for _, c := range []struct {
		name  string
		first time.Duration
		later func(i int) time.Duration
		want  int
	}{
		{"150 ms link", ms(151), func(int) time.Duration { return ms(166) }, 8},
		{"150 ms link, jitter ±50", ms(101), func(i int) time.Duration { return ms(166 + float64(i%5-2)*25) }, 8},
		{"loopback", ms(1.5), func(int) time.Duration { return ms(14) }, 2},
	} {
		s := newState[int](nil, Options{Concurrency: 8, MinPage: 100})
		s.learn(c.first, 100)
		s.started = true
		for i := range 20 {
			s.learn(c.later(i), 1000)
		}
		if s.conc != c.want {
			t.Errorf("%s: concurrency %d, want %d", c.name, s.conc, c.want)
		}
	}
}

// Answers that come last first are delivered in order.
func TestOutOfOrderAnswersDeliveredInOrder(t *testing.T) {
	const later = 15 // pages after the first, all in flight at once
	l := &list{ids: seq(100 * (later + 1))}
	type held struct {
		off  int
		go_  chan struct{}
		done chan struct{}
	}
	arrived := make(chan held, later)
	fetch := func(ctx context.Context, off, size int) ([]int, int, error) {
		if off == 0 {
			return l.fetch(ctx, off, size)
		}
		h := held{off, make(chan struct{}), make(chan struct{})}
		arrived <- h
		<-h.go_
		defer close(h.done)
		return l.fetch(ctx, off, size)
	}
	go func() {
		var hs []held
		for range later {
			hs = append(hs, <-arrived)
		}
		slices.SortFunc(hs, func(a, b held) int { return b.off - a.off })
		for _, h := range hs {
			close(h.go_)
			<-h.done
		}
	}()
	got, _, _ := drain(t, Start(t.Context(), fetch, key, Options{MinPage: 100, MaxPage: 100, Concurrency: MaxConcurrency}))
	if !slices.Equal(got, seq(100*(later+1))) {
		t.Fatalf("order lost: %d items", len(got))
	}
}

func TestProfile(t *testing.T) {
	if got, want := Profile(0, 0, 0, false), (Options{FirstPage: 100, MinPage: 100, MaxPage: 1000}); got != want {
		t.Errorf("defaults: %+v, want %+v", got, want)
	}
	if got, want := Profile(500, 200, 8, true), (Options{FirstPage: 100, MinPage: 500, MaxPage: 500, Concurrency: 8, Fixed: true}); got != want {
		t.Errorf("page 500: %+v, want %+v", got, want)
	}
}
