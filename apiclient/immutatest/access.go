package immutatest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// --- masking policies --------------------------------------------------------

// maskSpec is one masking policy of a source: column, masking type and the
// global policy it comes from.
type maskSpec struct {
	col    string
	mtype  int
	global int
	hash   string // policyHash; "" means derived
}

type maskType struct {
	typ, action string
	meta        json.RawMessage
}

var maskTypes = []maskType{
	{"Consistent Value", "Nullify", json.RawMessage(`{"constant":null}`)},
	{"Consistent Value", "Constant", json.RawMessage(`{"constant":"REDACTED"}`)},
	{"Hashing", "Hash", json.RawMessage(`{}`)},
	{"Regex", "Regex", json.RawMessage(`{"regex":"^.{0,4}","replacement":"XXXX","global":false}`)},
	{"Rounding", "Round", json.RawMessage(`{"bucketSize":1000}`)},
}

const (
	mNullify = iota
	mConstant
	mHash
	mRegex
	mRound
)

func maskTypeFor(col string, r uint64) int {
	switch col {
	case "SALARY", "AMOUNT":
		return mRound
	case "DATE_OF_BIRTH":
		return mNullify
	}
	return int(r % 4)
}

type globalPolicy struct {
	id                                      int64
	tag, name, createdAt, by, createdByName string
}

var globals = []globalPolicy{
	{9, "Confidential", "Data Policy", "2022-08-09T17:23:02.634Z", "jane", "jane"},
	{12, "PII", "Mask PII", "2023-01-17T09:45:12.201Z", "first.last", CallerName},
	{15, "Sensitive", "Protect Sensitive Columns", "2023-06-02T15:20:44.930Z", "tommy.test", "Tommy Test"},
}

var rowGlobal = globalPolicy{21, "Regional", "Regional Row Access", "2023-09-12T11:05:31.377Z", "jane", "jane"}

// JSON shapes of a policySet entry, keys in the order Immuta's jsonb
// columns give them (by length, then alphabetically).
type policyJSON struct {
	Type        string     `json:"type"`
	Rules       []ruleJSON `json:"rules"`
	Global      globalJSON `json:"global"`
	Description *string    `json:"description"`
	PolicyHash  string     `json:"policyHash"`
}

type ruleJSON struct {
	Type               string          `json:"type"`
	Config             any             `json:"config"`
	Exceptions         json.RawMessage `json:"exceptions"`
	RuleAppliedForUser bool            `json:"ruleAppliedForUser"`
}

type maskConfigJSON struct {
	Fields        []string `json:"fields"`
	MaskingConfig struct {
		Type     string          `json:"type"`
		Metadata json.RawMessage `json:"metadata"`
	} `json:"maskingConfig"`
}

type whereConfigJSON struct {
	Predicate string `json:"predicate"`
}

type globalJSON struct {
	ID                int64           `json:"id"`
	Tag               string          `json:"tag"`
	Live              bool            `json:"live"`
	Name              string          `json:"name"`
	Reason            *string         `json:"reason"`
	Staged            bool            `json:"staged"`
	Deleted           bool            `json:"deleted"`
	Conflict          json.RawMessage `json:"conflict"`
	Disabled          bool            `json:"disabled"`
	Metadata          json.RawMessage `json:"metadata"`
	Template          bool            `json:"template"`
	CreatedAt         string          `json:"createdAt"`
	CreatedBy         string          `json:"createdBy"`
	PolicyKey         string          `json:"policyKey"`
	UpdatedAt         string          `json:"updatedAt"`
	ClonedFrom        json.RawMessage `json:"clonedFrom"`
	Certification     json.RawMessage `json:"certification"`
	CreatedByName     string          `json:"createdByName"`
	ChangedOnApply    []string        `json:"changedOnApply"`
	ParentPolicyID    json.RawMessage `json:"parentPolicyId"`
	SystemGenerated   bool            `json:"systemGenerated"`
	OriginalPolicyID  string          `json:"originalPolicyId"`
	OwnerRestrictions json.RawMessage `json:"ownerRestrictions"`
}

