package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"

	"supportaccess/models"
	"supportaccess/models/seal"
)

func init() {
	register(command{name: "verify", summary: "recompute an organization's seals (--org), or an export's offline (--export FILE), and say whether the record is intact", run: verify})
}

// errNotIntact ends verify with a failure when the record does not match.
var errNotIntact = errors.New("the record does not match its seals")

func verify(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("verify", e, &cfg)
	org := fs.String("org", "", "the organization's name")
	file := fs.String("export", "", "an export file (CSV or JSON Lines) to check offline, with no database")
	pub := fs.String("public-key", "", "base64 Ed25519 public key the seals must be signed with (default: the signing key's, when one is set)")
	keyFile := sealKeyFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if (*org == "") == (*file == "") {
		return errors.New("verify: give --org NAME, or --export FILE")
	}
	var o seal.Options
	if *pub != "" {
		k, err := base64.StdEncoding.DecodeString(*pub)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return errors.New("--public-key: want the base64 of a 32-byte Ed25519 public key")
		}
		o.Trusted = []ed25519.PublicKey{k}
	} else if key, err := sealKey(e, *keyFile); err != nil {
		return err
	} else if key != nil {
		o.Trusted = []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}
	}
	if *file != "" {
		return verifyExport(e, *file, o, *pub != "")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	o2, err := s.OrgByName(ctx, *org)
	if err != nil {
		return err
	}
	c, err := s.VerifyRecord(ctx, models.Operator(o2.ID), o2.ID, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", o2.Name, c.Summary())
	fmt.Fprintf(e.stdout, "%d rows in %d seals checked", c.Rows, c.Batches)
	if c.SignedFrom > 0 {
		fmt.Fprintf(e.stdout, "; signed from batch %d", c.SignedFrom)
	}
	if c.Unsealed > 0 {
		fmt.Fprintf(e.stdout, "; %d newer rows not sealed yet", c.Unsealed)
	}
	fmt.Fprintln(e.stdout)
	if !c.Intact() {
		return errNotIntact
	}
	return nil
}
