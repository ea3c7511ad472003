package antipersona

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Role is what an API key may do. Roles are ordered: each one may do what
// the roles after it may do, except ingest, which may only send data.
type Role string

const (
	// RoleAdmin manages keys, deletes and exports contacts, reads the audit
	// log, and may do everything an analyst may.
	RoleAdmin Role = "admin"
	// RoleAnalyst starts builds, creates and exports audiences, and reads
	// everything a reader may.
	RoleAnalyst Role = "analyst"
	// RoleIngest sends events, traits and orders, and nothing else.
	RoleIngest Role = "ingest"
	// RoleReader reads contacts, personas, segments, reports and scores.
	RoleReader Role = "reader"
)

// Roles lists the roles, most powerful first.
var Roles = []Role{RoleAdmin, RoleAnalyst, RoleIngest, RoleReader}

// ValidRole reports whether r is one of Roles.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Permission is one kind of access an endpoint needs.
type Permission string

const (
	PermIngest  Permission = "ingest"  // send data
	PermRead    Permission = "read"    // read results and score
	PermAnalyse Permission = "analyse" // start builds, create and export audiences
	PermAdmin   Permission = "admin"   // keys, contact deletion and export, audit log
)

// Allows reports whether the role grants p. Admin and analyst may also
// ingest (a team's own scripts); ingest keys may not read anything.
func (r Role) Allows(p Permission) bool {
	switch r {
	case RoleAdmin:
		return true
	case RoleAnalyst:
		return p != PermAdmin
	case RoleReader:
		return p == PermRead
	case RoleIngest:
		return p == PermIngest
	}
	return false
}

// APIKey is a key of the server's API. The key itself is shown once, when
// it is created; stores keep only its SHA-256 (Hash, hex).
type APIKey struct {
	// ID is the key's public id (the characters after "ap_" up to the next
	// "_"); it names the key in lists, logs and the audit log.
	ID        string     `json:"id"`
	Workspace string     `json:"workspace"`
	Name      string     `json:"name,omitempty"`
	Role      Role       `json:"role"`
	Hash      string     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// KeyStore keeps API keys. Implementations are safe for concurrent use.
type KeyStore interface {
	// CreateKey stores k; an existing ID or Hash is an ECONFLICT error.
	CreateKey(ctx context.Context, k APIKey) error
	// KeyByHash returns the key with that hash, revoked or not; an unknown
	// hash is an ENOTFOUND error.
	KeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// RevokeKey marks the key revoked at at; revoking twice keeps the
	// first time. An unknown id is an ENOTFOUND error.
	RevokeKey(ctx context.Context, id string, at time.Time) error
	// Keys lists the keys of a workspace ("" for every workspace), oldest
	// first.
	Keys(ctx context.Context, workspace string) ([]APIKey, error)
}

// AuditEntry records who changed or exported what. It never holds personal
// data beyond the contact id the action was about (the target).
type AuditEntry struct {
	Time      time.Time `json:"time"`
	Workspace string    `json:"workspace"`
	KeyID     string    `json:"key_id"` // "cli" for commands run on the machine
	Role      Role      `json:"role,omitempty"`
	Action    string    `json:"action"` // e.g. "contact.delete", "audience.export", "build.start", "key.create"
	Target    string    `json:"target,omitempty"`
	Status    int       `json:"status"` // the HTTP status of the answer (0 for the command line)
	Detail    string    `json:"detail,omitempty"`
}

// AuditLog is the append-only log of actions on a workspace.
type AuditLog interface {
	AppendAudit(ctx context.Context, e AuditEntry) error
	// AuditEntries returns the newest limit entries (all when limit <= 0),
	// newest first.
	AuditEntries(ctx context.Context, limit int) ([]AuditEntry, error)
}

// PrivacyStore deletes and exports everything a store holds on one
// contact (the right to be forgotten and the right of access).
type PrivacyStore interface {
	// ForgetContact deletes every row held on the contact in every table:
	// its trait versions, identities, events (also anonymous events linked
	// to it by an identity), orders, returns, costs, touches, survey
	// answers, decisions, audience memberships and the rows of every table
	// a build derived. It records the id (as its SHA-256, never in clear)
	// so that later writes of rows of that contact are refused (counted in
	// WriteResult.Refused) until Reconsent. Forgetting an unknown id still
	// records it. The result counts the deleted rows by table.
	ForgetContact(ctx context.Context, id string, at time.Time) (ForgetResult, error)
	// Reconsent lifts the refusal of a forgotten id; an id that is not
	// forgotten is an ENOTFOUND error.
	Reconsent(ctx context.Context, id string) error
	// Forgotten reports whether the id is forgotten and since when.
	Forgotten(ctx context.Context, id string) (bool, time.Time, error)
	// ContactData returns every row held on the contact, by table (the
	// same rows ForgetContact would delete). An id with no row gives an
	// empty map, not an error.
	ContactData(ctx context.Context, id string) (map[string][]map[string]any, error)
}

// ForgetResult counts what ForgetContact deleted.
type ForgetResult struct {
	ContactID string           `json:"contact_id"`
	At        time.Time        `json:"forgotten_at"`
	Deleted   map[string]int64 `json:"deleted"` // rows by table; tables without a row are left out
}

// Rows is the number of rows deleted in all tables.
func (r ForgetResult) Rows() int64 {
	var n int64
	for _, k := range r.Deleted {
		n += k
	}
	return n
}

// ForgottenHash is how stores record a forgotten contact id: the hex
// SHA-256 of the id as ingested.
func ForgottenHash(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// ValidWorkspaceName reports whether name may name a workspace (a tenant
// of the server, a PostgreSQL schema): 1 to 40 lower-case ASCII letters,
// digits and underscores.
func ValidWorkspaceName(name string) bool {
	if len(name) == 0 || len(name) > 40 {
		return false
	}
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
