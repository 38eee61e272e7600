// Package har reads and writes HTTP Archive (HAR) 1.2 files, the part of the
// format a recording of API exchanges needs: entries with their request,
// response and timings, plus the custom fields (names starting with an
// underscore, as the format allows) that order exchanges of parallel
// processes and say which run made them.
//
// The types are the project's own: the Go HAR packages that exist come with
// a proxy (google/martian) or a whole browser protocol (chromedp/cdproto),
// and none checks a file it reads, which is what a recording edited by hand
// needs.
package har

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Version is the HAR version this package writes.
const Version = "1.2"

// File is a whole HAR document.
type File struct {
	Log Log `json:"log"`
}

// Log is the archive: who wrote it and the exchanges, in the order they were
// sent.
type Log struct {
	Version string   `json:"version"`
	Creator Creator  `json:"creator"`
	Entries []Entry  `json:"entries"`
	Comment string   `json:"comment,omitempty"`
	Run     *RunInfo `json:"_run,omitempty"`
}

// Creator names the program that wrote the file.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// RunInfo says what a recording was made of, so that a replay can map what
// the run named after itself to what the replay names after itself.
type RunInfo struct {
	// ID is the run id every certificate name of the run carries.
	ID string `json:"id"`
	// BaseURL is the API the run talked to. Request URLs start with its
	// path; parallel processes that each ran an emulator of their own have
	// hosts of their own, and BaseURL names the first process's.
	BaseURL string `json:"baseUrl"`
	// Projects are the project ids the run could use.
	Projects []string `json:"projects,omitempty"`
	// Processes is how many parallel processes wrote entries.
	Processes int `json:"processes,omitempty"`
}

// Entry is one exchange.
type Entry struct {
	StartedDateTime time.Time `json:"startedDateTime"`
	// Time is the whole exchange in milliseconds.
	Time     float64  `json:"time"`
	Request  Request  `json:"request"`
	Response Response `json:"response"`
	Cache    Cache    `json:"cache"`
	Timings  Timings  `json:"timings"`
	Comment  string   `json:"comment,omitempty"`
	// Process is the parallel process that sent the request (1 when there
	// was one), and Sequence its position among that process's requests,
	// from 1. Together they make each process's order exact whatever the
	// clocks say.
	Process  int `json:"_process"`
	Sequence int `json:"_sequence"`
}

// Request is what was sent.
type Request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	QueryString []NameValue `json:"queryString"`
	PostData    *PostData   `json:"postData,omitempty"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

// Response is what came back. Status 0 means no answer arrived; the entry's
// comment then says why.
type Response struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	Content     Content     `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

// NameValue is a header or a query parameter.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Cookie is kept for reading files other tools wrote; the API uses none.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PostData is a request body. HAR 1.2 has no encoding for it, so a body that
// is not UTF-8 is stored in base64 with the custom field Encoding saying so.
type PostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Encoding string `json:"_encoding,omitempty"`
}

// Content is a response body; Encoding "base64" when it is not UTF-8.
type Content struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// Cache is required by the format and always empty here.
type Cache struct{}

// Timings are the phases of an exchange in milliseconds; -1 where a phase
// does not apply (a reused connection has no connect time).
type Timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	SSL     float64 `json:"ssl"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// Header returns the first value of the named header, case-insensitively.
func Header(h []NameValue, name string) (value string, ok bool) {
	for _, nv := range h {
		if strings.EqualFold(nv.Name, name) {
			return nv.Value, true
		}
	}
	return "", false
}

// Body returns the request body as sent.
func (p *PostData) Body() ([]byte, error) {
	if p == nil {
		return nil, nil
	}
	return decode(p.Text, p.Encoding)
}

// Body returns the response body as received.
func (c Content) Body() ([]byte, error) { return decode(c.Text, c.Encoding) }

// NewPostData stores a request body, in base64 when it is not UTF-8.
func NewPostData(mimeType string, body []byte) *PostData {
	text, enc := encode(body)
	return &PostData{MimeType: mimeType, Text: text, Encoding: enc}
}

// NewContent stores a response body, in base64 when it is not UTF-8.
func NewContent(mimeType string, body []byte) Content {
	text, enc := encode(body)
	return Content{Size: len(body), MimeType: mimeType, Text: text, Encoding: enc}
}

const base64Encoding = "base64"

func encode(body []byte) (text, encoding string) {
	if utf8.Valid(body) {
		return string(body), ""
	}
	return base64.StdEncoding.EncodeToString(body), base64Encoding
}

func decode(text, encoding string) ([]byte, error) {
	switch encoding {
	case "":
		return []byte(text), nil
	case base64Encoding:
		return base64.StdEncoding.DecodeString(text)
	default:
		return nil, fmt.Errorf("unknown encoding %q (want base64 or none)", encoding)
	}
}

// String is the body as stored in the file ("" without a body).
func (p *PostData) String() string {
	if p == nil {
		return ""
	}
	return p.Text
}
