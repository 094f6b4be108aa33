package access

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func seedUsers(t *testing.T) []apiclient.AccessUser {
	var p apiclient.AccessPage
	viewtest.Seed(t, "access.json", &p)
	if len(p.Users) != 2 || p.Count != 2 {
		t.Fatalf("seed: %d users, count %d", len(p.Users), p.Count)
	}
	return p.Users
}

func loaded(t *testing.T, api *fakeAPI, w, h int) *Model {
	t.Helper()
	m := New(testCtx(api), 16, "Web Sales")
	m.SetSize(w, h)
	drive(m, m.Init())
	return m
}

func checkBounds(t *testing.T, out string, w, h int) {
	t.Helper()
	if out == "" {
		return
	}
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%dx%d: line %d is %d wide: %q", w, h, i, lw, l)
		}
	}
}

func TestSeedUsersTable(t *testing.T) {
	m := loaded(t, &fakeAPI{users: seedUsers(t)}, 100, 20)
	out := m.View()
	for _, want := range []string{"2 of 2 loaded", "Name", "Email", "State", "Approved", "Since", "Type",
		"First Last", "first.last@immuta.com", "owner", "Tommy Test", "subscribed", "yes", "user",
		"2021-10-05 (2y ago)", "2021-10-06"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "loading") {
		t.Errorf("still says loading:\n%s", out)
	}
	if m.Title() != "Access" {
		t.Errorf("title %q", m.Title())
	}
}

func TestPagingLoadsEveryPageInTheBackground(t *testing.T) {
	api := &fakeAPI{users: genUsers(2500)}
	m := New(testCtx(api), 16, "Big")
	m.SetSize(100, 20)

	// The first page is shown as soon as it arrives, with the rest in flight
	// (the shared loader, apiclient/paging).
	first := viewtest.CollectAll(m.Init())
	if len(first) != 1 {
		t.Fatalf("first load gave %d messages", len(first))
	}
	_, more := m.Update(first[0])
	out := m.View()
	if !strings.Contains(out, "100 of 2500 loaded") || !strings.Contains(out, "loading") {
		t.Fatalf("after the first page:\n%s", out)
	}
	drive(m, more)

	if len(m.t.Rows) != 2500 {
		t.Fatalf("%d rows loaded", len(m.t.Rows))
	}
	out = m.View()
	if !strings.Contains(out, "2500 of 2500 loaded") || strings.Contains(out, "loading") {
		t.Fatalf("after all pages:\n%s", out)
	}
	// A small first page (one round trip to the first screen), then larger
	// ones planned from the count, covering the list once.
	calls := slices.Clone(api.calls)
	slices.SortFunc(calls, func(a, b apiclient.AccessOptions) int { return a.Offset - b.Offset })
	if calls[0].Offset != 0 || calls[0].Size != 100 {
		t.Errorf("first call %+v", calls[0])
	}
	next := 0
	for _, c := range calls {
		if c.Offset != next || c.Size > 1000 {
			t.Fatalf("calls %+v do not cover the list once", calls)
		}
		next += c.Size
	}
	if next < 2500 || len(calls) >= 25 {
		t.Errorf("%d calls reaching %d", len(calls), next)
	}
	// Order is the server's, whatever order the pages came back in.
	for i, r := range m.t.Rows {
		if want := fmt.Sprintf("User %04d", i); r.name != want {
			t.Fatalf("row %d is %q", i, r.name)
		}
	}

	// Only the rows that fit are drawn.
	checkBounds(t, out, 100, 20)
	if n := strings.Count(out, "@example.com"); n != 20-2 {
		t.Errorf("%d rows drawn, want 18", n)
	}
	if !strings.Contains(out, "User 0000") || strings.Contains(out, "User 0018") {
		t.Errorf("window:\n%s", out)
	}
	press(m, "G")
	out = m.View()
	if !strings.Contains(out, "User 2499") || strings.Contains(out, "User 0000") {
		t.Errorf("after G:\n%s", out)
	}
	press(m, "g", "pgdown")
	if m.t.Cur.Index() != 18 {
		t.Errorf("pgdown: cursor %d", m.t.Cur.Index())
	}
	press(m, "j", "j", "k")
	if m.t.Cur.Index() != 19 {
		t.Errorf("j j k: cursor %d", m.t.Cur.Index())
	}

	start := time.Now()
	for range 100 {
		_ = m.View()
	}
	if d := time.Since(start) / 100; d > 20*time.Millisecond {
		t.Errorf("View takes %v with 2500 rows", d)
	}
}

