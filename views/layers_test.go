package views_test

// The guard rails of the layout (issue 12): imports run one way, and the
// README's map of the code names every package. Both read the whole module
// (go list from the module root), so they live here, beside the protocol
// that states the rule ("views never import ui", views/nav.go), not at the
// top level, which the design card fixes.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// layers is the module's import order, top down: a package imports packages
// of the layers below its own, and of its own layer only where peers says so.
// Paths are relative to the module root; "views/*" is every package under
// views/ that no other row names. A package in no row fails the test: add it
// where it belongs.
var layers = []layer{
	{name: "main", pkgs: []string{"."}},
	// The two fronts: main wires them, neither imports the other.
	{name: "fronts", pkgs: []string{"ui/cli", "ui/tui"}},
	// Settings both fronts read; it may name screens' settings (cmdline's
	// commands, listcols' columns), never a front.
	{name: "settings", pkgs: []string{"ui/config"}},
	// Screens, modals and forms; one may open another (Go refuses cycles).
	{name: "screens", pkgs: []string{"views/*"}, peers: true},
	// The view protocol: interfaces, messages, the session.
	{name: "protocol", pkgs: []string{"views"}},
	// Leaves both the root and the screens use; they build on one another.
	{name: "leaves", pkgs: []string{
		"views/safe", "views/styles", "views/format", "views/trace",
		"views/filtered", "views/listcols", "views/weblink", "views/pager",
		"views/table",
	}, peers: true},
	// Every key binding; it imports nothing of this module.
	{name: "keys", pkgs: []string{"keymap"}, alone: true},
	// The API client: the access review walk and the emulator, the page
	// loader, the typed client. It knows nothing of keys, screens or ui.
	{name: "api: report, emulator", pkgs: []string{"apiclient/report", "apiclient/immutatest"}},
	{name: "api: paging", pkgs: []string{"apiclient/paging"}},
	{name: "api: client", pkgs: []string{"apiclient"}},
}

// testHelpers may be imported by any package's tests, whatever their layer
// (like net/http/httptest), within the rules that hold for tests too.
var testHelpers = []string{"views/viewtest", "apiclient/immutatest"}

type layer struct {
	name  string
	pkgs  []string
	peers bool // its packages may import one another
	alone bool // its packages import no package of this module
}

type goPackage struct {
	ImportPath   string
	Dir          string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Module       *struct{ Path string }
}

// modulePackages runs go list from the module root and returns the module's
// packages by path relative to the root ("." for the root itself), with
// their imports made relative too (imports from outside the module dropped).
func modulePackages(t *testing.T) (root string, pkgs map[string]*goPackage) {
	t.Helper()
	modPath, root := module(t)
	cmd := exec.Command("go", "list", "-e", "-deps", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	rel := func(path string) (string, bool) {
		switch {
		case path == modPath:
			return ".", true
		case strings.HasPrefix(path, modPath+"/"):
			return strings.TrimPrefix(path, modPath+"/"), true
		}
		return "", false
	}
	relAll := func(paths []string) []string {
		var r []string
		for _, p := range paths {
			if q, ok := rel(p); ok {
				r = append(r, q)
			}
		}
		return r
	}
	pkgs = map[string]*goPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		r, ok := rel(p.ImportPath)
		if !ok || p.Module == nil || p.Module.Path != modPath {
			continue
		}
		p.Imports, p.TestImports, p.XTestImports = relAll(p.Imports), relAll(p.TestImports), relAll(p.XTestImports)
		pkgs[r] = &p
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no package of the module")
	}
	return root, pkgs
}

// module returns the module's path and root folder, as the go command
// sees them from the test's directory.
func module(t *testing.T) (path, root string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Path}}\t{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	path, root, ok := strings.Cut(strings.TrimSpace(string(out)), "\t")
	if !ok || root == "" {
		t.Fatalf("go list -m: %q", out)
	}
	return path, root
}

