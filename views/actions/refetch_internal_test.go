package actions

import (
	"context"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// panickyAPI panics on every read, as a bug in a decoder might.
type panickyAPI struct{ *viewtest.FakeAPI }

func (panickyAPI) GetDataSource(context.Context, int64) (*apiclient.DataSource, error) {
	panic("bug in a read")
}

// A panic in one of refetch's parallel reads must surface on the command's
// own goroutine, where the root recovers it and restores the terminal; on a
// goroutine of its own it would kill the process with the screen still in
// the alternate buffer.
func TestRefetchPanicStaysOnTheCommandsGoroutine(t *testing.T) {
	sess := viewtest.Context(panickyAPI{&viewtest.FakeAPI{}})
	start := refetch(sess, []int64{1, 2, 3})().(views.RequestStartMsg)
	defer func() {
		if r := recover(); r != "bug in a read" {
			t.Fatalf("recovered %v, want the read's panic", r)
		}
	}()
	start.Run()
	t.Fatal("the read's panic was lost")
}
