package immutatest

// Demo data for the governance workflows (issue 9), to try by hand with
// `dsbrowse --demo` or `dsbrowse demo-server` (Seed 0, the default; the
// generated ids need Sources >= 232, the default 300 is enough). The caller
// is "First Last" (profile 2). TestDemoData keeps these notes true.
//
// Pending requests the caller can approve (GET
// /subscription/getPendingRequestsForUser, 413 in all):
//   - Web Sales (16): about 320, one approval each (most of the list).
//   - Dbo Customer Data (26) 7, Public Aaa Tpc (39) 3, Public Healthcare
//     Data (3) 2, Derived Healthcare Extract (4) 1: one approval each.
//   - DemoTwoApprovals, Customer Assets Curated (223): 5 requests needing
//     OWNER then GOVERNANCE; approving once leaves the request pending with
//     one step approved, the second approval subscribes the member. Also
//     Finance Members Snapshot (105): one such request.
//   - DemoGroupRequests, Store Payroll Hourly (331): requests of the groups
//     vendor-analysts (102711553) and store-analysts (102711554), and of
//     Sofia Miller (102711566).
//
// Failures (200 with a failures entry): DemoNotApprovable, a pending request
// on Finance Ledger (27), which the caller does not own; any unknown id;
// deny without denialReasoning; the caller's own request on Payroll Details
// (28, id 901).
//
// Members: Web Sales (16) has 2,500; Risk Stores Hourly (DemoApprovedGroups,
// 156) has two approved groups (expandGroups=true lists their members);
// policy members ("type":"policy") are on sources with a policy
// subscription, e.g. Supply Routes Sample (111). The caller may change
// members only where it is an owner (1, 3, 4, 16, 22, 26, 39, 223, ...);
// elsewhere PUT/POST answer 403 (e.g. 27).
//
// Unsubscribe: Public Barfoo (22) and Staging Events Feed (35) (subscribed),
// Trial Results (42) (expert), Payroll Details (28) withdraws the pending
// request; owners (e.g. 16) get 400.
//
// Visibility reports (denial reasons):
//   - Finance Ledger (27): caller not subscribed, approval needed
//     (subscriptionPolicyMet false).
//   - Payroll Details (28): caller's request pending.
//   - Trial Results (42): hasPurposeRule, the caller is not acting under
//     "Clinical Research".
//   - DemoPolicyDenied, Supply Routes Sample (111): caller not in the group
//     supply-analysts the subscription policy requires.
//   - DemoNoVisibilitiesSource (161, Support Returns Curated) and user
//     DemoNoVisibilitiesUser (3237, Lina Thomas): subscribed but without
//     Region values: noVisibilities, where "1 = 0".
//   - Users who can see: the caller on Public Healthcare Data (3): masks,
//     whereClause REGION IN ('EU', 'US'), sqlStatement.
//
// Tags and columns (tags.go): Payroll Details (28) is tagged PII and
// Sensitive, Public Healthcare Data (3) Healthcare and PII, and many
// generated sources carry PII; GET /dataSource?tag=PII lists them. Every
// SQL source has a dictionary, personal columns tagged PII.* (Dbo Customer
// Data (26): EMAIL is PII.Email); Native S3 sources (1) have none (404).
const (
	DemoTwoApprovals         = 223
	DemoGroupRequests        = 331
	DemoApprovedGroups       = 156
	DemoPolicyDenied         = 111
	DemoNoVisibilitiesSource = 161
	DemoNoVisibilitiesUser   = 3237
	DemoNotApprovable        = 100221191
)
