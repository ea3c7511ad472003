package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/config"
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
func (m *Main) applyIdentifyTraits(ctx context.Context, cfg config.Config, s store) (fileReport, error) {
	return m.applyOnChange(ctx, s, "identify traits", "identify_applied", s.IdentifyState,
		func() (fileReport, error) { return m.applyIdentifyTraitsNow(ctx, cfg, s) })
}

// applyOnChange runs apply when state differs from the mark stored under
// metaKey at the last successful application, then stores the new mark.
func (m *Main) applyOnChange(ctx context.Context, s store, name, metaKey string, state func(context.Context) (string, error),
	apply func() (fileReport, error)) (fileReport, error) {
	rep := fileReport{File: name, Kind: string(antipersona.KindContacts)}
	now, err := state(ctx)
	if err != nil {
		return rep, err
	}
	if applied, err := s.Meta(ctx, metaKey); err != nil || applied == now {
		return rep, err
	}
	rep, err = apply()
	if err == nil {
		err = s.SetMeta(ctx, metaKey, now)
	}
	return rep, err
}

func (m *Main) applyIdentifyTraitsNow(ctx context.Context, cfg config.Config, s store) (fileReport, error) {
	return m.applyTraitVersions(ctx, cfg, s, "identify_traits", s.IdentifyTraits)
}

// applyTraitVersions stores the traits that source gives, per day and
// contact (a JSON object of traits), as contact versions valid from that
// day, through the contacts reader; name names the report and the rejects
// file (rejects/<name>-<time>.csv).
func (m *Main) applyTraitVersions(ctx context.Context, cfg config.Config, s store, name string,
	source func(ctx context.Context, fn func(day time.Time, traits map[string]json.RawMessage) error) error) (fileReport, error) {
	rep := fileReport{File: strings.ReplaceAll(name, "_", " "), Kind: string(antipersona.KindContacts)}
	rejDir := filepath.Join(m.workspaceDir(), "rejects")
	tmp, err := os.MkdirTemp(m.workspaceDir(), "."+name+"-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, name+"-"+m.Now().UTC().Format("20060102T150405Z")+".jsonl")
	f, err := os.Create(path)
	if err != nil {
		return rep, err
	}
	w := bufio.NewWriter(f)
	lines, t0 := 0, time.Now()
	err = source(ctx, func(day time.Time, traits map[string]json.RawMessage) error {
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
	m.logger.Debug("trait versions read", "source", name, "lines", lines, "took", time.Since(t0))
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
	rej := ingest.NewRejectWriter(rejDir, antipersona.Kind(name), m.Now())
	defer rej.Close()
	res, err := ingest.File(ctx, path, opts, loggingSink{s, m, rep.File}, rej)
	rep.Read, rep.Loaded, rep.Rejected, rep.Duplicates = res.Read, res.Loaded, res.Rejected, res.Duplicates
	if err != nil {
		return rep, fmt.Errorf("%s: %w", rep.File, err)
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

// applySurveyTraits stores the answers to the structured survey questions
// (see loadSurveys: fewer than three words an answer on average) as
// contact traits named survey_<question id>, each a contact version valid
// from the day of the answer; numbers stay numbers. Like the identify
// traits it runs only when the stored answers changed (meta
// survey_traits_applied).
func (m *Main) applySurveyTraits(ctx context.Context, cfg config.Config, s store) (fileReport, error) {
	return m.applyOnChange(ctx, s, "survey traits", "survey_traits_applied", s.SurveyState,
		func() (fileReport, error) { return m.applyTraitVersions(ctx, cfg, s, "survey_traits", surveyTraits(s)) })
}

// surveyTraits is the source of the survey traits: per day and contact,
// the structured answers given that day.
func surveyTraits(s store) func(ctx context.Context, fn func(day time.Time, traits map[string]json.RawMessage) error) error {
	return func(ctx context.Context, fn func(day time.Time, traits map[string]json.RawMessage) error) error {
		all, open, err := readSurveys(ctx, s)
		if err != nil {
			return err
		}
		byDay := map[time.Time]map[string]map[string]any{}
		for _, x := range all {
			if open[x.QuestionID] || x.Time.IsZero() {
				continue // text, not a trait; or no day to be valid from
			}
			day := x.Time.Truncate(24 * time.Hour)
			if byDay[day] == nil {
				byDay[day] = map[string]map[string]any{}
			}
			if byDay[day][x.ContactID] == nil {
				byDay[day][x.ContactID] = map[string]any{}
			}
			var v any = x.Answer
			if f, err := strconv.ParseFloat(x.Answer, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
				v = f
			}
			byDay[day][x.ContactID]["survey_"+x.QuestionID] = v
		}
		days := make([]time.Time, 0, len(byDay))
		for d := range byDay {
			days = append(days, d)
		}
		slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
		for _, d := range days {
			traits := map[string]json.RawMessage{}
			for c, kv := range byDay[d] {
				js, err := json.Marshal(kv)
				if err != nil {
					return err
				}
				traits[c] = js
			}
			if err := fn(d, traits); err != nil {
				return err
			}
		}
		return nil
	}
}
