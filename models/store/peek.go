package store

import (
	"gorm.io/gorm"

	"supportaccess/models/store/internal/peek"
)

// Peek returns the database the store runs on. Its argument's type is
// internal to models/store, so that only package storetest, through which
// tests of other packages check what is stored, can call it.
func (s *Store) Peek(peek.Key) *gorm.DB { return s.db }
