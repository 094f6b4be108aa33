package immutatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// seedJSON is a seed example body of seedbodies/ (the one copy, embedded
// by seedserver.go), compacted; read once. The seed sources serve these
// verbatim (compacted); everything else about them is in seedSources.
func seedJSON(name string) []byte {
	b, ok := seedBodies()[name]
	if !ok {
		panic("immutatest: no seed body " + name)
	}
	return b
}

// seedListHit is the list example's hit for source id (list_array.json,
// the seed's hits), compacted.
func seedListHit(id int64) []byte {
	b, ok := seedHits()[id]
	if !ok {
		panic(fmt.Sprintf("immutatest: no seed list hit %d", id))
	}
	return b
}

var seedBodies = sync.OnceValue(func() map[string][]byte {
	out := map[string][]byte{}
	entries, err := documentedBodies.ReadDir("seedbodies")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		out[e.Name()] = compactJSON(seedBody(e.Name()))
	}
	return out
})

var seedHits = sync.OnceValue(func() map[int64][]byte {
	var hits []json.RawMessage
	if err := json.Unmarshal(seedBody("list_array.json"), &hits); err != nil {
		panic(err)
	}
	out := map[int64][]byte{}
	for _, h := range hits {
		var id struct{ ID int64 }
		if err := json.Unmarshal(h, &id); err != nil {
			panic(err)
		}
		out[id.ID] = compactJSON(h)
	}
	return out
})

