package immutatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// --- subscribe ---------------------------------------------------------------------

type subscriptionJSON struct {
	ID                  int64           `json:"id"`
	ModelID             string          `json:"modelId"`
	ModelType           string          `json:"modelType"`
	State               string          `json:"state"`
	Metadata            json.RawMessage `json:"metadata"`
	Admin               json.RawMessage `json:"admin"`
	DenialReasoning     json.RawMessage `json:"denialReasoning"`
	Profile             int64           `json:"profile"`
	Group               json.RawMessage `json:"group"`
	Expiration          json.RawMessage `json:"expiration"`
	AcknowledgeRequired bool            `json:"acknowledgeRequired"`
	CreatedAt           string          `json:"createdAt"`
	UpdatedAt           string          `json:"updatedAt"`
	Approved            bool            `json:"approved"`
}

type subscribeFailureJSON struct {
	DataSourceID int64  `json:"dataSourceId"`
	Message      string `json:"message"`
}

// subscribe answers POST /dataSource/subscribe for the caller. An automatic
// policy subscribes at once; otherwise the request is pending. Owners,
// subscribers and experts keep their state.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request) response {
	var body struct {
		DataSourceIDs []json.RawMessage `json:"dataSourceIds"`
	}
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format")
	}
	if body.DataSourceIDs == nil {
		return errResponse(http.StatusBadRequest, `"dataSourceIds" is required`)
	}
	if len(body.DataSourceIDs) == 0 {
		return errResponse(http.StatusBadRequest, `"dataSourceIds" must contain at least 1 items`)
	}
	ids := make([]int64, len(body.DataSourceIDs))
	for i, raw := range body.DataSourceIDs {
		n, ok := flexID(raw)
		if !ok {
			return errResponse(http.StatusBadRequest, fmt.Sprintf(`"dataSourceIds[%d]" must be a number`, i))
		}
		ids[i] = n
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	out := struct {
		InError []subscribeFailureJSON `json:"inError"`
		Success []subscriptionJSON     `json:"success"`
	}{[]subscribeFailureJSON{}, []subscriptionJSON{}}
	now := time.Now().UnixMilli()
	for _, id := range ids {
		s := h.lookup(id)
		switch {
		case s == nil:
			out.InError = append(out.InError, subscribeFailureJSON{id, "Data source " + strconv.FormatInt(id, 10) + " not found"})
			continue
		case s.disabled:
			out.InError = append(out.InError, subscribeFailureJSON{id, "Data source " + strconv.FormatInt(id, 10) + " is disabled"})
			continue
		}
		sub, subID, at, updated := s.sub, s.subID, s.subAt, s.subAt
		switch s.sub {
		case subNone:
			sub, subID, at, updated = subPending, h.nextSubID, now, now
			h.nextSubID++
			if s.autoSub {
				sub = subSubscribed
			}
		case subPending:
			if s.autoSub {
				sub, updated = subSubscribed, now
			}
		}
		if sub != s.sub {
			h.setSub(s, sub, subID, at)
		}
		out.Success = append(out.Success, subscriptionJSON{
			ID: subID, ModelID: strconv.FormatInt(id, 10), ModelType: "datasource", State: subNames[sub],
			Metadata: json.RawMessage(`{}`), Admin: jsonNull, DenialReasoning: jsonNull, Profile: CallerProfile,
			Group: jsonNull, Expiration: jsonNull, CreatedAt: isoTime(at), UpdatedAt: isoTime(updated),
			Approved: sub != subPending,
		})
	}
	return jsonResponse(http.StatusOK, out)
}

// setSub changes the caller's state on s. Callers hold h.mu.
func (h *Handler) setSub(s *src, sub int, subID, at int64) {
	h.version++
	if !s.gen {
		s.sub, s.subID, s.subAt = sub, subID, at
		for i := range s.fixedUsers {
			if s.fixedUsers[i].profile == CallerProfile {
				s.fixedUsers[i].state, s.fixedUsers[i].subID = sub, subID
			}
		}
		return
	}
	o := h.getOvr(s.gi)
	o.hasSub, o.sub, o.subID, o.subAt = true, sub, subID, at
}

