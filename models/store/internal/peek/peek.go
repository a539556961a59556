// Package peek holds the key with which package storetest reads the
// database behind a store.
package peek

// Key is the argument of store.Store's Peek. Its package is internal to
// models/store, so that only the store and storetest can name it.
type Key struct{}
