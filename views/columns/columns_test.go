package columns_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/columns"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

const dictJSON = `{"id":5026,"dataSource":26,"types":["integer","text"],"metadata":[
 {"name":"CUSTOMER_ID","dataType":"integer","remoteType":"NUMBER(38,0)","nullable":false,"isPrimaryKey":true,"description":"Customer key","tags":[]},
 {"name":"FIRST_NAME","dataType":"text","remoteType":"VARCHAR(16777216)","nullable":true,"description":"Given name","tags":[{"name":"PII.Name"},{"name":"PII"}]},
 {"name":"EMAIL","dataType":"text","remoteType":"VARCHAR(16777216)","description":"Work or personal email address","tags":[{"name":"PII.Email"},{"name":"PII"}]},
 {"name":"REGION","dataType":"text","remoteType":"VARCHAR(16777216)","nullable":true,"description":"Sales region","tags":[{"name":"Region"}]},
 {"name":"EVIL\u001b[31m","dataType":"text","description":"red\u001b[0m"}
]}`

func dict(t testing.TB) *apiclient.Dictionary {
	t.Helper()
	var d apiclient.Dictionary
	if err := json.Unmarshal([]byte(dictJSON), &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func fake(t testing.TB) *viewtest.FakeAPI {
	return &viewtest.FakeAPI{DictionaryFn: func(id int64) (*apiclient.Dictionary, error) {
		if id != 26 {
			return nil, &apiclient.APIError{StatusCode: 404, Method: "GET", Path: "/dictionary/x", Message: "not found"}
		}
		return dict(t), nil
	}}
}

func open(t *testing.T, api views.API, id int64, w, h int) (*viewtest.Driver, *columns.Model) {
	t.Helper()
	m := columns.New(viewtest.Context(api), id, "Dbo Customer Data")
	return viewtest.New(t, m, w, h), m
}

func TestColumnsShowsTheDictionary(t *testing.T) {
	d, m := open(t, fake(t), 26, 120, 12)
	s := d.Screen()
	for _, want := range []string{"5 columns", "NAME", "TYPE", "REMOTE TYPE", "NULL", "TAGS", "DESCRIPTION",
		"CUSTOMER_ID", "NUMBER(38,0)", "key", "PII.Email, PII", "Work or personal email address"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// Nullable: false said no; not sent reads as the API's default, yes.
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "CUSTOMER_ID") && !strings.Contains(l, " no ") {
			t.Errorf("key column should read not nullable: %q", l)
		}
		if strings.Contains(l, "EMAIL") && !strings.Contains(l, " yes ") {
			t.Errorf("email should read nullable: %q", l)
		}
	}
	if strings.Contains(s, "\x1b") || !strings.Contains(s, "EVIL␛[31m") {
		t.Errorf("a server string reached the terminal unsanitised:\n%q", s)
	}
	viewtest.CheckBounds(t, m.View(), 120, 12)
	if m.Title() != "Columns" {
		t.Errorf("title %q", m.Title())
	}
}

func TestColumnsFilter(t *testing.T) {
	d, m := open(t, fake(t), 26, 120, 12)
	d.Key("/")
	if !m.CapturesInput() {
		t.Fatal("/ should open the filter")
	}
	d.Type("pii")
	if got := strings.Join(m.Shown(), ","); got != "FIRST_NAME,EMAIL" {
		t.Errorf("pii shows %s, want the tagged columns", got)
	}
	if !strings.Contains(d.Screen(), "2 of 5 match") {
		t.Errorf("no count:\n%s", d.Screen())
	}
	d.Type(" email")
	if got := strings.Join(m.Shown(), ","); got != "EMAIL" {
		t.Errorf("pii email shows %s", got)
	}
	d.Key("enter")
	if m.CapturesInput() || !strings.Contains(d.Screen(), "esc clears") {
		t.Errorf("enter should keep the filter:\n%s", d.Screen())
	}
	// q is not typed any more; it is the root's. The filter stays.
	if _, ok := m.Back(); !ok || len(m.Shown()) != 5 {
		t.Errorf("esc should clear the filter: %v", m.Shown())
	}
	if _, ok := m.Back(); ok {
		t.Error("a second esc should go back")
	}
	// By type and description too; no match says so.
	d.Key("/")
	d.Type("number")
	if got := strings.Join(m.Shown(), ","); got != "CUSTOMER_ID" {
		t.Errorf("number shows %s", got)
	}
	d.Key("esc")
	if m.CapturesInput() || len(m.Shown()) != 5 {
		t.Error("esc while typing should clear and close the filter")
	}
	d.Key("/")
	d.Type("zzz")
	if !strings.Contains(d.Screen(), "No column matches “zzz”") {
		t.Errorf("no match:\n%s", d.Screen())
	}
}

func TestColumnsCursorAndKeys(t *testing.T) {
	d, m := open(t, fake(t), 26, 80, 5)
	d.Key("G")
	if !strings.Contains(d.Screen(), "› EVIL") {
		t.Errorf("G should select the last column:\n%s", d.Screen())
	}
	d.Key("g")
	if !strings.Contains(d.Screen(), "› CUSTOMER_ID") {
		t.Errorf("g should select the first:\n%s", d.Screen())
	}
	viewtest.CheckBounds(t, m.View(), 80, 5)
	// Narrow: columns drop, the name stays.
	m.SetSize(30, 8)
	viewtest.CheckBounds(t, m.View(), 30, 8)
	if !strings.Contains(d.Screen(), "CUSTOMER_ID") {
		t.Errorf("narrow:\n%s", d.Screen())
	}
	help := ""
	for _, g := range m.FullHelp() {
		for _, b := range g {
			help += b.Help().Key + " " + b.Help().Desc + "\n"
		}
	}
	if !strings.Contains(help, "/ filter") || !strings.Contains(help, "r refresh") {
		t.Errorf("help: %s", help)
	}
}

func TestColumnsNoDictionaryAndFailure(t *testing.T) {
	d, _ := open(t, fake(t), 1, 100, 6)
	if s := d.Screen(); !strings.Contains(s, "has no data dictionary") {
		t.Errorf("404:\n%s", s)
	}
	if _, ok := viewtest.Last[views.ErrorMsg](d); ok {
		t.Error("a missing dictionary is not an error to dismiss")
	}
	calls := 0
	api := &viewtest.FakeAPI{DictionaryFn: func(int64) (*apiclient.Dictionary, error) {
		calls++
		if calls == 1 {
			return nil, errors.Join(apiclient.ErrServer, errors.New("boom"))
		}
		return dict(t), nil
	}}
	d, m := open(t, api, 26, 100, 8)
	if s := d.Screen(); !strings.Contains(s, "Could not load the columns") || !strings.Contains(s, "Press r to try again") {
		t.Errorf("failure:\n%s", s)
	}
	d.Key("r")
	if len(m.Shown()) != 5 {
		t.Errorf("r should load again: %v", m.Shown())
	}
}

func TestGoldenColumns(t *testing.T) {
	m := columns.New(viewtest.Context(fake(t)), 26, "Dbo Customer Data")
	ready := func() bool { return len(m.Shown()) == 5 }
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m, Ready: ready}, teatest.WithInitialTermSize(110, 9))
	out := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	viewtest.CheckBounds(t, out, 110, 9)
	teatest.RequireEqualOutput(t, []byte(out))
}

