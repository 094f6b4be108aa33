package access

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/reportpage"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var fixedNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func testCtx(api views.API) *views.Session { return viewtest.ContextAt(api, fixedNow) }

// fakeAPI is an in-memory views.API for the calls of this package's views.
type fakeAPI struct {
	viewtest.Unimplemented
	mu sync.Mutex

	users     []apiclient.AccessUser
	bare      bool // answer without a count
	calls     []apiclient.AccessOptions
	failAt    map[int]error // offset → error
	failIf    func(o apiclient.AccessOptions) error
	onCall    func(n int, users []apiclient.AccessUser) []apiclient.AccessUser
	info      *apiclient.PolicyInfo
	infoErr   error
	reports   []apiclient.VisibilityReport
	reportErr error
	profiles  []int64
}

func (f *fakeAPI) ListAccess(_ context.Context, _ int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, o)
	if err := f.failAt[o.Offset]; err != nil {
		return nil, err
	}
	if f.failIf != nil {
		if err := f.failIf(o); err != nil {
			return nil, err
		}
	}
	users := f.users
	if f.onCall != nil {
		users = f.onCall(len(f.calls), users)
	}
	lo := min(o.Offset, len(users))
	hi := min(lo+o.Size, len(users))
	p := &apiclient.AccessPage{Count: len(users), Users: append([]apiclient.AccessUser(nil), users[lo:hi]...)}
	if f.bare {
		p.Count = -1
	}
	return p, nil
}

func (f *fakeAPI) UserPolicyInfo(_ context.Context, _, profile int64) (*apiclient.PolicyInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.profiles = append(f.profiles, profile)
	return f.info, f.infoErr
}

func (f *fakeAPI) UserVisibilityReport(_ context.Context, _, profile int64) ([]apiclient.VisibilityReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.profiles = append(f.profiles, profile)
	return f.reports, f.reportErr
}

func genUsers(n int) []apiclient.AccessUser {
	states := []string{"subscribed", "owner", "pending", "expert"}
	out := make([]apiclient.AccessUser, n)
	for i := range out {
		out[i] = apiclient.AccessUser{
			Profile:   int64(1000 + i),
			Name:      fmt.Sprintf("User %04d", i),
			Email:     fmt.Sprintf("user%04d@example.com", i),
			Type:      "user",
			State:     states[i%len(states)],
			Approved:  i%3 != 0,
			CreatedAt: "2023-06-01T10:00:00.000Z",
		}
	}
	return out
}

// drive gives the results of cmd to v, and the results of what v returns,
// until nothing is left. Messages for the root (errors, navigation) are
// returned.
func drive(v views.View, cmd tea.Cmd) []tea.Msg {
	var root []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, msg := range viewtest.CollectAll(c) {
			switch msg.(type) {
			case batchMsg, reportpage.Answer, filterMsg:
				_, next := v.Update(msg)
				queue = append(queue, next)
			default:
				root = append(root, msg)
			}
		}
	}
	return root
}

// press sends keys one by one and drives what they return.
func press(v views.View, keys ...string) []tea.Msg {
	var root []tea.Msg
	for _, k := range keys {
		_, cmd := v.Update(viewtest.KeyMsg(k))
		root = append(root, drive(v, cmd)...)
	}
	return root
}

// typeText types s into the focused field, one rune at a time.
func typeText(v views.View, s string) {
	for _, r := range s {
		_, cmd := v.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		drive(v, cmd)
	}
}

type contextT = context.Context

// blockingAPI answers only when its context ends.
type blockingAPI struct {
	*fakeAPI
	started chan struct{}
}

func (b *blockingAPI) ListAccess(ctx context.Context, _ int64, _ apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	close(b.started)
	<-ctx.Done()
	return nil, ctx.Err()
}
