package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// The root's tests run inside a synctest bubble (synctest.Test), with the
// driver below: each command runs on its own goroutine, as Bubble Tea runs
// it, and the driver waits with synctest.Wait until the command has
// answered or every goroutine of the bubble is durably blocked. A command
// that has not answered by then is waiting on the bubble's fake clock (a
// cursor blink, the spinner, a status line's expiry): it is a timer, and
// it is held, to be delivered when the test moves the clock (advance).
// Nothing else is ever dropped, however slow: a command that computes or
// waits for a server is simply waited for. A command blocked for good on
// something other than the clock makes the test fail at its end, naming
// the command (and synctest's deadlock report shows where it blocks).
// The root wraps every view's command (tag), so a timer cannot be told
// by its type; the bubble tells it by what it waits on.
//
// A server the test talks to over the network is started outside the
// bubble, and its client keeps no idle connections: network I/O is never
// durably blocking, so an idle connection's reader would keep Wait
// waiting forever.

// cmdRun is one command started by the driver.
type cmdRun struct {
	from string        // names it: what it came from
	done chan struct{} // closed once it has returned
	msg  tea.Msg       // its answer, once done
}

// driver runs a root model's messages and commands in a bubble.
type driver struct {
	t      testing.TB
	m      *Model
	timers []*cmdRun // held: waiting on the fake clock
	all    []*cmdRun // every command started, checked at the end
}

// drivers maps each root model under test to its driver.
var drivers sync.Map // *Model -> *driver

// drive registers m's driver; the test must run inside synctest.Test. At
// the end of the test the program is stopped and the clock moved past
// every timer: a command that still has not returned is reported.
func drive(t testing.TB, m *Model) *driver {
	d := &driver{t: t, m: m}
	drivers.Store(m, d)
	t.Cleanup(func() {
		defer drivers.Delete(m)
		m.quit() // stops background loads
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		for _, r := range d.all {
			select {
			case <-r.done:
			default:
				t.Errorf("%s never returned: it is blocked on something other than the clock, "+
					"and its answer is lost (synctest's deadlock report shows where it blocks)", r.from)
			}
		}
	})
	return d
}

func driverOf(t testing.TB, m *Model) *driver {
	t.Helper()
	d, ok := drivers.Load(m)
	if !ok {
		t.Fatal("the model has no driver: make it with newRoot (inside synctest.Test)")
	}
	return d.(*driver)
}

// start runs c on a goroutine of its own and reports its answer, or
// false when it waits on the clock (then it is held as a timer).
func (d *driver) start(c tea.Cmd, from string) (tea.Msg, bool) {
	r := d.spawn(c, from, nil)
	synctest.Wait()
	select {
	case <-r.done:
		return r.msg, true
	default:
		d.timers = append(d.timers, r)
		return nil, false
	}
}

// spawn starts c; its answer goes to r.msg, and to out if it is not nil.
func (d *driver) spawn(c tea.Cmd, from string, out chan<- tea.Msg) *cmdRun {
	r := &cmdRun{from: from, done: make(chan struct{})}
	d.all = append(d.all, r)
	go func() {
		r.msg = c()
		close(r.done)
		if out != nil {
			out <- r.msg
		}
	}()
	return r
}

// maxSteps bounds the messages of one run: an app that never settles
// fails the test instead of hanging it.
const maxSteps = 10000

// feed delivers msg (or, with a nil msg, cmd's answer) and runs the
// commands that follow until none is left but timers.
func (d *driver) feed(msg tea.Msg, cmd tea.Cmd, from string) {
	d.t.Helper()
	type item struct {
		msg  tea.Msg
		from string
	}
	var queue []item
	push := func(c tea.Cmd, from string) {
		if c == nil {
			return
		}
		if r, ok := d.start(c, from); ok && r != nil {
			queue = append(queue, item{r, from})
		}
	}
	if msg != nil {
		queue = append(queue, item{msg, msgName(msg)})
	} else {
		push(cmd, from)
	}
	for steps := 0; len(queue) > 0; steps++ {
		if steps == maxSteps {
			d.t.Fatalf("more than %d messages: the app never settles (last: %s)", maxSteps, queue[0].from)
		}
		next := queue[0]
		queue = queue[1:]
		// A batch, or a sequence (Bubble Tea's unexported sequenceMsg):
		// both are slices of commands, run here in order.
		if v := reflect.ValueOf(next.msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
			for i := range v.Len() {
				c, _ := v.Index(i).Interface().(tea.Cmd)
				push(c, fmt.Sprintf("command %d of %d of the batch from %s", i+1, v.Len(), next.from))
			}
			continue
		}
		if _, ok := next.msg.(tea.QuitMsg); ok {
			continue
		}
		_, c := d.m.Update(next.msg)
		push(c, "the command after "+msgName(next.msg))
	}
}

