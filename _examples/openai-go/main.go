// The official Go SDK's mutual TLS recipe against the emulator's mTLS
// listener: an HTTP client whose TLS configuration carries the client
// certificate, the base URL set to the mTLS endpoint, redirects off, and
// models.list through the gate.
//
//	OPENAI_BASE_URL=https://127.0.0.1:18443/v1 OPENAI_API_KEY=sk-proj-... \
//	  go run . -server-ca server-ca.pem -cert client.pem -key client-key.pem
//
// Against OpenAI, the base URL is https://mtls.api.openai.com/v1 and
// -server-ca is left out (the system's roots trust it). -ca and -ca-key
// instead of -cert and -key make a client certificate from that CA first,
// with testcert.NewClient: a test's shortcut, where a service would load the
// certificate its PKI issued.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/certcontract/certcontract/contract/testcert"
)

func main() {
	serverCA := flag.String("server-ca", "", "PEM `file` of the CA the server's certificate is signed by (default: the system's roots)")
	certFile := flag.String("cert", "", "client certificate PEM `file` (leaf first, then any intermediates)")
	keyFile := flag.String("key", "", "client key PEM `file`")
	caFile := flag.String("ca", "", "instead of -cert and -key: make a client certificate signed by this CA PEM `file`")
	caKeyFile := flag.String("ca-key", "", "the key PEM `file` of -ca")
	writeClient := flag.String("write-client", "", "with -ca: also write the client certificate made to `prefix`.pem and its key to prefix-key.pem, for other clients")
	flag.Parse()
	cert, err := clientCertificate(*certFile, *keyFile, *caFile, *caKeyFile, *writeClient)
	if err == nil {
		err = listModels(context.Background(), *serverCA, cert, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "openai-go mTLS example:", err)
		os.Exit(1)
	}
}

func clientCertificate(certFile, keyFile, caFile, caKeyFile, writeClient string) (*tls.Certificate, error) {
	switch {
	case caFile != "":
		caPEM, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		caKeyPEM, err := os.ReadFile(caKeyFile)
		if err != nil {
			return nil, err
		}
		c, err := testcert.NewClient(string(caPEM), string(caKeyPEM), testcert.ClientOptions{CommonName: "openai-go example"})
		if err != nil {
			return nil, err
		}
		if writeClient != "" {
			if err := errors.Join(os.WriteFile(writeClient+".pem", []byte(c.PEM), 0o600),
				os.WriteFile(writeClient+"-key.pem", []byte(c.KeyPEM), 0o600)); err != nil {
				return nil, err
			}
		}
		pair, err := c.TLS()
		return &pair, err
	case certFile != "":
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		return &pair, err
	}
	return nil, nil // no client certificate: the gate decides
}

// listModels calls models.list as the SDK recipe does, with OPENAI_BASE_URL
// and OPENAI_API_KEY from the environment.
func listModels(ctx context.Context, serverCA string, cert *tls.Certificate, out io.Writer) error {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	if serverCA != "" {
		pemBytes, err := os.ReadFile(serverCA)
		if err != nil {
			return err
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pemBytes) {
			return errors.New(serverCA + " holds no PEM certificate")
		}
	}
	httpClient := &http.Client{
		Transport: &http.Transport{TLSClientConfig: cfg},
		// The recipe turns redirects off: a client certificate is for the
		// mTLS host only.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	client := openai.NewClient(option.WithHTTPClient(httpClient))
	page, err := client.Models.List(ctx)
	if err != nil {
		return err
	}
	for _, m := range page.Data {
		fmt.Fprintln(out, m.ID)
	}
	return nil
}
