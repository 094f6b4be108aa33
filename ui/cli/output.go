package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/ui/safe"
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
// server sent, so nothing is lost. HTML characters are not escaped.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
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
