package apiclient

// The one-pass decoder (decode.go) must give exactly what the old lenient
// decoder gave (decode_legacy_test.go): the same fields, the same Raw bytes,
// nil and empty told apart, and an error for the same inputs. There is no
// documented difference. The one input where the old decoder had no single
// answer (an object with two differently-cased spellings of a checked
// field and none exact: it looked them up in a map, so the winner changed
// from run to run) is accepted when the new answer is one the old decoder
// also gives.
//
// Explore further with:
//
//	go test -run '^$' -fuzz '^FuzzDecodeDifferential$' -fuzztime 60s ./apiclient/

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// sameAsLegacy decodes data as a source and as a page, through
// json.Unmarshal and through UnmarshalJSON alone, fresh and into an earlier
// value, with both decoders, and fails on any difference.
func sameAsLegacy(t *testing.T, data []byte) {
	t.Helper()
	sameAsLegacyInto(t, data, "", earlier, "["+earlier+","+earlier+"]")
}

// earlier is a value decoded before, for data to merge into.
const earlier = `{"id":1,"name":"old","rowCount":0,"approved":false,"subscriptionPolicy":{"type":"t","allowDiscovery":false},` +
	`"statusInfo":{"sql":{"status":"passed"}},"blobHandler":{"url":"u"},"tags":["a"],"catalogMetadata":{"x":1}}`

// sameAsLegacyInto is sameAsLegacy, decoding into each of intos first
// ("" for a fresh value).
func sameAsLegacyInto(t *testing.T, data []byte, intos ...string) {
	t.Helper()
	for _, into := range intos {
		// A source.
		for _, direct := range []bool{false, true} {
			var got DataSource
			var want legacyDataSource
			if into != "" && into[0] == '{' {
				if json.Unmarshal([]byte(into), &got) != nil || json.Unmarshal([]byte(into), &want) != nil {
					t.Fatal("earlier value does not decode")
				}
			}
			var gotErr, wantErr error
			if direct {
				gotErr, wantErr = got.UnmarshalJSON(data), want.UnmarshalJSON(data)
			} else {
				gotErr, wantErr = json.Unmarshal(data, &got), json.Unmarshal(data, &want)
			}
			compare(t, fmt.Sprintf("source (direct %v, into %.20q)", direct, into), data, gotErr, wantErr, got, DataSource(want),
				func() any {
					var w legacyDataSource
					if into != "" && into[0] == '{' {
						_ = json.Unmarshal([]byte(into), &w)
					}
					if direct {
						_ = w.UnmarshalJSON(data)
					} else {
						_ = json.Unmarshal(data, &w)
					}
					return DataSource(w)
				})
		}
		// A page, also as the client decodes it (decodeBody, with the
		// size asked for; before, json.Unmarshal).
		for _, direct := range []bool{false, true} {
			var got, client DataSourcePage
			var want legacyPage
			if into != "" {
				if json.Unmarshal([]byte(into), &got) != nil || json.Unmarshal([]byte(into), &want) != nil || json.Unmarshal([]byte(into), &client) != nil {
					t.Fatal("earlier page does not decode")
				}
			}
			var gotErr, wantErr error
			if direct {
				gotErr, wantErr = got.UnmarshalJSON(data), want.UnmarshalJSON(data)
			} else {
				gotErr, wantErr = json.Unmarshal(data, &got), json.Unmarshal(data, &want)
				clientErr := sizedPage{&client, 3}.decodeBody(data)
				compare(t, fmt.Sprintf("page as the client reads it (into %.20q)", into), data, clientErr, wantErr, client, want.page(),
					func() any {
						var w legacyPage
						if into != "" {
							_ = json.Unmarshal([]byte(into), &w)
						}
						_ = json.Unmarshal(data, &w)
						return w.page()
					})
			}
			compare(t, fmt.Sprintf("page (direct %v, into %.20q)", direct, into), data, gotErr, wantErr, got, want.page(),
				func() any {
					var w legacyPage
					if into != "" {
						_ = json.Unmarshal([]byte(into), &w)
					}
					if direct {
						_ = w.UnmarshalJSON(data)
					} else {
						_ = json.Unmarshal(data, &w)
					}
					return w.page()
				})
		}
	}
}

// compare fails unless got equals want; again re-runs the old decoder, for
// the inputs where it has more than one answer.
func compare(t *testing.T, what string, data []byte, gotErr, wantErr error, got, want any, again func() any) {
	t.Helper()
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%s of %q: error %v, old decoder %v", what, data, gotErr, wantErr)
	}
	if gotErr != nil && reflect.TypeOf(gotErr) != reflect.TypeOf(wantErr) {
		t.Fatalf("%s of %q: error %T (%v), old decoder %T (%v)", what, data, gotErr, gotErr, wantErr, wantErr)
	}
	if reflect.DeepEqual(got, want) {
		return
	}
	for range 50 {
		if reflect.DeepEqual(got, again()) {
			return // the old decoder gives this answer too
		}
	}
	t.Fatalf("%s of %q:\n got %#v\nwant %#v", what, data, got, want)
}

// oddValues are the values each field is tried with: every JSON kind,
// zero values, escapes, bad UTF-8, numbers int64 cannot hold.
var oddValues = []string{
	`null`, `""`, `"x"`, `"ünï \u00e9\ud83d\ude00 \ud800 \/\"\\\b\f\n\r\t"`, "\"\xff\xfe bad utf-8\"", `"45"`,
	`0`, `-0`, `1`, `-7`, `1.5`, `1e3`, `9223372036854775807`, `9223372036854775808`, `-1E-2`,
	`true`, `false`, `{}`, `[]`, `{"a":1}`, `[1,"x"]`, `{"name":"n","type":"t"}`, `[{"name":"PII"},"x",null,{"name":5},{"NAME":"up"}]`,
	`{"status":"failed","message":7,"Date":"d"}`, `{"sql":{"status":"passed"},"x":null,"y":"s","z":[]}`,
	`{"url":"u","manualDictionary":"yes"}`, `{"automaticSubscription":"no","allowDiscovery":false,"exceptions":null}`,
	`{"automaticSubscription":false}`, `{"allowDiscovery":1,"automaticSubscription":[]}`, ` [ 1 , { "a" : [ ] } ] `,
}

