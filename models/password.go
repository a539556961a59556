package models

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters, in one place: 19 MiB, 2 passes, 1 lane (the OWASP
// minimum for argon2id), 16-byte salt, 32-byte key.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// HashPassword hashes a password with argon2id into a self-describing string.
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password matches an argon2id hash, in
// constant time. A malformed hash never matches.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || p == 0 || t == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when an email is unknown, so that a login
// takes as long whether or not the account exists. It is made on first use
// rather than at start-up, where every command and test binary paid an
// argon2 hash for it.
var dummyHash = sync.OnceValue(func() string { return HashPassword(RandomToken(16)) })

// CheckPasswordOfNobody spends on password the time CheckPassword takes,
// against a hash no password was made for, so that a login with an
// unknown email takes as long as one with a wrong password.
func CheckPasswordOfNobody(password string) { CheckPassword(dummyHash(), password) }

// PrepareLogin makes the hash an unknown email is checked against, so
// that the server's first such login takes no longer than the next ones.
func PrepareLogin() { dummyHash() }

// ValidatePassword checks a new password's strength: its length, and that
// it is not one of the common passwords shipped with the binary, which a
// guesser tries first.
func ValidatePassword(pw string) error {
	if len(pw) < 12 {
		return FieldError("password", "A password needs at least 12 characters.")
	}
	if len(pw) > 1024 {
		return FieldError("password", "A password may have at most 1024 characters.")
	}
	if commonPasswords()[strings.ToLower(pw)] {
		return FieldError("password", "This password is among the most common ones, which are guessed first. Choose another.")
	}
	return nil
}

//go:embed common_passwords.txt
var commonPasswordList string

// commonPasswords is the shipped list as a set, built on first use.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			set[line] = true
		}
	}
	return set
})
