package detail

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

const (
	indent     = 2  // left margin of a section's content
	labelWidth = 18 // the label column of label/value lines
	// minValueWidth: narrower than this beside the labels, labels go on
	// their own line above the value.
	minValueWidth = 16
	// minHeaderLeft is the least room the name and status keep in the
	// header before the scroll position is left out.
	minHeaderLeft = 40
	// minHeaderTitle is the least room the name keeps when the header is
	// cut; below it, the whole line is cut at the end instead.
	minHeaderTitle = 8
)

// View draws the header, a notice line when there is one, and the visible
// part of the page. It never draws more than the size given by SetSize.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	out := make([]string, 0, m.h)
	out = append(out, m.header())
	if n := m.notice(); n != "" && len(out) < m.h {
		out = append(out, n)
	}
	fl := m.findLine()
	body := m.h - len(out) - btoi(fl != "")
	off := m.off[m.mode()]
	for i := off; i < len(m.lines) && i < off+body; i++ {
		out = append(out, m.find.Mark(m.lines[i], m.sess.Styles.Table.Match.Reverse(i == m.find.Line())))
	}
	if fl != "" {
		for len(out) < m.h-1 {
			out = append(out, "")
		}
		out = append(out, fl)
	}
	return strings.Join(out, "\n")
}

// bodyHeight is the number of page lines on screen.
func (m *Model) bodyHeight() int {
	h := m.h - 1
	if m.notice() != "" {
		h--
	}
	if m.find.typing || m.find.Query != "" {
		h-- // the search line
	}
	return max(h, 0)
}

// header is one line: name, id, status word and handler on the left; the
// mode, a refresh marker and the scroll position on the right.
func (m *Model) header() string {
	st := m.sess.Styles
	sep := st.Subtle.Render(" · ")
	title := m.Title()
	status := m.statusWord()
	id := st.Muted.Render(fmt.Sprintf("  #%d", m.id))
	// What follows the name, longest first: as the width shrinks the
	// handler goes, then the id; the status word stays longest.
	var metas []string
	full := id
	if status != "" {
		full += sep + status
	}
	if m.src != nil && m.src.BlobHandlerType != "" {
		full += sep + st.Value.Render(format.Inline(m.src.BlobHandlerType))
	}
	metas = append(metas, full)
	if status != "" {
		metas = append(metas, id+sep+status, sep+status)
	}

	var right []string
	if m.raw {
		right = append(right, st.Accent.Render("raw JSON"))
	}
	if m.loading && m.src != nil {
		right = append(right, st.Muted.Render("refreshing…"))
	}
	if pos := m.position(); pos != "" {
		right = append(right, st.Muted.Render(pos))
	}
	r := strings.Join(right, st.Subtle.Render(" · "))
	rw := lipgloss.Width(r)
	tw := lipgloss.Width(title)
	// The right side gives way when the left would not fit beside it.
	avail := m.w - rw - 1
	if r == "" || (tw+lipgloss.Width(full) > avail && avail < minHeaderLeft) {
		r, rw, avail = "", 0, m.w
	}
	left := ""
	for i, meta := range metas {
		mw := lipgloss.Width(meta)
		if tw+mw <= avail {
			left = st.Title.Render(title) + meta
			break
		}
		if room := avail - mw; room >= minHeaderTitle || (i == len(metas)-1 && room > 0) {
			left = st.Title.Render(ansi.Truncate(title, room, "…")) + meta
			break
		}
	}
	if left == "" {
		left = st.Title.Render(title) + metas[len(metas)-1]
	}
	left = fit(left, avail)
	if r == "" {
		return left
	}
	return left + strings.Repeat(" ", max(m.w-lipgloss.Width(left)-rw, 0)) + r
}

// position says which lines are on screen, when the page does not fit.
func (m *Model) position() string {
	body := m.bodyHeight()
	if body <= 0 || len(m.lines) <= body {
		return ""
	}
	off := m.off[m.mode()]
	return fmt.Sprintf("%d–%d of %d", off+1, min(off+body, len(m.lines)), len(m.lines))
}

