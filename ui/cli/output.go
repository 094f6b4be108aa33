package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/safe"
)

// maxCell bounds a table cell, in terminal columns.
const maxCell = 60

// table prints aligned columns for people. Cells are sanitized and measured
// in display width, so wide characters line up.
type table struct {
	header []string
	rows   [][]string
}

func newTable(header ...string) *table { return &table{header: header} }

func (t *table) add(cells ...string) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = safe.Short(c, maxCell)
	}
	t.rows = append(t.rows, row)
}

func (t *table) write(w io.Writer) error {
	widths := make([]int, len(t.header))
	for _, row := range append([][]string{t.header}, t.rows...) {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], ansi.StringWidth(c))
			}
		}
	}
	var b strings.Builder
	for _, row := range append([][]string{t.header}, t.rows...) {
		line := &strings.Builder{}
		for i, c := range row {
			if i >= len(widths) {
				break
			}
			line.WriteString(c)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fields prints "Label:  value" lines with the values aligned; empty values
// are left out.
type fields struct {
	rows [][2]string
}

func (f *fields) add(label, value string) {
	if strings.TrimSpace(value) == "" {
		return
	}
	f.rows = append(f.rows, [2]string{label, safe.Line(value)})
}

func (f *fields) write(w io.Writer) error {
	width := 0
	for _, r := range f.rows {
		width = max(width, ansi.StringWidth(r[0]))
	}
	var b strings.Builder
	for _, r := range f.rows {
		b.WriteString(r[0])
		b.WriteString(":")
		b.WriteString(strings.Repeat(" ", width-ansi.StringWidth(r[0])+2))
		b.WriteString(r[1])
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeJSON prints v indented. The apiclient types marshal to the JSON the
// server sent, so nothing is lost; a value that marshals to null is refused,
// since --json prints what the server sent or fails. HTML characters are not
// escaped; the characters a terminal acts on or that reorder text are (see
// escapeJSON), so the output is safe to cat.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if bytes.Equal(bytes.TrimSpace(buf.Bytes()), []byte("null")) {
		return errors.New("the server sent nothing to print")
	}
	_, err := w.Write(escapeJSON(buf.Bytes()))
	return err
}

// escapeJSON rewrites, in encoded JSON, the characters encoding/json leaves
// as they are but a terminal would act on (DEL, the C1 controls U+0080 to
// U+009F) or that reorder how text reads (bidi embeddings, overrides,
// isolates and marks) as \uXXXX escapes. Such characters can only occur
// inside JSON strings, where the escape means the same character, so the
// data is unchanged. Invalid UTF-8 becomes \ufffd, as encoding/json does
// with the strings it encodes itself.
func escapeJSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf && b[i] != 0x7f {
		i++
	}
	if i == len(b) {
		return b // ASCII without DEL: the common case copies nothing
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, `\ufffd`...)
		case r == 0x7f, r >= 0x80 && r <= 0x9f, unicode.Is(unicode.Bidi_Control, r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// serverJSON is the exact JSON the server sent for one object, or an error
// that names the call when it sent nothing (an empty body or null).
func serverJSON(call string, raw json.RawMessage) (json.RawMessage, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return nil, fmt.Errorf("empty answer from %s", call)
	}
	return raw, nil
}

// compactJSON renders raw JSON on one line for plain output ("" for null or
// empty).
func compactJSON(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	s := b.String()
	switch s {
	case "[]", "{}", `""`:
		return ""
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// column is one column of a streamed table.
type column struct {
	title string
	min   int  // width even if the first page's cells are narrower
	keep  bool // never clipped (an ID is no use cut short): it may push the row out of line instead
}

// streamTable prints a table page by page: the widths are fixed from the
// header and the first page, and a later cell that is wider is clipped
// with "…" (the last column is never padded, so never clipped either).
type streamTable struct {
	w       io.Writer
	cols    []column
	widths  []int
	started bool
}

// fit sets the widths from the first page's cells.
func (t *streamTable) fit(rows [][]string) {
	t.widths = make([]int, len(t.cols))
	for i, c := range t.cols {
		t.widths[i] = max(c.min, ansi.StringWidth(c.title))
	}
	for _, row := range rows {
		for i, c := range row {
			if i < len(t.widths) {
				t.widths[i] = max(t.widths[i], ansi.StringWidth(c))
			}
		}
	}
}

// render lays out rows of cells (already safe.Short) as lines.
func (t *streamTable) render(rows [][]string) []byte {
	var b bytes.Buffer
	for _, row := range rows {
		start := b.Len()
		for i, c := range row {
			if i >= len(t.widths) {
				break
			}
			if i == len(row)-1 {
				b.WriteString(c)
				break
			}
			w := ansi.StringWidth(c)
			if w > t.widths[i] && !t.cols[i].keep {
				c = ansi.Truncate(c, t.widths[i], "…")
				w = ansi.StringWidth(c)
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", max(t.widths[i]-w, 0)+2))
		}
		b.Truncate(start + len(bytes.TrimRight(b.Bytes()[start:], " ")))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// emit prints one page of lines, the header before the first.
func (t *streamTable) emit(lines []byte) error {
	if !t.started {
		t.started = true
		header := make([]string, len(t.cols))
		for i, c := range t.cols {
			header[i] = c.title
		}
		lines = append(t.render([][]string{header}), lines...)
	}
	_, err := t.w.Write(lines)
	return err
}

// jsonStream prints one JSON array element by element, exactly as writeJSON
// prints the whole slice: each page is one write of whole elements, so the
// sink never sees half a string. On a failure mid-way it is left open, so
// that no parser takes the part printed for the whole list.
type jsonStream struct {
	w       io.Writer
	started bool
}

// renderJSON lays out a page's elements as they appear inside writeJSON's
// indented array (without the separators around the page). An element the
// server sent is indented from its raw bytes, which is what the encoder
// does with them too, without its second validating pass; one without raw
// bytes goes through the encoder.
func renderJSON[T any](items []T, raw func(*T) json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	for i := range items {
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.WriteString("  ")
		if r := bytes.TrimSpace(raw(&items[i])); len(r) > 0 {
			if err := json.Indent(&buf, r, "  ", "  "); err != nil {
				return nil, err
			}
			continue
		}
		if err := enc.Encode(&items[i]); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	return escapeJSON(buf.Bytes()), nil
}

func (a *jsonStream) emit(elems []byte) error {
	sep := ",\n"
	if !a.started {
		a.started, sep = true, "[\n"
	}
	_, err := a.w.Write(append([]byte(sep), elems...))
	return err
}

// close ends the array: "[]" when nothing was printed, like writeJSON.
func (a *jsonStream) close() error {
	end := "\n]\n"
	if !a.started {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}
