package detail

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// The write actions work from the detail too, on the source shown, and
// show in its help only as they apply.
func TestWriteActionsFromTheDetail(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(3)}
	sess := viewtest.Context(api)
	d := viewtest.New(t, New(sess, 2, "Orders 00002"), 100, 30)

	help := func() string {
		var b strings.Builder
		for _, k := range d.V.ShortHelp() {
			if k.Enabled() {
				b.WriteString(k.Help().Desc + ",")
			}
		}
		return b.String()
	}
	if h := help(); !strings.Contains(h, "subscribe") || !strings.Contains(h, "disable") || strings.Contains(h, "restore") {
		t.Errorf("active source help: %s", h)
	}
	d.Key("s")
	if m, ok := viewtest.Last[views.OpenModalMsg](d); !ok || !strings.Contains(m.M.Title(), "Subscribe to Orders 00002") {
		t.Fatalf("s should open the subscribe dialog for this source: %+v", d.Emitted)
	}
	closeModal(d) // one write flow per source: the next waits for this one
	d.Key("D")
	if m, ok := viewtest.Last[views.OpenModalMsg](d); !ok || !strings.Contains(m.M.Title(), "Disable Orders 00002") {
		t.Fatalf("D should open the disable dialog: %+v", d.Emitted)
	}
	closeModal(d)

	api.Sources[1].Deleted = true
	api.Sources[1].Raw = json.RawMessage(`{"id":2,"name":"Orders 00002","deleted":true}`)
	d.Send(views.SourceChangedMsg{Source: api.Sources[1]})
	if h := help(); !strings.Contains(h, "delete forever") || !strings.Contains(h, "restore") || strings.Contains(h, "subscribe") {
		t.Errorf("disabled source help: %s", h)
	}
	d.Key("u")
	if m, ok := viewtest.Last[views.OpenModalMsg](d); !ok || !strings.Contains(m.M.Title(), "Restore Orders 00002") {
		t.Fatalf("u should open the restore dialog: %+v", d.Emitted)
	}
}

// closeModal closes the last dialog the view opened, as the root does when
// it is cancelled or its result read.
func closeModal(d *viewtest.Driver) {
	if m, ok := viewtest.Last[views.OpenModalMsg](d); ok {
		if c, ok := m.M.(views.Closer); ok {
			c.Close()
		}
	}
}

// One write flow per source, whichever view started it: while the list's
// flow holds a source, its detail refuses every write key with a word.
func TestWriteKeysRefusedWhileAFlowHoldsTheSource(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(3)}
	sess := viewtest.Context(api)
	d := viewtest.New(t, New(sess, 2, "Orders 00002"), 100, 30)
	reads := len(api.Calls)
	held, _, ok := sess.Writes().Claim([]int64{2}) // a check started from the list
	if !ok {
		t.Fatal("the source is taken before any write")
	}
	for _, k := range []string{"s", "D"} {
		d.Emitted = nil
		d.Key(k)
		if _, ok := viewtest.Last[views.OpenModalMsg](d); ok {
			t.Fatalf("%s opened a dialog while another write on the source is in progress", k)
		}
		st, _ := viewtest.Last[views.StatusMsg](d)
		if st.Text != "a write on Orders 00002 is already in progress" || st.Level != views.Warn {
			t.Errorf("%s: status %+v", k, st)
		}
	}
	if len(api.Calls) != reads {
		t.Errorf("refused keys asked the server: %q", api.Calls[reads:])
	}
	held.Release()
	d.Key("D")
	if m, ok := viewtest.Last[views.OpenModalMsg](d); !ok || !strings.Contains(m.M.Title(), "Disable Orders 00002") {
		t.Fatalf("D after the flow ended: %+v", d.Emitted)
	}
}
