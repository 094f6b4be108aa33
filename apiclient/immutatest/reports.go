package immutatest

import (
	"encoding/json"
	"strings"
)

// Visibility report fields beyond the seed's (immuta-api-v1.md: the
// caller's report). Web Sales keeps the seed's report exactly, without them.
//
// Emulator conventions (tests pin them down):
//
//   - subscriptionPolicyMet is false for a user who is not an approved
//     member (directly or through an approved group; on a policy source,
//     membership of the policy's group counts), with a denialReason that
//     says why: request pending, approval needed, subscribe (automatic), or
//     the group the policy wants.
//   - hasPurposeRule is true on Trial Results (42, purpose "Clinical
//     Research") and on about one generated SQL source in 15; a member who
//     is not acting under the purpose (the caller never is on 42) is denied
//     with a denialReason naming it.
//   - noVisibilities is also true for a member under a row rule who has no
//     attribute values (some users of generated sources, never the caller):
//     userVisibilitiesCount 0, additionalFilters {"where":"1 = 0"}.
//   - Users who can see get whereClause (the row filter, if any),
//     columnNames, database/schemaName/tableName and a sqlStatement with
//     their masks applied; Native S3 sources have no SQL.

type reportExtraJSON struct {
	SubscriptionPolicyMet *bool    `json:"subscriptionPolicyMet,omitempty"`
	DenialReason          string   `json:"denialReason,omitempty"`
	HasPurposeRule        *bool    `json:"hasPurposeRule,omitempty"`
	ColumnNames           []string `json:"columnNames,omitempty"`
	WhereClause           string   `json:"whereClause,omitempty"`
	Database              string   `json:"database,omitempty"`
	SchemaName            string   `json:"schemaName,omitempty"`
	TableName             string   `json:"tableName,omitempty"`
	SQLStatement          string   `json:"sqlStatement,omitempty"`
}

var purposes = []string{"Clinical Research", "Fraud Prevention", "Marketing Analytics", "Regulatory Reporting"}

// purpose is the purpose a source's data may only be used for ("" none).
func (h *Handler) purpose(s *src) string {
	if s.id == IDExpert {
		return purposes[0]
	}
	if !s.gen || s.handler == hNativeS3 {
		return ""
	}
	r := hash2(uint64(s.id)^h.seedKey, 0x707572)
	if r%15 != 0 {
		return ""
	}
	return purposes[int(r>>8)%len(purposes)]
}

// policyGroup is the group a policy subscription asks for.
func policyGroup(s *src) string {
	var p struct {
		Exceptions struct {
			Conditions []struct {
				Group struct{ Name string }
			}
		}
	}
	_ = json.Unmarshal(s.subscriptionPolicy(), &p)
	if len(p.Exceptions.Conditions) == 0 {
		return ""
	}
	return p.Exceptions.Conditions[0].Group.Name
}

// memberState is p's state on s: direct entry first, then an approved
// group's; subNone when neither.
func (h *Handler) memberState(s *src, p int64) int {
	st := subNone
	for _, u := range h.users(s) {
		switch {
		case u.typ != mtGroup && u.profile == p:
			return u.state
		case u.typ == mtGroup && u.state != subPending && st == subNone:
			if g, _ := groupByID(u.group); inGroup(g, p) {
				st = u.state
			}
		}
	}
	return st
}

func (h *Handler) reportExtra(s *src, p int64, v userView) reportExtraJSON {
	var x reportExtraJSON
	yes, no := true, false
	x.SubscriptionPolicyMet, x.HasPurposeRule = &yes, &no
	st := h.memberState(s, p)
	who := "You are"
	if p != CallerProfile {
		who = h.people[p].name + " is"
	}
	switch st {
	case subOwner, subExpert, subSubscribed, subIngest:
	case subPending:
		x.SubscriptionPolicyMet, x.DenialReason = &no, who+" not subscribed: the access request is pending approval by an owner of "+s.name
	default:
		switch {
		case s.subType == stApproval, s.subType != stPolicy && !s.autoSub:
			x.SubscriptionPolicyMet, x.DenialReason = &no, who+" not subscribed: access to "+s.name+" needs an owner's approval"
		case s.subType == stPolicy:
			grp := policyGroup(s)
			for _, g := range groups() {
				if g.name == grp && inGroup(g, p) {
					grp = "" // the policy lets them in
				}
			}
			if grp != "" {
				x.SubscriptionPolicyMet, x.DenialReason = &no, who+" not in the group "+grp+" that the subscription policy of "+s.name+" requires"
			}
		default:
			x.SubscriptionPolicyMet, x.DenialReason = &no, who+" not subscribed to "+s.name+" (subscription is automatic: subscribe to get access)"
		}
	}
	if pur := h.purpose(s); pur != "" {
		x.HasPurposeRule = &yes
		acting := p != CallerProfile && hash2(uint64(s.id)^h.seedKey, uint64(p)+0x70)%3 != 0
		if x.DenialReason == "" && !acting {
			x.DenialReason = who + " not acting under the purpose " + pur + ", which " + s.name + " may only be used for"
		}
	}
	if x.DenialReason == "" && v.noAttrs {
		x.DenialReason = who + " not assigned any value of the attribute Region, which the row rule of " + s.name + " filters on: no rows are visible"
	}
	if v.rowApplies {
		x.WhereClause = "1 = 0"
		if !v.noAttrs {
			q := make([]string, len(v.regions))
			for i, r := range v.regions {
				q[i] = "'" + r + "'"
			}
			x.WhereClause = "REGION IN (" + strings.Join(q, ", ") + ")"
		}
	}
	if s.handler == hNativeS3 || len(s.cols) == 0 {
		return x
	}
	for _, c := range s.cols {
		x.ColumnNames = append(x.ColumnNames, c.name)
	}
	if i := strings.LastIndexByte(s.conn, '/'); i >= 0 {
		x.Database = s.conn[i+1:]
	}
	x.SchemaName, x.TableName = s.schema, s.table
	if x.DenialReason == "" {
		x.SQLStatement = h.sqlStatement(s, v, x.WhereClause)
	}
	return x
}

// sqlStatement is the query the user's access amounts to.
func (h *Handler) sqlStatement(s *src, v userView, where string) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range s.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		expr := `"` + c.name + `"`
		for j, m := range s.masks {
			if m.col != c.name || !v.applied[j] {
				continue
			}
			switch m.mtype {
			case mNullify:
				expr = "NULL"
			case mConstant:
				expr = "'REDACTED'"
			case mHash:
				expr = `SHA256("` + c.name + `")`
			case mRegex:
				expr = `REGEXP_REPLACE("` + c.name + `", '^.{0,4}', 'XXXX')`
			case mRound:
				expr = `FLOOR("` + c.name + `" / 1000) * 1000`
			}
			expr += ` AS "` + c.name + `"`
		}
		b.WriteString(expr)
	}
	b.WriteString(` FROM "` + s.schema + `"."` + s.table + `"`)
	if where != "" {
		b.WriteString(" WHERE " + where)
	}
	return b.String()
}
