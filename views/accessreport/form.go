// Package accessreport is the TUI's access review export (issue 9 §4): a
// small form (file, format) for the marked sources or the current filter,
// then a walk over each source's members with bounded concurrency that
// streams one row per (source, member) to the file, with progress in the
// status line and a final count. The rows and their formats are
// apiclient/report's, the same as the CLI's access-report.
package accessreport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
	"github.com/dsbrowse/dsbrowse/ui/safe"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
)

// running is true while an export writes: one at a time, so that two
// walks do not share the tenant's patience (or a file).
var running atomic.Bool

// Model is the export form, a modal.
type Model struct {
	ctx     *views.Context
	sources []report.Source
	what    string // "3 marked data sources", shown in the title
	path    textinput.Model
	format  int // index into report.Formats
	focus   int // 0 path, 1 format
	hint    string
	closed  bool
	w, h    int
	// edited: the user typed in the path, so a format change leaves it.
	edited bool
}

var (
	_ views.View    = (*Model)(nil)
	_ views.Closing = (*Model)(nil)
)

// New is the form for sources, described by what ("the 40 data sources
// matching the filter"). The file defaults to
// ./access-report-YYYYMMDD.csv (today by the context's clock).
func New(ctx *views.Context, sources []report.Source, what string) *Model {
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 4096
	m := &Model{ctx: ctx, sources: sources, what: safe.Line(what), path: in}
	in.SetValue(m.defaultPath())
	in.CursorEnd()
	in.Focus()
	m.path = in
	return m
}

func (m *Model) defaultPath() string {
	return fmt.Sprintf("./access-report-%s.%s", m.ctx.Clock().Format("20060102"), report.Formats[m.format])
}

// Path and Format are what the form holds now.
func (m *Model) Path() string          { return m.path.Value() }
func (m *Model) Format() report.Format { return report.Formats[m.format] }

func (m *Model) Init() tea.Cmd       { return textinput.Blink }
func (m *Model) Title() string       { return "Export an access report" }
func (m *Model) CapturesInput() bool { return true }
func (m *Model) SetSize(w, h int)    { m.w, m.h = w, h }
func (m *Model) Closed() bool        { return m.closed }

func (m *Model) close() tea.Cmd {
	m.closed = true
	return views.CloseModal
}

func (m *Model) setFormat(i int) {
	n := len(report.Formats)
	i = ((i % n) + n) % n
	old := m.defaultPath()
	m.format = i
	if !m.edited || m.path.Value() == old {
		m.path.SetValue(m.defaultPath())
		m.path.CursorEnd()
		m.edited = false
	}
}

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(msg)
		return m, cmd
	}
	k := m.ctx.Keys
	switch {
	case km.Type == tea.KeyEsc:
		return m, m.close()
	case key.Matches(km, k.Submit):
		return m, m.submit()
	case km.Type == tea.KeyEnter:
		if m.focus == 0 {
			m.focusOn(1)
			return m, nil
		}
		return m, m.submit()
	case km.Type == tea.KeyTab || km.Type == tea.KeyShiftTab || (m.focus == 1 && (km.Type == tea.KeyUp || km.Type == tea.KeyDown)):
		m.focusOn(1 - m.focus)
		return m, nil
	}
	if m.focus == 1 {
		switch {
		case km.Type == tea.KeyRight || km.Type == tea.KeySpace || km.String() == "l":
			m.setFormat(m.format + 1)
		case km.Type == tea.KeyLeft || km.String() == "h":
			m.setFormat(m.format - 1)
		case km.Type == tea.KeyRunes:
			// The first letter picks: c, j, n.
			for i, f := range report.Formats {
				if strings.HasPrefix(string(f), strings.ToLower(string(km.Runes))) {
					m.setFormat(i)
					break
				}
			}
		}
		m.hint = ""
		return m, nil
	}
	if km.Type == tea.KeyRunes {
		km.Runes = safe.Runes(km.Runes)
	}
	before := m.path.Value()
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(km)
	if m.path.Value() != before {
		m.edited, m.hint = true, ""
	}
	return m, cmd
}

func (m *Model) focusOn(i int) {
	m.focus = i
	if i == 0 {
		m.path.Focus()
	} else {
		m.path.Blur()
	}
}

