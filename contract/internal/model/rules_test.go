package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/model"
)

func deleted(id string) string { return `{"object":"certificate.deleted","id":` + js(id) + `}` }

func TestThe51stUploadIsRefusedAndADeletionMakesRoom(t *testing.T) {
	m := newModel(false)
	var first stored
	for i := range model.MaxCertificates {
		s := upload(t, m, fmt.Sprintf("cert_%02d", i), int64(i), "")
		if i == 0 {
			first = s
		}
	}
	extra := makeCert(t, testcertDefaults)
	req := model.Request{Op: model.Upload, PEM: extra.PEM}
	agree(t, m, req, 400, errorBody(invalidReq, "", "certificate_limit_reached"))
	disagree(t, m, req, 200, stored{id: "cert_51", createdAt: 99, cert: extra}.single(""), "status: 200, want 400")

	agree(t, m, model.Request{Op: model.Delete, CertificateID: first.id}, 200, deleted(first.id))
	// The mutation this catches: a deleted certificate still counting.
	disagree(t, m, req, 400, errorBody(invalidReq, "", "certificate_limit_reached"), "status: 400, want 200")
}

func TestAToggleIsAllOrNothingAndAnswersEachIdOnceInRequestOrder(t *testing.T) {
	m := newModel(false)
	a := upload(t, m, "cert_a", 1, "")
	b := upload(t, m, "cert_b", 2, "")

	agree(t, m, model.Request{Op: model.ActivateOrganization, IDs: []string{b.id, "cert_nope", a.id}}, 404,
		errorBody(invalidReq, "certificate_ids", "not_found"))
	// Refused: nothing changed, and so a list saying otherwise is wrong.
	disagree(t, m, model.Request{Op: model.ListOrganization}, 200,
		page(false, []string{b.id, a.id}, b.item(orgItem, true), a.item(orgItem, false)),
		"data[0] (cert_b).active: true, want false")

	req := model.Request{Op: model.ActivateOrganization, IDs: []string{b.id, a.id, b.id}}
	agree(t, m, req, 200, `{"object":"organization.certificate.activation","data":[`+b.item(orgItem, true)+`,`+a.item(orgItem, true)+`]}`)
	disagree(t, m, req, 200, `{"object":"organization.certificate.activation","data":[`+a.item(orgItem, true)+`,`+b.item(orgItem, true)+`]}`,
		`data: ["cert_a","cert_b"], want ["cert_b","cert_a"]`)
	disagree(t, m, req, 200, `{"object":"organization.certificate.deactivation","data":[`+b.item(orgItem, true)+`,`+a.item(orgItem, true)+`]}`,
		`object: "organization.certificate.deactivation", want "organization.certificate.activation"`)
}

func TestOrganizationAndProjectStatesAreIndependent(t *testing.T) {
	m := newModel(false)
	a := upload(t, m, "cert_a", 1, "")
	apply(m, model.Request{Op: model.ActivateProject, Project: "proj_a", IDs: []string{a.id}})
	apply(m, model.Request{Op: model.DeactivateProject, Project: "proj_a", IDs: []string{a.id}})
	apply(m, model.Request{Op: model.ActivateProject, Project: "proj_b", IDs: []string{a.id}})

	// Activating for proj_b after a deactivation for proj_a leaves proj_a alone.
	disagree(t, m, model.Request{Op: model.ListProject, Project: "proj_a"}, 200,
		page(false, []string{a.id}, a.item(projectItem, true)), "active: true, want false")
	agree(t, m, model.Request{Op: model.ListOrganization}, 200, page(false, []string{a.id}, a.item(orgItem, false)))
	agree(t, m, model.Request{Op: model.Delete, CertificateID: a.id}, 400, errorBody(invalidReq, "certificate_id", "certificate_active"))
	apply(m, model.Request{Op: model.DeactivateProject, Project: "proj_b", IDs: []string{a.id}})
	agree(t, m, model.Request{Op: model.Delete, CertificateID: a.id}, 200, deleted(a.id))
}

