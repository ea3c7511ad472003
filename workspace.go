package antipersona

import (
	"context"
	"encoding/json"
	"io"
	"time"
)

// WorkspaceStore is everything the commands and the server need of a
// workspace's store: the embedded DuckDB store (package duckdb) and the
// PostgreSQL store (package postgres) both provide it. Each method's
// contract is stated where the DuckDB store implements it. Queries passed
// to Scan, ScanSample and Describe are written in DuckDB's SQL dialect;
// other stores translate them.
type WorkspaceStore interface {
	IngestStore
	PrivacyStore
	AuditLog
	Close() error

	// The workspace.
	Status(ctx context.Context) (Status, error)
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
	TraitStats(ctx context.Context) ([]TraitStat, error)
	IdentifyTraits(ctx context.Context, fn func(day time.Time, traits map[string]json.RawMessage) error) error
	IdentifyState(ctx context.Context) (string, error)
	SurveyState(ctx context.Context) (string, error)
	SurveyAnswers(ctx context.Context, fn func(a SurveyAnswer) error) error
	CostsAsOf(ctx context.Context, asOf time.Time, fn func(c Cost) error) error
	TouchesAsOf(ctx context.Context, asOf time.Time, fn func(t Touch) error) error
	TraitChanges(ctx context.Context, traits []Trait, from, to time.Time) ([]TraitChange, error)
	TraitsBefore(ctx context.Context, traits []string, asOf, prior time.Time, fn func(contactID string, since time.Time, vals []any) error) error
	ContactIdentifiers(ctx context.Context, fn func(id string, ids Identifiers) error) error
	ContactRow(ctx context.Context, table, contactID string) (map[string]any, []string, error)

	// Queries in DuckDB's dialect.
	Scan(ctx context.Context, query string, fn func(vals []any) error) error
	ScanSample(ctx context.Context, mod int, query string, fn func(vals []any) error) error
	Describe(ctx context.Context, query string) ([]ColumnType, error)

	// Builds and their features.
	Build(ctx context.Context, featureSQL string, asOf time.Time, configHash string, derived ...Derived) (*Build, error)
	LastBuild(ctx context.Context) (*Build, error)
	Builds(ctx context.Context) ([]Build, error)
	BuildByID(ctx context.Context, id int64) (*Build, error)
	Summary(ctx context.Context, b Build) (BuildSummary, error)
	NeedFeatures(ctx context.Context) error
	FeatureRows(ctx context.Context, fn func(row map[string]any) error) error
	ScanFeatures(ctx context.Context, cols []string, fn func(id string, vals []any) error) error
	ExportFeatures(ctx context.Context, w io.Writer, format string) error
	ExportFeaturesFile(ctx context.Context, path, format string) error
	ReplaceCLVPredictions(ctx context.Context, ps []CLVPrediction) error

	// Segments, clusters and personas of the last build.
	SegmentCounts(ctx context.Context) ([]SegmentCount, error)
	ReplaceRuleSegments(ctx context.Context, members [][2]string) error
	RuleSegmentsOf(ctx context.Context, contactID string) ([]string, error)
	ReplaceClusters(ctx context.Context, ids []string, labels []int) error
	ReplacePersonas(ctx context.Context, ps []PersonaRow) error
	Personas(ctx context.Context) ([][]byte, error)
	PersonaMembers(ctx context.Context, fn func(personaID, contactID string) error, kinds ...string) error
	ComputePersonaSignals(ctx context.Context, asOf time.Time, activeDays, window int) error
	PersonaSignals(ctx context.Context) (map[string][]PersonaSignal, error)
	Departed(ctx context.Context, activeDays int) (map[string]bool, error)
	DepartureSignals(ctx context.Context, asOf time.Time, targets []string, activeDays, window int) ([][]PersonaSignal, error)
	ExportAssignments(ctx context.Context, path, format string) error

	// Decisions and snapshots of every build.
	ReplaceDecisions(ctx context.Context, build int64, rows []ContactSnapshot) error
	Decisions(ctx context.Context, build int64, fn func(r ContactSnapshot) error) error
	Decision(ctx context.Context, build int64, contactID string) (*ContactSnapshot, error)
	Priors(ctx context.Context, build int64, fn func(p Prior) error) error
	LastDecisionBuild(ctx context.Context, before int64) (int64, error)
	SnapshotPersonas(ctx context.Context, build int64) error
	PersonaSnapshot(ctx context.Context, build int64) ([][]byte, error)

	// Audiences.
	AudienceExports(ctx context.Context) ([]AudienceExport, error)
	AudienceMembers(ctx context.Context, name string) ([]string, bool, error)
	RecordAudience(ctx context.Context, e AudienceExport, members []string) error
}
