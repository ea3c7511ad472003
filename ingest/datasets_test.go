package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// The expected counts in this file come from independent checks of the raw
// files with Python's csv module (run from the repository's parent
// directory):
//
//	python3 -c "import csv; r=list(csv.reader(open('shared/datasets/leads/Leads.csv'))); h=r[0]
//	  for c in ['What is your current occupation','Specialization','TotalVisits','Lead Source']:
//	    i=h.index(c); print(c, sum(1 for x in r[1:] if x[i] in ('','Select')))
//	  print(sum(1 for x in r[1:] if x[h.index('Converted')]=='1'))"
//
// gives 2690, 3380 (1942 "Select" + 1438 empty), 137, 36 missing values and
// 3561 converted leads out of 9240; the same with delimiter='\t' on
// marketing_campaign.csv gives 2240 rows and 24 empty Income values.

func TestLeadsCSV(t *testing.T) {
	path := datasetPath(t, "leads/Leads.csv")

	// Without --id-col the id column is not found: the message lists the
	// columns so the user can pick one.
	_, _, _, err := ingestFile(t, path, Options{Kind: antipersona.KindContacts})
	if msg := antipersona.ErrorMessage(err); antipersona.ErrorCode(err) != antipersona.EINVALID ||
		!strings.Contains(msg, `columns found: "Prospect ID", "Lead Number", "Lead Origin"`) || !strings.Contains(msg, "--id-col") {
		t.Fatalf("err = %v", err)
	}

	res, sink, _, err := ingestFile(t, path, Options{Kind: antipersona.KindContacts, IDColumn: "Prospect ID", OutcomeColumn: "Converted"})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	// Every line ends with an extra comma: the 38th, unnamed column is
	// ignored and no row is rejected.
	if res.Read != 9240 || res.Loaded != 9240 || res.Rejected != 0 || len(res.Traits) != 35 {
		t.Fatalf("Read %d Loaded %d Rejected %d traits %d; want 9240, 9240, 0, 35", res.Read, res.Loaded, res.Rejected, len(res.Traits))
	}
	tests := []struct {
		column  string
		ident   string
		typ     antipersona.TraitType
		dim     antipersona.Dimension
		missing int
	}{
		{"TotalVisits", "total_visits", antipersona.TraitNumber, antipersona.DimensionBehavioural, 137},
		{"Lead Source", "lead_source", antipersona.TraitCategory, antipersona.DimensionBehavioural, 36},
		{"Do Not Email", "do_not_email", antipersona.TraitBoolean, antipersona.DimensionBehavioural, 0},
		{"What is your current occupation", "what_is_your_current_occupation", antipersona.TraitCategory, antipersona.DimensionSocioEconomic, 2690},
		{"Specialization", "specialization", antipersona.TraitCategory, antipersona.DimensionSocioEconomic, 3380},
		{"What matters most to you in choosing a course", "what_matters_most_to_you_in_choosing_a_course", antipersona.TraitCategory, antipersona.DimensionPsychographic, -1},
		{"How did you hear about X Education", "how_did_you_hear_about_x_education", antipersona.TraitCategory, antipersona.DimensionBehavioural, -1},
		{"Page Views Per Visit", "page_views_per_visit", antipersona.TraitNumber, antipersona.DimensionBehavioural, -1},
		{"Total Time Spent on Website", "total_time_spent_on_website", antipersona.TraitNumber, antipersona.DimensionBehavioural, -1},
		{"Country", "country", antipersona.TraitCategory, antipersona.DimensionGeographic, -1},
		{"City", "city", antipersona.TraitCategory, antipersona.DimensionGeographic, -1},
		{"Asymmetrique Activity Index", "asymmetrique_activity_index", antipersona.TraitCategory, antipersona.DimensionBehavioural, -1},
		{"Asymmetrique Profile Score", "asymmetrique_profile_score", antipersona.TraitNumber, antipersona.DimensionOther, -1},
		{"Tags", "tags", antipersona.TraitCategory, antipersona.DimensionOther, -1},
		{"Lead Number", "lead_number", antipersona.TraitNumber, antipersona.DimensionOther, -1},
	}
	contacts := sink.all().Contacts
	for _, tt := range tests {
		t.Run(tt.column, func(t *testing.T) {
			i := traitIndex(t, res.Traits, tt.ident)
			tr := res.Traits[i]
			if tr.Name != tt.column || tr.Type != tt.typ || tr.Dimension != tt.dim || tr.PII {
				t.Errorf("trait = %+v, want %s %s %s", tr, tt.column, tt.typ, tt.dim)
			}
			if tt.missing < 0 {
				return
			}
			missing := 0
			for _, c := range contacts {
				if c.Values[i].Missing {
					missing++
				} else if c.Values[i].Str == "Select" {
					t.Fatalf("line %d: \"Select\" stored as a value", c.Line)
				}
			}
			if missing != tt.missing {
				t.Errorf("missing values = %d, want %d", missing, tt.missing)
			}
		})
	}
	converted := 0
	for _, c := range contacts {
		if c.Outcome != nil && *c.Outcome {
			converted++
		}
	}
	if converted != 3561 || contacts[0].ID != "7927b2df-8bba-4d29-b9a2-b6e0beafe620" {
		t.Errorf("converted = %d (want 3561), first id %q", converted, contacts[0].ID)
	}
}