func TestPagingWithoutCountIsSequential(t *testing.T) {
	api := &fakeAPI{users: genUsers(250), bare: true}
	m := loaded(t, api, 100, 10)
	if len(m.t.Rows) != 250 || len(api.calls) != 3 {
		t.Fatalf("%d rows in %d calls", len(m.t.Rows), len(api.calls))
	}
	if out := m.View(); !strings.Contains(out, "250 loaded") {
		t.Errorf("header:\n%s", out)
	}
}

func TestServerCappedPageSize(t *testing.T) {
	api := &fakeAPI{users: genUsers(230)}
	api.onCall = func(_ int, users []apiclient.AccessUser) []apiclient.AccessUser { return users }
	m := New(testCtx(api), 1, "x")
	m.SetSize(80, 10)
	// A server that never returns more than 50 at once.
	capAPI := &cappedAPI{fakeAPI: api, limit: 50}
	m.sess.API = capAPI
	drive(m, m.Init())
	if len(m.t.Rows) != 230 {
		t.Fatalf("%d rows", len(m.t.Rows))
	}
	for i, r := range m.t.Rows {
		if want := fmt.Sprintf("User %04d", i); r.name != want {
			t.Fatalf("row %d is %q", i, r.name)
		}
	}
}

type cappedAPI struct {
	*fakeAPI
	limit int
}

func (c *cappedAPI) ListAccess(ctx contextT, id int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	o.Size = min(o.Size, c.limit)
	return c.fakeAPI.ListAccess(ctx, id, o)
}

func TestFilterNarrowsHighlightsAndClears(t *testing.T) {
	m := loaded(t, &fakeAPI{users: seedUsers(t)}, 100, 20)
	press(m, "/")
	if !m.CapturesInput() {
		t.Fatal("the filter does not capture input")
	}
	typeText(m, "tommy")
	out := m.View()
	if !strings.Contains(out, "1 of 2 match") || strings.Contains(out, "First Last") || !strings.Contains(out, "Tommy Test") {
		t.Fatalf("filtered:\n%s", out)
	}
	if h := m.ShortHelp(); len(h) == 0 || h[0].Help().Desc != "keep filter" {
		t.Errorf("typing help: %v", h)
	}

	// The matched characters carry the match style.
	lipgloss.SetColorProfile(termenv.TrueColor)
	styled := m.View()
	hit := m.sess.Styles.Table.Match.Reverse(true).Render("Tommy")
	lipgloss.SetColorProfile(termenv.Ascii)
	if hit == "Tommy" || !strings.Contains(styled, hit) {
		t.Errorf("no highlighted match %q in %q", hit, styled)
	}

	// enter keeps the filter and goes back to the table.
	press(m, "enter")
	if m.CapturesInput() {
		t.Fatal("still typing after enter")
	}
	out = m.View()
	if !strings.Contains(out, "/ tommy") || !strings.Contains(out, "esc clears") || strings.Contains(out, "First Last") {
		t.Fatalf("kept filter:\n%s", out)
	}
	// esc through the root: Back clears the filter first.
	if _, ok := m.Back(); !ok {
		t.Fatal("Back did not consume esc with a filter on")
	}
	out = m.View()
	if !strings.Contains(out, "First Last") || strings.Contains(out, "match") {
		t.Fatalf("after Back:\n%s", out)
	}
	if _, ok := m.Back(); ok {
		t.Fatal("Back consumed esc with nothing to clear")
	}

	// esc while typing clears too.
	press(m, "/")
	typeText(m, "first")
	press(m, "esc")
	if m.CapturesInput() || m.t.Query() != "" || m.t.Len() != 2 {
		t.Fatalf("esc while typing: typing=%v query=%q shown=%d", m.CapturesInput(), m.t.Query(), m.t.Len())
	}

	// No match says so.
	press(m, "/")
	typeText(m, "zzzz")
	if out := m.View(); !strings.Contains(out, "0 of 2 match") || !strings.Contains(out, "No loaded user matches") {
		t.Fatalf("no match:\n%s", out)
	}
}

