package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// loop runs a view as Bubble Tea does: each command on its own goroutine,
// every message through Update on this one, and a frame (View) after each.
// The root's part is played too: RequestStartMsg runs the request and
// hands its result back.
type loop struct {
	m      *Model
	msgs   chan tea.Msg
	busy   int
	frames int
	err    error
	ui     durations // Update+View per message: how long the UI goroutine was busy
	// cpuClock, when set, is the CPU time of the thread running the loop
	// (locked to it): uiCPU is then the CPU Update+View took per message,
	// whatever else the machine runs.
	cpuClock func() time.Duration
	uiCPU    durations
}

func newLoop(m *Model) *loop { return &loop{m: m, msgs: make(chan tea.Msg, 64)} }

func (l *loop) start(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	l.busy++
	go func() { l.msgs <- cmd() }()
}

func (l *loop) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			l.start(c)
		}
	case views.RequestStartMsg:
		l.start(msg.Run)
	case views.ErrorMsg:
		l.err = msg.Err
	default:
		t := time.Now()
		var c0 time.Duration
		if l.cpuClock != nil {
			c0 = l.cpuClock()
		}
		_, cmd := l.m.Update(msg)
		_ = l.m.View()
		l.ui = append(l.ui, time.Since(t))
		if l.cpuClock != nil {
			l.uiCPU = append(l.uiCPU, l.cpuClock()-c0)
		}
		l.frames++
		l.start(cmd)
	}
}

// run delivers messages until nothing is left running or done says stop.
func (l *loop) run(done func() bool) {
	for l.busy > 0 && !done() {
		msg := <-l.msgs
		l.busy--
		l.deliver(msg)
	}
}

// fullyLoaded is the moment the header reads "N of N loaded" with every
// row sorted into the view.
func fullyLoaded(m *Model) bool {
	d := m.all
	return d != nil && d.done && d.total == d.loaded() && !m.computing && m.viewN == d.loaded() && m.viewDS == d
}

// loadCases are the load settings: page sizes 200 and 1000 (dsbrowse's
// default is 100) at concurrency 1, 4 and 8. At 1M rows only one runs.
var loadCases = []struct{ page, conc int }{{200, 1}, {200, 4}, {200, 8}, {1000, 1}, {1000, 4}, {1000, 8}}

// BenchmarkLoad is a full background load through the real apiclient
// against the emulator on loopback (immutatest.NewServer, in this process,
// so its encoding shares the two cores as the demo does): every page
// fetched, decoded, converted and merged, the view re-sorted, and a frame
// drawn after each message. One op is one load of every source. p99-ui-ms
// and max-ui-ms are how long the UI goroutine was busy with one message
// (Update and the frame after it): how long a keystroke could wait.
// BenchmarkLoadParts says where the time goes.
func BenchmarkLoad(b *testing.B) {
	for _, size := range benchSizes {
		b.Run("rows="+size.name, func(b *testing.B) {
			srv := immutatest.NewServer(immutatest.Options{Sources: size.n})
			defer srv.Close()
			emuPage(b, srv.Handler, 0, 1) // the server sorts by name once
			total := srv.Handler.Len()
			for _, lc := range loadCases {
				if size.n >= 1_000_000 && (lc.page != 1000 || lc.conc != 4) {
					continue
				}
				b.Run(fmt.Sprintf("page=%d/conc=%d", lc.page, lc.conc), func(b *testing.B) {
					client, err := apiclient.New(srv.URL, immutatest.DefaultKey)
					if err != nil {
						b.Fatal(err)
					}
					var frames int
					var ui durations
					start := time.Now()
					for b.Loop() {
						sess := viewtest.Context(client)
						sess.PageSize, sess.Concurrency = lc.page, lc.conc
						m := New(sess)
						m.SetSize(200, 60)
						l := newLoop(m)
						l.start(m.Init())
						l.run(func() bool { return fullyLoaded(m) })
						if l.err != nil || m.all.loaded() != total {
							b.Fatalf("loaded %d of %d: %v", m.all.loaded(), total, l.err)
						}
						frames += l.frames
						ui = append(ui, l.ui...)
						m.Close()
					}
					elapsed := time.Since(start)
					b.ReportMetric(float64(total)*float64(b.N)/elapsed.Seconds(), "sources/s")
					b.ReportMetric(float64(frames)/float64(b.N), "frames/load")
					// The UI goroutine's longest stretch of work while loading:
					// how long a keystroke could have waited.
					b.ReportMetric(ms(ui.pct(0.99)), "p99-ui-ms")
					b.ReportMetric(ms(ui.pct(1)), "max-ui-ms")
				})
			}
		})
	}
}

