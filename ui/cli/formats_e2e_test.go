package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

var lsHeader = []string{"ID", "NAME", "STATUS", "SUBSCRIPTION", "HANDLER", "SCHEMA", "STATE"}

// lsIDs reads the ids of an ls output in each format, in output order.
func lsIDs(t *testing.T, format, out string) []string {
	t.Helper()
	var ids []string
	switch format {
	case "csv":
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(recs) == 0 || !slices.Equal(recs[0], lsHeader) {
			t.Fatalf("csv: %v %q", err, out[:min(len(out), 300)])
		}
		for _, r := range recs[1:] {
			ids = append(ids, r[0])
		}
	case "tsv":
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if !slices.Equal(strings.Split(lines[0], "\t"), lsHeader) {
			t.Fatalf("tsv header %q", lines[0])
		}
		for _, l := range lines[1:] {
			cells := strings.Split(l, "\t")
			if len(cells) != len(lsHeader) {
				t.Fatalf("tsv row with %d cells: %q", len(cells), l)
			}
			ids = append(ids, cells[0])
		}
	case "json":
		for _, o := range jsonArray(t, out) {
			ids = append(ids, strconv.FormatFloat(o["id"].(float64), 'f', -1, 64))
		}
	case "ndjson":
		sc := bufio.NewScanner(strings.NewReader(out))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var o map[string]any
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				t.Fatalf("ndjson line %q: %v", sc.Text(), err)
			}
			ids = append(ids, strconv.FormatFloat(o["id"].(float64), 'f', -1, 64))
		}
	case "table":
		for _, row := range rows(out) {
			ids = append(ids, strings.Fields(row)[0])
		}
	}
	return ids
}

// ls --format table|csv|tsv|json|ndjson: every format lists every source,
// in the same order, and reads back; --json is --format json; --limit
// holds for each; bad formats are one line of usage error.
func TestLsFormats(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 250})
	total := srv.Handler.Len()
	want := lsIDs(t, "json", r.ok("ls", "--json").out)
	if len(want) != total {
		t.Fatalf("--json listed %d of %d", len(want), total)
	}
	for _, f := range []string{"table", "csv", "tsv", "json", "ndjson", "CSV"} {
		res := r.ok("ls", "--format", f)
		if got := lsIDs(t, strings.ToLower(f), res.out); !slices.Equal(got, want) {
			t.Errorf("--format %s: %d ids, want %d in --json's order", f, len(got), len(want))
		}
		lim := r.ok("ls", "--format", f, "--limit", "7")
		if got := lsIDs(t, strings.ToLower(f), lim.out); !slices.Equal(got, want[:7]) {
			t.Errorf("--format %s --limit 7: %v", f, got)
		}
	}
	// CSV keeps whole cells: the table clips long names, CSV does not.
	recs, _ := csv.NewReader(strings.NewReader(r.ok("ls", "--format", "csv").out)).ReadAll()
	js := jsonArray(t, r.ok("ls", "--json").out)
	for i, rec := range recs[1:] {
		if rec[1] != js[i]["name"] {
			t.Fatalf("csv name %q, server's %q", rec[1], js[i]["name"])
		}
	}
	// An empty list: CSV and TSV still have their header, JSON is [].
	empty := r.ok("ls", "--format", "csv", "--search", "no-such-source-anywhere")
	if empty.out != strings.Join(lsHeader, ",")+"\n" {
		t.Errorf("empty csv %q", empty.out)
	}
	if out := r.ok("ls", "--format", "ndjson", "--search", "no-such-source-anywhere").out; out != "" {
		t.Errorf("empty ndjson %q", out)
	}
	r.fails(2, `--format "xml": use table, csv, tsv, json or ndjson`, "ls", "--format", "xml")
	r.fails(2, "--json is --format json: it cannot go with --format csv", "ls", "--json", "--format", "csv")
	if got := lsIDs(t, "json", r.ok("ls", "--json", "--format", "json").out); len(got) != total {
		t.Errorf("--json --format json: %d", len(got))
	}
}

// Server text in CSV and TSV is data: into a pipe the bytes are the
// server's (the API key still redacted), TSV escapes its separators; on
// a terminal nothing moves it (the sink shows control characters).
// NDJSON escapes them and reads back to the server's string.
func TestLsFormatsHostile(t *testing.T) {
	const key = "k-hostile-0123456789"
	evil := "\x1b[31mEVIL\x1b]0;pwn\x07\u202e\ttab\nline, \"q\" " + key
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"count": 2, "hits": []any{
			map[string]any{"id": 1, "name": evil, "status": "passed"},
			map[string]any{"id": 2, "name": "plain"},
		}})
	}))
	defer srv.Close()
	r := newRunner(t)
	r.env["IMMUTA_URL"] = srv.URL
	r.env["IMMUTA_API_KEY"] = key
	redacted := strings.ReplaceAll(evil, key, "[REDACTED]")

	out := r.ok("ls", "--format", "csv").out
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][1] != redacted {
		t.Errorf("csv: %v %q", err, out)
	}
	out = r.ok("ls", "--format", "tsv").out
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 || strings.Split(lines[1], "\t")[1] != tsvEscape.Replace(redacted) {
		t.Errorf("tsv: %q", out)
	}
	out = r.ok("ls", "--format", "ndjson").out
	if strings.ContainsAny(out, "\x1b\x07\u202e") || strings.Contains(out, key) {
		t.Errorf("ndjson carries raw control characters or the key: %q", out)
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &o); err != nil || o["name"] != redacted {
		t.Errorf("ndjson: %v %q", err, out)
	}

	// On a terminal: the sink, so nothing moves the terminal.
	old := isTerminal
	isTerminal = func(v any) bool { _, ok := v.(*bytes.Buffer); return ok }
	t.Cleanup(func() { isTerminal = old })
	bad := regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")
	for _, f := range []string{"csv", "tsv", "ndjson"} {
		res := runMain(t, map[string]string{"IMMUTA_URL": srv.URL, "IMMUTA_API_KEY": key}, "", "ls", "--format", f)
		if res.code != 0 || !strings.Contains(res.out.String(), "EVIL") {
			t.Errorf("%s on a terminal: %d %q", f, res.code, res.err.String())
		}
		if loc := bad.FindStringIndex(res.out.String()); loc != nil || strings.Contains(res.out.String(), key) {
			t.Errorf("%s on a terminal printed a control character or the key: %q", f, res.out.String())
		}
	}
}
