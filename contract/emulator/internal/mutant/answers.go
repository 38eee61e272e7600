package mutant

import (
	"encoding/json"
	"net/http"

	"github.com/certcontract/certcontract/contract/emulator/internal/answer"
	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/generated"
)

// Mutations that bend what an answer says: each wraps the handlers and
// overrides the operations it bends. See wrapper in mutant.go.

// wrongObject answers upload, get and modify with object
// "organization.certificate".
type wrongObject struct{ server.ServerInterface }

func organizationObject(c *generated.Certificate) {
	c.Object = generated.CertificateObjectOrganizationCertificate
}

func (m wrongObject) UploadCertificate(w http.ResponseWriter, r *http.Request) {
	editAnswer(w, func(w http.ResponseWriter) { m.ServerInterface.UploadCertificate(w, r) }, organizationObject)
}

func (m wrongObject) GetCertificate(w http.ResponseWriter, r *http.Request, id generated.CertificateID, params generated.GetCertificateParams) {
	editAnswer(w, func(w http.ResponseWriter) { m.ServerInterface.GetCertificate(w, r, id, params) }, organizationObject)
}

func (m wrongObject) ModifyCertificate(w http.ResponseWriter, r *http.Request, id generated.CertificateID) {
	editAnswer(w, func(w http.ResponseWriter) { m.ServerInterface.ModifyCertificate(w, r, id) }, organizationObject)
}

// editAnswer runs respond and, when it succeeded, passes its body through
// edit as the generated response type T before sending it; an error answer
// goes out as it was.
func editAnswer[T any](w http.ResponseWriter, respond func(http.ResponseWriter), edit func(*T)) {
	held := answer.Hold(w)
	respond(held)
	var v T
	if held.Status == http.StatusOK && json.Unmarshal(held.Body.Bytes(), &v) == nil {
		edit(&v)
		answer.WriteJSON(w, http.StatusOK, v)
		return
	}
	held.Send(w)
}