func (m *Model) statusWord() string {
	st := m.sess.Styles
	switch {
	case m.removed:
		return st.StatusErr.Render("DELETED")
	case m.src == nil && m.gone:
		return st.StatusErr.Render("not found")
	case m.src == nil && m.loading:
		return st.Muted.Render("loading…")
	case m.src == nil && m.err != nil:
		return st.StatusErr.Render("error")
	case m.src == nil:
		return ""
	case m.src.IsDisabled():
		return st.StatusErr.Render("DISABLED")
	}
	switch s := format.Inline(m.src.Status); s {
	case "passed":
		return st.Success.Render(s)
	case "failed":
		return st.Error.Render(s)
	case "":
		return st.Muted.Render("no status")
	default:
		return st.Warning.Render(s)
	}
}

// notice is a line under the header for what happened to a shown source.
func (m *Model) notice() string {
	if m.src == nil || m.w <= 0 {
		return ""
	}
	st := m.sess.Styles
	var s string
	switch {
	case m.removed:
		s = "✗ This data source has been deleted."
	case m.gone:
		s = fmt.Sprintf("✗ Data source %d no longer exists", m.id)
	case m.err != nil:
		s = "✗ refresh failed: " + format.Inline(apiclient.Explain(m.err))
	default:
		return ""
	}
	return fit(st.StatusErr.Render(s), m.w)
}

// rebuild redraws the page (or the raw JSON) for the current data, width,
// focus and cursor. View only slices it.
func (m *Model) rebuild() {
	m.entryLine = m.entryLine[:0]
	if m.w <= 0 {
		m.lines = nil
		return
	}
	p := &page{w: m.w, st: m.sess.Styles}
	switch {
	case m.src == nil:
		m.placeholder(p)
	case m.raw:
		if m.rawLines == nil || m.rawW != m.w {
			m.rawLines, m.rawW = rawWrap(m.rawText, m.w), m.w
			m.rawColor = nil
		}
		if m.rawColor == nil { // coloured once per text and width
			m.rawColor = m.colorJSON(m.rawLines)
		}
		p.lines = m.rawColor
	default:
		m.overview(p)
		m.tagSection(p)
		m.subscription(p)
		m.checks(p)
		m.documentation(p)
		m.lineage(p)
	}
	m.lines = p.lines
	m.clamp()
}

// rawWrap cuts the raw JSON text into lines of at most w cells.
func rawWrap(text string, w int) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if len(l) <= w {
			out = append(out, l) // no wider than its bytes
			continue
		}
		for _, wl := range strings.Split(ansi.Hardwrap(l, w, true), "\n") {
			out = append(out, fit(wl, w))
		}
	}
	return out
}

// placeholder is the body before the source has loaded: loading or why not.
func (m *Model) placeholder(p *page) {
	st := m.sess.Styles
	k := m.sess.Keys
	switch {
	case m.gone:
		p.text(st.StatusErr, fmt.Sprintf("Data source %d no longer exists", m.id), 0)
		p.text(st.Muted, "It was deleted, or you can no longer see it.", 0)
		p.blank()
		p.text(st.Muted, "Press "+k.Back.Help().Key+" to go back.", 0)
	case m.loading:
		p.text(st.Muted, "Loading "+m.Title()+"…", 0)
	case m.err != nil:
		p.text(st.StatusErr, "Could not load "+m.Title(), 0)
		p.text(st.Value, safe.Block(apiclient.Explain(m.err)), 0)
		p.blank()
		p.text(st.Muted, "Press "+k.Refresh.Help().Key+" to retry.", 0)
	default:
		p.text(st.Muted, "Not loaded. Press "+k.Refresh.Help().Key+" to load.", 0)
	}
}

