package apiclient_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// A server that echoes the key (in a name, the documentation, any field)
// must not get it onto a screen, into --json or a log: the client removes
// it from every answer before decoding, so the typed fields and the raw
// JSON both come out without it.
func TestEchoedKeyIsRedactedFromAnswers(t *testing.T) {
	body := `{"id":7,"name":"leak ` + testKey + `","documentation":"Authorization: ` + testKey + `","extra":{"k":"` + testKey + `"}}`
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		reply(w, http.StatusOK, []byte(body))
	})
	d, err := newClient(t, srv).GetDataSource(context.Background(), 7)
	if err != nil {
		t.Fatal(err)
	}
	noSecret(t, d.Name)
	noSecret(t, string(d.Raw))
	if d.ID != 7 || !strings.Contains(d.Name, "[REDACTED]") || !strings.Contains(string(d.Raw), `"k":"[REDACTED]"`) {
		t.Errorf("want the rest of the answer kept, got id %d name %q raw %s", d.ID, d.Name, d.Raw)
	}
}
