package immutatest

// Word lists and small tables the generated demo data is drawn from. Every
// word is a single Title-case token of letters and digits, unique within its
// list once lower-cased: generated names are "<Area> <Entity> <Suffix>"
// (plus " <n>" once every combination has been used), and the name lookups
// and the name sort rely on that shape.

var areas = [32]string{
	"Sales", "Marketing", "Hr", "Finance", "Supply", "Customer", "Product", "Web",
	"Mobile", "Retail", "Claims", "Risk", "Fraud", "Billing", "Inventory", "Logistics",
	"Payments", "Support", "Security", "Research", "Clinical", "Patient", "Pharmacy", "Insurance",
	"Ads", "Partner", "Vendor", "Store", "Loyalty", "Growth", "Ops", "Legal",
}

var entities = [64]string{
	"Orders", "Customers", "Accounts", "Invoices", "Payments", "Transactions", "Refunds", "Shipments",
	"Returns", "Products", "Prices", "Promotions", "Campaigns", "Leads", "Opportunities", "Contacts",
	"Employees", "Payroll", "Benefits", "Timesheets", "Candidates", "Clickstream", "Sessions", "Pageviews",
	"Events", "Impressions", "Conversions", "Subscriptions", "Tickets", "Surveys", "Reviews", "Claims",
	"Policies", "Members", "Providers", "Encounters", "Prescriptions", "Labs", "Devices", "Sensors",
	"Alerts", "Incidents", "Audits", "Ledger", "Budgets", "Forecasts", "Expenses", "Vendors",
	"Contracts", "Assets", "Stores", "Stock", "Suppliers", "Routes", "Deliveries", "Users",
	"Logins", "Permissions", "Segments", "Scores", "Metrics", "Snapshots", "Balances", "Households",
}

var suffixes = [32]string{
	"Raw", "Clean", "Curated", "Daily", "Weekly", "Monthly", "Hourly", "Staging",
	"Archive", "History", "Summary", "Snapshot", "Eu", "Us", "Apac", "Latam",
	"Emea", "Global", "2019", "2020", "2021", "2022", "2023", "2024",
	"2025", "V2", "Pii", "Masked", "Sample", "Export", "Current", "Aggregated",
}

const (
	nAreas    = len(areas)
	nEntities = len(entities)
	nSuffixes = len(suffixes)
	// comboN is the number of distinct three-word names.
	comboN = nAreas * nEntities * nSuffixes // 65536
)

// Handlers (blobHandlerType) with the path segment of their handler URL.
const (
	hSnowflake = iota
	hDatabricks
	hRedshift
	hNativeS3
	hPostgres
	nHandlers
)

var handlerNames = [nHandlers]string{"Snowflake", "Databricks", "Redshift", "Native S3", "PostgreSQL"}
var handlerPaths = [nHandlers]string{"snowflake", "databricks", "redshift", "native-s3", "postgresql"}

// connStrings are the connection strings of generated sources; connByHandler
// says which of them each handler uses.
var connStrings = []string{
	"acme.snowflakecomputing.com:443/ANALYTICS",
	"acme.snowflakecomputing.com:443/RAW",
	"dbc-7f3a91c2-4b1e.cloud.databricks.com:443/hive_metastore",
	"dbc-7f3a91c2-4b1e.cloud.databricks.com:443/main",
	"analytics.c9x2kq.us-east-1.redshift.amazonaws.com:5439/dev",
	"s3://acme-data-lake",
	"pg-prod.internal.acme.com:5432/warehouse",
	"pg-replica.internal.acme.com:5432/reporting",
}

var connByHandler = [nHandlers][]uint8{
	hSnowflake:  {0, 1},
	hDatabricks: {2, 3},
	hRedshift:   {4},
	hNativeS3:   {5},
	hPostgres:   {6, 7},
}

// Caller subscription states, in the order of the generated distribution.
const (
	subOwner = iota
	subSubscribed
	subNone
	subPending
	subExpert
	nSubStates
)

var subNames = [nSubStates]string{"owner", "subscribed", "not_subscribed", "pending", "expert"}

// Subscription types.
const (
	stAutomatic = iota
	stApproval
	stPolicy
)

var subTypeNames = [3]string{"automatic", "approval", "policy"}

var tagNames = [16]string{
	"PII", "Confidential", "Public", "Internal", "Finance", "Healthcare", "GDPR", "CCPA",
	"Customer", "Gold", "Silver", "Bronze", "Deprecated", "Sensitive", "Marketing", "Certified",
}

var domainNames = []string{"", "Commercial", "Corporate", "Healthcare", "Digital", "Operations"}

// piiColumns is the pool of sensitive columns a generated source may have
// (a bit mask picks them); baseColumns are in every generated SQL source.
var piiColumns = [14]string{
	"EMAIL", "PHONE_NUMBER", "SSN", "FIRST_NAME", "LAST_NAME", "STREET_ADDRESS", "DATE_OF_BIRTH",
	"CREDIT_CARD_NUMBER", "IP_ADDRESS", "SALARY", "CUSTOMER_ID", "ACCOUNT_NUMBER", "REGION", "COUNTRY",
}

var piiTypes = [14]string{
	"text", "text", "text", "text", "text", "text", "date",
	"text", "text", "decimal", "integer", "text", "text", "text",
}

const colRegion = 12 // index of REGION in piiColumns

var baseColumns = []string{"ID", "CREATED_AT", "UPDATED_AT", "STATUS", "AMOUNT"}
var baseTypes = []string{"integer", "timestamp", "timestamp", "text", "decimal"}

// People: the user pool of access lists. Profile 2 is the caller and 3 is
// "Tommy Test" (both from the seeds); profiles 4.. get generated names.
var firstNames = [64]string{
	"Ada", "Alan", "Alice", "Amara", "Ana", "Arjun", "Beatriz", "Ben",
	"Carla", "Chen", "Chloe", "Daniel", "Diego", "Elena", "Emeka", "Emma",
	"Farah", "Felix", "Fatima", "Grace", "Hana", "Hugo", "Ines", "Isaac",
	"Ivan", "Jamal", "Jana", "Jonas", "Julia", "Kai", "Kenji", "Lara",
	"Leo", "Lina", "Lucas", "Maya", "Mateo", "Mei", "Mia", "Nadia",
	"Noah", "Nora", "Olga", "Omar", "Paul", "Priya", "Quinn", "Rafael",
	"Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tess", "Uma", "Victor",
	"Wei", "Xavier", "Yara", "Yusuf", "Zara", "Zoe", "Oscar", "Ivy",
}

var lastNames = [64]string{
	"Adams", "Ahmed", "Alvarez", "Andersen", "Baker", "Brown", "Campbell", "Chen",
	"Clarke", "Costa", "Diaz", "Dubois", "Evans", "Fischer", "Garcia", "Gupta",
	"Hansen", "Hughes", "Ito", "Jensen", "Johnson", "Kim", "Kowalski", "Kumar",
	"Lee", "Lopez", "Martin", "Meyer", "Miller", "Moreau", "Murphy", "Nakamura",
	"Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Perez", "Petrov", "Quinn",
	"Reyes", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Sousa",
	"Suzuki", "Taylor", "Thomas", "Tanaka", "Torres", "Walker", "Wang", "Weber",
	"White", "Wilson", "Wong", "Yamamoto", "Young", "Zhang", "Ivanova", "Moller",
}

// profilePool is how many users exist besides the caller: profiles 3 ..
// 3+profilePool-1. It must exceed the largest generated access list.
const profilePool = 6000

var regions = []string{"EU", "US", "APAC", "LATAM"}
