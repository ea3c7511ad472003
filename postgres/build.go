package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/antipersona/antipersona"
)

// duckDBPath is the search_path under which the DuckDB dialect runs: the
// workspace's schema before pg_catalog, so that compat.sql's overrides of
// built-ins ("/" of integers, avg of integers, ...) take effect.
func (s *Store) duckDBPath() string { return quoteIdent(s.schema) + ", pg_catalog" }

// duckDBTx prepares tx for a query in DuckDB's dialect: it sets the
// dialect's search_path for the transaction and returns the query
// rewritten for PostgreSQL (see dialect.go).
func (s *Store) duckDBTx(ctx context.Context, tx pgx.Tx, query string) (string, error) {
	if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+s.duckDBPath()); err != nil {
		return "", err
	}
	return rewriteDuckDB(ctx, query, func(ctx context.Context, q string) ([]string, error) {
		// A query that does not parse must not abort the transaction:
		// the rewrite may try another.
		if _, err := tx.Exec(ctx, "SAVEPOINT _antipersona_describe"); err != nil {
			return nil, err
		}
		sd, err := tx.Conn().PgConn().Prepare(ctx, "", q, nil)
		if err != nil {
			if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT _antipersona_describe"); rerr != nil {
				return nil, rerr
			}
			return nil, err
		}
		if _, err := tx.Exec(ctx, "RELEASE SAVEPOINT _antipersona_describe"); err != nil {
			return nil, err
		}
		names := make([]string, len(sd.Fields))
		for i, f := range sd.Fields {
			names[i] = f.Name
		}
		return names, nil
	})
}

