package detail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
}

// fixedNow is the clock of every test: 2025-10-15 12:00 UTC.
var fixedNow = time.Date(2025, 10, 15, 12, 0, 0, 0, time.UTC)

// fakeAPI serves sources and lineage from memory.
type fakeAPI struct {
	viewtest.Unimplemented
	mu      sync.Mutex
	sources map[int64]*apiclient.DataSource
	getErr  error
	lineage map[apiclient.LineageType][]apiclient.LineageEntry
	linErr  map[apiclient.LineageType]error
	block   bool // calls wait for their context to end
	gets    int
	tagsErr error // fails ListSourceTags
}

func (f *fakeAPI) GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error) {
	f.mu.Lock()
	f.gets++
	block, err, src := f.block, f.getErr, f.sources[id]
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, &apiclient.APIError{StatusCode: http.StatusNotFound, Method: "GET", Path: "/dataSource"}
	}
	cp := *src
	return &cp, nil
}

func (f *fakeAPI) Lineage(ctx context.Context, id int64, t apiclient.LineageType) ([]apiclient.LineageEntry, error) {
	f.mu.Lock()
	block, err, es := f.block, f.linErr[t], f.lineage[t]
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return append([]apiclient.LineageEntry{}, es...), nil
}

// ListSourceTags answers with the source's own tags, as a tenant whose
// two calls agree.
func (f *fakeAPI) ListSourceTags(ctx context.Context, id int64) (*apiclient.SourceTags, error) {
	f.mu.Lock()
	block, src, err := f.block, f.sources[id], f.tagsErr
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, &apiclient.APIError{StatusCode: http.StatusNotFound, Method: "GET", Path: "/dataSource/tags"}
	}
	return &apiclient.SourceTags{Tags: append(apiclient.Tags{}, src.Tags...)}, nil
}

func sourceFixture(t testing.TB, name string) *apiclient.DataSource {
	t.Helper()
	var d apiclient.DataSource
	viewtest.Seed(t, name, &d)
	return &d
}

func parentsFixture(t testing.TB) []apiclient.LineageEntry {
	t.Helper()
	var p struct {
		Parents []apiclient.LineageEntry `json:"parents"`
	}
	viewtest.Seed(t, "lineage_parents.json", &p)
	return p.Parents
}

// seeded is the fake with sources 22 and 26, and source 3 as 26's parent.
func seeded(t testing.TB) *fakeAPI {
	return &fakeAPI{
		sources: map[int64]*apiclient.DataSource{
			22: sourceFixture(t, "get_22.json"),
			26: sourceFixture(t, "sqltable_customer_data.json"),
		},
		lineage: map[apiclient.LineageType][]apiclient.LineageEntry{
			apiclient.LineageParents: parentsFixture(t),
		},
	}
}

func testContext(api views.API) *views.Session { return viewtest.ContextAt(api, fixedNow) }

// feed delivers msgs and returns what the view's commands emit.
func feed(t testing.TB, m *Model, msgs ...tea.Msg) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, msg := range msgs {
		msg, ok := viewtest.Current(msg) // drops a superseded reply, as the root does
		if !ok {
			continue
		}
		v, cmd := m.Update(msg)
		if v != views.View(m) {
			t.Fatal("Update returned another view")
		}
		out = append(out, viewtest.CollectAll(cmd)...)
	}
	return out
}

// open builds the view of id at w×h and lets its first load finish.
func open(t testing.TB, api views.API, id int64, name string, w, h int) (*Model, []tea.Msg) {
	t.Helper()
	m := New(testContext(api), id, name)
	m.SetSize(w, h)
	return m, feed(t, m, viewtest.CollectAll(m.Init())...)
}

func press(t testing.TB, m *Model, keys ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		out = append(out, feed(t, m, viewtest.KeyMsg(k))...)
	}
	return out
}

func mustContain(t testing.TB, view string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(view, w) {
			t.Errorf("view lacks %q:\n%s", w, view)
		}
	}
}

