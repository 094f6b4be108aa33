package cli

// End-to-end tests: the real binary, built once in TestMain, run against an
// emulator (or a hand-written server) started in this process.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dsbrowse-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "dsbrowse")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building dsbrowse: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	out, err string
	code     int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.out, r.err)
}

// runner runs the binary with a clean environment: no user config, no
// IMMUTA_* from the outside, logs under a temporary home.
type runner struct {
	t     *testing.T
	env   map[string]string
	stdin string
}

func newRunner(t *testing.T) *runner {
	home := t.TempDir()
	return &runner{t: t, env: map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"XDG_STATE_HOME":  filepath.Join(home, "state"),
		"PATH":            os.Getenv("PATH"),
	}}
}

// emulated points the runner at a fresh emulator.
func emulated(t *testing.T, o immutatest.Options) (*runner, *immutatest.Server) {
	t.Helper()
	srv := immutatest.NewServer(o)
	t.Cleanup(srv.Close)
	r := newRunner(t)
	r.env["IMMUTA_URL"] = srv.URL
	r.env["IMMUTA_API_KEY"] = srv.Handler.Key()
	return r, srv
}

func (r *runner) run(args ...string) result {
	r.t.Helper()
	cmd := exec.Command(binary, args...)
	for k, v := range r.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(r.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := result{out: out.String(), err: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatalf("running dsbrowse %v: %v", args, err)
	}
	return res
}

// ok runs and insists on exit 0 with a quiet stderr.
func (r *runner) ok(args ...string) result {
	r.t.Helper()
	res := r.run(args...)
	if res.code != 0 {
		r.t.Fatalf("dsbrowse %s: %s", strings.Join(args, " "), res)
	}
	return res
}

// fails runs and insists on the exit code and a one-line error on stderr
// containing want.
func (r *runner) fails(code int, want string, args ...string) result {
	r.t.Helper()
	res := r.run(args...)
	if res.code != code {
		r.t.Fatalf("dsbrowse %s: want exit %d: %s", strings.Join(args, " "), code, res)
	}
	lines := strings.Split(strings.TrimRight(res.err, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "error: ") || !strings.Contains(last, want) {
		r.t.Fatalf("dsbrowse %s: want an error line with %q: %s", strings.Join(args, " "), want, res)
	}
	if strings.Contains(res.err, "goroutine ") || strings.Contains(res.err, "panic") {
		r.t.Fatalf("stack trace: %s", res)
	}
	return res
}

func jsonArray(t *testing.T, s string) []map[string]any {
	t.Helper()
	var v []map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, s)
	}
	return v
}

func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, s)
	}
	return v
}

// rows are the table's data lines (without the header).
func rows(s string) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= 1 {
		return nil
	}
	return lines[1:]
}

