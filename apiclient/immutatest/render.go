package immutatest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// marshal encodes v without HTML escaping, as Node's JSON.stringify does.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("immutatest: " + err.Error())
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *src) statusName() string {
	if s.failed {
		return "failed"
	}
	return "passed"
}

func (s *src) subscriptionPolicy() json.RawMessage {
	if s.subPolicy != nil {
		return s.subPolicy
	}
	switch s.subType {
	case stApproval:
		return json.RawMessage(`{"type":"subscription","automaticSubscription":false,"allowDiscovery":true,"approvals":[{"requiredPermission":"OWNER","specificApproverRequired":false}]}`)
	case stPolicy:
		grp := "analysts"
		if s.gen {
			grp = areasLower[s.l.area] + "-analysts"
		}
		return json.RawMessage(`{"type":"subscription","exceptions":{"operator":"and","conditions":[{"type":"groups","group":{"name":"` + grp + `"}}]},"allowDiscovery":true,"automaticSubscription":true}`)
	}
	return json.RawMessage(`{"type":"subscription","automaticSubscription":true}`)
}

func (s *src) tagsJSON() json.RawMessage {
	if s.tagObjects {
		type tagObj struct {
			Name   string `json:"name"`
			Source string `json:"source"`
		}
		out := make([]tagObj, len(s.tags))
		for i, t := range s.tags {
			out[i] = tagObj{t, "curated"}
		}
		return marshal(out)
	}
	if s.tags == nil {
		return json.RawMessage(`[]`)
	}
	return marshal(s.tags)
}

func domainID(name string) *string {
	if name == "" {
		return nil
	}
	id := sha(name)
	id = id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:32]
	return &id
}

func (s *src) dsType() string {
	if s.handler == hNativeS3 {
		return "ingested"
	}
	return "queryable"
}

type listHitJSON struct {
	Name               string          `json:"name"`
	ID                 int64           `json:"id"`
	RecordFormat       string          `json:"recordFormat"`
	Deleted            bool            `json:"deleted"`
	Disabled           bool            `json:"disabled,omitempty"`
	Description        *string         `json:"description"`
	CreatedAt          string          `json:"createdAt"`
	SubscriptionPolicy json.RawMessage `json:"subscriptionPolicy"`
	SchemaEvolutionID  int64           `json:"schemaEvolutionId"`
	RecordCount        int64           `json:"recordCount"`
	BlobHandlerType    string          `json:"blobHandlerType"`
	SubscriptionType   string          `json:"subscriptionType"`
	SQLSchemaName      *string         `json:"sqlSchemaName"`
	Status             string          `json:"status"`
	SubscriptionStatus string          `json:"subscriptionStatus"`
	ConnectionString   string          `json:"connectionString"`
	RemoteTable        *string         `json:"remoteTable"`
	RemoteSchema       *string         `json:"remoteSchema"`
	DomainID           *string         `json:"domainId"`
	DomainName         *string         `json:"domainName"`
	Policy             string          `json:"policy"`
	PolicyHandlerType  string          `json:"policyHandlerType"`
	Native             json.RawMessage `json:"native"`
	Workspace          json.RawMessage `json:"workspace"`
	Tags               json.RawMessage `json:"tags"`
}

// listHit renders s as a GET /dataSource hit.
func (s *src) listHit() []byte {
	if s.rawList != nil {
		return s.patchRaw(s.rawList)
	}
	hit := listHitJSON{
		Name: s.name, ID: s.id, RecordFormat: "Not Provided", Deleted: s.disabled, Disabled: s.disabled,
		CreatedAt: isoTime(s.createdAt), SubscriptionPolicy: s.subscriptionPolicy(), SchemaEvolutionID: s.schemaEvo,
		RecordCount: s.recordCount, BlobHandlerType: handlerNames[s.handler], SubscriptionType: subTypeNames[s.subType],
		SQLSchemaName: strPtr(s.schema), Status: s.statusName(), SubscriptionStatus: subNames[s.sub],
		ConnectionString: s.conn, RemoteTable: strPtr(s.remoteTable), RemoteSchema: strPtr(s.remoteSchema),
		DomainID: domainID(s.domain), DomainName: strPtr(s.domain), Policy: s.policyHandler,
		PolicyHandlerType: s.policyHandler, Tags: s.tagsJSON(),
	}
	if s.hasDesc {
		hit.Description = &s.desc
	}
	return marshal(hit)
}

