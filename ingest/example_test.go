package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/ingest"
)

func ExampleIdent() {
	for _, name := range []string{"What is your current occupation", "Płeć", "Thu nhập", "TotalVisits", "ასაკი", "2nd choice"} {
		fmt.Println(ingest.Ident(name))
	}
	// Output:
	// what_is_your_current_occupation
	// plec
	// thu_nhap
	// total_visits
	// asaki
	// c_2nd_choice
}

// printSink prints what it receives.
type printSink struct{}

func (printSink) WriteBatch(_ context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	for _, c := range b.Contacts {
		fmt.Printf("contact %s (line %d): %d traits\n", c.ID, c.Line, len(c.Values))
	}
	return antipersona.WriteResult{Inserted: int64(b.Len())}, nil
}

func ExampleFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "contacts.csv")
	os.WriteFile(path, []byte("id;Age;City\n1;34;Kraków\n;41;Hanoi\n3;;Tbilisi\n"), 0o644)

	rej := ingest.NewRejectWriter(filepath.Join(dir, "rejects"), antipersona.KindContacts, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	res, err := ingest.File(context.Background(), path, ingest.Options{Kind: antipersona.KindContacts}, printSink{}, rej)
	rej.Close()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("read %d, loaded %d, rejected %d into %s\n", res.Read, res.Loaded, res.Rejected, filepath.Base(rej.Path()))
	for _, t := range res.Traits {
		fmt.Printf("%s: %s, %s\n", t.Ident, t.Type, t.Dimension)
	}
	// Output:
	// contact 1 (line 2): 2 traits
	// contact 3 (line 4): 2 traits
	// read 3, loaded 2, rejected 1 into contacts-20250102T030405Z.csv
	// age: number, demographic
	// city: category, geographic
}
