package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// Immuta tenants add undocumented fields and drift between versions, so every
// type here decodes leniently: unknown fields are ignored, a field whose type
// is unexpected is left at its zero value instead of failing the whole object,
// and each object keeps the exact JSON it came from in Raw.

// DataSource is one Immuta data source: a list hit or a full detail.
type DataSource struct {
	ID                     int64                  `json:"id"`
	Name                   string                 `json:"name"`
	Description            string                 `json:"description"`
	Status                 string                 `json:"status"`
	SubscriptionStatus     string                 `json:"subscriptionStatus"`
	SubscriptionType       string                 `json:"subscriptionType"`
	SubscriptionPolicy     *SubscriptionPolicy    `json:"subscriptionPolicy"`
	BlobHandlerType        string                 `json:"blobHandlerType"`
	PolicyHandlerType      string                 `json:"policyHandlerType"`
	ConnectionString       string                 `json:"connectionString"`
	SQLSchemaName          string                 `json:"sqlSchemaName"`
	SQLTableName           string                 `json:"sqlTableName"`
	RemoteSchema           string                 `json:"remoteSchema"`
	RemoteTable            string                 `json:"remoteTable"`
	RecordCount            int64                  `json:"recordCount"`
	RowCount               *int64                 `json:"rowCount"`
	RecordFormat           string                 `json:"recordFormat"`
	Type                   string                 `json:"type"`
	Documentation          string                 `json:"documentation"`
	DomainName             string                 `json:"domainName"`
	CreatedAt              string                 `json:"createdAt"`
	UpdatedAt              string                 `json:"updatedAt"`
	CreatedBy              FlexString             `json:"createdBy"`
	StatsExpiration        string                 `json:"statsExpiration"`
	Deleted                bool                   `json:"deleted"`
	Disabled               bool                   `json:"disabled"`
	StatusInfo             map[string]StatusCheck `json:"statusInfo"`
	BlobHandler            *BlobHandler           `json:"blobHandler"`
	PolicyHandler          json.RawMessage        `json:"policyHandler"`
	ColumnEvolutionEnabled *bool                  `json:"columnEvolutionEnabled"`
	SubscriptionID         *int64                 `json:"subscriptionId"`
	Approved               *bool                  `json:"approved"`
	Expiration             string                 `json:"expiration"`
	CatalogMetadata        json.RawMessage        `json:"catalogMetadata"`
	Tags                   Tags                   `json:"tags"`
	SchemaEvolutionID      int64                  `json:"schemaEvolutionId"`

	// Raw is the object exactly as the server sent it, every field included.
	Raw json.RawMessage `json:"-"`
}

// IsDisabled reports whether the source has been soft-deleted. Tenants use
// either "deleted" or "disabled" for it.
func (d *DataSource) IsDisabled() bool { return d.Deleted || d.Disabled }

// UnmarshalJSON decodes leniently and keeps the raw object. It is
// hand-written (decodeDataSource), one pass over b, because list pages hold
// thousands of sources.
func (d *DataSource) UnmarshalJSON(b []byte) error { return decodeDataSource(b, d) }

// MarshalJSON writes back what the server sent, so --json output loses nothing.
func (d DataSource) MarshalJSON() ([]byte, error) {
	return rawOrEncode(d.Raw, func() any { type plain DataSource; return plain(d) })
}

// SubscriptionPolicy says how users gain access to a source.
type SubscriptionPolicy struct {
	Type                  string          `json:"type"`
	AutomaticSubscription *bool           `json:"automaticSubscription"`
	AllowDiscovery        *bool           `json:"allowDiscovery"`
	Exceptions            json.RawMessage `json:"exceptions"`
}

func (p *SubscriptionPolicy) UnmarshalJSON(b []byte) error {
	type plain SubscriptionPolicy
	return lenient(b, (*plain)(p), nil)
}

// StatusCheck is one entry of statusInfo (sql, stats, highCardinality, ...).
type StatusCheck struct {
	Status        string `json:"status"`
	Message       string `json:"message"`
	LastAttempted string `json:"lastAttempted"`
	Date          string `json:"date"`
}

func (s *StatusCheck) UnmarshalJSON(b []byte) error {
	type plain StatusCheck
	return lenient(b, (*plain)(s), nil)
}

// BlobHandler points at the handler that serves the source's data.
type BlobHandler struct {
	URL              string `json:"url"`
	ManualDictionary bool   `json:"manualDictionary"`
}