func TestGoldenColumnsFiltered(t *testing.T) {
	m := columns.New(viewtest.Context(fake(t)), 26, "Dbo Customer Data")
	d := viewtest.New(t, m, 110, 9)
	d.Key("/")
	d.Type("pii")
	d.Key("enter")
	out := m.View()
	viewtest.CheckBounds(t, out, 110, 9)
	teatest.RequireEqualOutput(t, []byte(out))
}

func selectedName(t *testing.T, d *viewtest.Driver) string {
	t.Helper()
	for _, l := range strings.Split(d.Screen(), "\n") {
		if f := strings.Fields(strings.TrimPrefix(l, "›")); strings.HasPrefix(l, "›") && len(f) > 0 {
			return f[0]
		}
	}
	t.Fatalf("no row selected:\n%s", d.Screen())
	return ""
}

// The table moves as every table does (views/table): j/k, arrows, pages,
// the wheel; while the filter is typed only the arrows move, j and k are
// letters of it.
func TestColumnsMoveWhileTypingAndHelp(t *testing.T) {
	d, m := open(t, fake(t), 26, 120, 5) // 3 rows under the status and header
	steps := []struct {
		key, want string
	}{{"j", "FIRST_NAME"}, {"down", "EMAIL"}, {"k", "FIRST_NAME"}, {"pgdown", "EVIL␛[31m"}, {"pgup", "FIRST_NAME"}, {"end", "EVIL␛[31m"}, {"home", "CUSTOMER_ID"}}
	for _, s := range steps {
		d.Key(s.key)
		if got := selectedName(t, d); got != s.want {
			t.Fatalf("%s: selected %s, want %s", s.key, got, s.want)
		}
	}
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if got := selectedName(t, d); got != "EMAIL" {
		t.Errorf("the wheel should scroll to the end and take the cursor along: %s\n%s", got, d.Screen())
	}
	d.Key("/")
	d.Type("e")
	d.Key("down")
	if got := selectedName(t, d); got != "FIRST_NAME" || !m.CapturesInput() {
		t.Errorf("down while typing: %s", got)
	}
	d.Type("j") // a letter of the filter, not a move
	if m.CapturesInput() != true || !strings.Contains(d.Screen(), "0 of 5 match") {
		t.Errorf("j should be typed:\n%s", d.Screen())
	}
	var help []string
	for _, b := range m.ShortHelp() {
		help = append(help, b.Help().Key+" "+b.Help().Desc)
	}
	for _, g := range m.FullHelp() {
		for _, b := range g {
			help = append(help, b.Help().Key+" "+b.Help().Desc)
		}
	}
	if got := strings.Join(help, ","); got != "enter keep filter,esc clear filter,enter keep filter,esc clear filter" {
		t.Errorf("help while typing: %s", got)
	}
	d.Key("esc")
	if got := m.ShortHelp(); len(got) != 4 || got[2].Help().Desc != "filter" {
		t.Errorf("help: %v", got)
	}
}

