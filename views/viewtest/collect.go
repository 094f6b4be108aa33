package viewtest

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
)

// Patience is how long a command may run before the driver gives up on it
// and fails the test, naming it. Nothing a unit test runs should come
// near it: it is there so that a command that never returns ends the
// test with its name instead of hanging it, however busy the machine.
var Patience = 2 * time.Minute

// Collect runs cmd without a view, as the root would: batches are
// unwrapped, tracked requests (RequestStartMsg) are run, and every other
// message that results is returned in order. Timer commands (tea.Tick,
// tea.Every, a cursor blink; see IsTimer) are not run: there is no clock
// to wait for. Every other command is run to completion; one still
// running after Patience panics, naming it. Use Collect for commands that
// answer a message for the root, such as a command that opens a modal.
func Collect(cmd tea.Cmd) []tea.Msg { return collect(cmd, Patience, false) }

// CollectAll is Collect waiting for every command however long it takes:
// for a test that ends a request blocked in the API (by closing the view)
// to see what it answers.
func CollectAll(cmd tea.Cmd) []tea.Msg { return collect(cmd, 0, false) }

// Replies is CollectAll keeping the replies of commands made by
// views.Latest as they reach the root, marked with their slot: a test
// delivers them later through Current (or a Driver), which drops those a
// newer command of their slot has superseded meanwhile, as the root does.
func Replies(cmd tea.Cmd) []tea.Msg { return collect(cmd, 0, true) }

// Current is what the root delivers of msg: msg itself, or the reply a
// views.LatestMsg carries while it is the newest of its slot; false when
// that reply is stale (the root drops it) or msg is nil.
func Current(msg tea.Msg) (tea.Msg, bool) { return current(msg) }

func collect(cmd tea.Cmd, patience time.Duration, keepLatest bool) []tea.Msg {
	var out []tea.Msg
	lost := func(j job) { panic(j.lost(patience)) }
	drain(cmd, patience, lost, nil, func(msg tea.Msg) []job {
		if jobs, ok := expand(msg); ok {
			return jobs
		}
		done, tracked := msg.(views.RequestDoneMsg)
		if tracked {
			msg = done.Msg
		}
		if l, ok := msg.(views.LatestMsg); ok {
			if keepLatest {
				out = append(out, l)
			} else if inner, ok := l.Current(); ok && inner != nil {
				out = append(out, inner)
			}
			return nil
		}
		if tracked || !isTimerMsg(msg) {
			out = append(out, msg)
		}
		return nil
	})
	return out
}

// job is a command to run, with the label of the request it is, if any,
// to name it should it never return.
type job struct {
	cmd   tea.Cmd
	label string
}

func (j job) lost(patience time.Duration) string {
	what := funcName(j.cmd)
	if j.label != "" {
		what = fmt.Sprintf("request %q (%s)", j.label, what)
	}
	return fmt.Sprintf("viewtest: command %s did not return within %v; it is lost, and the test cannot go on without it", what, patience)
}

func jobs(cmds ...tea.Cmd) []job {
	out := make([]job, 0, len(cmds))
	for _, c := range cmds {
		out = append(out, job{cmd: c})
	}
	return out
}

// drain runs cmd and every command that follows from it, in order: each
// message goes to deliver, and the commands it returns run next. Timer
// commands go to timer (or are dropped when it is nil) instead of being
// run. Every other command runs to completion: one that takes longer
// than patience (0: no limit) goes to lost.
func drain(cmd tea.Cmd, patience time.Duration, lost func(job), timer func(tea.Cmd), deliver func(tea.Msg) []job) {
	queue := []job{{cmd: cmd}}
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		if j.cmd == nil {
			continue
		}
		if IsTimer(j.cmd) {
			if timer != nil {
				timer(j.cmd)
			}
			continue
		}
		msg, ok := run(j.cmd, patience)
		if !ok {
			lost(j)
			return
		}
		if msg != nil {
			queue = append(queue, deliver(msg)...)
		}
	}
}