type blobHandlerJSON struct {
	URL string `json:"url"`
	CA  struct {
		Name string `json:"name"`
	} `json:"ca"`
	ManualDictionary bool `json:"manualDictionary"`
}

type detailJSON struct {
	Name                   string          `json:"name"`
	RecordFormat           string          `json:"recordFormat"`
	Description            *string         `json:"description"`
	PolicyHandler          json.RawMessage `json:"policyHandler"`
	SQLSchemaName          *string         `json:"sqlSchemaName"`
	SQLTableName           *string         `json:"sqlTableName"`
	BlobHandler            blobHandlerJSON `json:"blobHandler"`
	CreatedBy              int64           `json:"createdBy"`
	Deleted                bool            `json:"deleted"`
	Disabled               bool            `json:"disabled,omitempty"`
	Type                   string          `json:"type"`
	RecordCount            int64           `json:"recordCount"`
	RowCount               *int64          `json:"rowCount"`
	Documentation          string          `json:"documentation"`
	StatsExpiration        *string         `json:"statsExpiration"`
	ID                     int64           `json:"id"`
	BlobHandlerType        string          `json:"blobHandlerType"`
	PolicyHandlerType      string          `json:"policyHandlerType"`
	SubscriptionType       string          `json:"subscriptionType"`
	SubscriptionPolicy     json.RawMessage `json:"subscriptionPolicy"`
	GlobalPolicies         json.RawMessage `json:"globalPolicies"`
	Status                 string          `json:"status"`
	StatusInfo             json.RawMessage `json:"statusInfo"`
	Expiration             *string         `json:"expiration"`
	CatalogMetadata        json.RawMessage `json:"catalogMetadata"`
	Workspace              json.RawMessage `json:"workspace"`
	Seeded                 bool            `json:"seeded"`
	SchemaEvolutionID      int64           `json:"schemaEvolutionId"`
	ColumnEvolutionEnabled bool            `json:"columnEvolutionEnabled"`
	CreatedAt              string          `json:"createdAt"`
	UpdatedAt              string          `json:"updatedAt"`
	SubscribedAsUser       bool            `json:"subscribedAsUser"`
	SubscriptionID         *int64          `json:"subscriptionId"`
	AcknowledgeRequired    bool            `json:"acknowledgeRequired"`
	SubscriptionStatus     string          `json:"subscriptionStatus"`
	RequestedState         *string         `json:"requestedState"`
	Approved               bool            `json:"approved"`
	SubscriptionExpiration *string         `json:"subscriptionExpiration"`
	FilterID               *int64          `json:"filterId"`
	ConnectionString       string          `json:"connectionString"`
	RemoteSchema           *string         `json:"remoteSchema"`
	RemoteTable            *string         `json:"remoteTable"`
	DomainID               *string         `json:"domainId"`
	DomainName             *string         `json:"domainName"`
	Native                 json.RawMessage `json:"native"`
	Tags                   json.RawMessage `json:"tags"`
}

