package cli

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/config"
)

// newClient builds the API client for a resolved target: its timeout, auth
// form, http:// permission, body cap, read-only flag and CA file, then
// extra options (a logger, a user agent). With auth "auto", the form
// remembered for this profile is tried first, and the form the tenant takes
// is remembered for the next run. The config resolves values only; the
// client is built here, at the composition root.
func newClient(t *config.Target, extra ...apiclient.Option) (*apiclient.Client, error) {
	mode, err := apiclient.ParseAuthMode(t.Auth)
	if err != nil {
		return nil, err
	}
	opts := []apiclient.Option{
		apiclient.WithTimeout(t.Timeout),
		apiclient.WithAuthMode(mode),
		apiclient.WithAllowHTTP(t.AllowHTTP),
		apiclient.WithReadOnly(t.ReadOnly),
	}
	if t.MaxBodyBytes > 0 {
		opts = append(opts, apiclient.WithMaxBodyBytes(t.MaxBodyBytes))
	}
	if mode == apiclient.AuthAuto && t.RememberAs != "" {
		if m := config.RememberedAuth(t.RememberAs, t.TenantURL); m != "" {
			opts = append(opts, apiclient.WithAuthStart(m))
		}
		as, url := t.RememberAs, t.TenantURL
		opts = append(opts, apiclient.WithAuthLearned(func(m apiclient.AuthMode) {
			// A cache: when it cannot be written, the next run costs one
			// more round trip, which is not worth failing this one for.
			_ = config.RememberAuth(as, url, m)
		}))
	}
	hc, err := httpClient(t.CAFile)
	if err != nil {
		return nil, err
	}
	if hc != nil {
		opts = append(opts, apiclient.WithHTTPClient(hc))
	}
	return apiclient.New(t.TenantURL, t.Key, append(opts, extra...)...)
}

// httpClient is the http.Client for a target with ca_file: nil when the
// default will do, or one that also trusts caFile.
func httpClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("ca_file %s: %v", caFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s: no PEM certificates in it", caFile)
	}
	tr := apiclient.NewTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}
