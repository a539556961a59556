package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// BenchmarkAccessDecisionSealed is BenchmarkAccessDecisionConcurrent with
// the sealer off and on (signing, every second, as the seal job runs),
// back to back in one run, so that the two see the same machine: the
// cost of sealing to the decision is the ratio of their ns/op. With it
// on, every decision is sealed by the end and the record verifies.
func BenchmarkAccessDecisionSealed(b *testing.B) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32))
	for _, sealing := range []bool{false, true} {
		name := "sealer=off"
		if sealing {
			name = "sealer=on"
		}
		b.Run(name, func(b *testing.B) {
			env := newBenchEnv(b)
			ctx, stop := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				if !sealing {
					return
				}
				t := time.NewTicker(time.Second)
				defer t.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-t.C:
						if _, err := env.store.SealRecord(ctx, key); err != nil && ctx.Err() == nil {
							b.Error(err)
						}
					}
				}
			}()
			body := `{"groupId":"` + env.project.ID + `","clusterName":"` + env.granted + `","scope":"INFRASTRUCTURE","caseNumber":"CASE-1","justification":"bench"}`
			b.ReportAllocs()
			b.SetParallelism(32)
			cpu := cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodPost, "/api/support/v1/access-decisions", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+env.support)
					hit(b, env.e, req, http.StatusOK)
				}
			})
			b.StopTimer()
			stop()
			<-done
			reportVsBaseline(b, cpu)
			if !sealing {
				return
			}
			if _, err := env.store.SealRecord(context.Background(), key); err != nil {
				b.Fatal(err)
			}
			c, err := env.store.VerifyRecord(context.Background(), models.Operator(env.orgID), env.orgID,
				seal.Options{Trusted: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}})
			if err != nil || !c.Intact() || c.Unsealed != 0 || c.Rows < int64(b.N) {
				b.Fatalf("after %d decisions: %+v %v", b.N, c, err)
			}
		})
	}
}

// BenchmarkSealRecord is the sealer's own cost: a round over 5,000 new
// decisions, signed. Its cpu-ns/row beside the decision's cpu-ns/op
// (BenchmarkAccessDecisionSealed/sealer=off) is the share of the
// decision's CPU that sealing adds, which a loaded, shared machine blurs
// less than the two throughputs.
func BenchmarkSealRecord(b *testing.B) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32))
	env := newBenchEnv(b)
	ctx := context.Background()
	ask := models.AccessRequest{ProjectID: env.project.ID, ClusterName: env.granted, Scope: string(models.ScopeInfrastructure),
		CaseNumber: "CASE-1", Justification: "bench", Via: models.ViaAPI}
	const rows = 5000
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		for range rows {
			if _, err := env.store.DecideAccessWithToken(ctx, env.support, ask); err != nil {
				b.Fatal(err)
			}
		}
		start := cpuTime()
		b.StartTimer()
		n, err := env.store.SealRecord(ctx, key)
		if err != nil || n < rows {
			b.Fatalf("sealed %d rows: %v", n, err)
		}
		cpu += cpuTime() - start
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*rows), "cpu-ns/row")
}