func flexID(raw json.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
		raw = []byte(s)
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// --- delete and restore ----------------------------------------------------------------

type deleteJSON struct {
	Success                   bool            `json:"success"`
	ID                        int64           `json:"id"`
	SchemaEvolutionID         int64           `json:"schemaEvolutionId"`
	Name                      string          `json:"name"`
	Disabled                  bool            `json:"disabled"`
	HardDelete                bool            `json:"hardDelete,omitempty"`
	HandlerDeleteErrorMessage json.RawMessage `json:"handlerDeleteErrorMessage"`
}

// deleteSource disables an active source and deletes a disabled one.
func (h *Handler) deleteSource(id int64) response {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	h.version++
	out := deleteJSON{Success: true, ID: id, SchemaEvolutionID: s.schemaEvo, Name: s.name, Disabled: true, HandlerDeleteErrorMessage: jsonNull}
	if !s.disabled {
		h.setDisabled(s, true)
		return jsonResponse(http.StatusOK, out)
	}
	out.HardDelete = true
	if s.gen {
		h.getOvr(s.gi).gone = true
	} else {
		h.removeCustom(s)
	}
	return jsonResponse(http.StatusOK, out)
}

func (h *Handler) setDisabled(s *src, dis bool) {
	if !s.gen {
		s.disabled = dis
		return
	}
	o := h.getOvr(s.gi)
	o.hasDis, o.disabled = true, dis
}

// putSource supports one update: {"deleted": false} restores a disabled
// source.
func (h *Handler) putSource(w http.ResponseWriter, r *http.Request, id int64) response {
	var body map[string]json.RawMessage
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format")
	}
	if len(body) != 1 || string(bytes.TrimSpace(body["deleted"])) != "false" {
		return errResponse(http.StatusBadRequest, `Only {"deleted": false} (restore a disabled data source) is supported`)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	if s.disabled {
		h.version++
		h.setDisabled(s, false)
		s.disabled = false
	}
	return rawJSON(http.StatusOK, s.detail(h.baseURL()))
}

// --- Native S3 -----------------------------------------------------------------------------

type s3CreatedJSON struct {
	DataSourceID   int64  `json:"dataSourceId"`
	Prefix         string `json:"prefix"`
	DataSourceName string `json:"dataSourceName"`
}

// createS3 answers POST /native-s3/handler, validating like hapi/joi. One
// source gives one object, several an array.
func (h *Handler) createS3(w http.ResponseWriter, r *http.Request) response {
	var body struct {
		Type          *string           `json:"type"`
		IntegrationID json.RawMessage   `json:"integrationId"`
		DataSources   *[]map[string]any `json:"dataSources"`
	}
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format")
	}
	bad := func(msg string) response { return errResponse(http.StatusBadRequest, msg) }
	switch {
	case body.Type == nil:
		return bad(`"type" is required`)
	case *body.Type != "Native S3":
		return bad(`"type" must be [Native S3]`)
	case len(body.IntegrationID) == 0 || string(body.IntegrationID) == "null":
		return bad(`"integrationId" is required`)
	}
	integ, ok := flexID(body.IntegrationID)
	if !ok {
		return bad(`"integrationId" must be a number`)
	}
	if !slices.Contains(ValidIntegrationIDs, integ) {
		return bad(fmt.Sprintf(`"integrationId" %d is not a configured S3 integration`, integ))
	}
	if body.DataSources == nil {
		return bad(`"dataSources" is required`)
	}
	if len(*body.DataSources) == 0 {
		return bad(`"dataSources" must contain at least 1 items`)
	}
	type pair struct{ name, prefix string }
	var want []pair
	for i, ds := range *body.DataSources {
		var p pair
		for _, f := range []struct {
			key string
			dst *string
		}{{"dataSourceName", &p.name}, {"prefix", &p.prefix}} {
			v, ok := ds[f.key]
			path := fmt.Sprintf(`"dataSources[%d].%s"`, i, f.key)
			if !ok || v == nil {
				return bad(path + " is required")
			}
			s, isStr := v.(string)
			if !isStr {
				return bad(path + " must be a string")
			}
			if strings.TrimSpace(s) == "" {
				return bad(path + " is not allowed to be empty")
			}
			*f.dst = s
		}
		want = append(want, p)
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	for _, p := range want {
		if seen[p.name] || h.nameExists(p.name) {
			return errResponse(http.StatusConflict, "A data source with the name "+strconv.Quote(p.name)+" already exists")
		}
		seen[p.name] = true
	}
	h.version++
	now := time.Now().UnixMilli()
	var out []s3CreatedJSON
	for _, p := range want {
		id := h.nextID
		h.nextID++
		conn := p.prefix
		if !strings.HasPrefix(conn, "s3://") {
			conn = awsLocationPath(integ) + strings.TrimPrefix(conn, "/")
		}
		s := &src{
			id: id, name: p.name, handler: hNativeS3, sub: subOwner, subType: stApproval, autoSub: false,
			createdAt: now, updatedAt: now, subAt: now, conn: conn, rowCount: -1, schemaEvo: 1,
			subID: h.nextSubID, createdBy: CallerProfile, policyHandler: "None",
			s3: &s3meta{integrationID: integ, prefix: p.prefix},
		}
		h.nextSubID++
		s.initSub = s.sub
		rr := mix(uint64(id) * 0x2545f4914f6cdd1d)
		s.othersStride, s.othersOff = strides[rr%uint64(len(strides))], int((rr>>8)%profilePool)
		h.addCustom(s)
		out = append(out, s3CreatedJSON{DataSourceID: id, Prefix: p.prefix, DataSourceName: p.name})
	}
	if len(out) == 1 {
		return jsonResponse(http.StatusOK, out[0])
	}
	return jsonResponse(http.StatusOK, out)
}
