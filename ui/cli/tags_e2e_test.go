package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// tags, tags add, tags rm and columns through the built binary against the
// emulator: the tables, --json as sent, each write sent once, refusals
// sending nothing.

// tagRows reads a TAG / RESULT (or TAG / CONTEXT / SOURCE) listing into
// tag -> rest of the line; tags are one word in these tests.
func tagRows(out string) map[string]string {
	m := map[string]string{}
	for _, l := range rows(out) {
		tag, rest, _ := strings.Cut(l, " ")
		m[tag] = strings.TrimSpace(rest)
	}
	return m
}

func TestTagsAndColumns(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{})
	res := r.ok("tags", "28")
	if got := tagRows(res.out); !strings.HasPrefix(got["PII"], "catalog") || !strings.HasPrefix(got["Sensitive"], "catalog") || len(got) != 2 {
		t.Errorf("tags 28:\n%s", res)
	}
	if !strings.HasPrefix(res.out, "TAG ") {
		t.Errorf("no header:\n%s", res.out)
	}
	js := jsonObject(t, r.ok("tags", "28", "--json").out)
	if tags, ok := js["tags"].([]any); !ok || len(tags) != 2 || tags[0].(map[string]any)["name"] != "PII" {
		t.Errorf("tags --json is not the server's answer: %v", js)
	}
	if res := r.ok("tags", "22"); res.out != "" || !strings.Contains(res.err, "data source 22 has no tags") {
		t.Errorf("no tags: %s", res)
	}
	r.fails(1, "data source 9999 not found", "tags", "9999")
	r.fails(2, "ID must be a positive number", "tags", "x")

	res = r.ok("columns", "26")
	lines := rows(res.out)
	if len(lines) < 4 || !strings.HasPrefix(res.out, "NAME ") {
		t.Fatalf("columns 26:\n%s", res)
	}
	var email string
	for _, l := range lines {
		if strings.HasPrefix(l, "EMAIL ") {
			email = l
		}
	}
	for _, want := range []string{"text", "VARCHAR(16777216)", "yes", "PII.Email, PII", "email address"} {
		if !strings.Contains(email, want) {
			t.Errorf("EMAIL row lacks %q: %q", want, email)
		}
	}
	if first := lines[0]; !strings.HasPrefix(first, "CUSTOMER_ID") || !strings.Contains(first, "no") || !strings.Contains(first, "NUMBER(38,0)") {
		t.Errorf("key column row: %q", first)
	}
	d := jsonObject(t, r.ok("columns", "26", "--json").out)
	if md, ok := d["metadata"].([]any); !ok || len(md) != len(lines) || num(d["dataSource"]) != 26 {
		t.Errorf("columns --json: %v", d)
	}
	r.fails(1, "data source 1 has no data dictionary (the server answered: not found)", "columns", "1")
}