func (m *Model) overview(p *page) {
	s, now := m.src, m.sess.Clock()
	p.heading("Overview")
	if d, cut := textHead(s.Description, maxDescription); cut {
		p.kv("Description", d+"\n"+m.cutNote(len(s.Description)))
	} else {
		p.kv("Description", d)
	}
	p.kv("Type", format.Inline(s.Type))
	p.kv("Handler", format.Inline(s.BlobHandlerType))
	p.kv("Policy handler", policyHandler(s.PolicyHandlerType, s.PolicyHandler))
	p.kv("Connection", format.Inline(s.ConnectionString))
	p.kv("SQL table", dotted(s.SQLSchemaName, s.SQLTableName))
	p.kv("Remote table", dotted(s.RemoteSchema, s.RemoteTable))
	if m.present["recordCount"] || (len(m.present) == 0 && s.RecordCount != 0) {
		p.kv("Records", format.Thousands(s.RecordCount))
	}
	if s.RowCount != nil {
		p.kv("Rows", format.Thousands(*s.RowCount))
	}
	p.kv("Domain", format.Inline(s.DomainName))
	p.kv("Created", format.When(s.CreatedAt, now))
	p.kv("Created by", m.createdByName(s.CreatedBy))
	p.kv("Updated", format.When(s.UpdatedAt, now))
	p.kv("Stats expire", format.When(s.StatsExpiration, now))
	p.kv("Expires", format.When(s.Expiration, now))
	p.kv("Column evolution", yesNo(s.ColumnEvolutionEnabled, "on", "off"))
	if s.BlobHandler != nil {
		p.kv("Blob handler URL", format.Inline(s.BlobHandler.URL))
	}
	p.kv("Catalog metadata", format.JSONText(s.CatalogMetadata))
}

// maxTagLines bounds the tags listed: a source with thousands of them
// must not make the page that long.
const maxTagLines = 100

// tagSection lists the source's tags (GET /dataSource/{id}/tags), each
// with how it was applied, and the keys that change them.
func (m *Model) tagSection(p *page) {
	st := m.sess.Styles
	tags := m.shownTags()
	p.blank()
	p.heading("Tags")
	switch {
	case len(tags) == 0 && m.tags.loading && !m.tags.loaded:
		p.text(st.Muted, "loading…", indent)
	case len(tags) == 0:
		p.text(st.Muted, "none", indent)
	}
	for i, t := range tags {
		if i == maxTagLines {
			p.text(st.Muted, fmt.Sprintf("… and %d more (every one is in the raw JSON and in dsbrowse tags %d)", len(tags)-i, m.id), indent)
			break
		}
		name := strings.TrimSpace(format.Inline(t.Name))
		if name == "" {
			continue
		}
		var how []string
		if c := format.Inline(t.TagContext()); c != "" {
			how = append(how, c)
		}
		if s := format.Inline(t.TagSource()); s != "" && s != t.TagContext() {
			how = append(how, s)
		}
		line := st.Value.Render("• " + name)
		if len(how) > 0 {
			line += st.Muted.Render("  " + strings.Join(how, " · "))
		}
		p.add(strings.Repeat(" ", indent) + line)
	}
	if m.tags.err != nil && !m.tags.loaded {
		p.text(st.Muted, "(from the source: the tags call failed: "+format.Inline(apiclient.Explain(m.tags.err))+")", indent)
	}
	k := m.sess.Keys
	var hint []string
	if k.AddTag.Enabled() {
		hint = append(hint, k.AddTag.Help().Key+" adds a tag")
		if len(tags) > 0 {
			hint = append(hint, k.RemoveTag.Help().Key+" removes one")
		}
	}
	hint = append(hint, k.Columns.Help().Key+" shows the columns")
	p.text(st.Subtle, strings.Join(hint, " · "), indent)
}