// A rebound back key clears the filter as esc does by default.
func TestColumnsReboundBack(t *testing.T) {
	sess := viewtest.Context(fake(t))
	sess.Keys.Back.SetKeys("ctrl+g")
	m := columns.New(sess, 26, "Dbo Customer Data")
	d := viewtest.New(t, m, 120, 8)
	d.Key("/")
	d.Type("pii")
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlG})
	if m.CapturesInput() || len(m.Shown()) != 5 {
		t.Errorf("the back key should clear the filter: typing %v, %v", m.CapturesInput(), m.Shown())
	}
}

// Only the newest load's reply counts: an older one that arrives late is
// dropped (views.Slot).
func TestColumnsStaleLoadDropped(t *testing.T) {
	var calls int
	api := &viewtest.FakeAPI{DictionaryFn: func(int64) (*apiclient.Dictionary, error) {
		calls++
		d := dict(t)
		if calls == 2 { // the first load, run last
			d.Columns = d.Columns[:1]
		}
		return d, nil
	}}
	m := columns.New(viewtest.Context(api), 26, "x")
	first := m.Init()
	d := viewtest.New(t, m, 120, 8) // runs a second load
	d.Run(first)
	if len(m.Shown()) != 5 {
		t.Errorf("the older load's reply replaced the newer one: %v", m.Shown())
	}
}
