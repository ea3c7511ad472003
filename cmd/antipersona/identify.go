package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/ingest"
)

// applyIdentifyTraits stores the traits that identify calls carried as
// contact versions valid from the day of the call, through the contacts
// reader (so types, identifiers and dimensions follow the same rules as a
// contacts file): a JSON Lines file with one line per contact and day, its
// traits merged in call order, read with its valid_from. It is idempotent:
// versions already stored count as duplicates. Rejected lines go to
// rejects/identify_traits-<time>.csv, and the JSON Lines file they refer to
// is then kept beside it.
//
// When the stored identify calls are the same as at the last application
// (meta identify_applied), there is nothing new and it returns at once; the
// mark is written only after a successful application, so an ingest killed
// before it applies them again next time.
func (m *Main) applyIdentifyTraits(ctx context.Context, cfg config.Config, s *duckdb.Store) (fileReport, error) {
	rep := fileReport{File: "identify traits", Kind: string(antipersona.KindContacts)}
	state, err := s.IdentifyState(ctx)
	if err != nil {
		return rep, err
	}
	if applied, err := s.Meta(ctx, "identify_applied"); err != nil || applied == state {
		return rep, err
	}
	rep, err = m.applyIdentifyTraitsNow(ctx, cfg, s)
	if err == nil {
		err = s.SetMeta(ctx, "identify_applied", state)
	}
	return rep, err
}

func (m *Main) applyIdentifyTraitsNow(ctx context.Context, cfg config.Config, s *duckdb.Store) (fileReport, error) {
	rep := fileReport{File: "identify traits", Kind: string(antipersona.KindContacts)}
	rejDir := filepath.Join(m.workspaceDir(), "rejects")
	tmp, err := os.MkdirTemp(m.workspaceDir(), ".identify-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "identify_traits-"+m.Now().UTC().Format("20060102T150405Z")+".jsonl")
	f, err := os.Create(path)
	if err != nil {
		return rep, err
	}
	w := bufio.NewWriter(f)
	lines, t0 := 0, time.Now()
	err = s.IdentifyTraits(ctx, func(day time.Time, traits map[string]json.RawMessage) error {
		n, err := writeTraitLines(w, day, traits)
		lines += n
		return err
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil || lines == 0 {
		return rep, err
	}
	m.logger.Debug("identify traits read", "lines", lines, "took", time.Since(t0))
	known, err := s.Traits(ctx)
	if err != nil {
		return rep, err
	}
	opts, err := ingestOptions(cfg, antipersona.KindContacts, ingestFlags{format: "jsonl"}, known)
	if err != nil {
		return rep, err
	}
	opts.IDColumn = "contact_id"
	opts.OutcomeColumn = ""
	opts.Columns["valid_from"] = "valid_from"
	opts.SampleRows = lines // every line: calls bring different keys
	rej := ingest.NewRejectWriter(rejDir, "identify_traits", m.Now())
	defer rej.Close()
	res, err := ingest.File(ctx, path, opts, loggingSink{s, m, "identify traits"}, rej)
	rep.Read, rep.Loaded, rep.Rejected, rep.Duplicates = res.Read, res.Loaded, res.Rejected, res.Duplicates
	if err != nil {
		return rep, fmt.Errorf("identify traits: %w", err)
	}
	if err := rej.Flush(); err != nil {
		return rep, err
	}
	if rej.Count() > 0 {
		// Keep the file so that the rejects' line numbers can be read.
		if err := os.Rename(path, filepath.Join(rejDir, filepath.Base(path))); err != nil {
			return rep, err
		}
	}
	rep.RejectsFile = rej.Path()
	return rep, nil
}

// writeTraitLines writes one JSON object per contact of day, sorted by id:
// its traits, its id under contact_id and the day under valid_from. It
// returns the number of lines.
func writeTraitLines(w *bufio.Writer, day time.Time, traits map[string]json.RawMessage) (int, error) {
	ids := make([]string, 0, len(traits))
	for id := range traits {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	dayJSON, _ := json.Marshal(day.Format(time.DateOnly))
	for _, id := range ids {
		var kv map[string]json.RawMessage
		if err := json.Unmarshal(traits[id], &kv); err != nil {
			return 0, err
		}
		idJSON, err := json.Marshal(id)
		if err != nil {
			return 0, err
		}
		kv["contact_id"], kv["valid_from"] = idJSON, dayJSON
		line, err := json.Marshal(kv)
		if err != nil {
			return 0, err
		}
		w.Write(line)
		w.WriteByte('\n')
	}
	return len(ids), nil
}
