package actions_test

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
)

// harness is a tiny root for one modal: it sizes it, runs its tracked
// requests and hands their results back, drops what is meant for the
// root, and quits once the size is known and ready says so.
type harness struct {
	v     views.View
	sized bool
	ready func() bool
}

func (h *harness) Init() tea.Cmd { return h.v.Init() }

func (h *harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		h.v.SetSize(msg.Width, msg.Height)
		h.sized = true
	case views.RequestStartMsg:
		run := msg.Run
		cmd = func() tea.Msg { return views.RequestDoneMsg{Msg: run()} }
	case views.RequestDoneMsg:
		if b, ok := msg.Msg.(tea.BatchMsg); ok {
			cmd = tea.Batch(b...)
		} else if msg.Msg != nil {
			h.v, cmd = h.v.Update(msg.Msg)
		}
	case views.StatusMsg, views.CloseModalMsg, views.OpenModalMsg, views.SourceChangedMsg, views.SourceRemovedMsg:
	default:
		h.v, cmd = h.v.Update(msg)
	}
	if h.sized && h.ready() {
		return h, tea.Batch(cmd, tea.Quit)
	}
	return h, cmd
}

func (h *harness) View() string { return h.v.View() }

func golden(t *testing.T, d *actions.Dialog, ready func() bool, keys ...tea.KeyMsg) {
	t.Helper()
	tm := teatest.NewTestModel(t, &harness{v: d, ready: ready}, teatest.WithInitialTermSize(80, 24))
	for _, k := range keys {
		tm.Send(k)
	}
	out := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
	if !ready() {
		t.Fatal("the dialog did not reach the state to compare")
	}
	teatest.RequireEqualOutput(t, []byte(out))
}

func always() bool { return true }

func TestGoldenDisableDialog(t *testing.T) {
	api, ctx := fixture()
	_, d := openDialog(t, actions.Delete(ctx, targets(api, 2)), 80, 24)
	golden(t, d, always)
}

func TestGoldenHardDeleteDialog(t *testing.T) {
	api, ctx := fixture()
	_, d := openDialog(t, actions.Delete(ctx, targets(api, 4)), 80, 24)
	golden(t, d, always)
}

func TestGoldenSubscribeResult(t *testing.T) {
	api, ctx := fixture()
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		return &apiclient.SubscribeResult{
			Success: []apiclient.Subscription{{ModelID: "1", State: "subscribed"}, {ModelID: "2", State: "pending"}},
			InError: []apiclient.SubscribeFailure{{DataSourceID: 3, Message: "Ledger requires an attestation"}},
		}, nil
	}
	_, d := openDialog(t, actions.Subscribe(ctx, targets(api, 1, 2, 3)), 80, 24)
	golden(t, d, d.Done, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
}
