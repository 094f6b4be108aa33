package immutatest

// Tags and data dictionaries (immuta-api-v1.md, "Tags" and "Data
// dictionary"). Emulator conventions where the doc says nothing:
//
//   - GET /dataSource/{id}/tags answers {"tags":[Tag]} (the shape of
//     immuta-api.md); each Tag has id, name, displayName, source, context
//     (catalog for the tags a catalog set, manual for those added through
//     the API), systemCreated, deleted, hasLeafNodes, and addedBy for manual
//     ones. Tag ids are stable per name.
//   - POST /tag/datasource/{id} takes [{"name":...}] (≤500 characters,
//     at least one) and answers 200 with the source's Tag objects for the
//     names sent; a name already on the source is not added twice.
//   - DELETE /tag/datasource/{id}/{tag} answers 200 with
//     {"name":TAG,"removed":true} (the doc leaves it untyped), 404 when the
//     source does not have that tag. Other model types answer 404.
//   - The list's tags and GET /dataSource?tag= follow both writes.
//   - GET /dictionary/{id} answers the V1 dictionary built from the
//     source's columns: remote types by handler, nullable false for the
//     first (key) column, descriptions and column tags by column name
//     (PII.* tags on personal columns). A source without columns (Native
//     S3) answers 404.

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tagObjectJSON is a V1 Tag.
type tagObjectJSON struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	DisplayName   string `json:"displayName"`
	Source        string `json:"source,omitempty"`
	Context       string `json:"context"`
	SystemCreated bool   `json:"systemCreated"`
	AddedBy       int64  `json:"addedBy,omitempty"`
	Deleted       bool   `json:"deleted"`
	HasLeafNodes  bool   `json:"hasLeafNodes"`
}

// tagID is a stable id for a tag name.
func tagID(name string) int64 {
	if i := slices.Index(tagNames[:], name); i >= 0 {
		return int64(i + 1)
	}
	f := fnv.New32a()
	_, _ = f.Write([]byte(name))
	return 1000 + int64(f.Sum32()%1_000_000)
}

func (s *src) tagObject(name string) tagObjectJSON {
	t := tagObjectJSON{ID: tagID(name), Name: name, DisplayName: displayTag(name), Context: "catalog", Source: "curated"}
	if slices.Contains(s.manualTags, name) {
		t.Context, t.Source, t.AddedBy = "manual", "", CallerProfile
	}
	return t
}

// displayTag is the last part of a hierarchical name (PII.Email: Email).
func displayTag(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && i+1 < len(name) {
		return name[i+1:]
	}
	return name
}

func (h *Handler) routeTag(w http.ResponseWriter, r *http.Request, m string, segs []string) response {
	if len(segs) < 2 || segs[0] != "datasource" {
		return errResponse(http.StatusNotFound, "Not Found")
	}
	id, err := strconv.ParseInt(segs[1], 10, 64)
	if err != nil {
		return errResponse(http.StatusBadRequest, `"modelId" must be a data source id`)
	}
	switch {
	case len(segs) == 2 && m == http.MethodPost:
		return h.addTags(w, r, id)
	case len(segs) == 3 && m == http.MethodDelete:
		return h.removeTag(id, segs[2])
	}
	return errResponse(http.StatusNotFound, "Not Found")
}

// sourceTags answers GET /dataSource/{id}/tags.
func (h *Handler) sourceTags(id int64) response {
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	out := make([]tagObjectJSON, len(s.tags))
	for i, t := range s.tags {
		out[i] = s.tagObject(t)
	}
	return jsonResponse(http.StatusOK, map[string]any{"tags": out})
}

