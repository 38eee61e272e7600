package stateful

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/certcontract/certcontract/contract/internal/curl"
	"github.com/certcontract/certcontract/contract/internal/model"
)

// Wire is a model request as it goes over the wire. It is written here from
// the fragment's paths, not taken from the generated client, because the
// phase also sends what the client cannot (limit 0, 11 ids, a bogus
// include), and the validating transport checks the result either way. It
// is also where the completeness guards see which query parameters and body
// properties the model can send at all.
func Wire(baseURL string, r model.Request) curl.Request {
	path, query := "", url.Values{}
	var body any
	switch r.Op {
	case model.ListOrganization, model.ListProject:
		path = "/organization/certificates"
		if r.Op == model.ListProject {
			path = "/organization/projects/" + url.PathEscape(r.Project) + "/certificates"
		}
		if r.Limit != nil {
			query.Set("limit", strconv.Itoa(*r.Limit))
		}
		if r.After != nil {
			query.Set("after", *r.After)
		}
		if r.Order != nil {
			query.Set("order", *r.Order)
		}
	case model.Upload:
		path = "/organization/certificates"
		body = struct {
			Certificate string  `json:"certificate"`
			Name        *string `json:"name,omitempty"`
		}{r.PEM, r.Name}
	case model.Get, model.Modify, model.Delete:
		path = "/organization/certificates/" + url.PathEscape(r.CertificateID)
		if r.Op == model.Get && len(r.Include) > 0 {
			query["include[]"] = r.Include
		}
		if r.Op == model.Modify {
			body = struct {
				Name *string `json:"name,omitempty"`
			}{r.Name}
		}
	case model.ActivateOrganization, model.DeactivateOrganization:
		path = "/organization/certificates/" + map[model.Op]string{model.ActivateOrganization: "activate", model.DeactivateOrganization: "deactivate"}[r.Op]
		body = toggleBody(r.IDs)
	case model.ActivateProject, model.DeactivateProject:
		path = "/organization/projects/" + url.PathEscape(r.Project) + "/certificates/" +
			map[model.Op]string{model.ActivateProject: "activate", model.DeactivateProject: "deactivate"}[r.Op]
		body = toggleBody(r.IDs)
	}
	// The key is sent by send; the header here only says that one is, for
	// the curl line.
	out := curl.Request{Method: http.MethodGet, URL: baseURL + path, Header: http.Header{"Authorization": {"Bearer"}}}
	if len(query) > 0 {
		out.URL += "?" + query.Encode()
	}
	switch {
	case r.Op == model.Delete:
		out.Method = http.MethodDelete
	case body != nil:
		out.Method = http.MethodPost
		out.Body, _ = json.Marshal(body) // strings and string slices only
		out.Header.Set("Content-Type", "application/json")
	}
	return out
}

func toggleBody(ids []string) any {
	if ids == nil {
		ids = []string{}
	}
	return struct {
		IDs []string `json:"certificate_ids"`
	}{ids}
}

// send performs a wire request with an admin key.
func send(ctx context.Context, c *http.Client, key string, r curl.Request) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, nil, err
	}
	if r.Body == nil {
		req.Body = http.NoBody
	}
	req.Header = r.Header.Clone()
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	return resp, buf.Bytes(), err
}