// layerOf returns the index in layers of the package at path (relative to
// the module root): a row naming it exactly, else a row whose "dir/*"
// covers it; -1 when none does.
func layerOf(path string) int {
	for i, l := range layers {
		if slices.Contains(l.pkgs, path) {
			return i
		}
	}
	for i, l := range layers {
		for _, p := range l.pkgs {
			if dir, ok := strings.CutSuffix(p, "/*"); ok && strings.HasPrefix(path, dir+"/") {
				return i
			}
		}
	}
	return -1
}

func describe(path string) string {
	return fmt.Sprintf("%s (layer %d %q)", path, layerOf(path)+1, layers[layerOf(path)].name)
}

// under reports whether path is dir or a package below it.
func under(path, dir string) bool { return path == dir || strings.HasPrefix(path, dir+"/") }

// importProblem says what is wrong with from importing to in non-test code,
// or "" when nothing is.
func importProblem(from, to string) string {
	lf, lt := layerOf(from), layerOf(to)
	switch {
	case layers[lf].alone:
		return fmt.Sprintf("%s imports %s: layer %q imports no package of this module", from, to, layers[lf].name)
	case lt < lf:
		return fmt.Sprintf("upward import: %s imports %s, a layer above it", describe(from), describe(to))
	case lt == lf && !layers[lf].peers:
		return fmt.Sprintf("sideways import: %s imports %s, and the packages of layer %q do not import one another", from, to, layers[lf].name)
	}
	return ""
}

// testImportProblem is importProblem for a package's tests: they may import
// a package of their own layer and the test helpers, but still nothing
// above them, and the hard lines hold: views, keymap and apiclient never
// import ui, apiclient never imports views or keymap.
func testImportProblem(from, to string) string {
	switch {
	case !under(from, "ui") && from != "." && under(to, "ui"):
		return fmt.Sprintf("upward import in tests: %s imports %s (nothing under views/, keymap/ or apiclient/ imports ui/)", from, to)
	case under(from, "apiclient") && !under(to, "apiclient"):
		return fmt.Sprintf("upward import in tests: %s imports %s (apiclient imports no views, keymap or ui)", from, to)
	case slices.Contains(testHelpers, to):
		return ""
	case layerOf(to) < layerOf(from):
		return fmt.Sprintf("upward import in tests: %s imports %s, a layer above it", describe(from), describe(to))
	}
	return ""
}

func TestImportsPointDown(t *testing.T) {
	_, pkgs := modulePackages(t)
	paths := slices.Sorted(maps.Keys(pkgs))

	for _, p := range paths {
		if layerOf(p) < 0 {
			t.Errorf("package %s is in no layer: add it to the layers table in views/layers_test.go", p)
		}
	}
	for _, from := range paths {
		pkg := pkgs[from]
		if layerOf(from) < 0 {
			continue
		}
		for _, to := range pkg.Imports {
			if layerOf(to) < 0 {
				continue
			}
			if msg := importProblem(from, to); msg != "" {
				t.Error(msg)
			}
		}
		for _, to := range slices.Concat(pkg.TestImports, pkg.XTestImports) {
			if to == from || layerOf(to) < 0 {
				continue // an external test package imports the package it tests
			}
			if msg := testImportProblem(from, to); msg != "" {
				t.Error(msg)
			}
		}
	}
	if cycle := findCycle(paths, pkgs); cycle != nil {
		t.Errorf("import cycle: %s", strings.Join(cycle, " → "))
	}
}

