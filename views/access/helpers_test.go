package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/ui/styles"
	"github.com/dsbrowse/dsbrowse/views"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var fixedNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func testCtx(api views.API) *views.Context {
	return &views.Context{
		API:         api,
		Keys:        keymap.Default(),
		Styles:      styles.New(styles.Default),
		Timeout:     10 * time.Second,
		PageSize:    100,
		Concurrency: 4,
		Now:         func() time.Time { return fixedNow },
	}
}

// seed decodes a seed example body with the real types.
func seed(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "apiclient", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

var errUnused = errors.New("not used by this view")

// fakeAPI is an in-memory views.API.
type fakeAPI struct {
	mu sync.Mutex

	users     []apiclient.AccessUser
	bare      bool // answer without a count
	calls     []apiclient.AccessOptions
	failAt    map[int]error // offset → error
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

func (f *fakeAPI) ListDataSources(context.Context, apiclient.ListOptions) (*apiclient.DataSourcePage, error) {
	return nil, errUnused
}
func (f *fakeAPI) GetDataSource(context.Context, int64) (*apiclient.DataSource, error) {
	return nil, errUnused
}
func (f *fakeAPI) Lineage(context.Context, int64, apiclient.LineageType) ([]apiclient.LineageEntry, error) {
	return nil, errUnused
}
func (f *fakeAPI) MyVisibilityReport(context.Context, int64) (*apiclient.VisibilityReport, error) {
	return nil, errUnused
}
func (f *fakeAPI) Subscribe(context.Context, apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
	return nil, errUnused
}
func (f *fakeAPI) DeleteDataSource(context.Context, int64) (*apiclient.DeleteResult, error) {
	return nil, errUnused
}
func (f *fakeAPI) RestoreDataSource(context.Context, int64) (*apiclient.DataSource, error) {
	return nil, errUnused
}
func (f *fakeAPI) CreateS3(context.Context, apiclient.S3CreateRequest) ([]apiclient.S3Created, error) {
	return nil, errUnused
}
func (f *fakeAPI) GetS3Handler(context.Context, int64) (*apiclient.S3Handler, error) {
	return nil, errUnused
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

// results runs cmd the way the root does and returns the messages it
// produces, without giving them to any view: Track's requests are run and
// their results collected; batches are opened.
func results(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case views.RequestStartMsg:
			queue = append(queue, msg.Run)
		default:
			out = append(out, msg)
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
		for _, msg := range results(c) {
			switch msg.(type) {
			case pageMsg, policyMsg, userReportMsg:
				_, next := v.Update(msg)
				queue = append(queue, next)
			default:
				root = append(root, msg)
			}
		}
	}
	return root
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// press sends keys one by one and drives what they return.
func press(v views.View, keys ...string) []tea.Msg {
	var root []tea.Msg
	for _, k := range keys {
		_, cmd := v.Update(keyMsg(k))
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

// harness is the smallest root for teatest: it sizes the view, runs its
// tracked requests and hands the results back to it.
type harness struct{ v views.View }

func (h *harness) Init() tea.Cmd { return h.v.Init() }

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.v.SetSize(msg.Width, msg.Height)
		return h, nil
	case views.RequestStartMsg:
		run := msg.Run
		return h, func() tea.Msg { return views.RequestDoneMsg{Label: msg.Label, Msg: run()} }
	case views.RequestDoneMsg:
		return h.Update(msg.Msg)
	case views.ErrorMsg, views.OpenUserViewMsg:
		return h, nil
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" {
			return h, tea.Quit
		}
	}
	v, cmd := h.v.Update(msg)
	h.v = v
	return h, cmd
}

func (h *harness) View() string { return h.v.View() }

type contextT = context.Context

var errCancelled = context.Canceled

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
