package detail

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func TestGoldenSource26(t *testing.T) {
	m := New(testContext(seeded(t)), 26, "Dbo Customer Data")
	// The root quits once the five first requests (source, parents,
	// children, tags, contacts) have answered and the size is known.
	h := &viewtest.Harness{V: m}
	h.Ready = func() bool { return h.Done == 5 }
	tm := teatest.NewTestModel(t, h, teatest.WithInitialTermSize(100, 30))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	out := fm.View()
	viewtest.CheckBounds(t, out, 100, 30)
	teatest.RequireEqualOutput(t, []byte(out))
}