func TestMarketingCampaignCSV(t *testing.T) {
	res, sink, _, err := ingestFile(t, datasetPath(t, "customer_personality/marketing_campaign.csv"), Options{Kind: antipersona.KindContacts})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	// Tab separated (detected), the ID column is the id, two rows with
	// trailing spaces still parse.
	if res.Read != 2240 || res.Loaded != 2240 || res.Rejected != 0 {
		t.Fatalf("Read %d Loaded %d Rejected %d; want 2240, 2240, 0", res.Read, res.Loaded, res.Rejected)
	}
	want := map[string]struct {
		typ antipersona.TraitType
		dim antipersona.Dimension
	}{
		"year_birth":           {antipersona.TraitNumber, antipersona.DimensionDemographic},
		"education":            {antipersona.TraitCategory, antipersona.DimensionSocioEconomic},
		"marital_status":       {antipersona.TraitCategory, antipersona.DimensionSocioEconomic},
		"income":               {antipersona.TraitNumber, antipersona.DimensionSocioEconomic},
		"kidhome":              {antipersona.TraitNumber, antipersona.DimensionSocioEconomic},
		"dt_customer":          {antipersona.TraitDate, antipersona.DimensionOther},
		"recency":              {antipersona.TraitNumber, antipersona.DimensionBehavioural},
		"mnt_wines":            {antipersona.TraitNumber, antipersona.DimensionBehavioural},
		"num_web_visits_month": {antipersona.TraitNumber, antipersona.DimensionBehavioural},
		"accepted_cmp3":        {antipersona.TraitBoolean, antipersona.DimensionBehavioural},
		"complain":             {antipersona.TraitBoolean, antipersona.DimensionBehavioural},
		"response":             {antipersona.TraitBoolean, antipersona.DimensionBehavioural},
		"z_cost_contact":       {antipersona.TraitNumber, antipersona.DimensionOther},
	}
	for ident, w := range want {
		tr := res.Traits[traitIndex(t, res.Traits, ident)]
		if tr.Type != w.typ || tr.Dimension != w.dim {
			t.Errorf("%s: %s %s, want %s %s", ident, tr.Type, tr.Dimension, w.typ, w.dim)
		}
	}
	contacts := sink.all().Contacts
	income, dt := traitIndex(t, res.Traits, "income"), traitIndex(t, res.Traits, "dt_customer")
	missing := 0
	for _, c := range contacts {
		if c.Values[income].Missing {
			missing++
		}
	}
	if missing != 24 {
		t.Errorf("missing incomes = %d, want 24", missing)
	}
	// First row: ID 5524, Income 58138, Dt_Customer "04-09-2012", which is
	// 4 September (the sample has days above 12 in the first position).
	c := contacts[0]
	if c.ID != "5524" || c.Values[income].Num != 58138 || !c.Values[dt].Time.Equal(time.Date(2012, 9, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first contact = %s income %v customer since %v", c.ID, c.Values[income].Num, c.Values[dt].Time)
	}
}

// TestOnlineRetail ingests the UCI Online Retail line items. The hand count:
//
//	zcat shared/datasets/online_retail/OnlineRetail.csv.gz | python3 -c "
//	import csv,sys,re
//	r=csv.reader(sys.stdin); next(r); pos=set(); neg=set(); cinv=set(); n=miss=0
//	for x in r:
//	    n+=1
//	    if x[6]=='': miss+=1; continue
//	    if re.match(r'^C[0-9]+$',x[0]): cinv.add(x[0])
//	    elif float(x[3])*float(x[5])>=0: pos.add(x[0])
//	    else: neg.add(x[0])
//	print(n, miss, n-miss, len(pos), len(cinv), len(neg))"
//
// prints 541909 135080 406829 18536 3654 0: 18,536 invoices with a customer
// become orders, the 3,654 "C" invoices become returns, and no other invoice
// has negative lines.
func TestOnlineRetail(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 541,909 rows")
	}
	res, sink, rej, err := ingestFile(t, datasetPath(t, "online_retail/OnlineRetail.csv.gz"), Options{Kind: antipersona.KindOrders})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, res)
	if res.Read != 541909 || res.Loaded != 406829 || res.Rejected != 135080 || res.Duplicates != 0 {
		t.Errorf("Read %d Loaded %d Rejected %d Duplicates %d; want 541909, 406829, 135080, 0",
			res.Read, res.Loaded, res.Rejected, res.Duplicates)
	}
	all := sink.all()
	if len(all.Orders) != 18536 || len(all.Returns) != 3654 || res.Written.Inserted != 18536+3654 {
		t.Errorf("orders %d returns %d written %+v; want 18536, 3654", len(all.Orders), len(all.Returns), res.Written)
	}
	reasons := map[string]int{}
	for _, r := range readRejects(t, rej.Path()) {
		reasons[r.Reason]++
	}
	if len(reasons) != 1 || reasons["missing contact id"] != 135080 {
		t.Errorf("reject reasons = %v", reasons)
	}
	// The first order: invoice 536365 (7 lines of customer 17850 at
	// 2010-12-01 08:26, 139.12 in total by the same Python check).
	o := all.Orders[0]
	if o.OrderID != "536365" || o.ContactID != "17850" || !o.Time.Equal(time.Date(2010, 12, 1, 8, 26, 0, 0, time.UTC)) ||
		o.Line != 2 || o.Revenue < 139.119 || o.Revenue > 139.121 {
		t.Errorf("first order = %+v", o)
	}
}
