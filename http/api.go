package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/apikey"
)

// answer writes a handler's result, or returns its error.
func answer(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// decodeJSON reads a JSON object of the request into v, refusing unknown
// fields and trailing data.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return antipersona.Errorf(antipersona.ETOOLARGE, "request body larger than %d bytes", tooBig.Limit)
		case errors.Is(err, io.EOF):
			return antipersona.Errorf(antipersona.EINVALID, "the request body is empty; send a JSON object")
		}
		return antipersona.Errorf(antipersona.EINVALID, "the request body is not the JSON object expected: %s", jsonProblem(nil, err))
	}
	if dec.More() {
		return antipersona.Errorf(antipersona.EINVALID, "the request body has data after its JSON object")
	}
	return nil
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.Contact(r.Context(), r.PathValue("id"))
	return answer(w, v, err)
}

// deleteContact forgets the contact in the workspace's store.
func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := s.forget(r, c, r.PathValue("id"))
	return answer(w, res, err)
}

// forget forgets contact id in the call's workspace and notes the contact
// and the rows deleted for the audit log.
func (s *Server) forget(r *http.Request, c *call, id string) (antipersona.ForgetResult, error) {
	c.target = id
	res, err := c.ws.ForgetContact(r.Context(), id, s.now())
	if err != nil {
		return res, err
	}
	c.detail = strconv.FormatInt(res.Rows(), 10) + " rows deleted"
	return res, nil
}

// ContactExport is everything held on one contact.
type ContactExport struct {
	ContactID string                      `json:"contact_id"`
	Forgotten bool                        `json:"forgotten"`
	Tables    map[string][]map[string]any `json:"tables"`
}

func (s *Server) exportContact(w http.ResponseWriter, r *http.Request, c *call) error {
	id := r.PathValue("id")
	c.target = id
	data, err := c.ws.ContactData(r.Context(), id)
	if err != nil {
		return err
	}
	forgotten, _, err := c.ws.Forgotten(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return answer(w, ContactExport{ContactID: id, Forgotten: forgotten, Tables: data}, nil)
}

func (s *Server) consentContact(w http.ResponseWriter, r *http.Request, c *call) error {
	id := r.PathValue("id")
	c.target = id
	if err := c.ws.Reconsent(r.Context(), id); err != nil {
		return err
	}
	return answer(w, map[string]any{"contact_id": id, "forgotten": false}, nil)
}

func (s *Server) getPersonas(negative bool) func(w http.ResponseWriter, r *http.Request, c *call) error {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		v, err := c.ws.Personas(r.Context(), negative)
		return answer(w, v, err)
	}
}

func (s *Server) getPersona(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.Persona(r.Context(), r.PathValue("id"))
	return answer(w, v, err)
}

func (s *Server) getSegments(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.Segments(r.Context())
	return answer(w, v, err)
}

func (s *Server) getPersonaAudit(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.PersonaAudit(r.Context())
	return answer(w, v, err)
}

func (s *Server) getWorksheet(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.Worksheet(r.Context())
	return answer(w, v, err)
}

func (s *Server) getDecisions(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.Decisions(r.Context())
	return answer(w, v, err)
}

func (s *Server) getBudget(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.Budget(r.Context())
	return answer(w, v, err)
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, antipersona.Errorf(antipersona.EINVALID, "query parameter %s=%q is not a whole number >= 0", name, v)
	}
	return n, nil
}

func (s *Server) getChanges(w http.ResponseWriter, r *http.Request, c *call) error {
	since, err := queryInt(r, "since")
	if err != nil {
		return err
	}
	to, err := queryInt(r, "to")
	if err != nil {
		return err
	}
	v, err := c.ws.Changes(r.Context(), since, to)
	return answer(w, v, err)
}

