package emulator

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
)

// The data plane: a few routes of the OpenAI API that a project API key
// calls, enough for the official SDKs' mutual TLS recipes to have something
// to call, each behind the mutual TLS gate (store.Organization.Admit). They
// are served on the plain listener and on the mTLS one alike; only a request
// over TLS can carry a client certificate.

// ProjectKey is a project API key of the data plane: a request carrying Key
// acts for Project of the organization whose admin key is AdminKey, and is
// let through the gate as that project's and organization's active CA
// certificates say.
type ProjectKey struct {
	Key      string
	AdminKey string
	Project  string
}

// The data plane's routes.
const (
	modelsPath          = BasePath + "/models"
	chatCompletionsPath = BasePath + "/chat/completions"
)

// Codes of the gate's refusals: the emulator's own, since the live API's are
// unpublished (docs/mtls.md).
const (
	codeClientCertificateRequired = "client_certificate_required"
	codeClientCertificateRefused  = "client_certificate_refused"
)

// models is the fixed list GET /v1/models answers, in the official shape.
var models = []map[string]any{
	{"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
	{"id": "gpt-4.1", "object": "model", "created": 1744316542, "owned_by": "system"},
	{"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "system"},
}

// projectsOf are the projects of adminKey's organization: its fixture's, or
// every organization's.
func (s *Server) projectsOf(adminKey string) []string {
	if o := (&orgKey{s: s, key: adminKey}).organization(); o != nil {
		return o.rules.Projects()
	}
	return s.projects
}

func isDataPlane(path string) bool { return path == modelsPath || path == chatCompletionsPath }

// checkProjectKeys refuses project keys the emulator could not serve.
func (s *Server) checkProjectKeys(keys []ProjectKey) error {
	var errs []error
	s.projectKeys = make(map[string]ProjectKey, len(keys))
	for _, k := range keys {
		switch {
		case !strings.HasPrefix(k.Key, "sk-") || strings.HasPrefix(k.Key, adminKeyPrefix) || len(k.Key) > MaxAdminKeyBytes:
			errs = append(errs, fmt.Errorf("emulator: project key %q: want sk-proj-... (not an admin key), at most %d bytes", k.Key, MaxAdminKeyBytes))
		case s.keys != nil && !s.keys[k.AdminKey] || s.keys == nil && (!strings.HasPrefix(k.AdminKey, adminKeyPrefix) || len(k.AdminKey) == len(adminKeyPrefix)):
			errs = append(errs, fmt.Errorf("emulator: project key %q: %q is not an admin key the emulator accepts", k.Key, k.AdminKey))
		case !slices.Contains(s.projectsOf(k.AdminKey), k.Project):
			errs = append(errs, fmt.Errorf("emulator: project key %q: no project %q (projects: %v)", k.Key, k.Project, s.projectsOf(k.AdminKey)))
		case s.projectKeys[k.Key].Key != "":
			errs = append(errs, fmt.Errorf("emulator: project key %q given twice", k.Key))
		}
		s.projectKeys[k.Key] = k
	}
	return errors.Join(errs...)
}

// serveData answers a data plane request: its project key, then the gate,
// then the route. It returns the admin key the project key belongs to, nil
// when the key was refused.
func (s *Server) serveData(w http.ResponseWriter, r *http.Request) *orgKey {
	pk, ok := s.projectKeys[bearer(r)]
	if !ok {
		unauthorized("Incorrect API key provided. You need a project API key (sk-proj-...) the emulator knows (-project-keys).").write(w)
		return nil
	}
	k := &orgKey{s: s, key: pk.AdminKey}
	peer := peerCertificates(r.TLS)
	if err := k.rules().Admit(pk.Project, peer, time.Now()); err != nil {
		refusal(err, "").write(w)
		return k
	}
	switch {
	case r.URL.Path == modelsPath && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": models})
	case r.URL.Path == chatCompletionsPath && r.Method == http.MethodPost:
		chatCompletion(w, r)
	default:
		(&apiError{status: http.StatusMethodNotAllowed, typ: typeInvalidRequest,
			message: fmt.Sprintf("Invalid method for URL (%s %s).", r.Method, r.URL.Path)}).write(w)
	}
	return k
}

func bearer(r *http.Request) string {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return key
}

func peerCertificates(state *tls.ConnectionState) []*x509.Certificate {
	if state == nil {
		return nil
	}
	return state.PeerCertificates
}

// chatCompletion answers a chat completion with a fixed assistant message in
// the official shape, after checking the body has a model and messages.
func chatCompletion(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model    string            `json:"model"`
		Messages []json.RawMessage `json:"messages"`
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	switch {
	case err != nil:
		badRequest("", "", "We could not parse the JSON body of your request: "+err.Error()).write(w)
		return
	case req.Model == "":
		badRequest("model", "", "you must provide a model parameter").write(w)
		return
	case len(req.Messages) == 0:
		badRequest("messages", "", "[] is too short - 'messages'").write(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": "chatcmpl-" + newRequestID()[len("req_"):], "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": "Hello from the certcontract emulator.", "refusal": nil}}},
		"usage": map[string]any{"prompt_tokens": 1, "completion_tokens": 7, "total_tokens": 8},
	})
}

// MTLSConfig is a TLS configuration for the emulator's mTLS listener: a
// server certificate for hosts made now, signed by a CA made now whose PEM
// is returned for clients to trust, and a request for a client
// certificate. The handshake asks for one but verifies nothing: the gate
// decides at each request, from the activation state at that moment, so
// that a change takes effect on the next request, not the next connection.
func MTLSConfig(hosts ...string) (cfg *tls.Config, caPEM string, err error) {
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		return nil, "", err
	}
	leaf, err := testcert.NewServer(ca.PEM, ca.KeyPEM, hosts...)
	if err != nil {
		return nil, "", err
	}
	pair, err := tls.X509KeyPair([]byte(leaf.PEM+ca.PEM), []byte(leaf.KeyPEM))
	if err != nil {
		return nil, "", err
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}, ca.PEM, nil
}
