package access

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// filterUsers are users to filter: generated ones, the seed's, and names
// and emails that are not ASCII or differ only in case.
func filterUsers(t *testing.T, n int) []apiclient.AccessUser {
	users := append(genUsers(n), seedUsers(t)...)
	return append(users,
		apiclient.AccessUser{Profile: 5001, Name: "山田太郎", Email: "yamada@例え.jp", Type: "user"},
		apiclient.AccessUser{Profile: 5002, Name: "Ünïcode Üser", Email: "uu@example.com", Type: "user"},
		apiclient.AccessUser{Profile: 5003, Name: "USER 0012", Email: "UPPER@EXAMPLE.COM", Type: "group"},
	)
}

// shownRow is a filtered row as the user sees it: who, and which bytes of
// "name email" are highlighted.
type shownRow struct {
	key     userKey
	matched string
}

func shownRows(m *Model) []shownRow {
	out := make([]shownRow, m.t.Len())
	for i := range out {
		r, matched := m.t.At(i)
		out[i] = shownRow{r.key, fmt.Sprint(matched)}
	}
	return out
}

// filteredBefore is what the filter showed before it moved off the UI
// goroutine: applyFilter ran sahilm/fuzzy's FindFrom over the loaded rows'
// search strings inside Update.
func filteredBefore(m *Model, q string) []shownRow {
	var out []shownRow
	for _, mt := range fuzzy.FindFrom(q, rowSource(m.t.Rows)) {
		out = append(out, shownRow{m.t.Rows[mt.Index].key, fmt.Sprint(mt.MatchedIndexes)})
	}
	return out
}

// The filter shows the same users, in the same order, with the same
// characters highlighted, as when it ran inside Update.
func TestFilterResultsAreTheSameAsBefore(t *testing.T) {
	m := loaded(t, &fakeAPI{users: filterUsers(t, 3000)}, 120, 30)
	press(m, "/")
	for _, q := range []string{"u", "user 12", "user1234@", "0012", "12ex", "山田", "üser", "upper", "tommy", "zzzz", "e.c"} {
		m.t.SetTyped("")
		typeText(m, q)
		want := filteredBefore(m, q)
		if got := shownRows(m); !slices.Equal(got, want) {
			t.Fatalf("%q: %d rows shown, before %d; first %v, before %v", q, len(got), len(want), head(got), head(want))
		}
		if out := m.View(); !strings.Contains(out, fmt.Sprintf("%d of %d match", len(want), len(m.t.Rows))) {
			t.Fatalf("%q: the count is not %d:\n%s", q, len(want), out)
		}
	}
}

func head(rows []shownRow) []shownRow { return rows[:min(3, len(rows))] }

// typeKey types one rune into the filter and returns the command Update gave
// back, without running it.
func typeKey(m *Model, r rune) tea.Cmd {
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	return cmd
}

// filterMsgs runs cmd (and the batch it may be) and returns the filter
// results it answers.
func filterMsgs(t *testing.T, cmd tea.Cmd) []filterMsg {
	t.Helper()
	var out []filterMsg
	for _, msg := range viewtest.CollectAll(cmd) {
		if f, ok := msg.(filterMsg); ok {
			out = append(out, f)
		}
	}
	return out
}

func queries(msgs []filterMsg) []string {
	var out []string
	for _, f := range msgs {
		out = append(out, f.Query)
	}
	return out
}

// A result computed for an older keystroke is never shown: the filter for
// the text typed since runs instead, and its result is the one shown.
func TestStaleFilterResultIsDropped(t *testing.T) {
	m := loaded(t, &fakeAPI{users: filterUsers(t, 2000)}, 120, 30)
	press(m, "/")
	first := filterMsgs(t, typeKey(m, 'u')) // "u": computed, not yet delivered
	if len(first) != 1 || first[0].Query != "u" {
		t.Fatalf("typing u filtered %q", queries(first))
	}
	if more := filterMsgs(t, typeKey(m, '1')); len(more) != 0 {
		t.Fatalf("a second filter started while the first runs: %q", queries(more))
	}
	if !strings.Contains(m.View(), "filtering…") {
		t.Errorf("no sign that the filter is running:\n%s", m.View())
	}
	_, cmd := m.Update(first[0])
	if m.t.On() || m.t.ShownQuery() == "u" {
		t.Fatalf("the result for %q was shown after %q was typed", "u", m.t.Query())
	}
	next := filterMsgs(t, cmd)
	if len(next) != 1 || next[0].Query != "u1" {
		t.Fatalf("dropping the stale result started %q, want the filter for u1", queries(next))
	}
	m.Update(next[0])
	if got, want := shownRows(m), filteredBefore(m, "u1"); !slices.Equal(got, want) || len(want) == 0 {
		t.Fatalf("u1: %d rows shown, want %d", len(got), len(want))
	}
	if strings.Contains(m.View(), "filtering…") {
		t.Errorf("still filtering:\n%s", m.View())
	}

	// Cleared while a filter runs: its result does not bring the filter back.
	late := filterMsgs(t, typeKey(m, '2'))
	press(m, "esc")
	for _, f := range late {
		if _, cmd := m.Update(f); cmd != nil {
			t.Errorf("a stale result after esc started %q", queries(filterMsgs(t, cmd)))
		}
	}
	if m.t.On() || m.t.Len() != len(m.t.Rows) || strings.Contains(m.View(), "match") {
		t.Fatalf("a result arriving after esc filtered the table: %d of %d shown", m.t.Len(), len(m.t.Rows))
	}

	// Another access view's result (same query) never lands here.
	press(m, "/")
	typeText(m, "u1")
	want := shownRows(m)
	other := loaded(t, &fakeAPI{users: genUsers(10)}, 120, 30)
	press(other, "/")
	for _, f := range filterMsgs(t, typeKey(other, 'u')) {
		m.Update(f)
	}
	if got := shownRows(m); !slices.Equal(got, want) {
		t.Fatalf("another view's result was taken: %d rows, want %d", len(got), len(want))
	}
}