// submit creates the file (never over an existing one) and starts the
// walk; the form closes and the status line takes over.
func (m *Model) submit() tea.Cmd {
	p := strings.TrimSpace(m.path.Value())
	if p == "" {
		m.hint = "A file name is required."
		m.focusOn(0)
		return nil
	}
	if len(m.sources) == 0 {
		m.hint = "No data source to report on."
		return nil
	}
	if !running.CompareAndSwap(false, true) {
		m.hint = "An access report is already being written; wait for it to finish."
		return nil
	}
	// 0600: the report lists people and their access.
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		running.Store(false)
		switch {
		case errors.Is(err, os.ErrExist):
			m.hint = fmt.Sprintf("%s already exists: choose another name (nothing is overwritten).", safe.Line(p))
		case errors.Is(err, os.ErrNotExist):
			m.hint = fmt.Sprintf("The folder %s does not exist.", safe.Line(filepath.Dir(p)))
		default:
			m.hint = "Cannot create the file: " + safe.Line(err.Error())
		}
		m.focusOn(0)
		return nil
	}
	j, first := start(m.ctx, f, p, m.Format(), m.sources)
	return tea.Batch(m.close(), views.Status(first, views.Info), j.wait())
}

// --- the walk -------------------------------------------------------------

// job is one export running: the walk's goroutine updates it, the
// status line reads it.
type job struct {
	ctx    *views.Context
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

// progressEvery spaces the status line's updates: a thousand sources a
// second must not mean a thousand redraws.
const progressEvery = 150 * time.Millisecond

// start runs the walk on its own goroutine; first is the status line
// before any source is done.
func start(ctx *views.Context, f *os.File, path string, fmtt report.Format, srcs []report.Source) (j *job, first string) {
	j = &job{ctx: ctx, path: path, total: len(srcs), notify: make(chan struct{}, 1), end: make(chan struct{})}
	first = j.line()
	conc := ctx.Concurrency
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
			err = report.Walk(context.Background(), ctx.API, seq, report.Options{
				Concurrency: conc, Lookup: true,
				Access:  apiclient.AccessOptions{Size: max(ctx.PageSize, report.DefaultPageSize)},
				Timeout: func(c context.Context) (context.Context, context.CancelFunc) { return ctx.WithTimeout(c) },
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
	return func() tea.Msg {
		select {
		case <-j.end:
			return j.final()
		case <-j.notify:
		}
		// Gather what comes within progressEvery into one update.
		t := time.NewTimer(progressEvery)
		defer t.Stop()
		select {
		case <-j.end:
			return j.final()
		case <-t.C:
		}
		return tea.BatchMsg{views.Status(j.line(), views.Info), j.wait()}
	}
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

// --- help and drawing ------------------------------------------------------

func (m *Model) ShortHelp() []key.Binding {
	if m.focus == 1 {
		return []key.Binding{
			key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "format")),
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "export")),
			key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "file")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next")),
		m.ctx.Keys.Submit,
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) View() string {
	st := m.ctx.Styles
	box := st.Modal.Box
	width := max(min(m.w-4, 76), 24)
	inner := width - box.GetHorizontalFrameSize()
	head := []string{st.Modal.Title.Render(ansi.Truncate(m.Title(), inner, "…")), ""}
	mid := format.WrapText(fmt.Sprintf("One row per member of %s: source id, name, SQL table, member type, id, name, email, state, approved, expiration, since.", m.what), inner)
	tail := []string{"", st.Modal.FieldLabel.Render("File")}
	in := m.path
	in.Width = max(inner-4, 4)
	tail = append(tail, ansi.Truncate(in.View(), inner, ""))
	tail = append(tail, "", st.Modal.FieldLabel.Render("Format"))
	var opts []string
	for i, f := range report.Formats {
		label := " " + string(f) + " "
		switch {
		case i == m.format && m.focus == 1:
			opts = append(opts, st.Modal.ButtonActive.Render("["+string(f)+"]"))
		case i == m.format:
			opts = append(opts, st.Bold.Render("["+string(f)+"]"))
		default:
			opts = append(opts, st.Muted.Render(label))
		}
	}
	tail = append(tail, ansi.Truncate(strings.Join(opts, " "), inner, "…"))
	if m.hint != "" {
		for _, l := range format.ClipLines(format.WrapText(m.hint, inner), 3) {
			tail = append(tail, st.Modal.FieldError.Render(l))
		}
	}
	tail = append(tail, "", st.Muted.Render(ansi.Truncate("enter moves on, then exports · esc cancels", inner, "…")))
	maxLines := max(m.h-box.GetVerticalFrameSize(), 3)
	lines := format.FitLines(head, mid, tail, maxLines, st.Muted.Render("…"))
	return box.Width(inner + box.GetHorizontalPadding()).Render(strings.Join(lines, "\n"))
}
