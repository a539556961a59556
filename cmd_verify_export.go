package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"

	"supportaccess/handlers/logexport"
	"supportaccess/models/seal"
)

// verifyExport checks an export file offline (logexport.Check) and says
// what it found and which key the signatures were checked against: a
// key given (or the signing key's, for an operator), or else only the
// key the file itself carries, which proves nothing until the customer
// has compared it with the one on Organization Settings.
func verifyExport(e env, path string, o seal.Options, given bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	defer f.Close()
	r, err := logexport.Check(f, o)
	if err != nil {
		return fmt.Errorf("verify: %s cannot be checked (not an export as this server writes them, or damaged): %w", path, err)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", path, r.Summary())
	fmt.Fprintln(e.stdout, signatureNote(r, o, given))
	if !r.Intact() {
		return errNotIntact
	}
	return nil
}

// signatureNote says in one line what the signatures of an export prove.
func signatureNote(r seal.ExportReport, o seal.Options, given bool) string {
	switch {
	case len(o.Trusted) > 0 && given:
		return "signatures: every seal checked against the key given with --public-key"
	case len(o.Trusted) > 0:
		return "signatures: every seal checked against this server's signing key"
	case len(r.Keys) == 0:
		return "signatures: none; the seals show the file is whole and unaltered, not who made it"
	}
	note := fmt.Sprintf("signatures: valid under the key the file carries, %s", b64key(r.Keys[0]))
	if len(r.Keys) > 1 {
		note += fmt.Sprintf(" (and %d other keys)", len(r.Keys)-1)
	}
	if r.Unsigned > 0 {
		note += fmt.Sprintf("; %d seals unsigned", r.Unsigned)
	}
	return note + ". A key in the file is not trust by itself: compare it with the public key on Organization Settings, or give it with --public-key"
}

func b64key(k ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(k) }
