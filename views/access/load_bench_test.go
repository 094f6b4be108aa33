package access

// The access view's load on the shared loader: with 50,000 members, how
// long the UI goroutine (Update) is busy taking the pages in, beside the
// way it was before the loader (rows made in Update, the table rebuilt
// from every page so far at each page).
//
//	go test -run '^$' -bench LoadMembers -benchtime 5x ./views/access/

import (
	"sort"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func BenchmarkLoadMembers(b *testing.B) {
	const n = 50_000
	users := benchMembers(n)
	b.Run("members=50k/before-rows-in-update", func(b *testing.B) {
		// The old onPage, page by page of 100 as it asked: make the page's
		// rows, then join every page so far in offset order.
		now := fixedNow
		var ui time.Duration
		for range b.N {
			pages := map[int][]row{}
			start := time.Now()
			for off := 0; off < n; off += 100 {
				page := users[off:min(off+100, n)]
				rows := make([]row, len(page))
				for i, u := range page {
					rows[i] = makeRow(u, now)
				}
				pages[off] = rows
				offsets := make([]int, 0, len(pages))
				total := 0
				for o, p := range pages {
					offsets = append(offsets, o)
					total += len(p)
				}
				sort.Ints(offsets)
				all := make([]row, 0, total)
				for _, o := range offsets {
					all = append(all, pages[o]...)
				}
				_ = all
			}
			ui += time.Since(start)
		}
		b.ReportMetric(float64(ui.Microseconds())/1000/float64(b.N), "ui-ms/load")
	})
	b.Run("members=50k/loader", func(b *testing.B) {
		var ui time.Duration
		for range b.N {
			api := &viewtest.FakeAPI{Access: map[int64][]apiclient.AccessUser{16: users}}
			m := New(viewtest.Context(api), 16, "Web Sales")
			m.SetSize(200, 60)
			queue := runHere(m.Init())
			for len(queue) > 0 {
				msg := queue[0]
				queue = queue[1:]
				if r, ok := msg.(views.RequestStartMsg); ok { // the root runs it off the UI goroutine
					queue = append(queue, runHere(r.Run)...)
					continue
				}
				msg, ok := viewtest.Current(msg) // as the root delivers it
				if !ok {
					continue
				}
				start := time.Now()
				_, cmd := m.Update(msg)
				ui += time.Since(start)
				queue = append(queue, runHere(cmd)...)
			}
			if len(m.t.Rows) != n {
				b.Fatalf("%d rows", len(m.t.Rows))
			}
		}
		b.ReportMetric(float64(ui.Microseconds())/1000/float64(b.N), "ui-ms/load")
	})
}