func TestShowsFieldsOfSource26(t *testing.T) {
	m, msgs := open(t, seeded(t), 26, "Dbo Customer Data", 100, 200)
	if len(msgs) != 0 {
		t.Fatalf("unexpected messages %v", msgs)
	}
	v := m.View()
	viewtest.CheckBounds(t, v, 100, 200)
	mustContain(t, v,
		"Dbo Customer Data", "#26", "passed", "Snowflake",
		"Type              queryable",
		"Policy handler    Builder (handler 55)",
		"SQL table         dbo.customer_data",
		"Records           0",
		"Rows              1,000",
		"Created           2021-10-01 14:23 (4y ago)",
		"Updated           2021-10-06 19:39 (4y ago)",
		"Created by        profile 2",
		"Stats expire      2021-11-05 19:37 (3y ago)",
		"Column evolution  on",
		"Blob handler URL  https://1.1.1.1.1/snowflake/testhandler/26",
		"You               owner · subscription #45",
		"Type              automatic",
		"Policy            Subscribing needs approval",
		"Approved          yes",
		"Status checks",
		"sql               ✓ passed · Passed",
		"stats             ✓ passed · last attempted 2021-10-06 19:37 (4y ago)",
		"high cardinality  ✓ passed · last attempted 2021-10-06 19:37 (4y ago)",
		"last attempt      2021-10-06 19:39 (4y ago)",
		"Documentation", "  # Dbo Customer Data",
		"Lineage", "Parents",
		"Public Healthcare Data  #3 · project Derived Data Source · created 2022-08-17 13:41 (3y ago)",
		"Children", "none",
	)
	// Empty fields are left out.
	for _, absent := range []string{"Description", "Remote table", "Domain", "Expires", "Catalog metadata"} {
		if strings.Contains(v, absent) {
			t.Errorf("empty field %q shown", absent)
		}
	}
	if got := m.Title(); got != "Dbo Customer Data" {
		t.Errorf("Title() = %q", got)
	}
}

