package tui_test

// End-to-end (issue 10 §3): the built binary on --demo under tmux. y then
// a letter copies through OSC 52 and tmux (set-clipboard on) holds the
// copy; w starts the browser named by $BROWSER (a script that records its
// arguments: no real browser) with the source's page; x exports the
// filtered rows to CSV, which reads back in the list's order.

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// waitFile waits for path to exist with content (the browser script runs
// in its own process).
func waitFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never written", path)
		}
		time.Sleep(pollEvery)
	}
}

func TestE2ECopyOpenExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	opened := filepath.Join(dir, "opened")
	browser := filepath.Join(dir, "browser.sh")
	broken := filepath.Join(dir, "broken")
	// It records its arguments; once broken exists it fails at once, as
	// xdg-open does without a browser.
	script := fmt.Sprintf("#!/bin/sh\n[ -e %s ] && exit 3\nprintf '%%s\\n' \"$#\" \"$@\" > %s.tmp && mv %s.tmp %s\n", broken, opened, opened, opened)
	if err := os.WriteFile(browser, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	s := startTUI(t, tuiOpts{Args: []string{"--demo"}, Env: map[string]string{"BROWSER": browser}})
	s.must("set-option", "-g", "set-clipboard", "on")
	sc := s.waitUntil("the list loaded, a row selected", startTimeout, func(sc string) bool {
		return regexp.MustCompile(`\b(\d+) of (\d+) loaded`).MatchString(sc) && !strings.Contains(sc, "of ?") && selectedRow(listRows(sc)) >= 0
	})

	// y i: the selected row's id, in the status line and on the clipboard.
	rs := listRows(sc)
	c := selectedRow(rs)
	if c < 0 || len(rs[c].Cells) < 2 {
		t.Fatalf("no selected row:\n%s", sc)
	}
	name, id := rs[c].Cells[0], rs[c].Cells[1]
	s.send("y")
	s.waitFor(waitTimeout, "Copy from "+name, "i  id", "j  JSON")
	s.send("i")
	s.waitFor(waitTimeout, "copied source id: "+id)
	if buf := s.clipboard(id); strings.TrimSpace(buf) != id {
		t.Errorf("tmux buffer %q, want the id %s", buf, id)
	}
	s.waitGone(waitTimeout, "Copy from")

	// y n: the name.
	s.send("y", "n")
	s.waitFor(waitTimeout, "copied source name: "+name)
	if buf := s.clipboard(name); buf != name {
		t.Errorf("tmux buffer %q, want the name %q", buf, name)
	}

	// w: the browser gets the page's URL as its one argument.
	s.send("w")
	s.waitFor(waitTimeout, "opened in the browser: http://127.0.0.1:")
	got := strings.Split(strings.TrimSpace(waitFile(t, opened)), "\n")
	if len(got) != 2 || got[0] != "1" || !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/#/data-source/`+id+`/overview$`).MatchString(got[1]) {
		t.Errorf("the browser was given %q", got)
	}

	// No browser: the URL is copied and shown.
	if err := os.WriteFile(broken, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s.send("w")
	s.waitFor(waitTimeout, "copied web UI URL: http://127.0.0.1:")
	if buf := s.clipboard("/#/data-source/" + id + "/overview"); buf != got[1] {
		t.Errorf("tmux buffer %q, want the URL %q", buf, got[1])
	}

	// In the detail, y j copies the source's JSON as the server sent it.
	s.send("Enter")
	s.waitCrumb("Data sources › " + name)
	s.send("y", "j")
	s.waitFor(waitTimeout, "copied source JSON: {")
	buf := s.clipboard(`"id"`)
	var src map[string]any
	if err := json.Unmarshal([]byte(buf), &src); err != nil || fmt.Sprint(src["id"]) != id || src["name"] != name {
		t.Errorf("copied JSON %v: %.300s", err, buf)
	}
	// J is the raw JSON now; y is no longer it.
	s.send("J")
	s.waitFor(waitTimeout, `"id": `+id)
	s.send("J")
	s.esc()
	s.waitCrumb("Data sources")

	// x: the filtered rows to CSV, read back in the list's order.
	filterList(t, s, "a")
	sc = s.screen()
	var shown []row // the table's rows (listRows reads on into the status line and footer)
	for _, r := range listRows(sc) {
		if len(r.Cells) > 2 && regexp.MustCompile(`^\d+$`).MatchString(r.Cells[1]) {
			shown = append(shown, r)
		}
	}
	out := filepath.Join(dir, "sources.csv")
	s.send("x")
	sc = s.waitFor(waitTimeout, "Export data sources", "./dsbrowse-sources-")
	m := regexp.MustCompile(`the (\d+) data sources matching the filter`).FindStringSubmatch(strings.Join(strings.Fields(strings.ReplaceAll(sc, "│", " ")), " "))
	if m == nil {
		t.Fatalf("the form does not say what it exports:\n%s", sc)
	}
	s.send("C-u")
	s.typeText(out)
	s.waitFor(waitTimeout, out)
	s.send("Enter") // to the format: csv
	s.send("Enter")
	s.waitFor(waitTimeout, "exported "+m[1]+" data sources to "+out)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"NAME", "ID", "HANDLER", "STATUS", "SUBSCRIPTION", "SCHEMA.TABLE", "CREATED", "TAGS"}) { // TAGS: the list shows the demo's tags
		t.Errorf("header %q", recs[0])
	}
	if fmt.Sprint(len(recs)-1) != m[1] {
		t.Errorf("%d rows, the form said %s", len(recs)-1, m[1])
	}
	// The rows on screen are the file's first rows, in the same order.
	if len(shown) < 5 || len(recs) < len(shown)+1 {
		t.Fatalf("%d rows on screen, %d in the file", len(shown), len(recs)-1)
	}
	for i, r := range shown {
		if len(r.Cells) < 2 || recs[i+1][1] != r.Cells[1] || !strings.HasPrefix(recs[i+1][0], strings.TrimSuffix(r.Cells[0], "…")) {
			t.Errorf("row %d: csv %q, screen %q", i, recs[i+1], r.Line)
		}
	}
	s.alive()
}
