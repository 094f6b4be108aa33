package sources

// Export of the list (issue 10 §3): the marked rows, or else every row
// the list shows (after the filter, the search and the sort, in that
// order), to CSV, JSON or NDJSON. The form is the shared file-and-format
// form (views/fileform); the file is written off the UI goroutine and the
// status line says how many rows went where.
//
// CSV has the list's columns, from the rows the list holds (a row whose
// text the screen's cleaning may have changed is fetched: see writeCSV).
// JSON and NDJSON keep each source's JSON exactly as the server sent it:
// the list does not hold it (a row is 64 bytes), so each source is
// fetched again (GET /dataSource/{id}, the profile's concurrency, written
// in the list's order). Nothing of the file's content is drawn: only the
// count and the path reach the screen.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/fileform"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// ExportFormats are the formats of a list export, in the form's order.
var ExportFormats = []string{"csv", "json", "ndjson"}

// exportRows are the rows an export writes and the words for them: the
// marked ones (in the list's order), else every row shown.
func (m *Model) exportRows() ([]Row, string) {
	d := m.viewDS
	if d == nil {
		return nil, ""
	}
	if len(m.marks) > 0 {
		var rows []Row
		for _, i := range m.view {
			if m.marks[d.rows[i].ID] {
				rows = append(rows, d.rows[i])
			}
		}
		if len(rows) > 0 {
			return rows, fmt.Sprintf("the %d marked data sources", len(rows))
		}
	}
	rows := make([]Row, len(m.view))
	for j, i := range m.view {
		rows[j] = d.rows[i]
	}
	switch {
	case m.search != nil && m.query != "":
		return rows, fmt.Sprintf("the %d data sources of the server search that match the filter", len(rows))
	case m.search != nil:
		return rows, fmt.Sprintf("the %d data sources of the server search", len(rows))
	case m.query != "":
		return rows, fmt.Sprintf("the %d data sources matching the filter", len(rows))
	}
	return rows, fmt.Sprintf("all %d loaded data sources", len(rows))
}

// exportPath is the file offered for format f: ./dsbrowse-sources-YYYYMMDD.f.
func exportPath(sess *views.Session, f string) string {
	return fmt.Sprintf("./dsbrowse-sources-%s.%s", sess.Clock().Format("20060102"), f)
}

// exportForm opens the export form for the rows the list shows or marks.
func (m *Model) exportForm() tea.Cmd {
	rows, what := m.exportRows()
	if len(rows) == 0 {
		return views.Status("no data source to export", views.Warn)
	}
	if len(rows) == 1 {
		what = "1 data source"
	}
	sess := m.sess
	return views.OpenModal(fileform.New(sess, fileform.Spec{
		Title: "Export data sources",
		Intro: fmt.Sprintf("Writes %s. CSV: the list's columns. JSON and NDJSON: each source as the server sends it (%s).",
			safe.Line(what), requests(len(rows))),
		Formats:     ExportFormats,
		DefaultPath: func(f string) string { return exportPath(sess, f) },
		Submit:      func(p, f string) (tea.Cmd, string) { return startExport(sess, rows, p, f) },
	}))
}

// requests says what a JSON export of n rows asks the server.
func requests(n int) string {
	if n == 1 {
		return "one request"
	}
	return fmt.Sprintf("one request per source: %d", n)
}

// Export writes the rows the list shows or marks to path in format (one
// of ExportFormats) without the form: for a command line (:export). A
// problem is one status line.
func (m *Model) Export(format, path string) tea.Cmd {
	format = strings.ToLower(strings.TrimSpace(format))
	path = strings.TrimSpace(path)
	ok := false
	for _, f := range ExportFormats {
		ok = ok || f == format
	}
	switch {
	case !ok:
		return views.Status(fmt.Sprintf("unknown export format %q: use csv, json or ndjson", safe.Line(format)), views.Warn)
	case path == "":
		path = exportPath(m.sess, format)
	}
	rows, _ := m.exportRows()
	if len(rows) == 0 {
		return views.Status("no data source to export", views.Warn)
	}
	cmd, hint := startExport(m.sess, rows, path, format)
	if hint != "" {
		return views.Status(hint, views.Warn)
	}
	return cmd
}