func (h *BlobHandler) UnmarshalJSON(b []byte) error {
	type plain BlobHandler
	return lenient(b, (*plain)(h), nil)
}

// DataSourcePage is one page of GET /dataSource. Count is the total number
// of matches, or -1 when the server did not say (a bare array).
type DataSourcePage struct {
	Count int          `json:"count"`
	Hits  []DataSource `json:"hits"`
}

// UnmarshalJSON accepts both the {count,hits} envelope and a bare array
// (decodePage).
func (p *DataSourcePage) UnmarshalJSON(b []byte) error { return decodePage(b, p, 0) }

// Tag is a data source tag; tenants send either strings or {name} objects.
type Tag struct {
	Name string
	Raw  json.RawMessage
}

// Tags decodes a list of strings or objects, skipping what it cannot read.
type Tags []Tag

func (t *Tags) UnmarshalJSON(b []byte) error {
	var items []json.RawMessage
	if json.Unmarshal(b, &items) != nil {
		*t = nil
		return nil
	}
	out := make(Tags, 0, len(items))
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) == nil { // also null, which leaves s empty
			if s != "" {
				out = append(out, Tag{Name: s, Raw: it})
			}
			continue
		}
		var o struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(it, &o) == nil && o.Name != "" {
			out = append(out, Tag{Name: o.Name, Raw: it})
		}
	}
	*t = out
	return nil
}

// Names returns the tag names.
func (t Tags) Names() []string {
	out := make([]string, len(t))
	for i, tag := range t {
		out[i] = tag.Name
	}
	return out
}

// FlexString holds a value that some tenants send as a number and others as
// a string (createdBy, modelId).
type FlexString string

func (f *FlexString) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = FlexString(s)
		return nil
	}
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	*f = FlexString(b) // a number or anything else, verbatim
	return nil
}

func (f FlexString) String() string { return string(f) }

// AccessUser is one user (or group) with access to a data source.
type AccessUser struct {
	Profile               int64      `json:"profile"`
	Name                  string     `json:"name"`
	IAMID                 string     `json:"iamid"`
	UserID                string     `json:"userid"`
	Email                 string     `json:"email"`
	Type                  string     `json:"type"`
	Admin                 string     `json:"admin"`
	Approved              bool       `json:"approved"`
	State                 string     `json:"state"`
	SystemGenerated       bool       `json:"systemGenerated"`
	LastExternalRefresh   string     `json:"lastExternalRefresh"`
	SubscriptionID        int64      `json:"subscriptionId"`
	CreatedAt             string     `json:"createdAt"`
	UpdatedAt             string     `json:"updatedAt"`
	Approvals             []Approval `json:"approvals"`
	CurrentUserCanApprove bool       `json:"currentUserCanApprove"`

	Raw json.RawMessage `json:"-"`
}

func (u *AccessUser) UnmarshalJSON(b []byte) error {
	type plain AccessUser
	return lenient(b, (*plain)(u), &u.Raw)
}

func (u AccessUser) MarshalJSON() ([]byte, error) {
	return rawOrEncode(u.Raw, func() any { type plain AccessUser; return plain(u) })
}

// Approval is one approval step of a subscription.
type Approval struct {
	RequiredPermission string     `json:"requiredPermission"`
	State              string     `json:"state"`
	Approver           string     `json:"approver"`
	ApproverID         FlexString `json:"approverId"`
}

func (a *Approval) UnmarshalJSON(b []byte) error {
	type plain Approval
	return lenient(b, (*plain)(a), nil)
}

// AccessPage is one page of GET /dataSource/{id}/access. Count is -1 when
// the server did not send it.
type AccessPage struct {
	Count int          `json:"count"`
	Users []AccessUser `json:"users"`
}

