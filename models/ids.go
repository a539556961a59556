package models

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"sync/atomic"
	"time"
)

// NewID returns a 24 hex digit identifier laid out as the Atlas API's
// object ids are: four bytes of seconds, five bytes random to the process,
// three bytes of a counter that starts at random. Ids sort by creation
// time, and those one process makes within a second sort in the order it
// made them, so that an insert lands at the end of its table's id index
// rather than anywhere in that second's pages: a busy second of recorded
// decisions dirtied a page per decision. Ids name things; none is a
// secret (tokens and session ids come from RandomToken), and like Atlas's
// they tell roughly how many objects a process made between two of them.
func NewID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	copy(b[4:9], idProcess[:])
	c := idCounter.Add(1)
	b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
	return hex.EncodeToString(b[:])
}

// idProcess and idCounter are the process's part of NewID's ids.
var (
	idProcess [5]byte
	idCounter atomic.Uint32
)

func init() {
	var c [4]byte
	_, _ = rand.Read(idProcess[:])
	_, _ = rand.Read(c[:])
	idCounter.Store(binary.BigEndian.Uint32(c[:]))
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
