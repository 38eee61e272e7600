package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ControlPath is the prefix of the emulator's own endpoints, outside the
// API's /v1, each for the organization of the admin key sent, as every API
// request is; no endpoint ever shows another organization:
//
//	POST /_emulator/reset    back to the fixture's state (or empty); answers as export
//	GET  /_emulator/export   the organization as a fixture file (JSON), which loads back as it is
//	GET  /_emulator/journal  {"object":"list","data":[Call...]}, oldest first
//	POST /_emulator/fail     {"operation":"uploadCertificate","times":1,"status":503} or "connection":"reset"
//
// Like WireMock's /__admin and moto's /moto-api, they exist for tests in
// any language; Go tests call Reset, Export, Journal and FailNext instead.
// No fault is injected into them.
const ControlPath = "/_emulator/"

// loadFixtures resolves fx and keeps each of its organizations from the
// start.
func (s *Server) loadFixtures(fx *Fixtures) error {
	if fx == nil {
		return nil
	}
	s.started = time.Now()
	presets, err := s.resolvePresets(fx, s.started)
	if err != nil {
		return fmt.Errorf("emulator: fixtures: %w", err)
	}
	if len(presets) > s.maxOrganizations {
		return fmt.Errorf("emulator: fixtures: %d organizations, more than MaxOrganizations (%d)", len(presets), s.maxOrganizations)
	}
	s.presets = presets
	for _, fo := range fx.Organizations {
		if s.keys != nil {
			s.keys[fo.AdminKey] = true
		}
		o, apiErr := s.organizationFor(fo.AdminKey)
		if apiErr != nil {
			return fmt.Errorf("emulator: fixtures: %s", apiErr.message)
		}
		if _, apiErr := s.keep(fo.AdminKey, o); apiErr != nil {
			return fmt.Errorf("emulator: fixtures: %s", apiErr.message)
		}
	}
	return nil
}

// Reset puts key's organization back to the state its fixture gave it at
// start, the same ids and times, with an empty journal and no failures to
// come; an organization without a fixture is forgotten, and starts empty
// again. Its other client (Config.Shared) starts afresh; its foreign
// certificates are seeded anew.
func (s *Server) Reset(key string) error {
	if !s.accepts(key) {
		return errors.New("emulator: Reset: a key this emulator does not accept")
	}
	var fresh *organization
	if s.presets[key] != nil {
		var apiErr *apiError
		if fresh, apiErr = s.organizationFor(key); apiErr != nil {
			return fmt.Errorf("emulator: Reset: %s", apiErr.message)
		}
	}
	s.mu.Lock()
	old, had := s.kept.Load(key)
	switch {
	case fresh != nil:
		s.kept.Store(key, fresh)
		if !had {
			s.organizations++
		}
		fresh.actor = s.startActor(fresh.org)
	case had:
		s.kept.Delete(key)
		s.organizations--
	}
	s.mu.Unlock()
	if had {
		s.stopActor(old.(*organization).actor)
	}
	return nil
}

// Export returns key's organization as fixtures of one organization,
// certificates in upload order with their ids, times, PEMs and states: New
// with them answers every list and get of that organization the same. An
// organization nobody has kept exports empty.
func (s *Server) Export(key string) (*Fixtures, error) {
	if !s.accepts(key) {
		return nil, errors.New("emulator: Export: a key this emulator does not accept")
	}
	org := (&orgKey{s: s, key: key}).organization()
	fo := FixtureOrganization{AdminKey: key, Projects: s.projects, Certificates: []FixtureCertificate{}}
	if p := s.presets[key]; p != nil {
		fo.Projects = p.projects
	}
	if org != nil {
		fo.Projects = org.org.Projects()
		for _, c := range org.org.Dump() {
			created := Timestamp{time.Unix(c.CreatedAt, 0).UTC()}
			fo.Certificates = append(fo.Certificates, FixtureCertificate{ID: c.ID, Name: c.Name, CreatedAt: &created, PEM: c.Content,
				Active: FixtureActivation{Organization: c.Active, Projects: c.ActiveIn}})
		}
	}
	return &Fixtures{Organizations: []FixtureOrganization{fo}}, nil
}

// Journal returns the calls key's organization received since it was kept
// (from the start, for a fixture's) or last Reset, oldest first, at most
// JournalSize. Calls to ControlPath are not in it.
func (s *Server) Journal(key string) []Call {
	if o := (&orgKey{s: s, key: key}).organization(); o != nil {
		return o.journal.read()
	}
	return []Call{}
}

// control answers the endpoints under ControlPath for a's organization.
func (s *Server) control(w http.ResponseWriter, r *http.Request, k *orgKey) {
	endpoint := r.URL.Path[len(ControlPath):]
	method := map[string]string{"reset": http.MethodPost, "export": http.MethodGet, "journal": http.MethodGet, "fail": http.MethodPost}[endpoint]
	switch {
	case method == "":
		invalidURL(r).write(w)
		return
	case r.Method != method:
		w.Header().Set("Allow", method)
		(&apiError{status: http.StatusMethodNotAllowed, typ: typeInvalidRequest,
			message: fmt.Sprintf("%s %s takes %s.", r.Method, r.URL.Path, method)}).write(w)
		return
	}
	switch endpoint {
	case "reset":
		if err := s.Reset(k.key); err != nil {
			internalError().write(w)
			return
		}
		fallthrough
	case "export":
		fx, err := s.Export(k.key)
		if err != nil {
			internalError().write(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(marshalFixtures(fx))
	case "journal":
		writeJSON(w, http.StatusOK, struct {
			Object string `json:"object"`
			Data   []Call `json:"data"`
		}{"list", s.Journal(k.key)})
	case "fail":
		var req struct {
			Operation  string          `json:"operation"`
			Times      int             `json:"times"`
			Status     int             `json:"status"`
			Connection ConnectionFault `json:"connection"`
		}
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			badRequest("", "", "The body must be {\"operation\": ..., \"times\": n, \"status\": 503} or \"connection\": \"reset\": "+err.Error()).write(w)
			return
		}
		if req.Times == 0 {
			req.Times = 1
		}
		if err := s.FailNext(k.key, req.Operation, req.Times, Failure{Status: req.Status, Connection: req.Connection}); err != nil {
			badRequest("", "", err.Error()).write(w)
			return
		}
		writeJSON(w, http.StatusOK, struct {
			Object string `json:"object"`
		}{"emulator.failure"})
	}
}