func globalOf(g globalPolicy, original string) globalJSON {
	return globalJSON{
		ID: g.id, Tag: g.tag, Live: true, Name: g.name, CreatedAt: g.createdAt, CreatedBy: g.by,
		PolicyKey: g.name, UpdatedAt: g.createdAt, CreatedByName: g.createdByName,
		ChangedOnApply: []string{"dataTypeMismatch"}, OriginalPolicyID: original,
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// userView is how a source's policies apply to one user.
type userView struct {
	applied    []bool // per s.masks
	rowApplies bool   // the row filter limits what the user sees
	regions    []string
	noAttrs    bool // under the row filter with no attribute values: no rows
}

func (h *Handler) evaluate(s *src, p int64) userView {
	v := userView{applied: make([]bool, len(s.masks))}
	seedCaller := !s.gen && p == CallerProfile
	r := hash2(uint64(s.id)^h.seedKey, uint64(p))
	allExempt := !seedCaller && r%7 == 0
	for j := range s.masks {
		v.applied[j] = seedCaller || (!allExempt && hash2(r, uint64(j))%4 != 0)
	}
	if s.rowRule && (seedCaller || (r>>8)%5 != 0) {
		v.rowApplies = true
		first := int(r>>16) % len(regions)
		v.regions = []string{regions[first]}
		if (r>>24)&1 == 1 {
			v.regions = append(v.regions, regions[(first+1)%len(regions)])
		}
		if s.gen && p != CallerProfile && (r>>32)%6 == 0 {
			v.regions, v.noAttrs = nil, true
		}
	}
	return v
}

type maskedJSON struct {
	Type       string          `json:"type"`
	Metadata   json.RawMessage `json:"metadata"`
	Name       string          `json:"name"`
	ActionType string          `json:"actionType,omitempty"`
}

func (s *src) masked(v userView, withAction bool) []maskedJSON {
	out := []maskedJSON{}
	for j, m := range s.masks {
		if !v.applied[j] {
			continue
		}
		mt := maskTypes[m.mtype]
		e := maskedJSON{Type: mt.typ, Metadata: mt.meta, Name: m.col}
		if withAction {
			e.ActionType = mt.action
		}
		out = append(out, e)
	}
	return out
}

func additionalFilters(v userView) json.RawMessage {
	if !v.rowApplies {
		return json.RawMessage(`{}`)
	}
	if v.noAttrs {
		return json.RawMessage(`{"where":"1 = 0"}`)
	}
	q := make([]string, len(v.regions))
	for i, r := range v.regions {
		q[i] = "'" + r + "'"
	}
	return marshal(map[string]string{"where": "REGION IN (" + strings.Join(q, ", ") + ")"})
}

var exemptJSON = json.RawMessage(`{"operator":"or","conditions":[{"type":"groups","group":{"name":"Policy Exempt"}}]}`)

// policySet is the JSON string of a visibility report: one policy per
// masked column (in reverse column order, as the seed has it) and the row
// filter, if any.
func (s *src) policySet(v userView) string {
	out := []policyJSON{}
	for j := len(s.masks) - 1; j >= 0; j-- {
		m := s.masks[j]
		mt := maskTypes[m.mtype]
		g := globals[m.global]
		original := "masking(^_^)" + strings.ToLower(g.name) + "(^_^)" + strings.ToLower(m.col) + "(^_^)" + strings.ToLower(mt.typ) + "(^_^)(^_^)(^_^)"
		cfg := maskConfigJSON{Fields: []string{m.col}}
		cfg.MaskingConfig.Type, cfg.MaskingConfig.Metadata = mt.typ, mt.meta
		rule := ruleJSON{Type: "masking", Config: cfg, RuleAppliedForUser: v.applied[j]}
		if !v.applied[j] {
			rule.Exceptions = exemptJSON
		}
		hash := m.hash
		if hash == "" {
			hash = sha(original + strconv.FormatInt(s.id, 10))
		}
		out = append(out, policyJSON{Type: "masking", Rules: []ruleJSON{rule}, Global: globalOf(g, original), PolicyHash: hash})
	}
	if s.rowRule {
		original := "where(^_^)" + strings.ToLower(rowGlobal.name) + "(^_^)region(^_^)(^_^)(^_^)"
		rule := ruleJSON{Type: "where", Config: whereConfigJSON{Predicate: "@columnTagged('Region') IN (@attributeValuesForCurrentUser('Region'))"}, RuleAppliedForUser: v.rowApplies}
		if !v.rowApplies {
			rule.Exceptions = exemptJSON
		}
		desc := "Only show rows of the regions the user is assigned to."
		out = append(out, policyJSON{Type: "where", Rules: []ruleJSON{rule}, Global: globalOf(rowGlobal, original), Description: &desc, PolicyHash: sha(original + strconv.FormatInt(s.id, 10))})
	}
	return string(marshal(out))
}

type policyInfoJSON struct {
	Visibilities          []string        `json:"visibilities"`
	VisibilityRuleApplies bool            `json:"visibilityRuleApplies"`
	Masked                []maskedJSON    `json:"masked"`
	AdditionalFilters     json.RawMessage `json:"additionalFilters"`
}

type reportJSON struct {
	NoVisibilities              bool            `json:"noVisibilities"`
	DataSourceVisibilitiesCount int             `json:"dataSourceVisibilitiesCount"`
	UserVisibilitiesCount       int             `json:"userVisibilitiesCount"`
	Masked                      []maskedJSON    `json:"masked"`
	DataSource                  int64           `json:"dataSource"`
	DataSourceName              string          `json:"dataSourceName"`
	AdditionalFilters           json.RawMessage `json:"additionalFilters"`
	AllowMaskedJoins            bool            `json:"allowMaskedJoins"`
	PolicySet                   string          `json:"policySet"`
	reportExtraJSON                             // not on the seed's Web Sales (reports.go)
}

// withUser looks up source id and profile p under the read lock.
func (h *Handler) withUser(id, p int64, f func(s *src) response) response {
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.lookup(id)
	if s == nil {
		return notFound(id)
	}
	if _, ok := h.person(p); !ok {
		return errResponse(http.StatusNotFound, "User profile "+strconv.FormatInt(p, 10)+" not found")
	}
	return f(s)
}

func notFound(id int64) response {
	return errResponse(http.StatusNotFound, "Data source "+strconv.FormatInt(id, 10)+" not found")
}

func (h *Handler) policyInfoResponse(id, p int64) response {
	return h.withUser(id, p, func(s *src) response {
		v := h.evaluate(s, p)
		out := policyInfoJSON{Visibilities: []string{}, Masked: s.masked(v, true), AdditionalFilters: additionalFilters(v)}
		if v.rowApplies {
			out.VisibilityRuleApplies = true
			if !v.noAttrs {
				out.Visibilities = v.regions
			}
		}
		return jsonResponse(http.StatusOK, out)
	})
}

func (h *Handler) visibilityReport(id, p int64, asArray bool) response {
	return h.withUser(id, p, func(s *src) response {
		v := h.evaluate(s, p)
		rep := reportJSON{
			NoVisibilities:    !s.rowRule,
			Masked:            s.masked(v, false),
			DataSource:        s.id,
			DataSourceName:    s.name,
			AdditionalFilters: additionalFilters(v),
			AllowMaskedJoins:  s.gen && (s.l.r>>62) == 3,
			PolicySet:         s.policySet(v),
		}
		if s.id != IDWebSales { // its reports are the seed's, verbatim
			rep.reportExtraJSON = h.reportExtra(s, p, v)
		}
		if s.rowRule {
			rep.DataSourceVisibilitiesCount = len(regions)
			rep.UserVisibilitiesCount = len(regions)
			if v.rowApplies {
				rep.UserVisibilitiesCount = len(v.regions)
			}
			rep.NoVisibilities = v.noAttrs
		}
		if asArray {
			return jsonResponse(http.StatusOK, []reportJSON{rep})
		}
		return jsonResponse(http.StatusOK, rep)
	})
}

// --- access lists ------------------------------------------------------------

// user is one entry of an access list (see members.go).
type user struct {
	profile                       int64 // 0 for a group
	group                         int64 // typ mtGroup
	via                           int64 // group an expanded entry comes from
	typ                           uint8 // mtUser...
	steps, done                   uint8 // approvals needed; recorded (bit per step)
	state                         int
	subID                         int64
	createdAt, updatedAt, refresh int64
	exp                           int64 // expiration (0: none)
}

func (h *Handler) adminName(s *src) string {
	if s.sub == subOwner || s.fixedUsers != nil {
		return CallerName
	}
	return h.people[h.otherProfile(s, 0)].name
}

type approvalJSON struct {
	RequiredPermission string          `json:"requiredPermission"`
	State              string          `json:"state"`
	ApproverID         json.RawMessage `json:"approverId"`
	OwnerModelID       json.RawMessage `json:"ownerModelId"`
	Approver           *string         `json:"approver"`
	OwnerModelName     json.RawMessage `json:"ownerModelName"`
}

var jsonNull = json.RawMessage("null")

// pageParams reads size and offset.
func pageParams(q url.Values, maxSize int) (size, offset int, res response, ok bool) {
	size, offset = DefaultPageSize, 0
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, errResponse(http.StatusBadRequest, `"size" must be a positive number`), false
		}
		if n > 0 {
			size = min(n, 1<<30)
		}
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, errResponse(http.StatusBadRequest, `"offset" must be larger than or equal to 0`), false
		}
		offset = min(n, 1<<30)
	}
	if maxSize > 0 {
		size = min(size, maxSize)
	}
	return size, offset, response{}, true
}