// startExport creates the file (never over an existing one) and writes
// rows to it on a goroutine. hint is the form's word when the file cannot
// be made.
func startExport(sess *views.Session, rows []Row, path, format string) (tea.Cmd, string) {
	f, hint := fileform.Create(path)
	if hint != "" {
		return nil, hint
	}
	j := &exportJob{path: path, total: len(rows), notify: make(chan struct{}, 1), end: make(chan struct{})}
	go func() {
		defer close(j.end)
		err := writeExport(sess, f, format, rows, j)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		j.mu.Lock()
		j.fatal = err
		j.mu.Unlock()
	}()
	if format == "csv" {
		return j.wait(), "" // written in a moment: no progress to show
	}
	return tea.Batch(views.Status(j.line(), views.Info), j.wait()), ""
}

// exportJob is one export running: its goroutine updates it, the status
// line reads it.
type exportJob struct {
	path   string
	total  int
	notify chan struct{} // one pending wake-up
	end    chan struct{} // closed when the file is done

	mu      sync.Mutex
	fetched int
	written int
	failed  []string // "id: why", the first few
	nfailed int
	fatal   error
}

func (j *exportJob) progress(fetched int) {
	j.mu.Lock()
	j.fetched = fetched
	j.mu.Unlock()
	select {
	case j.notify <- struct{}{}:
	default:
	}
}

func (j *exportJob) wrote(n int) {
	j.mu.Lock()
	j.written = n
	j.mu.Unlock()
}

func (j *exportJob) fail(id int64, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.nfailed++
	if len(j.failed) < 3 {
		j.failed = append(j.failed, fmt.Sprintf("%d: %s", id, apiclient.Explain(err)))
	}
}

func (j *exportJob) line() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return fmt.Sprintf("export: %d of %d sources fetched → %s", j.fetched, j.total, safe.Line(j.path))
}

// wait reports the export: progress while it runs, the final word when
// it has ended. It runs without a view: the root shows its statuses.
func (j *exportJob) wait() tea.Cmd {
	return fileform.Watch(j.end, j.notify, j.line, j.final)
}

func (j *exportJob) final() tea.Msg {
	j.mu.Lock()
	defer j.mu.Unlock()
	path := safe.Line(j.path)
	if j.fatal != nil {
		return views.ErrorMsg{What: fmt.Sprintf("exporting data sources to %s (%d written before it stopped)", path, j.written), Err: j.fatal}
	}
	s := fmt.Sprintf("exported %d data sources to %s", j.written, path)
	if j.written == 1 {
		s = "exported 1 data source to " + path
	}
	if j.nfailed == 0 {
		return views.StatusMsg{Text: s, Level: views.Success}
	}
	s += fmt.Sprintf(" · %d could not be fetched: %s", j.nfailed, strings.Join(j.failed, "; "))
	if j.nfailed > len(j.failed) {
		s += fmt.Sprintf("; and %d more", j.nfailed-len(j.failed))
	}
	return views.StatusMsg{Text: s, Level: views.Warn}
}