// TestDecodeSameAsLegacy tries every field of a real hit with every odd
// value, under its own key, in other cases, and twice.
func TestDecodeSameAsLegacy(t *testing.T) {
	t.Parallel()
	hit := string(emulatorPageHit(t))
	fields := append(append([]string{}, dataSourceFields...), "unknownField", "")
	for _, f := range fields {
		for _, v := range oddValues {
			for _, key := range []string{f, strings.ToUpper(f), "\\u00" + fmt.Sprintf("%x", firstByte(f)) + rest(f)} {
				obj := `{"` + key + `":` + v + `,` + hit[1:]
				dup := hit[:len(hit)-1] + `,"` + key + `":` + v + `}`
				twice := `{"` + f + `":` + v + `,"` + key + `":` + v + `}`
				if key != f {
					// Other spellings: alone, and after the exact one.
					sameAsLegacyInto(t, []byte(obj), "")
					sameAsLegacyInto(t, []byte(twice), "")
					continue
				}
				sameAsLegacyInto(t, []byte(dup), "", earlier)
				sameAsLegacyInto(t, []byte(`{"count":"3","hits":[`+obj+`,`+dup+`,null,7]}`), "", "["+earlier+"]")
			}
		}
	}
	for _, data := range []string{
		``, ` `, `null`, `{`, `[`, `{"id":1}x`, `{"id":1,}`, `[1,]`, `{"a" 1}`, `{"a":1 "b":2}`, `"\x01"`, `"\q"`, `"\u12"`,
		`01`, `-`, `1.`, `1e`, `tru`, `nul`, `{"hits":[{"id":1}],"hits":[{"name":"n"},{"id":2}]}`, `{"hits":[],"HITS":null}`,
		`{"count":2,"hits":{"id":1}}`, `{"count":-1,"hits":"x"}`, `"page"`, `7`, `true`, `{"Count":1e999,"hits":[]}`,
		strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001), `{"x":` + strings.Repeat(`[`, 9990) + strings.Repeat(`]`, 9990) + `}`,
		`{"rowCount":"six","ROWCOUNT":0}`, `{"ſtatus":"long s","ROWCOUNT":"x","rowcount":0}`, `{"ſubscriptionId":"x","ſtatusInfo":{},"SUBSCRIPTIONPOLICY":7}`, `{"approved":0,"Approved":true}`,
		`{"statusInfo":{},"statusinfo":"x"}`, `{"subscriptionPolicy":{"type":"a"},"subscriptionPolicy":{"allowDiscovery":true}}`,
		`{"subscriptionPolicy":{"automaticSubscription":true},"subscriptionPolicy":{"automaticSubscription":"x"}}`,
		`{"tags":[{"name":"a","name":null},{"name":"a","Name":5},{"name":"a","NAME":"b"}]}`,
	} {
		sameAsLegacy(t, []byte(data))
	}
}

func firstByte(s string) byte {
	if s == "" {
		return 'x'
	}
	return s[0]
}

func rest(s string) string {
	if s == "" {
		return ""
	}
	return s[1:]
}

// emulatorPageHit is one real hit from the emulator.
func emulatorPageHit(tb testing.TB) []byte {
	var p DataSourcePage
	if err := json.Unmarshal(emulatorPage(tb, 3), &p); err != nil {
		tb.Fatal(err)
	}
	return p.Hits[2].Raw
}

func FuzzDecodeDifferential(f *testing.F) {
	addSeeds(f)
	for _, v := range oddValues {
		f.Add([]byte(`{"count":1,"hits":[{"tags":` + v + `,"statusInfo":` + v + `,"approved":` + v + `}]}`))
	}
	f.Add(emulatorPage(f, 5))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsLegacy(t, data)
	})
}

// The hand-written decoder names every field itself: a field added to one
// of these types must be added to decode.go too, or it would never be read.
func TestDecoderKnowsEveryField(t *testing.T) {
	t.Parallel()
	names := func(typ reflect.Type) []string {
		var out []string
		for f := range typ.Fields() {
			if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n != "-" {
				out = append(out, n)
			}
		}
		return out
	}
	for _, c := range []struct {
		typ    reflect.Type
		fields []string
	}{
		{reflect.TypeFor[DataSource](), dataSourceFields},
		{reflect.TypeFor[SubscriptionPolicy](), subscriptionPolicyFields},
		{reflect.TypeFor[BlobHandler](), blobHandlerFields},
		{reflect.TypeFor[StatusCheck](), statusCheckFields},
	} {
		if got := names(c.typ); !reflect.DeepEqual(got, c.fields) {
			t.Errorf("%v has JSON fields %q; decode.go reads %q", c.typ, got, c.fields)
		}
	}
	// And the fields whose misfits are dropped (misfits.clear).
	var checked []string
	for _, f := range checkedFields(reflect.TypeFor[DataSource]()) {
		checked = append(checked, f.name)
	}
	want := []string{"subscriptionPolicy", "rowCount", "statusInfo", "blobHandler", "columnEvolutionEnabled", "subscriptionId", "approved"}
	if !reflect.DeepEqual(checked, want) {
		t.Errorf("clearMisfits checks %q; misfits.clear drops %q", checked, want)
	}
}