// BenchmarkLoadParts times each step a source takes during a load, per
// source, on pages of 1000 from the middle of 100,000:
//
//	server-encode  the emulator building and encoding the page
//	client-call    apiclient.ListDataSources over loopback: HTTP, the
//	               server's encoding, and the client's decoding
//	client-decode  apiclient's decoding alone (json.Unmarshal into
//	               DataSourcePage: lenient, keeping each hit's raw JSON)
//	typed-decode   decoding into apiclient's DataSource without its
//	               top-level lenient pass (the second decode that looks for
//	               misfit fields, and the raw copy): what that pass costs
//	plain-decode   decoding only the fields a row needs, for comparison:
//	               what a list-only decoder would cost
//	rowsOf         converting a decoded page to the list's rows
//	list-page      the list taking the page: onPage (append, index) and the
//	               re-sort that follows (computeView merging 1000 new rows
//	               into 50,000 sorted ones)
func BenchmarkLoadParts(b *testing.B) {
	const n, page, at = 100_000, 1000, 50_000
	srv := immutatest.NewServer(immutatest.Options{Sources: n})
	defer srv.Close()
	body := emuPage(b, srv.Handler, at, page)
	perSource := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/page/1000, "µs/source")
	}
	b.Run("server-encode", func(b *testing.B) {
		for b.Loop() {
			emuPage(b, srv.Handler, at, page)
		}
		perSource(b)
	})
	b.Run("client-call", func(b *testing.B) {
		client, err := apiclient.New(srv.URL, immutatest.DefaultKey)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := client.ListDataSources(context.Background(), apiclient.ListOptions{
				Size: page, Offset: at, SortField: "name", SortOrder: "asc"}); err != nil {
				b.Fatal(err)
			}
		}
		perSource(b)
	})
	b.Run("client-decode", func(b *testing.B) {
		for b.Loop() {
			var p apiclient.DataSourcePage
			if err := json.Unmarshal(body, &p); err != nil {
				b.Fatal(err)
			}
		}
		perSource(b)
	})
	b.Run("typed-decode", func(b *testing.B) {
		// apiclient's types without the top-level lenient pass (no second
		// decode to find misfits, no raw copy); nested types still decode
		// leniently.
		type typed apiclient.DataSource
		for b.Loop() {
			var p struct {
				Count int     `json:"count"`
				Hits  []typed `json:"hits"`
			}
			if err := json.Unmarshal(body, &p); err != nil {
				b.Fatal(err)
			}
		}
		perSource(b)
	})
	b.Run("plain-decode", func(b *testing.B) {
		for b.Loop() {
			var p struct {
				Count int       `json:"count"`
				Hits  []listHit `json:"hits"`
			}
			if err := json.Unmarshal(body, &p); err != nil {
				b.Fatal(err)
			}
		}
		perSource(b)
	})
	var p apiclient.DataSourcePage
	if err := json.Unmarshal(body, &p); err != nil {
		b.Fatal(err)
	}
	b.Run("rowsOf", func(b *testing.B) {
		for b.Loop() {
			rowsOf(p.Hits)
		}
		perSource(b)
	})
	b.Run("list-page", func(b *testing.B) {
		c := corpusOf(b, n)
		prefix := c.rows[:at]
		sorted := sortedOrder(prefix, colName, false, nil)
		pageRows := rowsOf(p.Hits)
		m := New(viewtest.Context(&viewtest.FakeAPI{}))
		m.SetSize(200, 60)
		d := m.newDataset(listOpts{})
		m.all = d
		d.rows = append(make([]Row, 0, at+page), prefix...)
		for i, r := range prefix {
			d.byID[r.ID] = int32(i)
		}
		d.total, d.started = n, true
		for b.Loop() {
			// Back to 50,000 loaded and sorted (cheap, and untimed).
			b.StopTimer()
			d.rows = d.rows[:at]
			for _, r := range pageRows {
				delete(d.byID, r.ID)
			}
			d.sorted, d.sortedN, d.done = sorted, len(sorted), false
			b.StartTimer()
			cmd := m.onBatch(batchOf(d, at, pageRows, n))
			m.Update(awaitCompute(cmd))
		}
		perSource(b)
	})
}
