package immutatest

import "net/http"

// contactJSON is one profile of GET /dataSource/{id}/contacts. V1 calls
// the answer an untyped string; the emulator sends the source's owner (its
// creator) as a list of profiles, a shape the client reads among others.
type contactJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Type  string `json:"type"`
}

// contacts answers GET /dataSource/{id}/contacts.
func (h *Handler) contacts(id int64) response {
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	out := []contactJSON{}
	if p, ok := h.person(s.createdBy); ok {
		out = append(out, contactJSON{ID: s.createdBy, Name: p.name, Email: p.email, Type: "owner"})
	}
	return jsonResponse(http.StatusOK, out)
}
