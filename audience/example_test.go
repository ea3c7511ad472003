package audience_test

import (
	"fmt"
	"os"
	"time"

	"github.com/antipersona/antipersona/audience"
)

func Example() {
	previous := []string{"c1", "c2"}
	members := map[string]audience.Member{
		"c2": {ContactID: "c2", Email: " John.Doe@Example.COM ", Phone: "601 234 567", Country: "PL", Action: "activate", ExpectedValue: 12.5},
		"c3": {ContactID: "c3", Email: "ann@example.com", Country: "PL", Action: "nurture", ExpectedValue: 3},
	}
	current := []string{"c2", "c3"}

	if term, ok := audience.SensitiveName("Zadłużeni klienci"); ok {
		fmt.Printf("not exported: name suggests financial status (%q)\n", term)
	}

	adds, removes := audience.Diff(previous, current)
	fmt.Println("adds:", adds, "removes:", removes)

	var rows []audience.Row
	for _, id := range adds {
		rows = append(rows, audience.Row{Member: members[id], Op: audience.OpAdd})
	}
	for _, id := range removes {
		rows = append(rows, audience.Row{Member: audience.Member{ContactID: id, Action: "exclude"}, Op: audience.OpRemove})
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	st, err := audience.WriteSegment(os.Stdout, "Spring win-back", at, rows)
	if err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%d events\n", st.Rows)

	st, err = audience.WriteGoogle(os.Stdout, []audience.Row{{Member: members["c2"]}})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Printf("%d rows, %d identifiers dropped\n", st.Rows, st.Dropped)
	// The messageIds were checked with
	// printf 'Spring win-back\0c3\0add\0002026-03-01T10:00:00Z' | sha256sum.

	// Output:
	// not exported: name suggests financial status ("zadluz")
	// adds: [c3] removes: [c1]
	// {"type":"track","event":"Audience Entered","userId":"c3","messageId":"b9377ee06e1a8e14744892dccef87044d25d2a2fdf1729105f43eeb28c7bb140","timestamp":"2026-03-01T10:00:00Z","properties":{"audience_name":"Spring win-back","action":"nurture","expected_value":3,"personas":[],"op":"add"}}
	// {"type":"track","event":"Audience Exited","userId":"c1","messageId":"59959ae418fbb3018fa7e4fb9b7a685b53a3d32ed9e8f28be1609fe2143561a0","timestamp":"2026-03-01T10:00:00Z","properties":{"audience_name":"Spring win-back","action":"exclude","expected_value":0,"personas":[],"op":"remove"}}
	// 2 events
	// Email,Phone,First Name,Last Name,Country,Zip
	// 836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f,1eac5678517f9e3cabbd08af68668ce50c627e40e523e621c04fdfea1fe1b95c,,,PL,
	// 1 rows, 0 identifiers dropped
}

func ExampleNormalizeEmail() {
	e := audience.NormalizeEmail(" John.Doe@Example.COM ")
	fmt.Println(e)
	fmt.Println(audience.Hash(e))
	// Output:
	// john.doe@example.com
	// 836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f
}

func ExampleNormalizePhone() {
	fmt.Println(audience.NormalizePhone("601 234 567", "PL"))
	fmt.Println(audience.NormalizePhone("+1 (650) 555-1212", "PL"))
	fmt.Printf("%q\n", audience.NormalizePhone("12", "PL"))
	// Output:
	// +48601234567
	// +16505551212
	// ""
}
