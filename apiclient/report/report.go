// Package report is the access review shared by the CLI's access-report
// and the TUI's export: one row per (data source, member), written as CSV,
// JSON or NDJSON as the rows arrive, and a walk over many sources' members
// with bounded concurrency. It knows nothing of terminals: it writes files
// and streams, byte for byte what the server said.
package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// Format is an output format of the report.
type Format string

const (
	CSV    Format = "csv"
	JSON   Format = "json"   // one JSON array
	NDJSON Format = "ndjson" // one JSON object per line
)

// Formats lists the formats in the order a form offers them.
var Formats = []Format{CSV, JSON, NDJSON}

// ParseFormat reads a format name (any case); anything else is one clear
// error naming the choices.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, JSON, NDJSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use csv, json or ndjson", s)
}

// Source is a data source the report walks. SQLTable is "schema.table",
// Immuta's SQL names for it.
type Source struct {
	ID       int64
	Name     string
	SQLTable string
	// NoTable says SQLTable lacks the table name (a list hit carries only
	// the schema): the walk reads the source to fill it in.
	NoTable bool
}

// SourceOf is the report's view of a data source.
func SourceOf(d *apiclient.DataSource) Source {
	return Source{ID: d.ID, Name: d.Name, SQLTable: SQLTable(d), NoTable: d.SQLTableName == ""}
}

// SQLTable joins a source's SQL schema and table names with a dot, leaving
// out the parts the server did not send.
func SQLTable(d *apiclient.DataSource) string {
	switch {
	case d.SQLSchemaName != "" && d.SQLTableName != "":
		return d.SQLSchemaName + "." + d.SQLTableName
	case d.SQLSchemaName != "":
		return d.SQLSchemaName
	}
	return d.SQLTableName
}

// Row is one member of one data source.
type Row struct {
	SourceID   int64  `json:"sourceId"`
	SourceName string `json:"sourceName"`
	SQLTable   string `json:"sqlTable"`
	MemberType string `json:"memberType"` // user, group, policy: the access entry's type
	MemberID   int64  `json:"memberId"`   // profile id (group id for a group when the server gives one)
	Name       string `json:"name"`
	Email      string `json:"email"`
	State      string `json:"state"`
	Approved   bool   `json:"approved"`
	Expiration string `json:"expiration"` // as the server sent it; empty when none
	Since      string `json:"since"`      // the entry's createdAt
}

// Header is the CSV header, in the order of Record.
var Header = []string{
	"source_id", "source_name", "sql_table", "member_type", "member_id",
	"name", "email", "state", "approved", "expiration", "since",
}

// Record is the row as CSV fields, in the order of Header.
func (r Row) Record() []string {
	return []string{
		strconv.FormatInt(r.SourceID, 10), r.SourceName, r.SQLTable, r.MemberType,
		strconv.FormatInt(r.MemberID, 10), r.Name, r.Email, r.State,
		strconv.FormatBool(r.Approved), r.Expiration, r.Since,
	}
}

// RowOf is the row for member u of source s.
func RowOf(s Source, u apiclient.AccessUser) Row {
	name := u.Name
	if name == "" {
		name = u.UserID
	}
	return Row{
		SourceID: s.ID, SourceName: s.Name, SQLTable: s.SQLTable,
		MemberType: u.Type, MemberID: memberID(u), Name: name, Email: u.Email,
		State: u.State, Approved: u.Approved, Expiration: rawString(u.Raw, "expiration"), Since: u.CreatedAt,
	}
}

// memberID is the member's profile id; a group entry that names its group
// some other way (group, as the emulator does, groupId, or id) gives that.
func memberID(u apiclient.AccessUser) int64 {
	if u.Profile != 0 {
		return u.Profile
	}
	for _, k := range []string{"group", "groupId", "id"} {
		if n, ok := rawInt(u.Raw, k); ok {
			return n
		}
	}
	return 0
}

// rawFields decodes the top level of an object, or nothing.
func rawFields(raw json.RawMessage) map[string]json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// rawString is a string field of raw; a number is kept as written, and a
// field of another kind (or absent, or null) is "".
func rawString(raw json.RawMessage, k string) string {
	v, ok := rawFields(raw)[k]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String()
	}
	return ""
}

func rawInt(raw json.RawMessage, k string) (int64, bool) {
	v, ok := rawFields(raw)[k]
	if !ok {
		return 0, false
	}
	var n int64
	if json.Unmarshal(v, &n) == nil && n != 0 {
		return n, true
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n != 0 {
			return n, true
		}
	}
	return 0, false
}

// Writer writes rows in one format as they come. It buffers: Flush (after
// each source, say) pushes what it has to the underlying writer, and Close
// ends the output (a JSON array's closing bracket; "[]" when no row came).
// The first error sticks: every later call returns it.
type Writer struct {
	f      Format
	out    io.Writer
	buf    *bufio.Writer
	csv    *csv.Writer
	n      int
	err    error
	closed bool
}

// NewWriter returns a writer of format f to w. A CSV starts with Header at
// once, so that an empty report still says what its columns are.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	if _, err := ParseFormat(string(f)); err != nil {
		return nil, err
	}
	rw := &Writer{f: f, out: w, buf: bufio.NewWriterSize(w, 64<<10)}
	if f == CSV {
		rw.csv = csv.NewWriter(rw.buf)
		rw.err = rw.csv.Write(Header)
	}
	return rw, rw.err
}

// Rows is how many rows have been written.
func (w *Writer) Rows() int { return w.n }

// Write adds one row.
func (w *Writer) Write(r Row) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("report: write after close")
	}
	switch w.f {
	case CSV:
		w.err = w.csv.Write(r.Record())
	default:
		b, err := json.Marshal(r)
		if err != nil {
			w.err = err
			return err
		}
		if w.f == JSON {
			sep := ",\n"
			if w.n == 0 {
				sep = "[\n"
			}
			_, w.err = w.buf.WriteString(sep)
		}
		if w.err == nil {
			_, w.err = w.buf.Write(b)
		}
		if w.err == nil && w.f == NDJSON {
			w.err = w.buf.WriteByte('\n')
		}
	}
	if w.err == nil {
		w.n++
	}
	return w.err
}

// Flush writes out what is buffered.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if w.csv != nil {
		w.csv.Flush()
		w.err = w.csv.Error()
	}
	if w.err == nil {
		w.err = w.buf.Flush()
	}
	return w.err
}

// Close ends the output and flushes it. It does not close the underlying
// writer. A second Close does nothing.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if w.f == JSON {
		end := "\n]\n"
		if w.n == 0 {
			end = "[]\n"
		}
		if _, w.err = w.buf.WriteString(end); w.err != nil {
			return w.err
		}
	}
	return w.Flush()
}
