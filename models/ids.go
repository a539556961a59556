package models

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"time"
)

// NewID returns a 24 hex digit identifier in the shape of the Atlas API's
// object ids: four bytes of seconds, then eight random bytes, so that ids
// sort roughly by creation time.
func NewID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	_, _ = rand.Read(b[4:])
	return hex.EncodeToString(b[:])
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

// ValidID reports whether s is 24 lowercase hex digits.
func ValidID(s string) bool { return idPattern.MatchString(s) }

var clusterNamePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]*$`)

// ValidClusterName reports whether s is a legal cluster name.
func ValidClusterName(s string) bool { return len(s) <= 64 && clusterNamePattern.MatchString(s) }

// RandomToken returns n random bytes as lowercase hex.
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