// detail renders s as GET /dataSource/{id}; base is the server's URL.
func (s *src) detail(base string) []byte {
	if s.rawDetail != nil {
		return s.patchRaw(s.rawDetail)
	}
	d := detailJSON{
		Name: s.name, RecordFormat: "Not Provided", SQLSchemaName: strPtr(s.schema), SQLTableName: strPtr(s.table),
		CreatedBy: s.createdBy, Deleted: s.disabled, Disabled: s.disabled, Type: s.dsType(),
		RecordCount: s.recordCount, Documentation: s.documentation(), ID: s.id,
		BlobHandlerType: handlerNames[s.handler], PolicyHandlerType: s.policyHandler,
		SubscriptionType: subTypeNames[s.subType], SubscriptionPolicy: s.subscriptionPolicy(),
		Status: s.statusName(), StatusInfo: s.statusInfo(), CatalogMetadata: s.catalogMetadata(),
		SchemaEvolutionID: s.schemaEvo, ColumnEvolutionEnabled: s.handler != hNativeS3,
		CreatedAt: isoTime(s.createdAt), UpdatedAt: isoTime(s.updatedAt),
		SubscribedAsUser: s.sub != subNone, SubscriptionStatus: subNames[s.sub],
		Approved:         s.sub != subNone && s.sub != subPending,
		ConnectionString: s.conn, RemoteSchema: strPtr(s.remoteSchema), RemoteTable: strPtr(s.remoteTable),
		DomainID: domainID(s.domain), DomainName: strPtr(s.domain), Tags: s.tagsJSON(),
	}
	if s.hasDesc {
		d.Description = &s.desc
	}
	if s.policyHandler == "Builder" {
		fields := "[]"
		if s.rowRule {
			fields = `["REGION"]`
		}
		d.PolicyHandler = json.RawMessage(`{"visibilitySchema":{"fields":` + fields + `,"version":"` + isoTime(s.updatedAt) +
			`"},"handlerId":` + strconv.FormatInt(1000+s.id, 10) + `,"dataSourceId":` + strconv.FormatInt(s.id, 10) + `}`)
	}
	d.BlobHandler.URL = base + "/" + handlerPaths[s.handler] + "/handler/" + strconv.FormatInt(s.id, 10)
	d.BlobHandler.CA.Name = "Certificate Authority Bundle"
	if s.rowCount >= 0 {
		d.RowCount = &s.rowCount
	}
	if s.handler != hNativeS3 {
		exp := isoTime(s.updatedAt + 30*86400000)
		d.StatsExpiration = &exp
	}
	if s.sub != subNone {
		d.SubscriptionID = &s.subID
		st := subNames[s.sub]
		d.RequestedState = &st
	}
	return marshal(d)
}

func (s *src) documentation() string {
	var b strings.Builder
	b.WriteString("# " + s.name + "\n")
	if s.hasDesc {
		b.WriteString("\n" + s.desc + "\n")
	}
	if len(s.cols) > 0 {
		b.WriteString("\n## Columns\n\n| Column | Type | Masked |\n| --- | --- | --- |\n")
		for _, c := range s.cols {
			masked := ""
			for _, m := range s.masks {
				if m.col == c.name {
					masked = maskTypes[m.mtype].typ
				}
			}
			b.WriteString("| " + c.name + " | " + c.typ + " | " + masked + " |\n")
		}
	}
	if s.handler == hNativeS3 && s.s3 != nil {
		b.WriteString("\nObjects under `" + s.s3.prefix + "`.\n")
	}
	return b.String()
}

func (s *src) statusInfo() json.RawMessage {
	t1 := isoTime(s.updatedAt)
	t2 := isoTime(s.updatedAt + 137_482)
	if s.handler == hNativeS3 {
		st, msg := "passed", "Prefix is reachable"
		if s.failed {
			st, msg = "failed", "Access Denied: s3:ListBucket on the prefix"
		}
		return marshal(map[string]any{
			"objectStore": map[string]string{"status": st, "message": msg},
			"lastAttempt": map[string]string{"date": t2},
		})
	}
	if s.failed {
		return json.RawMessage(`{"sql":{"status":"failed","message":` + string(marshal("Remote table not found: "+s.remoteSchema+"."+s.remoteTable)) +
			`},"stats":{"status":"failed","lastAttempted":"` + t1 + `","message":"Stats job failed: the remote table could not be queried"},"lastAttempt":{"date":"` + t2 + `"}}`)
	}
	return json.RawMessage(`{"sql":{"status":"passed","message":"Passed"},"stats":{"status":"passed","lastAttempted":"` + t1 +
		`"},"lastAttempt":{"date":"` + t2 + `"},"highCardinality":{"status":"passed","lastAttempted":"` + t1 + `"}}`)
}

