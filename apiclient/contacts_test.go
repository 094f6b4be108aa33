package apiclient_test

import (
	"context"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// GET /dataSource/{id}/contacts is untyped in V1: each shape a tenant may
// send names the profile; anything else gives no name, never an error.
func TestSourceContactsShapes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, body, want string }{
		{"list of profiles", `[{"id":106,"name":"Jane Doe","email":"jane@x","type":"owner"}]`, "Jane Doe"},
		{"profileId as a string", `[{"profileId":"106","name":"Jane Doe"}]`, "Jane Doe"},
		{"owners and experts", `{"experts":[{"id":7,"name":"Ex Pert"}],"owners":[{"id":106,"name":"Jane Doe"}]}`, "Jane Doe"},
		{"one profile", `{"id":106,"name":"Jane Doe"}`, "Jane Doe"},
		{"another profile only", `[{"id":5,"name":"Other"}]`, ""},
		{"odd items", `[7,null,"x",{"id":106}]`, ""},
		{"empty object", `{}`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := route(t, "GET", "/dataSource/22/contacts", nil, 200, []byte(c.body))
			got, err := newClient(t, s).SourceContacts(context.Background(), 22)
			if err != nil {
				t.Fatal(err)
			}
			if n := got.NameOf(106); n != c.want {
				t.Errorf("NameOf(106) = %q, want %q", n, c.want)
			}
			if string(got.Raw) != c.body {
				t.Errorf("Raw = %s, want the answer as sent", got.Raw)
			}
		})
	}
}

// The emulator names a source's creator among its contacts.
func TestSourceContactsFromTheEmulator(t *testing.T) {
	t.Parallel()
	srv := immutatest.NewServer(immutatest.Options{Sources: 10})
	t.Cleanup(srv.Close)
	c, err := apiclient.New(srv.URL, srv.Handler.Key(), apiclient.WithAuthMode(apiclient.AuthRaw))
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.GetDataSource(context.Background(), 4)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SourceContacts(context.Background(), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.People) != 1 || got.People[0].Role != "owner" || got.NameOf(got.People[0].ProfileID) == "" || string(d.CreatedBy) == "" {
		t.Fatalf("contacts %+v, createdBy %q", got.People, d.CreatedBy)
	}
	if _, err := c.SourceContacts(context.Background(), 999999); err == nil {
		t.Error("a missing source should be an error")
	}
}