// addTags answers POST /tag/datasource/{id}.
func (h *Handler) addTags(w http.ResponseWriter, r *http.Request, id int64) response {
	var body []map[string]json.RawMessage
	if err := readJSON(w, r, &body); err != nil {
		return errResponse(http.StatusBadRequest, "Invalid request payload JSON format: want a list of tags")
	}
	if len(body) == 0 {
		return errResponse(http.StatusBadRequest, `"value" must contain at least 1 items`)
	}
	names := make([]string, 0, len(body))
	for i, t := range body {
		var n string
		if json.Unmarshal(t["name"], &n) != nil || strings.TrimSpace(n) == "" {
			return errResponse(http.StatusBadRequest, `"[`+strconv.Itoa(i)+`].name" is required`)
		}
		if utf8.RuneCountInString(n) > 500 {
			return errResponse(http.StatusBadRequest, `"[`+strconv.Itoa(i)+`].name" length must be less than or equal to 500 characters long`)
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	tags, manual := slices.Clone(s.tags), slices.Clone(s.manualTags)
	for _, n := range names {
		if !slices.Contains(tags, n) {
			tags = append(tags, n)
			manual = append(manual, n)
		}
	}
	h.setTags(s, tags, manual)
	out := make([]tagObjectJSON, len(names))
	for i, n := range names {
		out[i] = s.tagObject(n)
	}
	return jsonResponse(http.StatusOK, out)
}

// removeTag answers DELETE /tag/datasource/{id}/{tag}.
func (h *Handler) removeTag(id int64, name string) response {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	if !slices.Contains(s.tags, name) {
		return errResponse(http.StatusNotFound, "Tag "+strconv.Quote(name)+" is not on data source "+strconv.FormatInt(id, 10))
	}
	del := func(t string) bool { return t == name }
	h.setTags(s, slices.DeleteFunc(slices.Clone(s.tags), del), slices.DeleteFunc(slices.Clone(s.manualTags), del))
	return jsonResponse(http.StatusOK, map[string]any{"name": name, "removed": true})
}

// setTags replaces the tags of s. Callers hold h.mu.
func (h *Handler) setTags(s *src, tags, manual []string) {
	h.version++
	if tags == nil {
		tags = []string{}
	}
	s.tags, s.manualTags, s.tagsWritten = tags, manual, true
	if s.gen {
		o := h.getOvr(s.gi)
		o.hasTags, o.tags, o.manualTags = true, tags, manual
	}
}

// --- data dictionary -----------------------------------------------------

type columnTagJSON struct {
	Name    string `json:"name"`
	Source  string `json:"source"`
	Context string `json:"context"`
	Deleted bool   `json:"deleted"`
}

type columnJSON struct {
	Name            string          `json:"name"`
	DataType        string          `json:"dataType"`
	RemoteType      string          `json:"remoteType"`
	Nullable        bool            `json:"nullable"`
	HeaderIndex     int             `json:"headerIndex"`
	RemoteColumn    string          `json:"remoteColumn"`
	IsPrimaryKey    bool            `json:"isPrimaryKey"`
	Description     string          `json:"description,omitempty"`
	DisplayName     string          `json:"displayName"`
	Children        []string        `json:"children"`
	Tags            []columnTagJSON `json:"tags"`
	CatalogMetadata json.RawMessage `json:"catalogMetadata,omitempty"`
}

type dictionaryJSON struct {
	ID         int64        `json:"id"`
	DataSource int64        `json:"dataSource"`
	Metadata   []columnJSON `json:"metadata"`
	Types      []string     `json:"types"`
	CreatedAt  string       `json:"createdAt"`
	UpdatedAt  string       `json:"updatedAt"`
}

// columnInfo is what the dictionary says of a well-known column name.
var columnInfo = map[string]struct{ desc, tag string }{
	"EMAIL":              {"Work or personal email address", "PII.Email"},
	"PHONE_NUMBER":       {"Phone number as entered", "PII.Phone"},
	"SSN":                {"US Social Security number", "PII.SSN"},
	"FIRST_NAME":         {"Given name", "PII.Name"},
	"LAST_NAME":          {"Family name", "PII.Name"},
	"STREET_ADDRESS":     {"Street and number", "PII.Address"},
	"DATE_OF_BIRTH":      {"Date of birth", "PII.DateOfBirth"},
	"CREDIT_CARD_NUMBER": {"Card number (PAN)", "PII.CreditCard"},
	"IP_ADDRESS":         {"Client IP address", "PII.IPAddress"},
	"SALARY":             {"Yearly gross salary", "Sensitive.Compensation"},
	"CUSTOMER_ID":        {"Customer key", ""},
	"ACCOUNT_NUMBER":     {"Bank account number", "Sensitive.Account"},
	"REGION":             {"Sales region", "Region"},
	"COUNTRY":            {"ISO country code", "Region"},
	"ID":                 {"Row key", ""},
	"CREATED_AT":         {"When the row was created", ""},
	"UPDATED_AT":         {"When the row last changed", ""},
	"AMOUNT":             {"Amount in USD", ""},
	"PATIENT_ID":         {"Patient key", "PHI.PatientID"},
	"DIAGNOSIS_CODE":     {"ICD-10 code", "PHI.Diagnosis"},
}

// remoteType is the remote database's spelling of a dictionary type.
func remoteType(handler int, typ string) string {
	snow := map[string]string{"integer": "NUMBER(38,0)", "text": "VARCHAR(16777216)", "decimal": "NUMBER(18,2)",
		"date": "DATE", "timestamp": "TIMESTAMP_NTZ(9)", "json": "VARIANT"}
	pg := map[string]string{"integer": "integer", "text": "character varying", "decimal": "numeric(18,2)",
		"date": "date", "timestamp": "timestamp without time zone", "json": "jsonb"}
	spark := map[string]string{"integer": "bigint", "text": "string", "decimal": "decimal(18,2)",
		"date": "date", "timestamp": "timestamp", "json": "string"}
	var m map[string]string
	switch handler {
	case hSnowflake:
		m = snow
	case hDatabricks:
		m = spark
	default:
		m = pg
	}
	if t, ok := m[typ]; ok {
		return t
	}
	return typ
}

// dictionary answers GET /dictionary/{id}.
func (h *Handler) dictionary(segs []string, m string) response {
	if len(segs) != 1 || m != http.MethodGet {
		return errResponse(http.StatusNotFound, "Not Found")
	}
	id, err := strconv.ParseInt(segs[0], 10, 64)
	if err != nil {
		return errResponse(http.StatusBadRequest, `"dataSourceId" must be a number`)
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	if len(s.cols) == 0 {
		return errResponse(http.StatusNotFound, "Data dictionary for data source "+strconv.FormatInt(id, 10)+" not found")
	}
	d := dictionaryJSON{ID: 5000 + id, DataSource: id, Metadata: make([]columnJSON, 0, len(s.cols)),
		CreatedAt: isoTime(s.createdAt), UpdatedAt: isoTime(max(s.updatedAt, s.createdAt))}
	for i, c := range s.cols {
		info := columnInfo[c.name]
		key := i == 0 && c.typ == "integer"
		col := columnJSON{
			Name: c.name, DataType: c.typ, RemoteType: remoteType(s.handler, c.typ),
			Nullable: !key, HeaderIndex: i, RemoteColumn: c.name, IsPrimaryKey: key,
			Description: info.desc, DisplayName: c.name, Children: []string{}, Tags: []columnTagJSON{},
		}
		if info.tag != "" {
			col.Tags = append(col.Tags, columnTagJSON{Name: info.tag, Source: "sdd", Context: "sdd"})
		}
		if strings.HasPrefix(info.tag, "PII.") {
			col.Tags = append(col.Tags, columnTagJSON{Name: "PII", Source: "curated", Context: "catalog"})
		}
		d.Metadata = append(d.Metadata, col)
		if !slices.Contains(d.Types, c.typ) {
			d.Types = append(d.Types, c.typ)
		}
	}
	return jsonResponse(http.StatusOK, d)
}