func (m *Model) subscription(p *page) {
	s := m.src
	sub := []string{}
	if v := format.Inline(s.SubscriptionStatus); v != "" {
		sub = append(sub, v)
	}
	if s.SubscriptionID != nil {
		sub = append(sub, fmt.Sprintf("subscription #%d", *s.SubscriptionID))
	}
	words := policyWords(s.SubscriptionPolicy)
	approved := yesNo(s.Approved, "yes", "no")
	typ := format.Inline(s.SubscriptionType)
	if len(sub) == 0 && len(words) == 0 && approved == "" && typ == "" {
		return
	}
	p.blank()
	p.heading("Subscription")
	p.kv("You", strings.Join(sub, " · "))
	p.kv("Type", typ)
	p.kv("Policy", strings.Join(words, "\n"))
	p.kv("Approved", approved)
}

func (m *Model) checks(p *page) {
	info := m.src.StatusInfo
	if len(info) == 0 {
		return
	}
	st := m.sess.Styles
	keys := make([]string, 0, len(info))
	for k := range info {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ci, cj := info[keys[i]].Status != "", info[keys[j]].Status != ""
		if ci != cj {
			return ci // checks with a status first
		}
		return keys[i] < keys[j]
	})
	now := m.sess.Clock()
	p.blank()
	p.heading("Status checks")
	for _, k := range keys {
		c := info[k]
		var parts []string
		switch s := format.Inline(strings.TrimSpace(c.Status)); s {
		case "":
		case "passed":
			parts = append(parts, st.Success.Render("✓ passed"))
		case "failed":
			parts = append(parts, st.Error.Render("✗ failed"))
		default:
			parts = append(parts, st.Warning.Render("• "+s))
		}
		if msg := strings.TrimSpace(format.Inline(c.Message)); msg != "" {
			parts = append(parts, st.Value.Render(msg))
		}
		if c.LastAttempted != "" {
			parts = append(parts, st.Muted.Render("last attempted "+format.When(c.LastAttempted, now)))
		}
		if c.Date != "" {
			parts = append(parts, st.Value.Render(format.When(c.Date, now)))
		}
		if len(parts) == 0 {
			parts = append(parts, st.Muted.Render("no details"))
		}
		p.kvStyled(humanize(k), strings.Join(parts, st.Subtle.Render(" · ")))
	}
}

func (m *Model) documentation(p *page) {
	doc, cut := textHead(m.src.Documentation, maxDocumentation)
	if doc == "" {
		return
	}
	p.blank()
	p.heading("Documentation")
	p.text(m.sess.Styles.Value, doc, indent)
	if cut {
		p.text(m.sess.Styles.Muted, m.cutNote(len(m.src.Documentation)), indent)
	}
}

// What the page shows of long free text, in bytes. Wrapping it is the
// cost of opening the page (and of every resize), so it is bounded: a
// server that sends 10 MB of documentation does not freeze the screen.
const (
	maxDescription   = 8 << 10
	maxDocumentation = 32 << 10
)

// textHead is the head of server text s, at most n bytes, made safe (newlines
// kept) and trimmed, and whether anything was cut.
func textHead(s string, n int) (string, bool) {
	h, cut := format.Head(s, n)
	return strings.TrimSpace(safe.Block(h)), cut
}

// cutNote says that a text was cut, and where the rest is.
func (m *Model) cutNote(size int) string {
	return fmt.Sprintf("… cut here: %s in all, the whole text is in the raw JSON (%s)",
		byteSize(size), m.sess.Keys.Raw.Help().Key)
}