func (p *AccessPage) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		p.Count = -1
		return json.Unmarshal(b, &p.Users)
	}
	var env struct {
		Count json.RawMessage `json:"count"`
		Users []AccessUser    `json:"users"`
		Hits  []AccessUser    `json:"hits"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	p.Users = env.Users
	if p.Users == nil {
		p.Users = env.Hits
	}
	p.Count = -1
	if n, ok := flexInt(env.Count); ok && n >= 0 { // a negative total means nothing
		p.Count = int(n)
	}
	return nil
}

// MaskedColumn is one masked column in a policyInfo or visibility report.
type MaskedColumn struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	ActionType string          `json:"actionType"`
	Metadata   json.RawMessage `json:"metadata"`
}

func (m *MaskedColumn) UnmarshalJSON(b []byte) error {
	type plain MaskedColumn
	return lenient(b, (*plain)(m), nil)
}

// PolicyInfo is what masking, visibilities and filters apply to one user.
type PolicyInfo struct {
	Visibilities          json.RawMessage `json:"visibilities"`
	VisibilityRuleApplies bool            `json:"visibilityRuleApplies"`
	Masked                []MaskedColumn  `json:"masked"`
	AdditionalFilters     json.RawMessage `json:"additionalFilters"`

	Raw json.RawMessage `json:"-"`
}

func (p *PolicyInfo) UnmarshalJSON(b []byte) error {
	type plain PolicyInfo
	return lenient(b, (*plain)(p), &p.Raw)
}

func (p PolicyInfo) MarshalJSON() ([]byte, error) {
	return rawOrEncode(p.Raw, func() any { type plain PolicyInfo; return plain(p) })
}

// VisibilityReport summarises what a user sees of a data source.
type VisibilityReport struct {
	NoVisibilities              bool            `json:"noVisibilities"`
	DataSourceVisibilitiesCount int64           `json:"dataSourceVisibilitiesCount"`
	UserVisibilitiesCount       int64           `json:"userVisibilitiesCount"`
	Masked                      []MaskedColumn  `json:"masked"`
	DataSource                  int64           `json:"dataSource"`
	DataSourceName              string          `json:"dataSourceName"`
	AdditionalFilters           json.RawMessage `json:"additionalFilters"`
	AllowMaskedJoins            bool            `json:"allowMaskedJoins"`
	// Why the user can or cannot see the source (the caller's report
	// documents them; a user's report may carry them too). An absent
	// SubscriptionPolicyMet is unknown, never "not met".
	DenialReason          string `json:"denialReason"`
	SubscriptionPolicyMet *bool  `json:"subscriptionPolicyMet"`
	HasPurposeRule        bool   `json:"hasPurposeRule"`
	// WhereClause is the row filter the user's queries get; SQLStatement
	// the query the user would run, when the server sends one.
	WhereClause  string `json:"whereClause"`
	SQLStatement string `json:"sqlStatement"`
	// PolicySet is usually a JSON string that holds a JSON array of policies;
	// some tenants send the array itself. Policies decodes either.
	PolicySet json.RawMessage `json:"policySet"`

	Raw json.RawMessage `json:"-"`
}

func (r *VisibilityReport) UnmarshalJSON(b []byte) error {
	type plain VisibilityReport
	return lenient(b, (*plain)(r), &r.Raw)
}

func (r VisibilityReport) MarshalJSON() ([]byte, error) {
	return rawOrEncode(r.Raw, func() any { type plain VisibilityReport; return plain(r) })
}

// Policies decodes PolicySet into rules. An empty or null set gives nil, nil.
func (r *VisibilityReport) Policies() ([]Policy, error) { return DecodePolicySet(r.PolicySet) }

// DecodePolicySet decodes a policySet that is a JSON string holding an array,
// or the array itself.
func DecodePolicySet(raw json.RawMessage) ([]Policy, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		if s == "" {
			return nil, nil
		}
		raw = json.RawMessage(s)
	}
	var out []Policy
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, errors.New("policySet is not a list of policies: " + err.Error())
	}
	return out, nil
}

// Policy is one entry of a decoded policySet.
type Policy struct {
	Type        string        `json:"type"`
	Rules       []PolicyRule  `json:"rules"`
	Global      *GlobalPolicy `json:"global"`
	Description string        `json:"description"`
	PolicyHash  string        `json:"policyHash"`

	Raw json.RawMessage `json:"-"`
}

func (p *Policy) UnmarshalJSON(b []byte) error {
	type plain Policy
	return lenient(b, (*plain)(p), &p.Raw)
}

// PolicyRule is one rule of a policy.
type PolicyRule struct {
	Type               string          `json:"type"`
	Config             RuleConfig      `json:"config"`
	Exceptions         json.RawMessage `json:"exceptions"`
	RuleAppliedForUser bool            `json:"ruleAppliedForUser"`
}

func (p *PolicyRule) UnmarshalJSON(b []byte) error {
	type plain PolicyRule
	return lenient(b, (*plain)(p), nil)
}

// RuleConfig is the part of a rule that says what it does.
type RuleConfig struct {
	Fields        []string        `json:"fields"`
	MaskingConfig *MaskingConfig  `json:"maskingConfig"`
	Predicate     string          `json:"predicate"`
	Raw           json.RawMessage `json:"-"`
}

func (c *RuleConfig) UnmarshalJSON(b []byte) error {
	type plain RuleConfig
	return lenient(b, (*plain)(c), &c.Raw)
}

// MaskingConfig names a masking type.
type MaskingConfig struct {
	Type     string          `json:"type"`
	Metadata json.RawMessage `json:"metadata"`
}

func (m *MaskingConfig) UnmarshalJSON(b []byte) error {
	type plain MaskingConfig
	return lenient(b, (*plain)(m), nil)
}

// GlobalPolicy is the global policy a rule came from.
type GlobalPolicy struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Tag           string `json:"tag"`
	Live          bool   `json:"live"`
	CreatedBy     string `json:"createdBy"`
	CreatedByName string `json:"createdByName"`
	CreatedAt     string `json:"createdAt"`
}

func (g *GlobalPolicy) UnmarshalJSON(b []byte) error {
	type plain GlobalPolicy
	return lenient(b, (*plain)(g), nil)
}

// LineageEntry is one parent or child of a derived data source.
type LineageEntry struct {
	DataSourceID   int64      `json:"dataSourceId"`
	DataSourceName string     `json:"dataSourceName"`
	Deleted        bool       `json:"deleted"`
	CreatedAt      string     `json:"createdAt"`
	ProjectID      int64      `json:"projectId"`
	ProjectName    string     `json:"projectName"`
	CreatedBy      FlexString `json:"createdBy"`

	Raw json.RawMessage `json:"-"`
}

func (l *LineageEntry) UnmarshalJSON(b []byte) error {
	type plain LineageEntry
	return lenient(b, (*plain)(l), &l.Raw)
}

func (l LineageEntry) MarshalJSON() ([]byte, error) {
	return rawOrEncode(l.Raw, func() any { type plain LineageEntry; return plain(l) })
}

// SubscribeRequest is the body of POST /dataSource/subscribe. Only
// DataSourceIDs is needed to subscribe yourself.
type SubscribeRequest struct {
	DataSourceIDs []int64         `json:"dataSourceIds"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	Approvals     json.RawMessage `json:"approvals,omitempty"`
	GroupID       int64           `json:"groupId,omitempty"`
}