func TestTagsAddRm(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 20})
	srv.Handler.ResetLog()
	res := r.ok("tags", "add", "22", "PII.Email", "Gold", "--yes")
	if got := tagRows(res.out); got["PII.Email"] != "added" || got["Gold"] != "added" {
		t.Errorf("tags add: %s", res)
	}
	if !strings.Contains(res.err, `Add "PII.Email", "Gold" to Public Barfoo (22).`) {
		t.Errorf("--yes does not say what it does: %s", res.err)
	}
	posts := writesTo(srv, "POST", "/tag/datasource/22")
	if len(posts) != 1 || len(anyWrites(srv)) != 1 || posts[0].Body != `[{"name":"PII.Email"},{"name":"Gold"}]` {
		t.Fatalf("add sent: %+v", anyWrites(srv))
	}
	if got := tagRows(r.ok("tags", "22").out); !strings.HasPrefix(got["PII.Email"], "manual") {
		t.Errorf("after add: %v", got)
	}
	// The list and its tag filter follow.
	listed := jsonArray(t, r.ok("ls", "--tag", "PII.Email", "--json").out)
	if len(listed) != 1 || num(listed[0]["id"]) != 22 {
		t.Errorf("ls --tag PII.Email: %v", listed)
	}

	// rm: one DELETE per tag the source has, escaped; a tag it lacks is
	// reported and not sent.
	srv.Handler.ResetLog()
	res = r.run("tags", "rm", "22", "Gold", "Nope", "--yes")
	got := tagRows(res.out)
	if res.code != 1 || got["Gold"] != "removed" || !strings.Contains(got["Nope"], "not on this source; nothing was sent") {
		t.Errorf("tags rm: %s", res)
	}
	if !strings.Contains(res.err, "1 of 2 tags were not removed") {
		t.Errorf("tags rm: %s", res.err)
	}
	dels := writesTo(srv, "DELETE", "/tag/")
	if len(dels) != 1 || len(anyWrites(srv)) != 1 || dels[0].Path != "/tag/datasource/22/Gold" {
		t.Fatalf("rm sent: %+v", anyWrites(srv))
	}
	js := jsonArray(t, r.ok("tags", "rm", "22", "PII.Email", "--yes", "--json").out)
	if len(js) != 1 || js[0]["tag"] != "PII.Email" || js[0]["answer"] == nil {
		t.Errorf("rm --json: %v", js)
	}
	if res := r.ok("tags", "22"); !strings.Contains(res.err, "no tags") {
		t.Errorf("after rm: %s", res)
	}

	// A name with a space and a slash travels escaped and comes back.
	r.ok("tags", "add", "22", "Team A/B", "--yes")
	srv.Handler.ResetLog()
	r.ok("tags", "rm", "22", "Team A/B", "--yes")
	if w := anyWrites(srv); len(w) != 1 || w[0].Method != "DELETE" {
		t.Fatalf("escaped rm: %+v", w)
	}
}

func TestTagsWriteRefusals(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{})
	srv.Handler.ResetLog()
	r.fails(1, "stdin is not a terminal", "tags", "add", "22", "PII")
	r.fails(1, "stdin is not a terminal", "tags", "rm", "28", "PII")
	r.fails(1, "read-only", "--read-only", "tags", "add", "22", "PII", "--yes")
	r.fails(1, "read-only", "--read-only", "tags", "rm", "28", "PII", "--yes")
	r.fails(2, "missing arguments: want ID TAG...", "tags", "add", "22")
	r.fails(2, "a tag name is needed", "tags", "add", "22", " ", "--yes")
	r.fails(2, "longer than 500", "tags", "add", "22", strings.Repeat("x", 501), "--yes")
	r.fails(1, "data source 9999 not found", "tags", "add", "9999", "PII", "--yes")

	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.prod]\nurl = \""+srv.URL+"\"\napi_key_env = \"K\"\nprotected = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.env["K"] = srv.Handler.Key()
	p := []string{"--config", cfg, "--profile", "prod"}
	r.fails(1, "profile prod is protected", append(slices.Clone(p), "tags", "add", "22", "PII", "--yes")...)
	r.fails(1, "profile prod is protected", append(slices.Clone(p), "tags", "rm", "28", "PII", "--yes")...)
	if w := anyWrites(srv); len(w) != 0 {
		t.Fatalf("refused tag writes were sent: %+v", w)
	}
}

func TestTagsHelp(t *testing.T) {
	r := newRunner(t)
	help := r.ok("--help").out
	for _, want := range []string{"tags", "tags add", "tags rm", "columns"} {
		if !strings.Contains(help, "  "+want+" ") {
			t.Errorf("--help lacks %q:\n%s", want, help)
		}
	}
	for cmd, wants := range map[string][]string{
		"tags":     {"tags add", "tags rm", "--json"},
		"tags add": {"ID TAG...", "--yes", "POST /tag/datasource/ID"},
		"tags rm":  {"ID TAG...", "--yes", "URL-escaped"},
		"columns":  {"GET /dictionary/ID", "--json"},
	} {
		out := r.ok(append(strings.Fields(cmd), "--help")...).out
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s --help lacks %q:\n%s", cmd, w, out)
			}
		}
	}
}