func num(v any) int64 {
	switch v := v.(type) {
	case float64:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

func TestLs(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 250})
	total := srv.Handler.Len()

	all := r.ok("ls")
	if !strings.HasPrefix(all.out, "ID ") || !strings.Contains(all.out, "NAME") {
		t.Fatalf("no header:\n%s", all.out)
	}
	if got := len(rows(all.out)); got != total {
		t.Errorf("ls printed %d rows, the server has %d sources", got, total)
	}
	var pages int
	for _, q := range srv.Handler.Requests() {
		if q.Method == "GET" && q.Path == "/dataSource" {
			pages++
		}
	}
	if pages < 3 {
		t.Errorf("ls fetched %d pages of %d sources at 100 a page", pages, total)
	}
	// Columns line up: every row has NAME at the header's offset.
	header := strings.SplitN(all.out, "\n", 2)[0]
	col := strings.Index(header, "NAME")
	for _, row := range rows(all.out)[:20] {
		if row[col-1] != ' ' || row[col] == ' ' {
			t.Fatalf("misaligned row %q under %q", row, header)
		}
	}

	js := jsonArray(t, r.ok("ls", "--json").out)
	if len(js) != total {
		t.Errorf("ls --json: %d objects, want %d", len(js), total)
	}
	if _, ok := js[0]["connectionString"]; !ok {
		t.Errorf("ls --json lost fields: %v", js[0])
	}

	limited := r.ok("ls", "--limit", "5")
	if got := len(rows(limited.out)); got != 5 {
		t.Errorf("--limit 5 printed %d rows:\n%s", got, limited.out)
	}
	if got := len(jsonArray(t, r.ok("ls", "--json", "--limit", "7").out)); got != 7 {
		t.Errorf("--limit 7 --json gave %d", got)
	}

	srv.Handler.ResetLog()
	found := r.ok("ls", "--search", "barfoo", "--status", "passed", "--tag", "a", "--tag", "b", "--handler", "Snowflake", "--schema", "public", "--subscription", "subscribed", "--sort", "name", "--desc", "--limit", "3")
	_ = found
	q := srv.Handler.Requests()[0].Query
	for _, want := range []string{"searchText=barfoo", "status=passed", "tag=a", "tag=b", "blobHandlerType=Snowflake", "schema=public", "subscription=subscribed", "sortField=name", "sortOrder=desc", "size=3"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}
	barfoo := r.ok("ls", "--search", "Public Barfoo")
	if !strings.Contains(barfoo.out, immutatest.NamePublicBarfoo) {
		t.Errorf("search:\n%s", barfoo.out)
	}
	failed := jsonArray(t, r.ok("ls", "--status", "failed", "--json").out)
	for _, d := range failed {
		if d["status"] != "failed" {
			t.Errorf("--status failed gave %v", d["status"])
		}
	}
	r.fails(2, `--status "broken"`, "ls", "--status", "broken")
	// sortField is an enum in the API description, and id is not in it.
	r.fails(2, `--sort "id"`, "ls", "--sort", "id")
	r.fails(2, "unknown flag --nope", "ls", "--nope")
	r.fails(2, "unknown global flag --json", "--json", "ls")
	r.fails(2, "flag --limit needs a value", "ls", "--limit")
	r.fails(2, "--limit", "ls", "--limit", "-1")
	r.fails(2, "too many arguments", "ls", "extra")
	none := r.ok("ls", "--search", "no-such-source-anywhere")
	if none.out != "" || !strings.Contains(none.err, "no data sources") {
		t.Errorf("empty result: %s", none)
	}
}

func TestGet(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{Sources: 10})
	plain := r.ok("get", strconv.Itoa(immutatest.IDPublicBarfoo))
	for _, want := range []string{"ID:", "22", "Name:", immutatest.NamePublicBarfoo, "State:", "active"} {
		if !strings.Contains(plain.out, want) {
			t.Errorf("get 22 lacks %q:\n%s", want, plain.out)
		}
	}
	byName := jsonObject(t, r.ok("get", "--name", immutatest.NamePublicBarfoo, "--json").out)
	if num(byName["id"]) != immutatest.IDPublicBarfoo {
		t.Errorf("--name: %v", byName["id"])
	}
	byTable := jsonObject(t, r.ok("--read-only", "get", "--table", immutatest.TableCustomerData, "--json").out)
	if num(byTable["id"]) != immutatest.IDCustomerData {
		t.Errorf("--table: %v", byTable["id"])
	}
	res := r.fails(1, "data source 999999 not found", "get", "999999")
	if res.err != "error: data source 999999 not found\n" {
		t.Errorf("not found line: %q", res.err)
	}
	r.fails(1, `data source named "Nope Nope" not found`, "get", "--name", "Nope Nope")
	r.fails(2, "exactly one of", "get")
	r.fails(2, "exactly one of", "get", "22", "--name", "x")
	r.fails(2, "positive number", "get", "abc")
}

func TestLineage(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{})
	parents := r.ok("lineage", strconv.Itoa(immutatest.IDDerived), "parents")
	if !strings.Contains(parents.out, immutatest.NameParent) {
		t.Errorf("parents:\n%s", parents)
	}
	children := jsonArray(t, r.ok("lineage", strconv.Itoa(immutatest.IDParent), "children", "--json").out)
	found := false
	for _, c := range children {
		found = found || num(c["dataSourceId"]) == immutatest.IDDerived
	}
	if !found {
		t.Errorf("children of %d lack %d: %v", immutatest.IDParent, immutatest.IDDerived, children)
	}
	r.fails(2, "parents or children", "lineage", "4", "cousins")
	r.fails(2, "missing arguments", "lineage", "4")
}

