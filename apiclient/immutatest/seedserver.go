package immutatest

import (
	"embed"
	"net/http"
	"net/http/httptest"
	"strings"
)

// The seed server answers every documented call with the example body from
// Immuta's own reference pages (shared/seeds), whatever the ids: a server
// exactly as documented, with none of the emulator's state or extras. It
// proves dsbrowse works against the contract itself, not only against the
// emulator's reading of it.

// seedbodies/ is the one copy of these bodies: the emulator's seed sources
// (seeds.go) serve them too, other packages' tests read them through
// SeedBody, and apiclient's own tests by path (its internal tests cannot
// import this package, which imports apiclient).
//
//go:embed seedbodies/*.json
var documentedBodies embed.FS

// SeedBody is the example body name (a file of seedbodies/, such as
// "get_22.json") exactly as Immuta's reference shows it.
func SeedBody(name string) ([]byte, error) {
	return documentedBodies.ReadFile("seedbodies/" + name)
}

// seedBody is SeedBody for a name this package knows is there: the set is
// fixed at build time.
func seedBody(name string) []byte {
	b, err := SeedBody(name)
	if err != nil {
		panic("immutatest: no seed body " + name)
	}
	return b
}

// NewSeedHandler returns the seed server's handler. Any non-empty
// Authorization is accepted.
func NewSeedHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.URL.Path != "/bim/apikey/authenticate" {
			writeRaw(w, http.StatusUnauthorized, `{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}`)
			return
		}
		name, literal := seedRoute(r.Method, strings.Split(strings.Trim(r.URL.Path, "/"), "/"))
		switch {
		case literal != "":
			writeRaw(w, http.StatusOK, literal)
		case name == "blob":
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write([]byte("seed blob\n"))
		case name != "":
			writeRaw(w, http.StatusOK, string(seedBody(name)))
		default:
			writeRaw(w, http.StatusNotFound, `{"statusCode":404,"error":"Not Found","message":"Not Found"}`)
		}
	})
}

// seedRoute names the example body for a request: a file, or a literal
// body for the calls the seeds show no answer for.
func seedRoute(method string, p []string) (file, literal string) {
	switch {
	case method == "POST" && len(p) == 3 && p[0] == "bim":
		return "", `{"token":"seed-token"}`
	case len(p) >= 1 && p[0] == "native-s3":
		switch {
		case method == "POST" && len(p) == 2:
			return "s3_create_response.json", ""
		case method == "GET" && len(p) == 3:
			return "s3_handler_response.json", ""
		}
		return "", ""
	case len(p) == 0 || p[0] != "dataSource":
		return "", ""
	}
	switch {
	case len(p) == 1 && method == "GET":
		return "list_array.json", "" // the seed shows only the hits: a bare array
	case len(p) == 2 && method == "POST" && p[1] == "subscribe":
		return "subscribe_response.json", ""
	case len(p) == 2 && method == "GET":
		return "get_22.json", ""
	case len(p) == 2 && method == "DELETE":
		return "delete_response.json", ""
	case len(p) == 2 && method == "PUT":
		return "get_22.json", ""
	case len(p) == 3 && method == "GET" && p[1] == "name":
		return "name_public_barfoo.json", ""
	case len(p) == 3 && method == "GET" && p[1] == "sqlTableName":
		return "sqltable_customer_data.json", ""
	case len(p) == 3 && method == "GET" && p[2] == "access":
		return "access.json", ""
	case len(p) == 3 && method == "GET" && p[2] == "visibilityReport":
		return "my_visibility_report.json", ""
	case len(p) == 4 && method == "GET" && p[2] == "lineage" && p[3] == "parents":
		return "lineage_parents.json", ""
	case len(p) == 4 && method == "GET" && p[2] == "lineage" && p[3] == "children":
		return "", `{"children":[]}` // the seed shows parents only
	case len(p) >= 4 && method == "GET" && p[2] == "blob":
		return "blob", ""
	case len(p) == 5 && method == "GET" && p[2] == "users" && p[4] == "policyInfo":
		return "policy_info.json", ""
	case len(p) == 5 && method == "GET" && p[2] == "users" && p[4] == "visibilityReport":
		return "user_visibility_report.json", ""
	}
	return "", ""
}

func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// NewSeedServer starts the seed server on 127.0.0.1. Close it when done.
func NewSeedServer() *httptest.Server { return httptest.NewServer(NewSeedHandler()) }
