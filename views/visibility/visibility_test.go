package visibility

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/reportpage"
	"github.com/dsbrowse/dsbrowse/views/styles"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var fixedNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func testCtx(api views.API) *views.Session { return viewtest.ContextAt(api, fixedNow) }

func seedReport(t *testing.T) apiclient.VisibilityReport {
	t.Helper()
	var r apiclient.VisibilityReport
	viewtest.Seed(t, "my_visibility_report.json", &r)
	return r
}

func report(t *testing.T, js string) apiclient.VisibilityReport {
	t.Helper()
	var r apiclient.VisibilityReport
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

var st = styles.New(styles.Default)

func TestRenderSeedPolicies(t *testing.T) {
	out := Render(st, seedReport(t), 100, fixedNow)
	for _, want := range []string{
		"Web Sales  data source #16",
		"You can see 0 of 0 visibility values",
		"No visibility values apply",
		"Masked columns (2)",
		"WS_SOLD_DATE_SK      Consistent Value",
		"WS_BILL_CUSTOMER_SK  Consistent Value",
		"Additional filters\n  none",
		"Masked joins\n  not allowed",
		"Policies (2)",
		"● Data Policy  (global #9, tag Confidential, by jane, 1y ago)",
		"    masking · Consistent Value on WS_BILL_CUSTOMER_SK · applies to you",
		"    masking · Consistent Value on WS_SOLD_DATE_SK · applies to you",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "ACTION") {
		t.Error("an action column with no actions")
	}
}

func TestRenderRowLevelExceptionsAndNotApplying(t *testing.T) {
	set := []map[string]any{
		{"type": "rowLevel", "global": map[string]any{"id": 3, "name": "Regions", "createdByName": "Bo"},
			"rules": []map[string]any{{
				"type": "where", "config": map[string]any{"predicate": "region = @attribute('Region')"},
				"exceptions": map[string]any{"operator": "or", "conditions": []any{
					map[string]any{"type": "groups", "group": map[string]any{"name": "Admins"}},
					map[string]any{"type": "authorizations", "authorization": map[string]any{"auth": "Dept", "value": "HR"}},
					map[string]any{"type": "purposes", "purposes": []any{"Audit", map[string]any{"name": "Fraud"}}},
				}},
				"ruleAppliedForUser": false,
			}}},
		{"type": "masking", "description": "Hash emails", "rules": []map[string]any{{
			"type": "masking", "config": map[string]any{"fields": []string{"EMAIL", "ALT_EMAIL"},
				"maskingConfig": map[string]any{"type": "Constant", "metadata": map[string]any{"constant": "***"}}},
			"ruleAppliedForUser": true,
		}}},
	}
	b, _ := json.Marshal(set)
	s, _ := json.Marshal(string(b))
	r := report(t, `{"dataSource":7,"dataSourceName":"HR","noVisibilities":false,"dataSourceVisibilitiesCount":5,
		"userVisibilitiesCount":2,"masked":[],"additionalFilters":{"country":"US","n":[1,2]},"allowMaskedJoins":true,
		"policySet":`+string(s)+`}`)
	out := Render(st, r, 200, fixedNow)
	for _, want := range []string{
		"You can see 2 of 5 visibility values",
		"Rows with the other 3 values are hidden from you",
		"no columns are masked for you",
		"country: US", "n: [1,2]",
		"allowed: masked columns can be used",
		"● Regions  (global #3, by Bo)",
		"where · where region = @attribute('Region') · does not apply to you",
		"except members of group Admins or users with attribute Dept = HR or users acting under purpose Audit, Fraud",
		"● Hash emails  (local)",
		"masking · Constant (constant: ***) on EMAIL, ALT_EMAIL · applies to you",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	// The policy array itself (not in a string) is read too.
	r2 := report(t, `{"policySet":`+string(b)+`}`)
	if out := Render(st, r2, 200, fixedNow); !strings.Contains(out, "Policies (2)") {
		t.Errorf("array policySet:\n%s", out)
	}
	// Another user's report names them.
	if out := RenderFor(st, r, 200, fixedNow, "Ann"); !strings.Contains(out, "Ann can see 2 of 5") || !strings.Contains(out, "applies to Ann") {
		t.Errorf("RenderFor:\n%s", out)
	}
}

func TestRenderGarbagePolicySet(t *testing.T) {
	for _, set := range []string{`"not json at all \u001b[2J"`, `"{\"type\":\"masking\"}"`, `"[{\"rules\":"`, `12`, `{"a":1}`} {
		r := report(t, `{"dataSourceName":"X","policySet":`+set+`}`)
		var out string
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("%s: panic %v", set, p)
				}
			}()
			out = Render(st, r, 60, fixedNow)
		}()
		if !strings.Contains(out, "policySet could not be read: ") {
			t.Errorf("%s:\n%s", set, out)
		}
		if strings.ContainsRune(out, '\x1b') {
			t.Errorf("%s: escape reached the screen: %q", set, out)
		}
	}
	out := Render(st, report(t, `{"policySet":"[1,{\"type\":\"masking\"}]"}`), 60, fixedNow)
	if !strings.Contains(out, "● entry 1 is not a policy: 1") || !strings.Contains(out, "● masking policy  (local)") {
		t.Errorf("entries that are not policies:\n%s", out)
	}
	out = Render(st, report(t, `{"policySet":"not json at all"}`), 60, fixedNow)
	if !strings.Contains(out, "  not json at all") {
		t.Errorf("raw string not shown:\n%s", out)
	}
	for _, empty := range []string{`""`, `null`, `"[]"`} {
		out := Render(st, report(t, `{"policySet":`+empty+`}`), 60, fixedNow)
		if !strings.Contains(out, "Policies (0)") {
			t.Errorf("%s:\n%s", empty, out)
		}
	}
}