func TestPolicyInWords(t *testing.T) {
	yes, no := true, false
	cases := []struct {
		name string
		p    apiclient.SubscriptionPolicy
		want []string
	}{
		{"automatic", apiclient.SubscriptionPolicy{Type: "subscription", AutomaticSubscription: &yes},
			[]string{"Anyone can subscribe; access is granted automatically"}},
		{"approval", apiclient.SubscriptionPolicy{Type: "subscription", AutomaticSubscription: &no},
			[]string{"Subscribing needs approval"}},
		{"exceptions", apiclient.SubscriptionPolicy{Type: "subscription", AutomaticSubscription: &yes, AllowDiscovery: &yes,
			Exceptions: json.RawMessage(`{"operator":"and","conditions":[{"type":"groups","group":{"name":"alpha"}}]}`)},
			[]string{"Anyone can subscribe; access is granted automatically", "except: members of group alpha",
				"Users without access can still discover it"}},
		{"or", apiclient.SubscriptionPolicy{AutomaticSubscription: &no, AllowDiscovery: &no,
			Exceptions: json.RawMessage(`{"operator":"or","conditions":[{"type":"groups","group":{"name":"a"}},{"type":"authorizations","authorization":{"auth":"Dept","value":"HR"}}]}`)},
			[]string{"Subscribing needs approval", "except: members of group a or users with attribute Dept=HR",
				"Hidden from users without access"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := policyWords(&c.p)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}

	// The seed's list hit with exceptions, drawn in the view.
	api := seeded(t)
	var hit apiclient.DataSource
	if err := json.Unmarshal([]byte(`{"name":"Public Aaa Tpc","id":39,"subscriptionPolicy":{"type":"subscription",
		"exceptions":{"operator":"and","conditions":[{"type":"groups","group":{"name":"alpha"}}]},
		"allowDiscovery":true,"automaticSubscription":true},"subscriptionType":"policy","status":"passed"}`), &hit); err != nil {
		t.Fatal(err)
	}
	api.sources[39] = &hit
	m, _ := open(t, api, 39, "Public Aaa Tpc", 100, 60)
	mustContain(t, m.View(),
		"Policy            Anyone can subscribe; access is granted automatically",
		"                  except: members of group alpha",
		"                  Users without access can still discover it")
}

func TestStatusChecksFailed(t *testing.T) {
	api := seeded(t)
	src := *api.sources[22]
	src.Status = "failed"
	src.StatusInfo = map[string]apiclient.StatusCheck{
		"sql":   {Status: "failed", Message: "Connection refused", LastAttempted: "2025-10-15T09:00:00Z"},
		"stats": {Status: "pending"},
	}
	api.sources[22] = &src
	m, _ := open(t, api, 22, "Public Barfoo", 100, 60)
	mustContain(t, m.View(),
		"sql               ✗ failed · Connection refused · last attempted 2025-10-15 09:00 (3h ago)",
		"stats             • pending",
	)
}

func TestLineageSelectionOpensSource(t *testing.T) {
	api := seeded(t)
	api.lineage[apiclient.LineageChildren] = []apiclient.LineageEntry{
		{DataSourceID: 77, DataSourceName: "Child One", ProjectName: "P"},
		{DataSourceID: 78, DataSourceName: "Child Two"},
	}
	m, _ := open(t, api, 26, "Dbo Customer Data", 100, 12)

	if hasHelp(m, "open source") {
		t.Error("open is offered before an entry is selectable")
	}
	if !hasHelp(m, "select lineage") {
		t.Error("tab to select lineage not offered")
	}
	// enter does nothing while the page has the focus.
	if msgs := press(t, m, "enter"); len(msgs) != 0 {
		t.Fatalf("enter on the page emitted %v", msgs)
	}

	press(t, m, "tab")
	v := m.View()
	viewtest.CheckBounds(t, v, 100, 12)
	mustContain(t, v, "  ▸ Public Healthcare Data") // the cursor is scrolled into view
	if !hasHelp(m, "open source") {
		t.Error("open not offered while an entry is selected")
	}
	msgs := press(t, m, "enter")
	want := views.OpenSourceMsg{ID: 3, Name: "Public Healthcare Data"}
	if len(msgs) != 1 || msgs[0] != want {
		t.Fatalf("enter emitted %v, want %v", msgs, want)
	}

	// Down crosses from the parents into the children.
	press(t, m, "j", "down")
	mustContain(t, m.View(), "  ▸ Child Two")
	msgs = press(t, m, "enter")
	if len(msgs) != 1 || msgs[0] != (views.OpenSourceMsg{ID: 78, Name: "Child Two"}) {
		t.Fatalf("enter emitted %v", msgs)
	}
	press(t, m, "down") // stays on the last entry
	press(t, m, "k")
	msgs = press(t, m, "enter")
	if len(msgs) != 1 || msgs[0] != (views.OpenSourceMsg{ID: 77, Name: "Child One"}) {
		t.Fatalf("enter emitted %v", msgs)
	}

	// esc goes back (the root pops the view), as the footer's "esc back"
	// says: Back does not keep it. tab leaves the list.
	if _, ok := m.Back(); ok {
		t.Fatal("esc in the lineage list was kept by the view: it should go back")
	}
	press(t, m, "tab")
	if strings.Contains(m.View(), "▸") {
		t.Error("cursor still drawn after tab left the list")
	}
	if _, ok := m.Back(); ok {
		t.Error("Back consumed esc with nothing to leave")
	}
	if msgs := press(t, m, "enter"); len(msgs) != 0 {
		t.Errorf("enter after leaving the list emitted %v", msgs)
	}
}

func TestNoLineageNoSelection(t *testing.T) {
	api := seeded(t)
	api.lineage = nil
	m, _ := open(t, api, 22, "Public Barfoo", 100, 40)
	press(t, m, "tab")
	if strings.Contains(m.View(), "▸") || hasHelp(m, "select lineage") || hasHelp(m, "open source") {
		t.Error("lineage selectable without entries")
	}
	mustContain(t, m.View(), "Parents", "Children")
	// Parents, children, and the tags (22 has none).
	if n := strings.Count(m.View(), "none"); n != 3 {
		t.Errorf(`"none" shown %d times, want 3`, n)
	}
}

func TestLineageErrorInline(t *testing.T) {
	api := seeded(t)
	api.linErr = map[apiclient.LineageType]error{
		apiclient.LineageChildren: &apiclient.APIError{StatusCode: 500, Message: "boom"},
	}
	m, msgs := open(t, api, 26, "Dbo Customer Data", 100, 200)
	if len(msgs) != 0 {
		t.Errorf("a lineage error went to the status line: %v", msgs)
	}
	mustContain(t, m.View(), "Public Healthcare Data", "✗ could not load children: the server failed (500): boom",
		"Rows              1,000")
}

func hasHelp(m *Model, desc string) bool {
	for _, b := range m.ShortHelp() {
		if b.Enabled() && b.Help().Desc == desc {
			return true
		}
	}
	return false
}

func TestRawJSONShowsEveryField(t *testing.T) {
	api := seeded(t)
	m, _ := open(t, api, 26, "Dbo Customer Data", 100, 500)
	press(t, m, "J")
	v := m.View()
	viewtest.CheckBounds(t, v, 100, 500)
	var top map[string]json.RawMessage
	if err := json.Unmarshal(api.sources[26].Raw, &top); err != nil {
		t.Fatal(err)
	}
	for k := range top {
		if !strings.Contains(v, `"`+k+`":`) {
			t.Errorf("raw JSON lacks %q", k)
		}
	}
	mustContain(t, v, "raw JSON", `  "policyHandler": {`, `    "handlerId": 55,`, `"seeded": false`, `"filterId": null`)
	if !hasHelp(m, "overview") {
		t.Error("J is not offered to go back to the overview")
	}
	// esc leaves the raw view first; J toggles back too.
	if _, ok := m.Back(); !ok || strings.Contains(m.View(), `"seeded"`) {
		t.Error("Back did not leave the raw JSON view")
	}
	press(t, m, "J", "J")
	if strings.Contains(m.View(), `"seeded"`) {
		t.Error("J did not toggle the raw JSON view off")
	}
}

func TestStaleGenerationDropped(t *testing.T) {
	api := seeded(t)
	m := New(testContext(api), 26, "Dbo Customer Data")
	m.SetSize(100, 60)
	first := viewtest.Replies(m.Init())
	api.mu.Lock()
	fresh := *api.sources[26]
	fresh.Name = "Fresh Name"
	api.sources[26] = &fresh
	api.mu.Unlock()
	second := viewtest.Replies(m.key(viewtest.KeyMsg("r")))

	feed(t, m, first...) // the first load's answers arrive late: dropped
	if strings.Contains(m.View(), "Rows") || strings.Contains(m.View(), "Public Healthcare Data") {
		t.Fatalf("a stale answer was shown:\n%s", m.View())
	}
	mustContain(t, m.View(), "Loading Dbo Customer Data…")
	feed(t, m, second...)
	mustContain(t, m.View(), "Fresh Name", "Rows")
	feed(t, m, first...)
	if !strings.HasPrefix(m.View(), "Fresh Name") {
		t.Fatalf("a stale answer replaced a fresh one:\n%s", m.View())
	}

	// An answer for another source (another detail view) is ignored.
	other := sourceMsg{id: 22, src: api.sources[22]}
	feed(t, m, other)
	if strings.Contains(m.View(), "Public Barfoo") {
		t.Fatal("another source's answer was shown")
	}
}

func TestRefreshKeepsScroll(t *testing.T) {
	api := seeded(t)
	m, _ := open(t, api, 26, "Dbo Customer Data", 100, 10)
	press(t, m, "j", "j", "j", "j", "j")
	if m.off[0] != 5 {
		t.Fatalf("offset %d after 5 lines down", m.off[0])
	}
	before := m.View()
	cmd := m.key(viewtest.KeyMsg("r"))
	mustContain(t, m.View(), "refreshing…")
	feed(t, m, viewtest.CollectAll(cmd)...)
	if m.off[0] != 5 {
		t.Errorf("refresh moved the page to offset %d", m.off[0])
	}
	if after := m.View(); after != before {
		t.Errorf("refresh changed the page:\n%s\n---\n%s", before, after)
	}
	if api.gets != 2 {
		t.Errorf("%d GETs, want 2", api.gets)
	}
}

func TestNotFound(t *testing.T) {
	api := seeded(t)
	m, msgs := open(t, api, 123, "Gone Source", 80, 20)
	mustContain(t, m.View(), "Data source 123 no longer exists")
	// The error, and SourceRemovedMsg: the list drops the row at once.
	if len(msgs) != 2 {
		t.Fatalf("messages %v, want an ErrorMsg and a SourceRemovedMsg", msgs)
	}
	em, ok := msgs[0].(views.ErrorMsg)
	if !ok || !errors.Is(em.Err, apiclient.ErrNotFound) || em.What != "loading Gone Source" {
		t.Fatalf("got %#v", msgs[0])
	}
	if rm, ok := msgs[1].(views.SourceRemovedMsg); !ok || rm.ID != 123 {
		t.Fatalf("got %#v, want SourceRemovedMsg{123}", msgs[1])
	}
	if hasHelp(m, "access users") {
		t.Error("access offered for a source that does not exist")
	}
	if msgs := press(t, m, "a", "v"); len(msgs) != 0 {
		t.Errorf("a/v on a missing source emitted %v", msgs)
	}

	// A source that vanishes on refresh keeps its page under a notice.
	m, _ = open(t, api, 26, "Dbo Customer Data", 80, 20)
	delete(api.sources, 26)
	feed(t, m, viewtest.CollectAll(m.key(viewtest.KeyMsg("r")))...)
	mustContain(t, m.View(), "Data source 26 no longer exists", "Overview")
}

func TestServerError(t *testing.T) {
	api := seeded(t)
	api.getErr = &apiclient.APIError{StatusCode: 403, Message: "no"}
	m, msgs := open(t, api, 26, "Dbo Customer Data", 80, 20)
	mustContain(t, m.View(), "Could not load Dbo Customer Data", "permission denied (403): no", "Press r to retry.")
	if len(msgs) != 1 {
		t.Fatalf("messages %v", msgs)
	}
	if _, ok := msgs[0].(views.ErrorMsg); !ok {
		t.Fatalf("got %#v", msgs[0])
	}
	if !hasHelp(m, "retry") {
		t.Error("retry not offered")
	}
	api.getErr = nil
	feed(t, m, viewtest.CollectAll(m.key(viewtest.KeyMsg("r")))...)
	mustContain(t, m.View(), "Rows")
}

func TestChangedAndRemoved(t *testing.T) {
	api := seeded(t)
	m, _ := open(t, api, 26, "Dbo Customer Data", 100, 200)

	// A list hit for this source: its fields replace the shown ones, and
	// the detail-only fields stay.
	var hit apiclient.DataSource
	if err := json.Unmarshal([]byte(`{"id":26,"name":"Dbo Customer Data","subscriptionStatus":"subscribed","deleted":true}`), &hit); err != nil {
		t.Fatal(err)
	}
	feed(t, m, views.SourceChangedMsg{Source: hit})
	mustContain(t, m.View(), "DISABLED", "You               subscribed", "Rows              1,000")

	// A change to another source only touches its lineage entry.
	feed(t, m, views.SourceChangedMsg{Source: apiclient.DataSource{ID: 3, Name: "Renamed Parent"}})
	mustContain(t, m.View(), "Renamed Parent  #3")
	feed(t, m, views.SourceChangedMsg{Source: apiclient.DataSource{ID: 999, Name: "Unrelated"}})
	if strings.Contains(m.View(), "Unrelated") {
		t.Error("an unrelated change was shown")
	}

	feed(t, m, views.SourceRemovedMsg{ID: 26})
	mustContain(t, m.View(), "DELETED", "This data source has been deleted.")
	feed(t, m, views.SourceRemovedMsg{ID: 3})
	mustContain(t, m.View(), "created 2022-08-17 13:41 (3y ago) · deleted")
}

func TestAccessAndVisibilityKeys(t *testing.T) {
	m, _ := open(t, seeded(t), 26, "Dbo Customer Data", 100, 30)
	if msgs := press(t, m, "a"); len(msgs) != 1 || msgs[0] != (views.OpenAccessMsg{ID: 26, Name: "Dbo Customer Data"}) {
		t.Errorf("a emitted %v", msgs)
	}
	if msgs := press(t, m, "v"); len(msgs) != 1 || msgs[0] != (views.OpenMyVisibilityMsg{ID: 26, Name: "Dbo Customer Data"}) {
		t.Errorf("v emitted %v", msgs)
	}
}

func TestScrollKeysAndMouse(t *testing.T) {
	m, _ := open(t, seeded(t), 26, "Dbo Customer Data", 100, 10)
	body := m.bodyHeight()
	last := len(m.lines) - body
	steps := []struct {
		msg  tea.Msg
		want int
	}{
		{viewtest.KeyMsg("j"), 1},
		{tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress}, 4},
		{tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress}, 1},
		{viewtest.KeyMsg("pgdown"), 1 + body},
		{viewtest.KeyMsg("G"), last},
		{viewtest.KeyMsg("j"), last},
		{viewtest.KeyMsg("g"), 0},
		{viewtest.KeyMsg("k"), 0},
	}
	for i, s := range steps {
		feed(t, m, s.msg)
		if m.off[0] != s.want {
			t.Fatalf("step %d (%v): offset %d, want %d", i, s.msg, m.off[0], s.want)
		}
		viewtest.CheckBounds(t, m.View(), 100, 10)
	}
	mustContain(t, m.View(), fmt.Sprintf("1–%d of %d", body, len(m.lines)))
	press(t, m, "G")
	mustContain(t, m.View(), fmt.Sprintf("%d–%d of %d", last+1, len(m.lines), len(m.lines)))
}