func TestPagesFollowTheCursorInBothOrders(t *testing.T) {
	m := newModel(false)
	var s []stored
	for i, id := range []string{"cert_1", "cert_2", "cert_3", "cert_4", "cert_5"} {
		// Equal created_at: upload order breaks the tie.
		s = append(s, upload(t, m, id, int64(10+i/2), ""))
	}
	items := func(idx ...int) (ids, out []string) {
		for _, i := range idx {
			ids = append(ids, s[i].id)
			out = append(out, s[i].item(orgItem, false))
		}
		return ids, out
	}
	two := ptr(2)
	ids, its := items(4, 3)
	agree(t, m, model.Request{Op: model.ListOrganization, Limit: two}, 200, page(true, ids, its...))
	ids, its = items(2, 1)
	agree(t, m, model.Request{Op: model.ListOrganization, Limit: two, After: ptr("cert_4")}, 200, page(true, ids, its...))
	ids, its = items(0)
	agree(t, m, model.Request{Op: model.ListOrganization, Limit: two, After: ptr("cert_2")}, 200, page(false, ids, its...))
	agree(t, m, model.Request{Op: model.ListOrganization, After: ptr("cert_1")}, 200, page(false, nil))
	ids, its = items(3, 4)
	agree(t, m, model.Request{Op: model.ListOrganization, Limit: two, After: ptr("cert_3"), Order: ptr("asc")}, 200, page(false, ids, its...))

	// A page that skips one after a delete, as a stale cursor index would.
	agree(t, m, model.Request{Op: model.Delete, CertificateID: "cert_3"}, 200, deleted("cert_3"))
	ids, its = items(0)
	disagree(t, m, model.Request{Op: model.ListOrganization, Limit: two, After: ptr("cert_4")}, 200, page(false, ids, its...),
		`data: ["cert_1"], want ["cert_2","cert_1"]`)
	agree(t, m, model.Request{Op: model.ListOrganization, After: ptr("cert_3")}, 400, errorBody(invalidReq, "after", ""))

	ids, its = items(4, 3)
	disagree(t, m, model.Request{Op: model.ListOrganization, Limit: two}, 200, page(false, ids[:1], its[:1]...),
		`data: ["cert_5"], want ["cert_5","cert_4"]`, "has_more: false, want true", `last_id: "cert_5", want "cert_4"`)
}

func TestASingleCertificateSaysActiveOnlyWhereTheFragmentAllowsIt(t *testing.T) {
	m := newModel(false)
	a := upload(t, m, "cert_a", 1, "a")
	apply(m, model.Request{Op: model.ActivateOrganization, IDs: []string{a.id}})
	disagree(t, m, model.Request{Op: model.Get, CertificateID: a.id}, 200, a.single(`,"active":true`), "active: true, want it absent")
	agree(t, m, model.Request{Op: model.Modify, CertificateID: a.id}, 200, a.single(`,"active":true`))
	disagree(t, m, model.Request{Op: model.Modify, CertificateID: a.id}, 200, a.single(`,"active":false`), "active: false, want true")

	other := makeCert(t, testcertDefaults)
	s := stored{id: "cert_b", createdAt: 2, cert: other}
	disagree(t, m, model.Request{Op: model.Upload, PEM: other.PEM}, 200, s.single(`,"active":true`), "active: true, want false")
}

func TestTheModelTakesOnlyPlausibleIdsAndTimesFromAnUpload(t *testing.T) {
	m := newModel(false)
	a := upload(t, m, "cert_a", 100, "")
	apply(m, model.Request{Op: model.Delete, CertificateID: a.id})

	c := makeCert(t, testcertDefaults)
	disagree(t, m, model.Request{Op: model.Upload, PEM: c.PEM}, 200, stored{id: "cert_a", createdAt: 100, cert: c}.single(""),
		"id: cert_a was given to an earlier certificate")
	disagree(t, m, model.Request{Op: model.Upload, PEM: c.PEM}, 200, stored{id: "cert_c", createdAt: 99, cert: c}.single(""),
		"created_at: 99 is before the previous upload's 100")
	disagree(t, m, model.Request{Op: model.Upload, PEM: c.PEM}, 200, stored{id: "", createdAt: 101, cert: c}.single(""), "id: empty")

	name := "named"
	wrong := stored{id: "cert_d", createdAt: 101, cert: c}
	disagree(t, m, model.Request{Op: model.Upload, PEM: c.PEM, Name: &name}, 200, wrong.single(""), `name: null, want "named"`)
}