func TestBlob(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{})
	ids := srv.Handler.BlobIDs(immutatest.IDPublicBarfoo)
	if len(ids) == 0 {
		t.Fatal("the emulator serves no blobs for 22")
	}
	piped := r.ok("blob", "22", ids[0])
	if piped.out == "" {
		t.Fatal("empty blob on stdout")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	res := r.ok("blob", "22", ids[0], "-o", path)
	got, err := os.ReadFile(path)
	if err != nil || string(got) != piped.out {
		t.Fatalf("file %q (%v) differs from stdout %q", got, err, piped.out)
	}
	if !strings.Contains(res.err, "wrote") {
		t.Errorf("no note: %s", res)
	}
	// A failed download leaves nothing behind.
	r.fails(1, "not found", "blob", "22", "no-such-blob", "-o", filepath.Join(dir, "bad.bin"))
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left after a failed download: %v", entries)
	}
	r.fails(2, "missing arguments", "blob", "22")
}

func TestAccessPolicyVisibility(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{})
	id := strconv.Itoa(immutatest.IDWebSales)
	acc := r.ok("access", id, "--limit", "10")
	if got := len(rows(acc.out)); got != 10 {
		t.Errorf("access --limit 10 printed %d rows:\n%s", got, acc.out)
	}
	if got := len(jsonArray(t, r.ok("access", id, "--json", "--limit", "250").out)); got != 250 {
		t.Errorf("access --json --limit 250: %d", got)
	}
	if got := len(jsonArray(t, r.ok("access", id, "--json").out)); got != immutatest.WebSalesUsers {
		t.Errorf("access --json (all pages): %d, want %d", got, immutatest.WebSalesUsers)
	}
	r.fails(1, "data source 999999 not found", "access", "999999")

	user := strconv.Itoa(immutatest.CallerProfile)
	pol := r.ok("policy", id, "--user", user)
	if !strings.Contains(pol.out, "Visibility rule applies:") {
		t.Errorf("policy:\n%s", pol)
	}
	pj := jsonObject(t, r.ok("policy", id, "--user", user, "--json").out)
	if _, ok := pj["masked"]; !ok {
		t.Errorf("policy --json: %v", pj)
	}
	r.fails(2, "--user PROFILE is required", "policy", id)

	vis := r.ok("visibility", id)
	if !strings.Contains(vis.out, "Policies:") || !strings.Contains(vis.out, "Data source:") {
		t.Errorf("visibility:\n%s", vis)
	}
	if strings.Contains(vis.out, `\"`) || strings.Contains(vis.out, `[{"`) {
		t.Errorf("policySet not decoded:\n%s", vis.out)
	}
	jsonObject(t, r.ok("visibility", id, "--json").out)
	jsonArray(t, r.ok("visibility", id, "--user", user, "--json").out)
	r.ok("visibility", id, "--user", user)
}

func TestSubscribe(t *testing.T) {
	r, _ := emulated(t, immutatest.Options{Sources: 10})
	// 22 is open to all, 27 needs approval, 999999 does not exist.
	res := r.run("subscribe", "22", strconv.Itoa(immutatest.IDNeedsApproval), "999999")
	if res.code != 1 {
		t.Fatalf("want exit 1: %s", res)
	}
	lines := map[string]string{}
	for _, l := range rows(res.out) {
		f := strings.Fields(l)
		lines[f[0]] = strings.Join(f[1:], " ")
	}
	if lines["22"] != "subscribed" || lines["27"] != "pending approval" || !strings.HasPrefix(lines["999999"], "error") {
		t.Errorf("outcomes %q: %s", lines, res)
	}
	if !strings.Contains(res.err, "1 of 3 subscriptions failed") {
		t.Errorf("stderr: %s", res)
	}
	js := r.ok("subscribe", "26", "--json")
	obj := jsonObject(t, js.out)
	if _, ok := obj["success"]; !ok {
		t.Errorf("subscribe --json: %v", obj)
	}
	r.fails(2, "missing arguments", "subscribe")
}