func compactJSON(b []byte) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func ms(iso string) int64 {
	t, err := time.Parse(time.RFC3339Nano, iso)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

func isoTime(msec int64) string {
	return time.UnixMilli(msec).UTC().Format("2006-01-02T15:04:05.000Z")
}

func cols(spec ...string) []column {
	out := make([]column, 0, len(spec)/2)
	for i := 0; i+1 < len(spec); i += 2 {
		out = append(out, column{spec[i], spec[i+1]})
	}
	return out
}

const testConn = "test@immuta.connection.source.com:###/test"

// seedSources are the sources every handler starts with. Ids, names and
// tables are exported as constants in immutatest.go.
func seedSources() []*src {
	day := int64(86400000)
	ss := []*src{
		{
			id: IDS3Research, name: NameS3Research, handler: hNativeS3, sub: subOwner, subType: stAutomatic, autoSub: true,
			createdAt: ms("2023-03-14T18:02:11.482Z"), conn: "s3://research-data-source", recordCount: 1200, rowCount: -1,
			tags: []string{"Internal"}, schemaEvo: 1, subID: 71, others: 3,
			s3:   &s3meta{integrationID: 2, prefix: "research-data-source"},
			desc: "Research team's raw files on S3.", hasDesc: true,
		},
		{
			id: IDParent, name: NameParent, handler: hSnowflake, sub: subOwner, subType: stAutomatic, autoSub: true,
			createdAt: ms("2022-08-01T09:15:22.104Z"), conn: testConn, schema: "public", table: "healthcare_data",
			remoteSchema: "public", remoteTable: "healthcare_data", recordCount: 125000, rowCount: 125000,
			tags: []string{"Healthcare", "PII"}, tagObjects: true, schemaEvo: 2, subID: 12, others: 12,
			desc: "Synthetic patient encounters used by the healthcare analytics team.", hasDesc: true,
			cols: cols("PATIENT_ID", "integer", "FIRST_NAME", "text", "LAST_NAME", "text", "DATE_OF_BIRTH", "date",
				"DIAGNOSIS_CODE", "text", "VISIT_DATE", "date", "REGION", "text"),
			masks: []maskSpec{{col: "FIRST_NAME", mtype: mHash, global: 1}, {col: "LAST_NAME", mtype: mHash, global: 1},
				{col: "DATE_OF_BIRTH", mtype: mNullify, global: 2}},
			rowRule:  true,
			children: []lineageLink{{id: IDDerived, createdAt: ms("2022-08-17T13:41:38.381Z"), projectID: 2, projectName: "Derived Data Source", createdBy: "Your Username"}},
		},
		{
			id: IDDerived, name: NameDerived, handler: hSnowflake, sub: subOwner, subType: stAutomatic, autoSub: true,
			createdAt: ms("2022-08-17T13:41:38.381Z"), conn: testConn, schema: "public", table: "derived_healthcare_extract",
			remoteSchema: "public", remoteTable: "derived_healthcare_extract", recordCount: 48210, rowCount: 48210,
			tags: []string{"Healthcare"}, schemaEvo: 1, subID: 13, others: 4,
			desc: "Extract of Public Healthcare Data built in the Derived Data Source project.", hasDesc: true,
			cols:    cols("PATIENT_ID", "integer", "DIAGNOSIS_CODE", "text", "VISIT_DATE", "date", "REGION", "text"),
			masks:   []maskSpec{{col: "PATIENT_ID", mtype: mHash, global: 1}},
			parents: []lineageLink{{id: IDParent, createdAt: ms("2022-08-17T13:41:38.381Z"), projectID: 2, projectName: "Derived Data Source", createdBy: "Your Username"}},
		},
		{
			id: IDWebSales, name: NameWebSales, handler: hSnowflake, sub: subOwner, subType: stAutomatic, autoSub: true,
			createdAt: ms("2022-08-09T16:58:31.017Z"), conn: "acme.snowflakecomputing.com:443/TPCDS", schema: "tpcds", table: "web_sales",
			remoteSchema: "TPCDS", remoteTable: "WEB_SALES", recordCount: 719384, rowCount: 719384,
			tags: []string{"Confidential", "Gold"}, schemaEvo: 3, subID: 31, others: WebSalesUsers - 1,
			desc: "TPC-DS web sales fact table.", hasDesc: true,
			cols: cols("WS_SOLD_DATE_SK", "integer", "WS_SOLD_TIME_SK", "integer", "WS_ITEM_SK", "integer",
				"WS_BILL_CUSTOMER_SK", "integer", "WS_ORDER_NUMBER", "integer", "WS_QUANTITY", "integer",
				"WS_SALES_PRICE", "decimal", "WS_NET_PAID", "decimal"),
			masks: []maskSpec{
				{col: "WS_SOLD_DATE_SK", mtype: mNullify, global: 0, hash: "2877a1ace4cfa6427370fd39b254ce0ea75dc22cb024a2f857e033c82a987f9a"},
				{col: "WS_BILL_CUSTOMER_SK", mtype: mNullify, global: 0, hash: "3a2faac13e332cca1829ed773afa298a5455ac5bb54e68c53ae00991575d2a4b"},
			},
		},
		{
			id: IDPublicBarfoo, name: NamePublicBarfoo, handler: hSnowflake, sub: subSubscribed, subType: stAutomatic, autoSub: true,
			createdAt: ms("2021-07-22T14:11:55.539Z"), conn: testConn, schema: "public", table: TablePublicBarfoo,
			remoteSchema: "public", remoteTable: "barfoo", recordCount: 0, rowCount: 6, schemaEvo: 1,
			subID: 64, subAt: ms("2021-08-26T16:36:09.587Z"),
			rawList: seedListHit(22), rawDetail: seedJSON("get_22.json"),
			cols: cols("ID", "integer", "FOO", "text", "BAR", "text"),
			fixedUsers: []user{
				{profile: CallerProfile, state: subOwner, subID: 586, refresh: ms("2021-10-06T14:58:46.983Z"),
					createdAt: ms("2021-10-05T14:33:01.518Z"), updatedAt: ms("2021-10-05T14:33:01.518Z")},
				{profile: 3, state: subSubscribed, subID: 649, refresh: ms("2021-09-07T16:16:29.957Z"),
					createdAt: ms("2021-10-06T14:58:31.366Z"), updatedAt: ms("2021-10-06T14:58:31.366Z")},
			},
		},
		{
			id: IDCustomerData, name: NameCustomerData, handler: hSnowflake, sub: subOwner, subType: stAutomatic, autoSub: false,
			subPolicy: []byte(`{"type":"subscription","automaticSubscription":false}`),
			createdAt: ms("2021-10-01T14:23:27.225Z"), updatedAt: ms("2021-10-06T19:39:39.145Z"), conn: testConn,
			schema: "dbo", table: TableCustomerData, remoteSchema: "dbo", remoteTable: "customer_data",
			recordCount: 0, rowCount: 1000, schemaEvo: 4, subID: 45, others: 15, policyHandler: "Builder",
			rawDetail: seedJSON("sqltable_customer_data.json"),
			cols: cols("CUSTOMER_ID", "integer", "FIRST_NAME", "text", "LAST_NAME", "text", "EMAIL", "text",
				"PHONE_NUMBER", "text", "STREET_ADDRESS", "text", "REGION", "text"),
			masks: []maskSpec{{col: "EMAIL", mtype: mHash, global: 1}, {col: "PHONE_NUMBER", mtype: mConstant, global: 1},
				{col: "STREET_ADDRESS", mtype: mRegex, global: 2}},
		},
		{
			id: IDNeedsApproval, name: NameNeedsApproval, handler: hDatabricks, sub: subNone, subType: stApproval, autoSub: false,
			createdAt: ms("2022-11-03T08:30:00.000Z"), conn: connStrings[3], schema: "finance", table: "finance_ledger",
			remoteSchema: "finance", remoteTable: "ledger", recordCount: 2_450_000, rowCount: 2_450_000,
			tags: []string{"Finance", "Confidential"}, tagObjects: true, schemaEvo: 2, others: 25, domain: "Corporate",
			desc: "General ledger entries. Access needs the owner's approval.", hasDesc: true, catalog: 2,
			cols:    cols("ENTRY_ID", "integer", "ACCOUNT_NUMBER", "text", "AMOUNT", "decimal", "POSTED_AT", "timestamp", "REGION", "text"),
			masks:   []maskSpec{{col: "ACCOUNT_NUMBER", mtype: mRegex, global: 2}, {col: "AMOUNT", mtype: mRound, global: 0}},
			rowRule: true,
		},
		{
			id: IDPending, name: NamePending, handler: hRedshift, sub: subPending, subType: stApproval, autoSub: false,
			createdAt: ms("2023-02-20T12:00:00.000Z"), subAt: ms("2025-05-02T09:10:11.000Z"), conn: connStrings[4],
			schema: "hr", table: "payroll_details", remoteSchema: "hr", remoteTable: "payroll_details",
			recordCount: 84000, rowCount: 84000, tags: []string{"PII", "Sensitive"}, schemaEvo: 1, subID: 901, others: 8,
			cols:  cols("EMPLOYEE_ID", "integer", "SSN", "text", "SALARY", "decimal", "PAY_DATE", "date"),
			masks: []maskSpec{{col: "SSN", mtype: mNullify, global: 1}, {col: "SALARY", mtype: mRound, global: 2}},
		},
		{
			id: IDDisabled, name: NameDisabled, handler: hPostgres, sub: subOwner, subType: stAutomatic, autoSub: true,
			createdAt: ms("2020-02-11T10:20:30.400Z"), conn: connStrings[6], schema: "claims", table: "legacy_claims_archive",
			remoteSchema: "claims", remoteTable: "claims_archive", recordCount: 3_100_000, rowCount: 3_100_000,
			tags: []string{"Deprecated"}, schemaEvo: 1, subID: 15, others: 3, disabled: true,
			desc: "Claims before 2020. Disabled; kept for audits.", hasDesc: true,
			cols: cols("CLAIM_ID", "integer", "MEMBER_ID", "integer", "AMOUNT", "decimal"),
		},
		{
			id: IDFailed, name: NameFailed, handler: hDatabricks, sub: subSubscribed, subType: stAutomatic, autoSub: true,
			createdAt: ms("2024-04-04T04:04:04.044Z"), conn: connStrings[2], schema: "staging", table: "staging_events_feed",
			remoteSchema: "staging", remoteTable: "events_feed", recordCount: 0, rowCount: -1, failed: true,
			tags: []string{"Internal"}, tagObjects: true, schemaEvo: 6, subID: 88, others: 6, catalog: 1,
			cols: cols("EVENT_ID", "text", "PAYLOAD", "json", "RECEIVED_AT", "timestamp"),
		},
		{
			id: IDPublicAaaTpc, name: NamePublicAaaTpc, handler: hSnowflake, sub: subOwner, subType: stPolicy, autoSub: true,
			subPolicy: []byte(`{"type":"subscription","exceptions":{"operator":"and","conditions":[{"type":"groups","group":{"name":"alpha"}}]},"allowDiscovery":true,"automaticSubscription":true}`),
			createdAt: ms("2023-08-21T10:39:00.250Z"), conn: testConn, schema: "public", table: "aaa_tpc",
			remoteSchema: "public", remoteTable: "tpc", recordCount: 0, rowCount: 0, schemaEvo: 1, subID: 77, others: 5,
			rawList: seedListHit(39),
			cols:    cols("ID", "integer", "NAME", "text"),
		},
		{
			id: IDExpert, name: NameExpert, handler: hPostgres, sub: subExpert, subType: stPolicy, autoSub: true,
			createdAt: ms("2024-09-30T15:45:00.000Z"), conn: connStrings[7], schema: "clinical", table: "trial_results",
			remoteSchema: "clinical", remoteTable: "trial_results", recordCount: 5600, rowCount: 5600,
			tags: []string{"Healthcare"}, tagObjects: true, schemaEvo: 2, subID: 93, others: 10, domain: "Healthcare",
			desc: "Outcomes of clinical trials, one row per participant visit.", hasDesc: true,
			cols:  cols("PARTICIPANT_ID", "integer", "ARM", "text", "OUTCOME", "text", "DATE_OF_BIRTH", "date"),
			masks: []maskSpec{{col: "DATE_OF_BIRTH", mtype: mNullify, global: 1}},
		},
	}
	for _, s := range ss {
		if s.updatedAt == 0 {
			s.updatedAt = s.createdAt + 5*day
		}
		if s.subAt == 0 {
			s.subAt = s.createdAt
		}
		if s.policyHandler == "" {
			s.policyHandler = "None"
			if len(s.masks) > 0 || s.rowRule {
				s.policyHandler = "Builder"
			}
		}
		s.initSub, s.initDis = s.sub, s.disabled
		r := mix(uint64(s.id) * 0x2545f4914f6cdd1d)
		s.othersStride = strides[r%uint64(len(strides))]
		s.othersOff = int((r >> 8) % profilePool)
		s.createdBy = CallerProfile
		if s.sub != subOwner && s.fixedUsers == nil {
			s.createdBy = int64(3 + s.othersOff%profilePool) // otherProfile(s, 0)
		}
	}
	return ss
}