// A page that arrives while a filter is on is filtered too, off the UI
// goroutine: until then the filtered table stays as it was, with the
// cursor on the same user.
func TestPageArrivingWhileFiltered(t *testing.T) {
	api := &fakeAPI{users: genUsers(300)}
	m := New(testCtx(api), 16, "Web Sales")
	m.SetSize(120, 30)
	first := viewtest.CollectAll(m.Init())
	_, cmd := m.Update(first[0]) // page 0; the rest are asked for
	rest := viewtest.CollectAll(cmd)
	press(m, "/")
	typeText(m, "user 02")
	press(m, "down")
	sel := m.t.Selected().key
	before := shownRows(m)
	var filters []tea.Cmd
	for _, msg := range rest {
		_, cmd := m.Update(msg)
		filters = append(filters, cmd)
		if got := shownRows(m); !slices.Equal(got, before) || m.t.Selected().key != sel {
			t.Fatalf("the table changed before the filter ran: %d rows", len(got))
		}
	}
	drive(m, tea.Batch(filters...))
	if got, want := shownRows(m), filteredBefore(m, "user 02"); !slices.Equal(got, want) || len(want) <= len(before) {
		t.Fatalf("after the pages: %d rows shown, want %d (was %d)", len(got), len(want), len(before))
	}
	if m.t.Selected().key != sel {
		t.Errorf("the cursor left %v for %v", sel, m.t.Selected().key)
	}
}

// Typing fast, with every command running at once as Bubble Tea runs
// them and results arriving whenever they are done, ends with the final
// text's result on screen.
func TestFastTypingShowsTheFinalFilter(t *testing.T) {
	for _, interleave := range []bool{false, true} {
		t.Run(fmt.Sprint("interleave=", interleave), func(t *testing.T) {
			m := loaded(t, &fakeAPI{users: filterUsers(t, 20_000)}, 120, 30)
			press(m, "/")
			d := newAsync(t, m)
			const typed = "user 1234@ex"
			for _, r := range typed {
				d.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				if interleave {
					d.deliverReady()
				}
			}
			d.settle()
			if m.t.Query() != typed || m.t.ShownQuery() != typed {
				t.Fatalf("query %q, shown %q", m.t.Query(), m.t.ShownQuery())
			}
			want := filteredBefore(m, typed)
			if got := shownRows(m); !slices.Equal(got, want) || len(want) == 0 {
				t.Fatalf("%d rows shown, want %d", len(got), len(want))
			}
			out := m.View()
			if strings.Contains(out, "filtering…") || !strings.Contains(out, fmt.Sprintf("%d of %d match", len(want), len(m.t.Rows))) {
				t.Fatalf("final screen:\n%s", out)
			}
		})
	}
}

// async runs a view's commands as Bubble Tea does, each on its own
// goroutine, and delivers their results to the view on the test's
// goroutine (the UI goroutine) in the order they finish.
type async struct {
	t    *testing.T
	m    *Model
	out  chan tea.Msg
	live int // commands started whose result has not been delivered
}

func newAsync(t *testing.T, m *Model) *async {
	return &async{t: t, m: m, out: make(chan tea.Msg, 64)}
}

func (d *async) start(cmd tea.Cmd) {
	if cmd == nil || viewtest.IsTimer(cmd) {
		return
	}
	d.live++
	go func() { d.out <- cmd() }()
}

func (d *async) update(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.start(cmd)
}

func (d *async) deliver(msg tea.Msg) {
	d.live--
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			d.start(c)
		}
	case filterMsg:
		d.update(msg)
	case nil:
	default:
		d.t.Fatalf("unexpected message %T", msg)
	}
}

// deliverReady delivers the results that are in, without waiting.
func (d *async) deliverReady() {
	for {
		select {
		case msg := <-d.out:
			d.deliver(msg)
		default:
			return
		}
	}
}

// settle waits for every command started, and those their results start.
func (d *async) settle() {
	for d.live > 0 {
		d.deliver(<-d.out)
	}
}