func TestHostileStringsSanitized(t *testing.T) {
	evil := "Ev\x1b[2J\x1b]0;pwn\x07il\u202egnp.exe\u2066\x9b31m"
	var src apiclient.DataSource
	raw, _ := json.Marshal(map[string]any{
		"id": 5, "name": evil, "description": evil + "\nline two", "status": evil,
		"blobHandlerType": evil, "connectionString": evil, "sqlSchemaName": evil, "sqlTableName": evil,
		"documentation": "# " + evil + "\n\n" + evil, "tags": []any{evil, map[string]string{"name": evil}},
		"catalogMetadata": map[string]string{evil: evil}, "createdAt": evil, "createdBy": evil,
		"subscriptionStatus": evil, "subscriptionType": evil, "policyHandlerType": evil,
		"subscriptionPolicy": map[string]any{"type": evil, "automaticSubscription": true,
			"exceptions": map[string]any{"conditions": []any{map[string]any{"type": "groups", "group": map[string]string{"name": evil}}}}},
		"statusInfo":  map[string]any{evil: map[string]string{"status": evil, "message": evil}},
		"blobHandler": map[string]string{"url": evil},
	})
	if err := json.Unmarshal(raw, &src); err != nil {
		t.Fatal(err)
	}
	api := &fakeAPI{
		sources: map[int64]*apiclient.DataSource{5: &src},
		lineage: map[apiclient.LineageType][]apiclient.LineageEntry{
			apiclient.LineageParents: {{DataSourceID: 6, DataSourceName: evil, ProjectName: evil}},
		},
		linErr: map[apiclient.LineageType]error{apiclient.LineageChildren: errors.New(evil)},
	}
	m, _ := open(t, api, 5, evil, 100, 300)
	check := func(what string) {
		t.Helper()
		v := m.View()
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u2066", "\u009b"} {
			if strings.Contains(v, bad) {
				t.Errorf("%s: %q reached the screen", what, bad)
			}
		}
		if strings.Contains(m.Title(), "\x1b") {
			t.Errorf("%s: title not sanitized", what)
		}
		viewtest.CheckBounds(t, v, 100, 300)
	}
	mustContain(t, m.View(), "Ev␛[2J␛]0;pwn␇il")
	check("page")
	press(t, m, "tab")
	check("lineage focus")
	press(t, m, "J")
	check("raw JSON")

	// Still safe before the source loads, and in errors.
	m = New(testContext(&fakeAPI{getErr: errors.New(evil)}), 5, evil)
	m.SetSize(100, 300)
	check("loading")
	feed(t, m, viewtest.CollectAll(m.Init())...)
	check("error")
}