func TestFilterOverManyUsers(t *testing.T) {
	m := loaded(t, &fakeAPI{users: genUsers(2500)}, 100, 20)
	press(m, "/")
	typeText(m, "user1234@")
	if m.t.Len() == 0 {
		t.Fatal("no match")
	}
	if r, _ := m.t.At(0); r.name != "User 1234" {
		t.Errorf("best match %q", r.name)
	}
}

func TestEnterOpensTheSelectedUser(t *testing.T) {
	m := loaded(t, &fakeAPI{users: seedUsers(t)}, 100, 20)
	msgs := press(m, "j", "enter")
	if len(msgs) != 1 {
		t.Fatalf("messages %#v", msgs)
	}
	open, ok := msgs[0].(views.OpenUserViewMsg)
	if !ok || open.ID != 16 || open.Name != "Web Sales" || open.User.Name != "Tommy Test" || open.User.Profile != 3 {
		t.Fatalf("got %#v", msgs[0])
	}
	// In the filtered table, enter opens the filtered row.
	press(m, "/")
	typeText(m, "first")
	press(m, "enter")
	msgs = press(m, "enter")
	if open := msgs[0].(views.OpenUserViewMsg); open.User.Name != "First Last" {
		t.Fatalf("filtered open %q", open.User.Name)
	}
}

func TestReloadKeepsFilterAndCursor(t *testing.T) {
	api := &fakeAPI{users: genUsers(1000)}
	m := loaded(t, api, 100, 20)
	press(m, "/")
	typeText(m, "user 12")
	press(m, "enter")
	press(m, "j", "j", "j")
	want := m.t.Selected().name
	before := m.t.Cur.Index()

	// The server now answers in reverse order: the same user moves.
	api.onCall = func(_ int, users []apiclient.AccessUser) []apiclient.AccessUser {
		rev := slices.Clone(users)
		slices.Reverse(rev)
		return rev
	}
	press(m, "r")
	if m.t.Query() != "user 12" || !strings.Contains(m.View(), "/ user 12") {
		t.Fatalf("filter lost: %q\n%s", m.t.Query(), m.View())
	}
	if got := m.t.Selected().name; got != want {
		t.Fatalf("cursor on %q, want %q", got, want)
	}
	if m.t.Cur.Index() == before {
		t.Fatalf("the reversed answer left the user at the same index %d: the test proves nothing", before)
	}
}

func TestStaleGenerationDropped(t *testing.T) {
	calls := 0
	api := &fakeAPI{users: seedUsers(t)}
	api.onCall = func(n int, users []apiclient.AccessUser) []apiclient.AccessUser {
		calls = n
		if n == 1 {
			return []apiclient.AccessUser{{Name: "Stale Person", Email: "stale@example.com"}}
		}
		return users
	}
	m := New(testCtx(api), 16, "Web Sales")
	m.SetSize(100, 20)
	old := viewtest.Replies(m.Init()) // answered, but not yet delivered
	_, cmd := m.Update(viewtest.KeyMsg("r"))
	fresh := viewtest.Replies(cmd)
	// Another access view loads meanwhile: its load is its own (a reply
	// reaches only the view that asked: the root routes it), and it
	// does not make this view's load stale.
	other := New(testCtx(api), 17, "Other")
	other.SetSize(100, 20)
	foreign := viewtest.Replies(other.Init())
	deliver := func(v *Model, msgs []tea.Msg) {
		for _, msg := range msgs {
			if msg, ok := viewtest.Current(msg); ok {
				drive(v, func() tea.Msg { return msg })
			}
		}
	}
	deliver(m, old)
	if out := m.View(); strings.Contains(out, "Stale Person") {
		t.Fatalf("stale page shown:\n%s", out)
	}
	deliver(m, fresh)
	out := m.View()
	if strings.Contains(out, "Stale Person") || !strings.Contains(out, "Tommy Test") || calls < 2 {
		t.Fatalf("fresh page (calls %d):\n%s", calls, out)
	}
	if len(m.t.Rows) != 2 {
		t.Fatalf("%d rows", len(m.t.Rows))
	}
	deliver(other, foreign)
	if len(other.t.Rows) != 2 {
		t.Fatalf("the other view's load: %d rows", len(other.t.Rows))
	}
}

