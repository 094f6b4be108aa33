package detail

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
)

// contactsMsg carries GET /dataSource/{id}/contacts: the people who name
// the creator's profile ("Created by Jane Doe (profile 106)").
type contactsMsg struct {
	id       int64
	contacts *apiclient.Contacts
}

// loadContacts asks for the source's contacts. A failure is quiet: the
// page then says "profile 106", as it does before they answer.
func (m *Model) loadContacts() tea.Cmd {
	if m.closed {
		return nil
	}
	id, parent, sess := m.id, m.ctx, m.sess
	return views.Track("loading the contacts of "+m.Title(), func() tea.Msg {
		ctx, cancel := sess.WithTimeout(parent)
		defer cancel()
		c, err := sess.API.SourceContacts(ctx, id)
		if err != nil {
			return nil
		}
		return contactsMsg{id: id, contacts: c}
	})
}

func (m *Model) gotContacts(msg contactsMsg) {
	if m.closed || msg.id != m.id || msg.contacts == nil {
		return
	}
	m.contacts = msg.contacts
	m.rebuild()
}

// createdByName says who created the source: the person's name when the
// contacts give it, with the profile id; else what createdBy says.
func (m *Model) createdByName(f apiclient.FlexString) string {
	s := strings.TrimSpace(string(f))
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n := format.Inline(m.contacts.NameOf(id)); n != "" {
			return n + " (profile " + s + ")"
		}
	}
	return createdBy(f)
}