func TestSmallSizesStayInBounds(t *testing.T) {
	api := seeded(t)
	api.lineage[apiclient.LineageChildren] = []apiclient.LineageEntry{
		{DataSourceID: 9, DataSourceName: "数据源 🚀 emoji 名前 ✓ wide wide wide", ProjectName: "项目 🚀"},
	}
	wide := *api.sources[26]
	wide.Name = "数据源 🚀 宽字符 Customer Data 🚀🚀"
	wide.Description = "描述 🚀 with wide characters 数据 and a rather long sentence that has to wrap 数据源数据源数据源"
	api.sources[26] = &wide
	sizes := [][2]int{{30, 10}, {30, 3}, {30, 1}, {1, 1}, {2, 2}, {3, 40}, {0, 0}, {0, 5}, {5, 0}, {100, 1}, {100, 2}, {12, 6}, {40, 8}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		m, _ := open(t, api, 26, wide.Name, w, h)
		viewtest.CheckBounds(t, m.View(), w, h)
		for _, k := range []string{"G", "tab", "j", "j", "G", "enter", "pgdown", "J", "G", "pgup", "J", "g"} {
			press(t, m, k)
			viewtest.CheckBounds(t, m.View(), w, h)
		}
		m.SetSize(w+7, h+3) // resize keeps bounds too
		viewtest.CheckBounds(t, m.View(), w+7, h+3)
		m.SetSize(w, h)
		viewtest.CheckBounds(t, m.View(), w, h)
		_ = m.ShortHelp()
		_ = m.FullHelp()
	}

	// At 30 columns the labels sit above their values.
	m, _ := open(t, api, 26, wide.Name, 30, 200)
	v := m.View()
	viewtest.CheckBounds(t, v, 30, 200)
	mustContain(t, v, "  Rows\n    1,000")

	// The loading and error pages fit too.
	m = New(testContext(&fakeAPI{block: true}), 26, wide.Name)
	m.SetSize(30, 2)
	_ = m.Init()
	viewtest.CheckBounds(t, m.View(), 30, 2)
	m.Close()
}