func TestErrors(t *testing.T) {
	boom := &apiclient.APIError{StatusCode: 500, Method: "GET", Path: "/dataSource/16/access", Message: "kaput"}
	api := &fakeAPI{users: seedUsers(t), failAt: map[int]error{0: boom}}
	m := New(testCtx(api), 16, "Web Sales")
	m.SetSize(100, 20)
	msgs := drive(m, m.Init())
	if len(msgs) != 1 {
		t.Fatalf("messages %#v", msgs)
	}
	if e, ok := msgs[0].(views.ErrorMsg); !ok || e.What != "loading access users" || !errors.Is(e.Err, boom) {
		t.Fatalf("got %#v", msgs[0])
	}
	out := m.View()
	if !strings.Contains(out, "the server failed (500): kaput") || !strings.Contains(out, "Press r to try again") {
		t.Fatalf("error body:\n%s", out)
	}
	delete(api.failAt, 0)
	press(m, "r")
	if !strings.Contains(m.View(), "2 of 2 loaded") {
		t.Fatalf("retry:\n%s", m.View())
	}

	// A later page failing is a gap: the rest loads, the header says what
	// is missing, the error is told once.
	api2 := &fakeAPI{users: genUsers(1000), failIf: func(o apiclient.AccessOptions) error {
		if o.Offset <= 500 && 500 < o.Offset+o.Size {
			return boom
		}
		return nil
	}}
	m2 := New(testCtx(api2), 16, "Big")
	m2.SetSize(120, 10)
	msgs = drive(m2, m2.Init())
	if len(msgs) != 1 {
		t.Fatalf("messages %#v", msgs)
	}
	out = m2.View()
	if !strings.Contains(out, "of 1000 loaded") || !regexp.MustCompile(`\d+ missing: the server failed \(500\)`).MatchString(out) || m2.loading() {
		t.Fatalf("mid-way error:\n%s", out)
	}
	if !strings.Contains(out, "(r fetches only those)") {
		t.Errorf("the header does not say what r does:\n%s", out)
	}
	if len(m2.t.Rows) == 0 || len(m2.t.Rows) >= 1000 || m2.t.Rows[len(m2.t.Rows)-1].name != "User 0999" {
		t.Fatalf("%d rows; the pages after the gap must load", len(m2.t.Rows))
	}
	// r asks only for what failed and puts it in its place.
	api2.failIf = nil
	api2.mu.Lock()
	before := len(api2.calls)
	api2.mu.Unlock()
	press(m2, "r")
	if len(m2.t.Rows) != 1000 || m2.err != nil || m2.loading() {
		t.Fatalf("r: %d rows, err %v", len(m2.t.Rows), m2.err)
	}
	for i, r := range m2.t.Rows {
		if want := fmt.Sprintf("User %04d", i); r.name != want {
			t.Fatalf("row %d is %q after the refill", i, r.name)
		}
	}
	api2.mu.Lock()
	again := slices.Clone(api2.calls[before:])
	api2.mu.Unlock()
	for _, c := range again {
		if c.Offset+c.Size <= 100 || c.Offset > 500 {
			t.Errorf("r asked again for %+v, which had loaded", c)
		}
	}
	if out := m2.View(); !strings.Contains(out, "1000 of 1000 loaded") || strings.Contains(out, "missing") {
		t.Errorf("after r:\n%s", out)
	}
}

func TestCloseCancelsRequests(t *testing.T) {
	api := &blockingAPI{fakeAPI: &fakeAPI{}, started: make(chan struct{})}
	m := New(testCtx(api), 16, "x")
	cmd := m.Init()
	done := make(chan []tea.Msg)
	go func() { done <- viewtest.CollectAll(cmd) }()
	<-api.started
	m.Close()
	select {
	case msgs := <-done:
		if len(msgs) != 1 || msgs[0].(batchMsg).OK {
			t.Fatalf("got %#v, want the load's end", msgs)
		}
		if _, cmd := m.Update(msgs[0]); cmd != nil {
			t.Error("a closed view reported an error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not cancel the request")
	}
}

func TestMouse(t *testing.T) {
	m := loaded(t, &fakeAPI{users: genUsers(200)}, 100, 12)
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if m.t.Cur.Offset() != 3 || m.t.Cur.Index() != 3 {
		t.Fatalf("wheel: offset %d cursor %d", m.t.Cur.Offset(), m.t.Cur.Index())
	}
	m.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: m.tableTop() + 4})
	if m.t.Cur.Index() != 7 {
		t.Fatalf("click: cursor %d", m.t.Cur.Index())
	}
	m.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, Y: 0})
	if m.t.Cur.Index() != 7 {
		t.Fatalf("click on the header moved the cursor to %d", m.t.Cur.Index())
	}
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if m.t.Cur.Offset() != 0 {
		t.Fatalf("wheel up: offset %d", m.t.Cur.Offset())
	}
}

