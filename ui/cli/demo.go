package cli

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

var demoServerCommand = &command{
	name:    "demo-server",
	args:    "[--addr HOST:PORT] [--sources N] [--key K] [fault flags]",
	summary: "serve an emulated Immuta API to try dsbrowse (or test a client) against",
	detail: `Prints the shell line that points dsbrowse at it on stdout, then serves
until ctrl-c. In another terminal, paste that line and run dsbrowse:

  export IMMUTA_URL=http://127.0.0.1:8080 IMMUTA_API_KEY=demo-key
  dsbrowse ls --limit 5

With --addr 127.0.0.1:0 a free port is picked; the export line shows which.
The fault flags make it misbehave on purpose, to see how a client copes.`,
	offline: true,
	setup: func(fs *flag.FlagSet) func(*run, []string) error {
		var addr string
		o := immutatest.Options{Key: immutatest.DefaultKey}
		fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
		fs.IntVar(&o.Sources, "sources", DefaultDemoSources, "generated data sources, besides the fixed examples")
		fs.StringVar(&o.Key, "key", o.Key, "the API `KEY` the server accepts")
		fs.Int64Var(&o.Seed, "seed", 0, "seed for the generated data")
		fs.DurationVar(&o.Latency, "latency", 0, "add `DURATION` to every request")
		fs.DurationVar(&o.Jitter, "jitter", 0, "vary the latency by up to `DURATION` either way")
		fs.IntVar(&o.MaxPageSize, "max-page-size", 0, "answer at most `N` rows a page, whatever size asks (0: no cap)")
		fs.IntVar(&o.FailEvery, "fail-every", 0, "answer every `N`th request with 503")
		fs.IntVar(&o.RateLimitEvery, "rate-limit-every", 0, "answer every `N`th request with 429 and Retry-After")
		fs.DurationVar(&o.RetryAfter, "retry-after", time.Second, "the Retry-After of those 429s")
		fs.IntVar(&o.MalformedEvery, "malformed-every", 0, "garble the answer to every `N`th request")
		fs.BoolVar(&o.RequireExchange, "require-exchange", false, "accept only session tokens from POST /bim/apikey/authenticate")
		return func(r *run, args []string) error {
			if err := wantArgs("demo-server", args, 0, "flags only"); err != nil {
				return err
			}
			if o.Sources < 0 || o.Sources > immutatest.MaxSources {
				return usagef("demo-server", "--sources must be between 0 and %d", immutatest.MaxSources)
			}
			if o.FailEvery < 0 || o.RateLimitEvery < 0 || o.MalformedEvery < 0 || o.Latency < 0 || o.Jitter < 0 || o.MaxPageSize < 0 {
				return usagef("demo-server", "fault flags must not be negative")
			}
			if strings.TrimSpace(o.Key) == "" {
				return usagef("demo-server", "--key must not be empty")
			}
			srv, err := immutatest.Listen(addr, o)
			if err != nil {
				return fmt.Errorf("demo server: %v", err)
			}
			defer srv.Close()
			fmt.Fprintf(r.io.Out, "export IMMUTA_URL=%s IMMUTA_API_KEY=%s\n", shellQuote(srv.URL), shellQuote(srv.Handler.Key()))
			fmt.Fprintf(r.io.Err, "dsbrowse demo server: %d data sources at %s; ctrl-c stops it\n", srv.Handler.Len(), srv.URL)
			<-r.ctx.Done()
			fmt.Fprintln(r.io.Err, "demo server stopped")
			return nil
		}
	},
}

// shellQuote quotes s for sh when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@%+=,", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
