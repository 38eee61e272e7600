#!/usr/bin/env bash
# A CA certificate that meets every published requirement of OpenAI's mutual
# TLS program (CA, Subject and Authority Key Identifiers, key usage
# Certificate Sign and CRL Sign), valid for 30 days, for the SDK examples:
#   _examples/ca.sh cert.pem [key.pem]
# openssl's own defaults leave out the key usage, so each extension is named.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 cert.pem [key.pem]" >&2; exit 2; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "${2:-/dev/null}" -subj /CN=sdk-example -days 30 -addext basicConstraints=critical,CA:TRUE -addext subjectKeyIdentifier=hash -addext authorityKeyIdentifier=keyid:always -addext keyUsage=critical,keyCertSign,cRLSign -out "$1" 2>/dev/null
