package apiclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Contacts are a source's owners and experts (GET
// /dataSource/{id}/contacts). V1 documents the answer as an untyped
// string, so it is read leniently: a list of profiles, or an object whose
// lists (owners, experts, …) hold them; each profile an object with an id
// (or profileId) and a name and email. Raw keeps the answer for --json.
type Contacts struct {
	People []Contact
	Raw    json.RawMessage
}

// Contact is one person of a source's contacts.
type Contact struct {
	ProfileID int64
	Name      string
	Email     string
	Role      string // the list it came in ("owners"), or its type field
}

// maxContacts bounds the people kept from one answer.
const maxContacts = 1000

// UnmarshalJSON reads the answer in any of the shapes above; anything
// else is kept raw with no people.
func (c *Contacts) UnmarshalJSON(b []byte) error {
	c.Raw = append(json.RawMessage(nil), b...)
	c.People = nil
	var list []json.RawMessage
	if json.Unmarshal(b, &list) == nil {
		c.add(list, "")
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(b, &obj) != nil {
		return nil
	}
	if c.add([]json.RawMessage{b}, ""); len(c.People) > 0 {
		return nil // one profile on its own
	}
	for _, k := range contactKeys(obj) {
		if json.Unmarshal(obj[k], &list) == nil {
			c.add(list, k)
		}
	}
	return nil
}

func (c *Contacts) add(list []json.RawMessage, role string) {
	for _, e := range list {
		if len(c.People) >= maxContacts {
			return
		}
		var p map[string]json.RawMessage
		if json.Unmarshal(e, &p) != nil {
			continue
		}
		id := contactInt(p["profileId"])
		if id == 0 {
			id = contactInt(p["id"])
		}
		name := contactStr(p["name"])
		if id == 0 && name == "" {
			continue
		}
		r := role
		if t := contactStr(p["type"]); t != "" {
			r = t
		}
		c.People = append(c.People, Contact{ProfileID: id, Name: name, Email: contactStr(p["email"]), Role: r})
	}
}

// NameOf is the name of profile id among the contacts ("" when they do not
// say).
func (c *Contacts) NameOf(id int64) string {
	if c == nil || id == 0 {
		return ""
	}
	for _, p := range c.People {
		if p.ProfileID == id && strings.TrimSpace(p.Name) != "" {
			return p.Name
		}
	}
	return ""
}

func contactInt(b json.RawMessage) int64 {
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		if v, err := n.Int64(); err == nil {
			return v
		}
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return v
	}
	return 0
}

func contactStr(b json.RawMessage) string {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	return ""
}

func contactKeys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// SourceContacts fetches the owners and experts of source id.
func (c *Client) SourceContacts(ctx context.Context, id int64) (*Contacts, error) {
	path := fmt.Sprintf("/dataSource/%d/contacts", id)
	if id <= 0 {
		return nil, fmt.Errorf("GET %s: source id %d is not a source id", path, id)
	}
	var out Contacts
	if err := c.do(ctx, request{method: http.MethodGet, path: path, accept: "{["}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
