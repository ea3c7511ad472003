package config

// Template is the commented antipersona.yaml that `antipersona init` writes.
// Every setting is shown with its default; a test checks that parsing it
// gives exactly Default(), so the two cannot drift.
const Template = `# antipersona workspace configuration.
# Every setting below shows its default; delete a line to keep the default.
# Column names each kind is read from: docs/ingest.md; features: docs/features.md.

# Currency of all amounts (ISO 4217).
currency: PLN
# As-of date of 'antipersona build' (YYYY-MM-DD). Empty: today (UTC).
# Data up to the end of that day counts; later data is ignored.
reference_date: ""
# Language of reports and persona cards: en, pl, vi or ka.
locale: en

ingest:
  # Values that mean "missing" in any column (compared after trimming spaces).
  missing_values: ["", "NA", "N/A", "n/a", "null", "NULL", "None", "nan", "NaN", "Select", "-", "?"]
  # Rows read to infer the type of each contact column.
  sample_rows: 10000
  # Rows stored per transaction (a crash loses at most the batch in flight,
  # which the next run of the same ingest completes).
  batch_rows: 500000
  # Column mappings per kind: logical field -> column name in your files.
  # Fields: contacts: id, email, phone, created_at
  #         events: contact, anonymous_id, time, event, message_id, session_id
  #         orders: order, contact, time, revenue, margin, cost_of_goods,
  #                 discount, status, channel, quantity, unit_price
  #         costs: contact, campaign, channel, time, amount, kind
  #         touches: contact, campaign, channel, time
  #         surveys: contact, question_id, question_text, answer, language, time
  # Example:
  #   orders: {order: InvoiceNo, contact: CustomerID, time: InvoiceDate}
  columns: {}

contacts:
  # Id column; empty: the first of contact_id, id, userId, customer_id.
  id_column: ""
  # A CRM's own conversion flag (one row per lead), stored as the outcome.
  outcome_column: ""
  # Outcome values meaning "converted" (case-insensitive); others mean "not".
  positive_values: ["1", "true", "yes", "y", "t", "tak", "có", "converted"]
  # Columns to drop, e.g. ones that leak the outcome.
  exclude_columns: []
  # Trait overrides by column name or identifier:
  #   type: number | category | multi | date | boolean | text | identifier
  #   dimension: demographic | socio-economic | geographic | psychographic |
  #              behavioural | other
  # Example:
  #   traits:
  #     "Lead Number": {type: identifier}
  #     income: {dimension: socio-economic}
  traits: {}

orders:
  # Status values meaning the order was cancelled (not counted as revenue).
  cancelled_statuses: ["cancelled", "canceled", "cancel", "anulowane", "anulowano", "đã hủy", "hủy"]
  # Status values meaning the order was refunded (counted, then returned).
  refunded_statuses: ["refunded", "returned", "return", "zwrot", "zwrócone", "hoàn tiền", "trả hàng"]

features:
  # Margin assumed for orders with neither a margin nor a cost of goods.
  default_margin_rate: 0.3
  # Support cost of one ticket ("Ticket Created" event), in the currency.
  cost_per_ticket: 5
  # Handling cost of one return or refund, in the currency.
  cost_per_return: 0
  # Events without a session id: a gap longer than this starts a new session.
  session_gap_minutes: 30
  # Points per signal in engagement_score (see docs/features.md).
  engagement_weights:
    sessions: 1
    page_views: 0.2
    product_views: 0.5
    cart_adds: 2
    wishlist_adds: 1
    checkouts_started: 3
    email_opens: 0.5
    email_clicks: 1
    webinars_registered: 2
    webinars_attended: 4
    trials_started: 5

thresholds:
  # Active: an event or order within this many days of the as-of date.
  active_days: 90
  # Churned: a customer without an order for this many days.
  churn_days: 365
  # Quantile levels of the R, F and M scores (3, 4 or 5).
  rfm_levels: 5
  # Smallest persona or negative persona: share of contacts and count.
  min_support: 0.01
  min_size: 30
  # Significance level after multiple-testing correction.
  alpha: 0.05
  # A result overlapping a better one by more than this (Jaccard) is dropped.
  max_overlap: 0.9
  # Seed for clustering and sampling.
  seed: 1

segments:
  # Named RFM segments: buyers whose recency score (r) and frequency score (f),
  # on a 1-5 scale, fall in the ranges; the first match wins.
  rfm_names:
    - {name: Champions, r: [5, 5], f: [4, 5]}
    - {name: Loyal, r: [3, 4], f: [4, 5]}
    - {name: Potential loyalist, r: [4, 5], f: [2, 3]}
    - {name: New, r: [5, 5], f: [1, 1]}
    - {name: Promising, r: [4, 4], f: [1, 1]}
    - {name: Need attention, r: [3, 3], f: [3, 3]}
    - {name: About to sleep, r: [3, 3], f: [1, 2]}
    - {name: "Can't lose them", r: [1, 2], f: [5, 5]}
    - {name: At risk, r: [1, 2], f: [3, 4]}
    - {name: Hibernating, r: [2, 2], f: [1, 2]}
    - {name: Lost, r: [1, 1], f: [1, 2]}
  # Behavioural tags (docs/segments.md has each definition).
  tags:
    loyal_min_orders: 3
    seasonal_min_share: 0.6
    impulse_max_days: 1
    impulse_max_sessions: 1
    considered_min_days: 14
    considered_min_sessions: 3
    regular_max_cv: 0.5
    bargain_min_share: 0.8
    returner_min_rate: 0.3
    returner_min_returns: 2
  # Rule segments: a name and a CEL expression over features and trait
  # identifiers (antipersona traits), e.g.
  #   - name: big spenders
  #     expr: monetary > 1000 && frequency >= 3
  rules: []

clv:
  # Customer lifetime value, fitted on every buyer's purchase days at each build
  # (docs/features.md: predicted_purchases, p_alive, predicted_clv, clv_basis).
  # Model of future purchases: bgnbd (BG/NBD) or paretonbd (Pareto/NBD).
  model: bgnbd
  # predicted_purchases counts the purchases expected in the next horizon_days.
  horizon_days: 365
  # predicted_clv is the margin of the next months, discounted per month.
  months: 12
  monthly_discount: 0.01
  # With fewer buyers than this, or no repeat buyer, no model is fitted and
  # every contact keeps its historic value (clv_basis: history).
  min_buyers: 100
  # L2 penalty on the model parameters (0: plain maximum likelihood).
  penalty: 0

personas:
  # Most conditions in a persona's description.
  depth: 3
  # Most buyer personas (groups where valuable customers are over-represented).
  positive: 6
  # Most negative personas kept per kind.
  per_kind: 3
  # Smallest share of a negative persona's members that are of its kind.
  min_target_rate: 0.4
  # Negative personas are described by traits known at lead time (so new
  # leads can be spotted); true also describes them by behaviour.
  include_behaviour: false
  # Change a kind of negative persona (docs/personas.md lists the kinds and
  # their default definitions), e.g.
  #   unprofitable: {target: "profit < -50"}
  #   fast_churner: {enabled: false}
  negative: {}

# Personas the team wrote, checked against the data by 'antipersona audit': a
# name, a description and named conditions in CEL over trait and feature
# identifiers ('antipersona traits', docs/features.md); the persona is their
# conjunction. For example:
#   - name: Urban wellness women
#     description: Big city, health-conscious, 30-40, values quality.
#     conditions:
#       women: gender == "female"
#       thirties: age >= 30 && age <= 40
#       wellness: '"yoga" in interests'
declared_personas: []

audit:
  # A condition whose converted contacts are less than min_lift times as
  # common inside as outside (or the inverse) is pseudo-profiling, however
  # significant.
  min_lift: 1.2

decisions:
  # One action per contact at every build (antipersona decide, explain):
  # expected value = probability x value - contact cost over clv.months
  # (docs/decisions.md). Below exclude_below a contact gets no paid budget:
  # exclude, or organic_only when it is an engaged member of a negative
  # persona that likes the brand.
  exclude_below: 0
  # Paid budget pays back when the margin expected is at least
  # (1 + activate_roi) times the contact cost.
  activate_roi: 1
  # A prospect is activated when it pays back and its probability of buying
  # is at least activate_lift times the mean prospect's; else nurtured.
  activate_lift: 1.5
  # A prospect in a negative persona keeps paid budget only when it pays back
  # and its probability is at least keep_lift times the mean prospect's.
  keep_lift: 1
  # A prospect's probability of a first purchase is learnt from the shop's own
  # history: the features as of next_purchase_days before the as-of date, and
  # who bought since. 0: use the propensity model and the decision cycles only.
  next_purchase_days: 365

audiences:
  # Country of phone numbers written without a country code (E.164 in exports).
  default_region: PL
  # Signs webhook posts (X-Antipersona-Signature: sha256=HMAC of the body);
  # ANTIPERSONA_WEBHOOK_SECRET overrides it.
  webhook_secret: ""

server:
  # The workspace's name in the API (/api/v1/workspaces/NAME/...) and in its
  # keys; empty: the folder's name (lower case; other characters than a-z,
  # 0-9 and _ become _).
  workspace: ""
  # Address 'antipersona serve' listens on.
  addr: 127.0.0.1:8080
  # Largest request body and largest Segment message, in bytes.
  max_body_bytes: 512000
  max_message_bytes: 32000

build:
  # Rebuild while the server runs, re-evaluating every contact: a duration
  # (24h, 6h) or @daily / @hourly; empty: only builds started by hand or API.
  schedule: ""

store:
  # Cap on the embedded store's memory (e.g. 8GB); empty: 80 % of the
  # machine's memory. Above it the store spills to disk (slower).
  memory_limit: ""
  # Worker threads of the store; 0: every core.
  threads: 0
  # DSN of a PostgreSQL database holding the workspace instead of the
  # embedded store (a schema named after server.workspace), e.g.
  # postgres://user@host/db; ANTIPERSONA_POSTGRES overrides it.
  postgres: ""
`