// writeExport writes rows to w in format.
func writeExport(sess *views.Session, w io.Writer, format string, rows []Row, j *exportJob) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if format == "csv" {
		if err := writeCSV(sess, bw, rows, j); err != nil {
			return err
		}
		return bw.Flush()
	}
	n := 0
	err := eachSource(sess, rows, j, func(*Row) bool { return true }, func(r *Row, d *apiclient.DataSource, err error) error {
		if err != nil {
			j.fail(r.ID, err)
			return nil
		}
		raw := bytes.TrimSpace(d.Raw)
		if len(raw) == 0 {
			if raw, err = json.Marshal(d); err != nil {
				return err
			}
		}
		var buf bytes.Buffer
		switch format {
		case "ndjson":
			if err := json.Compact(&buf, raw); err != nil {
				return err
			}
			buf.WriteByte('\n')
		default:
			if n == 0 {
				buf.WriteString("[\n  ")
			} else {
				buf.WriteString(",\n  ")
			}
			if err := json.Indent(&buf, raw, "  ", "  "); err != nil {
				return err
			}
		}
		if _, err := bw.Write(buf.Bytes()); err != nil {
			return err
		}
		n++
		j.wrote(n)
		return nil
	})
	if err != nil {
		return err
	}
	if format == "json" {
		end := "\n]\n"
		if n == 0 {
			end = "[]\n"
		}
		if _, err := bw.WriteString(end); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeCSV writes the list's columns (TAGS too when a row has tags). A
// row keeps what the list drew, made safe for the screen; where that may
// differ from the server's text (a cell that is not plain ASCII: a
// control character shown as a glyph, a cut, a bidi mark dropped), the
// source is fetched and the file gets the server's text: CSV is data.
// Tabs and newlines became spaces and cannot be told apart from them;
// such a row keeps its spaces.
func writeCSV(sess *views.Session, w io.Writer, rows []Row, j *exportJob) error {
	cols := []column{colName, colID, colHandler, colStatus, colSubscription, colSchema, colCreated}
	for i := range rows {
		if rows[i].Tags() != "" {
			cols = append(cols, colTags)
			break
		}
	}
	cw := csv.NewWriter(w)
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = columnTitle(c)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	n := 0
	need := func(r *Row) bool {
		for _, c := range cols {
			if !safe.Plain(r.cell(c)) || (c == colTags && len(r.Tags()) >= maxTagsText) {
				return true
			}
		}
		return false
	}
	err := eachSource(sess, rows, j, need, func(r *Row, d *apiclient.DataSource, err error) error {
		for i, c := range cols {
			rec[i] = r.cell(c)
			if d != nil && err == nil {
				rec[i] = serverCell(d, c)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		n++
		j.wrote(n)
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// serverCell is column c of d as the server sent it (the list's rowText
// and rowSyms, without the cleaning).
func serverCell(d *apiclient.DataSource, c column) string {
	switch c {
	case colName:
		return d.Name
	case colID:
		return strconv.FormatInt(d.ID, 10)
	case colHandler:
		return d.BlobHandlerType
	case colStatus:
		if d.IsDisabled() {
			return "disabled"
		}
		return d.Status
	case colSubscription:
		return d.SubscriptionStatus
	case colSchema:
		schema, table := d.RemoteSchema, d.RemoteTable
		if schema == "" {
			schema = d.SQLSchemaName
		}
		if table == "" {
			table = d.SQLTableName
		}
		switch {
		case schema != "" && table != "":
			return schema + "." + table
		case schema != "":
			return schema
		}
		return table
	case colCreated:
		if len(d.CreatedAt) >= 10 {
			return d.CreatedAt[:10]
		}
		return d.CreatedAt
	case colTags:
		names := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			names[i] = t.Name
		}
		return strings.Join(names, ", ")
	}
	return ""
}

// eachSource calls emit for every row, in order, with the row's source
// when need says to fetch it (nil otherwise; err when the fetch failed).
// The fetches run with the profile's concurrency, a window of rows at a
// time (bounded memory, the rows' order kept); emit's error stops all.
func eachSource(sess *views.Session, rows []Row, j *exportJob, need func(*Row) bool, emit func(*Row, *apiclient.DataSource, error) error) error {
	conc := sess.Concurrency
	if conc <= 0 {
		conc = 4
	}
	conc = min(conc, 16)
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		d   *apiclient.DataSource
		err error
	}
	chunk := conc * 4
	for lo := 0; lo < len(rows); lo += chunk {
		part := rows[lo:min(lo+chunk, len(rows))]
		res := make([]result, len(part))
		var todo []int
		for i := range part {
			if need(&part[i]) {
				todo = append(todo, i)
			}
		}
		next := make(chan int)
		var wg sync.WaitGroup
		for range min(conc, len(todo)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					c, stop := sess.WithTimeout(base)
					d, err := sess.API.GetDataSource(c, part[i].ID)
					stop()
					if err == nil && d == nil {
						err = errors.New("no answer")
					}
					res[i] = result{d, err}
				}
			}()
		}
		for _, i := range todo {
			next <- i
		}
		close(next)
		wg.Wait()
		for i := range part {
			if err := emit(&part[i], res[i].d, res[i].err); err != nil {
				return err
			}
		}
		if len(todo) > 0 {
			j.progress(lo + len(part))
		}
	}
	return nil
}
