// Package storetest lets tests of other packages check what a store
// holds by reading its tables directly, not through the store's own reads,
// which are what those tests exercise; a few also break a database on
// purpose. Only tests may import it: a test of package store fails when a
// file that is not a test does.
package storetest

import (
	"gorm.io/gorm"

	"supportaccess/models/store"
	"supportaccess/models/store/internal/peek"
)

// DB is the database s runs on.
func DB(s *store.Store) *gorm.DB { return s.Peek(peek.Key{}) }