func TestDeleteRestore(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{Sources: 10})
	id := strconv.Itoa(immutatest.IDPublicBarfoo)

	// stdin is not a terminal: refuse, change nothing.
	r.fails(1, "stdin is not a terminal", "delete", id)
	for _, q := range srv.Handler.Requests() {
		if q.Method == "DELETE" {
			t.Fatalf("a DELETE was sent without confirmation: %+v", q)
		}
	}
	r.fails(1, "read-only", "delete", id, "--yes", "--read-only")

	soft := r.ok("delete", id, "--yes")
	if !strings.Contains(soft.err, "Disabling "+immutatest.NamePublicBarfoo+" (22) (soft delete)") || !strings.Contains(soft.out, "Disabled") {
		t.Errorf("soft delete: %s", soft)
	}
	if d := jsonObject(t, r.ok("get", id, "--json").out); d["deleted"] != true && d["disabled"] != true {
		t.Errorf("not disabled after a soft delete: %v", d)
	}
	// The same command again (a retrying script) sends nothing.
	r.fails(1, "already disabled", "delete", id, "--yes")

	restored := r.ok("restore", id)
	if !strings.Contains(restored.out, "Restored") {
		t.Errorf("restore: %s", restored)
	}
	if d := jsonObject(t, r.ok("get", id, "--json").out); d["deleted"] == true || d["disabled"] == true {
		t.Errorf("still disabled after restore: %v", d)
	}

	js := jsonObject(t, r.ok("delete", id, "--yes", "--json").out)
	if js["success"] != true || js["disabled"] != true {
		t.Errorf("delete --json: %v", js)
	}
	r.fails(1, "already disabled", "delete", id, "--yes")
	hard := r.ok("delete", id, "--permanent", "--yes")
	if !strings.Contains(hard.err, "permanently") || !strings.Contains(hard.out, "Deleted "+immutatest.NamePublicBarfoo+" (22) permanently") {
		t.Errorf("hard delete: %s", hard)
	}
	r.fails(1, "data source 22 not found", "get", id)
	r.fails(1, "data source 22 not found", "delete", id, "--yes")
}

func TestS3(t *testing.T) {
	r, srv := emulated(t, immutatest.Options{})
	one := r.ok("s3", "create", "--integration", "1", "--name", "cli-one", "--prefix", "bucket/one")
	if !strings.Contains(one.out, "cli-one") || !strings.Contains(one.out, "bucket/one") || !strings.Contains(one.out, "nativeS3Handler") {
		t.Errorf("s3 create one:\n%s", one)
	}
	two := jsonArray(t, r.ok("s3", "create", "--integration", "2", "--name", "cli-two", "--prefix", "b/two", "--name", "cli-three", "--prefix", "b/three", "--json").out)
	if len(two) != 2 {
		t.Fatalf("two pairs: %v", two)
	}
	created := two[1]["created"].(map[string]any)
	handler, _ := two[1]["handler"].(map[string]any)
	if created["dataSourceName"] != "cli-three" || handler == nil || num(handler["id"]) != num(created["dataSourceId"]) {
		t.Errorf("second pair: %v", two[1])
	}
	h := jsonObject(t, r.ok("s3", "get", strconv.FormatInt(num(created["dataSourceId"]), 10), "--json").out)
	if h["type"] != "nativeS3Handler" {
		t.Errorf("s3 get: %v", h)
	}
	plain := r.ok("s3", "get", strconv.Itoa(immutatest.IDS3Research))
	if !strings.Contains(plain.out, "AWS location:") {
		t.Errorf("s3 get plain: %s", plain)
	}

	srv.Handler.ResetLog()
	r.fails(2, `--name "b" comes before the --prefix`, "s3", "create", "--integration", "1", "--name", "a", "--name", "b", "--prefix", "p")
	r.fails(2, `has no --prefix`, "s3", "create", "--integration", "1", "--name", "a")
	r.fails(2, `--integration N is required`, "s3", "create", "--name", "a", "--prefix", "p")
	r.fails(2, `has no --name before it`, "s3", "create", "--integration", "1", "--prefix", "p")
	r.fails(2, `given twice`, "s3", "create", "--integration", "1", "--name", "a", "--prefix", "p", "--name", "a", "--prefix", "q")
	r.fails(2, "s3 needs a verb", "s3")
	if n := len(srv.Handler.Requests()); n != 0 {
		t.Errorf("validation errors sent %d requests", n)
	}
	r.fails(1, "conflict (409)", "s3", "create", "--integration", "1", "--name", "cli-one", "--prefix", "bucket/again")
	r.fails(1, "Native S3 handler 999999 not found", "s3", "get", "999999")
}

