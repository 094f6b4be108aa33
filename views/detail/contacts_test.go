package detail

import (
	"context"
	"regexp"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// contactsAPI is the seeded fake with contacts that name profile 2.
type contactsAPI struct {
	*fakeAPI
	err error
}

func (c contactsAPI) SourceContacts(context.Context, int64) (*apiclient.Contacts, error) {
	if c.err != nil {
		return nil, c.err
	}
	return &apiclient.Contacts{People: []apiclient.Contact{{ProfileID: 2, Name: "Jane Doe", Role: "owner"}}}, nil
}

// "Created by" names the person when the contacts say who the profile
// is; without them (or when they fail) it is the profile id.
func TestCreatedByNamesThePerson(t *testing.T) {
	m, _ := open(t, contactsAPI{fakeAPI: seeded(t)}, 22, "Source", 100, 40)
	if !regexp.MustCompile(`Created by\s+Jane Doe \(profile 2\)`).MatchString(m.View()) {
		t.Errorf("the creator's name is not shown:\n%s", m.View())
	}
	m, _ = open(t, contactsAPI{fakeAPI: seeded(t), err: apiclient.ErrNotFound}, 22, "Source", 100, 40)
	if !regexp.MustCompile(`Created by\s+profile 2\b`).MatchString(m.View()) {
		t.Errorf("without contacts the profile id is shown:\n%s", m.View())
	}
}
