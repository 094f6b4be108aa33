package paging

import (
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// The in-memory lists answer in microseconds. The loader sets its
// concurrency by how long answers take, so the tests run on a clock that
// moves 150 ms each time it is read: every answer takes at least that
// long, as across a network.
func TestMain(m *testing.M) {
	now = linkClock(150 * time.Millisecond)
	os.Exit(m.Run())
}

func linkClock(step time.Duration) func() time.Time {
	base := time.Unix(1_700_000_000, 0)
	var ticks atomic.Int64
	return func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * step) }
}