func (s *src) catalogMetadata() json.RawMessage {
	switch s.catalog {
	case 1:
		return marshal("Imported from Alation on " + isoTime(s.updatedAt)[:10])
	case 2:
		return json.RawMessage(`{"catalog":"Collibra","assetId":"` + sha(s.name)[:24] + `","lastSync":"` + isoTime(s.updatedAt) + `"}`)
	}
	return nil
}

// patchRaw applies the source's state to a verbatim seed body: fields that
// the example has are updated; "disabled" and a changed subscriptionStatus
// are added when they are not there.
func (s *src) patchRaw(raw []byte) []byte {
	kvs, err := splitObject(raw)
	if err != nil {
		return raw
	}
	set := func(k string, v []byte, add bool) {
		for i := range kvs {
			if kvs[i].k == k {
				kvs[i].v = v
				return
			}
		}
		if add {
			kvs = append(kvs, kv{k, v})
		}
	}
	b := func(v bool) []byte { return []byte(strconv.FormatBool(v)) }
	set("deleted", b(s.disabled), true)
	set("disabled", b(true), s.disabled)
	if !s.disabled {
		for i := range kvs {
			if kvs[i].k == "disabled" {
				kvs[i].v = b(false)
			}
		}
	}
	if s.tagsWritten {
		set("tags", s.tagsJSON(), true)
	}
	set("subscriptionStatus", marshal(subNames[s.sub]), s.sub != s.initSub)
	set("requestedState", marshal(subNames[s.sub]), false)
	set("approved", b(s.sub != subNone && s.sub != subPending), false)
	set("subscribedAsUser", b(s.sub != subNone), false)
	if s.sub != subNone {
		set("subscriptionId", []byte(strconv.FormatInt(s.subID, 10)), false)
	} else {
		set("subscriptionId", []byte("null"), false)
	}
	var out bytes.Buffer
	out.WriteByte('{')
	for i, e := range kvs {
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(marshal(e.k))
		out.WriteByte(':')
		out.Write(e.v)
	}
	out.WriteByte('}')
	return out.Bytes()
}

type kv struct {
	k string
	v []byte
}

// splitObject splits a JSON object into its members, in order.
func splitObject(raw []byte) ([]kv, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []kv
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, kv{k, v})
	}
	return out, nil
}

// --- single-source GETs -------------------------------------------------------

func (h *Handler) getBy(id int64, msg string) response {
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		if msg == "" {
			return notFound(id)
		}
		return errResponse(http.StatusNotFound, msg)
	}
	return rawJSON(http.StatusOK, s.detail(h.baseURL()))
}

// baseURL is what handler URLs in details point at.
func (h *Handler) baseURL() string { return "https://immuta.demo.example" }

type lineageJSON struct {
	DataSourceID      int64  `json:"dataSourceId"`
	DataSourceName    string `json:"dataSourceName"`
	Deleted           bool   `json:"deleted"`
	CreatedAt         string `json:"createdAt"`
	ProjectID         int64  `json:"projectId"`
	ProjectName       string `json:"projectName"`
	CreatedBy         string `json:"createdBy"`
	PolicyHandlerDiff struct {
		DsType            string          `json:"dsType"`
		CurrentHandlerID  json.RawMessage `json:"currentHandlerId"`
		PreviousHandlerID json.RawMessage `json:"previousHandlerId"`
	} `json:"policyHandlerDiff"`
}

// derivedEvery: generated source i is derived from i-1 when i%derivedEvery
// is derivedEvery-1.
const derivedEvery = 997

func (h *Handler) lineageLinks(s *src, parents bool) []lineageLink {
	if !s.gen {
		if parents {
			return s.parents
		}
		return s.children
	}
	var child *src
	var other int // index of the source the link points at
	if parents {
		if s.gi%derivedEvery != derivedEvery-1 {
			return nil
		}
		child, other = s, s.gi-1
	} else {
		ci := s.gi + 1
		if ci >= h.n || ci%derivedEvery != derivedEvery-1 {
			return nil
		}
		l, ok := h.liteOf(ci)
		if !ok {
			return nil
		}
		child, other = h.build(ci, l), ci
	}
	ci := child.gi
	by := CallerName
	if child.sub != subOwner {
		by = h.people[child.createdBy].name
	}
	return []lineageLink{{
		id: int64(FirstGeneratedID + other), createdAt: child.createdAt, projectID: int64(100 + ci%50),
		projectName: areas[child.l.area] + " Analytics", createdBy: by,
	}}
}