// SubscribeResult is the answer to a subscribe request.
type SubscribeResult struct {
	InError []SubscribeFailure `json:"inError"`
	Success []Subscription     `json:"success"`

	Raw json.RawMessage `json:"-"`
}

func (s *SubscribeResult) UnmarshalJSON(b []byte) error {
	type plain SubscribeResult
	return lenient(b, (*plain)(s), &s.Raw)
}

func (s SubscribeResult) MarshalJSON() ([]byte, error) {
	return rawOrEncode(s.Raw, func() any { type plain SubscribeResult; return plain(s) })
}

// Subscription is one successful subscription; State is "subscribed" or
// "pending" (it needs approval).
type Subscription struct {
	ID                  int64      `json:"id"`
	ModelID             FlexString `json:"modelId"`
	ModelType           string     `json:"modelType"`
	State               string     `json:"state"`
	Approved            bool       `json:"approved"`
	Profile             int64      `json:"profile"`
	AcknowledgeRequired bool       `json:"acknowledgeRequired"`
	DenialReasoning     string     `json:"denialReasoning"`
	CreatedAt           string     `json:"createdAt"`

	Raw json.RawMessage `json:"-"`
}

func (s *Subscription) UnmarshalJSON(b []byte) error {
	type plain Subscription
	return lenient(b, (*plain)(s), &s.Raw)
}

// DataSourceID is the data source this subscription is for (modelId).
func (s *Subscription) DataSourceID() int64 {
	n, _ := strconv.ParseInt(string(s.ModelID), 10, 64)
	return n
}

// SubscribeFailure is one entry of inError. Its shape is undocumented, so it
// is read from whichever of the usual keys are present.
type SubscribeFailure struct {
	DataSourceID int64
	Message      string
	Raw          json.RawMessage
}

