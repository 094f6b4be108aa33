package accessreport_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/accessreport"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

// reportAPI is a fake tenant: three sources with members; listing the
// members of a source in fail answers that error.
type reportAPI struct {
	*viewtest.FakeAPI
	fail map[int64]error
}

func (a *reportAPI) ListAccess(ctx context.Context, id int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	if err := a.fail[id]; err != nil {
		return nil, err
	}
	return a.FakeAPI.ListAccess(ctx, id, o)
}

func member(profile int64, name, state string) apiclient.AccessUser {
	return apiclient.AccessUser{Profile: profile, Name: name, Email: strings.ToLower(name) + "@example.com", Type: "user",
		State: state, Approved: true, CreatedAt: "2026-03-04T05:06:07.000Z"}
}

func fixture() (*reportAPI, []report.Source) {
	api := &reportAPI{FakeAPI: &viewtest.FakeAPI{
		Sources: []apiclient.DataSource{
			{ID: 1, Name: "Orders", SQLSchemaName: "public", SQLTableName: "orders"},
			{ID: 2, Name: "Customers", SQLSchemaName: "crm", SQLTableName: "customers"},
			{ID: 3, Name: "Ledger", SQLSchemaName: "fin", SQLTableName: "ledger"},
		},
		Access: map[int64][]apiclient.AccessUser{
			1: {member(11, "Ada", "owner"), member(12, "Bob", "subscribed")},
			2: {member(13, "Cy", "expert")},
			3: {member(11, "Ada", "subscribed"), member(14, "Di", "subscribed"), member(15, "Eve", "ingest")},
		},
	}, fail: map[int64]error{}}
	// The list hands over ids and names only: the SQL names come from a
	// read of each source.
	return api, []report.Source{{ID: 1, Name: "Orders"}, {ID: 2, Name: "Customers"}, {ID: 3, Name: "Ledger"}}
}

// flat is the screen's words on one line, without the box.
func flat(scr string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if strings.ContainsRune("│╭╮╰╯─", r) {
			return ' '
		}
		return r
	}, scr)), " ")
}

// setPath replaces the form's file name.
func setPath(d *viewtest.Driver, p string) {
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	d.Type(p)
}

func statuses(d *viewtest.Driver) []views.StatusMsg {
	var out []views.StatusMsg
	for _, m := range d.Emitted {
		if s, ok := m.(views.StatusMsg); ok {
			out = append(out, s)
		}
	}
	return out
}

// The form offers ./access-report-YYYYMMDD.csv; the export writes one row
// per (source, member) with the CLI's columns, and ends with a count.
func TestExportCSVReadsBack(t *testing.T) {
	api, srcs := fixture()
	sess := viewtest.Context(api)
	m := accessreport.New(sess, srcs, "the 3 marked data sources")
	d := viewtest.New(t, m, 80, 20)
	if m.Path() != "./access-report-20261121.csv" || m.Format() != report.CSV {
		t.Fatalf("defaults %q %q", m.Path(), m.Format())
	}
	out := filepath.Join(t.TempDir(), "review.csv")
	setPath(d, out)
	d.Key("enter") // to the format
	d.Key("enter") // export
	if !m.Closed() {
		t.Error("the form did not close when the export started")
	}
	st := statuses(d)
	if len(st) < 2 || !strings.HasPrefix(st[0].Text, "access report: 0 of 3 sources, 0 rows → ") {
		t.Fatalf("statuses %+v", st)
	}
	final := st[len(st)-1]
	if want := "access report: 6 rows from 3 sources written to " + out; final.Text != want || final.Level != views.Success {
		t.Errorf("final status %+v, want %q", final, want)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], report.Header) {
		t.Fatalf("header %q", recs[0])
	}
	var got []string
	for _, r := range recs[1:] {
		got = append(got, strings.Join([]string{r[0], r[1], r[2], r[3], r[4], r[5], r[7]}, "|"))
	}
	want := []string{
		"1|Orders|public.orders|user|11|Ada|owner", "1|Orders|public.orders|user|12|Bob|subscribed",
		"2|Customers|crm.customers|user|13|Cy|expert",
		"3|Ledger|fin.ledger|user|11|Ada|subscribed", "3|Ledger|fin.ledger|user|14|Di|subscribed", "3|Ledger|fin.ledger|user|15|Eve|ingest",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("the report is %v: it lists people, it should be 0600", fi.Mode().Perm())
	}
}

