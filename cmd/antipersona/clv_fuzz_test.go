package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/antipersona/antipersona/ingest"
)

// FuzzCLVFiles feeds arbitrary bytes to the readers of clv's summary and
// transaction files: they must never panic, report only their own errors,
// and hand the models only customers that satisfy the BTYD rules (whole
// x ≥ 0, 0 ≤ t_x ≤ T, t_x = 0 without repeat purchases).
func FuzzCLVFiles(f *testing.F) {
	f.Add([]byte("ID,frequency,recency,T\n1,2,30.43,38.86\n2,x,1,38\n"))
	f.Add([]byte("ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n3,\"1,0,38\n"))
	f.Add([]byte(" 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n"))
	f.Add([]byte("customer;day;amount\na;2024-01-01;10\nb;not a date;3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		check := func(in clvInput) {
			s := in.summary
			for i := range s.Len() {
				x, tx, T := s.X[i], s.Tx[i], s.T[i]
				if x < 0 || x != math.Trunc(x) || tx < 0 || tx > T || x == 0 && tx != 0 || math.IsNaN(T) {
					t.Fatalf("customer %d: x %v t_x %v T %v", i, x, tx, T)
				}
			}
		}
		rej := ingest.NewRejectWriter(filepath.Join(dir, "rejects"), "clv", time.Unix(0, 0))
		if in, err := readSummaryFile(path, rej); err == nil {
			check(in)
		}
		rej.Close()
		rej = ingest.NewRejectWriter(filepath.Join(dir, "rejects"), "clv", time.Unix(1, 0))
		for _, header := range []bool{true, false} {
			f := clvFlags{transactions: path, idCol: "1", dateCol: "2", valueCol: "3", calibrationEnd: "2030-01-01", unit: "day", noHeader: !header}
			if in, err := readTransactionsFile(f, rej); err == nil {
				check(in)
			}
		}
		rej.Close()
	})
}