func (h *Handler) lineage(id int64, typ string) response {
	if typ != "parents" && typ != "children" {
		return errResponse(http.StatusBadRequest, `"type" must be one of [parents, children]`)
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	out := []lineageJSON{}
	for _, ln := range h.lineageLinks(s, typ == "parents") {
		o := h.lookup(ln.id)
		if o == nil {
			continue
		}
		e := lineageJSON{DataSourceID: o.id, DataSourceName: o.name, Deleted: o.disabled, CreatedAt: isoTime(ln.createdAt),
			ProjectID: ln.projectID, ProjectName: ln.projectName, CreatedBy: ln.createdBy}
		e.PolicyHandlerDiff.DsType = o.dsType()
		e.PolicyHandlerDiff.CurrentHandlerID, e.PolicyHandlerDiff.PreviousHandlerID = jsonNull, jsonNull
		out = append(out, e)
	}
	return jsonResponse(http.StatusOK, map[string]any{typ: out})
}

// --- Native S3 handler ----------------------------------------------------------

type s3HandlerJSON struct {
	ID       int64 `json:"id"`
	Metadata struct {
		Prefix         string `json:"prefix"`
		IntegrationID  int64  `json:"integrationId"`
		DataSourceName string `json:"dataSourceName"`
	} `json:"metadata"`
	Type            string `json:"type"`
	AWSLocationPath string `json:"awsLocationPath"`
}

// awsLocationPath is the base location of each S3 integration.
func awsLocationPath(int64) string { return "s3://" }

func (h *Handler) getS3Handler(seg string) response {
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil {
		return errResponse(http.StatusBadRequest, `"handlerId" must be a number`)
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil || s.s3 == nil {
		return errResponse(http.StatusNotFound, "Native S3 handler "+seg+" not found")
	}
	var out s3HandlerJSON
	out.ID = s.id
	out.Metadata.Prefix, out.Metadata.IntegrationID, out.Metadata.DataSourceName = s.s3.prefix, s.s3.integrationID, s.name
	out.Type, out.AWSLocationPath = "nativeS3Handler", awsLocationPath(s.s3.integrationID)
	return jsonResponse(http.StatusOK, out)
}

// --- blobs -------------------------------------------------------------------------

func blobIDs(id int64) []string {
	return []string{strconv.FormatInt(id, 10), "data/part-00000.csv", "data/part-00001.csv"}
}

func (h *Handler) blob(id int64, blobID string) response {
	h.mu.RLock()
	s := h.lookup(id)
	h.mu.RUnlock()
	if s == nil {
		return notFound(id)
	}
	k := -1
	for i, b := range blobIDs(id) {
		if b == blobID {
			k = i
		}
	}
	if k < 0 {
		return errResponse(http.StatusNotFound, "Blob "+strconv.Quote(blobID)+" not found in data source "+strconv.FormatInt(id, 10))
	}
	r := hash2(uint64(id)^h.seedKey, uint64(k)+77)
	size := 2048 + int(r%(254<<10))
	var b []byte
	if len(s.cols) > 0 {
		for i, c := range s.cols {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, c.name...)
		}
	} else {
		b = append(b, "key,size,last_modified"...)
	}
	b = append(b, '\n')
	for row := 0; len(b) < size; row++ {
		x := hash2(r, uint64(row))
		n := max(len(s.cols), 3)
		for c := range n {
			if c > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, mix(x+uint64(c))%100000, 10)
		}
		b = append(b, '\n')
	}
	name := strings.ReplaceAll(blobID, "/", "_")
	return response{status: http.StatusOK, body: b, ctype: "application/octet-stream",
		header: map[string]string{"Content-Disposition": `attachment; filename="` + name + `"`}}
}
