package cli

// The listing formats of ls --format: table (the default), csv, tsv, json
// (--json for short) and ndjson. Every one streams page by page through
// the shared pager, as the table does.
//
// CSV and TSV are data: a cell keeps its whole text, not clipped to the
// table's width. Server text still never reaches a terminal as it is:
// on a terminal every line goes through the sink (control characters
// shown, not obeyed); into a pipe or a file the bytes are the server's,
// with only the API key redacted. JSON and NDJSON escape such characters
// (\u001b), which keeps the data and is safe anywhere.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

type outFormat string

const (
	fmtTable  outFormat = "table"
	fmtCSV    outFormat = "csv"
	fmtTSV    outFormat = "tsv"
	fmtJSON   outFormat = "json"
	fmtNDJSON outFormat = "ndjson"
)

var outFormats = []outFormat{fmtTable, fmtCSV, fmtTSV, fmtJSON, fmtNDJSON}

// parseFormat reads --format (any case), with --json as its short form.
// "" is the table (or JSON with --json); --json with another format is
// a usage error.
func parseFormat(cmd, s string, asJSON bool) (outFormat, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		if asJSON {
			return fmtJSON, nil
		}
		return fmtTable, nil
	}
	for _, f := range outFormats {
		if outFormat(s) == f {
			if asJSON && f != fmtJSON {
				return "", usagef(cmd, "--json is --format json: it cannot go with --format %s", f)
			}
			return f, nil
		}
	}
	return "", usagef(cmd, "--format %q: use table, csv, tsv, json or ndjson", s)
}

// dataOut is where CSV and TSV go: the sink on a terminal, else stdout
// as given with the key redacted (the data kept byte for byte).
func (r *run) dataOut() io.Writer {
	if isTerminal(r.rawOut) {
		return r.io.Out
	}
	return &redactor{w: r.rawOut, r: r}
}

// redactor hides the API key and session tokens in what it writes; each
// Write is one whole page, so a key cannot straddle two.
type redactor struct {
	w io.Writer
	r *run
}

func (s *redactor) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, s.r.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// streamAs prints the list in format f; table and JSON are stream's. It
// reports whether anything was listed.
func streamAs[T any](r *run, l listing[T], limit int, f outFormat, wide bool) (bool, error) {
	switch f {
	case fmtTable, fmtJSON:
		return stream(r, l, limit, f == fmtJSON, wide)
	}
	t := r.env.Target
	p := pager[T, []byte]{fetch: l.fetch, raw: l.raw, path: l.path,
		first: t.PageSize, size: pageBound(t), parallel: t.Concurrency, limit: limit, fixed: t.FixedPaging}
	titles := make([]string, len(l.cols))
	for i, c := range l.cols {
		titles[i] = c.title
	}
	var out io.Writer
	switch f {
	case fmtNDJSON:
		out = r.io.Out // escaped JSON: the sink has nothing to change
		p.render = func(items []T) ([]byte, error) { return renderNDJSON(items, l.raw) }
	case fmtCSV:
		out = r.dataOut()
		p.render = func(items []T) ([]byte, error) { return renderCSV(nil, items, l.cells) }
	case fmtTSV:
		out = r.dataOut()
		p.render = func(items []T) ([]byte, error) { return renderTSV(nil, items, l.cells), nil }
	default:
		return false, fmt.Errorf("unknown format %q", f)
	}
	// The header goes out before any row, even when none comes: an empty
	// CSV still says what its columns are.
	switch f {
	case fmtCSV:
		h, err := renderCSV(titles, []T(nil), l.cells)
		if err != nil {
			return false, err
		}
		if _, err := out.Write(h); err != nil {
			return false, err
		}
	case fmtTSV:
		if _, err := out.Write(renderTSV(titles, []T(nil), l.cells)); err != nil {
			return false, err
		}
	}
	listed := false
	p.emit = func(b []byte) error {
		listed = true
		_, err := out.Write(b)
		return err
	}
	err := p.run(r.ctx)
	return listed, err
}

// renderCSV is a page of CSV rows (RFC 4180 quoting), after header when
// one is given.
func renderCSV[T any](header []string, items []T, cells func(*T) []string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if header != nil {
		if err := w.Write(header); err != nil {
			return nil, err
		}
	}
	for i := range items {
		if err := w.Write(cells(&items[i])); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// tsvEscape writes a cell for TSV, which has no quoting: a backslash,
// tab, newline or carriage return is written as \\, \t, \n, \r (as
// PostgreSQL's text format and MySQL do), so every row is one line and
// the data reads back.
var tsvEscape = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func renderTSV[T any](header []string, items []T, cells func(*T) []string) []byte {
	var buf bytes.Buffer
	line := func(cs []string) {
		for j, c := range cs {
			if j > 0 {
				buf.WriteByte('\t')
			}
			buf.WriteString(tsvEscape.Replace(c))
		}
		buf.WriteByte('\n')
	}
	if header != nil {
		line(header)
	}
	for i := range items {
		line(cells(&items[i]))
	}
	return buf.Bytes()
}

// renderNDJSON is one compact JSON object per line: the server's bytes
// when it sent them, with terminal-moving characters escaped.
func renderNDJSON[T any](items []T, raw func(*T) json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	for i := range items {
		if b := bytes.TrimSpace(raw(&items[i])); len(b) > 0 {
			if err := json.Compact(&buf, b); err != nil {
				return nil, err
			}
		} else {
			b, err := json.Marshal(&items[i])
			if err != nil {
				return nil, err
			}
			buf.Write(b)
		}
		buf.WriteByte('\n')
	}
	return escapeJSON(buf.Bytes()), nil
}
