package har

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// ReadFile reads and checks a HAR file.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// Read decodes a HAR document and checks what a replay relies on. Entries are
// decoded one at a time, so an error names the entry it is in: a truncated
// file says which entry it ends inside, and a field edited into the wrong
// type or value says which entry holds it.
func Read(r io.Reader) (*File, error) {
	dec := json.NewDecoder(r)
	var f File
	if err := delim(dec, '{'); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", describe(err))
	}
	sawLog := false
	for dec.More() {
		key, err := key(dec)
		if err != nil {
			return nil, describe(err)
		}
		if key != "log" {
			if err := skip(dec); err != nil {
				return nil, fmt.Errorf("%s: %w", key, describe(err))
			}
			continue
		}
		sawLog = true
		if err := readLog(dec, &f.Log); err != nil {
			return nil, err
		}
	}
	if err := delim(dec, '}'); err != nil {
		return nil, describe(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more data after the HAR document")
	}
	if !sawLog {
		return nil, errors.New(`not a HAR file: no "log"`)
	}
	if err := check(&f.Log); err != nil {
		return nil, err
	}
	return &f, nil
}

func readLog(dec *json.Decoder, l *Log) error {
	if err := delim(dec, '{'); err != nil {
		return fmt.Errorf("log: %w", describe(err))
	}
	sawEntries := false
	for dec.More() {
		k, err := key(dec)
		if err != nil {
			return fmt.Errorf("log: %w", describe(err))
		}
		var into any
		switch k {
		case "entries":
			sawEntries = true
			if err := readEntries(dec, l); err != nil {
				return err
			}
			continue
		case "version":
			into = &l.Version
		case "creator":
			into = &l.Creator
		case "comment":
			into = &l.Comment
		case "_run":
			into = &l.Run
		default:
			if err := skip(dec); err != nil {
				return fmt.Errorf("log.%s: %w", k, describe(err))
			}
			continue
		}
		if err := dec.Decode(into); err != nil {
			return fmt.Errorf("log.%s: %w", k, describe(err))
		}
	}
	if err := delim(dec, '}'); err != nil {
		return fmt.Errorf("log: %w", describe(err))
	}
	if !sawEntries {
		return errors.New(`log: no "entries"`)
	}
	return nil
}

func readEntries(dec *json.Decoder, l *Log) error {
	if err := delim(dec, '['); err != nil {
		return fmt.Errorf("log.entries: %w", describe(err))
	}
	for dec.More() {
		var e Entry
		if err := dec.Decode(&e); err != nil {
			where := fmt.Sprintf("entry %d", len(l.Entries)+1)
			if n := len(l.Entries); n > 0 {
				where += fmt.Sprintf(" (after entry %d, %s)", n, l.Entries[n-1].name())
			}
			return fmt.Errorf("%s: %w", where, describe(err))
		}
		l.Entries = append(l.Entries, e)
	}
	if err := delim(dec, ']'); err != nil {
		where := "log.entries"
		if n := len(l.Entries); n > 0 {
			where += fmt.Sprintf(", after entry %d (%s)", n, l.Entries[n-1].name())
		}
		return fmt.Errorf("%s: %w", where, describe(err))
	}
	return nil
}

func delim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", want, tok)
	}
	return nil
}

func key(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("want a key, found %v", tok)
	}
	return k, nil
}

func skip(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

// describe turns decoding errors into what someone looking at the file needs.
func describe(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("the file ends here: it is truncated")
	case errors.As(err, &syntax):
		return fmt.Errorf("not valid JSON at byte %d of the file: %v", syntax.Offset, err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: want %s, found a JSON %s", typ.Field, typ.Type, typ.Value)
	}
	return err
}

// name is how an error message refers to an entry: method and path.
func (e *Entry) name() string {
	path := e.Request.URL
	if u, err := url.Parse(path); err == nil && u.Path != "" {
		path = u.Path
	}
	return strings.TrimSpace(e.Request.Method + " " + path)
}

// check validates what the format requires and what a replay relies on, and
// numbers the entries of a file no recorder of ours wrote (one process, in
// file order).
func check(l *Log) error {
	if l.Version != Version && l.Version != "1.1" {
		return fmt.Errorf("log.version %q: want %s", l.Version, Version)
	}
	numbered := false
	for _, e := range l.Entries {
		if e.Process != 0 || e.Sequence != 0 {
			numbered = true
			break
		}
	}
	if !numbered {
		for i := range l.Entries {
			l.Entries[i].Process, l.Entries[i].Sequence = 1, i+1
		}
	}
	last := map[int]int{} // process -> sequence of its previous entry
	var errs []error
	for i := range l.Entries {
		e := &l.Entries[i]
		if err := checkEntry(e, last); err != nil {
			errs = append(errs, fmt.Errorf("entry %d (%s): %w", i+1, e.name(), err))
		}
	}
	return errors.Join(errs...)
}

func checkEntry(e *Entry, last map[int]int) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if e.StartedDateTime.IsZero() {
		bad("startedDateTime is missing")
	}
	if e.Time < 0 {
		bad("time %v is negative", e.Time)
	}
	if t := e.Timings; t.Send < 0 || t.Wait < 0 || t.Receive < 0 {
		bad("timings send, wait and receive are never negative (found %v, %v, %v)", t.Send, t.Wait, t.Receive)
	}
	if !validMethod(e.Request.Method) {
		bad("request.method %q is not an HTTP method", e.Request.Method)
	}
	if u, err := url.Parse(e.Request.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("request.url %q is not an absolute http(s) URL", e.Request.URL)
	}
	for _, h := range e.Request.Headers {
		if h.Name == "" {
			bad("request.headers: a header without a name")
		}
	}
	if _, err := e.Request.PostData.Body(); err != nil {
		bad("request.postData: %v", err)
	}
	switch s := e.Response.Status; {
	case s == 0 && e.Comment == "":
		bad("response.status 0 (no answer) needs a comment saying why")
	case s != 0 && (s < 100 || s > 599):
		bad("response.status %d is not an HTTP status", s)
	}
	if _, err := e.Response.Content.Body(); err != nil {
		bad("response.content: %v", err)
	}
	switch prev, seen := last[e.Process]; {
	case e.Process < 1 || e.Sequence < 1:
		bad("_process %d and _sequence %d: both start at 1", e.Process, e.Sequence)
	case seen && e.Sequence <= prev:
		bad("_sequence %d of process %d comes after its %d: entries were reordered or repeated", e.Sequence, e.Process, prev)
	default:
		last[e.Process] = e.Sequence
	}
	return errors.Join(errs...)
}

// validMethod accepts an HTTP token (RFC 9110), which every method is.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c > 0x7e || c <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c) {
			return false
		}
	}
	return true
}
