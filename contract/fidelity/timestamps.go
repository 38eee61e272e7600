package fidelity

import (
	"encoding/json"
	"fmt"
	"time"
)

// Timestamps are compared by what they mean, not by value: created_at is
// when the server stored the certificate, different in every run, so each
// side's is judged against that side's own exchange. An upload's must fall
// within the exchange, give or take timeTolerance; any other answer's must
// not lie after it (a certificate is not created later than it is read),
// nor before the API could have stored anything. A timestamp in another
// unit, milliseconds say, lands thousands of years away and diverges; one
// that means the same moment on both sides does not, whatever its value.
//
// The recorded side is judged too, and a divergence is reported only where
// the recording's timestamp meant what it should and the replay's did not:
// a recording from a server with a wrong clock is no fault of the target.

// timeTolerance is how far a created_at may lie from its exchange. It
// covers whole seconds cut down (up to 1 s), a server and a client clock
// apart (NTP keeps both well within 1 s of true time), and a response
// queued behind others; it is far below any error of unit, which is off
// by a factor of 1000 or more.
const timeTolerance = 5 * time.Second

// earliest is before any certificate of this API was stored: the
// Certificates API is younger.
var earliest = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// window is when one side's exchange happened; zero when unknown.
type window struct{ sent, answered time.Time }

// judge says what is wrong with created_at v against the exchange w, ""
// when nothing is.
func (w window) judge(v any, upload bool) string {
	if !wholeSeconds(v) {
		return "not whole seconds"
	}
	if w.sent.IsZero() {
		return ""
	}
	secs, _ := v.(json.Number).Int64() // wholeSeconds said it is one
	at := time.Unix(secs, 0)
	lo, hi := w.sent.Add(-timeTolerance), w.answered.Add(timeTolerance)
	switch {
	case at.After(hi):
		return fmt.Sprintf("%s after the exchange", roughly(at.Sub(w.answered)))
	case upload && at.Before(lo):
		return fmt.Sprintf("%s before the upload that stored it", roughly(w.sent.Sub(at)))
	case at.Before(earliest):
		return "before " + earliest.Format("2006")
	}
	return ""
}

// roughly is a duration as a reader weighs it.
func roughly(d time.Duration) string {
	const year = 365 * 24 * time.Hour
	switch {
	case d >= year:
		return fmt.Sprintf("%.0f years", d.Hours()/24/365)
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.0f days", d.Hours()/24)
	}
	return d.Round(time.Second).String()
}

func (c *comparison) timestamp(path string, r, p any) {
	recWrong := c.rec.judge(r, c.upload)
	if recWrong != "" && wholeSeconds(r) {
		return // the recording's own clock or unit is off: nothing to compare with
	}
	if repWrong := c.rep.judge(p, c.upload); repWrong != "" || recWrong != "" {
		c.diverge(CheckTimestamp, path, describeTime(r, recWrong), describeTime(p, repWrong))
	}
}

func describeTime(v any, wrong string) string {
	if wrong == "" {
		return show(v) + " (within the exchange)"
	}
	return show(v) + " (" + wrong + ")"
}