func TestRenderBounds(t *testing.T) {
	r := seedReport(t)
	for _, w := range []int{-1, 0, 1, 2, 3, 5, 10, 30, 45} {
		out := Render(st, r, w, fixedNow)
		for _, l := range strings.Split(out, "\n") {
			if lw := ansi.StringWidth(l); lw > max(w, 1) {
				t.Fatalf("width %d: line %q is %d wide", w, l, lw)
			}
		}
	}
	out := Render(st, r, 30, fixedNow)
	if !strings.Contains(out, "WS_BILL_CUSTOMER_SK") || !strings.Contains(out, "Policies (2)") {
		t.Errorf("30 columns:\n%s", out)
	}
}

func TestRenderHostile(t *testing.T) {
	r := report(t, `{"dataSourceName":"A\u001b[2J\u202eB","masked":[{"name":"C\u0007","type":"\u009b31m"}],
		"additionalFilters":{"k\u001b":"v\u001b"},
		"policySet":"[{\"type\":\"x\\u001b\",\"global\":{\"name\":\"P\\u001b]0;t\\u0007\",\"tag\":\"\\u001b\"},\"rules\":[{\"type\":\"where\",\"config\":{\"predicate\":\"\\u001b[1m\",\"fields\":[\"F\\u001b\"]},\"exceptions\":{\"conditions\":[{\"type\":\"groups\",\"group\":{\"name\":\"G\\u001b\"}}]}}]}]"}`)
	out := Render(st, r, 80, fixedNow)
	if strings.ContainsAny(out, "\x1b\a\u202e\u009b") || !utf8.ValidString(out) {
		t.Fatalf("control characters reached the screen: %q", out)
	}
	if !strings.Contains(out, "A␛[2JB") || !strings.Contains(out, "members of group G␛") {
		t.Errorf("not shown visibly:\n%s", out)
	}
}

// fakeAPI answers MyVisibilityReport only.
type fakeAPI struct {
	viewtest.Unimplemented
	mu    sync.Mutex
	calls int
	next  func(n int) (*apiclient.VisibilityReport, error)
}

func (f *fakeAPI) MyVisibilityReport(context.Context, int64) (*apiclient.VisibilityReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.next(f.calls)
}

func deliver(m *Model, cmd tea.Cmd) []tea.Msg {
	var root []tea.Msg
	for _, msg := range viewtest.CollectAll(cmd) {
		if _, ok := msg.(reportpage.Answer); ok {
			_, next := m.Update(msg)
			root = append(root, viewtest.CollectAll(next)...)
			continue
		}
		root = append(root, msg)
	}
	return root
}