// Build replaces the features table with the result of featureSQL (one row
// per contact, in DuckDB's dialect: the text features.SQL produces) and
// records the build, in one transaction: a crash or an error leaves the
// previous build in place. Derived tables are computed from the features
// after them, in the same transaction, in order; every table the build
// makes that has a contact_id column is indexed on it (ForgetContact
// deletes from it).
//
// Builds of a workspace are serialised across processes: Build returns an
// ECONFLICT error while another build of the workspace runs. Build ids are
// 1, 2, ... in order.
func (s *Store) Build(ctx context.Context, featureSQL string, asOf time.Time, configHash string, derived ...antipersona.Derived) (*antipersona.Build, error) {
	// Times are stored to the microsecond; the returned build is the
	// stored one.
	started := s.now().UTC().Truncate(time.Microsecond)
	y, m, d := asOf.UTC().Date() // stored as a date
	b := &antipersona.Build{AsOf: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), StartedAt: started, ConfigHash: configHash}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var free bool
		if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock($1)", s.lockKey("build")).Scan(&free); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if !free {
			return antipersona.Errorf(antipersona.ECONFLICT, "a build of workspace %s is running; wait for it to finish", s.workspace)
		}
		tables := append([]antipersona.Derived{{Name: "features", SQL: featureSQL}}, derived...)
		for _, d := range tables {
			q, err := s.duckDBTx(ctx, tx, d.SQL)
			if err != nil {
				return fmt.Errorf("compute %s: %w", d.Name, err)
			}
			name := quoteIdent(d.Name)
			if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
				return fmt.Errorf("compute %s: %w", d.Name, err)
			}
			if _, err := tx.Exec(ctx, "CREATE TABLE "+name+" AS "+q, pgx.QueryExecModeExec); err != nil {
				return fmt.Errorf("compute %s: %w", d.Name, err)
			}
			var hasContact bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns
				WHERE table_schema = $1 AND table_name = $2 AND column_name = 'contact_id')`, s.schema, d.Name).Scan(&hasContact); err != nil {
				return fmt.Errorf("compute %s: %w", d.Name, err)
			}
			if hasContact {
				if _, err := tx.Exec(ctx, "CREATE INDEX ON "+name+" (contact_id)"); err != nil {
					return fmt.Errorf("index %s: %w", d.Name, err)
				}
			}
		}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM features").Scan(&b.Contacts); err != nil {
			return fmt.Errorf("count features: %w", err)
		}
		if err := tx.QueryRow(ctx, "SELECT COALESCE(max(id), 0) + 1 FROM builds").Scan(&b.ID); err != nil {
			return fmt.Errorf("number build: %w", err)
		}
		b.FinishedAt = s.now().UTC().Truncate(time.Microsecond)
		if _, err := tx.Exec(ctx, "INSERT INTO builds VALUES ($1, $2, $3, $4, $5, $6)",
			b.ID, b.AsOf.Format(time.DateOnly), b.StartedAt, b.FinishedAt, b.Contacts, b.ConfigHash); err != nil {
			return fmt.Errorf("record build: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	s.logger.Info("built features", "workspace", s.workspace, "build", b.ID, "contacts", b.Contacts,
		"took", b.FinishedAt.Sub(b.StartedAt))
	return b, nil
}

// Scan runs query, in DuckDB's dialect (see Build), in a read-only
// transaction and calls fn with each row's values (nil for NULL), of the
// Go types the DuckDB store gives: string, float64, float32, int64, int32,
// int16, bool, time.Time (UTC; dates at midnight), []any for lists.
// PostgreSQL's numeric (sum of integers, ...) is given as float64.
func (s *Store) Scan(ctx context.Context, query string, fn func(vals []any) error) error {
	opts := pgx.TxOptions{AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error {
		return s.scanTx(ctx, tx, query, func(_ []string, vals []any) error { return fn(vals) })
	})
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	return nil
}

// scanTx runs query, in DuckDB's dialect, within tx, calling fn with the
// column names and each row's values (converted by duckValue).
func (s *Store) scanTx(ctx context.Context, tx pgx.Tx, query string, fn func(cols []string, vals []any) error) error {
	q, err := s.duckDBTx(ctx, tx, query)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, q, pgx.QueryExecModeDescribeExec)
	if err != nil {
		return err
	}
	defer rows.Close()
	fds := rows.FieldDescriptions()
	cols := make([]string, len(fds))
	for i, f := range fds {
		cols[i] = f.Name
	}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		for i, v := range vals {
			vals[i] = duckValue(v)
		}
		if err := fn(cols, vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// duckValue converts a value as pgx decodes it to the Go type the DuckDB
// store gives for the same column type.
func duckValue(v any) any {
	switch x := v.(type) {
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return nil
		}
		return f.Float64
	case time.Time:
		return x.UTC()
	case []any:
		for i, e := range x {
			x[i] = duckValue(e)
		}
		return x
	case pgtype.InfinityModifier:
		return nil
	}
	return v
}

// Describe returns the columns of query, in DuckDB's dialect, without
// running it, with DuckDB's names of their types (DOUBLE, BIGINT, INTEGER,
// VARCHAR, BOOLEAN, TIMESTAMP, DATE, VARCHAR[], ...; see duckTypeName).
func (s *Store) Describe(ctx context.Context, query string) ([]antipersona.ColumnType, error) {
	var out []antipersona.ColumnType
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		q, err := s.duckDBTx(ctx, tx, query)
		if err != nil {
			return err
		}
		sd, err := tx.Conn().PgConn().Prepare(ctx, "", q, nil)
		if err != nil {
			return err
		}
		for _, f := range sd.Fields {
			out = append(out, antipersona.ColumnType{Name: f.Name, Type: duckTypeName(f.DataTypeOID)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	return out, nil
}

// duckTypeNames are DuckDB's names of PostgreSQL's types, by OID.
var duckTypeNames = map[uint32]string{
	pgtype.BoolOID: "BOOLEAN", pgtype.Int2OID: "SMALLINT", pgtype.Int4OID: "INTEGER", pgtype.Int8OID: "BIGINT",
	pgtype.Float4OID: "FLOAT", pgtype.Float8OID: "DOUBLE", pgtype.NumericOID: "DOUBLE",
	pgtype.TextOID: "VARCHAR", pgtype.VarcharOID: "VARCHAR", pgtype.BPCharOID: "VARCHAR", pgtype.NameOID: "VARCHAR",
	pgtype.UnknownOID: "VARCHAR", pgtype.TimestampOID: "TIMESTAMP", pgtype.TimestamptzOID: "TIMESTAMP WITH TIME ZONE",
	pgtype.DateOID: "DATE", pgtype.TimeOID: "TIME", pgtype.IntervalOID: "INTERVAL", pgtype.JSONOID: "JSON",
	pgtype.JSONBOID: "JSON", pgtype.UUIDOID: "UUID", pgtype.ByteaOID: "BLOB",
	pgtype.BoolArrayOID: "BOOLEAN[]", pgtype.Int2ArrayOID: "SMALLINT[]", pgtype.Int4ArrayOID: "INTEGER[]",
	pgtype.Int8ArrayOID: "BIGINT[]", pgtype.Float4ArrayOID: "FLOAT[]", pgtype.Float8ArrayOID: "DOUBLE[]",
	pgtype.NumericArrayOID: "DOUBLE[]", pgtype.TextArrayOID: "VARCHAR[]", pgtype.VarcharArrayOID: "VARCHAR[]",
	pgtype.BPCharArrayOID: "VARCHAR[]", pgtype.TimestampArrayOID: "TIMESTAMP[]", pgtype.DateArrayOID: "DATE[]",
	pgtype.TimestamptzArrayOID: "TIMESTAMP WITH TIME ZONE[]",
}

// duckTypeName returns DuckDB's name of the type with oid ("UNKNOWN" for
// one DuckDB has no name for).
func duckTypeName(oid uint32) string {
	if n, ok := duckTypeNames[oid]; ok {
		return n
	}
	return "UNKNOWN"
}