// findCycle returns a cycle of non-test imports, first package repeated at
// the end, or nil. The compiler refuses one too; this names it when go list
// ran with -e on a tree that does not build.
func findCycle(paths []string, pkgs map[string]*goPackage) []string {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(p string) []string
	visit = func(p string) []string {
		state[p] = open
		stack = append(stack, p)
		if pkg := pkgs[p]; pkg != nil {
			for _, q := range pkg.Imports {
				switch state[q] {
				case open:
					i := slices.Index(stack, q)
					return append(slices.Clone(stack[i:]), q)
				case unseen:
					if c := visit(q); c != nil {
						return c
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = done
		return nil
	}
	for _, p := range paths {
		if state[p] == unseen {
			if c := visit(p); c != nil {
				return c
			}
		}
	}
	return nil
}

// The checks themselves, on imports made up for the purpose.
func TestImportRulesCatchUpwardImports(t *testing.T) {
	for _, c := range []struct {
		from, to string
		test     bool
		want     string // a part of the message; "" for allowed
	}{
		{from: ".", to: "ui/cli"},
		{from: "ui/cli", to: "ui/config"},
		{from: "ui/tui", to: "views/sources"},
		{from: "views/sources", to: "views/actions"},
		{from: "views/access", to: "views"},
		{from: "views/pager", to: "keymap"},
		{from: "views/format", to: "views/safe"},
		{from: "apiclient/report", to: "apiclient/paging"},
		{from: "views/safe", to: "ui/tui", want: "upward import: views/safe"},
		{from: "views/access", to: "ui/config", want: "upward import"},
		{from: "views", to: "views/sources", want: "upward import"},
		{from: "views/styles", to: "views/cmdline", want: "upward import"},
		{from: "apiclient/paging", to: "keymap", want: "upward import"},
		{from: "apiclient", to: "apiclient/paging", want: "upward import"},
		{from: "ui/config", to: "ui/cli", want: "upward import"},
		{from: "ui/cli", to: "ui/tui", want: "sideways import"},
		{from: "apiclient/report", to: "apiclient/immutatest", want: "sideways import"},
		{from: "keymap", to: "views/safe", want: "imports no package"},
		{from: "views/unknown", to: "views/safe"}, // views/* are screens
		// Tests: own layer and helpers fine, the hard lines hold.
		{from: "ui/tui", to: "ui/cli", test: true},
		{from: "views/pager", to: "views/viewtest", test: true},
		{from: "apiclient", to: "apiclient/immutatest", test: true},
		{from: "views/sources", to: "ui/tui", test: true, want: "imports ui/tui"},
		{from: "apiclient", to: "views/viewtest", test: true, want: "apiclient imports no views"},
		{from: "views/safe", to: "views/sources", test: true, want: "upward import in tests"},
	} {
		check := importProblem
		if c.test {
			check = testImportProblem
		}
		got := check(c.from, c.to)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s → %s (test %v): got %q, want one with %q", c.from, c.to, c.test, got, c.want)
		}
	}
	if layerOf("ui/new") != -1 || layerOf("apiclient/new") != -1 {
		t.Error("a package under ui/ or apiclient/ no row names must be in no layer")
	}
	pkgs := map[string]*goPackage{
		"a": {Imports: []string{"b"}}, "b": {Imports: []string{"c"}}, "c": {Imports: []string{"a"}},
	}
	if got := findCycle([]string{"a", "b", "c"}, pkgs); !slices.Equal(got, []string{"a", "b", "c", "a"}) {
		t.Errorf("findCycle = %v, want a → b → c → a", got)
	}
	delete(pkgs, "c")
	if got := findCycle([]string{"a", "b"}, pkgs); got != nil {
		t.Errorf("findCycle = %v on a graph without one", got)
	}
}

// layoutTable returns the first cells' paths of README.md's table under
// "How the code is laid out", "main.go" read as the root package "." and a
// trailing "/" dropped, in order of appearance.
func layoutTable(t *testing.T, readme string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "\n## How the code is laid out\n")
	if !ok {
		t.Fatal(`README.md has no "## How the code is laid out" section`)
	}
	if i := strings.Index(rest, "\n#"); i >= 0 {
		rest = rest[:i]
	}
	tick := regexp.MustCompile("`([^`]+)`")
	var paths []string
	for line := range strings.SplitSeq(rest, "\n") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "|") || len(cells) < 3 {
			continue
		}
		for _, m := range tick.FindAllStringSubmatch(cells[1], -1) {
			p := strings.TrimSuffix(m[1], "/")
			if p == "main.go" {
				p = "."
			}
			paths = append(paths, p)
		}
	}
	return paths
}