// byteSize is n bytes in short words: "812 bytes", "64 KB", "10.0 MB".
func byteSize(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func (m *Model) lineage(p *page) {
	st := m.sess.Styles
	p.blank()
	p.heading("Lineage")
	n := 0
	for i, title := range [2]string{"Parents", "Children"} {
		l := m.lin[i]
		p.add(strings.Repeat(" ", indent) + st.Bold.Render(title))
		const in = 2 * indent
		switch {
		case l.err != nil:
			p.text(st.Error, "✗ could not load "+strings.ToLower(title)+": "+format.Inline(apiclient.Explain(l.err)), in)
		case len(l.entries) > 0:
			for _, e := range l.entries {
				m.entryLine = append(m.entryLine, len(p.lines))
				p.add(m.entry(e, n))
				n++
			}
		case l.loading:
			p.text(st.Muted, "loading…", in)
		case l.loaded:
			p.text(st.Muted, "none", in)
		default:
			p.text(st.Muted, "not loaded", in)
		}
	}
}

// entry draws one lineage entry; the selected one has a marker (visible
// without colour) and the selection style.
func (m *Model) entry(e apiclient.LineageEntry, n int) string {
	st := m.sess.Styles
	selected := m.focus == focusLineage && n == m.cursor
	name := format.Inline(e.DataSourceName)
	if strings.TrimSpace(name) == "" {
		name = "(no name)"
	}
	parts := []string{fmt.Sprintf("#%d", e.DataSourceID)}
	if pn := format.Inline(e.ProjectName); pn != "" {
		parts = append(parts, "project "+pn)
	} else if e.ProjectID != 0 {
		parts = append(parts, fmt.Sprintf("project #%d", e.ProjectID))
	}
	if e.CreatedAt != "" {
		parts = append(parts, "created "+format.When(e.CreatedAt, m.sess.Clock()))
	}
	if e.Deleted {
		parts = append(parts, "deleted")
	}
	rest := "  " + strings.Join(parts, " · ")
	prefix := strings.Repeat(" ", 2*indent)
	if selected {
		prefix = strings.Repeat(" ", indent) + "▸ "
		line := fit(prefix+name+rest, m.w)
		pad := max(m.w-lipgloss.Width(line), 0)
		return st.Table.Selected.Render(line + strings.Repeat(" ", pad))
	}
	nameStyle := st.Value
	if e.Deleted {
		nameStyle = st.Subtle
	}
	return fit(prefix+nameStyle.Render(name)+st.Muted.Render(rest), m.w)
}

// page collects the lines of the page at width w.
type page struct {
	w     int
	st    *styles.Styles
	lines []string
}

// add appends one line, cut to the width.
func (p *page) add(s string) { p.lines = append(p.lines, fit(s, p.w)) }

func (p *page) blank() { p.lines = append(p.lines, "") }

func (p *page) heading(s string) { p.add(p.st.Section.Render(s)) }

// text wraps s (safe text, newlines kept) at the width, indented by in.
func (p *page) text(style lipgloss.Style, s string, in int) {
	in = min(in, max(p.w-1, 0))
	pad := strings.Repeat(" ", in)
	for _, l := range wrap(s, p.w-in) {
		p.add(pad + style.Render(l))
	}
}

// kv adds a label/value line, or nothing when value is empty. value is safe
// text; it is wrapped under itself and drawn in the value style.
func (p *page) kv(label, value string) {
	if strings.TrimSpace(value) == "" {
		return
	}
	p.field(label, value, func(s string) string { return p.st.Value.Render(s) })
}

// kvStyled is kv for a value that carries its own styles.
func (p *page) kvStyled(label, value string) {
	p.field(label, value, func(s string) string { return s })
}

func (p *page) field(label, value string, style func(string) string) {
	margin := strings.Repeat(" ", indent)
	if p.w-indent-labelWidth < minValueWidth {
		// Narrow: the label on its own line, the value indented below it.
		p.add(margin + p.st.Label.Render(label))
		in := min(2*indent, max(p.w-1, 0))
		for _, l := range wrap(value, p.w-in) {
			p.add(strings.Repeat(" ", in) + style(l))
		}
		return
	}
	label = ansi.Truncate(label, labelWidth-1, "…")
	cell := label + strings.Repeat(" ", labelWidth-lipgloss.Width(label))
	hang := strings.Repeat(" ", indent+labelWidth)
	for i, l := range wrap(value, p.w-indent-labelWidth) {
		if i == 0 {
			p.add(margin + p.st.Label.Render(cell) + style(l))
		} else {
			p.add(hang + style(l))
		}
	}
}

// wrap word-wraps each line of s to width w (at least 1).
func wrap(s string, w int) []string {
	w = max(w, 1)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
	}
	return out
}

// fit cuts s to at most w cells, marking the cut with an ellipsis.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}