func (s *Server) score(w http.ResponseWriter, r *http.Request, c *call) error {
	var fields map[string]any
	if err := decodeJSON(r, &fields); err != nil {
		return err
	}
	if fields == nil {
		return antipersona.Errorf(antipersona.EINVALID, "send the contact as a JSON object of traits and features")
	}
	v, err := c.ws.Score(r.Context(), fields)
	return answer(w, v, err)
}

func (s *Server) getAudiences(w http.ResponseWriter, r *http.Request, c *call) error {
	v, err := c.ws.Audiences(r.Context())
	return answer(w, v, err)
}

func (s *Server) createAudience(w http.ResponseWriter, r *http.Request, c *call) error {
	var spec AudienceSpec
	if err := decodeJSON(r, &spec); err != nil {
		return err
	}
	if spec.Name == "" {
		return antipersona.Errorf(antipersona.EINVALID, "name is required")
	}
	c.target = spec.Name
	v, err := c.ws.ExportAudience(r.Context(), spec)
	return answer(w, v, err)
}

func (s *Server) exportAudience(w http.ResponseWriter, r *http.Request, c *call) error {
	c.target = r.PathValue("name")
	v, err := c.ws.ExportAudience(r.Context(), AudienceSpec{Name: c.target})
	return answer(w, v, err)
}

func (s *Server) downloadAudience(w http.ResponseWriter, r *http.Request, c *call) error {
	c.target = r.PathValue("name")
	var removals bool
	switch part := r.URL.Query().Get("part"); part {
	case "":
	case "removals":
		removals = true
	default:
		return antipersona.Errorf(antipersona.EINVALID, "part=%q: use removals, or leave it out for the export itself", part)
	}
	return serveAudience(w, r, c.ws, c.target, removals)
}

// serveAudience sends the file of the audience's last export (or its
// removals) as a download.
func serveAudience(w http.ResponseWriter, r *http.Request, ws *workspace, name string, removals bool) error {
	d, err := ws.AudienceFile(r.Context(), name, removals)
	if err != nil {
		return err
	}
	f, err := d.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	http.ServeContent(w, r, d.Name, d.ModTime, f)
	return nil
}

// KeyRequest creates an API key.
type KeyRequest struct {
	Role antipersona.Role `json:"role"`
	Name string           `json:"name,omitempty"`
}

// KeyCreated answers a key's creation: the key is shown this once.
type KeyCreated struct {
	antipersona.APIKey
	Key string `json:"key"`
}

func (s *Server) getKeys(w http.ResponseWriter, r *http.Request, c *call) error {
	ks, err := s.keys.Keys(r.Context(), c.ws.name)
	if ks == nil {
		ks = []antipersona.APIKey{}
	}
	return answer(w, ks, err)
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request, c *call) error {
	var req KeyRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	key, k, err := apikey.New(c.ws.name, req.Role, req.Name, s.now(), nil)
	if err != nil {
		return err
	}
	if err := s.keys.CreateKey(r.Context(), k); err != nil {
		return err
	}
	c.target, c.detail = k.ID, string(k.Role)
	writeJSON(w, http.StatusCreated, KeyCreated{APIKey: k, Key: key})
	return nil
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, c *call) error {
	id := r.PathValue("id")
	c.target = id
	ks, err := s.keys.Keys(r.Context(), c.ws.name)
	if err != nil {
		return err
	}
	for _, k := range ks {
		if k.ID != id {
			continue
		}
		if err := s.keys.RevokeKey(r.Context(), id, s.now()); err != nil {
			return err
		}
		s.keyMu.Lock()
		delete(s.keyCache, k.Hash)
		s.keyMu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return antipersona.Errorf(antipersona.ENOTFOUND, "no key %s in this workspace", id)
}

func (s *Server) getAuditLog(w http.ResponseWriter, r *http.Request, c *call) error {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = 100
	}
	es, err := c.ws.AuditEntries(r.Context(), int(limit))
	if es == nil {
		es = []antipersona.AuditEntry{}
	}
	return answer(w, es, err)
}
