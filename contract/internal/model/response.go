package model

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Response is one answer: its status and the body its operation and status
// give. The fields carry the wire's JSON names, so an expectation prints as
// the answer it stands for. These types repeat the shapes of package
// generated's models on purpose: the model imports only the standard
// library, so that nothing it checks can leak into it (the repository's
// layers_test.go checks).
type Response struct {
	Status int `json:"-"`
	// Error is the body of every answer other than 200.
	Error *Error `json:"error,omitempty"`
	// Certificate is the body of upload, get and modify.
	Certificate *Certificate `json:"-"`
	// List is the body of both lists.
	List *List `json:"-"`
	// Toggle is the body of the four toggles.
	Toggle *Toggle `json:"-"`
	// Deleted is the body of delete.
	Deleted *Deleted `json:"-"`
}

// Error is the OpenAI error object.
type Error struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// Details is certificate_details; Content only comes with include[]=content.
type Details struct {
	ValidAt   *int64  `json:"valid_at,omitempty"`
	ExpiresAt *int64  `json:"expires_at,omitempty"`
	Content   *string `json:"content,omitempty"`
}

// Certificate is a single certificate, as upload, get and modify answer.
type Certificate struct {
	Object    string  `json:"object"`
	ID        string  `json:"id"`
	Name      *string `json:"name"`
	CreatedAt int64   `json:"created_at"`
	Details   Details `json:"certificate_details"`
	Active    *bool   `json:"active,omitempty"`
}

// Item is a certificate in a list or a toggle answer, with its state in the
// scope asked about.
type Item struct {
	Object    string  `json:"object"`
	ID        string  `json:"id"`
	Name      *string `json:"name"`
	CreatedAt int64   `json:"created_at"`
	Details   Details `json:"certificate_details"`
	Active    bool    `json:"active"`
}

// List is one page of a list.
type List struct {
	Object  string  `json:"object"`
	Data    []Item  `json:"data"`
	HasMore bool    `json:"has_more"`
	FirstID *string `json:"first_id"`
	LastID  *string `json:"last_id"`
}

// Toggle is an activation or deactivation answer.
type Toggle struct {
	Object string `json:"object"`
	Data   []Item `json:"data"`
}

// Deleted is delete's answer.
type Deleted struct {
	Object string `json:"object"`
	ID     string `json:"id"`
}

// Decode reads an answer to op from its status and body.
func Decode(op Op, status int, body []byte) (Response, error) {
	r := Response{Status: status}
	var dst any
	switch {
	case status != http.StatusOK:
		var e struct {
			Error *Error `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			return r, fmt.Errorf("%s answered %d with a body that is not an error: %w", op, status, err)
		}
		if e.Error == nil {
			return r, fmt.Errorf("%s answered %d without an error object", op, status)
		}
		r.Error = e.Error
		return r, nil
	case op == Upload || op == Get || op == Modify:
		r.Certificate = &Certificate{}
		dst = r.Certificate
	case op == ListOrganization || op == ListProject:
		r.List = &List{}
		dst = r.List
	case op == Delete:
		r.Deleted = &Deleted{}
		dst = r.Deleted
	default:
		if ok, _ := op.toggle(); !ok {
			return r, fmt.Errorf("model: unknown operation %q", op)
		}
		r.Toggle = &Toggle{}
		dst = r.Toggle
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return r, fmt.Errorf("%s answered 200 with a body the model cannot read: %w", op, err)
	}
	return r, nil
}

// String is the answer as status and JSON body, the way it came over the
// wire.
func (r Response) String() string {
	var body any
	switch {
	case r.Error != nil:
		body = struct {
			Error *Error `json:"error"`
		}{r.Error}
	case r.Certificate != nil:
		body = r.Certificate
	case r.List != nil:
		body = r.List
	case r.Toggle != nil:
		body = r.Toggle
	case r.Deleted != nil:
		body = r.Deleted
	default:
		return fmt.Sprint(r.Status)
	}
	b, _ := json.Marshal(body) // only strings, integers, booleans and nulls
	return fmt.Sprintf("%d %s", r.Status, b)
}
