# antipersona — common tasks. `make test` is the README's test command.
GO ?= go
PKGS := ./...

.PHONY: build test demo bench load fuzz docs clean

build:
	$(GO) build -o bin/antipersona ./cmd/antipersona

test:
	$(GO) test -count=1 $(PKGS)

demo:
	$(GO) run ./cmd/antipersona demo --out antipersona-demo

# Benchmarks: see BENCHMARKS.md for the figures and the large-scale runs.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./ingest/ ./generate/ ./duckdb/ ./features/ ./subgroup/ ./cluster/ ./clv/ ./propensity/ ./decide/ ./budget/ ./cmd/antipersona/ ./postgres/

# The team server's load test at the size BENCHMARKS.md reports.
load:
	$(GO) test -count=1 -v -run TestIngestUnderLoad ./cmd/antipersona/ -args -load.seconds 30 -score.seconds 10

# Run each fuzz target briefly.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzCSV -fuzztime 30s ./ingest/
	$(GO) test -run '^$$' -fuzz FuzzJSONLContacts -fuzztime 30s ./ingest/
	$(GO) test -run '^$$' -fuzz FuzzJSONLEvents -fuzztime 30s ./ingest/
	$(GO) test -run '^$$' -fuzz FuzzParseSegment -fuzztime 30s ./ingest/
	$(GO) test -run '^$$' -fuzz FuzzIdent -fuzztime 30s ./ingest/
	$(GO) test -run '^$$' -fuzz FuzzValidJSON -fuzztime 30s ./ingest/
	$(GO) test -run '^$$' -fuzz FuzzAppendCSV -fuzztime 30s ./generate/
	$(GO) test -run '^$$' -fuzz FuzzSpoolString -fuzztime 30s ./duckdb/
	$(GO) test -run '^$$' -fuzz FuzzSegment -fuzztime 30s ./http/
	$(GO) test -run '^$$' -fuzz FuzzJSONBodies -fuzztime 30s ./http/

docs:
	$(GO) generate ./features ./ingest ./segments ./persona ./decide

clean:
	rm -rf bin antipersona-demo