func TestDemoFlag(t *testing.T) {
	r := newRunner(t)
	res := r.ok("--demo", "ls", "--limit", "5")
	if got := len(rows(res.out)); got != 5 {
		t.Errorf("--demo ls --limit 5: %d rows\n%s", got, res)
	}
	if got := len(jsonArray(t, r.ok("ls", "--demo", "--demo-sources", "0", "--json").out)); got != len(immutatest.SeedIDs) {
		t.Errorf("--demo-sources 0 listed %d, want the %d seed sources", got, len(immutatest.SeedIDs))
	}
	r.fails(2, "--demo and --profile", "--demo", "--profile", "x", "ls")
}

func TestConnectionErrors(t *testing.T) {
	r := newRunner(t)
	r.fails(1, "no Immuta connection: set IMMUTA_URL and IMMUTA_API_KEY, use --profile, or try --demo", "ls")

	cfg := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(cfg, []byte("[profiles.prod]\nurl = \"https://x.example.com\"\napi_key_env = \"K\"\n\nreadonly = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := r.fails(1, `config `+cfg+`: line 5: unknown key "profiles.prod.readonly"`, "--config", cfg, "ls")
	if strings.Count(res.err, "\n") != 1 {
		t.Errorf("more than one line: %q", res.err)
	}
	r.fails(1, "no such file or directory", "--config", filepath.Join(t.TempDir(), "missing.toml"), "ls")

	good := filepath.Join(t.TempDir(), "good.toml")
	if err := os.WriteFile(good, []byte("[profiles.prod]\nurl = \"https://x.example.com\"\napi_key_env = \"PROD_KEY\"\n[profiles.dev]\nurl = \"https://y.example.com\"\napi_key_env = \"DEV_KEY\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.fails(1, `unknown profile "stage" (known: "dev", "prod")`, "--config", good, "--profile", "stage", "ls")
	r.fails(1, `profile "prod": no API key: environment variable PROD_KEY is not set`, "--config", good, "--profile", "prod", "ls")
}

func TestWrongKey(t *testing.T) {
	srv := immutatest.NewServer(immutatest.Options{})
	defer srv.Close()
	r := newRunner(t)
	const badKey = "wrong-key-0123456789"
	r.env["IMMUTA_URL"] = srv.URL
	r.env["IMMUTA_API_KEY"] = badKey
	for _, args := range [][]string{{"ls"}, {"get", "22"}, {"--debug", "delete", "22", "--yes"}} {
		res := r.fails(1, "the API key was rejected (401) by "+srv.URL, args...)
		if strings.Contains(res.out+res.err, badKey) {
			t.Errorf("the key leaked: %s", res)
		}
	}
	log, err := os.ReadFile(filepath.Join(r.env["XDG_STATE_HOME"], "dsbrowse", "debug.log"))
	if err != nil || !strings.Contains(string(log), "status=401") || strings.Contains(string(log), badKey) {
		t.Errorf("debug log (%v):\n%s", err, log)
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := newRunner(t)
	r.env["IMMUTA_HOST"] = "http://" + addr
	r.env["IMMUTA_API_TOKEN"] = "k-unreachable"
	r.fails(1, "cannot reach http://"+addr+": connection refused", "get", "1")
}

func TestHostileStrings(t *testing.T) {
	evil := "\x1b[31mEVIL\x1b]0;pwn\x07\u202e"
	src := map[string]any{"id": 1, "name": evil, "status": "passed\x1b[2J", "description": "line1\nline2\u2066x", "sqlSchemaName": "s\x9bchema", "blobHandlerType": "日本語ハンドラ"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch req.URL.Path {
		case "/dataSource":
			_ = json.NewEncoder(w).Encode(map[string]any{"count": 2, "hits": []any{src, map[string]any{"id": 2, "name": "plain"}}})
		case "/dataSource/1":
			_ = json.NewEncoder(w).Encode(src)
		default:
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]any{"statusCode": 404, "message": "no \x1b[1mway\x1b[0m"})
		}
	}))
	defer srv.Close()
	r := newRunner(t)
	r.env["IMMUTA_URL"] = srv.URL
	r.env["IMMUTA_API_KEY"] = "k-hostile-0123456789"
	bad := regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")
	for _, args := range [][]string{{"ls"}, {"get", "1"}, {"lineage", "1", "parents"}} {
		res := r.run(args...)
		if loc := bad.FindStringIndex(res.out + res.err); loc != nil {
			t.Errorf("dsbrowse %v printed a control character at %v: %q", args, loc, res.out+res.err)
		}
		if args[0] != "lineage" && !strings.Contains(res.out, "EVIL") {
			t.Errorf("dsbrowse %v lost the name: %q", args, res.out)
		}
	}
	// The wide handler name keeps the table aligned (display width, not bytes).
	out := r.ok("ls").out
	lines := strings.Split(out, "\n")
	col := strings.Index(lines[0], "SCHEMA")
	if w := displayCol(lines[1], "s\uFFFDchema"); w != col {
		t.Errorf("SCHEMA at column %d in the header, %d in the row:\n%s", col, w, out)
	}
	// --json keeps the server's bytes (escaped by JSON, so still safe).
	js := r.ok("get", "1", "--json").out
	if !strings.Contains(js, `\u001b[31mEVIL`) {
		t.Errorf("--json changed the data: %s", js)
	}
}

// displayCol is the display column where sub starts in s.
func displayCol(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		return -1
	}
	return ansi.StringWidth(s[:i])
}

func TestDemoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, "demo-server", "--addr", addr, "--sources", "20", "--key", "k-demo")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no export line: %v; stderr %s", err, stderr.String())
	}
	want := "export IMMUTA_URL=http://" + addr + " IMMUTA_API_KEY=k-demo\n"
	if line != want {
		t.Fatalf("got %q, want %q", line, want)
	}
	r := newRunner(t)
	r.env["IMMUTA_URL"] = "http://" + addr
	r.env["IMMUTA_API_KEY"] = "k-demo"
	if got := len(rows(r.ok("ls").out)); got != 20+len(immutatest.SeedIDs) {
		t.Errorf("ls against demo-server: %d rows", got)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { _, _ = io.Copy(io.Discard, stdout); done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo-server after ctrl-c: %v; stderr %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo-server did not stop on ctrl-c")
	}
}

func TestHelpVersionUsage(t *testing.T) {
	r := newRunner(t)
	help := r.ok("--help")
	for _, want := range []string{"Commands:", "ls", "s3 create", "demo-server", "--profile", "--demo", "--read-only"} {
		if !strings.Contains(help.out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	if !strings.Contains(r.ok("ls", "--help").out, "--search TEXT") {
		t.Error("ls --help lacks --search")
	}
	if h := r.ok("help", "delete").out; !strings.Contains(h, "--permanent") || !strings.Contains(h, "already disabled is left alone") {
		t.Error("help delete")
	}
	if !strings.HasPrefix(r.ok("--version").out, "dsbrowse ") {
		t.Error("--version")
	}
	r.fails(2, `unknown command "frobnicate"`, "frobnicate")
}
