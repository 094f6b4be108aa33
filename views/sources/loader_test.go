package sources

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// batchOf is a batch of rows at off for d, as the loader would hand it
// over (for the benchmarks, which feed pages directly): the last one once
// the rows reach total.
func batchOf(d *dataset, off int, rows []Row, total int) batchMsg {
	loaded := len(d.rows) + len(rows)
	return batchMsg{load: d.load, ok: true, b: paging.Batch[Row]{Offset: off, Items: rows, Last: loaded >= total,
		Progress: paging.Progress{Loaded: loaded, Total: total, Done: loaded >= total}}}
}

// The first page is small (the first screen waits for it alone), the rest
// come in larger pages planned from its count, all of them loaded. The
// first answer takes 20 ms, as across a network (the loader makes pages as
// large as the round trip is worth; an instant answer keeps them small).
func TestLoadAsksASmallFirstPageThenLargerOnes(t *testing.T) {
	api := &slowFirstAPI{FakeAPI: viewtest.FakeAPI{Sources: viewtest.GenSources(5000)}, delay: 20 * time.Millisecond}
	m := New(viewtest.Context(api))
	d := viewtest.New(t, m, 120, 30)
	if loaded, total := m.Counts(); loaded != 5000 || total != 5000 {
		t.Fatalf("loaded %d of %d", loaded, total)
	}
	var sizes []int
	for _, c := range api.FakeAPI.Calls {
		var off, size int
		var search string
		if _, err := fmt.Sscanf(c, "list offset=%d size=%d search=%q", &off, &size, &search); err == nil {
			sizes = append(sizes, size)
		}
	}
	if len(sizes) == 0 || sizes[0] != paging.DefaultFirstPage {
		t.Fatalf("requests %v: the first should ask for %d", sizes, paging.DefaultFirstPage)
	}
	for _, s := range sizes[1:] {
		if s <= paging.DefaultFirstPage || s > paging.DefaultMaxPage {
			t.Errorf("requests %v: later pages should be larger than the first, at most %d", sizes, paging.DefaultMaxPage)
			break
		}
	}
	if want := 1 + (5000-paging.DefaultFirstPage+paging.DefaultMaxPage-1)/paging.DefaultMaxPage; len(sizes) > want {
		t.Errorf("%d requests for 5000 sources, want %d", len(sizes), want)
	}
	if h := header(d); !strings.Contains(h, "5000 of 5000 loaded") {
		t.Errorf("header %q", h)
	}
}

// A batch of a load since replaced (a refresh, a new search) is dropped.
func TestBatchOfAReplacedLoadIsDropped(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(300)}
	_, m := newList(t, api, 120, 30)
	old := m.all.load
	m.loads++ // as a new load would
	stale := batchMsg{load: old - 1, ok: true, b: paging.Batch[Row]{Items: []Row{{ID: 99999, Name: "stale"}}}}
	m.Update(stale)
	if _, ok := m.all.byID[99999]; ok {
		t.Fatal("a stale batch was merged")
	}
	cancelled := batchMsg{load: old, ok: false}
	if _, cmd := m.Update(cancelled); cmd != nil {
		t.Error("a cancelled load's last message should end its wait")
	}
}

// Close cancels the load: the command waiting for a batch returns.
func TestCloseCancelsTheLoad(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	api := &blockingAPI{FakeAPI: viewtest.FakeAPI{Sources: viewtest.GenSources(3000)}, block: block}
	m := New(viewtest.Context(api))
	m.SetSize(120, 30)
	var first batchMsg
	for _, msg := range runAll(m.Init()) {
		if b, ok := msg.(batchMsg); ok {
			first = b
		}
	}
	if !first.ok || len(first.b.Items) != paging.DefaultFirstPage {
		t.Fatalf("first batch %+v", first)
	}
	_, next := m.Update(first)
	m.Close()
	// The loader is waiting on blocked pages; Close must end the wait.
	for _, msg := range runAll(next) {
		if b, ok := msg.(batchMsg); ok && b.ok && b.b.Last {
			t.Fatalf("a last batch after Close: %+v", b.b.Progress)
		}
	}
}

// The header says when the count moved during the load.
func TestHeaderSaysTheListChanged(t *testing.T) {
	d := &dataset{total: 10, done: true, changed: true, rows: make([]Row, 10)}
	if p := d.progress("r"); !strings.Contains(p, "the list changed while loading") {
		t.Errorf("progress %q", p)
	}
}

// slowFirstAPI takes at least delay to answer the first page: a link, not
// a synchronisation (nothing waits for it to end).
type slowFirstAPI struct {
	viewtest.FakeAPI
	delay time.Duration
}

func (s *slowFirstAPI) ListDataSources(ctx context.Context, o apiclient.ListOptions) (*apiclient.DataSourcePage, error) {
	if o.Offset == 0 {
		time.Sleep(s.delay)
	}
	return s.FakeAPI.ListDataSources(ctx, o)
}

// blockingAPI answers the first page and holds every later one until
// block closes or the request is cancelled.
type blockingAPI struct {
	viewtest.FakeAPI
	block chan struct{}
}

func (b *blockingAPI) ListDataSources(ctx context.Context, o apiclient.ListOptions) (*apiclient.DataSourcePage, error) {
	if o.Offset > 0 {
		select {
		case <-b.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return b.FakeAPI.ListDataSources(ctx, o)
}

// runTracked runs a command, unwrapping views.Track, and returns its
// message.
func runTracked(cmd tea.Cmd) tea.Msg {
	msg := cmd()
	if r, ok := msg.(views.RequestStartMsg); ok {
		return r.Run()
	}
	return msg
}

// runAll runs cmd and the commands of batches, returning every message.
func runAll(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := runTracked(cmd)
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runAll(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}
