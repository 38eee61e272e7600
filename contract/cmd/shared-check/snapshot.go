package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/suite"
	"github.com/certcontract/certcontract/generated"
)

// seen is one certificate as every answer that carries it shows it: a get
// with its content, its organization list item and its item in each
// project's list, each kept as the JSON it came as.
type seen struct {
	name     *string
	get      string
	org      string
	projects map[string]string
}

// snapshot is every certificate of the organization but the other client's,
// whose certificates change as it works.
type snapshot map[string]seen

// org reads one organization through c.
type org struct {
	c        *generated.ClientWithResponses
	projects []string
}

func newOrg(baseURL, key string, projects []string) (*org, error) {
	c, err := generated.NewClientWithResponses(baseURL,
		generated.WithHTTPClient(&http.Client{Transport: suite.RemoteRetry(http.DefaultTransport)}),
		generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+key)
			return nil
		}))
	return &org{c: c, projects: projects}, err
}

func actors(name *string) bool {
	return name != nil && strings.HasPrefix(*name, emulator.ActorNamePrefix)
}

func encode(v any) string {
	b, _ := json.Marshal(v) // generated models always marshal
	return string(b)
}

// take reads the organization list, every project's list, and a get with
// content of each certificate but the other client's.
func (o *org) take(ctx context.Context) (snapshot, error) {
	limit := 100
	items, err := suite.Walk(func(c generated.OrganizationCertificate) string { return c.Id },
		func(after *string) (suite.Page[generated.OrganizationCertificate], error) {
			res, err := o.c.ListOrganizationCertificatesWithResponse(ctx, &generated.ListOrganizationCertificatesParams{Limit: &limit, After: after})
			if err != nil {
				return suite.Page[generated.OrganizationCertificate]{}, err
			}
			if res.JSON200 == nil {
				return suite.Page[generated.OrganizationCertificate]{}, fmt.Errorf("organization list: %s: %s", res.Status(), res.Body)
			}
			return suite.Page[generated.OrganizationCertificate]{Items: res.JSON200.Data, HasMore: res.JSON200.HasMore, LastID: res.JSON200.LastId}, nil
		})
	if err != nil {
		return nil, err
	}
	snap := snapshot{}
	for _, it := range items {
		if !actors(it.Name) {
			snap[it.Id] = seen{name: it.Name, org: encode(it), projects: map[string]string{}}
		}
	}
	for _, p := range o.projects {
		items, err := suite.Walk(func(c generated.OrganizationProjectCertificate) string { return c.Id },
			func(after *string) (suite.Page[generated.OrganizationProjectCertificate], error) {
				res, err := o.c.ListProjectCertificatesWithResponse(ctx, p, &generated.ListProjectCertificatesParams{Limit: &limit, After: after})
				if err != nil {
					return suite.Page[generated.OrganizationProjectCertificate]{}, err
				}
				if res.JSON200 == nil {
					return suite.Page[generated.OrganizationProjectCertificate]{}, fmt.Errorf("list of %s: %s: %s", p, res.Status(), res.Body)
				}
				return suite.Page[generated.OrganizationProjectCertificate]{Items: res.JSON200.Data, HasMore: res.JSON200.HasMore, LastID: res.JSON200.LastId}, nil
			})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if s, ok := snap[it.Id]; ok {
				s.projects[p] = encode(it)
			}
		}
	}
	include := &generated.GetCertificateParams{Include: &[]generated.GetCertificateParamsInclude{generated.GetCertificateParamsIncludeContent}}
	for id, s := range snap {
		res, err := o.c.GetCertificateWithResponse(ctx, id, include)
		if err != nil {
			return nil, err
		}
		switch res.StatusCode() {
		case http.StatusOK:
			s.get = encode(res.JSON200)
		case http.StatusNotFound: // deleted since the list; compare shows it
			s.get = "404"
		default:
			return nil, fmt.Errorf("get %s: %s: %s", id, res.Status(), res.Body)
		}
		snap[id] = s
	}
	return snap, nil
}

// outcome is what a run did to others' certificates and what it left.
type outcome struct {
	unchanged int
	changes   []string // one line per answer that differs
	left      []string // the run's certificates still there
}

// compare holds after against before: every certificate in before (others')
// must answer exactly as it did, everywhere; every certificate in after
// that was not in before is the run's, left behind.
func compare(before, after snapshot, projects []string) outcome {
	var out outcome
	for _, id := range sortedIDs(before) {
		b := before[id]
		a, ok := after[id]
		if !ok {
			out.changes = append(out.changes, id+" is gone from the organization list")
			continue
		}
		n := len(out.changes)
		if a.get != b.get {
			out.changes = append(out.changes, fmt.Sprintf("%s: get with content: %s", id, difference(b.get, a.get)))
		}
		if a.org != b.org {
			out.changes = append(out.changes, fmt.Sprintf("%s: organization list item: %s", id, difference(b.org, a.org)))
		}
		for _, p := range projects {
			if a.projects[p] != b.projects[p] {
				out.changes = append(out.changes, fmt.Sprintf("%s: item in the list of %s: %s", id, p, difference(b.projects[p], a.projects[p])))
			}
		}
		if len(out.changes) == n {
			out.unchanged++
		}
	}
	for _, id := range sortedIDs(after) {
		if _, ok := before[id]; !ok {
			name := "without a name"
			if n := after[id].name; n != nil {
				name = fmt.Sprintf("named %q", *n)
			}
			out.left = append(out.left, id+" "+name)
		}
	}
	return out
}

// difference names the fields of two answers that differ, with both
// values; an answer missing or not an object is shown whole.
func difference(before, after string) string {
	var b, a map[string]any
	if json.Unmarshal([]byte(before), &b) != nil || json.Unmarshal([]byte(after), &a) != nil {
		return fmt.Sprintf("was %s, is %s", orMissing(before), orMissing(after))
	}
	flatten(b)
	flatten(a)
	var diffs []string
	for _, k := range sortedKeys(b, a) {
		if bv, av := encode(b[k]), encode(a[k]); bv != av {
			diffs = append(diffs, fmt.Sprintf("%s was %s, is %s", k, bv, av))
		}
	}
	return strings.Join(diffs, "; ")
}

// flatten lifts certificate_details' fields to the top as
// certificate_details.valid_at and so on.
func flatten(m map[string]any) {
	if d, ok := m["certificate_details"].(map[string]any); ok {
		delete(m, "certificate_details")
		for k, v := range d {
			m["certificate_details."+k] = v
		}
	}
}

func sortedKeys(ms ...map[string]any) []string {
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

func orMissing(s string) string {
	if s == "" {
		return "missing"
	}
	return s
}

func sortedIDs(s snapshot) []string {
	ids := make([]string, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