func TestASharedOrganizationIsComparedOnTheModelsOwnCertificates(t *testing.T) {
	m := newModel(true)
	a := upload(t, m, "cert_a", 1, "")
	b := upload(t, m, "cert_b", 2, "")
	c := upload(t, m, "cert_c", 3, "")
	foreign := func(id string) string {
		return `{"object":"organization.certificate","id":` + js(id) + `,"name":null,"created_at":2,"certificate_details":{},"active":true}`
	}
	two := ptr(2)
	list := model.Request{Op: model.ListOrganization, Limit: two}

	// Others' certificates before, between and after the model's own.
	agree(t, m, list, 200, page(true, []string{"cert_x", c.id}, foreign("cert_x"), c.item(orgItem, false)))
	agree(t, m, list, 200, page(true, []string{"cert_x", "cert_y"}, foreign("cert_x"), foreign("cert_y")))
	agree(t, m, model.Request{Op: model.ListOrganization, Limit: two, After: ptr(c.id)}, 200,
		page(true, []string{b.id, "cert_y"}, b.item(orgItem, false), foreign("cert_y")))
	agree(t, m, model.Request{Op: model.ListOrganization}, 200,
		page(false, []string{c.id, "cert_x", a.id}, c.item(orgItem, false), foreign("cert_x"), b.item(orgItem, false), a.item(orgItem, false)))

	disagree(t, m, list, 200, page(true, []string{b.id, c.id}, b.item(orgItem, false), c.item(orgItem, false)),
		`data: ["cert_b","cert_c"], want ["cert_c","cert_b"]`)
	disagree(t, m, model.Request{Op: model.ListOrganization}, 200, page(false, []string{c.id, a.id}, c.item(orgItem, false), a.item(orgItem, false)),
		`data: ["cert_c","cert_a"], want ["cert_c","cert_b"]`)
	disagree(t, m, model.Request{Op: model.ListOrganization}, 200, page(false, []string{c.id}, c.item(orgItem, false)),
		`has_more: false, but the model's ["cert_b","cert_a"] follow`)
	disagree(t, m, list, 200, page(true, []string{"cert_x"}, foreign("cert_x")), "has_more: true on a page of 1 certificates, short of limit=2")
	disagree(t, m, list, 200, page(false, []string{"cert_x", "cert_y", c.id}, foreign("cert_x"), foreign("cert_y"), c.item(orgItem, false)),
		"data: 3 certificates on a page of limit=2")

	apply(m, model.Request{Op: model.Delete, CertificateID: c.id})
	disagree(t, m, model.Request{Op: model.ListOrganization}, 200,
		page(false, []string{c.id, b.id, a.id}, c.item(orgItem, false), b.item(orgItem, false), a.item(orgItem, false)),
		"cert_c is listed, but it was deleted")

	// Others may fill the organization: the limit is no divergence there.
	extra := makeCert(t, testcertDefaults)
	agree(t, m, model.Request{Op: model.Upload, PEM: extra.PEM}, 400, errorBody(invalidReq, "", "certificate_limit_reached"))
	if got := fmt.Sprint(m.IDs()); got != "[cert_a cert_b]" {
		t.Errorf("IDs() after a refused upload = %s", got)
	}
}

func TestCompareWalkChecksTheWholeList(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprintf("shared=%t", shared), func(t *testing.T) {
			m := newModel(shared)
			a := upload(t, m, "cert_a", 1, "")
			b := upload(t, m, "cert_b", 1, "")
			apply(m, model.Request{Op: model.ActivateProject, Project: "proj_a", IDs: []string{b.id}})
			item := func(s stored, active bool) model.Item {
				got, err := model.Decode(model.Get, 200, []byte(s.item(projectItem, active)))
				if err != nil {
					t.Fatal(err)
				}
				c := got.Certificate
				return model.Item{Object: c.Object, ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt, Details: c.Details, Active: active}
			}
			if d := m.CompareWalk("proj_a", true, []model.Item{item(b, true), item(a, false)}); len(d) > 0 {
				t.Errorf("a right walk: %v", d)
			}
			if d := m.CompareWalk("proj_a", false, []model.Item{item(a, false), item(b, false)}); !strings.Contains(strings.Join(d, "\n"), "cert_b.active: false, want true") {
				t.Errorf("a wrong state: %v", d)
			}
			stranger := model.Item{Object: projectItem, ID: "cert_x"}
			d := m.CompareWalk("proj_a", true, []model.Item{item(b, true), stranger, item(a, false)})
			if shared != (len(d) == 0) {
				t.Errorf("someone else's certificate in the walk, shared=%t: %v", shared, d)
			}
		})
	}
}

func TestDecodeRefusesWhatIsNoAnswer(t *testing.T) {
	for _, tt := range []struct {
		status int
		body   string
	}{
		{404, `{"message":"no error object"}`},
		{400, `not json`},
		{200, `{"object":"certificate","created_at":"yesterday"}`},
	} {
		if _, err := model.Decode(model.Get, tt.status, []byte(tt.body)); err == nil {
			t.Errorf("Decode(%d %s) succeeded", tt.status, tt.body)
		}
	}
}