// advance moves the bubble's clock by dur and delivers what the timers
// that fired answer; the timers that follow are held again.
func (d *driver) advance(dur time.Duration) {
	d.t.Helper()
	time.Sleep(dur)
	synctest.Wait()
	var fired []*cmdRun
	held := d.timers[:0:0]
	for _, r := range d.timers {
		select {
		case <-r.done:
			fired = append(fired, r)
		default:
			held = append(held, r)
		}
	}
	d.timers = held
	for _, r := range fired {
		if r.msg != nil {
			d.feed(r.msg, nil, "")
		}
	}
}

// msgName names a message for a failure's text.
func msgName(msg tea.Msg) string {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return fmt.Sprintf("key %q", msg.String())
	case routed:
		if r, ok := msg.msg.(views.RequestStartMsg); ok {
			return fmt.Sprintf("request %q (view %d)", r.Label, msg.to)
		}
		return fmt.Sprintf("%T (view %d)", msg.msg, msg.to)
	}
	return fmt.Sprintf("%T", msg)
}

// run feeds msg to the root and runs the commands that follow, as Bubble
// Tea would, until only timers are left.
func run(t *testing.T, m *Model, msg tea.Msg) {
	t.Helper()
	driverOf(t, m).feed(msg, nil, "")
}

// runCmd runs cmd as a command of the root, and everything that follows.
func runCmd(t *testing.T, m *Model, cmd tea.Cmd, what string) {
	t.Helper()
	driverOf(t, m).feed(nil, cmd, what)
}

// advance moves the clock by d: the timers due by then fire.
func advance(t *testing.T, m *Model, d time.Duration) {
	t.Helper()
	driverOf(t, m).advance(d)
}

// answer runs c and returns its answer; c must not wait on the clock.
func answer(t *testing.T, c tea.Cmd) tea.Msg {
	t.Helper()
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	synctest.Wait()
	select {
	case msg := <-ch:
		return msg
	default:
		t.Fatal("the command waits on the clock; give it to run or runCmd")
		return nil
	}
}

func press(k string) tea.Msg { return viewtest.KeyMsg(k) }

// newRoot makes the root model over api, sized w×h and initialised, with
// its driver. The test must run inside synctest.Test.
func newRoot(t *testing.T, api views.API, w, h int, mod func(*views.Session)) *Model {
	t.Helper()
	sess := viewtest.Context(api)
	if mod != nil {
		mod(sess)
	}
	m := NewModel(sess, DefaultOpener())
	drive(t, m)
	run(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	runCmd(t, m, m.Init(), "the command of Init")
	return m
}

func screen(m *Model) string { return ansi.Strip(m.View()) }

func fakeWithDetail() *viewtest.FakeAPI {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(40)}
	return api
}

func TestEscNeverQuitsAndGoesBackWithCursorKept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		run(t, m, press("j"))
		run(t, m, press("j"))
		before := strings.Split(screen(m), "\n")[6]
		run(t, m, press("enter"))
		if got := screen(m); !strings.Contains(got, "Data sources › ") {
			t.Fatalf("enter should open the detail with a breadcrumb:\n%s", got)
		}
		run(t, m, press("esc"))
		if m.quitting || len(m.stack) != 1 {
			t.Fatal("esc should go back, not quit")
		}
		if after := strings.Split(screen(m), "\n")[6]; after != before {
			t.Errorf("cursor row not restored:\n%q\n%q", before, after)
		}
		run(t, m, press("esc"))
		if m.quitting {
			t.Fatal("esc at the top must never quit")
		}
	})
}

