package sources

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/fileform"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// hostileSources are GenSources with a name that would drive a terminal:
// the file keeps the data, the screen never sees it.
func hostileSources(n int) []apiclient.DataSource {
	srcs := viewtest.GenSources(n)
	srcs[4].Name = "Ledger 00005 \x1b]0;pwn\x07 evil"
	srcs[4].Raw, _ = json.Marshal(map[string]any{"id": srcs[4].ID, "name": srcs[4].Name})
	return srcs
}

// exportForm presses x in d and returns the form it opened.
func openExportForm(t *testing.T, d *viewtest.Driver) *fileform.Model {
	t.Helper()
	before := len(d.Emitted)
	d.Key("x")
	for _, m := range d.Emitted[before:] {
		if om, ok := m.(views.OpenModalMsg); ok {
			f, ok := om.M.(*fileform.Model)
			if !ok {
				t.Fatalf("x opened %T", om.M)
			}
			return f
		}
	}
	t.Fatalf("x opened nothing: %v", d.Emitted[before:])
	return nil
}

// export fills the form in (format by its first letter, path) and
// submits; it returns the statuses that followed.
func export(t *testing.T, f *fileform.Model, format, path string) []views.StatusMsg {
	t.Helper()
	fd := viewtest.New(t, f, 80, 20)
	fd.Key("tab")
	fd.Type(format[:1])
	if f.Format() != format {
		t.Fatalf("format %q, want %q", f.Format(), format)
	}
	fd.Key("tab")
	fd.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	fd.Type(path)
	fd.Key("ctrl+s")
	if h := f.Hint(); h != "" {
		t.Fatalf("form says %q", h)
	}
	if !f.Closed() {
		t.Fatal("the form did not close")
	}
	var out []views.StatusMsg
	for _, m := range fd.Emitted {
		switch m := m.(type) {
		case views.StatusMsg:
			out = append(out, m)
		case views.ErrorMsg:
			t.Fatalf("export failed: %s: %v", m.What, m.Err)
		}
	}
	return out
}

// readIDs reads an export back: the ids in file order, and the names.
func readIDs(t *testing.T, format, path string) (ids []int64, names []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	add := func(raw map[string]any) {
		ids = append(ids, int64(raw["id"].(float64)))
		names = append(names, raw["name"].(string))
	}
	switch format {
	case "csv":
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		if !slices.Equal(recs[0], columnTitles[:]) {
			t.Fatalf("header %q, want the list's columns %q", recs[0], columnTitles)
		}
		for _, r := range recs[1:] {
			id, err := strconv.ParseInt(r[colID], 10, 64)
			if err != nil {
				t.Fatalf("row %q", r)
			}
			ids, names = append(ids, id), append(names, r[colName])
		}
	case "json":
		var all []map[string]any
		if err := json.Unmarshal(b, &all); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		for _, raw := range all {
			add(raw)
		}
	case "ndjson":
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var raw map[string]any
			if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			add(raw)
		}
	}
	return ids, names
}