func TestReadmeLayoutTableMatchesTree(t *testing.T) {
	root, pkgs := modulePackages(t)
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]int{}
	for _, p := range layoutTable(t, string(b)) {
		listed[p]++
	}
	for _, p := range slices.Sorted(maps.Keys(pkgs)) {
		switch n := listed[p]; {
		case n == 0:
			t.Errorf("README.md's layout table (How the code is laid out) has no row for %s: add one with what it holds", shown(p))
		case n > 1:
			t.Errorf("README.md's layout table lists %s %d times: once is enough", shown(p), n)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(listed)) {
		if pkgs[p] == nil {
			t.Errorf("README.md's layout table lists %s, which is no package of the module", shown(p))
		}
	}
}

func shown(p string) string {
	if p == "." {
		return "main.go"
	}
	return "`" + p + "/`"
}

// repoRef finds what reads as a path into the tree in prose or commands:
// "ui/cli/", "`views/nav.go`", "./views/sources/".
var repoRef = regexp.MustCompile("(?:^|[\\s(`\\[\"'])(?:\\./)?((?:ui|views|apiclient|keymap)/(?:[A-Za-z0-9_.*{}-]+/?)*)")

// The paths the Markdown files name exist, and a folder named is one that
// holds files (a package, testdata), not only other folders (ui/ after the
// move: `go test ./ui/` finds no package).
func TestDocsNameExistingPaths(t *testing.T) {
	_, root := module(t)
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".md") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name, _ := filepath.Rel(root, path)
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range repoRef.FindAllStringSubmatch(line, -1) {
				if msg := refProblem(root, m[1]); msg != "" {
					t.Errorf("%s:%d: %s", name, i+1, msg)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func refProblem(root, ref string) string {
	ref = strings.TrimRight(ref, ".,:;")
	if strings.ContainsAny(ref, "*{}") || strings.HasSuffix(ref, "...") {
		return "" // a pattern, not a path
	}
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(ref)))
	if err != nil {
		return fmt.Sprintf("names %s, which is not in the tree", ref)
	}
	if !fi.IsDir() {
		return ""
	}
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(ref)))
	if err != nil {
		return err.Error()
	}
	for _, e := range entries {
		if !e.IsDir() {
			return ""
		}
	}
	return fmt.Sprintf("names %s, a folder holding only folders (no package)", ref)
}

// The README and docs checks, on text made up for the purpose.
func TestLayoutTableAndRefsParse(t *testing.T) {
	readme := "# x\n\n## How the code is laid out\n\nSome words on `views/nope/`.\n\n" +
		"| folder | what lives there |\n|---|---|\n" +
		"| `main.go` | wires |\n| `ui/cli/`, `ui/config/` | two |\n| `views/` | protocol, not `views/skip/` |\n\n" +
		"## Next\n\n| `apiclient/` | not in the section |\n"
	want := []string{".", "ui/cli", "ui/config", "views"}
	if got := layoutTable(t, readme); !slices.Equal(got, want) {
		t.Errorf("layoutTable = %q, want %q", got, want)
	}

	var refs []string
	for _, m := range repoRef.FindAllStringSubmatch("run `go test ./ui/tui/` (see ui/tui/fuzz_test.go), not xui/a or ./views/... or views alone", -1) {
		refs = append(refs, m[1])
	}
	if want := []string{"ui/tui/", "ui/tui/fuzz_test.go", "views/..."}; !slices.Equal(refs, want) {
		t.Errorf("repoRef found %q, want %q", refs, want)
	}
	_, root := module(t)
	for ref, want := range map[string]string{
		"views/nav.go,": "",
		"views/safe/":   "",
		"views/...":     "",
		"views/nope.go": "not in the tree",
		"ui/":           "only folders",
	} {
		if got := refProblem(root, ref); (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("refProblem(%q) = %q, want one with %q", ref, got, want)
		}
	}
}