func TestHelpAndQuit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		run(t, m, press("?"))
		scr := screen(m)
		for _, want := range []string{"Keys for Data sources", "filter", "refresh", "quit"} {
			if !strings.Contains(scr, want) {
				t.Errorf("full help lacks %q:\n%s", want, scr)
			}
		}
		run(t, m, press("x"))
		if m.showHelp {
			t.Fatal("any key should close help")
		}
		_, cmd := m.Update(press("q"))
		if cmd == nil || answer(t, cmd) != (tea.QuitMsg{}) {
			t.Fatal("q should quit")
		}
	})
}

func TestTypingInFilterDoesNotQuit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		run(t, m, press("/"))
		run(t, m, press("q"))
		if m.quitting {
			t.Fatal("q typed into the filter quit the program")
		}
		if !strings.Contains(screen(m), "/q") {
			t.Errorf("q should be in the filter:\n%s", screen(m))
		}
	})
}

func TestErrorStaysUntilDismissed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		api.ListErr = &apiclient.APIError{StatusCode: 401, Method: "GET", Path: "/dataSource", Message: "bad key"}
		m := newRoot(t, api, 100, 30, nil)
		scr := screen(m)
		if !strings.Contains(scr, "the API key was rejected (401)") || !strings.Contains(scr, "immuta.test") {
			t.Fatalf("401 not explained:\n%s", scr)
		}
		run(t, m, press("j"))
		if !strings.Contains(screen(m), "rejected") {
			t.Fatal("the error should stay until dismissed")
		}
		run(t, m, press("esc"))
		if strings.Contains(screen(m), "rejected") {
			t.Fatal("esc should dismiss the error")
		}
	})
}

func TestReadOnlyHidesAndRefusesWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 120, 30, func(sess *views.Session) {
			sess.ReadOnly = true
			sess.Keys = sess.Keys.WithoutWrites()
		})
		scr := screen(m)
		if !strings.Contains(scr, "READ-ONLY") {
			t.Error("no read-only badge")
		}
		lines := strings.Split(scr, "\n")
		if footer := lines[len(lines)-1]; strings.Contains(footer, "subscribe") || strings.Contains(footer, "disable/delete") {
			t.Errorf("write keys still in the footer: %s", footer)
		}
		for _, k := range []string{"s", "D", "c", "u"} {
			run(t, m, press(k))
			if m.modal != nil {
				t.Fatalf("%s opened a dialog in read-only mode", k)
			}
			if !strings.Contains(screen(m), "read-only") {
				t.Errorf("%s: no read-only message", k)
			}
		}
		if api := m.sess.API.(*viewtest.FakeAPI); strings.Contains(strings.Join(api.Calls, " "), "delete") {
			t.Fatal("a write was attempted")
		}
	})
}

func TestTooSmall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 30, 6, nil)
		if !strings.Contains(screen(m), "Terminal too small") {
			t.Fatalf("got:\n%s", screen(m))
		}
		run(t, m, tea.WindowSizeMsg{Width: 80, Height: 20})
		if !strings.Contains(screen(m), "Clickstream 00004") {
			t.Fatal("the list should come back after growing")
		}
	})
}

func TestEveryFrameFitsTheTerminal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		for _, size := range [][2]int{{100, 30}, {60, 15}, {40, 8}, {200, 60}} {
			run(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			out := m.View()
			lines := strings.Split(out, "\n")
			if len(lines) != size[1] {
				t.Errorf("%v: %d lines", size, len(lines))
			}
			viewtest.CheckBounds(t, out, size[0], size[1])
		}
	})
}

// A reply addressed to one view never reaches another of the same type:
// the root routes each command's result to the view that issued it.
func TestRepliesGoToTheViewThatAsked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		first := m.top().id
		run(t, m, press("enter"))
		if m.top().id == first {
			t.Fatal("detail not pushed")
		}
		// A late page for the list arrives while the detail is on top: the
		// list gets it, the detail does not break.
		run(t, m, routed{to: first, msg: views.StatusMsg{Text: "hello"}})
		if !strings.Contains(screen(m), "hello") {
			t.Fatal("root message from a background view not handled")
		}
		gone := m.top().id
		run(t, m, press("esc"))
		run(t, m, routed{to: gone, msg: tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")}})
		if len(m.stack) != 1 {
			t.Fatal("a message for a closed view changed the stack")
		}
	})
}

