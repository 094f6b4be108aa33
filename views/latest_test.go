package views

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient/paging"
)

type reply struct{ n int }

func answer(n int) tea.Cmd { return func() tea.Msg { return reply{n} } }

// current runs cmd and unwraps its reply as the root does.
func current(t *testing.T, msg tea.Msg) (tea.Msg, bool) {
	t.Helper()
	l, ok := msg.(LatestMsg)
	if !ok {
		t.Fatalf("got %#v, want a LatestMsg", msg)
	}
	return l.Current()
}

func TestLatestDropsSupersededReplies(t *testing.T) {
	var s Slot
	first := Latest(&s, answer(1))
	a := first()
	if got, ok := current(t, a); !ok || got != (reply{1}) {
		t.Fatalf("the newest reply: %#v, %v", got, ok)
	}
	second := Latest(&s, answer(2)) // made before the first one answers
	if _, ok := current(t, first()); ok {
		t.Error("a reply superseded before it was made was delivered")
	}
	if _, ok := current(t, a); ok {
		t.Error("a reply superseded after it was made was delivered")
	}
	if got, ok := current(t, second()); !ok || got != (reply{2}) {
		t.Errorf("the newest reply: %#v, %v", got, ok)
	}

	// Another slot (another kind of request, another view) is not touched.
	var other Slot
	o := Latest(&other, answer(3))()
	Latest(&s, answer(4))
	if got, ok := current(t, o); !ok || got != (reply{3}) {
		t.Errorf("another slot's reply: %#v, %v", got, ok)
	}

	// Drop and a nil command supersede too.
	c := Latest(&s, answer(5))()
	s.Drop()
	if _, ok := current(t, c); ok {
		t.Error("a reply was delivered after Drop")
	}
	c = Latest(&s, answer(6))()
	if Latest(&s, nil) != nil {
		t.Error("Latest(nil) is not nil")
	}
	if _, ok := current(t, c); ok {
		t.Error("a reply was delivered after a nil Latest")
	}
	var zero LatestMsg
	if _, ok := zero.Current(); ok {
		t.Error("the zero LatestMsg is current")
	}
}

func TestLatestMarksWhatFollows(t *testing.T) {
	var s Slot
	batch := Latest(&s, func() tea.Msg { return tea.BatchMsg{answer(1), nil, answer(2)} })()
	b, ok := batch.(tea.BatchMsg)
	if !ok || len(b) != 3 || b[1] != nil {
		t.Fatalf("got %#v, want the batch's commands, marked", batch)
	}
	if got, ok := current(t, b[2]()); !ok || got != (reply{2}) {
		t.Errorf("a batch command's reply: %#v, %v", got, ok)
	}

	start := TrackLatest(&s, "loading", answer(7))()
	st, ok := start.(RequestStartMsg)
	if !ok || st.Label != "loading" {
		t.Fatalf("got %#v, want a RequestStartMsg", start)
	}
	Latest(&s, answer(8))
	if _, ok := current(t, st.Run()); ok {
		t.Error("a tracked request's superseded reply was delivered")
	}
	// A request started inside: its run is marked.
	inner := Latest(&s, Track("inner", answer(9)))().(RequestStartMsg)
	if got, ok := current(t, inner.Run()); !ok || got != (reply{9}) {
		t.Errorf("a request started inside: %#v, %v", got, ok)
	}
	if Latest(&s, func() tea.Msg { return nil })() != nil {
		t.Error("a nil reply was marked")
	}
}

func TestNextBatch(t *testing.T) {
	ctx := context.Background()
	fetch := func(_ context.Context, offset, size int) ([]int, int, error) {
		if offset > 0 {
			return nil, 2, nil
		}
		return []int{1, 2}, 2, nil
	}
	l := paging.Start(ctx, fetch, func(v *int) uint64 { return uint64(*v) }, paging.Options{FirstPage: 10, Concurrency: 1})
	var s Slot
	wait := NextBatch(ctx, &s, "loading", l)
	start, ok := wait().(RequestStartMsg)
	if !ok || start.Label != "loading" {
		t.Fatalf("got %#v, want a tracked request", start)
	}
	got, ok := current(t, start.Run())
	b, isBatch := got.(BatchMsg[int])
	if !ok || !isBatch || !b.OK || len(b.B.Items) != 2 {
		t.Fatalf("got %#v, %v, want the first batch", got, ok)
	}
	l.Cancel()
}