func (f *SubscribeFailure) UnmarshalJSON(b []byte) error {
	f.Raw = append(json.RawMessage(nil), b...)
	var n int64
	if json.Unmarshal(b, &n) == nil { // a bare id
		f.DataSourceID = n
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	for _, k := range []string{"dataSourceId", "modelId", "id"} {
		if v, ok := flexInt(m[k]); ok {
			f.DataSourceID = v
			break
		}
	}
	for _, k := range []string{"message", "error", "reason", "denialReasoning"} {
		var s string
		if json.Unmarshal(m[k], &s) == nil && s != "" {
			f.Message = s
			break
		}
	}
	return nil
}

func (f SubscribeFailure) MarshalJSON() ([]byte, error) {
	return rawOrEncode(f.Raw, func() any {
		return map[string]any{"dataSourceId": f.DataSourceID, "message": f.Message}
	})
}

// DeleteResult is the answer to DELETE /dataSource/{id}. Report what
// happened from it (Outcome), never from what was expected.
type DeleteResult struct {
	Success           bool   `json:"success"`
	ID                int64  `json:"id"`
	SchemaEvolutionID int64  `json:"schemaEvolutionId"`
	Name              string `json:"name"`
	// Disabled is true when the source was disabled (or, with HardDelete,
	// was disabled before it went); Deleted is what some tenants send
	// instead of Disabled.
	Disabled bool `json:"disabled"`
	Deleted  bool `json:"deleted"`
	// HardDelete is true when the source is gone for good.
	HardDelete                bool   `json:"hardDelete"`
	HandlerDeleteErrorMessage string `json:"handlerDeleteErrorMessage"`

	Raw json.RawMessage `json:"-"`
}

// DeleteOutcome is what a DELETE answer says happened.
type DeleteOutcome int

const (
	// DeleteUnknown: the answer says neither (ask the server again).
	DeleteUnknown DeleteOutcome = iota
	// DeleteDisabled: the source was disabled and can be restored.
	DeleteDisabled
	// DeletePermanent: the source is gone for good.
	DeletePermanent
)

func (o DeleteOutcome) String() string {
	switch o {
	case DeleteDisabled:
		return "disabled"
	case DeletePermanent:
		return "permanently deleted"
	}
	return "unknown"
}

// Outcome says what the answer reports: hardDelete wins over disabled (a
// hard delete answers both), and an answer with neither is DeleteUnknown.
func (d *DeleteResult) Outcome() DeleteOutcome {
	switch {
	case d == nil:
		return DeleteUnknown
	case d.HardDelete:
		return DeletePermanent
	case d.Disabled || d.Deleted:
		return DeleteDisabled
	}
	return DeleteUnknown
}

func (d *DeleteResult) UnmarshalJSON(b []byte) error {
	type plain DeleteResult
	return lenient(b, (*plain)(d), &d.Raw)
}

func (d DeleteResult) MarshalJSON() ([]byte, error) {
	return rawOrEncode(d.Raw, func() any { type plain DeleteResult; return plain(d) })
}

// S3Source is one (name, prefix) pair of a Native S3 create request.
type S3Source struct {
	DataSourceName string `json:"dataSourceName"`
	Prefix         string `json:"prefix"`
}

// S3CreateRequest is the body of POST /native-s3/handler. Type is always
// "Native S3"; the client fills it in.
type S3CreateRequest struct {
	IntegrationID int64      `json:"integrationId"`
	DataSources   []S3Source `json:"dataSources"`
}

// S3Created is one data source created by a Native S3 request.
type S3Created struct {
	DataSourceID   int64  `json:"dataSourceId"`
	Prefix         string `json:"prefix"`
	DataSourceName string `json:"dataSourceName"`

	Raw json.RawMessage `json:"-"`
}

func (s *S3Created) UnmarshalJSON(b []byte) error {
	type plain S3Created
	return lenient(b, (*plain)(s), &s.Raw)
}

func (s S3Created) MarshalJSON() ([]byte, error) {
	return rawOrEncode(s.Raw, func() any { type plain S3Created; return plain(s) })
}

// S3Handler is GET /native-s3/handler/{id}.
type S3Handler struct {
	ID       int64 `json:"id"`
	Metadata struct {
		Prefix         string `json:"prefix"`
		IntegrationID  int64  `json:"integrationId"`
		DataSourceName string `json:"dataSourceName"`
	} `json:"metadata"`
	Type            string `json:"type"`
	AWSLocationPath string `json:"awsLocationPath"`

	Raw json.RawMessage `json:"-"`
}

func (s *S3Handler) UnmarshalJSON(b []byte) error {
	type plain S3Handler
	return lenient(b, (*plain)(s), &s.Raw)
}

func (s S3Handler) MarshalJSON() ([]byte, error) {
	return rawOrEncode(s.Raw, func() any { type plain S3Handler; return plain(s) })
}