func TestModalTakesKeysAndEscCloses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
			return nil, errors.New("should not be called")
		}
		notYours(api) // subscribe offers only sources not yours yet
		m := newRoot(t, api, 100, 30, nil)
		run(t, m, press("s"))
		if m.modal == nil {
			t.Fatal("s should open the subscribe dialog")
		}
		run(t, m, press("q"))
		if m.quitting {
			t.Fatal("q in a dialog must not quit")
		}
		run(t, m, press("esc"))
		if m.modal != nil {
			t.Fatal("esc should close the dialog")
		}
		if strings.Contains(strings.Join(api.Calls, " "), "subscribe") {
			t.Fatal("cancelled dialog sent a request")
		}
	})
}

// A real program (teatest), outside any bubble: its goroutines read input
// and render on the real clock.
func TestGoldenHome(t *testing.T) {
	sess := viewtest.Context(fakeWithDetail())
	m := NewModel(sess, DefaultOpener())
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "40 of 40 loaded") },
		teatest.WithDuration(5*time.Second))
	tm.Send(press("?"))
	tm.Send(press("x"))
	tm.Send(press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m.quitting = false // the final frame is blank on quit; compare the last screen
	teatest.RequireEqualOutput(t, []byte(m.View()))
}

type panicky struct{ inner views.View }

func (p panicky) Init() tea.Cmd             { return nil }
func (p panicky) View() string              { return p.inner.View() }
func (p panicky) SetSize(w, h int)          { p.inner.SetSize(w, h) }
func (p panicky) Title() string             { return p.inner.Title() }
func (p panicky) ShortHelp() []key.Binding  { return nil }
func (p panicky) FullHelp() [][]key.Binding { return nil }
func (p panicky) CapturesInput() bool       { return false }

func (p panicky) Update(msg tea.Msg) (views.View, tea.Cmd) {
	if _, ok := msg.(tea.KeyMsg); ok {
		panic("boom")
	}
	return p, nil
}

func TestPanicBecomesAnErrorLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		m.stack[0].v = panicky{m.stack[0].v}
		run(t, m, press("j"))
		if !strings.Contains(screen(m), "internal error: boom") {
			t.Fatalf("panic not reported:\n%s", screen(m))
		}
		// A panicking command is caught too.
		runCmd(t, m, tag(m.top().id, func() tea.Msg { panic("in a command") }), "a panicking command")
		if !strings.Contains(screen(m), "in a command") {
			t.Fatal("panic in a command not reported")
		}
	})
}

func TestKeysReadTogetherAreTakenOneByOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		run(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/web")})
		if !m.top().v.CapturesInput() || !strings.Contains(screen(m), "/web") {
			t.Fatalf("\"/web\" read at once should open the filter and type web:\n%s", screen(m))
		}
		run(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" sales"), Paste: true})
		if !strings.Contains(screen(m), "/web sales") {
			t.Fatalf("a paste should go into the filter whole:\n%s", screen(m))
		}
	})
}

func TestKeyAfterClosingADialogReachesTheList(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, notYours(fakeWithDetail()), 100, 30, nil)
		run(t, m, press("s"))
		old := m.modal.id
		// esc closes the dialog at once: the next key is the list's.
		m.Update(press("esc"))
		if m.modal != nil {
			t.Fatal("dialog still open right after esc")
		}
		run(t, m, press("s"))
		cur := m.modal.id
		// A late reply to the old dialog reaches no one.
		run(t, m, routed{to: old, msg: reply{1}})
		if m.modal == nil || m.modal.id != cur {
			t.Fatal("a late reply to the old dialog closed the new one")
		}
	})
}

// slowList holds the list's first page until the test lets it through,
// from outside the bubble: its channels are not the bubble's, so the
// driver's synctest.Wait waits for it as for a slow server.
type slowList struct {
	*viewtest.FakeAPI
	once    sync.Once
	started chan struct{} // closed when the first page is asked for
	release chan struct{}
}

func (s *slowList) ListDataSources(ctx context.Context, o apiclient.ListOptions) (*apiclient.DataSourcePage, error) {
	s.once.Do(func() {
		close(s.started)
		<-s.release
	})
	return s.FakeAPI.ListDataSources(ctx, o)
}

