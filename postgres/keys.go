package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/antipersona/antipersona"
)

// KeySchema is the shared schema that holds the API keys of every
// workspace of a database.
const KeySchema = "antipersona"

// keyTable is the table of the keys.
const keyTable = KeySchema + ".api_keys"

const keysSQL = `CREATE SCHEMA IF NOT EXISTS ` + KeySchema + `;
CREATE TABLE IF NOT EXISTS ` + keyTable + ` (
    id         text COLLATE "C" PRIMARY KEY,
    workspace  text COLLATE "C" NOT NULL,
    name       text,
    role       text NOT NULL,
    hash       text COLLATE "C" NOT NULL UNIQUE,
    created_at timestamp NOT NULL,
    revoked_at timestamp
);
CREATE INDEX IF NOT EXISTS api_keys_workspace ON ` + keyTable + ` (workspace, created_at);`

// KeyStore keeps the API keys of every workspace of a database in the
// table antipersona.api_keys (a key names its workspace, so the keys are
// not in the workspaces' schemas). It is safe for concurrent use, also by
// several processes. It has its own connection pool: a server opens one
// KeyStore beside the Stores of its workspaces.
type KeyStore struct {
	pool *pgxpool.Pool
}

var _ antipersona.KeyStore = (*KeyStore)(nil)

// OpenKeys connects to the database at dsn and creates the key table when
// missing.
func OpenKeys(ctx context.Context, dsn string) (*KeyStore, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, antipersona.Errorf(antipersona.EINVALID, "bad PostgreSQL connection string: %v", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Two processes creating the table at once would collide.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('"+keyTable+"', 0))"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, keysSQL, pgx.QueryExecModeSimpleProtocol)
		return err
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("create key table: %w", err)
	}
	return &KeyStore{pool: pool}, nil
}

// Close closes the key store's connections.
func (k *KeyStore) Close() { k.pool.Close() }

// CreateKey implements antipersona.KeyStore.
func (k *KeyStore) CreateKey(ctx context.Context, key antipersona.APIKey) error {
	var revoked any
	if key.RevokedAt != nil {
		revoked = key.RevokedAt.UTC()
	}
	_, err := k.pool.Exec(ctx, "INSERT INTO "+keyTable+` (id, workspace, name, role, hash, created_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		key.ID, key.Workspace, nullStr(key.Name), string(key.Role), key.Hash, key.CreatedAt.UTC(), revoked)
	if isUniqueViolation(err) {
		return antipersona.Errorf(antipersona.ECONFLICT, "a key with id %s or the same hash exists", key.ID)
	}
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	return nil
}

const keyCols = "id, workspace, name, role, hash, created_at, revoked_at"

func scanKey(r pgx.CollectableRow) (antipersona.APIKey, error) {
	var key antipersona.APIKey
	var name *string
	var role string
	err := r.Scan(&key.ID, &key.Workspace, &name, &role, &key.Hash, &key.CreatedAt, &key.RevokedAt)
	key.Name, key.Role, key.CreatedAt = deref(name), antipersona.Role(role), key.CreatedAt.UTC()
	if key.RevokedAt != nil {
		t := key.RevokedAt.UTC()
		key.RevokedAt = &t
	}
	return key, err
}

// KeyByHash implements antipersona.KeyStore.
func (k *KeyStore) KeyByHash(ctx context.Context, hash string) (*antipersona.APIKey, error) {
	rows, _ := k.pool.Query(ctx, "SELECT "+keyCols+" FROM "+keyTable+" WHERE hash = $1", hash)
	key, err := pgx.CollectExactlyOneRow(rows, scanKey)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, antipersona.Errorf(antipersona.ENOTFOUND, "unknown API key")
	}
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	return &key, nil
}

// RevokeKey implements antipersona.KeyStore.
func (k *KeyStore) RevokeKey(ctx context.Context, id string, at time.Time) error {
	tag, err := k.pool.Exec(ctx, "UPDATE "+keyTable+" SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1", id, at.UTC())
	if err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return antipersona.Errorf(antipersona.ENOTFOUND, "no API key with id %s", id)
	}
	return nil
}

// Keys implements antipersona.KeyStore; keys created at the same time are
// ordered by id.
func (k *KeyStore) Keys(ctx context.Context, workspace string) ([]antipersona.APIKey, error) {
	rows, _ := k.pool.Query(ctx, "SELECT "+keyCols+" FROM "+keyTable+" WHERE $1 = '' OR workspace = $1 ORDER BY created_at, id", workspace)
	keys, err := pgx.CollectRows(rows, scanKey)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return keys, nil
}