func TestCloseCancelsRequests(t *testing.T) {
	api := seeded(t)
	api.block = true
	m := New(testContext(api), 26, "Dbo Customer Data")
	m.SetSize(80, 20)
	cmd := m.Init()
	done := make(chan []tea.Msg)
	go func() { done <- viewtest.CollectAll(cmd) }()
	m.Close()
	var msgs []tea.Msg
	select {
	case msgs = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("requests were not cancelled by Close")
	}
	if len(msgs) != 4 { // the source, its lineage both ways, its tags
		t.Fatalf("got %d results, want 4", len(msgs))
	}
	if out := feed(t, m, msgs...); len(out) != 0 {
		t.Errorf("a cancelled request reported %v", out)
	}
	if m.Init() != nil {
		t.Error("a closed view started requests")
	}
}

func TestWrappedResultsAccepted(t *testing.T) {
	api := seeded(t)
	m := New(testContext(api), 26, "Dbo Customer Data")
	m.SetSize(100, 40)
	for _, msg := range viewtest.CollectAll(m.Init()) {
		feed(t, m, views.RequestDoneMsg{Label: "x", Msg: msg})
	}
	mustContain(t, m.View(), "Rows              1,000")
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := format.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
	now := fixedNow
	for d, want := range map[time.Duration]string{
		10 * time.Second: "just now", 5 * time.Minute: "5m ago", 3 * time.Hour: "3h ago",
		49 * time.Hour: "2d ago", 70 * 24 * time.Hour: "2mo ago", 800 * 24 * time.Hour: "2y ago",
		-3 * time.Hour: "in 3h",
	} {
		if got := format.Ago(now.Add(-d), now); got != want {
			t.Errorf("Ago(-%v) = %q, want %q", d, got, want)
		}
	}
	if got := format.When("not a date", now); got != "not a date" {
		t.Errorf("When kept %q", got)
	}
	if got := humanize("highCardinality"); got != "high cardinality" {
		t.Errorf("humanize = %q", got)
	}
	if got := format.JSONText(json.RawMessage(`{"a": [1, 2]}`)); got != `{"a":[1,2]}` {
		t.Errorf("JSONText = %q", got)
	}
	if got := format.JSONText(json.RawMessage(`"text"`)); got != "text" {
		t.Errorf("JSONText string = %q", got)
	}
}

func TestNarrowHeaderKeepsStatus(t *testing.T) {
	api := seeded(t)
	src := *api.sources[26]
	src.Name = "A very long data source name 数据源 🚀 that cannot fit"
	src.Deleted = true
	api.sources[26] = &src
	for _, w := range []int{20, 30, 45, 80} {
		m, _ := open(t, api, 26, src.Name, w, 10)
		head := strings.SplitN(m.View(), "\n", 2)[0]
		if !strings.Contains(head, "DISABLED") || lipgloss.Width(head) > w {
			t.Errorf("width %d: header %q", w, head)
		}
	}
}
