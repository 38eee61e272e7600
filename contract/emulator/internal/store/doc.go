// Package store is the emulator's state and business rules, with nothing of
// HTTP in it: no net/http, not even package generated (whose client imports
// it). Each Organization holds one admin key's certificates; its methods
// enforce the documented rules under one lock and refuse with an *Error
// naming the rule broken (errors.Is(err, ErrCertificateActive) and so on). A
// refused call changes nothing.
//
// The HTTP layer, package emulator, turns those errors into the API's
// statuses, codes and params, and the stored values into package generated's
// types. Deliberately wrong behaviours (mutations) are wrappers the emulator
// puts around an Organization; no rule here takes a switch.
//
// It is internal to the emulator because its only user is the emulator's
// HTTP layer: a contract suite talks HTTP, and an independent model of the
// API must not share these rules.
package store
