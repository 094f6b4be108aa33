package apiclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// The request log's cost on one read over loopback, beside the same read
// without a log (the baseline): recording is a header copy, a few string
// replacements and a ring slot.
func benchGet(b *testing.B, opts ...apiclient.Option) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":1,"name":"x"}`))
	}))
	defer srv.Close()
	c, err := apiclient.New(srv.URL, testKey, append([]apiclient.Option{apiclient.WithAuthMode(apiclient.AuthRaw)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetDataSource(ctx, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetWithRequestLog(b *testing.B)    { benchGet(b) }
func BenchmarkGetWithoutRequestLog(b *testing.B) { benchGet(b, apiclient.WithRequestLog(nil)) }
