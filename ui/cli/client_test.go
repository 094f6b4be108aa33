package cli

import (
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/config"
	"github.com/dsbrowse/dsbrowse/views"
)

// target is a resolved connection for the client tests.
func target(url string, c config.Connection) *config.Target {
	return &config.Target{Settings: views.Settings{Profile: "p", TenantURL: url, Timeout: 5 * time.Second}, Connection: c, Key: "k"}
}

// ca_file reaches the client: an untrusted server is refused without it,
// accepted with it; a missing or empty file is named.
func TestClientWithCAFile(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id": 7, "name": "tls ok"}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted handshake is expected
	srv.StartTLS()
	defer srv.Close()
	noRetry := apiclient.WithRetries(0, 0)
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caPath, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	tg := target(srv.URL, config.Connection{Auth: "bearer"})
	c, err := newClient(tg, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDataSource(t.Context(), 7); err == nil {
		t.Error("untrusted server accepted without ca_file")
	}
	tg.CAFile = caPath
	c, err = newClient(tg, noRetry)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.GetDataSource(t.Context(), 7)
	if err != nil || d.Name != "tls ok" {
		t.Errorf("with ca_file: %v %v", d, err)
	}

	tg.CAFile = filepath.Join(t.TempDir(), "missing.pem")
	if _, err := newClient(tg); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing ca_file: %v", err)
	}
	tg.CAFile = filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(tg.CAFile, []byte("not a pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(tg); err == nil || !strings.Contains(err.Error(), "no PEM certificates") {
		t.Errorf("bad ca_file: %v", err)
	}
	tg.Auth = "sideways"
	if _, err := newClient(tg); err == nil {
		t.Error("an unknown auth form built a client")
	}
}

// allow_http reaches the client: refused before any dial without it.
func TestClientAllowHTTP(t *testing.T) {
	tg := target("http://192.0.2.10", config.Connection{Auth: "auto"})
	_, err := newClient(tg, apiclient.WithHTTPClient(noDial(t)))
	if !errors.Is(err, apiclient.ErrPlainHTTP) || !strings.Contains(err.Error(), "allow_http = true") {
		t.Errorf("http:// without allow_http: %v", err)
	}
	tg.AllowHTTP = true
	if _, err := newClient(tg, apiclient.WithHTTPClient(noDial(t))); err != nil {
		t.Errorf("with allow_http: %v", err)
	}
}

// noDial is an HTTP client that fails the test on any dial.
func noDial(t *testing.T) *http.Client {
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		t.Errorf("dialled %s", r.URL.Host)
		return nil, errors.New("no dialling in this test")
	})}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// max_body_bytes reaches the client: a bigger answer fails, and says so.
func TestClientMaxBodyBytes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"id": 7, "name": %q}`, strings.Repeat("x", 4<<10))
	}))
	defer srv.Close()
	tg := target(srv.URL, config.Connection{Auth: "raw", MaxBodyBytes: 1 << 10})
	c, err := newClient(tg, apiclient.WithRetries(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDataSource(t.Context(), 7); !errors.Is(err, apiclient.ErrTooLarge) {
		t.Errorf("4 KiB answer under a 1 KiB cap: %v", err)
	}
	tg.MaxBodyBytes = config.DefaultMaxBodyBytes
	if c, err = newClient(tg); err != nil {
		t.Fatal(err)
	}
	if d, err := c.GetDataSource(t.Context(), 7); err != nil || d.ID != 7 {
		t.Errorf("under the default cap: %v", err)
	}
}
