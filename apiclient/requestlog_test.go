package apiclient_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// dump is every field of the log's records, for leak checks.
func dump(l *apiclient.RequestLog) string {
	var b strings.Builder
	for _, r := range l.Snapshot() {
		fmt.Fprintf(&b, "%#v\n%s\n", r, r.Curl())
	}
	return b.String()
}

// echo answers with what it was sent: the Authorization header, the query
// and the body, as a server that echoes secrets would.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	reply(w, 200, fmt.Appendf(nil, `{"id":1,"name":%q,"description":%q}`, r.Header.Get("Authorization")+" "+r.URL.RawQuery, string(body)))
}

func TestRequestLogRecordsARead(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { echo(w, r) })
	c := newClient(t, s)
	// The key typed into a search: it travels query-escaped.
	if _, err := c.ListDataSources(context.Background(), apiclient.ListOptions{Size: 5, SearchText: testKey + " & more"}); err == nil {
		t.Log("list decoded the echo") // the shape does not matter here
	}
	if _, err := c.GetDataSource(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	recs := c.RequestLog().Snapshot()
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	get, list := recs[0], recs[1] // newest first
	if get.Method != "GET" || get.Path != "/dataSource/1" || get.Status != 200 || get.Retries != 0 || get.ID != 2 {
		t.Errorf("get record: %+v", get)
	}
	if get.URL != s.URL+"/dataSource/1" || get.Auth != apiclient.AuthRaw || get.Time.IsZero() || get.Duration <= 0 {
		t.Errorf("get record: %+v", get)
	}
	if want := int64(len(`{"id":1,"name":"`)); get.Size < want {
		t.Errorf("size %d: the answer's bytes were not counted", get.Size)
	}
	if !strings.HasPrefix(list.Path, "/dataSource?") || !strings.Contains(list.Path, "searchText=%5BREDACTED%5D") && !strings.Contains(list.Path, "[REDACTED]") {
		t.Errorf("the key in the query should read [REDACTED]: %q", list.Path)
	}
	hdr := map[string]string{}
	for _, h := range get.Header {
		hdr[h.Name] = h.Value
	}
	if hdr["Authorization"] != "[REDACTED]" || hdr["Accept"] != "application/json" || !strings.HasPrefix(hdr["User-Agent"], "dsbrowse/") {
		t.Errorf("headers: %v", hdr)
	}
	noSecret(t, dump(c.RequestLog()))
}

func TestRequestLogCountsRetriesAndKeepsTheLastAnswer(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			reply(w, 503, []byte(`{"message":"busy"}`))
			return
		}
		reply(w, 200, []byte(`{"id":1,"name":"x"}`))
	})
	c := newClient(t, s)
	if _, err := c.GetDataSource(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	recs := c.RequestLog().Snapshot()
	if len(recs) != 1 || recs[0].Retries != 2 || recs[0].Status != 200 || recs[0].Size != int64(len(`{"id":1,"name":"x"}`)) || recs[0].Err != "" {
		t.Fatalf("one record with 2 retries and the 200, got %+v", recs)
	}

	// A read that never succeeds says why, with every retry counted.
	s2 := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		reply(w, 500, []byte(`{"message":"down `+testKey+`"}`))
	})
	c2 := newClient(t, s2)
	if _, err := c2.GetDataSource(context.Background(), 7); err == nil {
		t.Fatal("want an error")
	}
	r := c2.RequestLog().Snapshot()[0]
	if r.Retries != 3 || r.Status != 500 || r.Err == "" {
		t.Errorf("failed read: %+v", r)
	}
	noSecret(t, dump(c2.RequestLog()))
}

func TestRequestLogWriteBodyIsRedactedAndSentOnce(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == "GET" { // the auth probe before a write
			reply(w, 200, []byte(`{"id":1}`))
			return
		}
		echo(w, r)
	})
	c := newClient(t, s, apiclient.WithAuthMode(apiclient.AuthAuto))
	_, _ = c.AddSourceTags(context.Background(), 3, []string{"PII", testKey})
	if got := s.countPath("POST", "/tag/datasource/3"); got != 1 {
		t.Fatalf("POST sent %d times", got)
	}
	var post *apiclient.RequestRecord
	recs := c.RequestLog().Snapshot()
	for i := range recs {
		if recs[i].Method == "POST" {
			post = &recs[i]
		}
	}
	if post == nil || post.Retries != 0 || !strings.Contains(post.Body, "PII") || !strings.Contains(post.Body, "[REDACTED]") || post.BodySize == 0 {
		t.Fatalf("post record: %+v", post)
	}
	curl := post.Curl()
	for _, want := range []string{"-X POST", `"Authorization: $IMMUTA_API_KEY"`, "--data-binary '", "'Content-Type: application/json'"} {
		if !strings.Contains(curl, want) {
			t.Errorf("curl lacks %q:\n%s", want, curl)
		}
	}
	noSecret(t, dump(c.RequestLog()))
}