func TestNarrowAndTinySizes(t *testing.T) {
	users := append(seedUsers(t),
		apiclient.AccessUser{Name: "山田太郎", Email: "yamada@例え.jp", State: "expert", Type: "user", CreatedAt: "2020-01-01T00:00:00Z"},
		apiclient.AccessUser{Name: "🙂 Smiley 🎉", Email: "smile@example.com", State: "pending", Type: "group"},
	)
	m := loaded(t, &fakeAPI{users: users}, 100, 20)
	for _, w := range []int{0, 1, 2, 3, 5, 10, 20, 30, 45, 60, 80, 200} {
		for _, h := range []int{0, 1, 2, 3, 4, 6, 30} {
			m.SetSize(w, h)
			checkBounds(t, m.View(), w, h)
			press(m, "/")
			typeText(m, "s")
			checkBounds(t, m.View(), w, h)
			press(m, "esc")
		}
	}
	m.SetSize(30, 10)
	out := m.View()
	if !strings.Contains(out, "Name") || !strings.Contains(out, "State") || strings.Contains(out, "Email") {
		t.Errorf("30 columns keep Name and State:\n%s", out)
	}
	// Wide characters keep the State column aligned.
	m.SetSize(100, 10)
	col := -1
	for _, l := range strings.Split(m.View(), "\n")[2:] {
		for _, s := range []string{"owner", "subscribed", "expert", "pending"} {
			if i := strings.Index(l, s); i >= 0 {
				c := ansi.StringWidth(l[:i])
				if col == -1 {
					col = c
				} else if c != col {
					t.Errorf("state at column %d, want %d: %q", c, col, l)
				}
			}
		}
	}
}

func TestHostileStringsAreSanitized(t *testing.T) {
	evil := apiclient.AccessUser{
		Profile: 9, Name: "Eve\x1b[2J\a\u202eliam", Email: "eve\x1b]8;;http://x\x07@x.com",
		State: "owner\x1b[31m", Type: "user\x9b", CreatedAt: "\x1b[H",
	}
	m := loaded(t, &fakeAPI{users: []apiclient.AccessUser{evil}, info: &apiclient.PolicyInfo{}}, 100, 20)
	press(m, "/")
	typeText(m, "eve")
	for _, out := range []string{m.View()} {
		if strings.ContainsAny(out, "\x1b\a\u202e\u009b") || !utf8.ValidString(out) {
			t.Fatalf("control characters reached the screen: %q", out)
		}
		if !strings.Contains(out, "Eve␛[2J␇liam") {
			t.Errorf("name not shown visibly: %q", out)
		}
	}
}

func TestHelpListsWhatApplies(t *testing.T) {
	m := New(testCtx(&fakeAPI{}), 1, "x")
	m.SetSize(80, 10)
	drive(m, m.Init())
	for _, b := range m.ShortHelp() {
		if d := b.Help().Desc; d == "filter" || d == "what they see" {
			t.Errorf("%q offered with no users", d)
		}
	}
	if !strings.Contains(m.View(), "Nobody has access to x.") {
		t.Errorf("empty:\n%s", m.View())
	}
	m2 := loaded(t, &fakeAPI{users: seedUsers(t)}, 80, 10)
	var descs []string
	for _, b := range m2.ShortHelp() {
		descs = append(descs, b.Help().Desc)
	}
	if !slices.Contains(descs, "filter") || !slices.Contains(descs, "what they see") || slices.Contains(descs, "clear filter") {
		t.Errorf("help %v", descs)
	}
}

func TestGoldenAccess(t *testing.T) {
	m := New(testCtx(&fakeAPI{users: seedUsers(t)}), 16, "Web Sales")
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m}, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "2 of 2 loaded") },
		teatest.WithDuration(5*time.Second))
	tm.Send(viewtest.KeyMsg("j"))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}
