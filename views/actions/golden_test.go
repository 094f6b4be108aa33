package actions_test

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func golden(t *testing.T, d *actions.Dialog, ready func() bool, keys ...tea.KeyMsg) {
	t.Helper()
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: d, Ready: ready}, teatest.WithInitialTermSize(80, 24))
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
	api, sess := fixture()
	_, d := openDialog(t, actions.Delete(sess, targets(api, 2)), 80, 24)
	golden(t, d, always)
}

func TestGoldenHardDeleteDialog(t *testing.T) {
	api, sess := fixture()
	_, d := openDialog(t, actions.Delete(sess, targets(api, 4)), 80, 24)
	golden(t, d, always)
}

func TestGoldenSubscribeResult(t *testing.T) {
	api, sess := fixture()
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		return &apiclient.SubscribeResult{
			Success: []apiclient.Subscription{{ModelID: "1", State: "subscribed"}, {ModelID: "2", State: "pending"}},
			InError: []apiclient.SubscribeFailure{{DataSourceID: 3, Message: "Ledger requires an attestation"}},
		}, nil
	}
	_, d := openDialog(t, actions.Subscribe(sess, targets(api, 1, 2, 3)), 80, 24)
	golden(t, d, d.Done, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
}