func TestRequestLogBoundAndConcurrency(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { reply(w, 200, []byte(`{"id":1,"name":"x"}`)) })
	log := apiclient.NewRequestLog(7)
	c := newClient(t, s, apiclient.WithRequestLog(log))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				_, _ = c.GetDataSource(context.Background(), int64(g*10+i+1))
				_ = log.Snapshot() // read while others write
			}
		}()
	}
	wg.Wait()
	recs := log.Snapshot()
	if len(recs) != 7 || log.Len() != 7 || log.Seq() != 40 {
		t.Fatalf("kept %d (len %d, seq %d), want the last 7 of 40", len(recs), log.Len(), log.Seq())
	}
	for i, r := range recs {
		if r.ID != uint64(40-i) {
			t.Errorf("record %d has id %d, want %d (newest first)", i, r.ID, 40-i)
		}
	}
	log.SetLimit(3)
	if recs := log.Snapshot(); len(recs) != 3 || recs[0].ID != 40 || recs[2].ID != 38 {
		t.Errorf("after SetLimit(3): %d records, first %d", len(recs), recs[0].ID)
	}
	_, _ = c.GetDataSource(context.Background(), 1)
	if recs := log.Snapshot(); len(recs) != 3 || recs[0].ID != 41 {
		t.Errorf("after one more: %+v", recs)
	}
	if apiclient.NewRequestLog(0).Limit() != apiclient.DefaultRequestLogSize {
		t.Error("0 should keep the default size")
	}
	// A log shared by a second client gets its requests too.
	c2 := newClient(t, s, apiclient.WithRequestLog(log))
	_, _ = c2.GetDataSource(context.Background(), 2)
	if log.Seq() != 42 {
		t.Errorf("shared log seq %d", log.Seq())
	}
}

func TestRequestLogOffAndNotSent(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { reply(w, 200, []byte(`{"id":1,"name":"x"}`)) })
	c := newClient(t, s, apiclient.WithRequestLog(nil))
	if c.RequestLog() != nil {
		t.Fatal("WithRequestLog(nil) keeps no log")
	}
	if _, err := c.GetDataSource(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	ro := newClient(t, s, apiclient.WithReadOnly(true))
	_, _ = ro.AddSourceTags(context.Background(), 1, []string{"x"})
	if n := ro.RequestLog().Len(); n != 0 {
		t.Errorf("a write refused before sending was logged (%d records)", n)
	}
}

// The session token form: the exchange is logged without the key, later
// requests without the token, and the curl trades the key itself.
func TestRequestLogExchangeNeverHoldsKeyOrToken(t *testing.T) {
	const token = "tok-SESSION-98765"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/bim/apikey/authenticate" {
			reply(w, 200, []byte(`{"token":"`+token+`"}`))
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+token {
			reply(w, 401, []byte(`{"message":"no"}`))
			return
		}
		echo(w, r)
	})
	c := newClient(t, s, apiclient.WithAuthMode(apiclient.AuthExchange))
	if _, err := c.GetDataSource(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	recs := c.RequestLog().Snapshot()
	if len(recs) != 2 {
		t.Fatalf("want the exchange and the read, got %+v", recs)
	}
	get, ex := recs[0], recs[1]
	if ex.Method != "POST" || ex.Path != "/bim/apikey/authenticate" || ex.Auth != "" || !strings.Contains(ex.Body, `"apikey":"[REDACTED]"`) {
		t.Errorf("exchange record: %+v", ex)
	}
	if get.Auth != apiclient.AuthExchange {
		t.Errorf("read record auth %q", get.Auth)
	}
	curl := get.Curl()
	if !strings.Contains(curl, "TOKEN=$(curl") || !strings.Contains(curl, `"Authorization: Bearer $TOKEN"`) || !strings.Contains(curl, "$IMMUTA_API_KEY") {
		t.Errorf("curl:\n%s", curl)
	}
	noSecret(t, dump(c.RequestLog()), token)
}

// The copied command works: run by sh with the key in $IMMUTA_API_KEY, it
// sends what the client sent.
func TestRequestLogCurlRuns(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is needed in CI")
		}
		t.Skip("no curl")
	}
	const token = "tok-SESSION-55555"
	for _, mode := range []apiclient.AuthMode{apiclient.AuthRaw, apiclient.AuthBearer, apiclient.AuthExchange} {
		t.Run(string(mode), func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if r.URL.Path == "/bim/apikey/authenticate" {
					reply(w, 200, []byte(`{"token": "`+token+`"}`))
					return
				}
				echo(w, r)
			})
			c := newClient(t, s, apiclient.WithAuthMode(mode))
			if _, err := c.AddSourceTags(context.Background(), 4, []string{"it's \"quoted\" $HOME"}); err != nil {
				t.Logf("add: %v", err) // the echo is not the answer's shape
			}
			var post apiclient.RequestRecord
			for _, r := range c.RequestLog().Snapshot() {
				if r.Path == "/tag/datasource/4" {
					post = r
				}
			}
			before := len(s.Hits())
			cmd := exec.Command("sh", "-c", post.Curl())
			cmd.Env = append(os.Environ(), "IMMUTA_API_KEY="+testKey)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s\n%s", err, out, post.Curl())
			}
			hits := s.Hits()[before:]
			last := hits[len(hits)-1]
			orig := s.Hits()[0]
			for _, h := range s.Hits()[:before] {
				if h.Path == "/tag/datasource/4" {
					orig = h
				}
			}
			if last.Method != "POST" || last.Path != "/tag/datasource/4" || string(last.Body) != string(orig.Body) ||
				last.Header.Get("Authorization") != orig.Header.Get("Authorization") {
				t.Errorf("curl sent %s %s %q auth %q; the client sent %q auth %q", last.Method, last.Path, last.Body,
					last.Header.Get("Authorization"), orig.Body, orig.Header.Get("Authorization"))
			}
		})
	}
}
