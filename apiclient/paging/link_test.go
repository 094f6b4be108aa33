package paging

import (
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// The in-memory lists answer in microseconds. The loader sizes its pages
// (and its concurrency) by how long answers take, so the tests run on a
// clock that moves 150 ms each time it is read: every answer takes at
// least that long, as across a network.
func TestMain(m *testing.M) {
	now = linkClock(150 * time.Millisecond)
	os.Exit(m.Run())
}

func linkClock(step time.Duration) func() time.Time {
	base := time.Unix(1_700_000_000, 0)
	var ticks atomic.Int64
	return func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * step) }
}

// On a fast link (answers in microseconds) later pages stay small: large
// ones would only hold more memory while they decode.
func TestPagesFollowTheLink(t *testing.T) {
	defer func(old func() time.Time) { now = old }(now)
	now = time.Now
	l := &list{ids: seq(5000)}
	got, _, p := drain(t, Start(t.Context(), l.fetch, key, Options{}))
	if len(got) != 5000 || p.PageSize != DefaultFirstPage {
		t.Fatalf("%d items, progress %+v", len(got), p)
	}
	for _, r := range l.requests() {
		if r.N > DefaultFirstPage {
			t.Fatalf("request %v on a fast link, want pages of %d", r, DefaultFirstPage)
		}
	}
}