func press(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestModelLoadsScrollsAndShowsRaw(t *testing.T) {
	r := seedReport(t)
	m := New(testCtx(&fakeAPI{next: func(int) (*apiclient.VisibilityReport, error) { return &r, nil }}), 16, "Web Sales")
	m.SetSize(80, 10)
	if m.Title() != "My visibility" {
		t.Errorf("title %q", m.Title())
	}
	cmd := m.Init()
	if out := m.View(); !strings.Contains(out, "Loading your visibility report for Web Sales") {
		t.Errorf("loading:\n%s", out)
	}
	deliver(m, cmd)
	top := m.View()
	if !strings.Contains(top, "You can see 0 of 0") {
		t.Fatalf("loaded:\n%s", top)
	}
	m.Update(press("j"))
	if m.View() == top {
		t.Error("j did not scroll")
	}
	m.Update(press("G"))
	if !strings.Contains(m.View(), "applies to you") {
		t.Errorf("bottom:\n%s", m.View())
	}
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	m.Update(press("g"))
	if m.View() != top {
		t.Error("g did not go back to the top")
	}
	var descs []string
	for _, b := range m.ShortHelp() {
		descs = append(descs, b.Help().Desc)
	}
	if strings.Join(descs, ",") != "up,down,page down,raw JSON,refresh" {
		t.Errorf("help %v", descs)
	}

	m.Update(press("J"))
	m.SetSize(80, 200)
	raw := m.View()
	for _, want := range []string{"Raw JSON", `  "noVisibilities": true,`, `  "dataSource": 16,`, `"policySet": "[{\"type\":\"masking\"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("raw: missing %q in\n%s", want, raw)
		}
	}
	if m.ShortHelp()[0].Help().Desc != "readable view" {
		t.Errorf("raw help %v", m.ShortHelp()[0].Help())
	}
	m.Update(press("J"))
	if !strings.Contains(m.View(), "Policies (2)") {
		t.Error("J did not come back")
	}
	for _, w := range []int{0, 1, 2, 7, 30} {
		for _, h := range []int{0, 1, 2, 3, 30} {
			m.SetSize(w, h)
			out := m.View()
			if out == "" {
				continue
			}
			lines := strings.Split(out, "\n")
			if len(lines) > h {
				t.Errorf("%dx%d: %d lines", w, h, len(lines))
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Errorf("%dx%d: %q", w, h, l)
				}
			}
		}
	}
}

func TestModelStaleAndErrors(t *testing.T) {
	r := seedReport(t)
	boom := &apiclient.APIError{StatusCode: 404, Message: "Not Found"}
	api := &fakeAPI{next: func(n int) (*apiclient.VisibilityReport, error) {
		switch n {
		case 1:
			return &apiclient.VisibilityReport{DataSourceName: "STALE"}, nil
		case 2:
			return nil, boom
		}
		return &r, nil
	}}
	m := New(testCtx(api), 16, "Web Sales")
	m.SetSize(80, 30)
	// The first load's answer comes after the refresh started: the root
	// (and viewtest, as the root does) drops it.
	first := m.Init()
	_, cmd := m.Update(press("r"))
	if old := deliver(m, first); len(old) != 0 || api.calls != 1 {
		t.Fatalf("stale load: %d calls, %#v", api.calls, old)
	}
	if strings.Contains(m.View(), "STALE") {
		t.Fatal("stale report shown")
	}
	msgs := deliver(m, cmd)
	if len(msgs) != 1 {
		t.Fatalf("messages %#v", msgs)
	}
	if e, ok := msgs[0].(views.ErrorMsg); !ok || e.What != "loading my visibility report" || !errors.Is(e.Err, boom) {
		t.Fatalf("got %#v", msgs[0])
	}
	if out := m.View(); !strings.Contains(out, "not found (404)") || !strings.Contains(out, "Press r to try again") {
		t.Fatalf("error:\n%s", out)
	}
	_, cmd = m.Update(press("r"))
	deliver(m, cmd)
	if out := m.View(); strings.Contains(out, "not found") || !strings.Contains(out, "Web Sales") {
		t.Fatalf("retry:\n%s", out)
	}
	m.Close()
	_, cmd = m.Update(press("r"))
	if msgs := deliver(m, cmd); len(msgs) != 0 {
		t.Errorf("closed view reported %#v", msgs)
	}
}

func TestGoldenMyVisibility(t *testing.T) {
	r := seedReport(t)
	m := New(testCtx(&fakeAPI{next: func(int) (*apiclient.VisibilityReport, error) { return &r, nil }}), 16, "Web Sales")
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m}, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Policies (2)") },
		teatest.WithDuration(5*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}

// A source with visibility values and a user holding none of them: the
// report must not say no rows are hidden while the verdict above says
// every row is (seen on --demo: Support Returns Curated, Lina Thomas).
func TestRenderNoVisibilitiesOnASourceWithValuesHidesEveryRow(t *testing.T) {
	r := apiclient.VisibilityReport{DataSource: 161, DataSourceName: "Support Returns Curated",
		NoVisibilities: true, UserVisibilitiesCount: 0, DataSourceVisibilitiesCount: 4}
	out := ansi.Strip(RenderFor(st, r, 100, fixedNow, "Lina Thomas"))
	if strings.Contains(out, "no rows are hidden") {
		t.Errorf("says no rows are hidden for a user with none of 4 values:\n%s", out)
	}
	if !strings.Contains(out, "Every row is hidden from Lina Thomas") {
		t.Errorf("does not say every row is hidden:\n%s", out)
	}
	if v := Judge([]apiclient.VisibilityReport{r}, "Lina Thomas"); v.CanSee {
		t.Error("verdict: can see")
	}
}

// The parts the access user page uses: RenderRest leaves out what that
// page shows above the report, and Deny turns a verdict without touching
// the one it came from.
func TestRenderRestAndDeny(t *testing.T) {
	r := seedReport(t)
	rest := RenderRest(st, r, 100, fixedNow, "Ann")
	for _, gone := range []string{"Masked columns", "Row filter"} {
		if strings.Contains(rest, gone) {
			t.Errorf("RenderRest shows %q:\n%s", gone, rest)
		}
	}
	if !strings.Contains(rest, "Ann can see 0 of 0") || !strings.Contains(rest, "Policies (2)") {
		t.Errorf("RenderRest:\n%s", rest)
	}
	v := Judge([]apiclient.VisibilityReport{r}, "Ann")
	d := v.Deny("Ann's access is pending").Deny("Ann's access is pending")
	if !v.CanSee || len(v.Why) != 0 || d.CanSee || len(d.Why) != 1 {
		t.Errorf("deny: %+v from %+v", d, v)
	}
}

// Exception conditions of a kind the page does not know are shown as
// their JSON, never dropped.
func TestRenderUnknownConditions(t *testing.T) {
	set := []map[string]any{{"type": "rowLevel", "rules": []map[string]any{{
		"type": "where", "config": map[string]any{"predicate": "a = 1"},
		"exceptions": map[string]any{"conditions": []any{
			map[string]any{"type": "time", "after": "2024"}, map[string]any{"x": 1}, 5,
		}},
	}}}}
	b, _ := json.Marshal(set)
	out := Render(st, report(t, `{"policySet":`+string(b)+`}`), 200, fixedNow)
	if !strings.Contains(out, `except time {"after":"2024","type":"time"} or {"x":1} or 5`) {
		t.Errorf("unknown conditions:\n%s", out)
	}
}

// A server that answers nothing at all (no error, no report) gives an
// empty report, not a page stuck loading.
func TestModelEmptyAnswer(t *testing.T) {
	m := New(testCtx(&fakeAPI{next: func(int) (*apiclient.VisibilityReport, error) { return nil, nil }}), 16, "Web Sales")
	m.SetSize(80, 30)
	deliver(m, m.Init())
	if out := m.View(); !strings.Contains(out, "CAN SEE") || !strings.Contains(out, "data source #0") {
		t.Errorf("empty answer:\n%s", out)
	}
}
