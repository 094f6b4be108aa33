// Package accessreport is the TUI's access review export (issue 9 §4): a
// small form (file, format) for the marked sources or the current filter,
// then a walk over each source's members with bounded concurrency that
// streams one row per (source, member) to the file, with progress in the
// status line and a final count. The rows and their formats are
// apiclient/report's, the same as the CLI's access-report.
package accessreport

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/fileform"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// running is true while an export writes: one at a time, so that two
// walks do not share the tenant's patience (or a file).
var running atomic.Bool

// Model is the export form, a modal: the shared file and format form
// (views/fileform) with the walk behind its submit.
type Model struct {
	*fileform.Model
	sess    *views.Session
	sources []report.Source
}

var (
	_ views.View    = (*Model)(nil)
	_ views.Closing = (*Model)(nil)
)

// New is the form for sources, described by what ("the 40 data sources
// matching the filter"). The file defaults to
// ./access-report-YYYYMMDD.csv (today by the context's clock).
func New(sess *views.Session, sources []report.Source, what string) *Model {
	m := &Model{sess: sess, sources: sources}
	names := make([]string, len(report.Formats))
	for i, f := range report.Formats {
		names[i] = string(f)
	}
	m.Model = fileform.New(sess, fileform.Spec{
		Title:   "Export an access report",
		Intro:   fmt.Sprintf("One row per member of %s: source id, name, SQL table, member type, id, name, email, state, approved, expiration, since.", safe.Line(what)),
		Formats: names,
		DefaultPath: func(f string) string {
			return fmt.Sprintf("./access-report-%s.%s", sess.Clock().Format("20060102"), f)
		},
		Submit: m.submit,
	})
	return m
}

// Format is the format the form holds now.
func (m *Model) Format() report.Format { return report.Format(m.Model.Format()) }

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	_, cmd := m.Model.Update(msg)
	return m, cmd
}

// submit creates the file (never over an existing one) and starts the
// walk; the form closes and the status line takes over.
func (m *Model) submit(p, f string) (tea.Cmd, string) {
	if len(m.sources) == 0 {
		return nil, "No data source to report on."
	}
	if !running.CompareAndSwap(false, true) {
		return nil, "An access report is already being written; wait for it to finish."
	}
	// 0600: the report lists people and their access.
	file, hint := fileform.Create(p)
	if hint != "" {
		running.Store(false)
		m.FocusPath()
		return nil, hint
	}
	j, first := start(m.sess, file, p, report.Format(f), m.sources)
	return tea.Batch(views.Status(first, views.Info), j.wait()), ""
}

// --- the walk -------------------------------------------------------------

// job is one export running: the walk's goroutine updates it, the
// status line reads it. The list export's job (views/sources/export.go)
// has the same channels and first-three-failures list, but other counters
// and words; what they do alike, reporting, is fileform.Watch.
type job struct {
	sess   *views.Session
	path   string
	total  int
	notify chan struct{} // one pending wake-up: a change since the last read
	end    chan struct{} // closed when the walk and the file are done

	mu      sync.Mutex
	done    int // sources walked
	rows    int
	failed  []string // "name (id): why", for the final word
	nfailed int
	fatal   error // the walk stopped: the file could not be written
}

// start runs the walk on its own goroutine; first is the status line
// before any source is done.
func start(sess *views.Session, f *os.File, path string, fmtt report.Format, srcs []report.Source) (j *job, first string) {
	j = &job{sess: sess, path: path, total: len(srcs), notify: make(chan struct{}, 1), end: make(chan struct{})}
	first = j.line()
	conc := sess.Concurrency
	if conc <= 0 {
		conc = 4
	}
	go func() {
		defer close(j.end)
		defer running.Store(false)
		w, err := report.NewWriter(f, fmtt)
		if err == nil {
			seq := func(yield func(report.Source) bool) {
				for _, s := range srcs {
					if !yield(s) {
						return
					}
				}
			}
			err = report.Walk(context.Background(), sess.API, seq, report.Options{
				Concurrency: conc, Lookup: true,
				Access:  apiclient.AccessOptions{Size: max(sess.PageSize, report.DefaultPageSize)},
				Timeout: func(c context.Context) (context.Context, context.CancelFunc) { return sess.WithTimeout(c) },
			}, func(d report.Done) error {
				for _, r := range d.Rows {
					if err := w.Write(r); err != nil {
						return err
					}
				}
				if err := w.Flush(); err != nil {
					return err
				}
				j.mu.Lock()
				j.done++
				j.rows = w.Rows()
				if d.Err != nil {
					j.nfailed++
					if len(j.failed) < 3 {
						name := format.Inline(d.Source.Name)
						j.failed = append(j.failed, fmt.Sprintf("%s (%d): %s", name, d.Source.ID, apiclient.Explain(d.Err)))
					}
				}
				j.mu.Unlock()
				select {
				case j.notify <- struct{}{}:
				default:
				}
				return nil
			})
			if cerr := w.Close(); err == nil {
				err = cerr
			}
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		j.mu.Lock()
		j.fatal = err
		j.mu.Unlock()
	}()
	return j, first
}

// line is the status line while the walk runs.
func (j *job) line() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := fmt.Sprintf("access report: %d of %d sources, %d rows → %s", j.done, j.total, j.rows, safe.Line(j.path))
	if j.nfailed > 0 {
		s += fmt.Sprintf(" · %d failed", j.nfailed)
	}
	return s
}

// wait is the command that reports the walk: a progress status and
// itself again while it runs, the final word when it has ended. It runs
// without a view (the form has closed): the root shows its statuses.
func (j *job) wait() tea.Cmd {
	return fileform.Watch(j.end, j.notify, j.line, j.final)
}

func (j *job) final() tea.Msg {
	j.mu.Lock()
	defer j.mu.Unlock()
	path := safe.Line(j.path)
	if j.fatal != nil {
		return views.ErrorMsg{What: fmt.Sprintf("writing the access report to %s (%d rows written before it stopped)", path, j.rows), Err: j.fatal}
	}
	s := fmt.Sprintf("access report: %d rows from %d sources written to %s", j.rows, j.done-j.nfailed, path)
	if j.nfailed == 0 {
		return views.StatusMsg{Text: s, Level: views.Success}
	}
	s += fmt.Sprintf(" · %d sources failed: %s", j.nfailed, strings.Join(j.failed, "; "))
	if j.nfailed > len(j.failed) {
		s += fmt.Sprintf("; and %d more", j.nfailed-len(j.failed))
	}
	return views.StatusMsg{Text: s, Level: views.Warn}
}