// x exports the rows the list shows (after the filter and the sort), or
// the marked ones, in each format; the files read back in list order.
// JSON keeps each source's JSON as the server sent it, a hostile name
// included; the screen shows only the count and the path.
func TestExportVisibleOrMarkedRows(t *testing.T) {
	for _, format := range ExportFormats {
		t.Run(format, func(t *testing.T) {
			api := &viewtest.FakeAPI{Sources: hostileSources(60)}
			d, m := newList(t, api, 120, 30)
			d.Key("/")
			d.Type("ledger")
			d.Key("enter")
			d.Key("O") // by name, descending
			var want []int64
			for _, i := range m.view {
				want = append(want, m.viewDS.rows[i].ID)
			}
			if len(want) != 10 {
				t.Fatalf("%d rows match the filter, want 10", len(want))
			}
			dir := t.TempDir()
			visible := filepath.Join(dir, "visible."+format)
			st := export(t, openExportForm(t, d), format, visible)
			ids, names := readIDs(t, format, visible)
			if !slices.Equal(ids, want) {
				t.Errorf("visible: ids %v, want the list's order %v", ids, want)
			}
			last := st[len(st)-1]
			if last.Level != views.Success || last.Text != "exported 10 data sources to "+visible {
				t.Errorf("final status %+v", last)
			}
			for _, s := range st {
				if strings.ContainsAny(s.Text, "\x1b\x07") {
					t.Errorf("status reached the terminal unsafe: %q", s.Text)
				}
			}
			evil := slices.IndexFunc(names, func(n string) bool { return strings.Contains(n, "evil") })
			switch {
			case evil < 0:
				t.Error("the hostile source is missing")
			case names[evil] != api.Sources[4].Name:
				t.Errorf("the file changed the server's name: %q", names[evil])
			}

			// Marks win over the filter; they come in the list's order.
			d.Key("down", "space", "down", "space") // space marks and moves down: rows 1 and 3
			marked := filepath.Join(dir, "marked."+format)
			export(t, openExportForm(t, d), format, marked)
			ids, _ = readIDs(t, format, marked)
			if !slices.Equal(ids, []int64{want[1], want[3]}) {
				t.Errorf("marked: ids %v, want %v", ids, []int64{want[1], want[3]})
			}
			gets := 0
			for _, c := range api.Calls {
				if strings.HasPrefix(c, "get ") {
					gets++
				}
			}
			if wantGets := map[string]int{"csv": 1, "json": 12, "ndjson": 12}[format]; gets != wantGets {
				t.Errorf("%d GETs, want %d (JSON fetches each source once; CSV only the row whose text the screen changed)", gets, wantGets)
			}
		})
	}
}

// The form offers ./dsbrowse-sources-YYYYMMDD.csv and follows the format;
// an existing file is never overwritten (the form stays, input kept); a
// source that cannot be fetched is left out and counted.
func TestExportFormDefaultsAndRefusals(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(5)}
	d, _ := newList(t, api, 120, 20)
	f := openExportForm(t, d)
	if f.Path() != "./dsbrowse-sources-20261121.csv" || f.Format() != "csv" {
		t.Fatalf("defaults %q %q", f.Path(), f.Format())
	}
	fd := viewtest.New(t, f, 80, 20)
	fd.Key("tab", "right")
	if f.Path() != "./dsbrowse-sources-20261121.json" {
		t.Errorf("the default did not follow the format: %q", f.Path())
	}
	keep := filepath.Join(t.TempDir(), "keep.json")
	if err := os.WriteFile(keep, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	fd.Key("tab")
	fd.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
	fd.Type(keep)
	fd.Key("ctrl+s")
	if !strings.Contains(f.Hint(), "already exists") || f.Path() != keep {
		t.Errorf("hint %q path %q", f.Hint(), f.Path())
	}
	if b, _ := os.ReadFile(keep); string(b) != "precious" {
		t.Errorf("the file was overwritten: %q", b)
	}

	// One source fails: the others are written, the status says which.
	api.GetErr = nil
	api.Sources = api.Sources[:4] // id 5 is gone from the server
	out := filepath.Join(t.TempDir(), "some.ndjson")
	st := export(t, openExportForm(t, d), "ndjson", out)
	ids, _ := readIDs(t, "ndjson", out)
	if len(ids) != 4 {
		t.Errorf("ids %v", ids)
	}
	last := st[len(st)-1]
	if last.Level != views.Warn || !strings.Contains(last.Text, "exported 4 data sources") || !strings.Contains(last.Text, "1 could not be fetched: 5:") {
		t.Errorf("final %+v", last)
	}

	// Nothing to export: a word, no form.
	empty, _ := newList(t, &viewtest.FakeAPI{}, 120, 20)
	empty.Key("x")
	if s, ok := viewtest.Last[views.StatusMsg](empty); !ok || s.Text != "no data source to export" {
		t.Errorf("empty list: %v", empty.Emitted)
	}
}