// run calls c, giving up after patience (0: never).
func run(c tea.Cmd, patience time.Duration) (tea.Msg, bool) {
	if patience <= 0 {
		return c(), true
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	t := time.NewTimer(patience)
	defer t.Stop()
	select {
	case m := <-ch:
		return m, true
	case <-t.C:
		return nil, false
	}
}

// expand returns the commands a batch or a tracked request stands for, as
// the root runs them; false for any other message.
func expand(msg tea.Msg) ([]job, bool) {
	switch m := msg.(type) {
	case tea.BatchMsg:
		return jobs(m...), true
	case views.RequestStartMsg:
		return []job{{cmd: m.Run, label: m.Label}}, true
	}
	return nil, false
}

// current unwraps a reply made by views.Latest as the root does: false
// when it is stale (a newer command of its slot has been made) or nil.
func current(msg tea.Msg) (tea.Msg, bool) {
	if l, ok := msg.(views.LatestMsg); ok {
		msg, ok = l.Current()
		if !ok {
			return nil, false
		}
	}
	return msg, msg != nil
}

// forRoot reports whether msg is meant for the root (navigation, status,
// errors, broadcasts) rather than for the view that sent it.
func forRoot(msg tea.Msg) bool {
	switch msg.(type) {
	case views.PushMsg, views.PopMsg, views.OpenModalMsg, views.StatusMsg, views.ErrorMsg,
		views.OpenSourceMsg, views.OpenAccessMsg, views.OpenMyVisibilityMsg, views.OpenUserViewMsg,
		views.SourceChangedMsg, views.SourceRemovedMsg, views.SourcesAddedMsg, views.AccessChangedMsg,
		views.OpenRequestsMsg, views.RequestsDecidedMsg, views.OpenColumnsMsg, views.TagsChangedMsg,
		views.OpenRequestLogMsg, views.CopyMsg:
		return true
	}
	return false
}

// isTimerMsg reports a cursor blink or spinner tick, by type: each one
// asks for the next, so delivering them would loop for ever.
func isTimerMsg(msg tea.Msg) bool {
	n := strings.TrimPrefix(fmt.Sprintf("%T", msg), "*")
	return strings.HasPrefix(n, "cursor.") || strings.HasPrefix(n, "spinner.")
}

// IsTimer reports whether c is a timer: a command made by tea.Tick,
// tea.Every or a cursor's blink, which waits on the clock before it
// answers. They are told by the code they run, not by how long they
// take: on a busy machine any command can be slow.
func IsTimer(c tea.Cmd) bool {
	if c == nil {
		return false
	}
	_, ok := timerSites()[site(c)]
	return ok
}

// timerSites are where the timer commands' function literals are, found
// by making one of each: a closure keeps its source position wherever it
// is inlined, where its name does not.
var timerSites = sync.OnceValue(func() map[string]bool {
	blink := cursor.New()
	blink.SetMode(cursor.CursorBlink)
	blink.BlinkSpeed = time.Nanosecond // its context ends at once
	sites := map[string]bool{}
	for _, c := range []tea.Cmd{
		tea.Tick(time.Nanosecond, nil),
		tea.Every(time.Nanosecond, nil),
		blink.BlinkCmd(),
	} {
		sites[site(c)] = true
	}
	return sites
})

func site(c tea.Cmd) string {
	pc := reflect.ValueOf(c).Pointer()
	f := runtime.FuncForPC(pc)
	if f == nil {
		return ""
	}
	file, line := f.FileLine(pc)
	return fmt.Sprintf("%s:%d", file, line)
}

// funcName names a command by the function it runs and where that is.
func funcName(c tea.Cmd) string {
	pc := reflect.ValueOf(c).Pointer()
	f := runtime.FuncForPC(pc)
	if f == nil {
		return fmt.Sprintf("%p", c)
	}
	file, line := f.FileLine(pc)
	return fmt.Sprintf("%s (%s:%d)", f.Name(), file, line)
}