// The driver waits for a command however long it takes. The list's first
// page here answers after 400 ms of real time: the old driver took any
// command slower than 300 ms for a timer and dropped it, and the list
// showed nothing loaded, as it did for some tests on a busy machine.
func TestRootDriverWaitsForASlowCommand(t *testing.T) {
	api := &slowList{FakeAPI: fakeWithDetail(), started: make(chan struct{}), release: make(chan struct{})}
	took := make(chan time.Duration, 1)
	go func() { // outside the bubble: the real clock
		<-api.started
		begin := time.Now()
		time.Sleep(400 * time.Millisecond) // the slowness under test, while the driver waits
		close(api.release)
		took <- time.Since(begin)
	}()
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, api, 100, 30, nil)
		select {
		case <-api.started:
		default:
			t.Fatal("the list never asked for its first page")
		}
		if !strings.Contains(screen(m), "40 of 40 loaded") {
			t.Fatalf("the slow page was not delivered:\n%s", screen(m))
		}
	})
	if d := <-took; d < 300*time.Millisecond {
		t.Fatalf("the page took %v, want longer than the old driver's 300 ms", d)
	}
}

// A timer is held, not run to completion and not dropped: the filter's
// cursor blink re-arms itself each time it fires, and the run that opens
// the filter returns with it held; each move of the clock fires it once.
// A notice's expiry is a timer too: the notice goes when the clock gets
// there, not before.
func TestRootDriverHoldsTimersUntilTheClockMoves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		d := driverOf(t, m)
		run(t, m, press("/"))
		if len(d.timers) != 1 {
			t.Fatalf("%d timers held after opening the filter, want 1 (the cursor's blink)", len(d.timers))
		}
		for range 3 {
			started := len(d.all)
			advance(t, m, time.Second)
			if len(d.timers) != 1 || len(d.all) != started+1 {
				t.Fatalf("a second should fire the blink once and hold the next: %d held, %d started",
					len(d.timers), len(d.all)-started)
			}
		}
		run(t, m, press("esc"))
		run(t, m, routed{to: m.top().id, msg: views.StatusMsg{Text: "subscribed", Level: views.Success}})
		advance(t, m, statusTTL-time.Millisecond)
		if !strings.Contains(m.statusLine(), "subscribed") {
			t.Fatalf("the notice went before its time: %q", m.statusLine())
		}
		advance(t, m, time.Millisecond)
		if strings.Contains(m.statusLine(), "subscribed") {
			t.Fatalf("the notice stayed after %v: %q", statusTTL, m.statusLine())
		}
	})
}

// stuckReads never answers a read of one source, and ignores its
// context: a command blocked for good on something other than the clock.
type stuckReads struct {
	*viewtest.FakeAPI
	never chan struct{}
}

func (s *stuckReads) GetDataSource(context.Context, int64) (*apiclient.DataSource, error) {
	<-s.never
	return nil, errors.New("unreachable")
}

// A command that never returns is not taken for a timer and forgotten:
// the test fails, naming it. The failing test runs in a child process,
// since its bubble then ends in synctest's deadlock panic.
func TestRootDriverNamesALostCommand(t *testing.T) {
	if os.Getenv("DSBROWSE_TEST_LOST_COMMAND") == "1" {
		synctest.Test(t, func(t *testing.T) {
			m := newRoot(t, &stuckReads{FakeAPI: fakeWithDetail(), never: make(chan struct{})}, 100, 30, nil)
			run(t, m, press("enter"))
		})
		return
	}
	child := exec.Command(os.Args[0], "-test.run=^TestRootDriverNamesALostCommand$", "-test.count=1")
	child.Env = append(os.Environ(), "DSBROWSE_TEST_LOST_COMMAND=1", "TMPDIR="+t.TempDir())
	out, err := child.CombinedOutput()
	if err == nil {
		t.Fatalf("a test with a lost command passed:\n%s", out)
	}
	for _, want := range []string{
		`of the batch from the command after request "loading Clickstream 00004" (view 2) never returned`,
		"stuckReads).GetDataSource", // synctest's report: where it blocks
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failure does not say %q:\n%s", want, out)
		}
	}
}
