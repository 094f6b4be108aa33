package apiclient

// Fuzz targets, seeded with the seeds' example bodies (FixtureDirs). A plain
// `go test` runs only the seeds; explore with e.g.
//
//	go test -run '^$' -fuzz '^FuzzDecodeDataSource$' -fuzztime 30s ./apiclient/
//
// The rule they check: whatever a server sends, decoding never panics, and
// valid JSON never fails a whole object.

import (
	"bytes"
	"encoding/json"
	"iter"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// addSeeds adds each fixture (FixtureDirs) and a few odd bodies, each followed by
// the extra arguments of the target.
func addSeeds(f *testing.F, extra ...any) {
	f.Helper()
	for _, n := range FixturePaths(f) {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]any{b}, extra...)...)
	}
	for _, s := range []string{
		``, `null`, `[]`, `{}`, `"x"`, `7`, `{"id":`, `[1,"a",null,{}]`,
		`{"recordCount":"many","tags":"x","createdBy":"jane","rowCount":"six","approved":1}`,
		`{"tags":["a",{"name":"b"},null,5],"catalogMetadata":"s","statusInfo":{"sql":7}}`,
		`{"count":"2","hits":[{"id":1}]}`, `{"count":-1,"hits":"x"}`, `{"count":1e999}`,
		`{"policySet":"[{\"rules\":[{\"config\":{\"fields\":[1]}}]}]"}`, `{"policySet":[{"global":"x"}]}`,
		`{"inError":[1,{"modelId":"2"}],"success":[{"modelId":3}]}`,
	} {
		f.Add(append([]any{[]byte(s)}, extra...)...)
	}
}

// objects are the types that decode leniently: valid JSON never fails them.
func objects() []any {
	return []any{
		&DataSource{}, &AccessUser{}, &PolicyInfo{}, &VisibilityReport{}, &LineageEntry{},
		&SubscribeResult{}, &Subscription{}, &SubscribeFailure{}, &DeleteResult{}, &S3Created{}, &S3Handler{},
		&Policy{}, &PolicyRule{}, &GlobalPolicy{}, &Tags{}, new(FlexString), &StatusCheck{},
	}
}

func FuzzDecodeDataSource(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		valid := json.Valid(data)
		var d DataSource
		err := json.Unmarshal(data, &d)
		if valid != (err == nil) {
			t.Fatalf("valid JSON %v, but Unmarshal err = %v", valid, err)
		}
		if err != nil {
			return
		}
		if !bytes.Equal(d.Raw, bytes.TrimSpace(data)) {
			t.Fatalf("Raw = %q, want the input %q", d.Raw, data)
		}
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		// json.Marshal compacts (and HTML-escapes) what MarshalJSON returns;
		// nothing else may change.
		var compact, want bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatal(err)
		}
		json.HTMLEscape(&want, compact.Bytes())
		if !bytes.Equal(out, want.Bytes()) {
			t.Fatalf("round trip changed the JSON:\n%s\n%s", out, want.Bytes())
		}
		_ = d.Tags.Names()
		_ = d.IsDisabled()
		for _, v := range objects() {
			if err := json.Unmarshal(data, v); err != nil {
				t.Fatalf("%T failed on valid JSON: %v", v, err)
			}
			if m, ok := v.(json.Marshaler); ok {
				if _, err := m.MarshalJSON(); err != nil {
					t.Fatalf("%T MarshalJSON: %v", v, err)
				}
			}
		}
		var r VisibilityReport
		_ = json.Unmarshal(data, &r)
		_, _ = r.Policies()
		var s Subscription
		_ = json.Unmarshal(data, &s)
		_ = s.DataSourceID()
	})
}

func FuzzDecodePage(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var p DataSourcePage
		if err := json.Unmarshal(data, &p); err == nil {
			if p.Count < -1 {
				t.Fatalf("Count = %d", p.Count)
			}
			// Paging over a server that answers this page to every request
			// ends, after at most two requests.
			fetches := 0
			seq := walk(0, 2, "/dataSource", func(offset, size int) ([]DataSource, int, error) {
				if fetches++; fetches > 2 {
					t.Fatalf("walk did not stop after %d requests (count %d, %d hits)", fetches-1, p.Count, len(p.Hits))
				}
				return p.Hits, p.Count, nil
			}, func(d *DataSource) json.RawMessage { return d.Raw })
			drain(seq)
		}
		var a AccessPage
		if err := json.Unmarshal(data, &a); err == nil && a.Count < -1 {
			t.Fatalf("Count = %d", a.Count)
		}
		_, _ = decodeLineage(data, "parents")
		_, _ = decodeLineage(data, "children")
	})
}

func drain[T any](seq iter.Seq2[T, error]) {
	for range seq {
	}
}

func FuzzPolicySet(f *testing.F) {
	addSeeds(f)
	f.Add([]byte(`"[{\"type\":\"masking\"}]"`))
	f.Add([]byte(`"not json"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := DecodePolicySet(data)
		if err != nil && ps != nil {
			t.Fatalf("policies with an error: %v", err)
		}
		// The same bytes as the string a tenant would send.
		quoted, _ := json.Marshal(string(data))
		_, _ = DecodePolicySet(quoted)
		var r VisibilityReport
		if json.Unmarshal([]byte(`{"policySet":`+string(quoted)+`}`), &r) == nil {
			_, _ = r.Policies()
		}
	})
}

func FuzzErrorMessage(f *testing.F) {
	addSeeds(f, uint16(0))
	f.Add([]byte(strings.Repeat("y", 505)+" tail"), uint16(505))
	f.Add([]byte(`{"message":"bad key "}`), uint16(20))
	f.Add([]byte("\x1b[2J\xff\xfe caf\xc3"), uint16(3))
	f.Fuzz(func(t *testing.T, body []byte, at uint16) {
		check := func(msg string) {
			if len(msg) > maxErrorBody+len("…") {
				t.Fatalf("message is %d bytes", len(msg))
			}
			if !utf8.ValidString(msg) {
				t.Fatalf("message is not UTF-8: %q", msg)
			}
			for _, r := range msg {
				if unicode.IsControl(r) {
					t.Fatalf("control character %U in %q", r, msg)
				}
			}
			if msg != strings.TrimSpace(msg) {
				t.Fatalf("untrimmed message %q", msg)
			}
		}
		check(errorMessage(body, nil))

		// With the key put somewhere in the body, it is never shown.
		const key, tok = "sekret-KEY-123", "tok-SESSION-987"
		c := &Client{key: key, token: tok}
		i := int(at) % (len(body) + 1)
		withKey := append(append(append([]byte(nil), body[:i]...), key+tok...), body[i:]...)
		msg := errorMessage(withKey, c.Redact)
		check(msg)
		if strings.Contains(msg, key) || strings.Contains(msg, tok) {
			t.Fatalf("secret in %q", msg)
		}
		// The same for a hapi body whose message holds the text.
		hapi, _ := json.Marshal(map[string]string{"message": string(withKey)})
		if msg := errorMessage(hapi, c.Redact); strings.Contains(msg, key) || strings.Contains(msg, tok) {
			t.Fatalf("secret in %q", msg)
		}
	})
}