// Export (for :export) writes without the form, and says what is wrong
// in one line.
func TestExportCommand(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(7)}
	_, m := newList(t, api, 120, 20)
	out := filepath.Join(t.TempDir(), "all.csv")
	msgs := viewtest.CollectAll(m.Export("CSV", out))
	if s, ok := msgs[len(msgs)-1].(views.StatusMsg); !ok || s.Text != "exported 7 data sources to "+out {
		t.Errorf("msgs %v", msgs)
	}
	if ids, _ := readIDs(t, "csv", out); len(ids) != 7 {
		t.Errorf("ids %v", ids)
	}
	msgs = viewtest.CollectAll(m.Export("xml", out))
	if s, ok := msgs[0].(views.StatusMsg); !ok || s.Text != `unknown export format "xml": use csv, json or ndjson` {
		t.Errorf("msgs %v", msgs)
	}
	msgs = viewtest.CollectAll(m.Export("csv", out))
	if s, ok := msgs[0].(views.StatusMsg); !ok || !strings.Contains(s.Text, "already exists") {
		t.Errorf("msgs %v", msgs)
	}
}

// The export form at 80x20, on the filter's rows.
func TestGoldenExportForm(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(60)}
	d, _ := newList(t, api, 120, 30)
	d.Key("/")
	d.Type("ledger")
	d.Key("enter")
	f := openExportForm(t, d)
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: f, Ready: func() bool { return true }}, teatest.WithInitialTermSize(80, 20))
	teatest.RequireEqualOutput(t, []byte(tm.FinalModel(t).View()))
}

// x is in the list's help, as are the copy and web keys.
func TestExportCopyOpenInHelp(t *testing.T) {
	_, m := newList(t, &viewtest.FakeAPI{Sources: viewtest.GenSources(2)}, 120, 20)
	found := map[string]bool{}
	for _, g := range m.FullHelp() {
		for _, b := range g {
			found[b.Help().Key+" "+b.Help().Desc] = true
		}
	}
	for _, want := range []string{"x export rows", "y copy…", "w web UI"} {
		if !found[want] {
			t.Errorf("help lacks %q: %v", want, found)
		}
	}
}

// When the list shows tags, CSV has them too (the list's columns).
func TestExportCSVTags(t *testing.T) {
	srcs := viewtest.GenSources(5)
	srcs[0].Tags = apiclient.Tags{{Name: "PII"}, {Name: "Finance"}}
	_, m := newList(t, &viewtest.FakeAPI{Sources: srcs}, 120, 20)
	out := filepath.Join(t.TempDir(), "tags.csv")
	viewtest.CollectAll(m.Export("csv", out))
	b, _ := os.ReadFile(out)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) != 6 || recs[0][len(recs[0])-1] != "TAGS" {
		t.Fatalf("%v\n%s", err, b)
	}
	for _, r := range recs[1:] {
		if want := map[bool]string{true: "PII, Finance"}[r[colID] == "1"]; r[len(r)-1] != want {
			t.Errorf("row %q: tags %q, want %q", r, r[len(r)-1], want)
		}
	}
}

// BenchmarkExportCSV: 100,000 plain rows to CSV, the writing goroutine's
// whole work (no request: every row's text is the server's).
func BenchmarkExportCSV(b *testing.B) {
	srcs := viewtest.GenSources(100_000)
	rows := make([]Row, len(srcs))
	for i := range srcs {
		rows[i] = rowOf(&srcs[i])
	}
	sess := viewtest.Context(&viewtest.FakeAPI{})
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		j := &exportJob{notify: make(chan struct{}, 1)}
		if err := writeCSV(sess, &buf, rows, j); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1e6, "MB/file")
}
