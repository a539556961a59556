package handlers

import (
	"context"
	"crypto/ed25519"
)

// seal seals the rows of the record written since the last round
// (store.SealRecord). Replicas that run it at once take turns on the
// sealer's cursor; the decisions never wait for it.
func (s *Server) seal(ctx context.Context) {
	if _, err := s.store.SealRecord(ctx, s.cfg.SealKey); err != nil && ctx.Err() == nil {
		s.log.Error("seal the record", "err", err)
	}
}

// publicKey is k's public key, nil for no key.
func publicKey(k ed25519.PrivateKey) ed25519.PublicKey {
	if k == nil {
		return nil
	}
	return k.Public().(ed25519.PublicKey)
}