// A source that fails is counted and named at the end; the others are
// written.
func TestExportFailingSourceCounted(t *testing.T) {
	api, srcs := fixture()
	api.fail[2] = &apiclient.APIError{StatusCode: 403, Method: "GET", Path: "/dataSource/2/access", Message: "not an owner"}
	sess := viewtest.Context(api)
	d := viewtest.New(t, accessreport.New(sess, srcs, "3 sources"), 80, 20)
	out := filepath.Join(t.TempDir(), "r.csv")
	setPath(d, out)
	d.Key("ctrl+s")
	st := statuses(d)
	final := st[len(st)-1]
	if final.Level != views.Warn || !strings.Contains(final.Text, "5 rows from 2 sources") ||
		!strings.Contains(final.Text, "1 sources failed: Customers (2):") {
		t.Errorf("final status %+v", final)
	}
	b, _ := os.ReadFile(out)
	if n := strings.Count(string(b), "\n"); n != 6 {
		t.Errorf("%d lines, want the header and 5 rows:\n%s", n, b)
	}
}

// The format is picked with the arrows (the default name follows it);
// JSON is one array that reads back.
func TestExportJSON(t *testing.T) {
	api, srcs := fixture()
	sess := viewtest.Context(api)
	m := accessreport.New(sess, srcs[:1], "1 data source")
	d := viewtest.New(t, m, 80, 20)
	d.Key("tab", "right")
	if m.Format() != report.JSON || m.Path() != "./access-report-20261121.json" {
		t.Fatalf("after →: %q %q", m.Format(), m.Path())
	}
	d.Key("right")
	if m.Format() != report.NDJSON {
		t.Fatalf("after → →: %q", m.Format())
	}
	d.Key("left")
	out := filepath.Join(t.TempDir(), "r.json")
	d.Key("tab")
	setPath(d, out)
	d.Key("tab", "left", "right") // a typed name stays when the format moves
	if m.Path() != out {
		t.Fatalf("the typed name changed to %q", m.Path())
	}
	d.Key("enter")
	var rows []report.Row
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if len(rows) != 2 || rows[0].SQLTable != "public.orders" || rows[1].Name != "Bob" {
		t.Errorf("rows %+v", rows)
	}
}

// An existing file is never overwritten: the form says so and stays,
// with the name as typed.
func TestExportRefusesExistingFile(t *testing.T) {
	api, srcs := fixture()
	sess := viewtest.Context(api)
	out := filepath.Join(t.TempDir(), "keep.csv")
	if err := os.WriteFile(out, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := accessreport.New(sess, srcs, "3 sources")
	d := viewtest.New(t, m, 80, 20)
	setPath(d, out)
	d.Key("ctrl+s")
	if m.Closed() {
		t.Fatal("the form closed")
	}
	if !strings.Contains(flat(d.Screen()), "already exists: choose another name") || m.Path() != out {
		t.Errorf("screen:\n%s", d.Screen())
	}
	if b, _ := os.ReadFile(out); string(b) != "precious" {
		t.Errorf("the file was changed: %q", b)
	}
	// A folder that does not exist is said plainly too.
	setPath(d, filepath.Join(out+".d", "x.csv"))
	d.Key("ctrl+s")
	if !strings.Contains(flat(d.Screen()), "does not exist") {
		t.Errorf("screen:\n%s", d.Screen())
	}
}

func TestGoldenReportForm(t *testing.T) {
	api, srcs := fixture()
	m := accessreport.New(viewtest.Context(api), srcs, "the 3 marked data sources")
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m, Ready: func() bool { return true }}, teatest.WithInitialTermSize(80, 20))
	teatest.RequireEqualOutput(t, []byte(tm.FinalModel(t).View()))
}
