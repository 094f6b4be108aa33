package sources

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/accessreport"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func pending(n int) []apiclient.PendingRequest {
	out := make([]apiclient.PendingRequest, n)
	for i := range out {
		out[i] = apiclient.PendingRequest{ID: int64(900 + i), Model: apiclient.ModelRef{Type: "datasource", ID: 1, Name: "x"}}
	}
	return out
}

// The header says how many requests wait, from one size=1 query, and
// nothing when none wait or the count cannot be had.
func TestHeaderShowsPendingCount(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(30), Pending: pending(7)}
	d, _ := newList(t, api, 120, 10)
	if info := strings.Split(d.Screen(), "\n")[0]; !strings.Contains(info, "7 pending requests (p)") {
		t.Errorf("info line %q lacks the pending count", info)
	}
	var asked []string
	for _, c := range api.Calls {
		if strings.HasPrefix(c, "pending ") {
			asked = append(asked, c)
		}
	}
	if len(asked) != 1 || asked[0] != `pending offset=0 size=1 model=""` {
		t.Errorf("pending calls %q, want one of size 1", asked)
	}

	// A decision anywhere asks again.
	api.Pending = pending(1)
	d.Send(views.RequestsDecidedMsg{Done: []int64{900}})
	if info := strings.Split(d.Screen(), "\n")[0]; !strings.Contains(info, "1 pending request (p)") {
		t.Errorf("after a decision: %q", info)
	}

	for _, tc := range []struct {
		name string
		api  *viewtest.FakeAPI
	}{
		{"none", &viewtest.FakeAPI{Sources: viewtest.GenSources(3)}},
		{"refused", &viewtest.FakeAPI{Sources: viewtest.GenSources(3), PendingErr: fmt.Errorf("403")}},
	} {
		d, _ := newList(t, tc.api, 120, 10)
		if info := strings.Split(d.Screen(), "\n")[0]; strings.Contains(info, "pending") {
			t.Errorf("%s: %q", tc.name, info)
		}
	}
}

// p opens the inbox (every source's), and the key is in the help.
func TestRequestsKeyOpensInbox(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(5)}
	d, m := newList(t, api, 120, 10)
	d.Key("p")
	if got, ok := viewtest.Last[views.OpenRequestsMsg](d); !ok || got != (views.OpenRequestsMsg{}) {
		t.Fatalf("p emitted %v", d.Emitted)
	}
	found := map[string]bool{}
	for _, group := range m.FullHelp() {
		for _, b := range group {
			found[b.Help().Desc] = true
		}
	}
	if !found["requests"] || !found["access report"] {
		t.Errorf("help lacks the inbox or the report: %v", found)
	}
	// Rebindable like every key.
	keys, err := keymap.Default().Apply(map[string][]string{"requests": {"ctrl+p"}})
	if err != nil || keys.Requests.Keys()[0] != "ctrl+p" {
		t.Errorf("requests not rebindable: %v %v", err, keys.Requests.Keys())
	}
}

// E opens the report form for the marked sources, else the rows shown.
func TestReportKeyTakesMarksOrFilter(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(60)}
	d, _ := newList(t, api, 120, 10)
	d.Key("/")
	d.Type("ledger")
	d.Key("enter")
	d.Key("E")
	om, ok := viewtest.Last[views.OpenModalMsg](d)
	if !ok {
		t.Fatal("E opened nothing")
	}
	f, ok := om.M.(*accessreport.Model)
	if !ok {
		t.Fatalf("E opened %T", om.M)
	}
	f.SetSize(100, 20)
	if !strings.Contains(flatBox(f.View()), "the 10 data sources matching the filter") {
		t.Errorf("form for the filter:\n%s", f.View())
	}
	d.Key("space", "space")
	d.Key("E")
	om, _ = viewtest.Last[views.OpenModalMsg](d)
	f = om.M.(*accessreport.Model)
	f.SetSize(100, 20)
	if !strings.Contains(flatBox(f.View()), "the 2 marked data sources") {
		t.Errorf("form for the marks:\n%s", f.View())
	}
}

// flatBox is a modal's words on one line, without its border.
func flatBox(scr string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if strings.ContainsRune("│╭╮╰╯─", r) {
			return ' '
		}
		return r
	}, scr)), " ")
}

// Only the newest count shows: an older answer that comes late is
// dropped (views.Slot), as the root drops it.
func TestOlderPendingCountDropped(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(3), Pending: pending(5)}
	d, m := newList(t, api, 120, 10)
	old := m.pendingCount() // asked first, answered last
	api.Pending = pending(2)
	d.Send(views.RequestsDecidedMsg{Done: []int64{900}})
	api.Pending = pending(9) // what the older question reads, too late
	d.Run(old)
	if info := strings.Split(d.Screen(), "\n")[0]; !strings.Contains(info, "2 pending requests (p)") {
		t.Errorf("the older count replaced the newer: %q", info)
	}
}
