package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"strings"
)

func init() {
	register(command{name: "seal keygen", summary: "print a new signing key for the record's seals, and its public key", run: sealKeygen})
}

// sealKeyFlag adds --seal-key-file to fs. The key signs the seals of the
// record (package seal); it comes from the environment or a file, never
// the database, so that a copy of the database cannot forge seals.
func sealKeyFlag(fs *flag.FlagSet) *string {
	return fs.String("seal-key-file", "", "file holding the base64 Ed25519 seed that signs the record's seals (or env SUPPORTACCESS_SEAL_KEY; none: seals are not signed)")
}

// sealKey reads the signing key from env SUPPORTACCESS_SEAL_KEY or from
// file, a base64 32-byte Ed25519 seed; nil when neither is set.
func sealKey(e env, file string) (ed25519.PrivateKey, error) {
	v, from := e.getenv("SUPPORTACCESS_SEAL_KEY"), "SUPPORTACCESS_SEAL_KEY"
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--seal-key-file: %w", err)
		}
		v, from = string(b), "--seal-key-file"
	}
	if v = strings.TrimSpace(v); v == "" {
		return nil, nil
	}
	seed, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%s: want the base64 of a 32-byte Ed25519 seed (supportaccess seal keygen makes one)", from)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// publicKeyText is how a public key is shown and given back: base64.
func publicKeyText(k ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

func sealKeygen(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("supportaccess seal keygen", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "SUPPORTACCESS_SEAL_KEY=%s\npublic key: %s\n", base64.StdEncoding.EncodeToString(seed), publicKeyText(ed25519.NewKeyFromSeed(seed)))
	return nil
}
